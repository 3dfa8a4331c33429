import { beforeAll, describe, expect, it } from 'vitest';
import { seededDatabaseForFile } from '../../test/support/seed.ts';
import { scopeFor } from '../access/scope.ts';
import { takePayments } from '../payments/allocate.ts';
import { createCreditor } from '../portfolio/creditors.ts';
import { cnpjFromBase } from '../shared/documents.ts';
import { GOLDEN, GOLDEN_NOW, type GoldenIds, plantAgreement, seedGoldenPortfolio } from './golden.ts';
import { computeKpis, type KpiDebtor, type KpiFilters, kpiDebtors } from './kpis.ts';
import { dsoTrend, recoveryCurve } from './trends.ts';

/**
 * The golden test: the hand-built history of golden.ts (its table lists every receivable), planted in
 * organization A and, with every amount times 10, in organization B. Each expected figure is worked
 * out in the comments, in centavos; docs/KPIS.md walks through the same numbers.
 */
const fixture = seededDatabaseForFile();
const now = { now: GOLDEN_NOW };
let a: { creditorId: number; ids: GoldenIds };
let b: { creditorId: number; ids: GoldenIds };

const golden = (extra: Partial<KpiFilters> = {}): KpiFilters => ({
  ...GOLDEN,
  creditorId: a.creditorId,
  ...extra,
});
const report = (extra: Partial<KpiFilters> = {}) =>
  computeKpis(fixture.db, fixture.seeded.a.scope, golden(extra), now);

beforeAll(async () => {
  const { db, seeded } = fixture;
  const creditorA = await createCreditor(db, seeded.a.scope, {
    cnpj: cnpjFromBase('445566770001'),
    legalName: 'Golden Assinaturas Ltda',
    tradeName: 'Golden',
    segment: 'saas',
  });
  const creditorB = await createCreditor(db, seeded.b.scope, {
    cnpj: cnpjFromBase('445566770001'),
    legalName: 'Golden na Beta Ltda',
    tradeName: null,
    segment: null,
  });
  a = { creditorId: creditorA.id, ids: await seedGoldenPortfolio(db, seeded.a.scope, creditorA.id) };
  b = { creditorId: creditorB.id, ids: await seedGoldenPortfolio(db, seeded.b.scope, creditorB.id, 10) };
});

describe('the golden portfolio, first quarter of 2026', () => {
  it('ages the portfolio as of the end of the quarter from the facts, R4 paid after it counting as open', async () => {
    const { aging, period } = await report();
    expect(period).toEqual({
      from: '2026-01-01',
      to: '2026-03-31',
      asOf: '2026-03-31',
      days: 90,
      complete: true,
    });
    // At the end of 2026-03-31: R6 1.000,00 not yet due (due 04-09); R4 300,00, 28 days late (paid only on
    // 04-05, so it counts); R3 2.000,00 - 800,00 = 1.200,00, 55 days; R9 400,00, 86 days; R1 1.000,00,
    // 151 days; R10 150,00, 212 days. Paid (R2, R7, R8) and written off (R5): nothing.
    // Total 100000 + 30000 + 120000 + 40000 + 100000 + 15000 = 405000; overdue = 405000 - 100000 = 305000.
    expect(aging.totalCents).toBe(405_000);
    expect(aging.count).toBe(6);
    expect(aging.overdueCents).toBe(305_000);
    // 305000 / 405000 = 0.753086... -> 0.7531
    expect(aging.defaultRate).toBe(0.7531);
    expect(aging.buckets).toEqual([
      { bucket: 'current', cents: 100_000, count: 1, share: 0.2469 }, // 100000 / 405000 = 0.246913
      { bucket: '0-30', cents: 30_000, count: 1, share: 0.0741 }, // 30000 / 405000 = 0.074074
      { bucket: '31-60', cents: 120_000, count: 1, share: 0.2963 }, // 120000 / 405000 = 0.296296
      { bucket: '61-90', cents: 40_000, count: 1, share: 0.0988 }, // 40000 / 405000 = 0.098765
      { bucket: '91-180', cents: 100_000, count: 1, share: 0.2469 },
      { bucket: '180+', cents: 15_000, count: 1, share: 0.037 }, // 15000 / 405000 = 0.037037
    ]);
  });

  it('gives DSO, standard and countback, and the collection effectiveness index', async () => {
    const { dso, cei } = await report();
    // Credit sales of the quarter (billed 01-01..03-31): R3 200000 + R4 30000 + R6 100000 = 330000.
    // Standard: 405000 / 330000 x 90 days = 110.4545 -> 110.5.
    expect(dso).toEqual({
      receivablesCents: 405_000,
      creditSalesCents: 330_000,
      days: 90,
      standard: 110.5,
      // Countback from 03-31: March's sales 100000 (31 days) leave 305000; February's 30000 (28 days)
      // leave 275000; January's 200000 (31 days) leave 75000; December's are R2 50000 + R8 25000 +
      // R9 40000 = 115000, of which 75000 is 75000 / 115000 x 31 = 20.2174 days.
      // 31 + 28 + 31 + 20.2174 = 110.2174 -> 110.2.
      countback: 110.2,
    });
    // Begin (end of 2025-12-31): R1 100000 + R2 50000 + R5 400000 + R7 60000 + R8 25000 + R9 40000 +
    // R10 15000 = 690000. End current: R6 100000.
    // CEI = (690000 + 330000 - 405000) / (690000 + 330000 - 100000) x 100 = 615000 / 920000 x 100 = 66.8478 -> 66.85
    expect(cei).toEqual({
      beginCents: 690_000,
      creditSalesCents: 330_000,
      endCents: 405_000,
      endCurrentCents: 100_000,
      percent: 66.85,
    });
  });

  it('recovers what was already past due at the start: the import reports R7 paid; R2 was not yet late', async () => {
    const { recovery } = await report();
    // Past due at the end of 2025-12-31: R1 100000 + R5 400000 + R7 60000 + R10 15000 = 575000 (R2, due
    // that day, R8 and R9 were not yet late). Of it, only R7's 60000 came in during the quarter (R5 was
    // written off: not money). Collected in the quarter, late or not: R7 60000 + R8 25000 + R2 50000 +
    // R3 80000 = 215000 (R4's payment is in April).
    expect(recovery).toEqual({
      overdueAtStartCents: 575_000,
      recoveredCents: 60_000,
      collectedCents: 215_000,
      rate: 0.1043, // 60000 / 575000 = 0.104348
    });
  });

  it('rolls the buckets month over month, each month end against the next', async () => {
    const { rollRates } = await report();
    expect(rollRates.map((r) => [r.from, r.to])).toEqual([
      ['2025-12-31', '2026-01-31'],
      ['2026-01-31', '2026-02-28'],
      ['2026-02-28', '2026-03-31'],
    ]);
    const [december, january, february] = rollRates;
    const of = (buckets: typeof december, bucket: string) =>
      buckets?.buckets.find((x) => x.bucket === bucket);
    // 12-31 current: R2 50000 (paid 01-20), R8 25000 (paid 01-09), R9 40000 (0-30 on 01-31, unpaid).
    // Rolled 40000 of 115000 = 0.347826 -> 0.3478.
    expect(of(december, 'current')).toEqual({
      bucket: 'current',
      cents: 115_000,
      next: { '0-30': 40_000 },
      rolledCents: 40_000,
      rollRate: 0.3478,
    });
    // 12-31 61-90: R1 100000 -> 91-180 on 01-31: all of it rolled.
    expect(of(december, '61-90')).toMatchObject({ cents: 100_000, rolledCents: 100_000, rollRate: 1 });
    // 12-31 91-180: R7 60000 (reported paid 01-10) and R10 15000 (still 91-180): nothing rolled.
    expect(of(december, '91-180')).toMatchObject({ cents: 75_000, next: { '91-180': 15_000 }, rollRate: 0 });
    // 12-31 180+: R5 400000, still counted on 01-31 (written off 02-15); no later bucket.
    expect(of(december, '180+')).toMatchObject({ cents: 400_000, next: { '180+': 400_000 }, rollRate: null });
    expect(of(december, '0-30')).toMatchObject({ cents: 0, rollRate: null });
    // 01-31 current: R3 200000 -> 0-30 on 02-28 with 120000 left. 120000 / 200000 = 0.6.
    expect(of(january, 'current')).toMatchObject({
      cents: 200_000,
      next: { '0-30': 120_000 },
      rollRate: 0.6,
    });
    // 01-31 91-180: R1 100000 (stays) and R10 15000 (180+ on 02-28): 15000 / 115000 = 0.130435 -> 0.1304.
    expect(of(january, '91-180')).toMatchObject({
      cents: 115_000,
      next: { '91-180': 100_000, '180+': 15_000 },
      rolledCents: 15_000,
      rollRate: 0.1304,
    });
    // 01-31 180+: R5, written off on 02-15: gone from the portfolio by 02-28.
    expect(of(january, '180+')).toMatchObject({ cents: 400_000, next: {}, rollRate: null });
    // 02-28: R4 (current), R3 (0-30) and R9 (31-60) each roll whole; R1 stays in 91-180.
    expect(february?.buckets.map((x) => [x.bucket, x.cents, x.rollRate])).toEqual([
      ['current', 30_000, 1],
      ['0-30', 120_000, 1],
      ['31-60', 40_000, 1],
      ['61-90', 0, null],
      ['91-180', 100_000, 0],
      ['180+', 15_000, null],
    ]);
  });

  it('counts promises falling due in the quarter: kept, broken, withdrawn, and days to payment', async () => {
    const { promises } = await report();
    // Falling due in the quarter: d2's (02-12, kept by 800,00 on 02-10), d3's (03-10, broken), d6's
    // (01-09, kept by 250,00 on 01-09) and d7's (03-15, withdrawn by a person). d1's falls due in April.
    // Kept rate: 2 / (2 + 1) = 0.666667 -> 0.6667. Days: d2 made 02-01, paid 02-10 = 9; d6 made 01-02,
    // paid 01-09 = 7; (9 + 7) / 2 = 8.0.
    expect(promises).toEqual({
      due: 4,
      kept: 2,
      broken: 1,
      pending: 0,
      withdrawn: 1,
      keptRate: 0.6667,
      averageDaysToPayment: 8,
    });
  });

  it('measures contact and response per channel, and what each receipt cost', async () => {
    const { channels, costPerReceipt, notes } = await report();
    expect(channels).toEqual([
      // M5 failed (never sent); M7 delivered, with no recorded cost. 1 / 2 = 0.5.
      {
        channel: 'email',
        attempted: 2,
        delivered: 1,
        read: 0,
        replied: 0,
        failed: 1,
        costCents: 0,
        contactRate: 0.5,
        readRate: null,
        responseRate: null,
      },
      // M6: the collector reached d6, who promised: a reply.
      {
        channel: 'phone',
        attempted: 1,
        delivered: 1,
        read: 0,
        replied: 1,
        failed: 0,
        costCents: 0,
        contactRate: 1,
        readRate: null,
        responseRate: 1,
      },
      // M3: d1's SMS answer came on 01-30, after the 7-day window.
      {
        channel: 'sms',
        attempted: 1,
        delivered: 1,
        read: 0,
        replied: 0,
        failed: 0,
        costCents: 7,
        contactRate: 1,
        readRate: null,
        responseRate: 0,
      },
      // M2 (read, answered on 01-04 09:00), M4, M8 (sent 01-04 10:00, after that answer). 1 / 3 = 0.3333.
      {
        channel: 'whatsapp',
        attempted: 3,
        delivered: 3,
        read: 1,
        replied: 1,
        failed: 0,
        costCents: 105,
        contactRate: 1,
        readRate: 0.3333,
        responseRate: 0.3333,
      },
    ]);
    // Messages 0 + 0 + 7 + 105 = 112; one call task: 6 min x R$ 30,00/h = 300; total 412.
    // Payments received in the quarter: P3 25000, P1 50000, P2 80000: 3 receipts, 155000.
    // 412 / 3 = 137.33 -> 137 per receipt; 412 / 155000 = 0.002658 -> 0.0027.
    expect(costPerReceipt).toEqual({
      messageCents: 112,
      messagesWithoutCost: 1,
      collectorTasks: 1,
      collectorCents: 300,
      totalCents: 412,
      payments: 3,
      receivedCents: 155_000,
      perReceiptCents: 137,
      costRatio: 0.0027,
      assumptions: { minutesPerTask: 6, centsPerHour: 3_000 },
    });
    expect(notes).toContain('1 mensagens enviadas não têm custo registrado e contam como custo zero.');
  });

  it('converts contacts of each step and A/B variant by the payments within 7 days', async () => {
    const { conversion } = await report();
    const steps = conversion.steps.map((x) => [
      x.stepKey,
      x.variantKey,
      x.channel,
      x.contacts,
      x.judged,
      x.converted,
      x.rate,
    ]);
    expect(conversion.windowDays).toBe(7);
    expect(steps).toEqual([
      // M7 (03-28): its window ends 04-04, after the as-of date: not judged.
      ['pf-email-d7', 'a', 'email', 1, 0, 0, null],
      // M6 (01-02) -> d6 paid 01-09.
      ['pf-ligacao-d15', 'a', 'phone', 1, 1, 1, 1],
      // M3 (01-15) -> d1 paid 01-20.
      ['pf-vencimento-d0', 'a', 'sms', 1, 1, 1, 1],
      // M2 (01-03): d1 paid only on 01-20. M4 (03-06): d3 paid on 04-05.
      ['pf-whatsapp-d3', 'a', 'whatsapp', 1, 1, 0, 0],
      ['pf-whatsapp-d3', 'b', 'whatsapp', 1, 1, 0, 0],
    ]);
    expect(conversion.steps.every((x) => x.versionId === a.ids.versionId && x.cadenceName === 'Golden')).toBe(
      true,
    );
  });

  it('counts involuntary churn: d1 lost on 01-30, d6 kept, d7 already lost at the start', async () => {
    const { involuntaryChurn } = await report();
    // Customers at the start: billed 12-01..12-31: d1 (R2), d6 (R8), d7 (R9). d7 had R10 unpaid more than
    // 90 days past due on 12-31: lost before, not counted. d1's R1 (due 10-31) passes 90 days unpaid
    // on 01-30: lost. 1 / 2 = 0.5.
    expect(involuntaryChurn).toEqual({ daysPastDue: 90, activeAtStart: 2, churned: 1, rate: 0.5 });
  });

  it('moves nothing for a change that names neither the balance nor the status', async () => {
    const before = await report();
    const { db, seeded } = fixture;
    // A new description for R1 (open) and a new due date reported for R7 (paid in the quarter), both in
    // the quarter: no balance moves, so no figure does.
    const inserted = await db.query<{ id: number }>(
      `insert into receivable_changes (org_id, receivable_id, changes, changed_at)
       values ($1, $2, '{"description": ["Mensalidade", "Mensalidade outubro"]}', '2026-02-10T10:00-03:00'),
              ($1, $3, '{"due_date": ["2025-11-20", "2025-11-25"]}', '2026-03-02T10:00-03:00')
       returning id`,
      [seeded.a.scope.orgId, a.ids.receivables.R1, a.ids.receivables.R7],
    );
    try {
      expect(inserted).toHaveLength(2);
      expect(await report()).toEqual(before);
    } finally {
      await db.query('delete from receivable_changes where id = any($1)', [inserted.map((row) => row.id)]);
    }
  });

  it('filters by segment (companies, tags) and by cadence', async () => {
    // Companies: d2 (R3 1.200,00, 31-60; R7 paid) and d5 (R6 1.000,00, current).
    const companies = await report({ debtorKind: 'company' });
    expect(companies.aging.totalCents).toBe(220_000);
    expect(companies.aging.defaultRate).toBe(0.5455); // 120000 / 220000 = 0.545454
    expect(companies.promises.due).toBe(1); // d2's
    expect(companies.channels.map((c) => c.channel)).toEqual(['email']); // M7 to d2
    // Tag vip: d4 only, whose R5 was written off: nothing open at the end, and no default rate to speak of.
    const vip = await report({ tags: ['vip'] });
    expect(vip.aging).toMatchObject({ totalCents: 0, count: 0, defaultRate: null });
    expect(vip.cei.beginCents).toBe(400_000);
    // The cadence contacted d1, d2, d3, d6 (M1..M8): their receivables, and its messages (not M8).
    const cadence = await report({ cadenceId: a.ids.cadenceId });
    expect(cadence.aging.totalCents).toBe(100_000 + 30_000 + 120_000); // R1, R4, R3
    expect(cadence.channels.find((c) => c.channel === 'whatsapp')?.attempted).toBe(2);
  });

  it('gives honest zeros and nulls for a period with no data', async () => {
    const empty = await computeKpis(
      fixture.db,
      fixture.seeded.a.scope,
      { from: '2024-01-01', to: '2024-01-31', creditorId: a.creditorId },
      now,
    );
    expect(empty.aging).toMatchObject({ totalCents: 0, count: 0, overdueCents: 0, defaultRate: null });
    expect(empty.aging.buckets.every((x) => x.cents === 0 && x.share === null)).toBe(true);
    expect(empty.dso).toEqual({
      receivablesCents: 0,
      creditSalesCents: 0,
      days: 31,
      standard: null,
      countback: 0,
    });
    expect(empty.cei.percent).toBeNull();
    expect(empty.recovery).toEqual({
      overdueAtStartCents: 0,
      recoveredCents: 0,
      collectedCents: 0,
      rate: null,
    });
    expect(empty.promises).toMatchObject({ due: 0, keptRate: null, averageDaysToPayment: null });
    expect(empty.channels).toEqual([]);
    expect(empty.conversion.steps).toEqual([]);
    expect(empty.rollRates).toHaveLength(1);
    expect(empty.rollRates[0]?.buckets.every((x) => x.rollRate === null)).toBe(true);
    expect(empty.costPerReceipt).toMatchObject({
      totalCents: 0,
      payments: 0,
      perReceiptCents: null,
      costRatio: null,
    });
    expect(empty.involuntaryChurn).toMatchObject({ activeAtStart: 0, churned: 0, rate: null });
  });

  it('says so when the period has not ended, and refuses an as-of date in the future', async () => {
    const open = await report({ to: '2026-04-30', asOf: null });
    expect(open.period).toMatchObject({ asOf: '2026-04-15', complete: false });
    expect(open.notes[0]).toContain('ainda não fechou');
    await expect(report({ asOf: '2026-05-01' })).rejects.toMatchObject({ status: 400 });
    await expect(report({ from: '2026-04-01', to: '2026-03-01' })).rejects.toMatchObject({ status: 400 });
  });
});

describe('agreements', () => {
  it('counts the agreements made in the quarter, those broken by its end, and how agreements ended in it', async () => {
    const { agreements, notes } = await report();
    // Made in the quarter: A1 100000, A2 40000, A3 60000, A5 30000 = 230000 (A4 was made in 2025).
    // Broken by 03-31: A1 (A5 broke on 04-10). 1 / 4 = 0.25. Ended in the quarter: A1 broken,
    // A2 completed, A4 cancelled.
    expect(agreements).toEqual({
      made: 4,
      madeCents: 230_000,
      madeAndBroken: 1,
      brokenRate: 0.25,
      brokenInPeriod: 1,
      completedInPeriod: 1,
      cancelledInPeriod: 1,
    });
    expect(notes).toEqual(['1 mensagens enviadas não têm custo registrado e contam como custo zero.']);
    const made = await kpiDebtors(
      fixture.db,
      fixture.seeded.a.scope,
      golden(),
      { figure: 'agreements', outcome: 'made' },
      {},
      now,
    );
    expect(made.items.map((x) => [x.name, x.cents])).toEqual([
      ['Devedor d1', 100_000],
      ['Devedor d2', 60_000],
      ['Devedor d7', 40_000],
      ['Devedor d3', 30_000],
    ]);
  });

  it('an agreement moves the debt into its installments: paying them recovers it, and they are not new sales', async () => {
    const { db, seeded } = fixture;
    const orgId = seeded.a.scope.orgId;
    const creditor = await createCreditor(db, seeded.a.scope, {
      cnpj: cnpjFromBase('778899000001'),
      legalName: 'Acordo Educação Ltda',
      tradeName: null,
      segment: 'education',
    });
    const [debtor] = await db.query<{ id: number }>(
      `insert into debtors (org_id, creditor_id, kind, document, name) values ($1, $2, 'person', '20000000001', 'Devedor e1')
       returning id`,
      [orgId, creditor.id],
    );
    // RA1 (500,00, due 2025-12-01) is 30 days late at the start; on 01-15 it goes into an agreement of two
    // installments of 250,00 (due 01-20 and 02-20); the first is paid on 01-20.
    const receivable = async (key: string, issue: string, due: string, status: string) => {
      const [row] = await db.query<{ id: number }>(
        `insert into receivables (org_id, creditor_id, debtor_id, external_id, issue_date, due_date, original_cents, open_cents, status)
         values ($1, $2, $3, $4, $5, $6, $7, $7, $8) returning id`,
        [orgId, creditor.id, debtor?.id, key, issue, due, key === 'RA1' ? 50_000 : 25_000, status],
      );
      return row?.id as number;
    };
    const original = await receivable('RA1', '2025-11-01', '2025-12-01', 'in_agreement');
    const agreement = await plantAgreement(db, {
      orgId,
      creditorId: creditor.id,
      debtorId: debtor?.id as number,
      made: '2026-01-15T10:00-03:00',
      cents: 50_000,
      status: 'active',
      ended: null,
    });
    await db.query(
      `insert into agreement_originals (org_id, agreement_id, receivable_id, status_before, open_cents_before, updated_cents)
       values ($1, $2, $3, 'open', 50000, 50000)`,
      [orgId, agreement, original],
    );
    await db.query(
      `insert into receivable_changes (org_id, receivable_id, changes, changed_at) values ($1, $2, $3, '2026-01-15T10:00-03:00')`,
      [
        orgId,
        original,
        JSON.stringify({
          open_cents: [50_000, 50_000],
          status: ['open', 'in_agreement'],
          agreement_id: [null, agreement],
        }),
      ],
    );
    for (const [n, due] of [
      [1, '2026-01-20'],
      [2, '2026-02-20'],
    ] as const) {
      const id = await receivable(`ACORDO-${agreement}-${n}`, '2026-01-15', due, 'open');
      await db.query(
        `insert into agreement_installments (org_id, agreement_id, number, receivable_id, due_date, amount_cents)
         values ($1, $2, $3, $4, $5, 25000)`,
        [orgId, agreement, n, id, due],
      );
    }
    await takePayments(db, seeded.a.scope, [
      {
        source: 'pix',
        naturalKey: 'acordo:1',
        amountCents: 25_000,
        paidOn: '2026-01-20',
        seuNumero: `ACORDO-${agreement}-1`,
        raw: {},
      },
    ]);
    const kpis = await computeKpis(db, seeded.a.scope, { ...GOLDEN, creditorId: creditor.id }, now);
    // Past due at the start: RA1 50000. Recovered: the first installment's 25000. 25000 / 50000 = 0.5.
    expect(kpis.recovery).toEqual({
      overdueAtStartCents: 50_000,
      recoveredCents: 25_000,
      collectedCents: 25_000,
      rate: 0.5,
    });
    // At the end: RA1 waits in the agreement (not counted); the second installment, 39 days late.
    expect(kpis.aging.totalCents).toBe(25_000);
    expect(kpis.aging.buckets.find((x) => x.bucket === '31-60')?.cents).toBe(25_000);
    // No credit sales: the installments renegotiate old debt. CEI = (50000 + 0 - 25000) / (50000 + 0 - 0) = 50%.
    expect(kpis.dso).toMatchObject({ creditSalesCents: 0, standard: null });
    expect(kpis.cei.percent).toBe(50);
    expect(kpis.agreements).toMatchObject({ made: 1, madeCents: 50_000, madeAndBroken: 0, brokenRate: 0 });
  });
});

describe('another organization', () => {
  it('never counts: B holds the same history at ten times the amounts, and A’s figures are A’s', async () => {
    const { db, seeded } = fixture;
    const inB = await computeKpis(db, seeded.b.scope, { ...GOLDEN, creditorId: b.creditorId }, now);
    expect(inB.aging.totalCents).toBe(4_050_000);
    expect(inB.channels.find((c) => c.channel === 'whatsapp')).toMatchObject({ attempted: 3, replied: 1 });
    expect(inB.involuntaryChurn).toMatchObject({ activeAtStart: 2, churned: 1 });
    // A's whole organization: its golden creditor plus the seed's receivables (T-1..T-3, D-1), never B's.
    const wholeA = await computeKpis(db, seeded.a.scope, GOLDEN, now);
    const [seedOpen] = await db.query<{ cents: number }>(
      `select sum(open_cents)::bigint as cents from receivables
        where org_id = $1 and creditor_id <> $2 and status in ('open', 'partially_paid')`,
      [seeded.a.scope.orgId, a.creditorId],
    );
    expect(wholeA.aging.totalCents).toBe(405_000 + (seedOpen?.cents ?? 0));
    expect(wholeA.promises.due).toBe(4);
    // P3, P1, P2, and the agreement's first installment (the test above).
    expect(wholeA.costPerReceipt.payments).toBe(4);
  });

  it('cannot be reached: B’s creditor is not found from A, nor A’s golden creditor by a client of another', async () => {
    const { db, seeded } = fixture;
    await expect(
      computeKpis(db, seeded.a.scope, { ...GOLDEN, creditorId: b.creditorId }, now),
    ).rejects.toMatchObject({
      status: 404,
    });
    const client = scopeFor({
      orgId: seeded.a.scope.orgId,
      role: 'client_viewer',
      creditorIds: [seeded.a.creditorId],
      userId: null,
      timeZone: 'America/Sao_Paulo',
    });
    await expect(computeKpis(db, client, golden(), now)).rejects.toMatchObject({ status: 404 });
    await expect(
      kpiDebtors(db, seeded.a.scope, golden({ creditorId: b.creditorId }), { figure: 'churned' }),
    ).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe('drill-down', () => {
  const debtors = async (
    figure: Parameters<typeof kpiDebtors>[3],
    extra: Partial<KpiFilters> = {},
    limit = 50,
  ) => {
    const page = await kpiDebtors(fixture.db, fixture.seeded.a.scope, golden(extra), figure, { limit }, now);
    return page;
  };
  const names = (items: KpiDebtor[]) => items.map((x) => [x.name, x.cents, x.count]);

  it('lists the debtors behind a bucket, largest first, a page at a time', async () => {
    expect(names((await debtors({ figure: 'aging', bucket: '0-30' })).items)).toEqual([
      ['Devedor d3', 30_000, 1],
    ]);
    expect(names((await debtors({ figure: 'aging', bucket: '180+' })).items)).toEqual([
      ['Devedor d7', 15_000, 1],
    ]);
    // Every bucket a debtor at a time: together they hold the whole aging, and only A's golden debtors.
    const all: KpiDebtor[] = [];
    for (const bucket of ['current', '0-30', '31-60', '61-90', '91-180', '180+'] as const) {
      let cursor: string | null = null;
      do {
        const page = await kpiDebtors(
          fixture.db,
          fixture.seeded.a.scope,
          golden(),
          { figure: 'aging', bucket },
          { limit: 1, cursor },
          now,
        );
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
    }
    expect(all.reduce((sum, x) => sum + x.cents, 0)).toBe(405_000);
    expect(all.every((x) => Object.values(a.ids.debtors).includes(x.debtorId))).toBe(true);
  });

  it('pages with a keyset cursor that survives ties', async () => {
    // WhatsApp in the quarter: d1 (M2, M8) and d3 (M4), one a page.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await kpiDebtors(
        fixture.db,
        fixture.seeded.a.scope,
        golden(),
        { figure: 'channel', channel: 'whatsapp', stage: 'attempted' },
        { limit: 1, cursor },
        now,
      );
      seen.push(...page.items.map((x) => `${x.name}:${x.count}`));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Devedor d1:2', 'Devedor d3:1']);
  });

  it('lists the debtors behind recovery, promises, churn, replies and conversion', async () => {
    expect(names((await debtors({ figure: 'recovered' })).items)).toEqual([['Devedor d2', 60_000, 1]]);
    expect(names((await debtors({ figure: 'promises', outcome: 'kept' })).items)).toEqual([
      ['Devedor d2', 80_000, 1],
      ['Devedor d6', 25_000, 1],
    ]);
    expect(names((await debtors({ figure: 'promises', outcome: 'broken' })).items)).toEqual([
      ['Devedor d3', 30_000, 1],
    ]);
    // d1 left R1's 1.000,00 unpaid when it passed 90 days.
    expect(names((await debtors({ figure: 'churned' })).items)).toEqual([['Devedor d1', 100_000, 1]]);
    expect(
      names((await debtors({ figure: 'channel', channel: 'whatsapp', stage: 'replied' })).items),
    ).toEqual([['Devedor d1', 0, 1]]);
    expect(
      names(
        (
          await debtors({
            figure: 'conversion',
            versionId: a.ids.versionId,
            stepKey: 'pf-vencimento-d0',
            variantKey: 'a',
            converted: true,
          })
        ).items,
      ),
    ).toEqual([['Devedor d1', 0, 1]]);
  });

  it('refuses a cursor it did not make', async () => {
    await expect(
      kpiDebtors(
        fixture.db,
        fixture.seeded.a.scope,
        golden(),
        { figure: 'churned' },
        { cursor: 'bm9wZQ' },
        now,
      ),
    ).rejects.toMatchObject({ status: 400 });
  });
});

describe('the recovery curve and the DSO trend of the golden portfolio', () => {
  const trendFilters = (months: number) => ({ creditorId: a.creditorId, to: GOLDEN.to, months });

  it('follows each month of due dates: what was left unpaid on the due date, recovered by days since it', async () => {
    const curve = await recoveryCurve(fixture.db, fixture.seeded.a.scope, trendFilters(7), now);
    expect(curve.asOf).toBe('2026-03-31');
    const cohort = (month: string) => {
      const c = curve.cohorts.find((x) => x.month === month);
      if (!c) throw new Error(`no cohort ${month}`);
      return c;
    };
    // Seven whole months ending with March (it ends on the as-of date).
    expect(curve.cohorts.map((c) => [c.month, c.overdueCents, c.receivables, c.observedDays])).toEqual([
      ['2025-09', 60_000, 1, 180], // R7; 09-30 to 03-31 is 182 days: followed for 180
      ['2025-10', 100_000, 1, 151], // R1, never paid
      ['2025-11', 0, 0, 121], // nothing fell due: no curve ("sem dados")
      ['2025-12', 50_000, 1, 90], // R2
      ['2026-01', 40_000, 1, 59], // R9; R8 was paid on its due date: never late, not in the cohort
      ['2026-02', 200_000, 1, 31], // R3
      ['2026-03', 30_000, 1, 0], // R4, paid on 04-05: after the as-of date
    ]);
    // R7, reported paid by the import on 2026-01-10: 102 days after 2025-09-30.
    expect(cohort('2025-09').points[101]).toEqual({ day: 101, recoveredCents: 0, share: 0 });
    expect(cohort('2025-09').points[102]).toEqual({ day: 102, recoveredCents: 60_000, share: 1 });
    expect(cohort('2025-09').points).toHaveLength(181);
    expect(cohort('2025-10').points.every((p) => p.share === 0)).toBe(true);
    expect(cohort('2025-11').points).toEqual([]);
    // R2 paid on 01-20, 20 days after 12-31.
    expect(cohort('2025-12').points[19]?.share).toBe(0);
    expect(cohort('2025-12').points[20]?.share).toBe(1);
    // R3: 800,00 of 2.000,00 paid on 02-10, 6 days after 02-04: 0.4 from day 6.
    expect(
      cohort('2026-02')
        .points.slice(4, 8)
        .map((p) => p.share),
    ).toEqual([0, 0, 0.4, 0.4]);
    expect(cohort('2026-02').points.at(-1)).toEqual({ day: 31, recoveredCents: 80_000, share: 0.4 });
    // R4's payment on 04-05 is after the as-of date: March is seen on day 0 only.
    expect(cohort('2026-03').points).toEqual([{ day: 0, recoveredCents: 0, share: 0 }]);
  });

  it('lists the debtors of a cohort with what they owed at the end of the due dates', async () => {
    const page = await kpiDebtors(
      fixture.db,
      fixture.seeded.a.scope,
      golden(),
      { figure: 'cohort', month: '2026-02' },
      {},
      now,
    );
    expect(page.items.map((x) => [x.name, x.cents, x.count])).toEqual([['Devedor d2', 200_000, 1]]);
    const none = await kpiDebtors(
      fixture.db,
      fixture.seeded.a.scope,
      golden(),
      { figure: 'cohort', month: '2025-11' },
      {},
      now,
    );
    expect(none.items).toEqual([]);
  });

  it('gives DSO month by month, standard and countback, in one statement', async () => {
    const trend = await dsoTrend(fixture.db, fixture.seeded.a.scope, trendFilters(3), now);
    expect(trend.months).toEqual([
      {
        month: '2026-01',
        from: '2026-01-01',
        to: '2026-01-31',
        complete: true,
        // 01-31: R1 100000 + R3 200000 + R5 400000 + R9 40000 + R10 15000 = 755000; January's sales: R3.
        receivablesCents: 755_000,
        creditSalesCents: 200_000,
        standard: 117, // 755000 / 200000 x 31 = 117.025
        // Jan 200000 (31 d), Dec 115000 (31), Nov 0 (30), Oct R1 100000 (31), Sep R7 60000 (30), Aug R10
        // 15000 (31), Jul 0 (31) leave 265000; June's R5 400000 covers it: 265000 / 400000 x 30 = 19.875.
        // 215 + 19.875 = 234.875 -> 234.9
        countback: 234.9,
      },
      {
        month: '2026-02',
        from: '2026-02-01',
        to: '2026-02-28',
        complete: true,
        receivablesCents: 305_000,
        creditSalesCents: 30_000,
        standard: 284.7, // 305000 / 30000 x 28 = 284.667
        // (01-28, 02-28] R4 30000 (31 d) leaves 275000; (12-28, 01-28] R3 200000 (31) leaves 75000;
        // (11-28, 12-28] R2 + R8 + R9 = 115000: 75000 / 115000 x 30 = 19.5652. 81.5652 -> 81.6
        countback: 81.6,
      },
      {
        month: '2026-03',
        from: '2026-03-01',
        to: '2026-03-31',
        complete: true,
        receivablesCents: 405_000,
        creditSalesCents: 100_000,
        standard: 125.6, // 405000 / 100000 x 31 = 125.55
        countback: 110.2, // as the quarter's report
      },
    ]);
  });

  it('is honest about months without sales, and never counts another organization', async () => {
    const trend = await dsoTrend(
      fixture.db,
      fixture.seeded.a.scope,
      { ...trendFilters(6), to: '2025-08-15' },
      now,
    );
    // Nothing was billed in March..May and July 2025; R5 (issued 06-01) in June, R10 (08-01) in August.
    expect(
      trend.months.map((m) => [
        m.month,
        m.complete,
        m.receivablesCents,
        m.creditSalesCents,
        m.standard,
        m.countback,
      ]),
    ).toEqual([
      ['2025-03', true, 0, 0, null, 0],
      ['2025-04', true, 0, 0, null, 0],
      ['2025-05', true, 0, 0, null, 0],
      ['2025-06', true, 400_000, 400_000, 30, 31], // 400000 / 400000 x 30; countback's window (05-30, 06-30] has 31 days
      ['2025-07', true, 400_000, 0, null, 61], // July sells nothing (31 d), June's 400000 covers it (30 d)
      ['2025-08', false, 415_000, 15_000, 415, 92], // 415000 / 15000 x 15 days; countback 31 + 30 + 31
    ]);
    const inB = await dsoTrend(
      fixture.db,
      fixture.seeded.b.scope,
      { creditorId: b.creditorId, to: GOLDEN.to, months: 1 },
      now,
    );
    expect(inB.months[0]?.receivablesCents).toBe(4_050_000);
    await expect(
      dsoTrend(fixture.db, fixture.seeded.a.scope, { creditorId: b.creditorId, to: GOLDEN.to }, now),
    ).rejects.toMatchObject({ status: 404 });
    const curveB = await recoveryCurve(
      fixture.db,
      fixture.seeded.b.scope,
      { creditorId: b.creditorId, to: GOLDEN.to, months: 1 },
      now,
    );
    expect(curveB.cohorts[0]).toMatchObject({ month: '2026-03', overdueCents: 300_000 });
  });
});
