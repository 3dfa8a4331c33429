CREATE TABLE "payment_allocations" (
	"org_id" bigint NOT NULL,
	"payment_id" bigint NOT NULL,
	"receivable_id" bigint NOT NULL,
	"cents" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_allocations_org_id_payment_id_receivable_id_pk" PRIMARY KEY("org_id","payment_id","receivable_id"),
	CONSTRAINT "payment_allocations_cents_check" CHECK ("payment_allocations"."cents" > 0)
);
--> statement-breakpoint
CREATE TABLE "payment_files" (
	"org_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "payment_files_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"filename" text NOT NULL,
	"format" text NOT NULL,
	"sha256" text NOT NULL,
	"payments" integer DEFAULT 0 NOT NULL,
	"duplicates" integer DEFAULT 0 NOT NULL,
	"ignored" integer DEFAULT 0 NOT NULL,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"imported_by" text NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_files_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"org_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "payments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"source" text NOT NULL,
	"natural_key" text NOT NULL,
	"file_id" bigint,
	"amount_cents" bigint NOT NULL,
	"paid_on" date NOT NULL,
	"credited_on" date,
	"payer_document" text,
	"payer_name" text,
	"reference" text,
	"debtor_id" bigint,
	"status" text NOT NULL,
	"credit_cents" bigint DEFAULT 0 NOT NULL,
	"matched_by" text,
	"raw" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payments_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "payments_natural_key" UNIQUE("org_id","natural_key"),
	CONSTRAINT "payments_amount_check" CHECK ("payments"."amount_cents" > 0 and "payments"."credit_cents" >= 0),
	CONSTRAINT "payments_status_check" CHECK ("payments"."status" in ('allocated','partially_allocated','unallocated'))
);
--> statement-breakpoint
ALTER TABLE "payment_allocations" ADD CONSTRAINT "payment_allocations_org_id_payment_id_payments_org_id_id_fk" FOREIGN KEY ("org_id","payment_id") REFERENCES "public"."payments"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_allocations" ADD CONSTRAINT "payment_allocations_org_id_receivable_id_receivables_org_id_id_fk" FOREIGN KEY ("org_id","receivable_id") REFERENCES "public"."receivables"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_org_id_debtor_id_debtors_org_id_id_fk" FOREIGN KEY ("org_id","debtor_id") REFERENCES "public"."debtors"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payment_allocations_receivable_idx" ON "payment_allocations" USING btree ("org_id","receivable_id");--> statement-breakpoint
CREATE INDEX "payments_status_idx" ON "payments" USING btree ("org_id","status");--> statement-breakpoint
CREATE INDEX "payments_debtor_idx" ON "payments" USING btree ("org_id","debtor_id");--> statement-breakpoint
ALTER TABLE payment_files ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON payment_files TO regua_app
  USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint))
  WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE payments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON payments TO regua_app
  USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint))
  WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE payment_allocations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON payment_allocations TO regua_app
  USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint))
  WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
