ALTER TABLE "imports" ADD COLUMN "error_code" text;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "error_details" jsonb;