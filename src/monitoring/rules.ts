/**
 * The alert rules, as pure functions of counts: each says whether a creditor's week crosses its
 * threshold, with the value and the threshold it was measured against. alerts.ts gathers the counts
 * from stored facts and raises the alerts; docs/MONITORING.md gives the rules with examples.
 */
import Big from 'big.js';
import { addDays, type CalendarDate, daysBetween } from '../shared/dates.ts';

export const ALERT_RULES = ['broken_agreements_spike', 'email_bounce_rate', 'sla_breach_rate'] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

/** An organization's thresholds (alert_settings), each rule's knobs. */
export type AlertThresholds = {
  /** Broken agreements: this week's count must exceed the trailing weeks' mean + k × standard deviation... */
  brokenSpikeK: number;
  /** ...and be at least this many. */
  brokenSpikeMinCount: number;
  /** E-mail bounces: bounced / sent this week above this share... */
  bounceRate: number;
  /** ...of at least this many e-mails sent. */
  bounceMinSent: number;
  /** SLA breaches: breached / judged in the previous week above this share... */
  slaBreachRate: number;
  /** ...of at least this many judged. */
  slaMinJudged: number;
};

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = {
  brokenSpikeK: 2,
  brokenSpikeMinCount: 3,
  bounceRate: 0.05,
  bounceMinSent: 20,
  slaBreachRate: 0.2,
  slaMinJudged: 5,
};

/** The limits a threshold may take (the settings form and the API check them). */
export const THRESHOLD_LIMITS: Record<keyof AlertThresholds, { min: number; max: number; integer: boolean }> =
  {
    brokenSpikeK: { min: 0, max: 10, integer: false },
    brokenSpikeMinCount: { min: 1, max: 10_000, integer: true },
    bounceRate: { min: 0, max: 1, integer: false },
    bounceMinSent: { min: 1, max: 1_000_000, integer: true },
    slaBreachRate: { min: 0, max: 1, integer: false },
    slaMinJudged: { min: 1, max: 1_000_000, integer: true },
  };

/** How many weeks before this one the broken-agreements rule compares with. */
export const TRAILING_WEEKS = 8;

export type Verdict = { raise: boolean; value: number; threshold: number };

const round = (value: Big, places: number) => Number(value.round(places, Big.roundHalfUp).toFixed(places));

/**
 * A spike in broken agreements: this week's count above the trailing weeks' mean plus k standard
 * deviations (population), and at least the minimum count. The threshold is rounded to 2 places.
 */
export function brokenAgreementsSpike(thisWeek: number, trailing: number[], t: AlertThresholds): Verdict {
  const n = trailing.length;
  const mean = n === 0 ? new Big(0) : trailing.reduce((sum, x) => sum.plus(x), new Big(0)).div(n);
  const variance =
    n === 0
      ? new Big(0)
      : trailing.reduce((sum, x) => sum.plus(new Big(x).minus(mean).pow(2)), new Big(0)).div(n);
  const threshold = mean.plus(variance.sqrt().times(t.brokenSpikeK));
  return {
    raise: thisWeek >= t.brokenSpikeMinCount && threshold.lt(thisWeek),
    value: thisWeek,
    threshold: round(threshold, 2),
  };
}

/** A share of `of` above `limit` once `of` reaches `min`; the value rounded to 4 places. */
function shareAbove(part: number, of: number, limit: number, min: number): Verdict {
  const value = of === 0 ? 0 : round(new Big(part).div(of), 4);
  return { raise: of >= min && of > 0 && new Big(part).div(of).gt(limit), value, threshold: limit };
}

export const emailBounceRate = (sent: number, bounced: number, t: AlertThresholds): Verdict =>
  shareAbove(bounced, sent, t.bounceRate, t.bounceMinSent);

export const slaBreachRate = (judged: number, breached: number, t: AlertThresholds): Verdict =>
  shareAbove(breached, judged, t.slaBreachRate, t.slaMinJudged);

/** The Monday that starts the week of a date (weeks run Monday to Sunday). */
export function weekStart(date: CalendarDate): CalendarDate {
  // 1970-01-05 was a Monday.
  const offset = ((daysBetween('1970-01-05', date) % 7) + 7) % 7;
  return addDays(date, -offset);
}

/** Checks thresholds from input against their limits, filling the rest from `base`. */
export function checkThresholds(
  input: Partial<Record<string, unknown>>,
  base: AlertThresholds = DEFAULT_ALERT_THRESHOLDS,
): { ok: true; thresholds: AlertThresholds } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const thresholds = { ...base };
  for (const key of Object.keys(THRESHOLD_LIMITS) as (keyof AlertThresholds)[]) {
    const value = input[key];
    if (value === undefined) continue;
    const limit = THRESHOLD_LIMITS[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < limit.min || value > limit.max)
      problems.push(`${key} must be a number between ${limit.min} and ${limit.max}`);
    else if (limit.integer && !Number.isInteger(value)) problems.push(`${key} must be a whole number`);
    else thresholds[key] = value;
  }
  for (const key of Object.keys(input))
    if (!(key in THRESHOLD_LIMITS)) problems.push(`${key} is not a threshold`);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, thresholds };
}
