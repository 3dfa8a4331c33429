import { beforeAll, describe, expect, it } from 'vitest';
import { seededDatabaseForFile } from '../../test/support/seed.ts';
import { scopeFor } from '../access/scope.ts';
import { GOLDEN_NOW, type GoldenIds, seedGoldenPortfolio } from '../kpis/golden.ts';
import { takePayments } from '../payments/allocate.ts';
import { createCreditor } from '../portfolio/creditors.ts';
import { cnpjFromBase } from '../shared/documents.ts';
import { Problem } from '../shared/problem.ts';
import { monthlyReport, reportMonths } from './monthly.ts';

/**
 * The monthly report against a hand-built history: the golden portfolio of the KPIs (src/kpis/golden.ts,
 * its table in docs/KPIS.md) planted for a creditor of organization A and, at ten times the amounts,
 * in organization B; plus, in March, a prior-notice letter, a negativação, a call not answered and a
 * call still open. Organization A's other creditor (the seed's Cliente Um, billed in the same months)
 * and organization B must never count. Each expected figure is worked out in the comments (centavos).
 */
const fixture = seededDatabaseForFile();
const now = { now: GOLDEN_NOW }; // 2026-04-15, after the quarter
let creditorId = 0;
let ids: GoldenIds;
let creditorB = 0;

const report = (month: string, options = now) =>
  monthlyReport(fixture.db, fixture.seeded.a.scope, { creditorId, month }, options);

beforeAll(async () => {
  const { db, seeded } = fixture;
  const a = await createCreditor(db, seeded.a.scope, {
    cnpj: cnpjFromBase('445566770001'),
    legalName: 'Golden Assinaturas Ltda',
    tradeName: 'Golden',
    segment: 'saas',
  });
  const b = await createCreditor(db, seeded.b.scope, {
    cnpj: cnpjFromBase('445566770001'),
    legalName: 'Golden na Beta Ltda',
    tradeName: null,
    segment: null,
  });
  creditorId = a.id;
  creditorB = b.id;
  ids = await seedGoldenPortfolio(db, seeded.a.scope, a.id);
  await seedGoldenPortfolio(db, seeded.b.scope, b.id, 10);

  // The other creditor of organization A (the seed's Cliente Um) is paid and contacted in the same
  // months: Maria pays 100,00 of T-1 on 02-12 and gets an SMS on 03-05. Neither may count for Golden.
  await takePayments(db, seeded.a.scope, [
    {
      source: 'pix',
      naturalKey: 'report:other',
      amountCents: 10_000,
      paidOn: '2026-02-12',
      seuNumero: 'T-1',
      raw: {},
    },
  ]);
  await db.query(
    `insert into outbound_messages (org_id, creditor_id, debtor_id, channel, purpose, idempotency_key, body, status, sent_at)
     select org_id, creditor_id, debtor_id, 'sms', 'reminder', 'report:other-sms', 'x', 'sent', '2026-03-05T10:00-03:00'
       from receivables where org_id = $1 and creditor_id = $2 and external_id = 'T-1'`,
    [seeded.a.scope.orgId, seeded.a.creditorId],
  );

  // March's actions beyond the golden ones: a prior-notice letter and a negativação (sent), a call done
  // (not answered) and a call opened and still waiting.
  const orgId = seeded.a.scope.orgId;
  const message = async (key: string, debtor: string, channel: string, purpose: string, at: string) => {
    const [row] = await db.query<{ id: number }>(
      `insert into outbound_messages (org_id, creditor_id, debtor_id, channel, purpose, idempotency_key, body, status,
              cost_cents, sent_at)
       values ($1, $2, $3, $4, $5, $6, 'report test', 'sent', 450, $7) returning id`,
      [orgId, creditorId, ids.debtors[debtor], channel, purpose, `report:${key}`, `${at}-03:00`],
    );
    return row?.id as number;
  };
  await message('L1', 'd1', 'letter', 'prior_notice', '2026-03-02T10:00');
  await message('N1', 'd1', 'negativacao', 'negativacao', '2026-03-16T10:00');
  const call2 = await message('C2', 'd3', 'phone', 'reminder', '2026-03-11T09:00');
  const call3 = await message('C3', 'd7', 'phone', 'reminder', '2026-03-30T09:00');
  await db.query(
    `insert into collector_tasks (org_id, message_id, creditor_id, debtor_id, script, priority, status, outcome,
            created_at, done_at, done_by)
     values ($1, $2, $3, $4, 'Ligar', 1, 'done', 'not_reached', $6, $7, 'user:1'),
            ($1, $5, $3, $8, 'Ligar', 1, 'open', null, $9, null, null)`,
    [
      orgId,
      call2,
      creditorId,
      ids.debtors.d3,
      call3,
      '2026-03-11T09:00-03:00',
      '2026-03-11T09:20-03:00',
      ids.debtors.d7,
      '2026-03-30T09:00-03:00',
    ],
  );
});

describe('the monthly report of a closed month (February 2026 of the golden creditor)', () => {
  it('heads the report with the BPO, the creditor and its CNPJ, and says the month is closed', async () => {
    const { header } = await report('2026-02');
    expect(header).toMatchObject({
      organization: 'Alfa BPO',
      creditor: { id: creditorId, legalName: 'Golden Assinaturas Ltda', cnpj: cnpjFromBase('445566770001') },
      month: '2026-02',
      monthLabel: 'fevereiro de 2026',
      from: '2026-02-01',
      to: '2026-02-28',
      dataUntil: '2026-02-28',
      previousMonth: '2026-01',
      status: 'closed',
      banner: null,
      generatedAt: GOLDEN_NOW.toISOString(),
    });
  });

  it('ages the portfolio at the month end beside the month before', async () => {
    const { portfolio } = await report('2026-02');
    // 02-28: R1 100000 (120 days: 91-180), R3 200000 - 80000 = 120000 (24 days: 0-30), R4 30000 (due 03-03:
    // current), R9 40000 (55 days: 31-60), R10 15000 (181 days: 180+); R5 written off 02-15; R6 not billed yet.
    // 01-31: R1 100000 (92: 91-180), R3 200000 (current), R5 400000 (214: 180+), R9 40000 (27: 0-30),
    // R10 15000 (153: 91-180).
    expect(portfolio).toMatchObject({
      asOf: '2026-02-28',
      previousAsOf: '2026-01-31',
      totalCents: 305_000,
      count: 5,
      overdueCents: 275_000,
      defaultRate: 0.9016, // 275000 / 305000
      previous: { totalCents: 755_000, count: 5, overdueCents: 555_000, defaultRate: 0.7351 },
    });
    expect(
      portfolio.buckets.map((b) => [b.bucket, b.cents, b.count, b.previousCents, b.previousCount]),
    ).toEqual([
      ['current', 30_000, 1, 200_000, 1],
      ['0-30', 120_000, 1, 40_000, 1],
      ['31-60', 40_000, 1, 0, 0],
      ['61-90', 0, 0, 0, 0],
      ['91-180', 100_000, 1, 115_000, 2],
      ['180+', 15_000, 1, 400_000, 1],
    ]);
  });

  it('gives the money recovered by day, week, source and aging bucket at payment, and never the write-off', async () => {
    const { recovery } = await report('2026-02');
    // P2 80000 by Pix on 02-10 on R3 (due 02-04: 6 days late). R5's write-off on 02-15 is not money.
    expect(recovery).toMatchObject({
      collectedCents: 80_000,
      previousCollectedCents: 135_000, // January: R8 25000 + R7 60000 (reported) + R2 50000
      recoveredCents: 0, // R3 was not yet due on 01-31
      overdueAtStartCents: 555_000,
      rate: 0,
      previousRate: 0.1043, // 60000 / 575000
      receivedCents: 80_000,
      payments: 1,
      bySource: [{ source: 'pix', cents: 80_000, payments: 1 }],
    });
    expect(recovery.byDay).toHaveLength(28);
    expect(recovery.byDay.filter((d) => d.cents !== 0)).toEqual([{ day: '2026-02-10', cents: 80_000 }]);
    expect(recovery.byWeek).toEqual([
      { from: '2026-02-01', to: '2026-02-07', cents: 0 },
      { from: '2026-02-08', to: '2026-02-14', cents: 80_000 },
      { from: '2026-02-15', to: '2026-02-21', cents: 0 },
      { from: '2026-02-22', to: '2026-02-28', cents: 0 },
    ]);
    expect(recovery.byBucket.filter((b) => b.cents !== 0)).toEqual([{ bucket: '0-30', cents: 80_000 }]);
  });

  it('counts the creditor’s import-reported payment by the day recorded (January)', async () => {
    const { recovery } = await report('2026-01');
    // R8 25000 (Pix 01-09, due 01-09: current), R7 60000 reported 01-10 (due 2025-09-30: 102 days, 91-180),
    // R2 50000 (Pix 01-20, due 2025-12-31: 20 days, 0-30). The sum is the KPIs' collectedCents.
    expect(recovery.collectedCents).toBe(135_000);
    expect(recovery.bySource).toEqual([
      { source: 'pix', cents: 75_000, payments: 2 },
      { source: 'import', cents: 60_000, payments: 1 },
    ]);
    expect(recovery.byBucket.filter((b) => b.cents !== 0)).toEqual([
      { bucket: 'current', cents: 25_000 },
      { bucket: '0-30', cents: 50_000 },
      { bucket: '91-180', cents: 60_000 },
    ]);
    expect(recovery.byDay.reduce((s, d) => s + d.cents, 0)).toBe(recovery.collectedCents);
  });

  it('lists the agreements made or ended in the month, with the KPIs’ counts', async () => {
    const { agreements } = await report('2026-02');
    // A2 made 02-05 (40000, completed 03-05); A1 made in January, broken 02-20 (100000).
    expect(agreements).toMatchObject({
      made: 1,
      madeCents: 40_000,
      madeAndBroken: 0,
      brokenRate: 0,
      broken: 1,
      brokenCents: 100_000,
      completed: 0,
      completedCents: 0,
      cancelled: 0,
      truncated: false,
    });
    expect(
      agreements.list.map((a) => [
        a.debtorName,
        a.madeOn,
        a.totalCents,
        a.status,
        a.endedOn,
        a.madeInMonth,
        a.endedInMonth,
      ]),
    ).toEqual([
      ['Devedor d1', '2026-01-10', 100_000, 'broken', '2026-02-20', false, true],
      ['Devedor d7', '2026-02-05', 40_000, 'completed', '2026-03-05', true, false],
    ]);
  });

  it('compares the KPIs of the month with the month before, from computeKpis', async () => {
    const { kpis } = await report('2026-02');
    const value = (key: string) => kpis.rows.find((r) => r.key === key);
    // Promises falling due in February: d2's (kept, 9 days). January: d6's (kept, 7 days).
    expect(value('promiseKeptRate')).toMatchObject({ value: 1, previous: 1 });
    expect(value('daysToPayment')).toMatchObject({ value: 9, previous: 7 });
    expect(value('recoveryRate')).toMatchObject({ value: 0, previous: 0.1043 });
    // February's credit sales: R4 30000 (issued 02-01). DSO = 305000 / 30000 x 28 = 284.7 days.
    expect(value('dso')).toMatchObject({ value: 284.7 });
    expect(value('agreementsMade')).toMatchObject({ value: 1, previous: 1 });
    // February: no message sent; January: M2, M3, M6, M8 (WhatsApp, SMS, a call).
    expect(kpis.channels.map((c) => [c.channel, c.attempted, c.previousContactRate])).toEqual([
      ['phone', 0, 1],
      ['sms', 0, 1],
      ['whatsapp', 0, 1],
    ]);
  });
});

describe('what the régua did in March 2026', () => {
  it('counts messages by channel and status, letters, negativações, calls and promises made', async () => {
    const { actions, agreements } = await report('2026-03');
    // Golden: M4 WhatsApp delivered (35), M5 e-mail failed, M7 e-mail delivered. Here: letter L1
    // (prior notice), negativação N1, calls C2 (done, not answered) and C3 (open), each sent at 450.
    expect(actions.byChannel).toEqual([
      { channel: 'email', total: 2, attempted: 2, delivered: 1, failed: 1, notSent: 0, costCents: 0 },
      { channel: 'letter', total: 1, attempted: 1, delivered: 0, failed: 0, notSent: 0, costCents: 450 },
      { channel: 'negativacao', total: 1, attempted: 1, delivered: 0, failed: 0, notSent: 0, costCents: 450 },
      { channel: 'phone', total: 2, attempted: 2, delivered: 0, failed: 0, notSent: 0, costCents: 900 },
      { channel: 'whatsapp', total: 1, attempted: 1, delivered: 1, failed: 0, notSent: 0, costCents: 35 },
    ]);
    expect(actions).toMatchObject({
      letters: 1,
      priorNotices: 1,
      negativacoes: 1,
      protests: 0,
      calls: { done: 1, open: 1, byOutcome: [{ outcome: 'not_reached', count: 1 }] },
      // d3 (03-01, 30000), d7 (03-01, 40000), d1 (03-25, 50000)
      promisesMade: 3,
      promisedCents: 120_000,
    });
    // Contacts by cadence step (the KPIs' conversion): M4 and M5 (d3), M7 (d2).
    expect(actions.steps.map((s) => [s.stepKey, s.variantKey, s.contacts])).toEqual(
      expect.arrayContaining([
        ['pf-whatsapp-d3', 'b', 1],
        ['pf-email-d7', 'a', 1],
      ]),
    );
    // A3 made 03-20 (60000, active), A5 made 03-25 (30000, broken 04-10, after the month), A2 completed 03-05.
    expect(agreements).toMatchObject({
      made: 2,
      madeCents: 90_000,
      madeAndBroken: 0,
      completed: 1,
      completedCents: 40_000,
      broken: 0,
    });
    expect(agreements.list.map((a) => a.debtorName)).toEqual(['Devedor d7', 'Devedor d2', 'Devedor d3']);
  });
});

describe('a month not yet closed, an empty month, a future month', () => {
  it('reports the running month up to today, with the partial banner', async () => {
    const r = await report('2026-03', { now: new Date('2026-03-20T15:00:00Z') });
    expect(r.header).toMatchObject({
      status: 'partial',
      dataUntil: '2026-03-20',
      to: '2026-03-31',
      banner: 'Período em andamento: números parciais até 20/03/2026',
    });
    // 03-20: R1 100000, R3 120000, R4 30000 (paid only 04-05), R6 100000 (billed 03-10), R9 40000, R10 15000.
    expect(r.portfolio.totalCents).toBe(405_000);
    expect(r.portfolio.asOf).toBe('2026-03-20');
    expect(r.recovery.byDay).toHaveLength(20);
    // The letter (03-02) and the negativação (03-16) are in; the call opened on 03-30 is not.
    expect(r.actions).toMatchObject({ letters: 1, negativacoes: 1, calls: { done: 1, open: 0 } });
    const months = await reportMonths(fixture.db, fixture.seeded.a.scope, creditorId, {
      now: new Date('2026-03-20T15:00:00Z'),
    });
    expect(months.months[0]).toEqual({
      month: '2026-03',
      label: 'março de 2026',
      status: 'partial',
      dataUntil: '2026-03-20',
    });
    // From the first receivable (R5, billed 2025-06-01) to March 2026.
    expect(months.months.map((m) => m.month).at(-1)).toBe('2025-06');
    expect(months.months.slice(1).every((m) => m.status === 'closed')).toBe(true);
  });

  it('gives zeros and "sem dados" for a month with nothing in it, never a made-up number', async () => {
    const r = await report('2024-01');
    expect(r.header.status).toBe('closed');
    expect(r.portfolio).toMatchObject({ totalCents: 0, count: 0, defaultRate: null });
    expect(r.recovery).toMatchObject({ collectedCents: 0, rate: null, payments: 0, bySource: [] });
    expect(r.recovery.byDay.every((d) => d.cents === 0)).toBe(true);
    expect(r.kpis.rows.find((k) => k.key === 'dso')?.value).toBeNull();
    expect(r.kpis.rows.find((k) => k.key === 'cei')?.value).toBeNull();
    expect(r.actions.byChannel).toEqual([]);
    expect(r.agreements).toMatchObject({ made: 0, madeCents: 0, list: [] });
    expect(r.notes.filter((n) => n.includes('sem dados'))).toHaveLength(4);
  });

  it('refuses a future month and a malformed one in pt-BR (400)', async () => {
    const future = await report('2026-05').catch((e: unknown) => e);
    expect(future).toBeInstanceOf(Problem);
    expect(future).toMatchObject({ status: 400 });
    expect((future as Problem).detail).toContain('ainda não começou');
    const bad = await report('2026-13').catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 400 });
    expect((bad as Problem).detail).toContain('AAAA-MM');
  });
});

describe('scope', () => {
  it('answers 404 for another organization’s creditor and, to a client viewer, for another creditor', async () => {
    const { db, seeded } = fixture;
    const other = await monthlyReport(
      db,
      seeded.a.scope,
      { creditorId: creditorB, month: '2026-02' },
      now,
    ).catch((e: unknown) => e);
    expect(other).toMatchObject({ status: 404 });
    const viewer = scopeFor({
      orgId: seeded.a.scope.orgId,
      role: 'client_viewer',
      creditorIds: [seeded.a.creditorId],
      userId: 1,
      timeZone: seeded.a.scope.timeZone,
    });
    const hidden = await monthlyReport(db, viewer, { creditorId, month: '2026-02' }, now).catch(
      (e: unknown) => e,
    );
    expect(hidden).toMatchObject({ status: 404 });
    const months = await reportMonths(db, viewer, creditorId, now).catch((e: unknown) => e);
    expect(months).toMatchObject({ status: 404 });
    // The viewer's own creditor (the seed's Cliente Um, billed January to March 2026) answers.
    const own = await monthlyReport(db, viewer, { creditorId: seeded.a.creditorId, month: '2026-02' }, now);
    // Maria's T-2 (500,00, 300,00 paid before the import: 200,00 open, due 02-28) and T-1 (1.234,56 less the
    // 100,00 paid on 02-12, 28 days late).
    expect(own.portfolio.totalCents).toBe(123_456 - 10_000 + 20_000);
    expect(own.recovery.bySource).toEqual([{ source: 'pix', cents: 10_000, payments: 1 }]);
    const march = await monthlyReport(db, viewer, { creditorId: seeded.a.creditorId, month: '2026-03' }, now);
    expect(march.actions.byChannel.map((c) => [c.channel, c.total])).toEqual([['sms', 1]]);
  });

  it('the other organization’s copy at ten times the amounts answers its own figures', async () => {
    const r = await monthlyReport(
      fixture.db,
      fixture.seeded.b.scope,
      { creditorId: creditorB, month: '2026-02' },
      now,
    );
    expect(r.portfolio.totalCents).toBe(3_050_000);
    expect(r.recovery.collectedCents).toBe(800_000);
    expect(r.header.organization).toBe('Beta Cobranças');
  });
});
