import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENGINE } from '../../test/support/db.ts';
import { seedTwoOrganizations } from '../../test/support/seed.ts';
import { backupEmbedded, restoreEmbedded } from './backup.ts';
import { openPglite } from './client.ts';
import { lockDataDir } from './lock.ts';
import { migrate } from './migrate.ts';

const work = await mkdtemp(join(tmpdir(), 'regua-backup-'));
afterAll(() => rm(work, { recursive: true, force: true }));

const counts = async (dir: string) => {
  const db = await openPglite(dir);
  try {
    return await db.query<{ receivables: number; debtors: number }>(
      'select (select count(*)::int from receivables) as receivables, (select count(*)::int from debtors) as debtors',
    );
  } finally {
    await db.close();
  }
};

describe.runIf(ENGINE === 'pglite')('backup and restore of the embedded database', () => {
  it('restores exactly what was backed up, and never overwrites a database unasked', async () => {
    const source = join(work, 'data');
    const db = await openPglite(source);
    await migrate(db);
    await seedTwoOrganizations(db);
    await db.close();
    const file = join(work, 'backup.tar.gz');

    const held = lockDataDir(source, { kind: 'server' });
    await expect(backupEmbedded(source, file)).rejects.toThrow(/in use/);
    held();
    const { bytes } = await backupEmbedded(source, file);
    expect(bytes).toBeGreaterThan(1000);

    const target = join(work, 'restored');
    await restoreEmbedded(file, target);
    expect(await counts(target)).toEqual(await counts(source));
    await expect(restoreEmbedded(file, target)).rejects.toThrow(/--force/);
    const { keptAside } = await restoreEmbedded(file, target, { force: true });
    expect(keptAside).toMatch(/restored\.before-restore-/);
    expect(await counts(target)).toEqual(await counts(source));
  });
});
