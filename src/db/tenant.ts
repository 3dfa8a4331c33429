import type { Database, SqlExecutor } from './client.ts';

/**
 * Makes the current transaction tenant work: it runs as the role `regua_app` with the transaction-local
 * setting `regua.org_id`, so PostgreSQL's row-level security policies show and accept only that
 * organization's rows, even if a query forgets its `org_id` filter. Both settings end with the
 * transaction: a pooled connection never carries a tenant to the next request.
 */
export async function enterTenant(tx: SqlExecutor, orgId: number): Promise<void> {
  await tx.query(tenantPrelude(orgId));
}

/** The statement that makes a transaction tenant work; the id is checked to be a positive integer. */
function tenantPrelude(orgId: number): string {
  if (!Number.isSafeInteger(orgId) || orgId <= 0) throw new Error(`invalid organization id ${orgId}`);
  return `select set_config('regua.org_id', '${orgId}', true), set_config('role', 'regua_app', true)`;
}

/** Runs `work` in one transaction as tenant work of the organization (see enterTenant). */
export function withTenant<T>(
  db: Database,
  orgId: number,
  work: (tx: SqlExecutor) => Promise<T>,
): Promise<T> {
  const joined = tenantOf.get(db);
  if (joined !== undefined) {
    // Inside inTransaction: already tenant work of its organization, and never of another.
    if (joined.orgId !== orgId)
      throw new Error(`organization ${orgId} asked for inside organization ${joined.orgId}'s transaction`);
    return work(joined.tx);
  }
  // The tenant settings travel with BEGIN: one round trip fewer on every tenant transaction.
  return db.transaction(work, { prelude: tenantPrelude(orgId) });
}

/** One query as tenant work of the scope's organization. */
export function tenantQuery<Row = Record<string, unknown>>(
  db: Database,
  scope: { orgId: number },
  text: string,
  params: unknown[] = [],
): Promise<Row[]> {
  return withTenant(db, scope.orgId, (tx) => tx.query<Row>(text, params));
}

/**
 * The database seen from inside the tenant transaction `tx` of organization `orgId`: every query, and
 * every transaction a function opens (withTenant included, without setting the tenant again), joins
 * `tx`. A page that reads through many data functions then costs one
 * BEGIN/COMMIT instead of one per function.
 */
export function inTransaction(db: Database, tx: SqlExecutor, orgId: number): Database {
  const joined: Database = {
    engine: db.engine,
    // A getter: building Drizzle for a transaction costs more than most queries, and few callers use it.
    get orm() {
      return tx.orm;
    },
    query: (text, params) => tx.query(text, params),
    copyCsv: (table, columns, csv) => tx.copyCsv(table, columns, csv),
    transaction: (fn) => fn(tx),
    withSession: () => Promise.reject(new Error('withSession is not available inside a transaction')),
    close: () => Promise.reject(new Error('close is not available inside a transaction')),
  };
  tenantOf.set(joined, { orgId, tx });
  return joined;
}

/** The tenant transactions that inTransaction views stand for. */
const tenantOf = new WeakMap<Database, { orgId: number; tx: SqlExecutor }>();
