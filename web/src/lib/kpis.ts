/**
 * Periods of the Indicadores page, as 'YYYY-MM-DD' strings (no Date, so no time-zone shift): the
 * presets and the period a report is compared with.
 */
import { daysBetween } from './format.ts';

export type Period = { from: string; to: string };

const pad = (n: number) => String(n).padStart(2, '0');

function parts(date: string): [number, number, number] {
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

/** Days in a month (month 1-12). */
function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The date `days` after (or before, when negative) a date. */
export function shiftDays(date: string, days: number): string {
  const [y, m, d] = parts(date);
  const shifted = new Date(Date.UTC(y, m - 1, d + days));
  return `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}`;
}

/** The same day `months` months away, held to the end of a shorter month. */
function shiftMonths(date: string, months: number): string {
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${year}-${pad(month)}-${pad(Math.min(d, daysIn(year, month)))}`;
}

const isMonthEnd = (date: string) => {
  const [y, m, d] = parts(date);
  return d === daysIn(y, m);
};

/** "Mês atual": from the 1st to today. */
export function currentMonth(today: string): Period {
  return { from: `${today.slice(0, 8)}01`, to: today };
}

/** "Mês anterior": the whole of last month. */
export function previousMonth(today: string): Period {
  const from = shiftMonths(`${today.slice(0, 8)}01`, -1);
  return { from, to: shiftDays(`${today.slice(0, 8)}01`, -1) };
}

/**
 * The period a report is compared with: for a period that starts on the 1st, the same days of the
 * month before (the whole month when the period ends on a month end); otherwise the as-long period
 * that ends the day before.
 */
export function previousPeriod({ from, to }: Period): Period {
  if (from.endsWith('-01') && from.slice(0, 7) === to.slice(0, 7)) {
    const prevFrom = shiftMonths(from, -1);
    const prevTo = isMonthEnd(to) ? shiftDays(from, -1) : shiftMonths(to, -1);
    return { from: prevFrom, to: prevTo };
  }
  const length = daysBetween(from, to);
  const prevTo = shiftDays(from, -1);
  return { from: shiftDays(prevTo, -length), to: prevTo };
}
