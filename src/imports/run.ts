import type { Scope } from '../access/scope.ts';
import { appendAudit, importChangesDigest } from '../audit/log.ts';
import type { Database, SqlExecutor } from '../db/client.ts';
import { enterTenant, tenantQuery, withTenant } from '../db/tenant.ts';
import { centsToDecimal } from '../shared/money.ts';
import { notFound } from '../shared/problem.ts';
import { type ColumnMap, FIELD_NAMES, type Field, HeaderError, matchColumns } from './columns.ts';
import { decodeText, readCsv } from './csv.ts';
import { type ImportRow, type RawRow, type RowError, validateRow } from './rows.ts';
import type { ImportStatus } from './schema.ts';
import { ImportWriter } from './writer.ts';

/** Rows per committed batch: smaller on PGlite, whose single connection also serves the web requests. */
export function batchSize(engine: Database['engine']): number {
  return engine === 'pglite' ? 2_000 : 5_000;
}

export type ImportCounts = { imported: number; updated: number; unchanged: number; rejected: number };
export type ImportProgress = ImportCounts & {
  processedRows: number;
  processedBytes: number;
  totalBytes: number | null;
};

export type ImportRecord = ImportCounts & {
  id: number;
  creditorId: number;
  creditorName: string;
  source: 'csv' | 'json';
  filename: string | null;
  status: ImportStatus;
  totalBytes: number | null;
  processedBytes: number;
  processedRows: number;
  errorMessage: string | null;
  errorCode: ImportFailureCode | null;
  errorDetails: Record<string, unknown> | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
};

export type ImportFailureCode =
  | 'empty_file'
  | 'no_header'
  | 'unreadable_header'
  | 'missing_columns'
  | 'bad_mapping'
  | 'no_rows'
  | 'invalid_json'
  | 'not_a_batch'
  | 'interrupted'
  | 'failed';

/** A problem with the file as a whole: nothing of it is imported and retrying will not help. */
export class ImportFileError extends Error {
  readonly code: ImportFailureCode;
  readonly details: Record<string, unknown>;
  constructor(code: ImportFailureCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

export async function createImport(
  db: Database,
  scope: Scope,
  input: {
    creditorId: number;
    source: 'csv' | 'json';
    filename: string | null;
    mapping?: Record<string, string>;
    totalBytes: number | null;
  },
): Promise<number> {
  const [row] = await tenantQuery<{ id: number }>(
    db,
    scope,
    `insert into imports (org_id, creditor_id, user_id, source, filename, mapping, total_bytes)
     values ($1, $2, $3, $4, $5, $6, $7) returning id`,
    [
      scope.orgId,
      input.creditorId,
      scope.userId,
      input.source,
      input.filename,
      JSON.stringify(input.mapping ?? {}),
      input.totalBytes,
    ],
  );
  if (!row) throw new Error('import insert returned nothing');
  return row.id;
}

const IMPORT_COLUMNS = `i.id, i.creditor_id as "creditorId", c.legal_name as "creditorName", i.source, i.filename, i.status,
  i.total_bytes as "totalBytes", i.processed_bytes as "processedBytes", i.processed_rows as "processedRows",
  i.imported, i.updated, i.unchanged, i.rejected, i.error_message as "errorMessage", i.error_code as "errorCode",
  i.error_details as "errorDetails",
  i.created_at as "createdAt", i.started_at as "startedAt", i.finished_at as "finishedAt"`;

export async function getImport(db: Database, scope: Scope, id: number): Promise<ImportRecord> {
  const [row] = await tenantQuery<ImportRecord>(
    db,
    scope,
    `select ${IMPORT_COLUMNS} from imports i join creditors c on c.org_id = i.org_id and c.id = i.creditor_id
      where i.org_id = $1 and i.id = $2 and ($3::bigint[] is null or i.creditor_id = any($3))`,
    [scope.orgId, id, scope.creditorIds],
  );
  if (!row) throw notFound(`import ${id}`);
  return row;
}

export async function listImports(
  db: Database,
  scope: Scope,
  filter: { creditorId?: number; limit?: number; offset?: number },
): Promise<ImportRecord[]> {
  return tenantQuery<ImportRecord>(
    db,
    scope,
    `select ${IMPORT_COLUMNS} from imports i join creditors c on c.org_id = i.org_id and c.id = i.creditor_id
      where i.org_id = $1 and ($2::bigint is null or i.creditor_id = $2) and ($3::bigint[] is null or i.creditor_id = any($3))
      order by i.created_at desc, i.id desc limit $4 offset $5`,
    [
      scope.orgId,
      filter.creditorId ?? null,
      scope.creditorIds,
      Math.min(filter.limit ?? 50, 200),
      filter.offset ?? 0,
    ],
  );
}

export async function listImportErrors(
  db: Database,
  scope: Scope,
  importId: number,
  page: { limit?: number; offset?: number } = {},
): Promise<{ items: RowError[]; total: number }> {
  await getImport(db, scope, importId);
  const items = await tenantQuery<RowError>(
    db,
    scope,
    `select line, "column", value, code, reason from import_errors where org_id = $1 and import_id = $2
      order by seq limit $3 offset $4`,
    [scope.orgId, importId, Math.min(page.limit ?? 100, 10_000), page.offset ?? 0],
  );
  const [count] = await tenantQuery<{ total: number }>(
    db,
    scope,
    'select count(*)::int as total from import_errors where org_id = $1 and import_id = $2',
    [scope.orgId, importId],
  );
  return { items, total: count?.total ?? 0 };
}

/**
 * The rejected rows of an import in file order, the `limit` after the one numbered `afterSeq` (keyset,
 * for exports of millions of rows). The scope check is the same as listImportErrors'.
 */
export async function importErrorsAfter(
  db: Database,
  scope: Scope,
  importId: number,
  afterSeq: number | undefined,
  limit: number,
): Promise<(RowError & { seq: number })[]> {
  if (afterSeq === undefined) await getImport(db, scope, importId);
  return tenantQuery<RowError & { seq: number }>(
    db,
    scope,
    `select e.seq, e.line, e."column", e.value, e.code, e.reason from import_errors e
      where e.org_id = $1 and e.import_id = $2 and e.seq > $3
        and exists (select 1 from imports i where i.org_id = e.org_id and i.id = e.import_id
                       and ($5::bigint[] is null or i.creditor_id = any($5)))
      order by e.seq limit $4`,
    [scope.orgId, importId, afterSeq ?? -1, limit, scope.creditorIds],
  );
}

type Source = { format: 'csv' | 'json'; bytes: AsyncIterable<Uint8Array>; mapping?: Record<string, string> };

/** Rows of the source, in order, as raw rows or problems; the first call resolves the header. */
type RowEvent = { kind: 'row'; raw: RawRow } | { kind: 'error'; errors: RowError[] };

async function* csvRows(
  bytes: AsyncIterable<Uint8Array>,
  mapping: Record<string, string>,
  onColumns: (c: Set<Field>) => void,
): AsyncGenerator<RowEvent> {
  let columns: ColumnMap | null = null;
  let headerCount = 0;
  let names: Partial<Record<Field, string>> = {};
  let sawAnything = false;
  for await (const event of readCsv(decodeText(bytes))) {
    sawAnything = true;
    if (event.kind === 'problem') {
      if (!columns)
        throw new ImportFileError(
          'unreadable_header',
          `line ${event.line}: ${event.reason}; the header line could not be read`,
          {
            line: event.line,
          },
        );
      yield {
        kind: 'error',
        errors: [{ line: event.line, column: '', value: '', code: event.code, reason: event.reason }],
      };
      continue;
    }
    if (!columns) {
      const headers = event.cells.map((c) => c.trim());
      try {
        columns = matchColumns(headers, mapping);
      } catch (error) {
        if (error instanceof HeaderError) throw new ImportFileError(error.code, error.message, error.details);
        throw error;
      }
      headerCount = headers.length;
      names = Object.fromEntries(
        Object.entries(columns).map(([field, index]) => [field, headers[index] ?? field]),
      );
      onColumns(new Set(Object.keys(columns) as Field[]));
      continue;
    }
    if (event.cells.length === 1 && (event.cells[0] ?? '').trim() === '') continue;
    if (event.cells.length > headerCount) {
      yield {
        kind: 'error',
        errors: [
          {
            line: event.line,
            column: '',
            value: event.cells.slice(headerCount).join(' | ').slice(0, 200),
            code: 'malformed_csv',
            reason: `the line has ${event.cells.length} fields but the header has ${headerCount} (a delimiter inside an unquoted value?)`,
          },
        ],
      };
      continue;
    }
    const values: Partial<Record<Field, string>> = {};
    for (const field of FIELD_NAMES) {
      const index = columns[field];
      if (index !== undefined) values[field] = event.cells[index] ?? '';
    }
    yield { kind: 'row', raw: { line: event.line, values, columnNames: names } };
  }
  if (!sawAnything) throw new ImportFileError('empty_file', 'the file is empty');
  if (!columns) throw new ImportFileError('no_header', 'the file has no header line');
}

const JSON_ALIASES: Record<string, Field> = {
  amount: 'originalAmount',
  originalCents: 'originalAmount',
  openCents: 'openAmount',
  document: 'debtorDocument',
  name: 'debtorName',
  emails: 'email',
  phones: 'phone',
};

/** A JSON batch: an array of receivables, or `{ "receivables": [...] }`; the "line" is the item's position. */
async function* jsonRows(
  bytes: AsyncIterable<Uint8Array>,
  onColumns: (c: Set<Field>) => void,
): AsyncGenerator<RowEvent> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of bytes) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new ImportFileError('empty_file', 'the batch is empty');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ImportFileError('invalid_json', `the batch is not valid JSON: ${(error as Error).message}`);
  }
  const items = Array.isArray(parsed) ? parsed : (parsed as { receivables?: unknown })?.receivables;
  if (!Array.isArray(items))
    throw new ImportFileError(
      'not_a_batch',
      'the batch must be an array of receivables or an object with a "receivables" array',
    );
  const present = new Set<Field>();
  const flat = items.map((item, index) => flattenJson(item, index, present));
  onColumns(present);
  for (const row of flat) yield row;
}

function flattenJson(item: unknown, index: number, present: Set<Field>): RowEvent {
  const line = index + 1;
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    return {
      kind: 'error',
      errors: [
        {
          line,
          column: `receivables[${index}]`,
          value: String(item).slice(0, 100),
          code: 'file',
          reason: 'each receivable must be an object',
        },
      ],
    };
  }
  const values: Partial<Record<Field, string>> = {};
  const names: Partial<Record<Field, string>> = {};
  const put = (key: string, value: unknown, path: string) => {
    const field = (FIELD_NAMES as string[]).includes(key) ? (key as Field) : JSON_ALIASES[key];
    if (!field || value === null || value === undefined) return;
    let text: string;
    if (key === 'originalCents' || key === 'openCents') {
      text =
        typeof value === 'number' && Number.isSafeInteger(value)
          ? centsToDecimal(value)
          : `${String(value)} (not a whole number of centavos)`;
    } else if (Array.isArray(value)) text = value.map(String).join(';');
    else if (typeof value === 'object') return;
    else text = String(value);
    values[field] = text;
    names[field] = path;
    present.add(field);
  };
  const record = item as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (key === 'debtor' && typeof value === 'object' && value !== null) {
      for (const [dk, dv] of Object.entries(value as Record<string, unknown>)) {
        if (dk === 'address' && typeof dv === 'object' && dv !== null) {
          for (const [ak, av] of Object.entries(dv as Record<string, unknown>))
            put(ak, av, `debtor.address.${ak}`);
        } else put(dk, dv, `debtor.${dk}`);
      }
    } else put(key, value, key);
  }
  return { kind: 'row', raw: { line, values, columnNames: names } };
}

async function* countBytes(
  source: AsyncIterable<Uint8Array>,
  counter: { bytes: number },
): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    counter.bytes += chunk.byteLength;
    yield chunk;
  }
}

async function saveErrors(
  tx: SqlExecutor,
  orgId: number,
  importId: number,
  firstSeq: number,
  errors: RowError[],
) {
  if (errors.length === 0) return;
  await tx.query(
    `insert into import_errors (org_id, import_id, seq, line, "column", value, code, reason, subject_document)
     select $1, $2, $3 + e.ord, e.line, e."column", e.value, e.code, e.reason, e.subject
       from jsonb_to_recordset($4::jsonb) as e(ord int, line int, "column" text, value text, code text, reason text, subject text)`,
    [
      orgId,
      importId,
      firstSeq,
      JSON.stringify(errors.map((e, ord) => ({ ...e, value: e.value.slice(0, 500), ord }))),
    ],
  );
}

/**
 * Runs an import created with createImport: reads the source as a stream, validates every row, writes
 * the good ones batch by batch (each batch commits with the import's counters), and records every
 * rejected row. Resuming an interrupted import skips the rows its committed batches already counted.
 */
export async function runImport(
  db: Database,
  scope: Scope,
  importId: number,
  source: Source,
  options: { onProgress?: (p: ImportProgress) => void; onBatch?: () => Promise<void> } = {},
): Promise<ImportRecord> {
  const record = await getImport(db, scope, importId);
  if (record.status === 'completed' || record.status === 'failed') return record;
  const counts: ImportCounts = {
    imported: record.imported,
    updated: record.updated,
    unchanged: record.unchanged,
    rejected: record.rejected,
  };
  const skip = record.processedRows;
  let errorSeq =
    (
      await tenantQuery<{ n: number }>(
        db,
        scope,
        'select coalesce(max(seq), 0)::int as n from import_errors where org_id = $1 and import_id = $2',
        [scope.orgId, importId],
      )
    )[0]?.n ?? 0;
  await tenantQuery(
    db,
    scope,
    `update imports set status = 'running', started_at = coalesce(started_at, now()) where org_id = $1 and id = $2`,
    [scope.orgId, importId],
  );
  const bytes = { bytes: 0 };
  let present = new Set<Field>();
  const events =
    source.format === 'csv'
      ? csvRows(countBytes(source.bytes, bytes), source.mapping ?? {}, (c) => {
          present = c;
        })
      : jsonRows(countBytes(source.bytes, bytes), (c) => {
          present = c;
        });
  try {
    await db.withSession(async (session) => {
      const BATCH_SIZE = batchSize(db.engine);
      let writer: ImportWriter | null = null;
      let processed = 0;
      let batch: ImportRow[] = [];
      let batchErrors: RowError[] = [];
      let batchEvents = 0;
      let batchRejected = 0;
      let skipped: { externalId: string; line: number }[] = [];
      // One batch is written while the next is parsed: the database and the parser work side by side.
      let inFlight: Promise<void> = Promise.resolve();
      let analyzeAt = ANALYZE_AFTER_ROWS;
      const flush = async () => {
        if (!writer) return;
        const w = writer;
        const part = {
          batch,
          batchErrors,
          skipped,
          batchEvents,
          batchRejected,
          processed,
          bytes: bytes.bytes,
        };
        batch = [];
        batchErrors = [];
        skipped = [];
        batchEvents = 0;
        batchRejected = 0;
        await inFlight;
        let committed: ImportCounts | null = null;
        let committedErrors = 0;
        inFlight = session
          .transaction(async (tx) => {
            w.remember(part.skipped);
            if (part.batchEvents === 0) return;
            await enterTenant(tx, scope.orgId);
            const result = await w.write(tx, part.batch);
            const errors = [...part.batchErrors, ...result.duplicates].sort((a, b) => a.line - b.line);
            await saveErrors(tx, scope.orgId, importId, errorSeq, errors);
            const next = {
              imported: counts.imported + result.inserted,
              updated: counts.updated + result.updated,
              unchanged: counts.unchanged + result.unchanged,
              rejected: counts.rejected + part.batchRejected + result.duplicates.length,
            };
            await tx.query(
              `update imports set processed_rows = $3, processed_bytes = $4, imported = $5, updated = $6, unchanged = $7, rejected = $8
              where org_id = $1 and id = $2`,
              [
                scope.orgId,
                importId,
                part.processed,
                part.bytes,
                next.imported,
                next.updated,
                next.unchanged,
                next.rejected,
              ],
            );
            committed = next;
            committedErrors = errors.length;
          })
          .then(async () => {
            // Counters move only once the batch has committed.
            if (committed) {
              Object.assign(counts, committed);
              errorSeq += committedErrors;
            }
            // Statistics taken while the tables were small make the planner scan whole tables for each
            // batch's key lookups: refresh them as this import grows the portfolio (at 50k rows, then
            // each tenfold). PGlite has no autovacuum, and autoanalyze may come too late. ANALYZE is the
            // tables' owner's work, outside the tenant transaction.
            if (counts.imported >= analyzeAt) {
              analyzeAt *= 10;
              await session.query('analyze debtors, receivables');
            }
            options.onProgress?.({
              ...counts,
              processedRows: part.processed,
              processedBytes: part.bytes,
              totalBytes: record.totalBytes,
            });
            await options.onBatch?.();
          });
        // Surface a failure at once instead of at the next flush.
        inFlight.catch(() => {});
      };
      try {
        for await (const event of events) {
          if (!writer) {
            writer = new ImportWriter(
              { orgId: scope.orgId, creditorId: record.creditorId, importId },
              present,
            );
          }
          processed++;
          // Let timers and sockets run: on PGlite the whole import is otherwise one chain of microtasks.
          if (processed % 500 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
          if (processed <= skip) {
            if (event.kind === 'row') {
              const checked = validateRow(event.raw);
              if ('row' in checked)
                skipped.push({ externalId: checked.row.externalId, line: checked.row.line });
            }
            if (skipped.length >= BATCH_SIZE) await flush();
            continue;
          }
          batchEvents++;
          if (event.kind === 'error') {
            batchErrors.push(...event.errors);
            batchRejected++;
          } else {
            const checked = validateRow(event.raw);
            if ('row' in checked) batch.push(checked.row);
            else {
              batchErrors.push(...checked.errors);
              batchRejected++;
            }
          }
          if (batchEvents >= BATCH_SIZE) await flush();
        }
        await flush();
        await inFlight;
        if (processed === 0) throw new ImportFileError('no_rows', 'the file has a header line but no rows');
      } finally {
        await inFlight.catch(() => {});
      }
    });
  } catch (error) {
    if (error instanceof ImportFileError) {
      await withTenant(db, scope.orgId, async (tx) => {
        await tx.query(
          `update imports set status = 'failed', error_message = $3, error_code = $4, error_details = $5, finished_at = now(),
                  processed_bytes = $6
            where org_id = $1 and id = $2`,
          [scope.orgId, importId, error.message, error.code, JSON.stringify(error.details), bytes.bytes],
        );
        await appendAudit(tx, {
          orgId: scope.orgId,
          actor: scope.actor,
          action: 'import.failed',
          entity: 'import',
          entityId: importId,
          after: { creditorId: record.creditorId, filename: record.filename, errorCode: error.code },
        });
      });
      return getImport(db, scope, importId);
    }
    throw error;
  }
  // Completion and its audit entry commit together. The entry carries a digest of every change record
  // the import wrote, so altering one of them later shows in `regua audit verify`.
  await withTenant(db, scope.orgId, async (tx) => {
    const [done] = await tx.query<ImportCounts & { processedRows: number }>(
      `update imports set status = 'completed', finished_at = now(), processed_bytes = greatest(processed_bytes, $3)
        where org_id = $1 and id = $2
        returning imported, updated, unchanged, rejected, processed_rows as "processedRows"`,
      [scope.orgId, importId, bytes.bytes],
    );
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'import.completed',
      entity: 'import',
      entityId: importId,
      after: {
        creditorId: record.creditorId,
        filename: record.filename,
        ...done,
        ...(await importChangesDigest(tx, scope.orgId, importId)),
      },
    });
  });
  // Fresh statistics after a sizeable load keep every later plan right.
  const after = await getImport(db, scope, importId);
  if (after.imported >= ANALYZE_AFTER_ROWS / 5) {
    await db.withSession((s) => s.query('analyze debtors, receivables'));
  }
  return after;
}

const ANALYZE_AFTER_ROWS = 50_000;

/** Marks an import failed after its job gave up. */
export async function failImport(
  db: Database,
  orgId: number,
  importId: number,
  code: ImportFailureCode,
  message: string,
): Promise<void> {
  await db.query(
    `update imports set status = 'failed', error_message = $3, error_code = $4, finished_at = now()
      where org_id = $1 and id = $2 and status <> 'completed'`,
    [orgId, importId, message, code],
  );
}
