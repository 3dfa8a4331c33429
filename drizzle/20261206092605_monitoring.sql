CREATE TABLE "alert_emails" (
	"org_id" bigint NOT NULL,
	"alert_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"to_address" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "alert_emails_org_id_alert_id_user_id_pk" PRIMARY KEY("org_id","alert_id","user_id"),
	CONSTRAINT "alert_emails_status_check" CHECK ("alert_emails"."status" in ('queued','sending','sent','failed'))
);
--> statement-breakpoint
CREATE TABLE "alert_settings" (
	"org_id" bigint PRIMARY KEY NOT NULL,
	"thresholds" jsonb NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_subscriptions" (
	"org_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_subscriptions_org_id_user_id_pk" PRIMARY KEY("org_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"org_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "alerts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"rule" text NOT NULL,
	"creditor_id" bigint NOT NULL,
	"period" text NOT NULL,
	"value" numeric NOT NULL,
	"threshold" numeric NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"raised_at" timestamp with time zone DEFAULT now() NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" text,
	CONSTRAINT "alerts_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "alerts_rule_period_key" UNIQUE("org_id","rule","creditor_id","period"),
	CONSTRAINT "alerts_rule_check" CHECK ("alerts"."rule" in ('broken_agreements_spike','email_bounce_rate','sla_breach_rate'))
);
--> statement-breakpoint
CREATE TABLE "sla_targets" (
	"org_id" bigint NOT NULL,
	"creditor_id" bigint NOT NULL,
	"first_contact_days" integer NOT NULL,
	"reply_hours" integer NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sla_targets_org_id_creditor_id_pk" PRIMARY KEY("org_id","creditor_id"),
	CONSTRAINT "sla_targets_first_contact_check" CHECK ("sla_targets"."first_contact_days" between 0 and 365),
	CONSTRAINT "sla_targets_reply_hours_check" CHECK ("sla_targets"."reply_hours" between 1 and 720)
);
--> statement-breakpoint
ALTER TABLE "alert_emails" ADD CONSTRAINT "alert_emails_org_id_alert_id_alerts_org_id_id_fk" FOREIGN KEY ("org_id","alert_id") REFERENCES "public"."alerts"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_org_id_creditor_id_creditors_org_id_id_fk" FOREIGN KEY ("org_id","creditor_id") REFERENCES "public"."creditors"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_targets" ADD CONSTRAINT "sla_targets_org_id_creditor_id_creditors_org_id_id_fk" FOREIGN KEY ("org_id","creditor_id") REFERENCES "public"."creditors"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_targets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "sla_targets" TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE "alert_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "alert_settings" TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE "alerts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "alerts" TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE "alert_subscriptions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "alert_subscriptions" TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE "alert_emails" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "alert_emails" TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
