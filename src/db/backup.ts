import { existsSync, readdirSync, renameSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './lock.ts';

/**
 * Backs up the embedded database: a gzip'd tar of its data directory, taken under the directory's lock
 * (so never while a server writes to it). For PostgreSQL use pg_dump (README).
 */
export async function backupEmbedded(dataDir: string, file: string): Promise<{ bytes: number }> {
  if (!existsSync(resolve(dataDir, 'PG_VERSION')))
    throw new Error(`there is no embedded database in ${dataDir}`);
  const release = lockDataDir(dataDir, { kind: 'cli' });
  try {
    const db = await PGlite.create({ dataDir: resolve(dataDir) });
    try {
      const dump = await db.dumpDataDir('gzip');
      const bytes = Buffer.from(await dump.arrayBuffer());
      await writeFile(file, bytes, { mode: 0o600 });
      return { bytes: bytes.byteLength };
    } finally {
      await db.close();
    }
  } finally {
    release();
  }
}

/**
 * Restores a backup into `dataDir`. An existing database there is kept aside (renamed with a
 * timestamp) only when `force` is set; otherwise the restore refuses to touch it.
 */
export async function restoreEmbedded(
  file: string,
  dataDir: string,
  options: { force?: boolean } = {},
): Promise<{ keptAside: string | null }> {
  const dir = resolve(dataDir);
  let keptAside: string | null = null;
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!options.force) {
      throw new Error(
        `${dataDir} already holds a database; pass --force to keep it aside and restore over it`,
      );
    }
    const release = lockDataDir(dir, { kind: 'cli' });
    release();
    keptAside = `${dir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(dir, keptAside);
  }
  const dump = new Blob([await readFile(file)]);
  const db = await PGlite.create({ dataDir: dir, loadDataDir: dump });
  try {
    await db.query('select 1');
  } finally {
    await db.close();
  }
  return { keptAside };
}
