/**
 * The golden portfolio of the KPIs: a small creditor's history built by hand, whose figures
 * docs/KPIS.md works out and kpis.db.test.ts checks. Every amount is multiplied by `scale`, so the same
 * history can be planted in a second organization with other amounts (a missing tenant filter then
 * shows up in the first organization's figures).
 *
 * The period is the first quarter of 2026; dates are São Paulo's (UTC-3), so 10:00 there is 13:00Z.
 *
 * | receivable | debtor         | issued     | due        | amount   | what happens                                      |
 * | ---------- | -------------- | ---------- | ---------- | -------- | ------------------------------------------------- |
 * | R1         | d1 person      | 2025-10-01 | 2025-10-31 | 1.000,00 | never paid                                        |
 * | R2         | d1 person      | 2025-12-01 | 2025-12-31 |   500,00 | paid (Pix) 2026-01-20                             |
 * | R3         | d2 company     | 2026-01-05 | 2026-02-04 | 2.000,00 | 800,00 paid 2026-02-10, after a promise           |
 * | R4         | d3 person      | 2026-02-01 | 2026-03-03 |   300,00 | paid 2026-04-05, after the period; promise broken |
 * | R5         | d4 person, vip | 2025-06-01 | 2025-07-01 | 4.000,00 | written off by the creditor's import 2026-02-15   |
 * | R6         | d5 company     | 2026-03-10 | 2026-04-09 | 1.000,00 | open, not yet due                                 |
 * | R7         | d2 company     | 2025-09-01 | 2025-09-30 |   600,00 | reported paid by the creditor's import 2026-01-10 |
 * | R8         | d6 person      | 2025-12-10 | 2026-01-09 |   250,00 | paid 2026-01-09, after a promise                  |
 * | R9         | d7 person      | 2025-12-05 | 2026-01-04 |   400,00 | never paid                                        |
 * | R10        | d7 person      | 2025-08-01 | 2025-08-31 |   150,00 | never paid                                        |
 *
 * Agreements (acordos) are planted as records only (their installments would change the portfolio
 * above; kpis.db.test.ts has a portfolio of its own for those): A1 d1 made 01-10, 1.000,00, broken
 * 02-20; A2 d7 made 02-05, 400,00, completed 03-05; A3 d2 made 03-20, 600,00, active; A4 d4 made
 * 2025-11-10, 4.000,00, cancelled 01-15; A5 d3 made 03-25, 300,00, broken 04-10 (after the period).
 */

import type { Scope } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { activateCadenceVersion, createCadence } from '../dunning/cadences.ts';
import { defaultCadence } from '../dunning/defaults.ts';
import { breakOverduePromises, takePayments } from '../payments/allocate.ts';

export const GOLDEN = { from: '2026-01-01', to: '2026-03-31', asOf: '2026-03-31' } as const;
/** "Today" for the golden reports: after the period, after R4's payment. */
export const GOLDEN_NOW = new Date('2026-04-15T15:00:00Z');

type Debtor = { key: string; kind: 'person' | 'company'; document: string; tags: string[]; phone: string };
const DEBTORS: Debtor[] = [
  { key: 'd1', kind: 'person', document: '10000000001', tags: [], phone: '+5511987650001' },
  { key: 'd2', kind: 'company', document: '10000000000002', tags: [], phone: '+5511987650002' },
  { key: 'd3', kind: 'person', document: '10000000003', tags: [], phone: '+5511987650003' },
  { key: 'd4', kind: 'person', document: '10000000004', tags: ['vip'], phone: '+5511987650004' },
  { key: 'd5', kind: 'company', document: '10000000000005', tags: [], phone: '+5511987650005' },
  { key: 'd6', kind: 'person', document: '10000000006', tags: [], phone: '+5511987650006' },
  { key: 'd7', kind: 'person', document: '10000000007', tags: [], phone: '+5511987650007' },
];

const RECEIVABLES = [
  { key: 'R1', debtor: 'd1', issue: '2025-10-01', due: '2025-10-31', cents: 100_000 },
  { key: 'R2', debtor: 'd1', issue: '2025-12-01', due: '2025-12-31', cents: 50_000 },
  { key: 'R3', debtor: 'd2', issue: '2026-01-05', due: '2026-02-04', cents: 200_000 },
  { key: 'R4', debtor: 'd3', issue: '2026-02-01', due: '2026-03-03', cents: 30_000 },
  { key: 'R5', debtor: 'd4', issue: '2025-06-01', due: '2025-07-01', cents: 400_000 },
  { key: 'R6', debtor: 'd5', issue: '2026-03-10', due: '2026-04-09', cents: 100_000 },
  { key: 'R7', debtor: 'd2', issue: '2025-09-01', due: '2025-09-30', cents: 60_000 },
  { key: 'R8', debtor: 'd6', issue: '2025-12-10', due: '2026-01-09', cents: 25_000 },
  { key: 'R9', debtor: 'd7', issue: '2025-12-05', due: '2026-01-04', cents: 40_000 },
  { key: 'R10', debtor: 'd7', issue: '2025-08-01', due: '2025-08-31', cents: 15_000 },
];

export type GoldenIds = {
  debtors: Record<string, number>;
  receivables: Record<string, number>;
  cadenceId: number;
  versionId: number;
};

/** Plants the golden history for `creditorId` of `scope`'s organization, amounts times `scale`. */
export async function seedGoldenPortfolio(
  db: Database,
  scope: Scope,
  creditorId: number,
  scale = 1,
): Promise<GoldenIds> {
  const orgId = scope.orgId;
  const debtors: Record<string, number> = {};
  for (const d of DEBTORS) {
    const [row] = await db.query<{ id: number }>(
      `insert into debtors (org_id, creditor_id, kind, document, name, phones, tags)
       values ($1, $2, $3, $4, $5, array[$6], $7) returning id`,
      [orgId, creditorId, d.kind, d.document, `Devedor ${d.key}`, d.phone, d.tags],
    );
    if (!row) throw new Error('debtor insert returned nothing');
    debtors[d.key] = row.id;
  }
  const receivables: Record<string, number> = {};
  for (const r of RECEIVABLES) {
    const [row] = await db.query<{ id: number }>(
      `insert into receivables (org_id, creditor_id, debtor_id, external_id, issue_date, due_date, original_cents,
              open_cents, status, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $7, 'open', $5::date + time '12:00')
       returning id`,
      [orgId, creditorId, debtors[r.debtor], `G-${r.key}`, r.issue, r.due, r.cents * scale],
    );
    if (!row) throw new Error('receivable insert returned nothing');
    receivables[r.key] = row.id;
  }
  const at = (localDateTime: string) => `${localDateTime}-03:00`;

  // Promises, made before the payments that keep them: H1 (d2, kept by R3's payment, 9 days),
  // H2 (d3, broken), H4 (d6, kept by R8's payment, 7 days), H5 (d7, withdrawn by a person),
  // H3 (d1, falls due after the period: not counted).
  const promise = (debtor: string, made: string, until: string, cents: number, released?: [string, string]) =>
    db.query(
      `insert into collection_holds (org_id, debtor_id, kind, until_date, amount_cents, reason, created_by, created_at,
              released_at, released_by)
       values ($1, $2, 'promise', $3, $4, 'golden', 'user:1', $5, $6, $7)`,
      [
        orgId,
        debtors[debtor],
        until,
        cents * scale,
        at(made),
        released ? at(released[0]) : null,
        released?.[1] ?? null,
      ],
    );
  await promise('d2', '2026-02-01T10:00', '2026-02-12', 80_000);
  await promise('d3', '2026-03-01T10:00', '2026-03-10', 30_000);
  await promise('d6', '2026-01-02T10:00', '2026-01-09', 25_000);
  await promise('d7', '2026-03-01T10:00', '2026-03-15', 40_000, ['2026-03-05T10:00', 'user:1']);

  // Payments, through the real intake (it allocates them and settles the promises they keep).
  const pay = (key: string, receivable: string, cents: number, paidOn: string) =>
    takePayments(db, scope, [
      {
        source: 'pix',
        naturalKey: `golden:${key}`,
        amountCents: cents * scale,
        paidOn,
        seuNumero: `G-${receivable}`,
        raw: { golden: key },
      },
    ]);
  await pay('P3', 'R8', 25_000, '2026-01-09');
  await pay('P1', 'R2', 50_000, '2026-01-20');
  await pay('P2', 'R3', 80_000, '2026-02-10');
  expectReleased(await breakOverduePromises(db, orgId, '2026-03-20'), 1);
  await pay('P4', 'R4', 30_000, '2026-04-05');
  await promise('d1', '2026-03-25T10:00', '2026-04-10', 50_000);

  // What the creditor's import reported: R7 paid (2026-01-10), R5 written off (2026-02-15).
  const [file] = await db.query<{ id: number }>(
    `insert into imports (org_id, creditor_id, source, filename, status)
     values ($1, $2, 'csv', 'golden.csv', 'completed') returning id`,
    [orgId, creditorId],
  );
  await db.query(`update receivables set open_cents = 0, status = 'paid' where org_id = $1 and id = $2`, [
    orgId,
    receivables.R7,
  ]);
  await db.query(
    `insert into receivable_changes (org_id, receivable_id, import_id, changes, changed_at)
     values ($1, $2, $3, $4, $5), ($1, $6, $3, $7, $8)`,
    [
      orgId,
      receivables.R7,
      file?.id,
      JSON.stringify({ open_cents: [60_000 * scale, 0], status: ['open', 'paid'] }),
      at('2026-01-10T10:00'),
      receivables.R5,
      JSON.stringify({ status: ['open', 'written_off'] }),
      at('2026-02-15T10:00'),
    ],
  );
  await db.query(`update receivables set status = 'written_off' where org_id = $1 and id = $2`, [
    orgId,
    receivables.R5,
  ]);

  // The régua's contacts (M1..M8), a reply, and a collector's call.
  const version = await createCadence(db, scope, {
    creditorId,
    name: 'Golden',
    definition: defaultCadence(),
  });
  await activateCadenceVersion(db, scope, version.id);
  const message = async (m: {
    key: string;
    debtor: string;
    channel: string;
    step: string | null;
    variant?: string;
    status: 'delivered' | 'read' | 'failed';
    at: string;
    cost: number | null;
  }) => {
    const d = DEBTORS.find((x) => x.key === m.debtor);
    const [row] = await db.query<{ id: number }>(
      `insert into outbound_messages (org_id, creditor_id, debtor_id, channel, purpose, idempotency_key, version_id,
              step_key, variant_key, to_address, body, status, cost_cents, sent_at, delivered_at, read_at, failed_at)
       values ($1, $2, $3, $4, 'collection', $5, $6, $7, $8, $9, 'golden', $10, $11,
               case when $10 <> 'failed' then $12::timestamptz end,
               case when $10 <> 'failed' then $12::timestamptz + interval '1 minute' end,
               case when $10 = 'read' then $12::timestamptz + interval '1 hour' end,
               case when $10 = 'failed' then $12::timestamptz end)
       returning id`,
      [
        orgId,
        creditorId,
        debtors[m.debtor],
        m.channel,
        `golden:${m.key}`,
        m.step ? version.id : null,
        m.step,
        m.step ? (m.variant ?? 'a') : null,
        m.channel === 'email' ? `${m.debtor}@example.com` : d?.phone,
        m.status,
        m.cost,
        at(m.at),
      ],
    );
    if (!row) throw new Error('message insert returned nothing');
    return row.id;
  };
  await message({
    key: 'M1',
    debtor: 'd1',
    channel: 'email',
    step: 'pf-lembrete-d-5',
    status: 'delivered',
    at: '2025-12-26T10:00',
    cost: 0,
  });
  await message({
    key: 'M2',
    debtor: 'd1',
    channel: 'whatsapp',
    step: 'pf-whatsapp-d3',
    status: 'read',
    at: '2026-01-03T10:00',
    cost: 35,
  });
  await message({
    key: 'M3',
    debtor: 'd1',
    channel: 'sms',
    step: 'pf-vencimento-d0',
    status: 'delivered',
    at: '2026-01-15T10:00',
    cost: 7,
  });
  await message({
    key: 'M4',
    debtor: 'd3',
    channel: 'whatsapp',
    step: 'pf-whatsapp-d3',
    variant: 'b',
    status: 'delivered',
    at: '2026-03-06T10:00',
    cost: 35,
  });
  await message({
    key: 'M5',
    debtor: 'd3',
    channel: 'email',
    step: 'pf-email-d7',
    status: 'failed',
    at: '2026-03-10T10:00',
    cost: null,
  });
  const call = await message({
    key: 'M6',
    debtor: 'd6',
    channel: 'phone',
    step: 'pf-ligacao-d15',
    status: 'delivered',
    at: '2026-01-02T09:00',
    cost: 0,
  });
  await message({
    key: 'M7',
    debtor: 'd2',
    channel: 'email',
    step: 'pf-email-d7',
    status: 'delivered',
    at: '2026-03-28T10:00',
    cost: null,
  });
  await message({
    key: 'M8',
    debtor: 'd1',
    channel: 'whatsapp',
    step: null,
    status: 'delivered',
    at: '2026-01-04T10:00',
    cost: 35,
  });
  await db.query(
    `insert into inbound_messages (org_id, channel, provider_message_id, from_address, kind, body, sent_at, raw)
     values ($1, 'whatsapp', 'golden-in-1', '5511987650001', 'text', 'Vou pagar', $2, '{}'),
            ($1, 'sms', 'golden-in-2', '5511987650001', 'text', 'Ok', $3, '{}')`,
    [orgId, at('2026-01-04T09:00'), at('2026-01-30T10:00')],
  );
  await db.query(
    `insert into collector_tasks (org_id, message_id, creditor_id, debtor_id, phone, script, priority, status, outcome,
            promise_date, promise_cents, created_at, done_at, done_by)
     values ($1, $2, $3, $4, '+5511987650006', 'Ligar', 1, 'done', 'promise', '2026-01-09', $5, $6, $7, 'user:1')`,
    [orgId, call, creditorId, debtors.d6, 25_000 * scale, at('2026-01-02T09:00'), at('2026-01-02T09:30')],
  );
  for (const [debtor, made, cents, status, ended] of [
    ['d1', '2026-01-10T10:00', 100_000, 'broken', '2026-02-20T10:00'],
    ['d7', '2026-02-05T10:00', 40_000, 'completed', '2026-03-05T10:00'],
    ['d2', '2026-03-20T10:00', 60_000, 'active', null],
    ['d4', '2025-11-10T10:00', 400_000, 'cancelled', '2026-01-15T10:00'],
    ['d3', '2026-03-25T10:00', 30_000, 'broken', '2026-04-10T10:00'],
  ] as const) {
    await plantAgreement(db, {
      orgId,
      creditorId,
      debtorId: debtors[debtor] as number,
      made: at(made),
      cents: cents * scale,
      status,
      ended: ended && at(ended),
    });
  }
  return { debtors, receivables, cadenceId: version.cadenceId, versionId: version.id };
}

/** An agreement's record, as src/payments/agreements.ts writes it. */
export async function plantAgreement(
  db: Database,
  a: {
    orgId: number;
    creditorId: number;
    debtorId: number;
    made: string;
    cents: number;
    status: 'active' | 'completed' | 'broken' | 'cancelled';
    ended: string | null;
  },
): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `insert into agreements (org_id, creditor_id, debtor_id, status, offer_key, as_of, updated_cents, total_cents,
            installment_count, tolerance_days, explanation, created_by, created_at, ended_at)
     values ($1, $2, $3, $4, 'parcelado-2', ($5::timestamptz at time zone 'America/Sao_Paulo')::date, $6, $6, 2, 5,
             '[]', 'user:1', $5, $7)
     returning id`,
    [a.orgId, a.creditorId, a.debtorId, a.status, a.made, a.cents, a.ended],
  );
  if (!row) throw new Error('agreement insert returned nothing');
  return row.id;
}

function expectReleased(count: number, expected: number) {
  if (count !== expected) throw new Error(`golden: ${count} promises broken, expected ${expected}`);
}
