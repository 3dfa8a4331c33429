/**
 * Calendar dates are 'YYYY-MM-DD' strings, never instants. This module owns date arithmetic.
 */
export type CalendarDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isValidCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

function format(year: number, month: number, day: number): CalendarDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Parses dates as ERPs export them: `dd/mm/yyyy`, `d/m/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy`, `dd/mm/yy`,
 * ISO `yyyy-mm-dd` (optionally followed by a time, which is ignored), and `yyyymmdd`.
 */
export function parseCalendarDate(input: string): CalendarDate | null {
  const text = input.trim();
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (match) return build(Number(match[1]), Number(match[2]), Number(match[3]));
  match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:\s+[\d:]+)?$/.exec(text);
  if (match) {
    let year = Number(match[3]);
    if ((match[3] ?? '').length === 2) year += year < 70 ? 2000 : 1900;
    return build(year, Number(match[2]), Number(match[1]));
  }
  match = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (match) return build(Number(match[1]), Number(match[2]), Number(match[3]));
  return null;
}

function build(year: number, month: number, day: number): CalendarDate | null {
  return isValidCalendarDate(year, month, day) ? format(year, month, day) : null;
}

export function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  return match !== null && isValidCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** Today's calendar date in a time zone (e.g. America/Sao_Paulo). */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

export function todayIn(timeZone: string, now: Date = new Date()): CalendarDate {
  // Building a formatter costs far more than using one: one per time zone is kept.
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dayFormats.set(timeZone, format);
  }
  return format.format(now);
}

function toUtcMs(date: CalendarDate): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1);
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  const ms = toUtcMs(date) + days * 86_400_000;
  const d = new Date(ms);
  return format(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const [y, m, d] = date.split('-').map(Number);
  const total = (y ?? 0) * 12 + ((m ?? 1) - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return format(year, month, Math.min(d ?? 1, last));
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((toUtcMs(to) - toUtcMs(from)) / 86_400_000);
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
