/**
 * The score's background work, on the one job queue (src/jobs/queue.ts): once an organization's business
 * day is planned, the scheduler enqueues one `score.refresh` job for that date; a worker retrains each
 * creditor's model on its history and rescores its open cases. Re-runs are harmless: a day's model
 * replaces that day's (unique key), and scores are upserted per debtor.
 */
import { scopeFor } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { type Job, type JobHandler, PermanentJobError } from '../jobs/queue.ts';
import { type CalendarDate, isCalendarDate } from '../shared/dates.ts';
import { trainCreditor } from './scoring.ts';

export const SCORE_JOB = 'score.refresh';

/** Enqueues the day's scoring of the organization unless a job for that date exists already. */
export async function enqueueDailyScoring(
  db: Pick<Database, 'query'>,
  orgId: number,
  date: CalendarDate,
): Promise<boolean> {
  const rows = await db.query(
    `insert into jobs (org_id, kind, payload, max_attempts)
     select $1, $2, jsonb_build_object('orgId', $1::bigint, 'date', $3::text), 3
      where not exists (select 1 from jobs where org_id = $1 and kind = $2 and payload ->> 'date' = $3::text)
     returning id`,
    [orgId, SCORE_JOB, date],
  );
  return rows.length > 0;
}

export function scoreJobHandler(db: Database): JobHandler {
  return {
    kind: SCORE_JOB,
    leaseMs: 10 * 60_000,
    async run(job: Job, ctx) {
      const orgId = job.orgId ?? Number(job.payload.orgId);
      const date = String(job.payload.date ?? '');
      if (!Number.isSafeInteger(orgId) || orgId <= 0)
        throw new PermanentJobError('the job names no organization');
      if (!isCalendarDate(date)) throw new PermanentJobError(`not a date: ${date}`);
      const [org] = await db.query<{ timeZone: string }>(
        'select time_zone as "timeZone" from organizations where id = $1',
        [orgId],
      );
      if (!org) throw new PermanentJobError(`organization ${orgId} does not exist`);
      const scope = scopeFor({ orgId, role: 'admin', creditorIds: [], userId: null, timeZone: org.timeZone });
      const creditors = await db.query<{ id: number }>(
        'select id from creditors where org_id = $1 order by id',
        [orgId],
      );
      for (const c of creditors) {
        await trainCreditor(db, scope, c.id, { asOf: date });
        await ctx.extendLease();
      }
    },
  };
}
