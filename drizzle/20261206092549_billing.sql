CREATE TABLE "billing_profiles" (
	"org_id" bigint NOT NULL,
	"legal_name" text NOT NULL,
	"cnpj" text NOT NULL,
	"address" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "billing_profiles_org_id_pk" PRIMARY KEY("org_id")
);
--> statement-breakpoint
CREATE TABLE "fee_statement_lines" (
	"org_id" bigint NOT NULL,
	"statement_id" bigint NOT NULL,
	"line_no" integer NOT NULL,
	"payment_id" bigint NOT NULL,
	"receivable_id" bigint NOT NULL,
	"debtor_id" bigint NOT NULL,
	"paid_on" date NOT NULL,
	"late_since" date NOT NULL,
	"agreement_id" bigint,
	"cents" bigint NOT NULL,
	"days_late" integer NOT NULL,
	"basis_points" integer NOT NULL,
	"fee_exact" numeric(30, 4) NOT NULL,
	"fee_cents" bigint NOT NULL,
	CONSTRAINT "fee_statement_lines_org_id_statement_id_line_no_pk" PRIMARY KEY("org_id","statement_id","line_no"),
	CONSTRAINT "fee_statement_lines_allocation_key" UNIQUE("org_id","payment_id","receivable_id"),
	CONSTRAINT "fee_statement_lines_values_check" CHECK ("fee_statement_lines"."cents" > 0 and "fee_statement_lines"."days_late" > 0 and "fee_statement_lines"."fee_cents" >= 0)
);
--> statement-breakpoint
CREATE TABLE "fee_statements" (
	"org_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "fee_statements_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"creditor_id" bigint NOT NULL,
	"month" date NOT NULL,
	"number" integer NOT NULL,
	"monthly_fee_cents" bigint NOT NULL,
	"recovered_cents" bigint NOT NULL,
	"success_fee_cents" bigint NOT NULL,
	"total_cents" bigint NOT NULL,
	"line_count" integer NOT NULL,
	"terms" jsonb NOT NULL,
	"issuer" jsonb NOT NULL,
	"issued_by" text NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fee_statements_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "fee_statements_month_key" UNIQUE("org_id","creditor_id","month"),
	CONSTRAINT "fee_statements_number_key" UNIQUE("org_id","number"),
	CONSTRAINT "fee_statements_totals_check" CHECK ("fee_statements"."total_cents" = "fee_statements"."monthly_fee_cents" + "fee_statements"."success_fee_cents" and extract(day from "fee_statements"."month") = 1)
);
--> statement-breakpoint
CREATE TABLE "fee_terms" (
	"org_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "fee_terms_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"creditor_id" bigint NOT NULL,
	"effective_from" date NOT NULL,
	"monthly_fee_cents" bigint NOT NULL,
	"success_fee_basis_points" integer,
	"tiers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fee_terms_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "fee_terms_values_check" CHECK ("fee_terms"."monthly_fee_cents" >= 0 and ("fee_terms"."success_fee_basis_points" is null or "fee_terms"."success_fee_basis_points" between 0 and 10000) and extract(day from "fee_terms"."effective_from") = 1)
);
--> statement-breakpoint
ALTER TABLE "fee_statement_lines" ADD CONSTRAINT "fee_statement_lines_org_id_statement_id_fee_statements_org_id_id_fk" FOREIGN KEY ("org_id","statement_id") REFERENCES "public"."fee_statements"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fee_statement_lines" ADD CONSTRAINT "fee_statement_lines_org_id_payment_id_receivable_id_payment_allocations_org_id_payment_id_receivable_id_fk" FOREIGN KEY ("org_id","payment_id","receivable_id") REFERENCES "public"."payment_allocations"("org_id","payment_id","receivable_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fee_statement_lines" ADD CONSTRAINT "fee_statement_lines_org_id_receivable_id_receivables_org_id_id_fk" FOREIGN KEY ("org_id","receivable_id") REFERENCES "public"."receivables"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fee_statement_lines" ADD CONSTRAINT "fee_statement_lines_org_id_debtor_id_debtors_org_id_id_fk" FOREIGN KEY ("org_id","debtor_id") REFERENCES "public"."debtors"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fee_statements" ADD CONSTRAINT "fee_statements_org_id_creditor_id_creditors_org_id_id_fk" FOREIGN KEY ("org_id","creditor_id") REFERENCES "public"."creditors"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fee_terms" ADD CONSTRAINT "fee_terms_org_id_creditor_id_creditors_org_id_id_fk" FOREIGN KEY ("org_id","creditor_id") REFERENCES "public"."creditors"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "fee_terms_creditor_idx" ON "fee_terms" USING btree ("org_id","creditor_id","effective_from");--> statement-breakpoint
-- Issued statements and fee terms versions are never changed or removed: a correction is a new line or a new version.
CREATE FUNCTION billing_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is immutable: issued statements and fee terms versions are never changed', TG_TABLE_NAME;
END
$$;
--> statement-breakpoint
CREATE TRIGGER fee_statements_immutable BEFORE UPDATE OR DELETE ON "fee_statements"
  FOR EACH ROW EXECUTE FUNCTION billing_immutable();
--> statement-breakpoint
CREATE TRIGGER fee_statement_lines_immutable BEFORE UPDATE OR DELETE ON "fee_statement_lines"
  FOR EACH ROW EXECUTE FUNCTION billing_immutable();
--> statement-breakpoint
CREATE TRIGGER fee_terms_immutable BEFORE UPDATE OR DELETE ON "fee_terms"
  FOR EACH ROW EXECUTE FUNCTION billing_immutable();
--> statement-breakpoint
ALTER TABLE "fee_terms" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "fee_terms" TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE "billing_profiles" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "billing_profiles" TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE "fee_statements" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "fee_statements" TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE "fee_statement_lines" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "fee_statement_lines" TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
