CREATE TABLE "debtor_scores" (
	"org_id" bigint NOT NULL,
	"debtor_id" bigint NOT NULL,
	"creditor_id" bigint NOT NULL,
	"model_id" bigint NOT NULL,
	"probability" double precision NOT NULL,
	"open_cents" bigint NOT NULL,
	"expected_recovery_cents" bigint NOT NULL,
	"max_days_late" integer NOT NULL,
	"factors" jsonb NOT NULL,
	"as_of" date NOT NULL,
	"scored_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "debtor_scores_org_id_debtor_id_pk" PRIMARY KEY("org_id","debtor_id")
);
--> statement-breakpoint
CREATE TABLE "score_models" (
	"org_id" bigint NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "score_models_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"creditor_id" bigint NOT NULL,
	"as_of" date NOT NULL,
	"kind" text NOT NULL,
	"features" text[] NOT NULL,
	"intercept" double precision NOT NULL,
	"coefficients" double precision[] NOT NULL,
	"means" double precision[] NOT NULL,
	"scales" double precision[] NOT NULL,
	"auc" double precision,
	"n_train" integer NOT NULL,
	"n_test" integer NOT NULL,
	"positives" integer NOT NULL,
	"positive_rate" double precision,
	"label_days" integer NOT NULL,
	"reason" text,
	"trained_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "score_models_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "score_models_creditor_day_key" UNIQUE("org_id","creditor_id","as_of"),
	CONSTRAINT "score_models_kind_check" CHECK ("score_models"."kind" in ('model','rules'))
);
--> statement-breakpoint
ALTER TABLE "debtor_scores" ADD CONSTRAINT "debtor_scores_org_id_debtor_id_debtors_org_id_id_fk" FOREIGN KEY ("org_id","debtor_id") REFERENCES "public"."debtors"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "debtor_scores" ADD CONSTRAINT "debtor_scores_org_id_model_id_score_models_org_id_id_fk" FOREIGN KEY ("org_id","model_id") REFERENCES "public"."score_models"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_models" ADD CONSTRAINT "score_models_org_id_creditor_id_creditors_org_id_id_fk" FOREIGN KEY ("org_id","creditor_id") REFERENCES "public"."creditors"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "debtor_scores_creditor_idx" ON "debtor_scores" USING btree ("org_id","creditor_id");--> statement-breakpoint
ALTER TABLE "score_models" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "score_models" TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE "debtor_scores" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "debtor_scores" TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
