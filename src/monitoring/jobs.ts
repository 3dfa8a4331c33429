/**
 * The alerts' background work, on the one job queue (src/jobs/queue.ts): the scheduler's tick enqueues
 * an evaluation per organization at most once an hour, a worker runs it. A failed run is retried by
 * the queue; a retry raises nothing twice (alerts' unique key) and sends no e-mail twice (each is a row
 * claimed before it is sent).
 */
import type { Database } from '../db/client.ts';
import { type Job, type JobHandler, PermanentJobError } from '../jobs/queue.ts';
import { type AlertMail, evaluateAlerts } from './alerts.ts';

export const ALERTS_JOB = 'monitoring.alerts';
/** How often an organization's alerts are evaluated. */
export const ALERTS_EVERY_MINUTES = 60;

/**
 * Enqueues an evaluation of the organization's alerts unless one is waiting, running, or was enqueued
 * in the last ALERTS_EVERY_MINUTES. Two schedulers racing may enqueue two: harmless, see above.
 */
export async function enqueueAlertEvaluation(db: Pick<Database, 'query'>, orgId: number): Promise<boolean> {
  const rows = await db.query(
    `insert into jobs (org_id, kind, payload, max_attempts)
     select $1, $2, jsonb_build_object('orgId', $1::bigint), 3
      where not exists (select 1 from jobs
                         where org_id = $1 and kind = $2
                           and (status in ('queued', 'running') or created_at > now() - make_interval(mins => $3)))
     returning id`,
    [orgId, ALERTS_JOB, ALERTS_EVERY_MINUTES],
  );
  return rows.length > 0;
}

export function alertsJobHandler(
  db: Database,
  mail: AlertMail | null,
  options: { now?: () => Date } = {},
): JobHandler {
  return {
    kind: ALERTS_JOB,
    leaseMs: 60_000,
    async run(job: Job) {
      const orgId = job.orgId ?? Number(job.payload.orgId);
      if (!Number.isSafeInteger(orgId) || orgId <= 0)
        throw new PermanentJobError('the job names no organization');
      await evaluateAlerts(db, orgId, { now: options.now?.() ?? new Date(), mail });
    },
  };
}
