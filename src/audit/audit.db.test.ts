import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { type Seeded, seedTwoOrganizations } from '../../test/support/seed.ts';
import { tenantQuery } from '../db/tenant.ts';
import { verifyAudit } from './log.ts';

let test: TestDatabase;
let seeded: Seeded;
beforeEach(async () => {
  test = await createTestDatabase();
  seeded = await seedTwoOrganizations(test.db);
});
afterEach(() => test.drop());

/** What an intruder with the database owner's rights could do: switch the append-only guard off. */
async function tamper(sql: string, params: unknown[] = []) {
  await test.db.transaction(async (tx) => {
    await tx.query('alter table audit_log disable trigger audit_log_append_only');
    await tx.query(sql, params);
    await tx.query('alter table audit_log enable trigger audit_log_append_only');
  });
}

describe('audit trail', () => {
  it('records who did what, with a chain that verifies', async () => {
    const orgA = seeded.a.scope.orgId;
    const entries = await test.db.query<{ seq: number; action: string; actor: string }>(
      'select seq, action, actor from audit_log where org_id = $1 order by seq',
      [orgA],
    );
    expect(entries.map((e) => e.action)).toEqual([
      'creditor.created',
      'creditor.created',
      'import.completed',
      'import.completed',
      'membership.granted',
      'membership.granted',
      'membership.granted',
    ]);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await verifyAudit(test.db, orgA)).toEqual({ orgId: orgA, entries: 7, problems: [] });
    expect((await verifyAudit(test.db, seeded.b.scope.orgId)).problems).toEqual([]);
  });

  it('refuses to change or remove an entry, for every role', async () => {
    await expect(test.db.query(`update audit_log set actor = 'someone else'`)).rejects.toThrow(/append-only/);
    await expect(test.db.query('delete from audit_log')).rejects.toThrow(/append-only/);
    await expect(
      tenantQuery(test.db, seeded.a.scope, `update audit_log set actor = 'x' where org_id = $1`, [
        seeded.a.scope.orgId,
      ]),
    ).rejects.toThrow(/permission denied/);
  });

  it('detects an entry changed behind the guard', async () => {
    const orgA = seeded.a.scope.orgId;
    await tamper(
      `update audit_log set after = jsonb_set(after, '{legalName}', '"Outra Empresa"') where org_id = $1 and seq = 1`,
      [orgA],
    );
    expect((await verifyAudit(test.db, orgA)).problems).toEqual([
      { seq: 1, reason: 'was changed after it was written' },
    ]);
  });

  it('detects a removed entry', async () => {
    const orgA = seeded.a.scope.orgId;
    await tamper('delete from audit_log where org_id = $1 and seq = 4', [orgA]);
    expect((await verifyAudit(test.db, orgA)).problems).toEqual([
      { seq: 5, reason: 'entries 4 to 4 are missing' },
      { seq: 5, reason: 'does not follow the entry before it' },
    ]);
  });

  it('detects an altered change record of an import', async () => {
    const { scope, creditorId } = seeded.a;
    const { importCsv } = await import('../../test/support/seed.ts');
    const changed = await importCsv(
      test.db,
      scope,
      creditorId,
      'id;cpf_cnpj;nome;vencimento;valor;saldo\nT-1;529.982.247-25;Maria da Silva;31/01/2026;1.234,56;0,00\n',
    );
    expect(changed.updated).toBe(1);
    expect((await verifyAudit(test.db, scope.orgId)).problems).toEqual([]);
    await test.db.query(
      `update receivable_changes set changes = '{"open_cents": [123456, 100000]}' where import_id = $1`,
      [changed.id],
    );
    const { problems } = await verifyAudit(test.db, scope.orgId);
    expect(problems).toEqual([{ seq: 8, reason: `the change records of import ${changed.id} were altered` }]);
  });
});
