import type { Database, SqlExecutor } from '../db/client.ts';
import { type CalendarDate, todayIn } from '../shared/dates.ts';
import { calendarRows, isBankBusinessDay, stateHolidayRows } from './calendar.ts';
import { PLAN_SQL } from './plan.sql.ts';

export type PlanResult = {
  date: CalendarDate;
  /** False when the date is a weekend or a national bank holiday: nothing is planned on it. */
  businessDay: boolean;
  /** Contacts planned (one per debtor and channel), and the receivables they cover. */
  planned: number;
  plannedReceivables: number;
  /** Receivables whose due step was not planned, by reason. */
  skipped: number;
  byChannel: Record<string, number>;
  byReason: Record<string, number>;
};

const PLAN_LOCK_CLASS = 7_324_601;
const CALENDAR_YEARS_BACK = 15;
const CALENDAR_YEARS_AHEAD = 2;

/**
 * Loads the bank calendar and state holidays around `date` into PostgreSQL, where the planner's SQL
 * reads them. Loads only what is missing; safe to call concurrently.
 */
export async function ensureCalendar(
  db: Pick<Database, 'query' | 'copyCsv'>,
  date: CalendarDate,
): Promise<void> {
  const year = Number(date.slice(0, 4));
  const from = year - CALENDAR_YEARS_BACK;
  const to = year + CALENDAR_YEARS_AHEAD;
  const [range] = await db.query<{ days: number }>(
    `select count(*)::int as days from bank_calendar
      where day between make_date($1, 1, 1) and make_date($2, 12, 31)`,
    [from, to],
  );
  const days = calendarRows(from, to);
  if (range && range.days === days.length) return;
  await db.query(
    `insert into bank_calendar (day, business, next_business_day)
     select * from jsonb_to_recordset($1::jsonb) as t(day date, business boolean, "nextBusinessDay" date)
     on conflict (day) do nothing`,
    [JSON.stringify(days)],
  );
  await db.query(
    `insert into state_holidays (day, uf, name)
     select * from jsonb_to_recordset($1::jsonb) as t(day date, uf text, name text)
     on conflict (day, uf) do nothing`,
    [JSON.stringify(stateHolidayRows(from, to))],
  );
}

/**
 * Plans one business date for one organization (see PLAN_SQL). Idempotent: a second run for the same
 * date plans nothing new. Runs as system work: the statement names the organization in every table.
 */
export async function planDay(
  db: Database,
  orgId: number,
  date: CalendarDate,
  options: { now?: Date } = {},
): Promise<PlanResult> {
  if (!isBankBusinessDay(date)) {
    return {
      date,
      businessDay: false,
      planned: 0,
      plannedReceivables: 0,
      skipped: 0,
      byChannel: {},
      byReason: {},
    };
  }
  await ensureCalendar(db, date);
  // The cadence tables are tiny and change by whole versions; fresh statistics keep the planner's
  // estimates (and so its join strategy over millions of receivables) right.
  await db.query('analyze cadence_versions, cadence_segments, cadence_steps');
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1, $2::int)', [PLAN_LOCK_CLASS, orgId]);
    // The statement is large and runs once: compiling it with JIT costs seconds and saves none.
    await tx.query('set local jit = off');
    await tx.query(
      `insert into plan_runs (org_id, plan_date, status) values ($1, $2, 'running')
       on conflict (org_id, plan_date) do update set status = 'running', finished_at = null`,
      [orgId, date],
    );
    const [row] = await tx.query<{
      byChannel: Record<string, number>;
      byReason: Record<string, number>;
      planned: number;
      plannedItems: number;
      skipped: number;
    }>(PLAN_SQL, [orgId, date, options.now ?? new Date()]);
    if (!row) throw new Error('the planner returned nothing');
    await recordRun(tx, orgId, date, row);
    return {
      date,
      businessDay: true,
      planned: row.planned,
      plannedReceivables: row.plannedItems,
      skipped: row.skipped,
      byChannel: row.byChannel,
      byReason: row.byReason,
    };
  });
}

async function recordRun(
  tx: SqlExecutor,
  orgId: number,
  date: CalendarDate,
  row: {
    byChannel: Record<string, number>;
    byReason: Record<string, number>;
    planned: number;
    skipped: number;
  },
) {
  await tx.query(
    `update plan_runs set status = 'done', finished_at = now(),
            planned = planned + $3, skipped = skipped + $4,
            by_channel = (select coalesce(jsonb_object_agg(k, v), '{}'::jsonb) from (
              select k, sum(v::int) as v from (
                select * from jsonb_each_text(by_channel) union all select * from jsonb_each_text($5::jsonb)
              ) e (k, v) group by k) s),
            by_reason = (select coalesce(jsonb_object_agg(k, v), '{}'::jsonb) from (
              select k, sum(v::int) as v from (
                select * from jsonb_each_text(by_reason) union all select * from jsonb_each_text($6::jsonb)
              ) e (k, v) group by k) s)
      where org_id = $1 and plan_date = $2`,
    [orgId, date, row.planned, row.skipped, JSON.stringify(row.byChannel), JSON.stringify(row.byReason)],
  );
}

/**
 * Plans every organization: for `date` if given, else for each organization's own business date
 * (today in its time zone). Returns the sum and the per-organization results.
 */
export async function planAll(
  db: Database,
  options: { date?: CalendarDate; now?: Date } = {},
): Promise<PlanResult & { organizations: Array<{ orgId: number; slug: string } & PlanResult> }> {
  const orgs = await db.query<{ id: number; slug: string; timeZone: string }>(
    'select id, slug, time_zone as "timeZone" from organizations order by id',
  );
  const results: Array<{ orgId: number; slug: string } & PlanResult> = [];
  for (const org of orgs) {
    const date = options.date ?? todayIn(org.timeZone, options.now);
    results.push({
      orgId: org.id,
      slug: org.slug,
      ...(await planDay(db, org.id, date, { now: options.now })),
    });
  }
  const total: PlanResult = {
    date: options.date ?? results[0]?.date ?? todayIn('America/Sao_Paulo', options.now),
    businessDay: results.some((r) => r.businessDay),
    planned: 0,
    plannedReceivables: 0,
    skipped: 0,
    byChannel: {},
    byReason: {},
  };
  for (const r of results) {
    total.planned += r.planned;
    total.plannedReceivables += r.plannedReceivables;
    total.skipped += r.skipped;
    for (const [k, v] of Object.entries(r.byChannel)) total.byChannel[k] = (total.byChannel[k] ?? 0) + v;
    for (const [k, v] of Object.entries(r.byReason)) total.byReason[k] = (total.byReason[k] ?? 0) + v;
  }
  return { ...total, organizations: results };
}
