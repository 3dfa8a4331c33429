ALTER TABLE "creditors" ADD COLUMN "multa_percent" text DEFAULT '2' NOT NULL;--> statement-breakpoint
ALTER TABLE "creditors" ADD COLUMN "juros_monthly_percent" text DEFAULT '1';--> statement-breakpoint
ALTER TABLE "creditors" ADD COLUMN "correction" text DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE "creditors" ADD COLUMN "multa_cap_percent_companies" text DEFAULT '2' NOT NULL;--> statement-breakpoint
ALTER TABLE "creditors" ADD COLUMN "pix_key" text;--> statement-breakpoint
ALTER TABLE "creditors" ADD COLUMN "pix_merchant_name" text;--> statement-breakpoint
ALTER TABLE "creditors" ADD COLUMN "pix_city" text;