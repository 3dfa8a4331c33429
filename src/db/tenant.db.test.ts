import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { type Seeded, seedTwoOrganizations } from '../../test/support/seed.ts';
import { creditors, receivables } from './schema.ts';
import { tenantQuery, withTenant } from './tenant.ts';

let test: TestDatabase;
let seeded: Seeded;
beforeAll(async () => {
  test = await createTestDatabase();
  seeded = await seedTwoOrganizations(test.db);
});
afterAll(() => test.drop());

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
];

describe('row-level security', () => {
  it('a query that forgets its organization filter sees only its own organization, in every tenant table', async () => {
    const a = seeded.a.scope.orgId;
    const b = seeded.b.scope.orgId;
    for (const table of TENANT_TABLES) {
      const orgs = await tenantQuery<{ org_id: number }>(
        test.db,
        { orgId: b },
        `select distinct org_id from ${table}`,
      );
      expect(
        orgs.every((r) => r.org_id === b),
        table,
      ).toBe(true);
    }
    const all = await test.db.query<{ n: number }>(
      'select count(distinct org_id)::int as n from receivables',
    );
    expect(all[0]?.n).toBe(2);
    const seenByA = await tenantQuery<{ org_id: number }>(
      test.db,
      { orgId: a },
      'select distinct org_id from receivables',
    );
    expect(seenByA).toEqual([{ org_id: a }]);
    const orgsSeen = await tenantQuery<{ id: number }>(test.db, { orgId: a }, 'select id from organizations');
    expect(orgsSeen).toEqual([{ id: a }]);
  });

  it('the same holds for Drizzle queries without a where clause', async () => {
    const rows = await withTenant(test.db, seeded.b.scope.orgId, (tx) => tx.orm.select().from(receivables));
    expect(rows.map((r) => r.externalId)).toEqual(['B-1']);
    const names = await withTenant(test.db, seeded.b.scope.orgId, (tx) => tx.orm.select().from(creditors));
    expect(names.map((c) => c.legalName)).toEqual(['Cliente da Beta Ltda']);
  });

  it('refuses to write a row into another organization, and cannot change another organization’s rows', async () => {
    await expect(
      tenantQuery(
        test.db,
        { orgId: seeded.b.scope.orgId },
        `insert into creditors (org_id, cnpj, legal_name) values ($1, '11444777000161', 'Intrusa')`,
        [seeded.a.scope.orgId],
      ),
    ).rejects.toThrow(/row-level security/);
    const changed = await tenantQuery(
      test.db,
      { orgId: seeded.b.scope.orgId },
      `update receivables set open_cents = 0 where org_id = $1 returning id`,
      [seeded.a.scope.orgId],
    );
    expect(changed).toEqual([]);
  });

  it('gives tenant work no access to credentials, and no tenant at all when none is set', async () => {
    await expect(
      tenantQuery(test.db, { orgId: seeded.a.scope.orgId }, 'select password_hash from users'),
    ).rejects.toThrow(/permission denied/);
    const none = await test.db.transaction(async (tx) => {
      await tx.query(`select set_config('role', 'regua_app', true)`);
      return tx.query('select id from receivables');
    });
    expect(none).toEqual([]);
  });

  it('leaves the connection as it found it once the transaction ends', async () => {
    await tenantQuery(test.db, { orgId: seeded.a.scope.orgId }, 'select 1');
    const [after] = await test.db.query<{ role: string; org: string | null }>(
      `select current_user as role, nullif(current_setting('regua.org_id', true), '') as org`,
    );
    expect(after?.role).not.toBe('regua_app');
    expect(after?.org).toBeNull();
  });
});
