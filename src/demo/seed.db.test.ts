import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { createOrganization } from '../access/accounts.ts';
import { seedDemo } from './seed.ts';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(() => test.drop());

describe('seedDemo', () => {
  it('recreates a demo whose creation was interrupted, then leaves a complete one alone', async () => {
    // An interrupted first start left the organization without its users.
    await createOrganization(test.db, { slug: 'demo', name: 'half-made' });
    const first = await seedDemo(test.db, { seed: 1, asOf: '2026-11-22' });
    expect(first).toMatchObject({ created: true, receivables: 20_000 });
    expect(first.debtors).toBeGreaterThan(4_500);
    const orgs = await test.db.query<{ slug: string; name: string }>(
      'select slug, name from organizations order by slug',
    );
    expect(orgs.map((o) => o.slug)).toEqual(['demo', 'outra']);
    expect(orgs[0]?.name).not.toBe('half-made');
    expect((await seedDemo(test.db, { seed: 1 })).created).toBe(false);
    const [counts] = await test.db.query<{ receivables: number; imports: number }>(
      `select (select count(*)::int from receivables where import_id is not null) as receivables,
              (select count(*)::int from imports where status = 'completed') as imports`,
    );
    expect(counts).toEqual({ receivables: 20_600, imports: 4 });
    // Agreements with a history, made through the real use cases: some completed, some running, some broken.
    const agreements = await test.db.query<{ status: string; n: number }>(
      `select status, count(*)::int as n from agreements group by status order by status`,
    );
    expect(agreements.map((a) => a.status)).toEqual(['active', 'broken', 'completed']);
    for (const a of agreements) expect(a.n).toBeGreaterThan(2);
    // Every preference shown on a debtor (consent or opt-out) comes from the consent ledger.
    const [prefs] = await test.db.query<{
      ledger: number;
      shown: number;
      optOuts: number;
      shownOptOuts: number;
    }>(
      `select (select count(*)::int from (select distinct debtor_id, channel from consent_events) e) as ledger,
              (select count(*)::int from debtors d, jsonb_object_keys(d.channel_preferences) k) as shown,
              (select count(*)::int from consent_events where event = 'opt_out') as "optOuts",
              (select count(*)::int from debtors d, jsonb_each(d.channel_preferences) p
                where p.value ? 'optedOutAt') as "shownOptOuts"`,
    );
    expect(prefs?.optOuts).toBeGreaterThan(50);
    expect(prefs?.shown).toBe(prefs?.ledger);
    expect(prefs?.shownOptOuts).toBe(prefs?.optOuts);
    // Every creditor has a payment model trained on its dated payment history, and open cases are scored.
    const models = await test.db.query<{ kind: string; auc: number | null }>(
      'select kind, auc from score_models order by org_id, creditor_id',
    );
    expect(models).toHaveLength(4);
    for (const m of models) expect(m).toMatchObject({ kind: 'model', auc: expect.any(Number) });
    expect(Math.max(...models.map((m) => m.auc ?? 0))).toBeGreaterThan(0.7);
    const [scored] = await test.db.query<{ n: number }>('select count(*)::int as n from debtor_scores');
    expect(scored?.n).toBeGreaterThan(500);
    // Last month's fee statements, issued through the real use case: one per demo creditor, numbered.
    const statements = await test.db.query<{ number: number; lines: number; fee: number; sum: number }>(
      `select s.number, s.line_count as lines, s.success_fee_cents as fee,
              (select coalesce(sum(l.fee_cents), 0)::bigint from fee_statement_lines l
                where l.org_id = s.org_id and l.statement_id = s.id) as sum
         from fee_statements s order by s.number`,
    );
    expect(statements.map((s) => s.number)).toEqual([1, 2, 3]);
    for (const s of statements) expect(s.sum).toBe(s.fee);
    expect(statements.some((s) => s.lines > 0)).toBe(true);
  }, 240_000); // the whole demo: 20,000 receivables and three weeks of cadence history
});
