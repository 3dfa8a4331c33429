import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import * as schema from './schema.ts';

export type Orm = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Runs SQL on one connection; inside `transaction` every call belongs to that transaction. */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** `COPY table (cols) FROM STDIN` with CSV text. */
  copyCsv(table: string, columns: string[], csv: string): Promise<void>;
  /** Drizzle on the same connection (and transaction). */
  readonly orm: Orm;
}

export interface SqlSession extends SqlExecutor {
  /**
   * Runs `fn` in a transaction. `prelude`: SQL without parameters run first, sent with BEGIN in one
   * round trip where the driver allows it (the tenant settings, on every tenant transaction).
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: { prelude?: string }): Promise<T>;
}

export interface Database extends SqlSession {
  readonly engine: 'pglite' | 'postgres';
  readonly orm: Orm;
  /** One dedicated connection for work that needs session state (temporary tables). */
  withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const DATE_OID = 1082;
const INT8_OID = 20;
const INT8_ARRAY_OID = 1016;

function int8ToNumber(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`bigint ${value} does not fit a JavaScript number`);
  return n;
}

function copySql(table: string, columns: string[]): string {
  return `COPY ${table} (${columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN WITH (FORMAT csv)`;
}

// ---------------------------------------------------------------- PGlite

export async function openPglite(dataDir: string | null): Promise<Database> {
  if (dataDir) mkdirSync(resolve(dataDir), { recursive: true });
  const client = await PGlite.create({
    ...(dataDir ? { dataDir: resolve(dataDir) } : {}),
    parsers: {
      [DATE_OID]: (value: string) => value,
      [INT8_OID]: int8ToNumber,
      [pgliteTypes.TIMESTAMPTZ]: (value: string) => new Date(value),
    },
  });
  return pgliteDatabase(client);
}

type PgliteLike = Pick<PGlite, 'query'>;

function pgliteExecutor(client: PgliteLike): SqlExecutor {
  let orm: Orm | null = null;
  return {
    get orm() {
      orm ??= drizzlePglite({ client: client as PGlite, schema }) as unknown as Orm;
      return orm;
    },
    async query<Row>(text: string, params: unknown[] = []) {
      const result = await client.query<Row>(text, params);
      return result.rows;
    },
    async copyCsv(table, columns, csv) {
      await client.query(`${copySql(table, columns).replace('FROM STDIN', "FROM '/dev/blob'")}`, [], {
        blob: new Blob([csv]),
      });
    },
  };
}

/**
 * PGlite is one connection running on this thread, so a long background job (an import) would make
 * every web request wait behind each of its batches. Requests go first: work done through
 * `withSession` (the background lane) waits until no request query is pending.
 */
function pgliteDatabase(client: PGlite): Database {
  let foreground = 0;
  let idleWaiters: (() => void)[] = [];
  const releaseWhenIdle = () => {
    // Give the request's next query (its continuation runs in a later tick) the chance to queue first.
    setImmediate(() => {
      if (foreground > 0) return;
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const wake of waiters) wake();
    });
  };
  const asForeground = <T>(run: () => Promise<T>): Promise<T> => {
    foreground++;
    return run().finally(() => {
      foreground--;
      if (foreground === 0) releaseWhenIdle();
    });
  };
  const whenIdle = () =>
    foreground === 0 ? Promise.resolve() : new Promise<void>((wake) => idleWaiters.push(wake));

  const foregroundClient = new Proxy(client, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const bound = value.bind(target) as (...args: unknown[]) => unknown;
      if (property === 'query' || property === 'exec' || property === 'transaction') {
        return (...args: unknown[]) => asForeground(() => bound(...args) as Promise<unknown>);
      }
      return bound;
    },
  });
  const requests = pgliteExecutor(foregroundClient);
  const direct = pgliteExecutor(client);
  const background: SqlSession = {
    orm: direct.orm,
    async query(text, params) {
      await whenIdle();
      return direct.query(text, params);
    },
    async copyCsv(table, columns, csv) {
      await whenIdle();
      return direct.copyCsv(table, columns, csv);
    },
    async transaction(fn, options) {
      await whenIdle();
      return client.transaction(async (tx) => {
        if (options?.prelude) await tx.query(options.prelude);
        return fn(pgliteExecutor(tx));
      });
    },
  };
  return {
    engine: 'pglite',
    orm: requests.orm,
    query: requests.query,
    copyCsv: requests.copyCsv,
    transaction: (fn, options) =>
      foregroundClient.transaction(async (tx) => {
        if (options?.prelude) await tx.query(options.prelude);
        return fn(pgliteExecutor(tx));
      }),
    withSession: (fn) => fn(background),
    close: () => client.close(),
  };
}

// ---------------------------------------------------------------- PostgreSQL

const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === DATE_OID) return (value: string) => value;
    if (oid === INT8_OID) return int8ToNumber;
    if (oid === INT8_ARRAY_OID) {
      const parseArray = (
        pg.types.getTypeParser as (oid: number, format: string) => (value: string) => (string | null)[]
      )(oid, 'text');
      return (value: string) => parseArray(value).map((v) => (v === null ? null : int8ToNumber(v)));
    }
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Database> {
  // JIT compilation pays off for long analytic queries; Régua's big statements (planner, import
  // batches) run once each, where compiling costs seconds and saves nothing (measured: the daily plan
  // of 100,000 receivables spent 2.8 of 3.6 s compiling). Off for every connection.
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    types: pgTypes,
    options: '-c jit=off',
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on next use.
  });
  await pool.query('select 1');
  return postgresDatabase(pool);
}

/**
 * A statement marked `/* prepared:NAME *\/` at its start is prepared once per connection and then only
 * bound and executed: for the hot reads of pages asked for again and again (the debtor portal), where
 * parsing and planning would cost PostgreSQL more than running them. PGlite reads the mark as a comment.
 */
const PREPARED = /^\/\* prepared:([a-z_]+) \*\//;

function clientExecutor(client: pg.PoolClient): SqlExecutor {
  let orm: Orm | null = null;
  return {
    get orm() {
      orm ??= drizzlePg({ client, schema }) as unknown as Orm;
      return orm;
    },
    async query<Row>(text: string, params: unknown[] = []) {
      const name = PREPARED.exec(text)?.[1];
      const result = name
        ? await client.query({ name, text, values: params })
        : await client.query(text, params);
      return result.rows as Row[];
    },
    async copyCsv(table, columns, csv) {
      const stream = client.query(copyFrom(copySql(table, columns)));
      await pipeline(Readable.from([csv]), stream);
    },
  };
}

function clientSession(client: pg.PoolClient): SqlSession {
  const executor = clientExecutor(client);
  return {
    get orm() {
      return executor.orm;
    },
    query: executor.query,
    copyCsv: executor.copyCsv,
    async transaction(fn, options) {
      // One simple-protocol round trip for BEGIN and the prelude (no parameters in either).
      await client.query(options?.prelude ? `BEGIN; ${options.prelude}` : 'BEGIN');
      try {
        const result = await fn(executor);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
  };
}

function postgresDatabase(pool: pg.Pool): Database {
  const withSession = async <T>(fn: (session: SqlSession) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await fn(clientSession(client));
    } finally {
      client.release();
    }
  };
  return {
    engine: 'postgres',
    orm: drizzlePg({ client: pool, schema }) as unknown as Orm,
    async query<Row>(text: string, params: unknown[] = []) {
      const result = await pool.query(text, params);
      return result.rows as Row[];
    },
    copyCsv: (table, columns, csv) => withSession((s) => s.copyCsv(table, columns, csv)),
    transaction: (fn, options) => withSession((s) => s.transaction(fn, options)),
    withSession,
    close: () => pool.end(),
  };
}
