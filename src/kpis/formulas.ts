/**
 * The pure side of the KPIs: aging buckets, the cut dates a report needs, and every ratio, each
 * computed with big.js from integer facts (centavos, counts, days) and rounded once, here. The SQL in
 * kpis.sql.ts only adds facts up; docs/KPIS.md gives each formula with a worked example.
 */
import Big from 'big.js';
import { addDays, addMonths, type CalendarDate, daysBetween } from '../shared/dates.ts';
import type { Cents } from '../shared/money.ts';

// ---------------------------------------------------------------- buckets

/** Aging buckets by days past due; `current` is not yet due (or due today). */
export const AGING_BUCKETS = ['current', '0-30', '31-60', '61-90', '91-180', '180+'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];
export const OVERDUE_BUCKETS = AGING_BUCKETS.slice(1) as Exclude<AgingBucket, 'current'>[];

/** The upper bound (days past due, inclusive) of each bucket; `180+` has none. */
const BUCKET_MAX_DAYS: Record<AgingBucket, number | null> = {
  current: 0,
  '0-30': 30,
  '31-60': 60,
  '61-90': 90,
  '91-180': 180,
  '180+': null,
};

export function bucketOf(daysPastDue: number): AgingBucket {
  for (const bucket of AGING_BUCKETS) {
    const max = BUCKET_MAX_DAYS[bucket];
    if (max === null || daysPastDue <= max) return bucket;
  }
  return '180+';
}

/** The days-past-due range of a bucket, both ends inclusive (null: unbounded). */
export function bucketRange(bucket: AgingBucket): { min: number | null; max: number | null } {
  const index = AGING_BUCKETS.indexOf(bucket);
  const previous = index > 0 ? AGING_BUCKETS[index - 1] : undefined;
  const previousMax = previous ? BUCKET_MAX_DAYS[previous] : null;
  return { min: previousMax === null ? null : previousMax + 1, max: BUCKET_MAX_DAYS[bucket] };
}

/** The same bucketing as `bucketOf`, as a SQL expression of a days-past-due expression. */
export function bucketSql(days: string): string {
  const arms = AGING_BUCKETS.flatMap((bucket) => {
    const max = BUCKET_MAX_DAYS[bucket];
    return max === null ? [] : [`when ${days} <= ${max} then '${bucket}'`];
  });
  return `(case ${arms.join(' ')} else '180+' end)`;
}

export function isAgingBucket(value: string): value is AgingBucket {
  return (AGING_BUCKETS as readonly string[]).includes(value);
}

// ---------------------------------------------------------------- rounding

/**
 * A ratio rounded half-up to 4 decimal places (0.1235 = 12.35%), or null when its denominator is
 * zero: a figure with nothing to measure is unknown, not 0.
 */
export type Ratio = number | null;

export const RATIO_DECIMALS = 4;
export const DAYS_DECIMALS = 1;
export const PERCENT_DECIMALS = 2;

const toBig = (value: number | Big) => (value instanceof Big ? value : new Big(value));

/** numerator / denominator, rounded half-up to `decimals`; null when the denominator is zero. */
export function ratio(numerator: number | Big, denominator: number | Big, decimals = RATIO_DECIMALS): Ratio {
  const d = toBig(denominator);
  if (d.eq(0)) return null;
  return Number(toBig(numerator).div(d).round(decimals, Big.roundHalfUp).toFixed(decimals));
}

/** Centavos divided by a count, rounded half-up to whole centavos; null when the count is zero. */
export function centsPer(cents: Cents, count: number): Cents | null {
  if (count === 0) return null;
  return new Big(cents).div(count).round(0, Big.roundHalfUp).toNumber();
}

// ---------------------------------------------------------------- the cut dates of a report

export type Period = { from: CalendarDate; to: CalendarDate; asOf: CalendarDate };

/** How many months of credit sales countback DSO may walk back through. */
export const COUNTBACK_MONTHS = 24;
/** The longest period a report covers (month-end snapshots for roll rates grow with it). */
export const MAX_PERIOD_DAYS = 5 * 366;

/**
 * Every date at whose end a report needs a balance or a boundary, ascending and unique: the day before
 * the period (the opening), the month ends inside it (roll rates), its last day, the as-of date and the
 * countback windows' boundaries.
 */
export function cutDates(period: Period): {
  cuts: CalendarDate[];
  start: CalendarDate;
  monthEnds: CalendarDate[];
  countbackBoundaries: CalendarDate[];
} {
  const start = addDays(period.from, -1);
  const monthEnds: CalendarDate[] = [];
  for (let month = `${start.slice(0, 7)}-01`; month <= period.to; month = addMonths(month, 1)) {
    const end = addDays(addMonths(month, 1), -1);
    if (end >= start && end <= period.to) monthEnds.push(end);
  }
  const countbackBoundaries = Array.from({ length: COUNTBACK_MONTHS + 1 }, (_, k) =>
    addMonths(period.to, -k),
  );
  const cuts = [...new Set([start, ...monthEnds, period.to, period.asOf, ...countbackBoundaries])].sort();
  return { cuts, start, monthEnds, countbackBoundaries };
}

// ---------------------------------------------------------------- DSO and CEI

/** Standard DSO: receivables outstanding at the end / credit sales of the period × days of the period. */
export function standardDso(receivablesCents: Cents, creditSalesCents: Cents, days: number): number | null {
  if (creditSalesCents === 0) return null;
  return Number(
    new Big(receivablesCents)
      .div(creditSalesCents)
      .times(days)
      .round(DAYS_DECIMALS, Big.roundHalfUp)
      .toFixed(DAYS_DECIMALS),
  );
}

/** One month-long window of credit sales, newest first, for countback DSO. */
export type SalesWindow = { days: number; salesCents: Cents };

/**
 * Countback DSO: walks back from the end of the period through whole months of credit sales, taking
 * each month's sales off the receivables outstanding; a month whose sales exceed what is left counts
 * for the fraction of its days that covers it. Null when the receivables outstanding are more than
 * every window of sales given (the history is too short to count them back).
 */
export function countbackDso(receivablesCents: Cents, windows: SalesWindow[]): number | null {
  if (receivablesCents === 0) return 0;
  let left = new Big(receivablesCents);
  let days = new Big(0);
  for (const w of windows) {
    if (left.lte(w.salesCents)) {
      days = days.plus(left.div(w.salesCents).times(w.days));
      return Number(days.round(DAYS_DECIMALS, Big.roundHalfUp).toFixed(DAYS_DECIMALS));
    }
    left = left.minus(w.salesCents);
    days = days.plus(w.days);
  }
  return null;
}

/** The countback windows of a period: (to − k months, to − (k−1) months], newest first. */
export function countbackWindows(
  to: CalendarDate,
  salesBetween: (after: CalendarDate, upTo: CalendarDate) => Cents,
): SalesWindow[] {
  return Array.from({ length: COUNTBACK_MONTHS }, (_, i) => {
    const upTo = addMonths(to, -i);
    const after = addMonths(to, -(i + 1));
    return { days: daysBetween(after, upTo), salesCents: salesBetween(after, upTo) };
  });
}

/**
 * Collection effectiveness index, in percent: what was collected of what could have been collected.
 * (begin + credit sales − end) / (begin + credit sales − end current) × 100.
 */
export function collectionEffectiveness(input: {
  beginCents: Cents;
  creditSalesCents: Cents;
  endCents: Cents;
  endCurrentCents: Cents;
}): number | null {
  const available = input.beginCents + input.creditSalesCents;
  const denominator = available - input.endCurrentCents;
  if (denominator === 0) return null;
  return Number(
    new Big(available - input.endCents)
      .div(denominator)
      .times(100)
      .round(PERCENT_DECIMALS, Big.roundHalfUp)
      .toFixed(PERCENT_DECIMALS),
  );
}

// ---------------------------------------------------------------- averages

/** The mean of whole-day counts, rounded half-up to one decimal; null for none. */
export function averageDays(totalDays: number, count: number): number | null {
  if (count === 0) return null;
  return Number(new Big(totalDays).div(count).round(DAYS_DECIMALS, Big.roundHalfUp).toFixed(DAYS_DECIMALS));
}

// ---------------------------------------------------------------- costs

/**
 * What a collector's time costs, for cost per receipt. Régua records when a call task was done, not
 * how long the call took, so each task done counts a fixed handling time. Both figures are
 * assumptions a caller may override (computeKpis options); they are shown with the result.
 */
export const DEFAULT_COLLECTOR_COSTS = {
  /** Minutes of a collector's time per call task done (dialling, talking, recording the outcome). */
  minutesPerTask: 6,
  /** A collector's loaded cost per hour, in centavos (R$ 30,00). */
  centsPerHour: 3_000,
} as const;
export type CollectorCosts = { minutesPerTask: number; centsPerHour: Cents };

/** Collector cost of `tasks` tasks, rounded half-up to whole centavos. */
export function collectorCents(tasks: number, costs: CollectorCosts): Cents {
  return new Big(tasks)
    .times(costs.minutesPerTask)
    .times(costs.centsPerHour)
    .div(60)
    .round(0, Big.roundHalfUp)
    .toNumber();
}

// ---------------------------------------------------------------- definitions with a parameter

/**
 * Involuntary churn (churn involuntário): a customer lost to non-payment rather than by choice. The
 * seeds list the indicator without defining it; Régua counts a debtor as churned involuntarily on the
 * day one of its receivables, still unpaid, passes this many days past due (it enters `91-180`).
 */
export const CHURN_DAYS_PAST_DUE = 90;
/**
 * A debtor is an active customer at the start of a period when it was billed in this many days up to
 * it: one monthly billing cycle, as the recurring-revenue clients the seeds name (SaaS, subscriptions,
 * education) bill.
 */
export const ACTIVE_CUSTOMER_DAYS = 31;
/** A reply counts for a message when it arrives within this many days of it. */
export const REPLY_WINDOW_DAYS = 7;
/** Conversion: a contact converts when the debtor pays within this many days of it (default). */
export const DEFAULT_CONVERSION_DAYS = 7;

// ---------------------------------------------------------------- recovery curve

/** The recovery curve follows each cohort for this many days after the due date. */
export const CURVE_DAYS = 180;
/** Cohorts a recovery curve shows by default, and at most. */
export const DEFAULT_CURVE_MONTHS = 6;
export const MAX_CURVE_MONTHS = 24;

/** 'YYYY-MM' of a calendar date. */
export const monthOf = (date: CalendarDate) => date.slice(0, 7);
/** The last day of the month of a date. */
export const monthEnd = (date: CalendarDate) => addDays(addMonths(`${monthOf(date)}-01`, 1), -1);

/**
 * The cohorts of a recovery curve as of a date: the `months` whole months of due dates ending with the
 * last month that has ended by `asOf` (a month still running has no cohort yet), oldest first, each
 * with the days it has been followed: from its last day to `asOf`, at most CURVE_DAYS.
 */
export function curveCohorts(
  asOf: CalendarDate,
  months: number,
): { month: string; first: CalendarDate; last: CalendarDate; observedDays: number }[] {
  const lastEnded = monthEnd(asOf) === asOf ? asOf : addDays(`${monthOf(asOf)}-01`, -1);
  return Array.from({ length: months }, (_, i) => {
    const first = addMonths(`${monthOf(lastEnded)}-01`, -(months - 1 - i));
    const last = monthEnd(first);
    return {
      month: monthOf(first),
      first,
      last,
      observedDays: Math.min(CURVE_DAYS, daysBetween(last, asOf)),
    };
  });
}

export type CurvePoint = { day: number; recoveredCents: Cents; share: Ratio };

/**
 * One cohort's curve: for each day 0..observedDays since the due date, the money recovered on its
 * receivables up to that many days after their due dates, over what they owed at the end of their due
 * dates. Empty when the cohort owed nothing (no receivable was left unpaid on its due date).
 */
export function curvePoints(
  overdueCents: Cents,
  recoveredByDay: ReadonlyArray<{ day: number; cents: Cents }>,
  observedDays: number,
): CurvePoint[] {
  if (overdueCents === 0 || observedDays < 0) return [];
  const byDay = new Map<number, Cents>();
  for (const r of recoveredByDay) byDay.set(r.day, (byDay.get(r.day) ?? 0) + r.cents);
  const points: CurvePoint[] = [];
  let recovered = 0;
  for (let day = 0; day <= observedDays; day++) {
    recovered += byDay.get(day) ?? 0;
    points.push({ day, recoveredCents: recovered, share: ratio(recovered, overdueCents) });
  }
  return points;
}

// ---------------------------------------------------------------- DSO trend

/** Months a DSO trend shows by default, and at most. */
export const DEFAULT_TREND_MONTHS = 12;
export const MAX_TREND_MONTHS = 36;

/**
 * The months of a DSO trend ending with the month of `to` (whose end is `to` itself when the month has
 * not ended), oldest first: each from its first day to its end, with the day before it (the end of the
 * month before).
 */
export function trendMonths(
  to: CalendarDate,
  months: number,
): { month: string; from: CalendarDate; to: CalendarDate; before: CalendarDate }[] {
  return Array.from({ length: months }, (_, i) => {
    const from = addMonths(`${monthOf(to)}-01`, -(months - 1 - i));
    return {
      month: monthOf(from),
      from,
      to: i === months - 1 ? to : monthEnd(from),
      before: addDays(from, -1),
    };
  });
}
