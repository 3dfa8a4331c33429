import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The one background-work mechanism: rows claimed with FOR UPDATE SKIP LOCKED by any worker process.
 * A worker holds a lease (`locked_until`); a job whose worker died is claimed again when the lease ends.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    orgId: bigint('org_id', { mode: 'number' }),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status').$type<'queued' | 'running' | 'done' | 'failed'>().notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(5),
    runAt: timestamp('run_at', { withTimezone: true }).notNull().defaultNow(),
    lockedBy: text('locked_by'),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('jobs_ready_idx').on(t.runAt).where(sql`${t.status} in ('queued','running')`),
    // The scheduler's once-an-hour and once-a-day enqueues look up an organization's jobs of a kind.
    index('jobs_org_kind_idx').on(t.orgId, t.kind, t.createdAt),
    check('jobs_status_check', sql`${t.status} in ('queued','running','done','failed')`),
  ],
);
