CREATE TABLE "conversations" (
	"org_id" bigint NOT NULL,
	"channel" text NOT NULL,
	"address" text NOT NULL,
	"state" text NOT NULL,
	"turns" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conversations_org_id_channel_address_pk" PRIMARY KEY("org_id","channel","address")
);
--> statement-breakpoint
ALTER TABLE conversations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON conversations TO regua_app
  USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint))
  WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
