/**
 * Crash safety: the server is killed with SIGKILL in the middle of an import and started again on the
 * same database. The import finishes, and every row is stored and counted exactly once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createTestDatabase, ENGINE, type TestDatabase } from '../support/db.ts';
import { PASSWORD, seedTwoOrganizations } from '../support/seed.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ROWS = 40_000;

let dataDir = '';
let pg: TestDatabase | null = null;
let creditorId = 0;
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (ENGINE === 'postgres') {
    pg = await createTestDatabase('postgres');
    creditorId = (await seedTwoOrganizations(pg.db)).a.otherCreditorId;
  } else {
    dataDir = await mkdtemp(join(tmpdir(), 'regua-crash-'));
    const db = await openPglite(dataDir);
    await migrate(db);
    creditorId = (await seedTwoOrganizations(db)).a.otherCreditorId;
    await db.close();
  }
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await pg?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Starts `regua start` as its own process and resolves with its URL once it listens. */
function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const env = {
    ...process.env,
    PORT: '0',
    REGUA_DEMO: 'false',
    LOG_LEVEL: 'warn',
    ...(pg?.url ? { DATABASE_URL: pg.url } : { REGUA_DATA_DIR: dataDir, DATABASE_URL: '' }),
  };
  const child = spawn(process.execPath, ['src/cli/main.ts', 'start'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/[\d.:]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

async function login(url: string): Promise<Record<string, string>> {
  const response = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'manager@alfa.test', password: PASSWORD }),
  });
  const cookies = response.headers.getSetCookie().map((c) => c.split(';')[0] ?? '');
  const csrf = cookies.find((c) => c.startsWith('regua_csrf='))?.slice('regua_csrf='.length) ?? '';
  return { cookie: cookies.join('; '), 'x-csrf-token': decodeURIComponent(csrf) };
}

type Progress = {
  status: string;
  processedRows: number;
  imported: number;
  rejected: number;
  unchanged: number;
};

describe('a server killed during an import', () => {
  it('finishes the import after a restart, with every row stored and counted exactly once', async () => {
    const lines = ['id;cpf_cnpj;nome;vencimento;valor'];
    for (let i = 0; i < ROWS; i++)
      lines.push(`K-${i};390.533.447-05;Crash Test;10/05/2026;${(i % 900) + 1},00`);
    const first = await startServer();
    let auth = await login(first.url);
    const upload = await fetch(`${first.url}/api/v1/imports?creditorId=${creditorId}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: `${lines.join('\n')}\n`,
    });
    expect(upload.status).toBe(202);
    const { id } = (await upload.json()) as { id: number };

    // Kill it once some batches have committed and the rest have not.
    let seen: Progress | null = null;
    for (let i = 0; i < 1_200; i++) {
      const response = await fetch(`${first.url}/api/v1/imports/${id}`, { headers: auth });
      seen = (await response.json()) as Progress;
      if (seen.processedRows > 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    expect(seen?.status).toBe('running');
    expect(seen?.processedRows).toBeGreaterThan(0);
    expect(seen?.processedRows).toBeLessThan(ROWS);

    const second = await startServer();
    auth = await login(second.url);
    let done: Progress | null = null;
    for (let i = 0; i < 1_200 && done?.status !== 'completed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      done = (await (
        await fetch(`${second.url}/api/v1/imports/${id}`, { headers: auth })
      ).json()) as Progress;
    }
    expect(done).toMatchObject({
      status: 'completed',
      processedRows: ROWS,
      imported: ROWS,
      unchanged: 0,
      rejected: 0,
    });
    const page = await fetch(`${second.url}/api/v1/receivables?creditorId=${creditorId}&q=K-39999`, {
      headers: auth,
    });
    expect(((await page.json()) as { items: unknown[] }).items).toHaveLength(1);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  });
});
