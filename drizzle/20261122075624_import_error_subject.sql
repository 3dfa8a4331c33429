ALTER TABLE "import_errors" ADD COLUMN "subject_document" text;--> statement-breakpoint
CREATE INDEX "import_errors_subject_idx" ON "import_errors" USING btree ("org_id","subject_document");