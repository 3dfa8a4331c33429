CREATE TABLE "outbound_message_items" (
	"org_id" bigint NOT NULL,
	"message_id" bigint NOT NULL,
	"receivable_id" bigint NOT NULL,
	"cadence_id" bigint NOT NULL,
	"step_key" text NOT NULL,
	"open_cents" bigint NOT NULL,
	"days_late" integer NOT NULL,
	CONSTRAINT "outbound_message_items_org_id_message_id_receivable_id_pk" PRIMARY KEY("org_id","message_id","receivable_id"),
	CONSTRAINT "outbound_message_items_step_key" UNIQUE("org_id","receivable_id","cadence_id","step_key")
);
--> statement-breakpoint
CREATE TABLE "outbound_messages" (
	"org_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "outbound_messages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"creditor_id" bigint NOT NULL,
	"debtor_id" bigint NOT NULL,
	"channel" text NOT NULL,
	"purpose" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"plan_date" date,
	"version_id" bigint,
	"segment_key" text,
	"step_key" text,
	"variant_key" text,
	"uf" text,
	"to_address" text,
	"subject" text,
	"body" text,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_by" text,
	"locked_until" timestamp with time zone,
	"provider" text,
	"provider_message_id" text,
	"cost_cents" integer,
	"last_error" text,
	"why" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"evidence" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"read_at" timestamp with time zone,
	"failed_at" timestamp with time zone,
	CONSTRAINT "outbound_messages_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "outbound_messages_idempotency_key" UNIQUE("org_id","idempotency_key"),
	CONSTRAINT "outbound_messages_status_check" CHECK ("outbound_messages"."status" in ('queued','sending','sent','delivered','read','failed','cancelled'))
);
--> statement-breakpoint
CREATE TABLE "sandbox_inbox" (
	"org_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "sandbox_inbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"idempotency_key" text NOT NULL,
	"message_id" bigint NOT NULL,
	"channel" text NOT NULL,
	"to_address" text,
	"subject" text,
	"body" text NOT NULL,
	"deliveries" integer DEFAULT 1 NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sandbox_inbox_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "sandbox_inbox_idempotency_key" UNIQUE("org_id","idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "bank_calendar" (
	"day" date PRIMARY KEY NOT NULL,
	"business" boolean NOT NULL,
	"next_business_day" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cadence_segments" (
	"org_id" bigint NOT NULL,
	"version_id" bigint NOT NULL,
	"segment_key" text NOT NULL,
	"position" smallint NOT NULL,
	"debtor_kind" text,
	"min_cents" bigint,
	"max_cents" bigint,
	"min_days_late" integer,
	"max_days_late" integer,
	"ufs" text[],
	"tags" text[],
	CONSTRAINT "cadence_segments_org_id_version_id_segment_key_pk" PRIMARY KEY("org_id","version_id","segment_key")
);
--> statement-breakpoint
CREATE TABLE "cadence_steps" (
	"org_id" bigint NOT NULL,
	"version_id" bigint NOT NULL,
	"segment_key" text NOT NULL,
	"step_key" text NOT NULL,
	"variant_key" text NOT NULL,
	"bucket_from" smallint NOT NULL,
	"bucket_to" smallint NOT NULL,
	"offset_days" integer NOT NULL,
	"channel" text NOT NULL,
	"purpose" text NOT NULL,
	"skip_on_promise" boolean NOT NULL,
	"skip_on_agreement" boolean NOT NULL,
	"skip_on_dispute" boolean NOT NULL,
	"skip_on_pause" boolean NOT NULL,
	CONSTRAINT "cadence_steps_org_id_version_id_step_key_variant_key_pk" PRIMARY KEY("org_id","version_id","step_key","variant_key"),
	CONSTRAINT "cadence_steps_bucket_check" CHECK (0 <= "cadence_steps"."bucket_from" and "cadence_steps"."bucket_from" < "cadence_steps"."bucket_to" and "cadence_steps"."bucket_to" <= 100)
);
--> statement-breakpoint
CREATE TABLE "cadence_versions" (
	"org_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "cadence_versions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"cadence_id" bigint NOT NULL,
	"creditor_id" bigint NOT NULL,
	"version" integer NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"definition" jsonb NOT NULL,
	"note" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"activated_at" timestamp with time zone,
	"retired_at" timestamp with time zone,
	CONSTRAINT "cadence_versions_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "cadence_versions_number_key" UNIQUE("org_id","cadence_id","version"),
	CONSTRAINT "cadence_versions_status_check" CHECK ("cadence_versions"."status" in ('draft','active','retired'))
);
--> statement-breakpoint
CREATE TABLE "cadences" (
	"org_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "cadences_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"creditor_id" bigint NOT NULL,
	"name" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cadences_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "collection_holds" (
	"org_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "collection_holds_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"debtor_id" bigint NOT NULL,
	"receivable_id" bigint,
	"kind" text NOT NULL,
	"until_date" date,
	"reason" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"released_at" timestamp with time zone,
	"released_by" text,
	CONSTRAINT "collection_holds_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "collection_holds_kind_check" CHECK ("collection_holds"."kind" in ('promise','agreement','dispute','pause'))
);
--> statement-breakpoint
CREATE TABLE "plan_runs" (
	"org_id" bigint NOT NULL,
	"plan_date" date NOT NULL,
	"status" text NOT NULL,
	"planned" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"by_channel" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"by_reason" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "plan_runs_org_id_plan_date_pk" PRIMARY KEY("org_id","plan_date")
);
--> statement-breakpoint
CREATE TABLE "plan_skips" (
	"org_id" bigint NOT NULL,
	"plan_date" date NOT NULL,
	"receivable_id" bigint NOT NULL,
	"debtor_id" bigint NOT NULL,
	"creditor_id" bigint NOT NULL,
	"version_id" bigint NOT NULL,
	"segment_key" text NOT NULL,
	"step_key" text NOT NULL,
	"channel" text NOT NULL,
	"reason" text NOT NULL,
	"detail" jsonb NOT NULL,
	CONSTRAINT "plan_skips_org_id_plan_date_receivable_id_pk" PRIMARY KEY("org_id","plan_date","receivable_id")
);
--> statement-breakpoint
CREATE TABLE "state_holidays" (
	"day" date NOT NULL,
	"uf" text NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "state_holidays_day_uf_pk" PRIMARY KEY("day","uf")
);
--> statement-breakpoint
ALTER TABLE "outbound_message_items" ADD CONSTRAINT "outbound_message_items_org_id_message_id_outbound_messages_org_id_id_fk" FOREIGN KEY ("org_id","message_id") REFERENCES "public"."outbound_messages"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbound_message_items" ADD CONSTRAINT "outbound_message_items_org_id_receivable_id_receivables_org_id_id_fk" FOREIGN KEY ("org_id","receivable_id") REFERENCES "public"."receivables"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD CONSTRAINT "outbound_messages_org_id_creditor_id_creditors_org_id_id_fk" FOREIGN KEY ("org_id","creditor_id") REFERENCES "public"."creditors"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD CONSTRAINT "outbound_messages_org_id_debtor_id_debtors_org_id_id_fk" FOREIGN KEY ("org_id","debtor_id") REFERENCES "public"."debtors"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cadence_segments" ADD CONSTRAINT "cadence_segments_org_id_version_id_cadence_versions_org_id_id_fk" FOREIGN KEY ("org_id","version_id") REFERENCES "public"."cadence_versions"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cadence_steps" ADD CONSTRAINT "cadence_steps_org_id_version_id_segment_key_cadence_segments_org_id_version_id_segment_key_fk" FOREIGN KEY ("org_id","version_id","segment_key") REFERENCES "public"."cadence_segments"("org_id","version_id","segment_key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cadence_versions" ADD CONSTRAINT "cadence_versions_org_id_cadence_id_cadences_org_id_id_fk" FOREIGN KEY ("org_id","cadence_id") REFERENCES "public"."cadences"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cadences" ADD CONSTRAINT "cadences_org_id_creditor_id_creditors_org_id_id_fk" FOREIGN KEY ("org_id","creditor_id") REFERENCES "public"."creditors"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collection_holds" ADD CONSTRAINT "collection_holds_org_id_debtor_id_debtors_org_id_id_fk" FOREIGN KEY ("org_id","debtor_id") REFERENCES "public"."debtors"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collection_holds" ADD CONSTRAINT "collection_holds_org_id_receivable_id_receivables_org_id_id_fk" FOREIGN KEY ("org_id","receivable_id") REFERENCES "public"."receivables"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbound_messages_ready_idx" ON "outbound_messages" USING btree ("next_attempt_at") WHERE "outbound_messages"."status" in ('queued','sending');--> statement-breakpoint
CREATE INDEX "outbound_messages_debtor_idx" ON "outbound_messages" USING btree ("org_id","debtor_id","plan_date");--> statement-breakpoint
CREATE INDEX "outbound_messages_plan_idx" ON "outbound_messages" USING btree ("org_id","plan_date");--> statement-breakpoint
CREATE INDEX "sandbox_inbox_received_idx" ON "sandbox_inbox" USING btree ("org_id","received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "cadence_versions_one_active_idx" ON "cadence_versions" USING btree ("org_id","creditor_id") WHERE "cadence_versions"."status" = 'active';--> statement-breakpoint
CREATE INDEX "cadences_creditor_idx" ON "cadences" USING btree ("org_id","creditor_id");--> statement-breakpoint
CREATE INDEX "collection_holds_active_idx" ON "collection_holds" USING btree ("org_id","debtor_id") WHERE "collection_holds"."released_at" is null;--> statement-breakpoint
CREATE INDEX "plan_skips_debtor_idx" ON "plan_skips" USING btree ("org_id","debtor_id");--> statement-breakpoint
CREATE INDEX "plan_skips_receivable_idx" ON "plan_skips" USING btree ("org_id","receivable_id","step_key");--> statement-breakpoint
ALTER TABLE cadences ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON cadences TO regua_app
  USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint))
  WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE cadence_versions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON cadence_versions TO regua_app
  USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint))
  WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE cadence_segments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON cadence_segments TO regua_app
  USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint))
  WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE cadence_steps ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON cadence_steps TO regua_app
  USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint))
  WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE collection_holds ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON collection_holds TO regua_app
  USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint))
  WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE plan_runs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON plan_runs TO regua_app
  USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint))
  WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE plan_skips ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON plan_skips TO regua_app
  USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint))
  WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE outbound_messages ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON outbound_messages TO regua_app
  USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint))
  WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE outbound_message_items ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON outbound_message_items TO regua_app
  USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint))
  WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE sandbox_inbox ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON sandbox_inbox TO regua_app
  USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint))
  WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
-- Cadence versions are immutable once written: tenant work may only move their status.
REVOKE UPDATE ON cadence_versions FROM regua_app;
--> statement-breakpoint
GRANT UPDATE (status, activated_at, retired_at) ON cadence_versions TO regua_app;
--> statement-breakpoint
REVOKE UPDATE, DELETE ON cadence_segments, cadence_steps FROM regua_app;
--> statement-breakpoint
-- The bank calendar and state holidays are public data shared by every organization.
GRANT SELECT ON bank_calendar, state_holidays TO regua_app;
