/**
 * Monthly rate tables used by the charge calculation (src/payments/charges.ts): the IPCA monthly
 * variation (correção monetária, CC art. 389; IBGE, BCB SGS series 433) and the taxa legal
 * (juros de mora without an agreed rate, CC art. 406; BCB SGS series 29543). Both are a percentage
 * per calendar month, keyed by the month it refers to ('YYYY-MM').
 *
 * Pure: parsing text into plain data. Values stay decimal strings (never floats); the charge
 * calculation turns them into big.js numbers.
 *
 * Accepted CSV text (UTF-8, `;` separated, optional BOM, CRLF or LF, blank lines and lines
 * starting with `#` ignored):
 *
 * 1. Régua's own shape: a header whose first column is `mes`, then one row per month.
 *      mes;variacao_percentual
 *      2025-01;0,16
 *      2025-02;1,31
 *    (the second column's name is free: `variacao_percentual` for IPCA, `taxa_percentual` for
 *    the taxa legal).
 * 2. The BCB SGS download as is (`.../dados/serie/bcdata.sgs.433/dados?formato=csv`): header
 *    `data;valor`, the date `01/MM/AAAA` (always the first of the month), fields optionally quoted.
 *      "data";"valor"
 *      "01/01/2025";"0,16"
 *
 * Values are percentages with `,` or `.` as the decimal separator, optionally negative (IPCA
 * deflation), no thousands separators: `0,16` means 0.16% in the month.
 */
import type { CalendarDate } from '../shared/dates.ts';
import { isCalendarDate } from '../shared/dates.ts';

/** A calendar month, 'YYYY-MM'. */
export type YearMonth = string;

/** Percentage per month, as a decimal string with a dot (e.g. '0.16' = 0.16% in that month). */
export type MonthlyRates = ReadonlyMap<YearMonth, string>;

export type MonthlyRatesParse = { ok: true; rates: MonthlyRates } | { ok: false; errors: string[] };

const YEAR_MONTH = /^(\d{4})-(\d{2})$/;
const PERCENT = /^-?\d+(?:[.,]\d+)?$/;
const SGS_DATE = /^01\/(\d{2})\/(\d{4})$/;

export function isYearMonth(value: string): boolean {
  const match = YEAR_MONTH.exec(value);
  return match !== null && isCalendarDate(`${match[1]}-${match[2]}-01`);
}

/** The month a date falls in: '2025-03-15' -> '2025-03'. */
export function yearMonthOf(date: CalendarDate): YearMonth {
  return date.slice(0, 7);
}

/** The month after: '2025-12' -> '2026-01'. */
export function nextYearMonth(month: YearMonth): YearMonth {
  const year = Number(month.slice(0, 4));
  const index = Number(month.slice(5, 7));
  return index === 12 ? `${year + 1}-01` : `${year}-${String(index + 1).padStart(2, '0')}`;
}

/** Number of calendar days in the month (28 to 31). */
export function daysInYearMonth(month: YearMonth): number {
  return new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
}

export function firstDayOf(month: YearMonth): CalendarDate {
  return `${month}-01`;
}

export function lastDayOf(month: YearMonth): CalendarDate {
  return `${month}-${String(daysInYearMonth(month)).padStart(2, '0')}`;
}

function unquote(field: string): string {
  const text = field.trim();
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1).trim() : text;
}

/**
 * Parses a monthly rate table (IPCA or taxa legal) from CSV text in either accepted shape (see the
 * module comment). Every problem is reported with its line number; nothing is guessed: a bad
 * row fails the whole table rather than leaving a silent hole in it.
 */
export function parseMonthlyRatesCsv(text: string): MonthlyRatesParse {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const errors: string[] = [];
  const rates = new Map<YearMonth, string>();
  let shape: 'regua' | 'sgs' | null = null;
  for (const [index, raw] of lines.entries()) {
    const lineNumber = index + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(';').map(unquote);
    if (shape === null) {
      const first = fields[0]?.toLowerCase();
      if (fields.length === 2 && first === 'mes') shape = 'regua';
      else if (fields.length === 2 && first === 'data' && fields[1]?.toLowerCase() === 'valor') shape = 'sgs';
      else {
        errors.push(`linha ${lineNumber}: cabeçalho esperado "mes;<coluna>" ou "data;valor"`);
        shape = 'regua';
      }
      continue;
    }
    if (fields.length !== 2) {
      errors.push(`linha ${lineNumber}: esperadas 2 colunas separadas por ";"`);
      continue;
    }
    const [monthField = '', valueField = ''] = fields;
    let month: YearMonth | null = null;
    if (shape === 'sgs') {
      const match = SGS_DATE.exec(monthField);
      if (match) month = `${match[2]}-${match[1]}`;
    } else {
      month = monthField;
    }
    if (month === null || !isYearMonth(month)) {
      errors.push(
        `linha ${lineNumber}: mês inválido "${monthField}" (esperado ${shape === 'sgs' ? '01/MM/AAAA' : 'AAAA-MM'})`,
      );
      continue;
    }
    if (!PERCENT.test(valueField)) {
      errors.push(`linha ${lineNumber}: percentual inválido "${valueField}" (ex.: 0,16)`);
      continue;
    }
    if (rates.has(month)) {
      errors.push(`linha ${lineNumber}: mês ${month} repetido`);
      continue;
    }
    rates.set(month, valueField.replace(',', '.'));
  }
  if (shape === null) errors.push('tabela vazia');
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rates };
}
