CREATE TABLE "channel_providers" (
	"org_id" bigint NOT NULL,
	"channel" text NOT NULL,
	"provider" text NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"secret" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channel_providers_org_id_channel_pk" PRIMARY KEY("org_id","channel")
);
--> statement-breakpoint
ALTER TABLE channel_providers ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON channel_providers TO regua_app
  USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint))
  WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
