import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';

/** Who holds an embedded data directory: the process and, for a server, where it listens. */
export type LockOwner = {
  pid: number;
  kind: 'server' | 'cli';
  url?: string;
  token?: string;
  startedAt: string;
};

export class DataDirLocked extends Error {
  readonly owner: LockOwner;
  constructor(dataDir: string, owner: LockOwner) {
    super(
      owner.kind === 'server'
        ? `The embedded database in ${dataDir} is in use by the Régua server (pid ${owner.pid}${owner.url ? ` at ${owner.url}` : ''}).`
        : `The embedded database in ${dataDir} is in use by another regua command (pid ${owner.pid}).`,
    );
    this.owner = owner;
  }
}

/** Whether a process of this machine is still running. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The lock file sits beside the data directory, not in it, so a backup of the directory never carries
 * a lock with it.
 */
export function lockPath(dataDir: string): string {
  return `${resolve(dataDir)}.regua-lock`;
}

export function readLock(dataDir: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(lockPath(dataDir), 'utf8')) as LockOwner;
    return isAlive(owner.pid) ? owner : null;
  } catch {
    return null;
  }
}

/**
 * PGlite allows one process per data directory. The lock file is created exclusively; a lock left by a
 * dead process is taken over. Returns a release function.
 */
export function lockDataDir(dataDir: string, owner: Omit<LockOwner, 'pid' | 'startedAt'>): () => void {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const path = lockPath(dir);
  const record: LockOwner = { ...owner, pid: process.pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify(record));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          const current = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
          if (current.pid === process.pid) unlinkSync(path);
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLock(dir);
      if (holder) throw new DataDirLocked(dir, holder);
      try {
        unlinkSync(path); // stale: its process is gone
      } catch {
        // raced with another process taking it over
      }
    }
  }
  const holder = readLock(dir);
  throw new DataDirLocked(dir, holder ?? { pid: 0, kind: 'cli', startedAt: '' });
}
