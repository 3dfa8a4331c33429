import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createOrganization } from '../src/access/accounts.ts';
import { type Scope, scopeFor } from '../src/access/scope.ts';
import { type Database, openPglite, openPostgres } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { createCreditor } from '../src/portfolio/creditors.ts';

const POSTGRES = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type Engine = 'pglite' | 'postgres';

/** The engines a benchmark runs on: `--engine NAME`, else both. */
export function enginesFrom(value: unknown): Engine[] {
  return (typeof value === 'string' ? [value] : ['postgres', 'pglite']) as Engine[];
}

/**
 * A fresh, migrated database for a benchmark: a PGlite directory or a PostgreSQL database, dropped after.
 * `name` gives a benchmark a database (and directory) of its own, so it can run beside another one;
 * `keep` leaves the PostgreSQL database after the run, for EXPLAIN.
 */
export async function openEngine(
  engine: Engine,
  options: { name?: string; keep?: boolean } = {},
): Promise<{
  db: Database;
  cleanup: () => Promise<void>;
  /** Where the database is, for a server started in another process: DATABASE_URL or REGUA_DATA_DIR. */
  env: Record<string, string>;
}> {
  const name = options.name ?? 'regua_bench';
  if (engine === 'pglite') {
    const dir = join(tmpdir(), `${name.replaceAll('_', '-')}-${process.pid}`);
    rmSync(dir, { recursive: true, force: true });
    const db = await openPglite(dir);
    await migrate(db);
    return {
      db,
      cleanup: async () => {
        await db.close().catch(() => {});
        rmSync(dir, { recursive: true, force: true });
      },
      env: { REGUA_DATA_DIR: dir },
    };
  }
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: POSTGRES });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`drop database if exists ${name} with (force)`);
  await admin(`create database ${name}`);
  const url = new URL(POSTGRES);
  url.pathname = `/${name}`;
  const db = await openPostgres(url.toString());
  await migrate(db);
  return {
    db,
    env: { DATABASE_URL: url.toString() },
    cleanup: async () => {
      await db.close().catch(() => {});
      if (!options.keep) await admin(`drop database if exists ${name} with (force)`);
    },
  };
}

/** An organization of the benchmark with an admin Scope and one creditor (CNPJ 11.222.333/0001-81). */
export async function benchCreditor(
  db: Database,
  options: { slug?: string; name?: string; address?: Parameters<typeof createCreditor>[2]['address'] } = {},
): Promise<{ orgId: number; scope: Scope; creditorId: number }> {
  const org = await createOrganization(db, { slug: options.slug ?? 'bench', name: options.name ?? 'Bench' });
  const scope = scopeFor({
    orgId: org.id,
    role: 'admin',
    creditorIds: [],
    userId: null,
    timeZone: org.timeZone,
  });
  const creditor = await createCreditor(db, scope, {
    cnpj: '11222333000181',
    legalName: 'Bench Ltda',
    tradeName: 'Bench',
    segment: null,
    ...(options.address ? { address: options.address } : {}),
  });
  return { orgId: org.id, scope, creditorId: creditor.id };
}
