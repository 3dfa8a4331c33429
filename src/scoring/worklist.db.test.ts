import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { type Seeded, seedTwoOrganizations } from '../../test/support/seed.ts';
import { listTasks } from '../channels/worklist.ts';
import { addDays, todayIn } from '../shared/dates.ts';
import { QUEUE_ROUND } from './queue.ts';
import { trainCreditor } from './scoring.ts';

let test: TestDatabase;
let seeded: Seeded;

/** A debtor with one receivable `daysLate` days late of `cents`, and an open call for it. */
async function caseWithCall(orgId: number, creditorId: number, n: number, daysLate: number, cents: number) {
  const today = todayIn('America/Sao_Paulo');
  const [debtor] = await test.db.query<{ id: number }>(
    `insert into debtors (org_id, creditor_id, kind, document, name, phones)
     values ($1, $2, 'person', $3, $4, array['+5511988887777']) returning id`,
    [orgId, creditorId, String(70_000_000_000 + n), `Devedor ${n}`],
  );
  await test.db.query(
    `insert into receivables (org_id, creditor_id, debtor_id, external_id, due_date, original_cents, open_cents, status)
     values ($1, $2, $3, $4, $5, $6, $6, 'open')`,
    [orgId, creditorId, debtor?.id, `W-${n}`, addDays(today, -daysLate), cents],
  );
  const [message] = await test.db.query<{ id: number }>(
    `insert into outbound_messages (org_id, creditor_id, debtor_id, channel, purpose, idempotency_key, to_address, status)
     values ($1, $2, $3, 'phone', 'collection', $4, '+5511988887777', 'sent') returning id`,
    [orgId, creditorId, debtor?.id, `w-${n}`],
  );
  await test.db.query(
    `insert into collector_tasks (org_id, message_id, creditor_id, debtor_id, phone, script, priority)
     values ($1, $2, $3, $4, '+5511988887777', 'Ligar', $5)`,
    [orgId, message?.id, creditorId, debtor?.id, cents],
  );
  return debtor?.id ?? 0;
}

const early: number[] = [];

beforeAll(async () => {
  test = await createTestDatabase();
  seeded = await seedTwoOrganizations(test.db);
  const { orgId } = seeded.a.scope;
  // Forty big tickets long past due dominate expected value; three small early cases.
  for (let n = 0; n < 40; n++) await caseWithCall(orgId, seeded.a.otherCreditorId, n, 200 + n, 5_000_000 + n);
  for (let n = 0; n < 3; n++)
    early.push(await caseWithCall(orgId, seeded.a.otherCreditorId, 100 + n, 5 + n, 3_000));
  await trainCreditor(test.db, seeded.a.scope, seeded.a.otherCreditorId);
}, 120_000);
afterAll(() => test.drop());

describe('the prioritized worklist', () => {
  it('shows probability, expected value and factors, and brings early cases near the top', async () => {
    const tasks = await listTasks(test.db, seeded.a.scope, { status: 'open', assigned: 'all', limit: 200 });
    // The otherCreditor's seed receivable has no call: 43 calls.
    expect(tasks).toHaveLength(43);
    for (const t of tasks) {
      expect(t.probability).toBeGreaterThan(0);
      expect(t.expectedRecoveryCents).toBe(Math.round((t.probability ?? 0) * t.openCents));
      expect(t.factors.length).toBeGreaterThan(0);
      expect(t.scoreKind).toBe('rules');
    }
    expect(tasks.map((t) => t.queueRank)).toEqual(tasks.map((_, i) => i + 1));
    // By expected value alone the early cases would be 41st to 43rd.
    const value = (t: (typeof tasks)[number]) => t.expectedRecoveryCents ?? 0;
    expect(Math.min(...tasks.filter((t) => early.includes(t.debtorId)).map(value))).toBeLessThan(
      Math.min(...tasks.filter((t) => !early.includes(t.debtorId)).map(value)),
    );
    const positions = tasks.flatMap((t, i) => (early.includes(t.debtorId) ? [i + 1] : []));
    expect(positions).toHaveLength(3);
    for (const p of positions) expect(p).toBeLessThanOrEqual(QUEUE_ROUND);
    expect(tasks.find((t) => early.includes(t.debtorId))?.bucket).toBe('0-30');
    expect(tasks[tasks.length - 1]?.bucket).toBe('180+');
  });

  it('pages by queue rank: every call once, in the same order', async () => {
    const all = await listTasks(test.db, seeded.a.scope, { status: 'open', assigned: 'all', limit: 200 });
    const paged: number[] = [];
    let after: { rank: number } | undefined;
    for (;;) {
      const page = await listTasks(test.db, seeded.a.scope, {
        status: 'open',
        assigned: 'all',
        limit: 10,
        after,
      });
      paged.push(...page.map((t) => t.id));
      const last = page[page.length - 1];
      if (page.length < 10 || !last?.queueRank) break;
      after = { rank: last.queueRank };
    }
    expect(paged).toEqual(all.map((t) => t.id));
    // Another organization sees none of them.
    expect(await listTasks(test.db, seeded.b.scope, { status: 'open', assigned: 'all', limit: 200 })).toEqual(
      [],
    );
  });
});
