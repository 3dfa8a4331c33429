import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  customType,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { creditors } from '../portfolio/schema.ts';

export const IMPORT_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** One import of a receivables file or batch, with its counts. */
export const imports = pgTable(
  'imports',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    creditorId: bigint('creditor_id', { mode: 'number' }).notNull(),
    userId: bigint('user_id', { mode: 'number' }),
    source: text('source').$type<'csv' | 'json'>().notNull(),
    filename: text('filename'),
    mapping: jsonb('mapping').$type<Record<string, string>>().notNull().default({}),
    status: text('status').$type<ImportStatus>().notNull().default('queued'),
    totalBytes: bigint('total_bytes', { mode: 'number' }),
    processedBytes: bigint('processed_bytes', { mode: 'number' }).notNull().default(0),
    processedRows: integer('processed_rows').notNull().default(0),
    imported: integer('imported').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    errorMessage: text('error_message'),
    /** Why a failed import failed, as a stable code (`missing_columns`, `empty_file`...) with its details. */
    errorCode: text('error_code'),
    errorDetails: jsonb('error_details').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('imports_creditor_idx').on(t.orgId, t.creditorId, t.createdAt),
    foreignKey({ columns: [t.orgId, t.creditorId], foreignColumns: [creditors.orgId, creditors.id] }),
    check('imports_status_check', sql`${t.status} in ('queued','running','completed','failed')`),
    check('imports_source_check', sql`${t.source} in ('csv','json')`),
  ],
);

/** One rejected row (or file-level problem, line 0) of an import. */
export const importErrors = pgTable(
  'import_errors',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    importId: bigint('import_id', { mode: 'number' }).notNull(),
    seq: integer('seq').notNull(),
    line: integer('line').notNull(),
    column: text('column'),
    value: text('value'),
    code: text('code').notNull(),
    reason: text('reason').notNull(),
    /** The rejected row's CPF/CNPJ, so LGPD requests find what the row held. */
    subjectDocument: text('subject_document'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.importId, t.seq] }),
    index('import_errors_subject_idx').on(t.orgId, t.subjectDocument),
    foreignKey({ columns: [t.orgId, t.importId], foreignColumns: [imports.orgId, imports.id] }).onDelete(
      'cascade',
    ),
  ],
);

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/** An uploaded file kept in the database in chunks, so any worker process can run the import. */
export const importFiles = pgTable(
  'import_files',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    importId: bigint('import_id', { mode: 'number' }).notNull(),
    seq: integer('seq').notNull(),
    data: bytea('data').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.importId, t.seq] }),
    foreignKey({ columns: [t.orgId, t.importId], foreignColumns: [imports.orgId, imports.id] }).onDelete(
      'cascade',
    ),
  ],
);
