/**
 * The dunning engine's calendar: bank business days (due-date roll) and the hours in which a
 * debtor may be contacted. Pure: everything is a function of its arguments and the holiday data
 * shipped in `date-holidays`; results are cached per year.
 *
 * Rules: /work/shared/reference/BRAZIL.md, "Business days" and "Contacting debtors".
 */
import Holidays from 'date-holidays';
import { parseUf, UFS, type Uf } from '../shared/contacts.ts';
import type { CalendarDate } from '../shared/dates.ts';
import { addDays, isCalendarDate, todayIn } from '../shared/dates.ts';

// ---------------------------------------------------------------------------------------------
// States and time zones
// ---------------------------------------------------------------------------------------------

export { UFS, type Uf } from '../shared/contacts.ts';

/** 'sp', ' SP ' and 'SP' are São Paulo; anything else (or null) is "unknown state". */
function normalizeUf(uf: string | null): Uf | null {
  return uf === null ? null : parseUf(uf);
}

const DEFAULT_TIME_ZONE = 'America/Sao_Paulo';

const UF_TIME_ZONES: Partial<Record<Uf, string>> = {
  AC: 'America/Rio_Branco',
  AM: 'America/Manaus',
  RR: 'America/Boa_Vista',
  RO: 'America/Porto_Velho',
  MT: 'America/Cuiaba',
  MS: 'America/Campo_Grande',
};

/**
 * The IANA time zone in which a debtor's local hours are judged, by state. One zone per state, so
 * the few debtors on Pernambuco's Fernando de Noronha (UTC-2, judged on São Paulo time) and in
 * western Amazonas (America/Eirunepe, UTC-5, judged on Manaus time) are an hour off. Unknown or
 * missing states use America/Sao_Paulo.
 */
export function ufTimeZone(uf: string | null): string {
  const code = normalizeUf(uf);
  return (code && UF_TIME_ZONES[code]) ?? DEFAULT_TIME_ZONE;
}

// ---------------------------------------------------------------------------------------------
// Holidays
// ---------------------------------------------------------------------------------------------

/** Lei 14.759/2023 made Nov 20 a national holiday from 2024 on. */
const ZUMBI_FIRST_YEAR = 2024;
const ZUMBI_NAME = 'Dia Nacional de Zumbi e da Consciência Negra';

/**
 * date-holidays lists election Sundays ("Dia de Eleição") as type `public` in even years. They
 * are not bank holidays (and fall on Sundays anyway), so they are dropped by name.
 */
const ELECTION = /elei[cç][aã]o/i;

let nationalSource: Holidays | undefined;
const stateSources = new Map<Uf, Holidays>();
const nationalCache = new Map<number, ReadonlyMap<CalendarDate, string>>();
const stateCache = new Map<string, ReadonlyMap<CalendarDate, string>>();

function nationalHolidaysSource(): Holidays {
  nationalSource ??= new Holidays('BR', { languages: 'pt' });
  return nationalSource;
}

function stateHolidaysSource(uf: Uf): Holidays {
  let source = stateSources.get(uf);
  if (!source) {
    source = new Holidays('BR', uf, { languages: 'pt' });
    stateSources.set(uf, source);
  }
  return source;
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < 1900 || year > 2199) {
    throw new RangeError(`Ano inválido: ${year}`);
  }
}

function addName(map: Map<CalendarDate, string>, day: CalendarDate, name: string): void {
  const existing = map.get(day);
  if (existing === undefined) map.set(day, name);
  else if (!existing.split(' / ').includes(name)) map.set(day, `${existing} / ${name}`);
}

/**
 * National bank non-business days of a year (weekends aside), date -> name: date-holidays'
 * `public` and `bank` entries for BR (New Year, Carnival Monday and Tuesday, Good Friday,
 * Tiradentes, Labour Day, Corpus Christi, Independence, Aparecida, Finados, Republic, Christmas),
 * plus Nov 20 from 2024, minus election days. The `optional` half days (Carnival Saturday,
 * Ash Wednesday until 14:00, Dec 24 and Dec 31 afternoons) are business days.
 */
export function bankHolidays(year: number): ReadonlyMap<CalendarDate, string> {
  checkYear(year);
  const cached = nationalCache.get(year);
  if (cached) return cached;
  const map = new Map<CalendarDate, string>();
  for (const holiday of nationalHolidaysSource().getHolidays(year, 'pt')) {
    if (holiday.type !== 'public' && holiday.type !== 'bank') continue;
    if (ELECTION.test(holiday.name)) continue;
    addName(map, holiday.date.slice(0, 10), holiday.name);
  }
  const zumbi = `${year}-11-20`;
  if (year >= ZUMBI_FIRST_YEAR && !map.has(zumbi)) map.set(zumbi, ZUMBI_NAME);
  const sorted: ReadonlyMap<CalendarDate, string> = new Map([...map].sort(([a], [b]) => a.localeCompare(b)));
  nationalCache.set(year, sorted);
  return sorted;
}

/**
 * A state's own holidays in a year (type `public` only), date -> name: dates that are already
 * national bank holidays are left out (so DF's "Fundação de Brasília" on Apr 21 and AL's Zumbi day
 * from 2024 are not repeated), as are election days. Throws on an unknown UF.
 */
export function stateHolidays(uf: string, year: number): ReadonlyMap<CalendarDate, string> {
  const code = normalizeUf(uf);
  if (code === null) throw new RangeError(`UF desconhecida: ${uf}`);
  checkYear(year);
  const key = `${code}:${year}`;
  const cached = stateCache.get(key);
  if (cached) return cached;
  const national = bankHolidays(year);
  const map = new Map<CalendarDate, string>();
  for (const holiday of stateHolidaysSource(code).getHolidays(year, 'pt')) {
    if (holiday.type !== 'public') continue;
    if (ELECTION.test(holiday.name)) continue;
    const day = holiday.date.slice(0, 10);
    if (national.has(day)) continue;
    addName(map, day, holiday.name);
  }
  const sorted: ReadonlyMap<CalendarDate, string> = new Map([...map].sort(([a], [b]) => a.localeCompare(b)));
  stateCache.set(key, sorted);
  return sorted;
}

function yearOf(date: CalendarDate): number {
  return Number(date.slice(0, 4));
}

/** 0 = Sunday ... 6 = Saturday. */
function weekdayOf(date: CalendarDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

function checkDate(date: CalendarDate): void {
  if (!isCalendarDate(date)) throw new RangeError(`Data inválida: ${date}`);
}

function isBusiness(date: CalendarDate): boolean {
  const weekday = weekdayOf(date);
  return weekday !== 0 && weekday !== 6 && !bankHolidays(yearOf(date)).has(date);
}

/** Monday to Friday and not a national bank holiday. */
export function isBankBusinessDay(date: CalendarDate): boolean {
  checkDate(date);
  return isBusiness(date);
}

function rollForward(date: CalendarDate): CalendarDate {
  let day = date;
  while (!isBusiness(day)) day = addDays(day, 1);
  return day;
}

/**
 * The due-date roll: the date itself when it is a bank business day, else the next one. A boleto
 * or Pix cobv due on a non-business day may be paid on this day without charges.
 */
export function nextBankBusinessDay(date: CalendarDate): CalendarDate {
  checkDate(date);
  return rollForward(date);
}

/**
 * Moves `n` bank business days from `date`, counting only business days: forward when n > 0,
 * backward when n < 0; n = 0 returns `date` unchanged (even on a holiday). From a Saturday,
 * +1 is the following Monday (when that is a business day).
 */
export function addBankBusinessDays(date: CalendarDate, n: number): CalendarDate {
  checkDate(date);
  if (!Number.isInteger(n)) throw new RangeError(`Número de dias úteis inválido: ${n}`);
  const step = n < 0 ? -1 : 1;
  let day = date;
  for (let left = Math.abs(n); left > 0; ) {
    day = addDays(day, step);
    if (isBusiness(day)) left -= 1;
  }
  return day;
}

/**
 * A day on which debtors must not be contacted: a national holiday or one of the debtor's state.
 * An unknown or missing UF checks national holidays only.
 */
export function isContactHoliday(date: CalendarDate, uf: string | null): boolean {
  checkDate(date);
  return isHolidayIn(date, normalizeUf(uf));
}

function isHolidayIn(date: CalendarDate, uf: Uf | null): boolean {
  const year = yearOf(date);
  if (bankHolidays(year).has(date)) return true;
  return uf !== null && stateHolidays(uf, year).has(date);
}

// ---------------------------------------------------------------------------------------------
// Contact windows
// ---------------------------------------------------------------------------------------------

/** Local wall-clock hours, 'HH:MM' (00:00-23:59); `start` inclusive, `end` exclusive. */
export type ContactHours = { readonly start: string; readonly end: string };

/** When a debtor may be contacted, in the debtor's local time; null = never on those days. */
export type ContactWindow = {
  readonly weekdays: ContactHours | null;
  readonly saturday: ContactHours | null;
  readonly sunday: ContactHours | null;
};

/**
 * SP Lei 15.426/2014 (and AL Lei 7.782/2016): Mon-Fri 08:00-20:00, Sat 08:00-14:00, never on
 * Sundays. Holidays (national and the debtor's state) are closed whatever the window says.
 */
export const DEFAULT_CONTACT_WINDOW: ContactWindow = Object.freeze({
  weekdays: Object.freeze({ start: '08:00', end: '20:00' }),
  saturday: Object.freeze({ start: '08:00', end: '14:00' }),
  sunday: null,
});

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutesOf(time: string): number | null {
  const match = HH_MM.exec(time);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

const DAY_LABELS = {
  weekdays: 'dias úteis (segunda a sexta)',
  saturday: 'sábado',
  sunday: 'domingo',
} as const;

/** Problems with a contact window, in pt-BR for the operator; empty when it is usable. */
export function validateContactWindow(window: ContactWindow): string[] {
  const problems: string[] = [];
  for (const key of ['weekdays', 'saturday', 'sunday'] as const) {
    const hours = window[key];
    if (hours === null) continue;
    const label = DAY_LABELS[key];
    const start = minutesOf(hours.start);
    const end = minutesOf(hours.end);
    if (start === null) {
      problems.push(
        `Horário de início inválido em ${label}: "${hours.start}" (use HH:MM, de 00:00 a 23:59).`,
      );
    }
    if (end === null) {
      problems.push(`Horário de fim inválido em ${label}: "${hours.end}" (use HH:MM, de 00:00 a 23:59).`);
    }
    if (start !== null && end !== null && start >= end) {
      problems.push(`Em ${label}, o início (${hours.start}) deve ser anterior ao fim (${hours.end}).`);
    }
  }
  if (window.weekdays === null && window.saturday === null && window.sunday === null) {
    problems.push('A janela de contato não permite contato em nenhum dia.');
  }
  return problems;
}

type LocalTime = { date: CalendarDate; minutes: number };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Wall-clock fields of an instant in a time zone, as numbers. */
function wallClock(
  instant: number,
  timeZone: string,
): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
  }
  return fields;
}

function localTime(instant: Date, timeZone: string): LocalTime {
  const f = wallClock(instant.getTime(), timeZone);
  const date = `${String(f.year).padStart(4, '0')}-${String(f.month).padStart(2, '0')}-${String(f.day).padStart(2, '0')}`;
  return { date, minutes: f.hour * 60 + f.minute };
}

/** The calendar date an instant falls on in a time zone. */
export function localDateIn(instant: Date, timeZone: string): CalendarDate {
  return todayIn(timeZone, instant);
}

/** Offset of a time zone at an instant, in ms (UTC-3 is -10_800_000), from Intl. */
function offsetAt(instant: number, timeZone: string): number {
  const f = wallClock(instant, timeZone);
  const wall = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  return wall - (instant - (((instant % 1000) + 1000) % 1000));
}

/**
 * The instant at which a zone's wall clock shows `date` `minutes`. On a repeated hour it picks the
 * earlier instant; in a skipped hour (old Brazilian DST started at 00:00) the time after the gap.
 */
function zonedInstant(date: CalendarDate, minutes: number, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const wall = Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1, Math.floor(minutes / 60), minutes % 60);
  const before = offsetAt(wall - 86_400_000, timeZone);
  const after = offsetAt(wall + 86_400_000, timeZone);
  const candidates = [wall - before, wall - after].filter(
    (instant) => wall - offsetAt(instant, timeZone) === instant,
  );
  return candidates.length > 0 ? Math.min(...candidates) : wall - before;
}

function hoursFor(date: CalendarDate, window: ContactWindow): ContactHours | null {
  const weekday = weekdayOf(date);
  if (weekday === 0) return window.sunday;
  if (weekday === 6) return window.saturday;
  return window.weekdays;
}

/** Whether `minutes` (after local midnight) is inside the hours; unparseable hours allow nothing. */
function inside(hours: ContactHours, minutes: number): boolean {
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  return start !== null && end !== null && start <= minutes && minutes < end;
}

/**
 * Whether a debtor in `uf` may be contacted at `instant`, judged on the state's local clock
 * (ufTimeZone): inside the day's hours (end exclusive) and not a national or state holiday.
 */
export function contactAllowedAt(instant: Date, uf: string | null, window: ContactWindow): boolean {
  const code = normalizeUf(uf);
  const local = localTime(instant, ufTimeZone(code));
  const hours = hoursFor(local.date, window);
  return hours !== null && inside(hours, local.minutes) && !isHolidayIn(local.date, code);
}

const SEARCH_DAYS = 30;

/**
 * `instant` itself when contact is allowed then, else the start of the next allowed window in the
 * debtor's local time, looking at most 30 days ahead. Throws when the window is invalid or allows
 * nothing in that span.
 */
export function nextContactOpening(instant: Date, uf: string | null, window: ContactWindow): Date {
  const problems = validateContactWindow(window);
  if (problems.length > 0) throw new Error(`Janela de contato inválida: ${problems.join(' ')}`);
  if (contactAllowedAt(instant, uf, window)) return instant;
  const code = normalizeUf(uf);
  const timeZone = ufTimeZone(code);
  const today = localTime(instant, timeZone).date;
  for (let offset = 0; offset <= SEARCH_DAYS; offset += 1) {
    const day = addDays(today, offset);
    const hours = hoursFor(day, window);
    const start = hours && minutesOf(hours.start);
    if (start === null || isHolidayIn(day, code)) continue;
    const opening = new Date(zonedInstant(day, start, timeZone));
    if (opening.getTime() > instant.getTime() && contactAllowedAt(opening, code, window)) return opening;
  }
  throw new Error(
    `Nenhum horário de contato permitido nos próximos ${SEARCH_DAYS} dias a partir de ${instant.toISOString()} (UF ${code ?? 'não informada'}).`,
  );
}

// ---------------------------------------------------------------------------------------------
// Rows for the SQL calendar tables
// ---------------------------------------------------------------------------------------------

export type CalendarRow = { day: CalendarDate; business: boolean; nextBusinessDay: CalendarDate };
export type StateHolidayRow = { day: CalendarDate; uf: Uf; name: string };

function checkYearRange(fromYear: number, toYear: number): void {
  checkYear(fromYear);
  checkYear(toYear);
  if (fromYear > toYear) throw new RangeError(`Intervalo de anos inválido: ${fromYear}-${toYear}`);
}

/**
 * One row per day of fromYear..toYear (inclusive) on the bank calendar. `nextBusinessDay` is the
 * due-date roll (the day itself when it is a business day) and may fall in toYear + 1.
 */
export function calendarRows(fromYear: number, toYear: number): CalendarRow[] {
  checkYearRange(fromYear, toYear);
  const first = `${fromYear}-01-01`;
  const last = `${toYear}-12-31`;
  const rows: CalendarRow[] = [];
  let next = rollForward(addDays(last, 1));
  for (let day = last; day >= first; day = addDays(day, -1)) {
    const business = isBusiness(day);
    if (business) next = day;
    rows.push({ day, business, nextBusinessDay: next });
  }
  return rows.reverse();
}

/** Every state's own holidays (see stateHolidays) for fromYear..toYear, by day then UF. */
export function stateHolidayRows(fromYear: number, toYear: number): StateHolidayRow[] {
  checkYearRange(fromYear, toYear);
  const rows: StateHolidayRow[] = [];
  for (let year = fromYear; year <= toYear; year += 1) {
    for (const uf of UFS) {
      for (const [day, name] of stateHolidays(uf, year)) rows.push({ day, uf, name });
    }
  }
  return rows.sort((a, b) => a.day.localeCompare(b.day) || a.uf.localeCompare(b.uf));
}
