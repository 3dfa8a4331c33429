import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINE, type TestDatabase } from '../../test/support/db.ts';
import { openPostgres } from '../db/client.ts';
import { claim, enqueue, type JobHandler, PermanentJobError, startWorker } from './queue.ts';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(() => test.drop());

const handler = (kind: string, run: JobHandler['run'], leaseMs = 60_000): JobHandler => ({
  kind,
  leaseMs,
  run,
});

async function waitFor(check: () => Promise<boolean>, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('job queue', () => {
  it('runs every job exactly once when several workers share the queue', async () => {
    const ran: number[] = [];
    for (let i = 0; i < 40; i++) await enqueue(test.db, { kind: 'count', orgId: null, payload: { i } });
    // On PostgreSQL each worker gets its own connection pool, as separate processes would.
    const extra =
      ENGINE === 'postgres' && test.url
        ? [await openPostgres(test.url, { max: 2 }), await openPostgres(test.url, { max: 2 })]
        : [];
    const dbs = [test.db, ...extra];
    const workers = dbs.map((db) =>
      startWorker(
        db,
        [
          handler('count', async (job) => {
            ran.push(job.payload.i as number);
            await new Promise((r) => setTimeout(r, 2));
          }),
        ],
        { pollMs: 20, concurrency: 2 },
      ),
    );
    await waitFor(async () => ran.length >= 40);
    await Promise.all(workers.map((w) => w.stop()));
    await Promise.all(extra.map((db) => db.close()));
    expect(ran.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const [row] = await test.db.query<{ n: number }>(
      `select count(*)::int as n from jobs where kind = 'count' and status = 'done'`,
    );
    expect(row?.n).toBe(40);
  });

  it('retries a failing job with backoff and stops at once on a permanent error', async () => {
    const transient = await enqueue(test.db, { kind: 'flaky', orgId: null, payload: {}, maxAttempts: 3 });
    const permanent = await enqueue(test.db, { kind: 'broken', orgId: null, payload: {} });
    const worker = startWorker(
      test.db,
      [
        handler('flaky', async () => {
          throw new Error('provider timed out');
        }),
        handler('broken', async () => {
          throw new PermanentJobError('bad payload');
        }),
      ],
      { pollMs: 20 },
    );
    await waitFor(async () => {
      const rows = await test.db.query<{ n: number }>(
        `select count(*)::int as n from jobs where id = any($1::bigint[]) and attempts > 0 and status <> 'running'`,
        [[transient, permanent]],
      );
      return rows[0]?.n === 2;
    });
    await worker.stop();
    const rows = await test.db.query<{
      id: number;
      status: string;
      attempts: number;
      lastError: string;
      later: boolean;
    }>(
      `select id, status, attempts, last_error as "lastError", run_at > now() as later from jobs where id = any($1::bigint[]) order by id`,
      [[transient, permanent]],
    );
    expect(rows[0]).toMatchObject({
      status: 'queued',
      attempts: 1,
      lastError: 'provider timed out',
      later: true,
    });
    expect(rows[1]).toMatchObject({ status: 'failed', attempts: 1, lastError: 'bad payload' });
  });

  it('gives a job whose worker died to another worker when the lease ends', async () => {
    const id = await enqueue(test.db, { kind: 'lease', orgId: null, payload: {} });
    const handlers = new Map([['lease', handler('lease', async () => {}, 50)]]);
    const first = await claim(test.db, 'dead-worker', handlers);
    expect(first?.id).toBe(id);
    expect(await claim(test.db, 'other-worker', handlers)).toBeNull();
    await new Promise((r) => setTimeout(r, 120));
    const second = await claim(test.db, 'other-worker', handlers);
    expect(second).toMatchObject({ id, attempts: 2 });
  });
});
