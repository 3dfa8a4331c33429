import type { SqlExecutor, SqlSession } from '../db/client.ts';
import type { Field } from './columns.ts';
import type { ImportDebtor, ImportRow, RowError } from './rows.ts';

export type BatchResult = { inserted: number; updated: number; unchanged: number; duplicates: RowError[] };

/** Receivable columns an import may set, with the file field that carries each. */
const RECEIVABLE_COLUMNS: {
  column: string;
  type: string;
  field: Field | null;
  from: (r: ImportRow) => unknown;
}[] = [
  { column: 'debtor_id', type: 'bigint', field: null, from: () => null },
  { column: 'document_number', type: 'text', field: 'documentNumber', from: (r) => r.documentNumber },
  {
    column: 'installment_number',
    type: 'smallint',
    field: 'installmentNumber',
    from: (r) => r.installmentNumber,
  },
  {
    column: 'installment_count',
    type: 'smallint',
    field: 'installmentCount',
    from: (r) => r.installmentCount,
  },
  { column: 'issue_date', type: 'date', field: 'issueDate', from: (r) => r.issueDate },
  { column: 'due_date', type: 'date', field: null, from: (r) => r.dueDate },
  { column: 'original_cents', type: 'bigint', field: null, from: (r) => r.originalCents },
  { column: 'open_cents', type: 'bigint', field: null, from: (r) => r.openCents },
  { column: 'status', type: 'text', field: null, from: (r) => r.status },
  { column: 'nosso_numero', type: 'text', field: 'nossoNumero', from: (r) => r.nossoNumero },
  { column: 'pix_txid', type: 'text', field: 'pixTxid', from: (r) => r.pixTxid },
  { column: 'description', type: 'text', field: 'description', from: (r) => r.description },
];

const DEBTOR_TEXT_COLUMNS = ['street', 'number', 'complement', 'district', 'city', 'uf', 'cep'] as const;

type DebtorRow = { id: number } & Omit<ImportDebtor, 'whatsapp' | (typeof DEBTOR_TEXT_COLUMNS)[number]> &
  Record<'whatsapp' | (typeof DEBTOR_TEXT_COLUMNS)[number], string | null>;

/**
 * Writes validated rows of one import, batch by batch, on one session. The SQL is set-based: one
 * statement upserts the batch's debtors, one upserts its receivables and records what changed.
 * Columns the file does not carry are left as they are.
 */
export class ImportWriter {
  private readonly session: SqlSession;
  private readonly target: { orgId: number; creditorId: number; importId: number };
  private readonly seenTable: string;
  private readonly receivablesSql: string;
  private readonly debtorsSql: string;
  private readonly columns: typeof RECEIVABLE_COLUMNS;
  private readonly debtorTextColumns: (typeof DEBTOR_TEXT_COLUMNS)[number][];
  private readonly hasWhatsapp: boolean;

  constructor(
    session: SqlSession,
    target: { orgId: number; creditorId: number; importId: number },
    presentFields: ReadonlySet<Field>,
  ) {
    this.session = session;
    this.target = target;
    this.seenTable = `import_seen_${target.importId}`;
    const columns = RECEIVABLE_COLUMNS.filter((c) => c.field === null || presentFields.has(c.field));
    this.receivablesSql = receivablesUpsertSql(columns.map((c) => ({ column: c.column, type: c.type })));
    this.debtorTextColumns = DEBTOR_TEXT_COLUMNS.filter((c) => presentFields.has(c));
    this.hasWhatsapp = presentFields.has('whatsapp');
    this.debtorsSql = debtorsUpsertSql(this.debtorTextColumns, this.hasWhatsapp);
    this.columns = columns;
  }

  /** Creates the session's record of external ids already seen in this file. */
  async begin(): Promise<void> {
    await this.session.query(
      `create temp table if not exists ${this.seenTable} (external_id text primary key, line int not null)`,
    );
    await this.session.query(`truncate ${this.seenTable}`);
  }

  async end(): Promise<void> {
    await this.session.query(`drop table if exists ${this.seenTable}`);
  }

  /** Marks rows as seen without writing them (resuming an interrupted import). */
  async remember(tx: SqlExecutor, rows: { externalId: string; line: number }[]): Promise<void> {
    await tx.query(
      `insert into ${this.seenTable} (external_id, line) select * from unnest($1::text[], $2::int[]) on conflict do nothing`,
      [rows.map((r) => r.externalId), rows.map((r) => r.line)],
    );
  }

  async write(tx: SqlExecutor, batch: ImportRow[]): Promise<BatchResult> {
    const { orgId, creditorId, importId } = this.target;
    // Duplicates within the file: the first occurrence wins, later ones are reported.
    const firstInBatch = new Map<string, ImportRow>();
    const duplicates: RowError[] = [];
    const candidates: ImportRow[] = [];
    for (const row of batch) {
      const first = firstInBatch.get(row.externalId);
      if (first) duplicates.push(duplicateError(row, first.line));
      else {
        firstInBatch.set(row.externalId, row);
        candidates.push(row);
      }
    }
    const fresh = new Set(
      (
        await tx.query<{ external_id: string }>(
          `insert into ${this.seenTable} (external_id, line) select * from unnest($1::text[], $2::int[])
           on conflict do nothing returning external_id`,
          [candidates.map((r) => r.externalId), candidates.map((r) => r.line)],
        )
      ).map((r) => r.external_id),
    );
    const rows = candidates.filter((r) => fresh.has(r.externalId));
    if (rows.length < candidates.length) {
      const seen = candidates.filter((r) => !fresh.has(r.externalId));
      const firstLines = new Map(
        (
          await tx.query<{ external_id: string; line: number }>(
            `select external_id, line from ${this.seenTable} where external_id = any($1::text[])`,
            [seen.map((r) => r.externalId)],
          )
        ).map((r) => [r.external_id, r.line]),
      );
      for (const row of seen) duplicates.push(duplicateError(row, firstLines.get(row.externalId) ?? 0));
    }
    if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0, duplicates };

    // Every lookup below is an index probe by a key array, so a batch costs the same however large
    // the portfolio already is (no plan depends on table statistics taken while it was empty).
    const debtorIds = await this.writeDebtors(tx, mergeDebtors(rows));
    const existing = new Map(
      (
        await tx.query<Record<string, unknown> & { id: number; external_id: string }>(
          `select id, external_id, ${this.columns.map((c) => c.column).join(', ')} from receivables
            where org_id = $1 and creditor_id = $2 and external_id = any($3::text[])`,
          [orgId, creditorId, rows.map((r) => r.externalId)],
        )
      ).map((r) => [r.external_id, r]),
    );
    const writes: Record<string, unknown>[] = [];
    const changes = new Map<string, { id: number; changes: Record<string, [unknown, unknown]> }>();
    for (const row of rows) {
      const record: Record<string, unknown> = { external_id: row.externalId };
      for (const c of this.columns)
        record[c.column] = c.column === 'debtor_id' ? debtorIds.get(row.debtor.document) : c.from(row);
      const before = existing.get(row.externalId);
      if (!before) {
        writes.push(record);
        continue;
      }
      const diff: Record<string, [unknown, unknown]> = {};
      for (const c of this.columns)
        if (before[c.column] !== record[c.column]) diff[c.column] = [before[c.column], record[c.column]];
      if (Object.keys(diff).length > 0) {
        writes.push(record);
        changes.set(row.externalId, { id: before.id, changes: diff });
      }
    }
    if (writes.length === 0) return { inserted: 0, updated: 0, unchanged: rows.length, duplicates };
    const written = await tx.query<{ id: number; external_id: string; inserted: boolean }>(
      this.receivablesSql,
      [orgId, creditorId, JSON.stringify(writes), importId],
    );
    const updated = written.filter((w) => !w.inserted);
    if (updated.length > 0) {
      await tx.query(
        `insert into receivable_changes (org_id, receivable_id, import_id, changes)
         select $1, c.id, $2, c.changes from jsonb_to_recordset($3::jsonb) as c(id bigint, changes jsonb)`,
        [orgId, importId, JSON.stringify(updated.map((w) => changes.get(w.external_id)).filter(Boolean))],
      );
    }
    const inserted = written.length - updated.length;
    return { inserted, updated: updated.length, unchanged: rows.length - written.length, duplicates };
  }

  /**
   * Upserts the batch's debtors, sending only the new and the changed ones, and returns every
   * debtor's id by document.
   */
  private async writeDebtors(tx: SqlExecutor, debtors: ImportDebtor[]): Promise<Map<string, number>> {
    const { orgId, creditorId } = this.target;
    const lookup = (documents: string[]) =>
      tx.query<DebtorRow>(
        `select id, document, kind, name, emails, phones, tags, whatsapp, ${DEBTOR_TEXT_COLUMNS.join(', ')}
           from debtors where org_id = $1 and creditor_id = $2 and document = any($3::text[])`,
        [orgId, creditorId, documents],
      );
    const existing = new Map((await lookup(debtors.map((d) => d.document))).map((d) => [d.document, d]));
    const ids = new Map<string, number>();
    const writes: ImportDebtor[] = [];
    for (const debtor of debtors) {
      const before = existing.get(debtor.document);
      if (before) ids.set(debtor.document, before.id);
      if (!before || this.debtorChanges(before, debtor)) writes.push(debtor);
    }
    if (writes.length === 0) return ids;
    const written = await tx.query<{ id: number; document: string }>(this.debtorsSql, [
      orgId,
      creditorId,
      JSON.stringify(writes),
    ]);
    for (const w of written) ids.set(w.document, w.id);
    const missing = writes.filter((d) => !ids.has(d.document)).map((d) => d.document);
    // A row changed by someone else meanwhile may have been skipped by the upsert's WHERE: look it up.
    if (missing.length > 0) for (const d of await lookup(missing)) ids.set(d.document, d.id);
    return ids;
  }

  /** Whether the upsert would change the stored debtor (the same rules as its SQL). */
  private debtorChanges(before: DebtorRow, after: ImportDebtor): boolean {
    if (before.name !== after.name || before.kind !== after.kind) return true;
    for (const key of ['emails', 'phones', 'tags'] as const)
      if (after[key].some((v) => !before[key].includes(v))) return true;
    for (const key of this.debtorTextColumns)
      if (after[key] !== null && after[key] !== before[key]) return true;
    return this.hasWhatsapp && after.whatsapp !== null && after.whatsapp !== before.whatsapp;
  }
}

function duplicateError(row: ImportRow, firstLine: number): RowError {
  return {
    line: row.line,
    column: 'externalId',
    value: row.externalId,
    code: 'duplicate_external_id',
    reason: `the id ${row.externalId} already appears on line ${firstLine} of this file`,
  };
}

/** One entry per debtor document: contacts and tags of all its rows, the name and address of its last row. */
function mergeDebtors(rows: ImportRow[]): ImportDebtor[] {
  const byDocument = new Map<string, ImportDebtor>();
  for (const { debtor } of rows) {
    const known = byDocument.get(debtor.document);
    if (!known) {
      byDocument.set(debtor.document, {
        ...debtor,
        emails: [...debtor.emails],
        phones: [...debtor.phones],
        tags: [...debtor.tags],
      });
      continue;
    }
    known.name = debtor.name;
    for (const key of DEBTOR_TEXT_COLUMNS) known[key] = debtor[key] ?? known[key];
    known.whatsapp = debtor.whatsapp ?? known.whatsapp;
    for (const e of debtor.emails) if (!known.emails.includes(e)) known.emails.push(e);
    for (const p of debtor.phones) if (!known.phones.includes(p)) known.phones.push(p);
    for (const t of debtor.tags) if (!known.tags.includes(t)) known.tags.push(t);
  }
  return [...byDocument.values()];
}

function debtorsUpsertSql(textColumns: readonly string[], hasWhatsapp: boolean): string {
  const appendArray = (c: string) =>
    `${c} = d.${c} || array(select x from unnest(excluded.${c}) x where not x = any(d.${c}))`;
  const sets = [
    'name = excluded.name',
    'kind = excluded.kind',
    appendArray('emails'),
    appendArray('phones'),
    appendArray('tags'),
    ...textColumns.map((c) => `${c} = coalesce(excluded.${c}, d.${c})`),
    ...(hasWhatsapp ? ['whatsapp = coalesce(excluded.whatsapp, d.whatsapp)'] : []),
    'updated_at = now()',
  ];
  const changed = [
    'd.name is distinct from excluded.name',
    'not d.emails @> excluded.emails',
    'not d.phones @> excluded.phones',
    'not d.tags @> excluded.tags',
    ...textColumns.map((c) => `(excluded.${c} is not null and d.${c} is distinct from excluded.${c})`),
    ...(hasWhatsapp
      ? ['(excluded.whatsapp is not null and d.whatsapp is distinct from excluded.whatsapp)']
      : []),
  ];
  return `insert into debtors as d (org_id, creditor_id, kind, document, name, emails, phones, whatsapp, tags, ${DEBTOR_TEXT_COLUMNS.join(', ')})
    select $1, $2, i.kind, i.document, i.name, i.emails, i.phones, i.whatsapp, i.tags, ${DEBTOR_TEXT_COLUMNS.map((c) => `i.${c}`).join(', ')}
      from jsonb_to_recordset($3::jsonb) as i(kind text, document text, name text, emails text[], phones text[],
           whatsapp text, tags text[], ${DEBTOR_TEXT_COLUMNS.map((c) => `${c} text`).join(', ')})
    on conflict (org_id, creditor_id, document) do update set ${sets.join(', ')}
    where ${changed.join(' or ')}
    returning d.id, d.document`;
}

function receivablesUpsertSql(columns: { column: string; type: string }[]): string {
  const names = columns.map((c) => c.column);
  return `insert into receivables as r (org_id, creditor_id, external_id, ${names.join(', ')}, import_id)
    select $1, $2, i.external_id, ${names.map((n) => `i.${n}`).join(', ')}, $4
      from jsonb_to_recordset($3::jsonb) as i(external_id text, ${columns.map((c) => `${c.column} ${c.type}`).join(', ')})
    on conflict (org_id, creditor_id, external_id) do update
      set ${names.map((n) => `${n} = excluded.${n}`).join(', ')}, import_id = excluded.import_id, updated_at = now()
      where (${names.map((n) => `r.${n}`).join(', ')}) is distinct from (${names.map((n) => `excluded.${n}`).join(', ')})
    returning r.id, r.external_id, (r.xmax = 0) as inserted`;
}
