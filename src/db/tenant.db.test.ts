import { describe, expect, it } from 'vitest';
import { seededDatabaseForFile } from '../../test/support/seed.ts';
import { creditors, receivables } from './schema.ts';
import { tenantQuery, withTenant } from './tenant.ts';

const fixture = seededDatabaseForFile();

const TENANT_TABLES = [
  'creditors',
  'debtors',
  'receivables',
  'receivable_changes',
  'imports',
  'import_errors',
  'import_files',
  'api_keys',
  'memberships',
  'jobs',
  'consent_events',
  'audit_log',
  'cadences',
  'cadence_versions',
  'cadence_segments',
  'cadence_steps',
  'collection_holds',
  'plan_runs',
  'plan_skips',
  'outbound_messages',
  'outbound_message_items',
  'sandbox_inbox',
  'channel_providers',
  'collector_tasks',
  'inbound_messages',
  'conversations',
  'payment_files',
  'payments',
  'payment_allocations',
  'agreements',
  'agreement_originals',
  'agreement_installments',
  'remessa_files',
  'recoveries',
  'portal_sessions',
  'fee_terms',
  'billing_profiles',
  'fee_statements',
  'fee_statement_lines',
  'sla_targets',
  'alert_settings',
  'alerts',
  'alert_subscriptions',
  'alert_emails',
  'score_models',
  'debtor_scores',
];

describe('row-level security', () => {
  it('is on for every table with an org_id column, and each of them is in the list checked below', async () => {
    const tables = await fixture.db.query<{ name: string; rls: boolean }>(
      `select c.relname as name, c.relrowsecurity as rls
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r'
          and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'org_id')
          -- Tables tenant work cannot touch at all (sessions) need no policy.
          and has_table_privilege('regua_app', c.oid, 'SELECT')
        order by 1`,
    );
    const tenant = tables;
    expect(tenant.filter((t) => !t.rls).map((t) => t.name)).toEqual([]);
    expect(tenant.map((t) => t.name).sort()).toEqual([...TENANT_TABLES].sort());
  });

  it('a query that forgets its organization filter sees only its own organization, in every tenant table', async () => {
    const a = fixture.seeded.a.scope.orgId;
    const b = fixture.seeded.b.scope.orgId;
    for (const table of TENANT_TABLES) {
      const orgs = await tenantQuery<{ org_id: number }>(
        fixture.db,
        { orgId: b },
        `select distinct org_id from ${table}`,
      );
      expect(
        orgs.every((r) => r.org_id === b),
        table,
      ).toBe(true);
    }
    const all = await fixture.db.query<{ n: number }>(
      'select count(distinct org_id)::int as n from receivables',
    );
    expect(all[0]?.n).toBe(2);
    const seenByA = await tenantQuery<{ org_id: number }>(
      fixture.db,
      { orgId: a },
      'select distinct org_id from receivables',
    );
    expect(seenByA).toEqual([{ org_id: a }]);
    const orgsSeen = await tenantQuery<{ id: number }>(
      fixture.db,
      { orgId: a },
      'select id from organizations',
    );
    expect(orgsSeen).toEqual([{ id: a }]);
  });

  it('the same holds for Drizzle queries without a where clause', async () => {
    const rows = await withTenant(fixture.db, fixture.seeded.b.scope.orgId, (tx) =>
      tx.orm.select().from(receivables),
    );
    expect(rows.map((r) => r.externalId)).toEqual(['B-1']);
    const names = await withTenant(fixture.db, fixture.seeded.b.scope.orgId, (tx) =>
      tx.orm.select().from(creditors),
    );
    expect(names.map((c) => c.legalName)).toEqual(['Cliente da Beta Ltda']);
  });

  it('refuses to write a row into another organization, and cannot change another organization’s rows', async () => {
    await expect(
      tenantQuery(
        fixture.db,
        { orgId: fixture.seeded.b.scope.orgId },
        `insert into creditors (org_id, cnpj, legal_name) values ($1, '11444777000161', 'Intrusa')`,
        [fixture.seeded.a.scope.orgId],
      ),
    ).rejects.toThrow(/row-level security/);
    const changed = await tenantQuery(
      fixture.db,
      { orgId: fixture.seeded.b.scope.orgId },
      `update receivables set open_cents = 0 where org_id = $1 returning id`,
      [fixture.seeded.a.scope.orgId],
    );
    expect(changed).toEqual([]);
  });

  it('gives tenant work no access to credentials, and no tenant at all when none is set', async () => {
    await expect(
      tenantQuery(fixture.db, { orgId: fixture.seeded.a.scope.orgId }, 'select password_hash from users'),
    ).rejects.toThrow(/permission denied/);
    const none = await fixture.db.transaction(async (tx) => {
      await tx.query(`select set_config('role', 'regua_app', true)`);
      return tx.query('select id from receivables');
    });
    expect(none).toEqual([]);
  });

  it('leaves the connection as it found it once the transaction ends', async () => {
    await tenantQuery(fixture.db, { orgId: fixture.seeded.a.scope.orgId }, 'select 1');
    const [after] = await fixture.db.query<{ role: string; org: string | null }>(
      `select current_user as role, nullif(current_setting('regua.org_id', true), '') as org`,
    );
    expect(after?.role).not.toBe('regua_app');
    expect(after?.org).toBeNull();
  });
});
