import { and, asc, eq, gte, ilike, inArray, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Scope } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { addDays, todayIn } from '../shared/dates.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { debtors, type ReceivableStatus, receivables } from './schema.ts';

export type Receivable = {
  id: number;
  creditorId: number;
  debtorId: number;
  debtorName: string;
  debtorDocument: string;
  externalId: string;
  documentNumber: string | null;
  installmentNumber: number | null;
  installmentCount: number | null;
  issueDate: string | null;
  dueDate: string;
  originalCents: number;
  openCents: number;
  status: ReceivableStatus;
  daysPastDue: number;
  nossoNumero: string | null;
  pixTxid: string | null;
};

export type ReceivableFilter = {
  creditorId?: number;
  debtorId?: number;
  status?: ReceivableStatus[];
  dueFrom?: string;
  dueTo?: string;
  /** Days past due as of today in the organization's time zone (open balances only). */
  dpdMin?: number;
  dpdMax?: number;
  q?: string;
  cursor?: string;
  limit?: number;
};

const OPEN: ReceivableStatus[] = ['open', 'partially_paid'];

/** Receivables in due-date order with keyset pagination; every filter is optional but the scope. */
export async function listReceivables(
  db: Database,
  scope: Scope,
  filter: ReceivableFilter,
): Promise<{ items: Receivable[]; nextCursor: string | null }> {
  const today = todayIn(scope.timeZone);
  // The route caps a page at 500; CSV exports read 2,000 at a time (EXPORT_BATCH_SIZE).
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 2_000);
  const conditions: (SQL | undefined)[] = [eq(receivables.orgId, scope.orgId)];
  if (scope.creditorIds !== null) conditions.push(inArray(receivables.creditorId, scope.creditorIds));
  if (filter.creditorId !== undefined) conditions.push(eq(receivables.creditorId, filter.creditorId));
  if (filter.debtorId !== undefined) conditions.push(eq(receivables.debtorId, filter.debtorId));
  if (filter.status?.length) conditions.push(inArray(receivables.status, filter.status));
  if (filter.dueFrom) conditions.push(gte(receivables.dueDate, filter.dueFrom));
  if (filter.dueTo) conditions.push(lte(receivables.dueDate, filter.dueTo));
  if (filter.dpdMin !== undefined || filter.dpdMax !== undefined) {
    conditions.push(inArray(receivables.status, OPEN));
    // days past due >= N  <=>  due_date <= today - N
    if (filter.dpdMin !== undefined)
      conditions.push(lte(receivables.dueDate, addDays(today, -filter.dpdMin)));
    if (filter.dpdMax !== undefined)
      conditions.push(gte(receivables.dueDate, addDays(today, -filter.dpdMax)));
  }
  const q = filter.q?.trim();
  if (q) {
    const digits = q.replace(/[.\-/\s]/g, '').toUpperCase();
    const escaped = q.replace(/[%_\\]/g, '\\$&');
    conditions.push(
      or(
        ilike(receivables.externalId, `${escaped}%`),
        ilike(receivables.documentNumber, `${escaped}%`),
        eq(debtors.document, digits),
        ilike(debtors.name, `%${escaped}%`),
      ),
    );
  }
  if (filter.cursor) {
    const [dueDate, id] = decodeCursor<[string, number]>(filter.cursor, ['string', 'number']);
    // A row comparison, not (a > x or a = x and b > y): PostgreSQL starts the index scan of
    // receivables_due_idx right after the cursor instead of filtering every earlier row, so page N
    // costs what page 1 does (exports read every page).
    conditions.push(sql`(${receivables.dueDate}, ${receivables.id}) > (${dueDate}::date, ${id}::bigint)`);
  }
  const rows = await withTenant(db, scope.orgId, (tx) =>
    tx.orm
      .select({
        id: receivables.id,
        creditorId: receivables.creditorId,
        debtorId: receivables.debtorId,
        debtorName: debtors.name,
        debtorDocument: debtors.document,
        externalId: receivables.externalId,
        documentNumber: receivables.documentNumber,
        installmentNumber: receivables.installmentNumber,
        installmentCount: receivables.installmentCount,
        issueDate: receivables.issueDate,
        dueDate: receivables.dueDate,
        originalCents: receivables.originalCents,
        openCents: receivables.openCents,
        status: receivables.status,
        nossoNumero: receivables.nossoNumero,
        pixTxid: receivables.pixTxid,
        daysPastDue:
          sql<number>`case when ${receivables.status} in ('open','partially_paid') and ${receivables.dueDate} < ${today}::date
        then (${today}::date - ${receivables.dueDate})::int else 0 end`.mapWith(Number),
      })
      .from(receivables)
      .innerJoin(debtors, and(eq(debtors.orgId, receivables.orgId), eq(debtors.id, receivables.debtorId)))
      .where(and(...conditions))
      .orderBy(asc(receivables.dueDate), asc(receivables.id))
      .limit(limit + 1),
  );
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.dueDate, last.id]) : null };
}
