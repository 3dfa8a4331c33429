/**
 * KPIs (indicadores) of a collections operation, per organization and optionally per creditor,
 * segment (debtor kind, tags) and cadence, for a period and an as-of date. Computed from stored facts
 * (balances and their recorded changes, payments, messages, replies, call tasks, promises), never
 * from counters. The SQL adds facts up (kpis.sql.ts); ratios are taken and rounded in formulas.ts.
 * docs/KPIS.md gives each formula and a worked example that kpis.db.test.ts checks.
 */
import { canSeeCreditor, type Scope } from '../access/scope.ts';
import type { Database, SqlExecutor } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { decodeCursor, encodeCursor } from '../portfolio/cursor.ts';
import { addDays, type CalendarDate, daysBetween, isCalendarDate, todayIn } from '../shared/dates.ts';
import type { Cents } from '../shared/money.ts';
import { badRequest, notFound } from '../shared/problem.ts';
import {
  ACTIVE_CUSTOMER_DAYS,
  AGING_BUCKETS,
  type AgingBucket,
  averageDays,
  bucketRange,
  CHURN_DAYS_PAST_DUE,
  type CollectorCosts,
  centsPer,
  collectionEffectiveness,
  collectorCents,
  countbackDso,
  countbackWindows,
  cutDates,
  DEFAULT_COLLECTOR_COSTS,
  DEFAULT_CONVERSION_DAYS,
  isAgingBucket,
  MAX_PERIOD_DAYS,
  OVERDUE_BUCKETS,
  type Ratio,
  REPLY_WINDOW_DAYS,
  ratio,
  standardDso,
} from './formulas.ts';
import {
  agingDebtorsSql,
  channelDebtorsSql,
  churnedDebtorsSql,
  conversionDebtorsSql,
  drillPageSql,
  FUNNEL_STAGES,
  type FunnelStage,
  type KpiScope,
  lazyParams,
  messagesSql,
  portfolioSql,
  promiseDebtorsSql,
  promisesSql,
  receiptsSql,
  recoveredDebtorsSql,
  type ScopeSql,
  type SqlParams,
  scopeSql,
  sqlParams,
} from './kpis.sql.ts';

export type KpiFilters = {
  /** First and last day of the period, inclusive. */
  from: CalendarDate;
  to: CalendarDate;
  /** The date of the portfolio snapshot (aging, default rate); default: the period's end, or today if earlier. */
  asOf?: CalendarDate | null;
  creditorId?: number | null;
  debtorKind?: 'person' | 'company' | null;
  /** Debtors carrying any of these tags. */
  tags?: string[] | null;
  /** Debtors this cadence contacted; message figures count that cadence's messages only. */
  cadenceId?: number | null;
  /** Conversion window in days (default 7). */
  conversionDays?: number | null;
};

export type KpiOptions = {
  /** The clock (tests pass a fixed one). */
  now?: Date;
  collectorCosts?: CollectorCosts;
};

export type BucketFigure = {
  bucket: AgingBucket;
  cents: Cents;
  count: number;
  /** Share of the total open balance. For an overdue bucket this is its default rate. */
  share: Ratio;
};

export type ChannelFigure = {
  channel: string;
  attempted: number;
  delivered: number;
  read: number;
  replied: number;
  failed: number;
  /** delivered / attempted. */
  contactRate: Ratio;
  /** read / delivered, for channels that report reads (WhatsApp); else null. */
  readRate: Ratio;
  /** replied / delivered, for channels that carry answers (WhatsApp, SMS, calls); else null. */
  responseRate: Ratio;
  costCents: Cents;
};

export type ConversionFigure = {
  cadenceId: number;
  cadenceName: string;
  versionId: number;
  version: number;
  stepKey: string;
  variantKey: string;
  channel: string;
  contacts: number;
  /** Contacts whose window closed by the as-of date: only these are judged. */
  judged: number;
  converted: number;
  /** converted / judged. */
  rate: Ratio;
};

export type RollFigure = {
  bucket: AgingBucket;
  /** Balance in the bucket at the first month end. */
  cents: Cents;
  /** At the next month end, the same receivables' balance by bucket. */
  next: Partial<Record<AgingBucket, Cents>>;
  /** Of `cents`, what moved to a later bucket (by the next month end's balance). */
  rolledCents: Cents;
  /** rolledCents / cents; null for `180+`, which has no later bucket. */
  rollRate: Ratio;
};

export type AgreementFigures = {
  /** Agreements made in the period, and their total. */
  made: number;
  madeCents: Cents;
  /** Of those, broken by the as-of date. */
  madeAndBroken: number;
  /** madeAndBroken / made. */
  brokenRate: Ratio;
  /** Agreements that ended in the period, by how. */
  brokenInPeriod: number;
  completedInPeriod: number;
  cancelledInPeriod: number;
};

export type KpiReport = {
  period: {
    from: CalendarDate;
    to: CalendarDate;
    asOf: CalendarDate;
    days: number;
    /** False while the period has not ended: its figures can still change. */
    complete: boolean;
  };
  scope: KpiScope;
  aging: {
    asOf: CalendarDate;
    totalCents: Cents;
    count: number;
    overdueCents: Cents;
    /** overdue / total open balance. */
    defaultRate: Ratio;
    buckets: BucketFigure[];
  };
  dso: {
    receivablesCents: Cents;
    creditSalesCents: Cents;
    days: number;
    standard: number | null;
    countback: number | null;
  };
  cei: {
    beginCents: Cents;
    creditSalesCents: Cents;
    endCents: Cents;
    endCurrentCents: Cents;
    percent: number | null;
  };
  recovery: {
    overdueAtStartCents: Cents;
    recoveredCents: Cents;
    /** Everything collected in the period, overdue or not. */
    collectedCents: Cents;
    rate: Ratio;
  };
  promises: {
    due: number;
    kept: number;
    broken: number;
    pending: number;
    withdrawn: number;
    /** kept / (kept + broken). */
    keptRate: Ratio;
    averageDaysToPayment: number | null;
  };
  channels: ChannelFigure[];
  conversion: { windowDays: number; steps: ConversionFigure[] };
  rollRates: Array<{ from: CalendarDate; to: CalendarDate; buckets: RollFigure[] }>;
  costPerReceipt: {
    messageCents: Cents;
    /** Sent messages without a recorded cost (counted as 0). */
    messagesWithoutCost: number;
    collectorTasks: number;
    collectorCents: Cents;
    totalCents: Cents;
    payments: number;
    receivedCents: Cents;
    perReceiptCents: Cents | null;
    /** Cost / money received. */
    costRatio: Ratio;
    assumptions: CollectorCosts;
  };
  involuntaryChurn: {
    daysPastDue: number;
    activeAtStart: number;
    churned: number;
    rate: Ratio;
  };
  /** null until the agreements tables exist (see notes). */
  agreements: AgreementFigures | null;
  /** Plain-language caveats about this report's figures. */
  notes: string[];
};

/** Memory each sort or hash of the KPI statements may use (`SET LOCAL`, for their transaction only). */
export const KPI_WORK_MEM = '64MB';

type Resolved = {
  scope: KpiScope;
  from: CalendarDate;
  to: CalendarDate;
  asOf: CalendarDate;
  today: CalendarDate;
  conversionDays: number;
};

/** Checks the filters against what the caller may see, and fills in the defaults. */
async function resolve(
  tx: SqlExecutor,
  scope: Scope,
  filters: KpiFilters,
  options: KpiOptions,
): Promise<Resolved> {
  const today = todayIn(scope.timeZone, options.now);
  if (!isCalendarDate(filters.from) || !isCalendarDate(filters.to))
    throw badRequest('from and to must be dates (YYYY-MM-DD)');
  if (filters.from > filters.to) throw badRequest('the period starts after it ends');
  if (daysBetween(filters.from, filters.to) >= MAX_PERIOD_DAYS)
    throw badRequest(`a period covers at most ${MAX_PERIOD_DAYS} days`);
  const asOf = filters.asOf ?? (filters.to < today ? filters.to : today);
  if (!isCalendarDate(asOf)) throw badRequest('asOf must be a date (YYYY-MM-DD)');
  if (asOf > today) throw badRequest('asOf is in the future: there is no portfolio to see there yet');
  const conversionDays = filters.conversionDays ?? DEFAULT_CONVERSION_DAYS;
  if (!Number.isInteger(conversionDays) || conversionDays < 0 || conversionDays > 365)
    throw badRequest('conversionDays must be a whole number of days between 0 and 365');
  if (filters.debtorKind && filters.debtorKind !== 'person' && filters.debtorKind !== 'company')
    throw badRequest('debtorKind must be person or company');
  let creditorIds = scope.creditorIds;
  if (filters.creditorId != null) {
    if (!canSeeCreditor(scope, filters.creditorId)) throw notFound(`creditor ${filters.creditorId}`);
    const [creditor] = await tx.query('select 1 from creditors where org_id = $1 and id = $2', [
      scope.orgId,
      filters.creditorId,
    ]);
    if (!creditor) throw notFound(`creditor ${filters.creditorId}`);
    creditorIds = [filters.creditorId];
  }
  if (filters.cadenceId != null) {
    const [cadence] = await tx.query(
      'select 1 from cadences where org_id = $1 and id = $2 and ($3::bigint[] is null or creditor_id = any($3))',
      [scope.orgId, filters.cadenceId, scope.creditorIds],
    );
    if (!cadence) throw notFound(`cadence ${filters.cadenceId}`);
  }
  return {
    scope: {
      orgId: scope.orgId,
      timeZone: scope.timeZone,
      creditorIds,
      debtorKind: filters.debtorKind ?? null,
      tags: filters.tags && filters.tags.length > 0 ? filters.tags : null,
      cadenceId: filters.cadenceId ?? null,
    },
    from: filters.from,
    to: filters.to,
    asOf,
    today,
    conversionDays,
  };
}

/** Whether the agreements tables exist yet (they arrive with their own migration). */
async function hasAgreements(tx: SqlExecutor): Promise<boolean> {
  const [row] = await tx.query<{ present: boolean }>(
    `select to_regclass('agreement_installments') is not null and to_regclass('agreements') is not null as present`,
  );
  return row?.present === true;
}

/** The cut dates of a report and the SQL parameters the portfolio statements share. */
function portfolioArgs(
  p: SqlParams,
  r: Resolved,
  agreements: { installments: string; cohortInstallments: string } | null,
) {
  const { cuts, start, monthEnds } = cutDates({ from: r.from, to: r.to, asOf: r.asOf });
  const index = (date: CalendarDate) => cuts.indexOf(date) + 1;
  const balanceCuts = [...new Set([start, ...monthEnds, r.to, r.asOf])];
  const pairs = new Map<string, [number, number]>();
  for (const date of balanceCuts) pairs.set(`${index(date)}:${index(date)}`, [index(date), index(date)]);
  for (let i = 0; i + 1 < monthEnds.length; i++) {
    const [k, j] = [index(monthEnds[i] as string), index(monthEnds[i + 1] as string)];
    pairs.set(`${k}:${j}`, [k, j]);
  }
  const sinceCut = start < r.asOf ? start : r.asOf;
  return {
    cuts,
    start,
    monthEnds,
    index,
    args: Object.assign(
      lazyParams(p, {
        cuts: [cuts, 'date[]'],
        next: [cuts.map((c) => addDays(c, 1)), 'date[]'],
        sinceCut: [sinceCut, 'date'],
        asOf: [r.asOf, 'date'],
        asOfIndex: [index(r.asOf), 'int'],
        startIndex: [index(start), 'int'],
        endIndex: [index(r.to), 'int'],
        pairK: [[...pairs.values()].map(([k]) => k), 'int[]'],
        pairJ: [[...pairs.values()].map(([, j]) => j), 'int[]'],
        start: [start, 'date'],
        from: [r.from, 'date'],
        to: [r.to, 'date'],
        churnDays: [CHURN_DAYS_PAST_DUE, 'int'],
        activeDays: [ACTIVE_CUSTOMER_DAYS, 'int'],
      }),
      {
        installments: agreements?.installments ?? null,
        cohortInstallments: agreements?.cohortInstallments ?? null,
      },
    ),
  };
}

/** The receivables that are agreements' installments, and those of agreements that renegotiated debt already past due at the start. */
const agreementsSql = (_s: ScopeSql) => null as { installments: string; cohortInstallments: string } | null;

type PortfolioRow = {
  amounts: Array<{ k: number; j: number; from: AgingBucket; to: AgingBucket; cents: number }>;
  sales: Array<{ bi: number; cents: number }>;
  counts: Array<{ bucket: AgingBucket; count: number }>;
  recovery: { collected: number; recovered: number };
  churn: { active: number; churned: number };
};

const later = (a: AgingBucket, b: AgingBucket) => AGING_BUCKETS.indexOf(b) > AGING_BUCKETS.indexOf(a);

/**
 * Every KPI of the dashboard for one scope and period, from a handful of set-based statements run in
 * one transaction as tenant work.
 */
export async function computeKpis(
  db: Database,
  scope: Scope,
  filters: KpiFilters,
  options: KpiOptions = {},
): Promise<KpiReport> {
  return withTenant(db, scope.orgId, async (tx) => {
    const r = await resolve(tx, scope, filters, options);
    // The portfolio statement groups a large creditor's receivables by debtor (involuntary churn) and
    // by due date in one pass; with room for its hash tables it need not sort them on disk.
    await tx.query(`set local work_mem = '${KPI_WORK_MEM}'`);
    const withAgreements = await hasAgreements(tx);
    const notes: string[] = [];
    if (r.to >= r.today)
      notes.push(`O período termina em ${r.to} e ainda não fechou: os números podem mudar até lá.`);

    // ---- the portfolio: balances at cut dates, sales, recovery, churn
    const p = sqlParams();
    const s = scopeSql(p, r.scope);
    const pa = portfolioArgs(p, r, withAgreements ? agreementsSql(s) : null);
    const [row] = await tx.query<PortfolioRow>(portfolioSql(s, pa.args), p.values);
    if (!row) throw new Error('the portfolio statement returned nothing');
    const at = (k: CalendarDate, j: CalendarDate = k) =>
      row.amounts.filter((a) => a.k === pa.index(k) && a.j === pa.index(j));
    const total = (k: CalendarDate) => at(k).reduce((sum, a) => sum + a.cents, 0);
    const inBucket = (k: CalendarDate, bucket: AgingBucket) =>
      at(k)
        .filter((a) => a.from === bucket)
        .reduce((sum, a) => sum + a.cents, 0);
    const salesBetween = (after: CalendarDate, upTo: CalendarDate) =>
      row.sales
        .filter((x) => x.bi >= pa.index(after) && x.bi < pa.index(upTo))
        .reduce((sum, x) => sum + x.cents, 0);

    const asOfTotal = total(r.asOf);
    const buckets = AGING_BUCKETS.map((bucket) => {
      const cents = inBucket(r.asOf, bucket);
      return {
        bucket,
        cents,
        count: row.counts.find((c) => c.bucket === bucket)?.count ?? 0,
        share: ratio(cents, asOfTotal),
      };
    });
    const overdueCents = asOfTotal - inBucket(r.asOf, 'current');

    const days = daysBetween(pa.start, r.to);
    const endCents = total(r.to);
    const creditSalesCents = salesBetween(pa.start, r.to);
    const beginCents = total(pa.start);
    const endCurrentCents = inBucket(r.to, 'current');
    const windows = countbackWindows(r.to, salesBetween);
    const countback = countbackDso(endCents, windows);
    if (countback === null)
      notes.push(
        'O DSO pelo método countback não pôde ser calculado: o saldo em aberto é maior que as vendas a prazo dos últimos 24 meses.',
      );
    const overdueAtStartCents = beginCents - inBucket(pa.start, 'current');

    const rollRates = pa.monthEnds.slice(0, -1).map((from, i) => {
      const to = pa.monthEnds[i + 1] as CalendarDate;
      const moved = at(from, to);
      return {
        from,
        to,
        buckets: AGING_BUCKETS.map((bucket): RollFigure => {
          const cents = inBucket(from, bucket);
          const next: Partial<Record<AgingBucket, Cents>> = {};
          for (const m of moved.filter((x) => x.from === bucket)) next[m.to] = (next[m.to] ?? 0) + m.cents;
          const rolledCents = Object.entries(next)
            .filter(([b]) => later(bucket, b as AgingBucket))
            .reduce((sum, [, c]) => sum + (c ?? 0), 0);
          return {
            bucket,
            cents,
            next,
            rolledCents,
            rollRate: bucket === '180+' ? null : ratio(rolledCents, cents),
          };
        }),
      };
    });

    // ---- promises, channels, conversion, receipts: each its own small statement
    const q = sqlParams();
    const qs = scopeSql(q, r.scope);
    const period = { from: q.add(r.from, 'date'), to: q.add(r.to, 'date') };
    const asOf = q.add(r.asOf, 'date');
    const [promises] = await tx.query<{
      due: number;
      kept: number;
      broken: number;
      pending: number;
      withdrawn: number;
      timed: number;
      days: number;
    }>(promisesSql(qs, { ...period, asOf }), q.values);

    const m = sqlParams();
    const ms = scopeSql(m, r.scope);
    const [messages] = await tx.query<{
      channels: Array<
        Omit<ChannelFigure, 'contactRate' | 'readRate' | 'responseRate'> & { withoutCost: number }
      >;
      steps: Array<Omit<ConversionFigure, 'rate'>>;
    }>(
      messagesSql(
        ms,
        lazyParams(m, {
          from: [r.from, 'date'],
          to: [r.to, 'date'],
          asOf: [r.asOf, 'date'],
          days: [r.conversionDays, 'int'],
          replyDays: [REPLY_WINDOW_DAYS, 'int'],
        }),
      ),
      m.values,
    );
    const channelRows = messages?.channels ?? [];
    const conversionRows = messages?.steps ?? [];

    const e = sqlParams();
    const es = scopeSql(e, r.scope);
    const [receipts] = await tx.query<{ tasks: number; payments: number; receivedCents: number }>(
      receiptsSql(es, { from: e.add(r.from, 'date'), to: e.add(r.to, 'date') }),
      e.values,
    );

    const agreements = withAgreements ? await agreementFigures(tx, r) : null;
    if (!withAgreements) notes.push('Acordos: as tabelas de acordos ainda não existem neste banco.');

    const channels: ChannelFigure[] = channelRows.map(({ withoutCost: _, ...ch }) => ({
      ...ch,
      contactRate: ratio(ch.delivered, ch.attempted),
      readRate: ch.channel === 'whatsapp' ? ratio(ch.read, ch.delivered) : null,
      responseRate: ['whatsapp', 'sms', 'phone'].includes(ch.channel)
        ? ratio(ch.replied, ch.delivered)
        : null,
    }));
    const messageCents = channelRows.reduce((sum, ch) => sum + ch.costCents, 0);
    const messagesWithoutCost = channelRows.reduce((sum, ch) => sum + ch.withoutCost, 0);
    if (messagesWithoutCost > 0)
      notes.push(
        `${messagesWithoutCost} mensagens enviadas não têm custo registrado e contam como custo zero.`,
      );
    const costs = options.collectorCosts ?? DEFAULT_COLLECTOR_COSTS;
    const tasks = receipts?.tasks ?? 0;
    const collector = collectorCents(tasks, costs);
    const totalCents = messageCents + collector;
    const payments = receipts?.payments ?? 0;
    const receivedCents = receipts?.receivedCents ?? 0;
    const kept = promises?.kept ?? 0;
    const broken = promises?.broken ?? 0;

    return {
      period: { from: r.from, to: r.to, asOf: r.asOf, days, complete: r.to < r.today },
      scope: r.scope,
      aging: {
        asOf: r.asOf,
        totalCents: asOfTotal,
        count: row.counts.reduce((sum, x) => sum + x.count, 0),
        overdueCents,
        defaultRate: ratio(overdueCents, asOfTotal),
        buckets,
      },
      dso: {
        receivablesCents: endCents,
        creditSalesCents,
        days,
        standard: standardDso(endCents, creditSalesCents, days),
        countback,
      },
      cei: {
        beginCents,
        creditSalesCents,
        endCents,
        endCurrentCents,
        percent: collectionEffectiveness({ beginCents, creditSalesCents, endCents, endCurrentCents }),
      },
      recovery: {
        overdueAtStartCents,
        recoveredCents: row.recovery.recovered,
        collectedCents: row.recovery.collected,
        rate: ratio(row.recovery.recovered, overdueAtStartCents),
      },
      promises: {
        due: promises?.due ?? 0,
        kept,
        broken,
        pending: promises?.pending ?? 0,
        withdrawn: promises?.withdrawn ?? 0,
        keptRate: ratio(kept, kept + broken),
        averageDaysToPayment: averageDays(promises?.days ?? 0, promises?.timed ?? 0),
      },
      channels,
      conversion: {
        windowDays: r.conversionDays,
        steps: conversionRows.map((x) => ({ ...x, rate: ratio(x.converted, x.judged) })),
      },
      rollRates,
      costPerReceipt: {
        messageCents,
        messagesWithoutCost,
        collectorTasks: tasks,
        collectorCents: collector,
        totalCents,
        payments,
        receivedCents,
        perReceiptCents: centsPer(totalCents, payments),
        costRatio: ratio(totalCents, receivedCents),
        assumptions: { ...costs },
      },
      involuntaryChurn: {
        daysPastDue: CHURN_DAYS_PAST_DUE,
        activeAtStart: row.churn.active,
        churned: row.churn.churned,
        rate: ratio(row.churn.churned, row.churn.active),
      },
      agreements,
      notes,
    };
  });
}

async function agreementFigures(_tx: SqlExecutor, _r: Resolved): Promise<AgreementFigures | null> {
  return null;
}

// ---------------------------------------------------------------- drill-down

/** A figure of the report whose debtors can be listed. */
export type KpiFigure =
  | { figure: 'aging'; bucket: AgingBucket }
  | { figure: 'recovered' }
  | { figure: 'promises'; outcome: 'kept' | 'broken' | 'pending' | 'withdrawn' }
  | { figure: 'churned' }
  | { figure: 'channel'; channel: string; stage: FunnelStage }
  | { figure: 'conversion'; versionId: number; stepKey: string; variantKey: string; converted: boolean };

export type KpiDebtor = {
  debtorId: number;
  name: string;
  /** The debtor's part of the figure in centavos (balance, recovered, promised, left unpaid); 0 for counts of messages. */
  cents: Cents;
  /** Receivables, promises, messages or contacts behind it. */
  count: number;
};

export type KpiDebtorPage = { items: KpiDebtor[]; nextCursor: string | null };

/**
 * The debtors behind one figure of `computeKpis` (same scope and filters), largest first (by amount,
 * or by count for message figures), a page at a time with a keyset cursor.
 */
export async function kpiDebtors(
  db: Database,
  scope: Scope,
  filters: KpiFilters,
  figure: KpiFigure,
  page: { cursor?: string | null; limit?: number } = {},
  options: KpiOptions = {},
): Promise<KpiDebtorPage> {
  const limit = page.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw badRequest('limit must be between 1 and 500');
  const after = page.cursor ? decodeCursor<[number, number]>(page.cursor, ['number', 'number']) : null;
  return withTenant(db, scope.orgId, async (tx) => {
    const r = await resolve(tx, scope, filters, options);
    const p = sqlParams();
    const s = scopeSql(p, r.scope);
    const agreements = (await hasAgreements(tx)) ? agreementsSql(s) : null;
    let inner: string;
    let sortBy: 'cents' | 'n' = 'cents';
    switch (figure.figure) {
      case 'aging': {
        if (!isAgingBucket(figure.bucket)) throw badRequest(`unknown bucket ${figure.bucket}`);
        const range = bucketRange(figure.bucket);
        inner = agingDebtorsSql(s, {
          next: p.add([addDays(r.asOf, 1)], 'date[]'),
          asOf: p.add(r.asOf, 'date'),
          minDays: range.min === null ? null : p.add(range.min, 'int'),
          maxDays: range.max === null ? null : p.add(range.max, 'int'),
        });
        break;
      }
      case 'recovered': {
        const start = addDays(r.from, -1);
        inner = recoveredDebtorsSql(s, {
          next: p.add([addDays(start, 1)], 'date[]'),
          start: p.add(start, 'date'),
          to: p.add(r.to, 'date'),
          cohortInstallments: agreements?.cohortInstallments ?? null,
        });
        break;
      }
      case 'promises':
        if (!['kept', 'broken', 'pending', 'withdrawn'].includes(figure.outcome))
          throw badRequest(`unknown promise outcome ${figure.outcome}`);
        inner = promiseDebtorsSql(s, {
          from: p.add(r.from, 'date'),
          to: p.add(r.to, 'date'),
          asOf: p.add(r.asOf, 'date'),
          outcome: p.add(figure.outcome, 'text'),
        });
        break;
      case 'churned': {
        const pa = portfolioArgs(p, r, agreements);
        inner = churnedDebtorsSql(s, pa.args);
        break;
      }
      case 'channel':
        if (!FUNNEL_STAGES.includes(figure.stage)) throw badRequest(`unknown stage ${figure.stage}`);
        sortBy = 'n';
        inner = channelDebtorsSql(s, {
          from: p.add(r.from, 'date'),
          to: p.add(r.to, 'date'),
          replyDays: p.add(REPLY_WINDOW_DAYS, 'int'),
          channel: p.add(figure.channel, 'text'),
          stage: figure.stage,
        });
        break;
      case 'conversion':
        sortBy = 'n';
        inner = conversionDebtorsSql(s, {
          from: p.add(r.from, 'date'),
          to: p.add(r.to, 'date'),
          asOf: p.add(r.asOf, 'date'),
          days: p.add(r.conversionDays, 'int'),
          versionId: p.add(figure.versionId, 'bigint'),
          stepKey: p.add(figure.stepKey, 'text'),
          variantKey: p.add(figure.variantKey, 'text'),
          converted: p.add(figure.converted, 'boolean'),
        });
        break;
      default:
        throw badRequest('unknown figure');
    }
    const rows = await tx.query<KpiDebtor>(
      drillPageSql(s, inner, {
        sortBy,
        afterSort: p.add(after?.[0] ?? null, 'bigint'),
        afterDebtor: p.add(after?.[1] ?? null, 'bigint'),
        limit: p.add(limit + 1, 'int'),
      }),
      p.values,
    );
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor:
        rows.length > limit && last
          ? encodeCursor([sortBy === 'cents' ? last.cents : last.count, last.debtorId])
          : null,
    };
  });
}

export { AGING_BUCKETS, FUNNEL_STAGES, OVERDUE_BUCKETS };
