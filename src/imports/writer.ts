import type { SqlExecutor } from '../db/client.ts';
import type { Field } from './columns.ts';
import { KeySet } from './keyset.ts';
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
 * Writes validated rows of one import, batch by batch. The SQL is set-based and every lookup is by a key
 * array on a unique index, so a batch costs the same however large the portfolio already is, provided
 * the planner's statistics are current: runImport refreshes them as an import grows the tables. Columns the file does not carry are
 * left as they are.
 */
export class ImportWriter {
  private readonly target: { orgId: number; creditorId: number; importId: number };
  private readonly upsertSql: string;
  private readonly insertNewSql: string;
  private readonly debtorsSql: string;
  private readonly columns: typeof RECEIVABLE_COLUMNS;
  private readonly debtorTextColumns: (typeof DEBTOR_TEXT_COLUMNS)[number][];
  private readonly hasWhatsapp: boolean;
  /** External ids already in this file, to report duplicates anywhere in it. */
  private readonly seen = new KeySet();
  /** Share of the last batch's rows that already existed: decides which write path is cheaper. */
  private existingShare = 1;

  constructor(
    target: { orgId: number; creditorId: number; importId: number },
    presentFields: ReadonlySet<Field>,
  ) {
    this.target = target;
    const columns = RECEIVABLE_COLUMNS.filter((c) => c.field === null || presentFields.has(c.field));
    const shape = columns.map((c) => ({ column: c.column, type: c.type }));
    this.upsertSql = receivablesUpsertSql(shape);
    this.insertNewSql = receivablesInsertNewSql(shape);
    this.debtorTextColumns = DEBTOR_TEXT_COLUMNS.filter((c) => presentFields.has(c));
    this.hasWhatsapp = presentFields.has('whatsapp');
    this.debtorsSql = debtorsUpsertSql(this.debtorTextColumns, this.hasWhatsapp);
    this.columns = columns;
  }

  /** Marks rows as seen without writing them (resuming an interrupted import). */
  remember(rows: { externalId: string; line: number }[]): void {
    for (const row of rows) this.seen.add(row.externalId, row.line);
  }

  async write(tx: SqlExecutor, batch: ImportRow[]): Promise<BatchResult> {
    const { orgId, creditorId, importId } = this.target;
    const duplicates: RowError[] = [];
    const firstInBatch = new Map<string, ImportRow>();
    const suspects: ImportRow[] = [];
    let rows: ImportRow[] = [];
    for (const row of batch) {
      const first = firstInBatch.get(row.externalId);
      if (first) duplicates.push(duplicateError(row, first.line));
      else {
        firstInBatch.set(row.externalId, row);
        if (this.seen.lineOf(row.externalId) === null) rows.push(row);
        else suspects.push(row);
      }
    }
    if (suspects.length > 0) {
      // A fingerprint hit is a duplicate only if the first occurrence really was stored (it is, when
      // the key exists for this creditor); otherwise it was a fingerprint collision.
      const stored = new Set(
        (
          await tx.query<{ external_id: string }>(
            'select external_id from receivables where org_id = $1 and creditor_id = $2 and external_id = any($3::text[])',
            [orgId, creditorId, suspects.map((r) => r.externalId)],
          )
        ).map((r) => r.external_id),
      );
      for (const row of suspects) {
        if (stored.has(row.externalId))
          duplicates.push(duplicateError(row, this.seen.lineOf(row.externalId) ?? 0));
        else rows.push(row);
      }
      rows = rows.sort((a, b) => a.line - b.line);
    }
    if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0, duplicates };

    const debtorIds = await this.writeDebtors(tx, mergeDebtors(rows));
    const records = rows.map((row) => {
      const record: Record<string, unknown> = { external_id: row.externalId };
      for (const c of this.columns) {
        record[c.column] = c.column === 'debtor_id' ? debtorIds.get(row.debtor.document) : c.from(row);
      }
      return record;
    });

    // Mostly new rows: insert them outright and compare only the ones that already existed.
    // Mostly known rows: fetch them first and write only what changed.
    let inserted = 0;
    let candidates = records;
    if (this.existingShare < 0.5) {
      const fresh = new Set(
        (
          await tx.query<{ external_id: string }>(this.insertNewSql, [
            orgId,
            creditorId,
            JSON.stringify(records),
            importId,
          ])
        ).map((r) => r.external_id),
      );
      inserted = fresh.size;
      candidates = records.filter((r) => !fresh.has(r.external_id as string));
    }
    const existing = new Map(
      candidates.length === 0
        ? []
        : (
            await tx.query<Record<string, unknown> & { id: number; external_id: string }>(
              `select id, external_id, ${this.columns.map((c) => c.column).join(', ')} from receivables
                where org_id = $1 and creditor_id = $2 and external_id = any($3::text[])`,
              [orgId, creditorId, candidates.map((r) => r.external_id)],
            )
          ).map((r) => [r.external_id, r]),
    );
    this.existingShare = existing.size / records.length;
    const settledHere = await this.settledHere(
      tx,
      [...existing.values()].map((r) => r.id),
    );
    const writes: Record<string, unknown>[] = [];
    const changes = new Map<string, { id: number; changes: Record<string, [unknown, unknown]> }>();
    for (const record of candidates) {
      const before = existing.get(record.external_id as string);
      if (!before) {
        writes.push(record);
        continue;
      }
      keepWhatReguaSettled(before, record, settledHere.has(before.id));
      const diff: Record<string, [unknown, unknown]> = {};
      for (const c of this.columns) {
        if (before[c.column] !== record[c.column]) diff[c.column] = [before[c.column], record[c.column]];
      }
      if (Object.keys(diff).length > 0) {
        writes.push(record);
        changes.set(record.external_id as string, { id: before.id, changes: diff });
      }
    }
    let updated = 0;
    if (writes.length > 0) {
      const written = await tx.query<{ id: number; external_id: string; inserted: boolean }>(this.upsertSql, [
        orgId,
        creditorId,
        JSON.stringify(writes),
        importId,
      ]);
      const updates = written.filter((w) => !w.inserted);
      inserted += written.length - updates.length;
      updated = updates.length;
      if (updates.length > 0) {
        await tx.query(
          `insert into receivable_changes (org_id, receivable_id, import_id, changes)
           select $1, c.id, $2, c.changes from jsonb_to_recordset($3::jsonb) as c(id bigint, changes jsonb)`,
          [orgId, importId, JSON.stringify(updates.map((w) => changes.get(w.external_id)).filter(Boolean))],
        );
      }
    }
    for (const row of rows) this.seen.add(row.externalId, row.line);
    return { inserted, updated, unchanged: rows.length - inserted - updated, duplicates };
  }

  /** Of these receivables, those whose balance Régua changed: a payment taken here, or an agreement. */
  private async settledHere(tx: SqlExecutor, ids: number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows = await tx.query<{ id: number }>(
      `select x.id from unnest($2::bigint[]) as x(id)
        where exists (select 1 from payment_allocations a where a.org_id = $1 and a.receivable_id = x.id)
           or exists (select 1 from agreement_originals o where o.org_id = $1 and o.receivable_id = x.id)`,
      [this.target.orgId, ids],
    );
    return new Set(rows.map((r) => r.id));
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

function receivablesInsertNewSql(columns: { column: string; type: string }[]): string {
  const names = columns.map((c) => c.column);
  return `insert into receivables (org_id, creditor_id, external_id, ${names.join(', ')}, import_id)
    select $1, $2, i.external_id, ${names.map((n) => `i.${n}`).join(', ')}, $4
      from jsonb_to_recordset($3::jsonb) as i(external_id text, ${columns.map((c) => `${c.column} ${c.type}`).join(', ')})
    on conflict (org_id, creditor_id, external_id) do nothing
    returning external_id`;
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

/**
 * Precedence between the ERP's file and what Régua did: a receivable in an agreement keeps its status
 * and balance (the agreement governs it), and one Régua took a payment for or settled by an agreement
 * never gets a higher balance from a file that does not know it yet: the lower of the two stands.
 */
function keepWhatReguaSettled(
  before: Record<string, unknown>,
  record: Record<string, unknown>,
  settledHere: boolean,
): void {
  if (before.status === 'in_agreement') {
    record.status = 'in_agreement';
    record.open_cents = before.open_cents;
    return;
  }
  if (!settledHere || !['open', 'partially_paid', 'paid'].includes(record.status as string)) return;
  const open = Math.min(Number(record.open_cents), Number(before.open_cents));
  record.open_cents = open;
  record.status = open === 0 ? 'paid' : open < Number(record.original_cents) ? 'partially_paid' : 'open';
}
