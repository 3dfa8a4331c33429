/**
 * The KPIs over time: the recovery curve (cohorts of receivables by the month they fell due, the share
 * of what they owed recovered by days since the due date) and the DSO trend (standard and countback,
 * month by month). Each is one set-based statement, read through the same scope and filters as the
 * dashboard (kpis.ts), and served on its own so the dashboard does not wait for it. docs/KPIS.md gives
 * the formulas and the worked examples kpis.db.test.ts checks.
 */
import type { Scope } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import {
  addDays,
  addMonths,
  type CalendarDate,
  daysBetween,
  isCalendarDate,
  todayIn,
} from '../shared/dates.ts';
import type { Cents } from '../shared/money.ts';
import { badRequest } from '../shared/problem.ts';
import {
  COUNTBACK_MONTHS,
  CURVE_DAYS,
  type CurvePoint,
  countbackDso,
  countbackWindows,
  curveCohorts,
  curvePoints,
  DEFAULT_CURVE_MONTHS,
  DEFAULT_TREND_MONTHS,
  MAX_CURVE_MONTHS,
  MAX_TREND_MONTHS,
  standardDso,
  trendMonths,
} from './formulas.ts';
import { dsoTrendSql, lazyParams, recoveryCurveSql } from './kpis.sql.ts';
import { agreementSql, hasAgreements, type KpiFilters, type KpiOptions, readOne, resolve } from './kpis.ts';

/** The filters of the dashboard but the period: `to` is the date the charts are seen from. */
export type TrendFilters = Omit<KpiFilters, 'from' | 'to' | 'asOf' | 'conversionDays'> & {
  /** The last day seen (default today; a later date is taken as today). */
  to?: CalendarDate | null;
  /** How many months (cohorts for the curve, points for the trend). */
  months?: number | null;
};

function seenFrom(scope: Scope, filters: TrendFilters, options: KpiOptions) {
  const today = todayIn(scope.timeZone, options.now);
  const to = filters.to ?? today;
  if (!isCalendarDate(to)) throw badRequest('to must be a date (YYYY-MM-DD)');
  return to < today ? to : today;
}

function monthsOf(filters: TrendFilters, fallback: number, max: number): number {
  const months = filters.months ?? fallback;
  if (!Number.isInteger(months) || months < 1 || months > max)
    throw badRequest(`months must be a whole number between 1 and ${max}`);
  return months;
}

// ---------------------------------------------------------------- recovery curve

export type CurveCohort = {
  /** 'YYYY-MM': the receivables that fell due in this month. */
  month: string;
  /** What they owed at the end of their due dates (only those left unpaid then). */
  overdueCents: Cents;
  receivables: number;
  /** Days since the due date the cohort has been followed (up to 180; as of `asOf`). */
  observedDays: number;
  /** Day 0..observedDays: cumulative recovered centavos and share; empty when the cohort owed nothing. */
  points: CurvePoint[];
};

export type RecoveryCurve = { asOf: CalendarDate; maxDays: number; cohorts: CurveCohort[] };

export async function recoveryCurve(
  db: Database,
  scope: Scope,
  filters: TrendFilters,
  options: KpiOptions = {},
): Promise<RecoveryCurve> {
  const asOf = seenFrom(scope, filters, options);
  const cohorts = curveCohorts(asOf, monthsOf(filters, DEFAULT_CURVE_MONTHS, MAX_CURVE_MONTHS));
  const first = cohorts[0]?.first ?? asOf;
  const last = cohorts.at(-1)?.last ?? asOf;
  const r = await withTenant(db, scope.orgId, (tx) =>
    resolve(tx, scope, { ...filters, from: first, to: asOf, asOf }, options),
  );
  const facts = await readOne<{
    cohorts: { month: string; cents: Cents; count: number }[];
    recovered: { month: string; day: number; cents: Cents }[];
  }>(db, r, (p, s) =>
    recoveryCurveSql(
      s,
      lazyParams(p, {
        next: [[addDays(asOf, 1)], 'date[]'],
        first: [first, 'date'],
        last: [last, 'date'],
        asOf: [asOf, 'date'],
        maxDays: [CURVE_DAYS, 'int'],
      }),
    ),
  );
  return {
    asOf,
    maxDays: CURVE_DAYS,
    cohorts: cohorts.map((c) => {
      const owed = facts.cohorts.find((x) => x.month === c.month);
      const overdueCents = Number(owed?.cents ?? 0);
      return {
        month: c.month,
        overdueCents,
        receivables: owed?.count ?? 0,
        observedDays: c.observedDays,
        points: curvePoints(
          overdueCents,
          facts.recovered
            .filter((x) => x.month === c.month)
            .map((x) => ({ day: x.day, cents: Number(x.cents) })),
          c.observedDays,
        ),
      };
    }),
  };
}

// ---------------------------------------------------------------- DSO trend

export type DsoMonth = {
  month: string;
  from: CalendarDate;
  to: CalendarDate;
  /** False for the month still running (its figures run to `to`). */
  complete: boolean;
  receivablesCents: Cents;
  creditSalesCents: Cents;
  /** Null when the month had no credit sales ("sem dados"). */
  standard: number | null;
  /** Null when 24 months of sales do not cover the balance. */
  countback: number | null;
};

export type DsoTrend = { to: CalendarDate; months: DsoMonth[] };

export async function dsoTrend(
  db: Database,
  scope: Scope,
  filters: TrendFilters,
  options: KpiOptions = {},
): Promise<DsoTrend> {
  const to = seenFrom(scope, filters, options);
  const months = trendMonths(to, monthsOf(filters, DEFAULT_TREND_MONTHS, MAX_TREND_MONTHS));
  const firstMonth = months[0];
  if (!firstMonth) throw badRequest('no months asked for');
  const { r, withAgreements } = await withTenant(db, scope.orgId, async (tx) => ({
    r: await resolve(tx, scope, { ...filters, from: firstMonth.from, to, asOf: to }, options),
    withAgreements: await hasAgreements(tx),
  }));
  // Every date a balance or a boundary of sales is needed at: each month's end and the one before it,
  // and the countback windows of each month end.
  const boundaries = new Set<CalendarDate>([firstMonth.before]);
  for (const m of months) {
    boundaries.add(m.to);
    for (let k = 1; k <= COUNTBACK_MONTHS; k++) boundaries.add(addMonths(m.to, -k));
  }
  const cuts = [...boundaries].sort();
  const index = (date: CalendarDate) => cuts.indexOf(date) + 1;
  const facts = await readOne<{
    balances: { j: number; cents: Cents }[];
    sales: { bi: number; cents: Cents }[];
  }>(db, r, (p, s) => {
    const params = lazyParams(p, {
      next: [cuts.map((c) => addDays(c, 1)), 'date[]'],
      sinceCut: [firstMonth.to, 'date'],
      points: [months.map((m) => index(m.to)), 'int[]'],
    });
    return dsoTrendSql(
      s,
      Object.assign(params, { agreements: agreementSql(s, withAgreements, () => params.sinceCut) }),
    );
  });
  const salesBetween = (after: CalendarDate, upTo: CalendarDate) =>
    facts.sales
      .filter((x) => x.bi >= index(after) && x.bi < index(upTo))
      .reduce((sum, x) => sum + Number(x.cents), 0);
  return {
    to,
    months: months.map((m) => {
      const receivablesCents = Number(facts.balances.find((b) => b.j === index(m.to))?.cents ?? 0);
      const creditSalesCents = salesBetween(m.before, m.to);
      return {
        month: m.month,
        from: m.from,
        to: m.to,
        complete: m.to === addDays(addMonths(m.from, 1), -1),
        receivablesCents,
        creditSalesCents,
        standard: standardDso(receivablesCents, creditSalesCents, daysBetween(m.before, m.to)),
        countback: countbackDso(receivablesCents, countbackWindows(m.to, salesBetween)),
      };
    }),
  };
}
