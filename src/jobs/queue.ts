import { hostname } from 'node:os';
import type { Database } from '../db/client.ts';
import { isAlive } from '../db/lock.ts';

export type Job = {
  id: number;
  orgId: number | null;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  maxAttempts: number;
};

/** A job definition: what it does, and whether an error is worth retrying. */
export type JobHandler = {
  kind: string;
  /** How long a claim lasts before another worker may take the job over (ms). */
  leaseMs: number;
  run(job: Job, ctx: { extendLease: () => Promise<void> }): Promise<void>;
  /** Called when the job will not be retried. */
  onGiveUp?(job: Job, error: Error): Promise<void>;
};

/** An error that retrying cannot fix (bad payload, missing record). */
export class PermanentJobError extends Error {}

export async function enqueue(
  db: Pick<Database, 'query'>,
  job: { kind: string; orgId: number | null; payload: Record<string, unknown>; maxAttempts?: number },
): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    'insert into jobs (org_id, kind, payload, max_attempts) values ($1, $2, $3, $4) returning id',
    [job.orgId, job.kind, JSON.stringify(job.payload), job.maxAttempts ?? 5],
  );
  if (!row) throw new Error('job insert returned nothing');
  return row.id;
}

/**
 * Claims the next due job of the given kinds. `FOR UPDATE SKIP LOCKED` lets any number of worker
 * processes claim concurrently without taking the same job; a running job whose lease ended (its
 * worker died) is due again.
 */
export async function claim(
  db: Database,
  workerId: string,
  handlers: Map<string, JobHandler>,
): Promise<Job | null> {
  const kinds = [...handlers.keys()];
  const [row] = await db.query<Job & { kind: string }>(
    `with next as (
       select id from jobs
        where kind = any($2::text[])
          and ((status = 'queued' and run_at <= now()) or (status = 'running' and locked_until < now()))
        order by run_at, id
        limit 1
        for update skip locked
     )
     update jobs j set status = 'running', attempts = j.attempts + 1, locked_by = $1,
            locked_until = now() + make_interval(secs => $3::double precision / 1000)
       from next where j.id = next.id
     returning j.id, j.org_id as "orgId", j.kind, j.payload, j.attempts, j.max_attempts as "maxAttempts"`,
    [workerId, kinds, Math.max(...[...handlers.values()].map((h) => h.leaseMs))],
  );
  return row ?? null;
}

async function finish(
  db: Database,
  job: Job,
  workerId: string,
  error: Error | null,
  handler: JobHandler | undefined,
) {
  if (!error) {
    await db.query(
      `update jobs set status = 'done', finished_at = now(), locked_by = null, locked_until = null, last_error = null
        where id = $1 and locked_by = $2`,
      [job.id, workerId],
    );
    return;
  }
  const permanent = error instanceof PermanentJobError || job.attempts >= job.maxAttempts;
  if (permanent) {
    await db.query(
      `update jobs set status = 'failed', finished_at = now(), locked_by = null, locked_until = null, last_error = $3
        where id = $1 and locked_by = $2`,
      [job.id, workerId, error.message],
    );
    await handler?.onGiveUp?.(job, error);
    return;
  }
  // Exponential backoff: 2 s, 4 s, 8 s ... capped at 10 minutes.
  const delayMs = Math.min(2_000 * 2 ** (job.attempts - 1), 600_000);
  await db.query(
    `update jobs set status = 'queued', run_at = now() + make_interval(secs => $4::double precision / 1000),
            locked_by = null, locked_until = null, last_error = $3
      where id = $1 and locked_by = $2`,
    [job.id, workerId, error.message, delayMs],
  );
}

/**
 * Runs work in this process as a job it already holds: the row is created running, with a lease this
 * process renews through `extendLease`. If the process dies, the lease lapses and a worker takes the job
 * over, so the work is never left looking alive forever.
 */
export async function runAsJob<T>(
  db: Database,
  job: { kind: string; orgId: number | null; payload: Record<string, unknown>; leaseMs: number },
  work: (extendLease: () => Promise<void>) => Promise<T>,
): Promise<T> {
  const owner = `${hostname()}:${process.pid}:inline`;
  const lease = (ms: number) => `now() + make_interval(secs => ${Number(ms)}::double precision / 1000)`;
  const [row] = await db.query<{ id: number }>(
    `insert into jobs (org_id, kind, payload, status, attempts, max_attempts, locked_by, locked_until)
     values ($1, $2, $3, 'running', 1, 1, $4, ${lease(job.leaseMs)}) returning id`,
    [job.orgId, job.kind, JSON.stringify(job.payload), owner],
  );
  if (!row) throw new Error('job insert returned nothing');
  const extendLease = async () => {
    await db.query(`update jobs set locked_until = ${lease(job.leaseMs)} where id = $1 and locked_by = $2`, [
      row.id,
      owner,
    ]);
  };
  try {
    const result = await work(extendLease);
    await db.query(
      `update jobs set status = 'done', finished_at = now(), locked_by = null, locked_until = null where id = $1`,
      [row.id],
    );
    return result;
  } catch (error) {
    await db.query(
      `update jobs set status = 'failed', finished_at = now(), locked_by = null, locked_until = null, last_error = $2 where id = $1`,
      [row.id, error instanceof Error ? error.message : String(error)],
    );
    throw error;
  }
}

/**
 * Frees the jobs held by dead processes of this host (a server killed mid-job) so they are taken over
 * at once instead of when their lease ends. Jobs of other hosts wait for their lease as usual.
 */
export async function releaseOrphanedJobs(db: Database): Promise<number> {
  const host = hostname();
  const holders = await db.query<{ lockedBy: string }>(
    `select distinct locked_by as "lockedBy" from jobs where status = 'running' and locked_by like $1`,
    [`${host}:%`],
  );
  const dead = holders
    .map((h) => h.lockedBy)
    .filter((owner) => {
      const pid = Number(owner.split(':')[1]);
      return Number.isInteger(pid) && pid !== process.pid && !isAlive(pid);
    });
  if (dead.length === 0) return 0;
  const released = await db.query(
    `update jobs set locked_until = now() - interval '1 second'
      where status = 'running' and locked_by = any($1::text[]) returning id`,
    [dead],
  );
  return released.length;
}

export type Worker = { wake(): void; stop(): Promise<void>; readonly id: string };

/**
 * Runs jobs until stopped: polls every `pollMs`, or at once after `wake()`. Runs up to `concurrency`
 * jobs at a time.
 */
export function startWorker(
  db: Database,
  handlers: JobHandler[],
  options: { pollMs?: number; concurrency?: number; onError?: (error: unknown) => void } = {},
): Worker {
  const id = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const byKind = new Map(handlers.map((h) => [h.kind, h]));
  const pollMs = options.pollMs ?? 1_000;
  const concurrency = options.concurrency ?? 1;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running = 0;
  const inFlight = new Set<Promise<void>>();

  const runOne = async (job: Job) => {
    const handler = byKind.get(job.kind);
    let failure: Error | null = null;
    try {
      if (!handler) throw new PermanentJobError(`no handler for job kind ${job.kind}`);
      await handler.run(job, {
        extendLease: async () => {
          await db.query(
            `update jobs set locked_until = now() + make_interval(secs => $3::double precision / 1000) where id = $1 and locked_by = $2`,
            [job.id, id, handler.leaseMs],
          );
        },
      });
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
    await finish(db, job, id, failure, handler);
  };

  const tick = async () => {
    timer = null;
    if (stopped) return;
    try {
      while (!stopped && running < concurrency) {
        const job = await claim(db, id, byKind);
        if (!job) break;
        running++;
        const task = runOne(job)
          .catch((error) => options.onError?.(error))
          .finally(() => {
            running--;
            inFlight.delete(task);
            schedule(0);
          });
        inFlight.add(task);
      }
    } catch (error) {
      options.onError?.(error);
    }
    schedule(pollMs);
  };

  const schedule = (ms: number) => {
    if (stopped) return;
    if (timer) {
      if (ms > 0) return;
      clearTimeout(timer);
    }
    timer = setTimeout(() => void tick(), ms);
  };

  schedule(0);
  return {
    id,
    wake: () => schedule(0),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await Promise.allSettled([...inFlight]);
    },
  };
}
