CREATE TABLE "collector_tasks" (
	"org_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "collector_tasks_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"message_id" bigint NOT NULL,
	"creditor_id" bigint NOT NULL,
	"debtor_id" bigint NOT NULL,
	"phone" text,
	"script" text NOT NULL,
	"priority" bigint NOT NULL,
	"assigned_to" bigint,
	"status" text DEFAULT 'open' NOT NULL,
	"outcome" text,
	"note" text,
	"promise_date" date,
	"promise_cents" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"done_at" timestamp with time zone,
	"done_by" text,
	CONSTRAINT "collector_tasks_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "collector_tasks_message_key" UNIQUE("org_id","message_id"),
	CONSTRAINT "collector_tasks_status_check" CHECK ("collector_tasks"."status" in ('open','done','cancelled')),
	CONSTRAINT "collector_tasks_outcome_check" CHECK ("collector_tasks"."outcome" is null or "collector_tasks"."outcome" in ('reached','not_reached','wrong_number','promise','dispute','refused'))
);
--> statement-breakpoint
ALTER TABLE "collection_holds" ADD COLUMN "amount_cents" bigint;--> statement-breakpoint
ALTER TABLE "collector_tasks" ADD CONSTRAINT "collector_tasks_org_id_message_id_outbound_messages_org_id_id_fk" FOREIGN KEY ("org_id","message_id") REFERENCES "public"."outbound_messages"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collector_tasks" ADD CONSTRAINT "collector_tasks_org_id_debtor_id_debtors_org_id_id_fk" FOREIGN KEY ("org_id","debtor_id") REFERENCES "public"."debtors"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "collector_tasks_open_idx" ON "collector_tasks" USING btree ("org_id","priority") WHERE "collector_tasks"."status" = 'open';--> statement-breakpoint
CREATE INDEX "collector_tasks_debtor_idx" ON "collector_tasks" USING btree ("org_id","debtor_id");--> statement-breakpoint
ALTER TABLE collector_tasks ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON collector_tasks TO regua_app
  USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint))
  WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
