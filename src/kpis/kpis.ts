/**
 * KPIs (indicadores) of a collections operation, per organization and optionally per creditor,
 * segment (debtor kind, tags) and cadence, for a period and an as-of date. Computed from stored facts
 * (balances and their recorded changes, payments, messages, replies, call tasks, promises), never
 * from counters. The SQL adds facts up (kpis.sql.ts); report.ts takes every ratio from them.
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
  type AgingBucket,
  bucketOf,
  bucketRange,
  CHURN_DAYS_PAST_DUE,
  type CollectorCosts,
  cutDates,
  DEFAULT_COLLECTOR_COSTS,
  DEFAULT_CONVERSION_DAYS,
  isAgingBucket,
  MAX_PERIOD_DAYS,
  monthEnd,
  REPLY_WINDOW_DAYS,
} from './formulas.ts';
import {
  AGREEMENT_OUTCOMES,
  type AgreementOutcome,
  type AgreementSql,
  activitySql,
  agingDebtorsSql,
  agreementDebtorsSql,
  agreementsStatsSql,
  channelDebtorsSql,
  churnedDebtorsSql,
  cohortDebtorsSql,
  conversionDebtorsSql,
  drillPageSql,
  FUNNEL_STAGES,
  type FunnelStage,
  type KpiScope,
  lazyParams,
  messagesSql,
  type PortfolioArgs,
  portfolioBalancesSql,
  portfolioChangesSql,
  promiseDebtorsSql,
  recoveredDebtorsSql,
  type ScopeSql,
  type SqlParams,
  scopeSql,
  sqlParams,
  startOfDay,
} from './kpis.sql.ts';
import {
  type ActivityFacts,
  type AgreementFacts,
  buildReport,
  type KpiReport,
  type MessageFacts,
  type PortfolioFacts,
} from './report.ts';

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

/** Memory each sort or hash of the KPI statements may use (`SET LOCAL`, for their transaction only). */
export const KPI_WORK_MEM = '64MB';
/** random_page_cost of the KPI statements (`SET LOCAL`): data on SSD or cached, as on Régua's servers. */
export const KPI_RANDOM_PAGE_COST = 1.1;
/**
 * parallel_tuple_cost of the KPI statements (`SET LOCAL`): PostgreSQL cannot foresee that a creditor's
 * receivables fall in a few hundred (due date, billing interval) groups, overrates what parallel
 * workers would hand back, and adds them up on one core.
 */
export const KPI_PARALLEL_TUPLE_COST = 0.01;

export type Resolved = {
  scope: KpiScope;
  from: CalendarDate;
  to: CalendarDate;
  asOf: CalendarDate;
  today: CalendarDate;
  conversionDays: number;
};

/** Checks the filters against what the caller may see, and fills in the defaults. */
export async function resolve(
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
export async function hasAgreements(tx: SqlExecutor): Promise<boolean> {
  const [row] = await tx.query<{ present: boolean }>(
    `select to_regclass('agreement_installments') is not null and to_regclass('agreements') is not null as present`,
  );
  return row?.present === true;
}

/**
 * The receivables of agreements, as subqueries (null until the agreements tables exist): their
 * installments, and the installments of agreements made after the start that renegotiated receivables
 * already past due at the start (what is paid on those recovers that overdue debt).
 */
export function agreementSql(s: ScopeSql, present: boolean, start: () => string): AgreementSql | null {
  if (!present) return null;
  return {
    installments: `select ai.receivable_id from agreement_installments ai where ai.org_id = ${s.org}`,
    get cohortInstallments() {
      return `select ai.receivable_id from agreement_installments ai
                join agreements ag on ag.org_id = ai.org_id and ag.id = ai.agreement_id
               where ai.org_id = ${s.org} and ag.created_at >= ${startOfDay(`${start()} + 1`, s.tz)}
                 and exists (select 1 from agreement_originals ao
                               join receivables o on o.org_id = ao.org_id and o.id = ao.receivable_id
                              where ao.org_id = ai.org_id and ao.agreement_id = ai.agreement_id and o.due_date < ${start()})`;
    },
  };
}

/** The cut dates of a report (formulas.cutDates) and the (k, j) balances the portfolio adds up. */
type CutPlan = ReturnType<typeof cutPlan>;
function cutPlan(r: Resolved) {
  const { cuts, start, monthEnds } = cutDates({ from: r.from, to: r.to, asOf: r.asOf });
  const index = (date: CalendarDate) => cuts.indexOf(date) + 1;
  const pairs = new Map<string, [number, number]>();
  for (const date of new Set([start, ...monthEnds, r.to, r.asOf]))
    pairs.set(`${index(date)}:${index(date)}`, [index(date), index(date)]);
  for (let i = 0; i + 1 < monthEnds.length; i++) {
    const [k, j] = [index(monthEnds[i] as string), index(monthEnds[i + 1] as string)];
    pairs.set(`${k}:${j}`, [k, j]);
  }
  return { cuts, start, monthEnds, index, pairs: [...pairs.values()] };
}

/** The portfolio statements' parameters, each added only if the statement uses it. */
function portfolioArgs(
  p: SqlParams,
  s: ScopeSql,
  r: Resolved,
  withAgreements: boolean,
  plan: CutPlan = cutPlan(r),
): PortfolioArgs {
  const { cuts, start, index } = plan;
  const params = lazyParams(p, {
    next: [cuts.map((c) => addDays(c, 1)), 'date[]'],
    sinceCut: [start < r.asOf ? start : r.asOf, 'date'],
    asOfIndex: [index(r.asOf), 'int'],
    startIndex: [index(start), 'int'],
    endIndex: [index(r.to), 'int'],
    start: [start, 'date'],
    from: [r.from, 'date'],
    to: [r.to, 'date'],
    churnDays: [CHURN_DAYS_PAST_DUE, 'int'],
    activeDays: [ACTIVE_CUSTOMER_DAYS, 'int'],
  });
  return Object.assign(params, { agreements: agreementSql(s, withAgreements, () => params.start) });
}

/** What the balances statement returns: the scope's receivables by (due date, billing interval). */
type BalanceGroups = {
  groups: Array<{ due: CalendarDate; bi: number; open: Cents; sales: Cents; n: number }>;
};

/** What the changes statement returns. */
type ChangeFacts = {
  moves: Array<{ due: CalendarDate; bi: number; oi: number; delta: Cents }>;
  corrections: Array<{ due: CalendarDate; bi: number; n: number }>;
  recovery: PortfolioFacts['recovery'];
  churn: PortfolioFacts['churn'];
};

/**
 * The portfolio's facts from the two statements' groups (a few thousand rows at most: due dates by
 * billing interval). The balance at cut j of the receivables that existed at cut k (billed before it:
 * `bi < k`) is today's balance of those groups minus their changes after cut j (`oi >= j`), by bucket
 * at k and at j of each group's due date; counts at the as-of date are today's, corrected by the
 * receivables whose balance changed since; sales add up by billing interval.
 */
function addUpPortfolio(
  plan: CutPlan,
  asOf: CalendarDate,
  balances: BalanceGroups,
  changes: ChangeFacts,
): PortfolioFacts {
  const { cuts, pairs, index } = plan;
  const cut = (i: number) => cuts[i - 1] as CalendarDate;
  const amounts = new Map<string, PortfolioFacts['amounts'][number]>();
  const add = (k: number, j: number, due: CalendarDate, cents: Cents) => {
    const from = bucketOf(daysBetween(due, cut(k)));
    const to = bucketOf(daysBetween(due, cut(j)));
    const key = `${k}:${j}:${from}:${to}`;
    const row = amounts.get(key);
    if (row) row.cents += cents;
    else amounts.set(key, { k, j, from, to, cents });
  };
  for (const [k, j] of pairs) {
    for (const g of balances.groups) if (g.bi < k) add(k, j, g.due, g.open);
    for (const m of changes.moves) if (m.bi < k && m.oi >= j) add(k, j, m.due, -m.delta);
  }
  const corrections = new Map(changes.corrections.map((c) => [`${c.due}:${c.bi}`, c.n]));
  const asOfIndex = index(asOf);
  const counts = new Map<AgingBucket, number>();
  const sales = new Map<number, Cents>();
  for (const g of balances.groups) {
    sales.set(g.bi, (sales.get(g.bi) ?? 0) + g.sales);
    if (g.bi >= asOfIndex) continue;
    const bucket = bucketOf(daysBetween(g.due, asOf));
    counts.set(bucket, (counts.get(bucket) ?? 0) + g.n + (corrections.get(`${g.due}:${g.bi}`) ?? 0));
  }
  return {
    amounts: [...amounts.values()].filter((a) => a.cents !== 0),
    sales: [...sales].filter(([, cents]) => cents !== 0).map(([bi, cents]) => ({ bi, cents })),
    counts: [...counts].filter(([, count]) => count > 0).map(([bucket, count]) => ({ bucket, count })),
    recovery: changes.recovery,
    churn: changes.churn,
  };
}

/**
 * `SET LOCAL` for a KPI transaction: room for the hash tables of a large creditor's aggregates, page
 * costs for data that is mostly cached (the statements read a period's events through indexes on
 * their dates; with the default costs PostgreSQL reads whole tables instead), and parallel workers
 * for the passes over the receivables, unless the statement runs beside others (`parallel: false`:
 * the dashboard's five statements already keep the cores busy, and workers only add their own cost).
 */
export async function tunedForKpis(tx: SqlExecutor, options: { parallel?: boolean } = {}): Promise<void> {
  await tx.query(
    `select set_config('work_mem', $1, true), set_config('random_page_cost', $2, true),
            set_config('parallel_tuple_cost', $3, true)${options.parallel === false ? ", set_config('max_parallel_workers_per_gather', '0', true)" : ''}`,
    [KPI_WORK_MEM, String(KPI_RANDOM_PAGE_COST), String(KPI_PARALLEL_TUPLE_COST)],
  );
}

/**
 * Runs one statement of a report as tenant work, in a transaction of its own tuned for the KPIs. A
 * report's statements run side by side: on PostgreSQL each on a connection of its own, on PGlite one
 * after the other. Each reads its own snapshot, so a payment committed in the same milliseconds may
 * count in one figure and not yet in another.
 */
export async function readOne<Row>(
  db: Database,
  r: Resolved,
  build: (p: SqlParams, s: ScopeSql) => string,
  options: { parallel?: boolean } = {},
): Promise<Row> {
  const p = sqlParams();
  const text = build(p, scopeSql(p, r.scope));
  const [row] = await withTenant(db, r.scope.orgId, async (tx) => {
    await tunedForKpis(tx, options);
    return tx.query<Row>(text, p.values);
  });
  if (!row) throw new Error('a KPI statement returned no row');
  return row;
}

/**
 * Every KPI of the dashboard for one scope and period: five set-based statements (the portfolio's
 * balances and its changes, the activity, the messages, the agreements) read side by side, and the
 * report built from what they add up (report.ts).
 */
export async function computeKpis(
  db: Database,
  scope: Scope,
  filters: KpiFilters,
  options: KpiOptions = {},
): Promise<KpiReport> {
  const { r, withAgreements } = await withTenant(db, scope.orgId, async (tx) => ({
    r: await resolve(tx, scope, filters, options),
    withAgreements: await hasAgreements(tx),
  }));
  // Five statements side by side, each on one core: parallel workers would only add their own cost.
  const side = { parallel: false };
  const plan = cutPlan(r);
  const [balances, changes, activity, messages, agreements] = await Promise.all([
    readOne<BalanceGroups>(
      db,
      r,
      (p, s) => portfolioBalancesSql(s, portfolioArgs(p, s, r, withAgreements, plan)),
      side,
    ),
    readOne<ChangeFacts>(
      db,
      r,
      (p, s) => portfolioChangesSql(s, portfolioArgs(p, s, r, withAgreements, plan)),
      side,
    ),
    readOne<ActivityFacts>(
      db,
      r,
      (p, s) =>
        activitySql(s, lazyParams(p, { from: [r.from, 'date'], to: [r.to, 'date'], asOf: [r.asOf, 'date'] })),
      side,
    ),
    readOne<MessageFacts>(
      db,
      r,
      (p, s) =>
        messagesSql(
          s,
          lazyParams(p, {
            from: [r.from, 'date'],
            to: [r.to, 'date'],
            asOf: [r.asOf, 'date'],
            days: [r.conversionDays, 'int'],
            replyDays: [REPLY_WINDOW_DAYS, 'int'],
          }),
        ),
      side,
    ),
    withAgreements ? agreementFacts(db, r, side) : Promise.resolve(null),
  ]);
  const { cuts, start, monthEnds } = plan;
  const portfolio = addUpPortfolio(plan, r.asOf, balances, changes);
  return buildReport({
    scope: r.scope,
    period: { from: r.from, to: r.to, asOf: r.asOf, today: r.today },
    conversionDays: r.conversionDays,
    collectorCosts: options.collectorCosts ?? DEFAULT_COLLECTOR_COSTS,
    cuts,
    start,
    monthEnds,
    portfolio,
    activity,
    messages,
    agreements,
  });
}

/** Agreements (acordos) made in the period and how they ended (a statement of its own). */
function agreementFacts(
  db: Database,
  r: Resolved,
  options: { parallel?: boolean } = {},
): Promise<AgreementFacts> {
  return readOne<AgreementFacts>(
    db,
    r,
    (p, s) =>
      agreementsStatsSql(
        s,
        lazyParams(p, { from: [r.from, 'date'], to: [r.to, 'date'], asOf: [r.asOf, 'date'] }),
      ),
    options,
  );
}

// ---------------------------------------------------------------- drill-down

export type KpiFigure =
  | { figure: 'aging'; bucket: AgingBucket }
  | { figure: 'recovered' }
  | { figure: 'promises'; outcome: 'kept' | 'broken' | 'pending' | 'withdrawn' }
  | { figure: 'churned' }
  | { figure: 'channel'; channel: string; stage: FunnelStage }
  | { figure: 'conversion'; versionId: number; stepKey: string; variantKey: string; converted: boolean }
  | { figure: 'agreements'; outcome: AgreementOutcome }
  | { figure: 'cohort'; month: string };

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
    await tunedForKpis(tx);
    const withAgreements = await hasAgreements(tx);
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
        const start = p.add(addDays(r.from, -1), 'date');
        inner = recoveredDebtorsSql(s, {
          next: p.add([r.from], 'date[]'),
          start,
          to: p.add(r.to, 'date'),
          agreements: agreementSql(s, withAgreements, () => start),
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
        inner = churnedDebtorsSql(s, portfolioArgs(p, s, r, withAgreements));
        break;
      }
      case 'channel':
        if (!FUNNEL_STAGES.includes(figure.stage)) throw badRequest(`unknown stage ${figure.stage}`);
        sortBy = 'n';
        inner = channelDebtorsSql(
          s,
          Object.assign(
            lazyParams(p, {
              from: [r.from, 'date'],
              to: [r.to, 'date'],
              replyDays: [REPLY_WINDOW_DAYS, 'int'],
              channel: [figure.channel, 'text'],
            }),
            { stage: figure.stage },
          ),
        );
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
      case 'agreements':
        if (!withAgreements) throw badRequest('there are no agreements in this database yet');
        if (!AGREEMENT_OUTCOMES.includes(figure.outcome))
          throw badRequest(`unknown outcome ${figure.outcome}`);
        inner = agreementDebtorsSql(s, {
          from: p.add(r.from, 'date'),
          to: p.add(r.to, 'date'),
          outcome: figure.outcome,
        });
        break;
      case 'cohort': {
        if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(figure.month)) throw badRequest('month must be YYYY-MM');
        const first = `${figure.month}-01`;
        inner = cohortDebtorsSql(s, {
          next: p.add([addDays(r.today, 1)], 'date[]'),
          first: p.add(first, 'date'),
          last: p.add(monthEnd(first), 'date'),
        });
        break;
      }
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

export { AGING_BUCKETS, OVERDUE_BUCKETS } from './formulas.ts';
export type { KpiReport } from './report.ts';
export { FUNNEL_STAGES };
