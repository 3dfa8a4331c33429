CREATE TABLE "inbound_messages" (
	"org_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "inbound_messages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"channel" text NOT NULL,
	"provider_message_id" text NOT NULL,
	"from_address" text NOT NULL,
	"kind" text NOT NULL,
	"body" text,
	"sent_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"raw" jsonb NOT NULL,
	CONSTRAINT "inbound_messages_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "inbound_messages_provider_key" UNIQUE("org_id","channel","provider_message_id")
);
--> statement-breakpoint
CREATE INDEX "inbound_messages_from_idx" ON "inbound_messages" USING btree ("org_id","from_address","received_at");--> statement-breakpoint
ALTER TABLE inbound_messages ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON inbound_messages TO regua_app
  USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint))
  WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
