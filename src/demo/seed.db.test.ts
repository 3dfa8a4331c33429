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
      `select (select count(*)::int from receivables) as receivables, (select count(*)::int from imports where status = 'completed') as imports`,
    );
    expect(counts).toEqual({ receivables: 20_600, imports: 4 });
    // Every opt-out shown on a debtor comes from the consent ledger.
    const [optOuts] = await test.db.query<{ ledger: number; shown: number }>(
      `select (select count(*)::int from consent_events where event = 'opt_out') as ledger,
              (select count(*)::int from debtors where channel_preferences <> '{}'::jsonb) as shown`,
    );
    expect(optOuts?.ledger).toBeGreaterThan(50);
    expect(optOuts?.shown).toBe(optOuts?.ledger);
  });
});
