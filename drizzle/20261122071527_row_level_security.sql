-- Row-level security: tenant work runs as the role regua_app with the transaction-local setting
-- regua.org_id (see src/db/tenant.ts). A query that forgets its organization filter still sees only
-- that organization. System work (migrations, login, job claiming) runs as the connecting role.
DO $$
BEGIN
  CREATE ROLE regua_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
EXCEPTION
  -- Roles are shared by every database of a cluster: another database may have created it first.
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT regua_app TO %I', current_user);
  END IF;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO regua_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO regua_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO regua_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO regua_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO regua_app;
--> statement-breakpoint
-- Tenant work never needs credentials or the migration log.
REVOKE ALL ON users, sessions, regua_migrations FROM regua_app;
--> statement-breakpoint
ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON organizations TO regua_app USING (id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE creditors ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON creditors TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE debtors ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON debtors TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE receivables ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON receivables TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE receivable_changes ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON receivable_changes TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE imports ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON imports TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE import_errors ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON import_errors TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE import_files ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON import_files TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON api_keys TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON memberships TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
--> statement-breakpoint
ALTER TABLE jobs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON jobs TO regua_app USING (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint)) WITH CHECK (org_id = (select nullif(current_setting('regua.org_id', true), '')::bigint));
