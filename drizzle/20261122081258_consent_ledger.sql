CREATE TABLE "consent_events" (
	"org_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "consent_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"debtor_id" bigint NOT NULL,
	"channel" text NOT NULL,
	"event" text NOT NULL,
	"source" text NOT NULL,
	"actor" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consent_events_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "consent_events_channel_check" CHECK ("consent_events"."channel" in ('email','sms','whatsapp','phone','letter')),
	CONSTRAINT "consent_events_event_check" CHECK ("consent_events"."event" in ('consent','opt_out','opt_in'))
);
--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_org_id_debtor_id_debtors_org_id_id_fk" FOREIGN KEY ("org_id","debtor_id") REFERENCES "public"."debtors"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consent_events_debtor_idx" ON "consent_events" USING btree ("org_id","debtor_id","id");--> statement-breakpoint
ALTER TABLE consent_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON consent_events TO regua_app
  USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint))
  WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
-- A ledger: tenant work adds to it and reads it, never rewrites it.
REVOKE UPDATE, DELETE, TRUNCATE ON consent_events FROM regua_app;
