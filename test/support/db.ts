import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openPglite, openPostgres } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';

export type Engine = 'pglite' | 'postgres';

/** The engine this test run uses: REGUA_TEST_ENGINE=pglite|postgres (vitest projects set it). */
export const ENGINE: Engine = process.env.REGUA_TEST_ENGINE === 'postgres' ? 'postgres' : 'pglite';

/** Server for PostgreSQL tests; each test file gets a database of its own on it. */
export const TEST_POSTGRES_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type TestDatabase = { db: Database; url: string | null; drop(): Promise<void> };

/** A new, migrated, empty database on the engine under test. */
export async function createTestDatabase(engine: Engine = ENGINE): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const db = await openPglite(null);
    await migrate(db);
    return { db, url: null, drop: () => db.close() };
  }
  const name = `regua_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  const db = await openPostgres(url.toString(), { max: 5 });
  await migrate(db);
  return {
    db,
    url: url.toString(),
    async drop() {
      await db.close();
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
