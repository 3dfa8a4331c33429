import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { Scope } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';

/**
 * CSV exports of the web app's table views, for Brazilian spreadsheets (Excel / LibreOffice in pt-BR):
 * UTF-8 with a BOM, `;` between cells, CRLF after every record, RFC 4180 quoting, money as `1234,56`
 * (exact, from centavos), calendar dates as `dd/mm/aaaa`, instants as `dd/mm/aaaa hh:mm:ss` in the
 * organization's time zone, headers in pt-BR. Text cells that a spreadsheet would run as a formula
 * (starting with = + - @ tab or CR) get a leading apostrophe. See docs/CSV.md.
 */

export const CSV_BOM = '\uFEFF';
export const CSV_SEPARATOR = ';';
export const CSV_EOL = '\r\n';
/** Rows fetched per page while exporting: the most the list routes (and most data functions) give. */
export const EXPORT_PAGE_SIZE = 500;
/**
 * Rows per page for data functions that accept more than a route's page (listReceivables, listDebtors,
 * the outbox, skips, inbox, payments, import errors): fewer round trips on big exports.
 */
export const EXPORT_BATCH_SIZE = 2_000;

export type CsvKind =
  /** Free text (names, ids, documents): quoted when needed, guarded against formula injection. */
  | 'text'
  /** Integer centavos, written as reais with a decimal comma: 123456 -> `1234,56`. */
  | 'money'
  /** An integer (counts, days): written as is. */
  | 'int'
  /** A decimal number (a rate): decimal comma, at most `decimals` places. */
  | 'decimal'
  /** A calendar date 'YYYY-MM-DD' -> `dd/mm/aaaa`. */
  | 'date'
  /** An instant (Date or ISO text) -> `dd/mm/aaaa hh:mm:ss` in the organization's time zone. */
  | 'datetime'
  /** true/false -> `sim`/`não`. */
  | 'bool';

export type CsvValue = string | number | bigint | boolean | Date | null | undefined;

export type CsvColumn<T> = {
  /** The pt-BR header. */
  header: string;
  /** How the value is written; `text` when left out. */
  kind?: CsvKind;
  /** Places kept by a `decimal` column (default 4). */
  decimals?: number;
  value: (row: T) => CsvValue;
};

/** Defines the columns of an export with the row type inferred once. */
export function csvColumns<T>(columns: CsvColumn<T>[]): CsvColumn<T>[] {
  return columns;
}

const NEEDS_QUOTES = /[";\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

/** RFC 4180 quoting (with `;` as the separator): quoted only when it holds `;`, `"`, CR or LF. */
export function quoteCell(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A text cell that a spreadsheet would read as a formula (`=HYPERLINK(...)`, `+cmd`, `-2+3`, `@SUM`,
 * or a leading tab/CR) gets a leading apostrophe, so it is shown as text and never run (OWASP CSV
 * injection). Numbers and dates the export writes itself are not text cells and are left alone.
 */
export function guardFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Integer centavos as reais with a decimal comma and no thousands separator: -123456 -> `-1234,56`. */
export function centsToCsv(cents: number | bigint): string {
  let value: bigint;
  if (typeof cents === 'bigint') value = cents;
  else {
    if (!Number.isSafeInteger(cents)) throw new Error(`money must be integer centavos, got ${cents}`);
    value = BigInt(cents);
  }
  const negative = value < 0n;
  const abs = negative ? -value : value;
  return `${negative ? '-' : ''}${abs / 100n},${String(abs % 100n).padStart(2, '0')}`;
}

/** 'YYYY-MM-DD' -> `dd/mm/aaaa` (a calendar date, never shifted by a time zone). */
export function dateToCsv(date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!match) throw new Error(`not a calendar date: ${date}`);
  return `${match[3]}/${match[2]}/${match[1]}`;
}

const instantFormats = new Map<string, Intl.DateTimeFormat>();

/** An instant as `dd/mm/aaaa hh:mm:ss` in `timeZone` (24-hour clock). */
export function instantToCsv(value: Date | string, timeZone: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`not an instant: ${String(value)}`);
  let format = instantFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    instantFormats.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(date)) parts[part.type] = part.value;
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}:${parts.second}`;
}

function decimalToCsv(value: number | string, decimals: number): string {
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(number)) return '';
  // A rate for display (never money): rounded to `decimals` places, trailing zeros dropped.
  const text = number.toFixed(decimals).replace(/\.?0+$/, '');
  return (text === '-0' ? '0' : text).replace('.', ',');
}

/** One cell, formatted and quoted. Empty for null/undefined. */
export function formatCell(kind: CsvKind, value: CsvValue, timeZone: string, decimals = 4): string {
  if (value === null || value === undefined || value === '') return '';
  switch (kind) {
    case 'money':
      if (typeof value !== 'number' && typeof value !== 'bigint')
        throw new Error(`money must be a number of centavos, got ${typeof value}`);
      return centsToCsv(value);
    case 'int':
      return String(value);
    case 'decimal':
      return decimalToCsv(typeof value === 'bigint' ? Number(value) : (value as number | string), decimals);
    case 'date':
      return dateToCsv(value instanceof Date ? value.toISOString() : String(value));
    case 'datetime':
      return instantToCsv(value instanceof Date ? value : String(value), timeZone);
    case 'bool':
      return value === true || value === 'true' ? 'sim' : 'não';
    default:
      return quoteCell(guardFormula(value instanceof Date ? value.toISOString() : String(value)));
  }
}

/** The header record (with its CRLF). */
export function csvHeader<T>(columns: readonly CsvColumn<T>[]): string {
  return `${columns.map((c) => quoteCell(guardFormula(c.header))).join(CSV_SEPARATOR)}${CSV_EOL}`;
}

/** One record (with its CRLF). */
export function csvRow<T>(columns: readonly CsvColumn<T>[], row: T, timeZone: string): string {
  let line = '';
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i] as CsvColumn<T>;
    if (i > 0) line += CSV_SEPARATOR;
    line += formatCell(column.kind ?? 'text', column.value(row), timeZone, column.decimals);
  }
  return line + CSV_EOL;
}

/** A whole (small) CSV document in memory: BOM, header, records. For tests and tiny files. */
export function toCsv<T>(columns: readonly CsvColumn<T>[], rows: Iterable<T>, timeZone: string): string {
  let out = CSV_BOM + csvHeader(columns);
  for (const row of rows) out += csvRow(columns, row, timeZone);
  return out;
}

export type KeysetPage<T> = { items: T[]; nextCursor: string | null };

/**
 * Every row of a keyset-paginated list, page after page, through the list route's own data function
 * (so the same Scope checks and filters apply): `fetchPage(cursor)` is called with undefined first,
 * then with each page's `nextCursor`. Only one page is held at a time.
 */
export async function* keysetPages<T>(
  fetchPage: (cursor: string | undefined) => Promise<KeysetPage<T>>,
): AsyncGenerator<T[]> {
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(cursor);
    if (page.items.length > 0) yield page.items;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}

/**
 * The pages of several sources one after the other, each started only when the one before it ended
 * (e.g. one keyset walk per creditor, each an index range scan, instead of one walk whose order no
 * index gives).
 */
export async function* concatPages<T>(sources: Iterable<() => AsyncIterable<T[]>>): AsyncGenerator<T[]> {
  for (const source of sources) yield* source();
}

/**
 * Every row of a keyset-paginated list that answers a plain array and takes the key of the last row
 * seen (`before: id`, `after: {date, id}`...): `fetchPage(undefined, limit)` first, then
 * `fetchPage(keyOf(lastRow), limit)`, until a page comes back empty (so a data function that gives
 * fewer rows than asked never cuts the export short).
 */
export async function* keysetAfter<T, K>(
  fetchPage: (after: K | undefined, limit: number) => Promise<T[]>,
  keyOf: (last: T) => K,
  pageSize = EXPORT_PAGE_SIZE,
): AsyncGenerator<T[]> {
  let after: K | undefined;
  for (;;) {
    const items = await fetchPage(after, pageSize);
    const last = items[items.length - 1];
    if (last === undefined) return;
    yield items;
    after = keyOf(last);
  }
}

/**
 * Every row of an offset-paginated list (`fetchPage(offset, limit)`), until a page comes back empty;
 * the offset moves by the rows received, so a data function that caps its page skips nothing.
 */
export async function* offsetPages<T>(
  fetchPage: (offset: number, limit: number) => Promise<T[]>,
  pageSize = EXPORT_PAGE_SIZE,
): AsyncGenerator<T[]> {
  for (let offset = 0; ; ) {
    const items = await fetchPage(offset, pageSize);
    if (items.length === 0) return;
    yield items;
    offset += items.length;
  }
}

/** `regua-recebiveis-2026-12-06.csv`: ASCII only, safe in a content-disposition header. */
export function csvFilename(base: string, date: string): string {
  const safe = base
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `regua-${safe || 'export'}-${date}.csv`;
}

/** Chunks of about this many characters are handed to the socket. */
const CHUNK_CHARS = 64 * 1024;

async function* csvChunks<T>(
  columns: readonly CsvColumn<T>[],
  first: T[] | undefined,
  rest: AsyncIterator<T[]>,
  timeZone: string,
): AsyncGenerator<string> {
  let chunk = CSV_BOM + csvHeader(columns);
  let page = first;
  let done = false;
  try {
    while (page !== undefined) {
      for (const row of page) {
        chunk += csvRow(columns, row, timeZone);
        if (chunk.length >= CHUNK_CHARS) {
          yield chunk;
          chunk = '';
        }
      }
      const next = await rest.next();
      done = next.done === true;
      page = next.done ? undefined : next.value;
    }
    if (chunk !== '') yield chunk;
  } finally {
    // The client went away or a write failed: let the page source end too (its finally blocks run).
    if (!done) await rest.return?.();
  }
}

export type CsvExport<T> = {
  /** Download name, see csvFilename. */
  filename: string;
  columns: readonly CsvColumn<T>[];
  /** Pages of rows (keysetPages / offsetPages), or all rows of a small view. */
  rows: AsyncIterable<T[]> | readonly T[];
  /** Instants are written in this time zone (the organization's: scope.timeZone). */
  timeZone: string;
  /**
   * Called once the first page was read, before any byte is sent (e.g. auditExport). An error here,
   * like one in the first page, is still answered as problem+json.
   */
  beforeSend?: () => Promise<void>;
};

/**
 * Streams a CSV export as the reply, with bounded memory: one page of rows and one chunk of text at
 * a time, pulled as fast as the client reads (backpressure), stopped when the client goes away.
 * The first page is read before the headers go out, so a bad filter or a missing record is still a
 * problem+json error; a later failure aborts the transfer (the client sees an incomplete download,
 * never a file that looks complete).
 */
export async function sendCsv<T>(reply: FastifyReply, csv: CsvExport<T>): Promise<FastifyReply> {
  const source: AsyncIterable<T[]> = Array.isArray(csv.rows)
    ? (async function* () {
        yield csv.rows as T[];
      })()
    : (csv.rows as AsyncIterable<T[]>);
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  await csv.beforeSend?.();
  const body = Readable.from(
    csvChunks(csv.columns, first.done ? undefined : first.value, iterator, csv.timeZone),
    { objectMode: false, highWaterMark: CHUNK_CHARS },
  );
  return reply
    .code(200)
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${csv.filename}"`)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(body);
}

/**
 * Records in the audit trail that a view holding personal data (names, CPF/CNPJ, contacts, addresses)
 * was exported: who, which view, with which filters. Written before the first byte is sent.
 */
export async function auditExport(
  db: Database,
  scope: Scope,
  what: { view: string; filters: Record<string, unknown> },
): Promise<void> {
  const filters = Object.fromEntries(
    Object.entries(what.filters).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  );
  await withTenant(db, scope.orgId, (tx) =>
    appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'export.csv',
      entity: what.view,
      entityId: null,
      after: { view: what.view, format: 'csv', filters },
    }),
  );
}
