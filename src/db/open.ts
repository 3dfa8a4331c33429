import type { Config } from '../config.ts';
import { type Database, openPglite, openPostgres } from './client.ts';
import { type LockOwner, lockDataDir } from './lock.ts';
import { migrate } from './migrate.ts';

export type OpenedDatabase = { db: Database; release: () => void };

/**
 * Opens the configured database (PostgreSQL when DATABASE_URL is set, else embedded PGlite under a
 * lock) and brings its schema up to date.
 */
export async function openDatabase(
  config: Config,
  owner: Omit<LockOwner, 'pid' | 'startedAt'>,
): Promise<OpenedDatabase> {
  if (config.databaseUrl) {
    const db = await openPostgres(config.databaseUrl);
    await migrate(db);
    return { db, release: () => {} };
  }
  const release = lockDataDir(config.dataDir, owner);
  try {
    const db = await openPglite(config.dataDir);
    await migrate(db);
    return { db, release };
  } catch (error) {
    release();
    throw error;
  }
}
