/**
 * The worked example of the SLAs (docs/MONITORING.md), planted by slas.db.test.ts and the alert tests:
 * a creditor with targets of its own (first contact within 2 days, answers within 4 hours) and one on
 * the defaults (3 days, 24 hours). The period is 2026-03-01..2026-04-15 and "now" 2026-04-15 12:00 in
 * São Paulo (UTC-3, so 10:00 there is 13:00Z).
 *
 * | receivable | debtor | due        | what happens                                                    | first contact |
 * | ---------- | ------ | ---------- | --------------------------------------------------------------- | ------------- |
 * | S1         | e1     | 2026-03-02 | WhatsApp 03-03 10:00                                            | 1 day: met    |
 * | S2         | e2     | 2026-03-05 | e-mail 03-04 (before due), assistant 03-06, call done 03-10     | 5: breached   |
 * | S3         | e3     | 2026-03-10 | paid 03-11, never contacted                                     | not needed    |
 * | S4         | e4     | 2026-03-20 | never contacted, still open                                     | breached      |
 * | S5         | e1     | 2026-04-14 | not contacted yet (deadline 04-16)                              | pending       |
 * | S6         | e2     | 2026-03-15 | paid on its due date                                            | never late    |
 * | T1         | f1 (D) | 2026-03-02 | SMS 03-06 (4 days; D's target is 3)                             | breached      |
 *
 * Replies: e1 writes 03-03 12:00, answered by a message 14:00 (2 h, met); e2 writes 03-06 09:00 and
 * 09:30 (one turn), the assistant answers at once (does not count), the call on 03-10 10:00 answers
 * (97 h, breached); e4 writes 04-15 10:00, not answered yet (pending); a stranger's number is nobody.
 */
import type { Scope } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { takePayments } from '../payments/allocate.ts';

export const SLA_PERIOD = { from: '2026-03-01', to: '2026-04-15' } as const;
export const SLA_NOW = new Date('2026-04-15T15:00:00Z');

const at = (local: string) => `${local}-03:00`;

export type SlaIds = {
  debtors: Record<string, number>;
  receivables: Record<string, number>;
};

export async function seedSlaHistory(
  db: Database,
  scope: Scope,
  c: { creditorId: number; defaultsCreditorId: number; prefix?: string },
): Promise<SlaIds> {
  const orgId = scope.orgId;
  const prefix = c.prefix ?? 'S';
  await db.query(
    `insert into sla_targets (org_id, creditor_id, first_contact_days, reply_hours, updated_by) values ($1, $2, 2, 4, 'test')`,
    [orgId, c.creditorId],
  );
  const debtors: Record<string, number> = {};
  for (const [key, creditorId, phone] of [
    ['e1', c.creditorId, '+5511955550001'],
    ['e2', c.creditorId, '+5511955550002'],
    ['e3', c.creditorId, '+5511955550003'],
    ['e4', c.creditorId, '+5511955550004'],
    ['f1', c.defaultsCreditorId, '+5511955550011'],
  ] as const) {
    const [row] = await db.query<{ id: number }>(
      `insert into debtors (org_id, creditor_id, kind, document, name, phones, whatsapp)
       values ($1, $2, 'person', $3, $4, array[$5], $5) returning id`,
      [orgId, creditorId, `9${phone.slice(-10)}`, `Devedor ${key}`, phone],
    );
    if (!row) throw new Error('debtor insert returned nothing');
    debtors[key] = row.id;
  }
  const receivables: Record<string, number> = {};
  for (const [key, debtor, due, cents] of [
    ['S1', 'e1', '2026-03-02', 100_000],
    ['S2', 'e2', '2026-03-05', 50_000],
    ['S3', 'e3', '2026-03-10', 30_000],
    ['S4', 'e4', '2026-03-20', 20_000],
    ['S5', 'e1', '2026-04-14', 10_000],
    ['S6', 'e2', '2026-03-15', 40_000],
    ['T1', 'f1', '2026-03-02', 60_000],
  ] as const) {
    const [row] = await db.query<{ id: number }>(
      `insert into receivables (org_id, creditor_id, debtor_id, external_id, issue_date, due_date, original_cents, open_cents, status, created_at)
       select $1, d.creditor_id, d.id, $3, $4::date - 30, $4, $5, $5, 'open', $4::date - 30 + time '12:00'
         from debtors d where d.org_id = $1 and d.id = $2
       returning id`,
      [orgId, debtors[debtor], `${prefix}-${key}`, due, cents],
    );
    if (!row) throw new Error('receivable insert returned nothing');
    receivables[key] = row.id;
  }
  for (const [key, receivable, cents, paidOn] of [
    ['P3', 'S3', 30_000, '2026-03-11'],
    ['P6', 'S6', 40_000, '2026-03-15'],
  ] as const) {
    await takePayments(db, scope, [
      {
        source: 'pix',
        naturalKey: `sla:${prefix}:${key}`,
        amountCents: cents,
        paidOn,
        seuNumero: `${prefix}-${receivable}`,
        raw: { sla: key },
      },
    ]);
  }
  const message = async (debtor: string, channel: string, purpose: string, sentAt: string) => {
    const [row] = await db.query<{ id: number }>(
      `insert into outbound_messages (org_id, creditor_id, debtor_id, channel, purpose, idempotency_key, to_address, body, status, sent_at)
       select $1, d.creditor_id, d.id, $3, $4, $5, d.phones[1], 'sla', 'delivered', $6
         from debtors d where d.org_id = $1 and d.id = $2
       returning id`,
      [orgId, debtors[debtor], channel, purpose, `sla:${prefix}:${debtor}:${channel}:${sentAt}`, at(sentAt)],
    );
    if (!row) throw new Error('message insert returned nothing');
    return row.id;
  };
  await message('e1', 'whatsapp', 'collection', '2026-03-03T10:00');
  await message('e1', 'whatsapp', 'collection', '2026-03-03T14:00');
  await message('e2', 'email', 'collection', '2026-03-04T10:00');
  await message('e2', 'whatsapp', 'conversation', '2026-03-06T09:00:05');
  const call = await message('e2', 'phone', 'collection', '2026-03-09T08:00');
  await db.query(
    `insert into collector_tasks (org_id, message_id, creditor_id, debtor_id, phone, script, priority, status, outcome, created_at, done_at, done_by)
     values ($1, $2, $3, $4, '+5511955550002', 'Ligar', 1, 'done', 'reached', $5, $6, 'user:1')`,
    [orgId, call, c.creditorId, debtors.e2, at('2026-03-09T08:00'), at('2026-03-10T10:00')],
  );
  await message('f1', 'sms', 'collection', '2026-03-06T10:00');
  for (const [id, from, sentAt] of [
    ['in-1', '5511955550001', '2026-03-03T12:00'],
    ['in-2', '5511955550002', '2026-03-06T09:00'],
    ['in-3', '5511955550002', '2026-03-06T09:30'],
    ['in-4', '5511955550004', '2026-04-15T10:00'],
    ['in-5', '5511999999999', '2026-03-07T10:00'],
  ] as const) {
    await db.query(
      `insert into inbound_messages (org_id, channel, provider_message_id, from_address, kind, body, sent_at, raw)
       values ($1, 'whatsapp', $2, $3, 'text', 'oi', $4, '{}')`,
      [orgId, `sla:${prefix}:${id}`, from, at(sentAt)],
    );
  }
  return { debtors, receivables };
}
