import { and, asc, eq, ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { Scope } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { tenantQuery, withTenant } from '../db/tenant.ts';
import { notFound } from '../shared/problem.ts';
import { type Address, addressOf } from './creditors.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { type ChannelPreferences, debtors } from './schema.ts';

export type Debtor = {
  id: number;
  creditorId: number;
  kind: 'person' | 'company';
  document: string;
  name: string;
  emails: string[];
  phones: string[];
  whatsapp: string | null;
  address: Address;
  tags: string[];
  channelPreferences: ChannelPreferences;
  openCents: number;
  receivablesCount: number;
};

type DebtorRow = typeof debtors.$inferSelect;

function toDebtor(row: DebtorRow, totals: { openCents: number; receivablesCount: number }): Debtor {
  return {
    id: row.id,
    creditorId: row.creditorId,
    kind: row.kind,
    document: row.document,
    name: row.name,
    emails: row.emails,
    phones: row.phones,
    whatsapp: row.whatsapp,
    address: addressOf(row),
    tags: row.tags,
    channelPreferences: row.channelPreferences,
    ...totals,
  };
}

async function totalsFor(db: Database, orgId: number, ids: number[]) {
  if (ids.length === 0) return new Map<number, { openCents: number; receivablesCount: number }>();
  const rows = await tenantQuery<{ debtorId: number; openCents: number; receivablesCount: number }>(
    db,
    { orgId },
    `select debtor_id as "debtorId",
            coalesce(sum(open_cents) filter (where status in ('open','partially_paid')), 0)::bigint as "openCents",
            count(*)::int as "receivablesCount"
       from receivables where org_id = $1 and debtor_id = any($2::bigint[]) group by debtor_id`,
    [orgId, ids],
  );
  return new Map(rows.map((r) => [r.debtorId, r]));
}

function visible(scope: Scope): SQL | undefined {
  return scope.creditorIds === null ? undefined : inArray(debtors.creditorId, scope.creditorIds);
}

export async function getDebtor(db: Database, scope: Scope, id: number): Promise<Debtor> {
  const [row] = await withTenant(db, scope.orgId, (tx) =>
    tx.orm
      .select()
      .from(debtors)
      .where(and(eq(debtors.orgId, scope.orgId), eq(debtors.id, id), visible(scope))),
  );
  if (!row) throw notFound(`debtor ${id}`);
  const totals = await totalsFor(db, scope.orgId, [id]);
  return toDebtor(row, totals.get(id) ?? { openCents: 0, receivablesCount: 0 });
}

export async function listDebtors(
  db: Database,
  scope: Scope,
  filter: { creditorId?: number; q?: string; cursor?: string; limit?: number },
): Promise<{ items: Debtor[]; nextCursor: string | null }> {
  // The route caps a page at 500; CSV exports read 2,000 at a time (EXPORT_BATCH_SIZE).
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 2_000);
  const conditions: (SQL | undefined)[] = [eq(debtors.orgId, scope.orgId), visible(scope)];
  if (filter.creditorId !== undefined) conditions.push(eq(debtors.creditorId, filter.creditorId));
  const q = filter.q?.trim();
  if (q) {
    const document = q.replace(/[.\-/\s]/g, '').toUpperCase();
    conditions.push(
      or(eq(debtors.document, document), ilike(debtors.name, `%${q.replace(/[%_\\]/g, '\\$&')}%`)),
    );
  }
  if (filter.cursor) {
    const [name, id] = decodeCursor<[string, number]>(filter.cursor, ['string', 'number']);
    // A row comparison, so the scan of debtors_name_idx starts right after the cursor (see receivables.ts).
    conditions.push(sql`(${debtors.name}, ${debtors.id}) > (${name}::text, ${id}::bigint)`);
  }
  const rows = await withTenant(db, scope.orgId, (tx) =>
    tx.orm
      .select()
      .from(debtors)
      .where(and(...conditions))
      .orderBy(asc(debtors.name), asc(debtors.id))
      .limit(limit + 1),
  );
  const page = rows.slice(0, limit);
  const totals = await totalsFor(
    db,
    scope.orgId,
    page.map((r) => r.id),
  );
  const last = page[page.length - 1];
  return {
    items: page.map((r) => toDebtor(r, totals.get(r.id) ?? { openCents: 0, receivablesCount: 0 })),
    nextCursor: rows.length > limit && last ? encodeCursor([last.name, last.id]) : null,
  };
}
