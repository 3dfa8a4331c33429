CREATE TABLE "agreement_installments" (
	"org_id" bigint NOT NULL,
	"agreement_id" bigint NOT NULL,
	"number" integer NOT NULL,
	"receivable_id" bigint NOT NULL,
	"due_date" date NOT NULL,
	"amount_cents" bigint NOT NULL,
	"psp_txid" text,
	"pix_copia_e_cola" text,
	"boleto_barcode" text,
	"remessa_id" bigint,
	CONSTRAINT "agreement_installments_org_id_agreement_id_number_pk" PRIMARY KEY("org_id","agreement_id","number"),
	CONSTRAINT "agreement_installments_receivable_key" UNIQUE("org_id","receivable_id"),
	CONSTRAINT "agreement_installments_amount_check" CHECK ("agreement_installments"."amount_cents" > 0 and "agreement_installments"."number" >= 1)
);
--> statement-breakpoint
CREATE TABLE "agreement_originals" (
	"org_id" bigint NOT NULL,
	"agreement_id" bigint NOT NULL,
	"receivable_id" bigint NOT NULL,
	"status_before" text NOT NULL,
	"open_cents_before" bigint NOT NULL,
	"updated_cents" bigint NOT NULL,
	"returned_cents" bigint,
	CONSTRAINT "agreement_originals_org_id_agreement_id_receivable_id_pk" PRIMARY KEY("org_id","agreement_id","receivable_id")
);
--> statement-breakpoint
CREATE TABLE "agreements" (
	"org_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "agreements_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"creditor_id" bigint NOT NULL,
	"debtor_id" bigint NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"offer_key" text NOT NULL,
	"as_of" date NOT NULL,
	"updated_cents" bigint NOT NULL,
	"discount_cents" bigint DEFAULT 0 NOT NULL,
	"total_cents" bigint NOT NULL,
	"installment_count" integer NOT NULL,
	"tolerance_days" integer NOT NULL,
	"explanation" jsonb NOT NULL,
	"created_by" text NOT NULL,
	"request_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"end_reason" text,
	CONSTRAINT "agreements_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "agreements_request_key" UNIQUE("org_id","request_key"),
	CONSTRAINT "agreements_status_check" CHECK ("agreements"."status" in ('active','completed','broken','cancelled')),
	CONSTRAINT "agreements_amounts_check" CHECK ("agreements"."total_cents" > 0 and "agreements"."discount_cents" >= 0 and "agreements"."installment_count" >= 1)
);
--> statement-breakpoint
CREATE TABLE "portal_sessions" (
	"org_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "portal_sessions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"debtor_id" bigint NOT NULL,
	"link_nonce" text NOT NULL,
	"code_hash" text NOT NULL,
	"sent_to" text NOT NULL,
	"channel" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"code_expires_at" timestamp with time zone NOT NULL,
	"session_hash" text,
	"session_expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "portal_sessions_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "portal_sessions_session_key" UNIQUE("session_hash")
);
--> statement-breakpoint
CREATE TABLE "recoveries" (
	"org_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "recoveries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"debtor_id" bigint NOT NULL,
	"recovered_on" date NOT NULL,
	"follow_until" date NOT NULL,
	"reason" text NOT NULL,
	"agreement_id" bigint,
	"recovered_cents" bigint NOT NULL,
	"thank_you_message_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recoveries_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "recoveries_debtor_day_key" UNIQUE("org_id","debtor_id","recovered_on")
);
--> statement-breakpoint
CREATE TABLE "remessa_files" (
	"org_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "remessa_files_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"creditor_id" bigint NOT NULL,
	"nsa" integer NOT NULL,
	"filename" text NOT NULL,
	"content" text NOT NULL,
	"titles" integer NOT NULL,
	"total_cents" bigint NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "remessa_files_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "remessa_files_nsa_key" UNIQUE("org_id","creditor_id","nsa")
);
--> statement-breakpoint
ALTER TABLE "payments" DROP CONSTRAINT "payments_status_check";--> statement-breakpoint
ALTER TABLE "receivables" DROP CONSTRAINT "receivables_status_check";--> statement-breakpoint
ALTER TABLE "creditors" ADD COLUMN "boleto_agency" text;--> statement-breakpoint
ALTER TABLE "creditors" ADD COLUMN "boleto_account" text;--> statement-breakpoint
ALTER TABLE "creditors" ADD COLUMN "boleto_convenio" text;--> statement-breakpoint
ALTER TABLE "creditors" ADD COLUMN "boleto_carteira" text;--> statement-breakpoint
ALTER TABLE "creditors" ADD COLUMN "boleto_next_sequence" bigint DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "creditors" ADD COLUMN "remessa_next_nsa" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "creditors" ADD COLUMN "psp_url" text;--> statement-breakpoint
ALTER TABLE "creditors" ADD COLUMN "psp_client_id" text;--> statement-breakpoint
ALTER TABLE "creditors" ADD COLUMN "psp_client_secret" text;--> statement-breakpoint
ALTER TABLE "agreement_installments" ADD CONSTRAINT "agreement_installments_org_id_agreement_id_agreements_org_id_id_fk" FOREIGN KEY ("org_id","agreement_id") REFERENCES "public"."agreements"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agreement_installments" ADD CONSTRAINT "agreement_installments_org_id_receivable_id_receivables_org_id_id_fk" FOREIGN KEY ("org_id","receivable_id") REFERENCES "public"."receivables"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agreement_originals" ADD CONSTRAINT "agreement_originals_org_id_agreement_id_agreements_org_id_id_fk" FOREIGN KEY ("org_id","agreement_id") REFERENCES "public"."agreements"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agreement_originals" ADD CONSTRAINT "agreement_originals_org_id_receivable_id_receivables_org_id_id_fk" FOREIGN KEY ("org_id","receivable_id") REFERENCES "public"."receivables"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agreements" ADD CONSTRAINT "agreements_org_id_creditor_id_creditors_org_id_id_fk" FOREIGN KEY ("org_id","creditor_id") REFERENCES "public"."creditors"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agreements" ADD CONSTRAINT "agreements_org_id_debtor_id_debtors_org_id_id_fk" FOREIGN KEY ("org_id","debtor_id") REFERENCES "public"."debtors"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_sessions" ADD CONSTRAINT "portal_sessions_org_id_debtor_id_debtors_org_id_id_fk" FOREIGN KEY ("org_id","debtor_id") REFERENCES "public"."debtors"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recoveries" ADD CONSTRAINT "recoveries_org_id_debtor_id_debtors_org_id_id_fk" FOREIGN KEY ("org_id","debtor_id") REFERENCES "public"."debtors"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remessa_files" ADD CONSTRAINT "remessa_files_org_id_creditor_id_creditors_org_id_id_fk" FOREIGN KEY ("org_id","creditor_id") REFERENCES "public"."creditors"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agreement_originals_receivable_idx" ON "agreement_originals" USING btree ("org_id","receivable_id");--> statement-breakpoint
CREATE INDEX "agreements_debtor_idx" ON "agreements" USING btree ("org_id","debtor_id");--> statement-breakpoint
CREATE INDEX "agreements_active_idx" ON "agreements" USING btree ("org_id","status") WHERE "agreements"."status" = 'active';--> statement-breakpoint
CREATE INDEX "portal_sessions_debtor_idx" ON "portal_sessions" USING btree ("org_id","debtor_id");--> statement-breakpoint
CREATE INDEX "recoveries_follow_idx" ON "recoveries" USING btree ("org_id","follow_until");--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_status_check" CHECK ("payments"."status" in ('allocated','partially_allocated','unallocated','rejected'));--> statement-breakpoint
ALTER TABLE "receivables" ADD CONSTRAINT "receivables_status_check" CHECK ("receivables"."status" in ('open','partially_paid','paid','cancelled','written_off','in_agreement'));--> statement-breakpoint
ALTER TABLE "agreements" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "agreements" TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE "agreement_originals" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "agreement_originals" TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE "agreement_installments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "agreement_installments" TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE "remessa_files" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "remessa_files" TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE "recoveries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "recoveries" TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE "portal_sessions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "portal_sessions" TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
