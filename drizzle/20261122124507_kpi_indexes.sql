CREATE INDEX "collector_tasks_done_idx" ON "collector_tasks" USING btree ("org_id","done_at") WHERE "collector_tasks"."status" = 'done';--> statement-breakpoint
CREATE INDEX "outbound_messages_sent_idx" ON "outbound_messages" USING btree ("org_id","sent_at");--> statement-breakpoint
CREATE INDEX "outbound_messages_failed_unsent_idx" ON "outbound_messages" USING btree ("org_id","failed_at") WHERE "outbound_messages"."sent_at" is null;--> statement-breakpoint
CREATE INDEX "collection_holds_promise_due_idx" ON "collection_holds" USING btree ("org_id","until_date") WHERE "collection_holds"."kind" = 'promise';--> statement-breakpoint
CREATE INDEX "payments_paid_on_idx" ON "payments" USING btree ("org_id","paid_on");--> statement-breakpoint
CREATE INDEX "receivable_changes_changed_idx" ON "receivable_changes" USING btree ("org_id","changed_at");