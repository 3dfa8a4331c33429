import type { Database } from '../db/client.ts';
import { enqueueAlertEvaluation } from '../monitoring/jobs.ts';
import { breakOverdueAgreements } from '../payments/agreements.ts';
import { breakOverduePromises } from '../payments/allocate.ts';
import { registerPendingCharges } from '../payments/collectionAccount.ts';
import { enqueueDailyScoring } from '../scoring/jobs.ts';
import { isBankBusinessDay, localDateIn } from './calendar.ts';
import { type PlanResult, planDay } from './planner.ts';

/** Planning starts at this local hour, before the first contact window opens at 08:00. */
export const PLAN_HOUR = 6;

/**
 * One pass of the scheduler: plans today for each organization whose local clock has passed PLAN_HOUR
 * and whose business date has no finished run yet.
 */
export async function schedulerTick(
  db: Database,
  now: Date,
  options: {
    stopped?: () => boolean;
    onPlanned?: (orgId: number, result: PlanResult) => void;
    /** To register with the PSP the Pix charges that could not be registered when their agreement was made. */
    secretKey?: Buffer | null;
  } = {},
): Promise<void> {
  const orgs = await db.query<{ id: number; timeZone: string; done: string[] }>(
    `select o.id, o.time_zone as "timeZone",
            coalesce(array_agg(r.plan_date::text) filter (where r.status = 'done'), '{}') as done
       from organizations o
       left join plan_runs r on r.org_id = o.id and r.plan_date >= $1::date - 2
      group by o.id order by o.id`,
    [now],
  );
  for (const org of orgs) {
    if (options.stopped?.()) return;
    if (options.secretKey) await registerPendingCharges(db, org.id, options.secretKey);
    // The alerts (src/monitoring) are evaluated by a job, enqueued at most once an hour.
    await enqueueAlertEvaluation(db, org.id);
    const date = localDateIn(now, org.timeZone);
    const hour = Number(
      new Intl.DateTimeFormat('en-GB', { timeZone: org.timeZone, hour: '2-digit', hour12: false }).format(
        now,
      ),
    );
    // Nothing is planned on weekends and bank holidays (planDay checks too): no need to look every minute.
    if (hour < PLAN_HOUR || org.done.includes(date) || !isBankBusinessDay(date)) continue;
    // Promises whose date passed unpaid are broken before the day is planned: the cadence resumes.
    await breakOverduePromises(db, org.id, date);
    // So are agreements with a payment late beyond their tolerance: the originals come back.
    await breakOverdueAgreements(db, org.id, date);
    const result = await planDay(db, org.id, date, { now });
    // The behavioural scores (src/scoring) are retrained and refreshed by a job, once per business day.
    if (result.businessDay) await enqueueDailyScoring(db, org.id, date);
    if (result.businessDay) options.onPlanned?.(org.id, result);
  }
}

/**
 * The built-in scheduler: every `everyMs`, plans today for each organization whose business date has
 * no finished run yet and whose local clock has passed PLAN_HOUR. `planDay` skips weekends and bank
 * holidays, and is idempotent, so several processes running this at once plan each day once.
 */
export function startScheduler(
  db: Database,
  options: {
    everyMs?: number;
    now?: () => Date;
    onPlanned?: (orgId: number, result: PlanResult) => void;
    onError?: (error: unknown) => void;
    secretKey?: Buffer | null;
  } = {},
): { stop(): Promise<void> } {
  let stopped = false;
  let running: Promise<void> | null = null;
  const tick = () =>
    schedulerTick(db, options.now?.() ?? new Date(), {
      stopped: () => stopped,
      onPlanned: options.onPlanned,
      secretKey: options.secretKey,
    });
  const run = () => {
    if (stopped || running) return;
    running = tick()
      .catch((error) => options.onError?.(error))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(run, options.everyMs ?? 60_000);
  run();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
