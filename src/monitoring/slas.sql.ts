/**
 * The SLAs' SQL: every receivable that fell due in the period (first contact) and every debtor reply
 * that opened a turn (answer), each judged against its creditor's target, from stored facts. Set-based:
 * the receivables of the period by due date, their changes of balance since the period began, the
 * replies of the period matched to debtors by number, and the first contact or answer of each found
 * through the messages' and tasks' debtor indexes. docs/MONITORING.md gives the rules.
 */
import { balanceMovesSql, type ScopeSql, startOfDay } from '../kpis/kpis.sql.ts';

/**
 * Outbound messages that are not the operation reaching a debtor: answers the system gives by itself
 * to what the debtor did (the WhatsApp assistant's replies, opt-out confirmations, portal codes).
 * Calls count by their collector task, not by the phone message that queued them.
 */
export const AUTOMATIC_PURPOSES = ['conversation', 'opt_out_confirmation', 'portal_code'] as const;
const AUTOMATIC = `(${AUTOMATIC_PURPOSES.map((p) => `'${p}'`).join(', ')})`;

export type SlaArgs = {
  from: string;
  to: string;
  /** Today in the organization's time zone, and now (timestamptz). */
  today: string;
  now: string;
  next: string;
  defaultDays: string;
  defaultHours: string;
  /** bigint[] of the creditors seen, or null for all of them. */
  creditors: string;
};

const inCreditors = (a: SlaArgs, column: string) =>
  ` and (${a.creditors} is null or ${column} = any(${a.creditors}))`;

/**
 * CTEs `contacts` (a row per receivable that fell due in the period unpaid: its first contact and
 * outcome) and `replies` (a row per debtor reply that opened a turn: its answer and outcome). Each has
 * `creditor_id`, `debtor_id`, `id`, `at` (the due date's end or the reply's time), `answered_at`,
 * `elapsed` (days, or seconds) and `outcome` (met, breached, pending, not_needed).
 */
export function slaCtes(s: ScopeSql, a: SlaArgs): string {
  const { org, tz } = s;
  const sinceCut = `(${a.from} - 1)`;
  return `
targets as (
  select c.id as creditor_id, coalesce(t.first_contact_days, ${a.defaultDays}) as days,
         coalesce(t.reply_hours, ${a.defaultHours}) as hours
    from creditors c
    left join sla_targets t on t.org_id = c.org_id and t.creditor_id = c.id
   where c.org_id = ${org}${inCreditors(a, 'c.id')}
),
moves as materialized (${balanceMovesSql(s, { next: a.next, sinceCut, start: sinceCut, agreements: null })}
),
due as materialized (
  select r.id, r.creditor_id, r.debtor_id, r.due_date, tg.days as target,
         (case when r.status in ('open', 'partially_paid') then r.open_cents else 0 end) as open_now
    from receivables r join targets tg on tg.creditor_id = r.creditor_id
   where r.org_id = ${org} and r.due_date between ${a.from} and ${a.to}${inCreditors(a, 'r.creditor_id')}
),
-- The operation's contact attempts since the period began (a message handed to a provider on any
-- channel but phone, or a call task done), read by their dates' indexes: every first contact and
-- every answer the statement looks for is one of these.
events as materialized (
  select m.debtor_id, m.creditor_id, m.sent_at as at
    from outbound_messages m
   where m.org_id = ${org} and m.sent_at >= ${startOfDay(a.from, tz)} and m.channel <> 'phone'
     and m.purpose not in ${AUTOMATIC}${inCreditors(a, 'm.creditor_id')}
  union all
  select t.debtor_id, t.creditor_id, t.done_at
    from collector_tasks t
   where t.org_id = ${org} and t.status = 'done' and t.done_at >= ${startOfDay(a.from, tz)}${inCreditors(a, 't.creditor_id')}
),
late as materialized (
  select d.*, d.open_now - coalesce(l.after_due, 0) as overdue, d.open_now - coalesce(l.after_deadline, 0) as open_at_deadline
    from due d
    left join (select m.id, sum(m.delta) filter (where m.moved_on > m.due_date) as after_due,
                      sum(m.delta) filter (where m.moved_on > m.due_date + dd.target) as after_deadline
                 from moves m join due dd on dd.id = m.id group by m.id) l on l.id = d.id
),
contacted as (
  select l.*, f.answered_at
    from late l
    left join (select l2.id, min(e.at) as answered_at
                 from late l2 join events e on e.debtor_id = l2.debtor_id and e.creditor_id = l2.creditor_id
                                           and e.at >= ${startOfDay('l2.due_date + 1', tz)}
                where l2.overdue > 0
                group by l2.id) f on f.id = l.id
   where l.overdue > 0
),
contacts as (
  select c.creditor_id, c.debtor_id, c.id, ${startOfDay('c.due_date + 1', tz)} as at, c.answered_at,
         c.target, (c.answered_at at time zone ${tz})::date - c.due_date as elapsed,
         case when c.answered_at is not null and (c.answered_at at time zone ${tz})::date - c.due_date <= c.target then 'met'
              when ${a.today} - c.due_date <= c.target then 'pending'
              when c.open_at_deadline <= 0 then 'not_needed'
              else 'breached' end as outcome
    from contacted c
),
received as materialized (
  select i.id, i.sent_at, translate(i.from_address, '+ ()-', '') as digits
    from inbound_messages i
   where i.org_id = ${org} and i.channel in ('whatsapp', 'sms')
     and i.sent_at >= ${startOfDay(a.from, tz)} and i.sent_at < ${startOfDay(`${a.to} + 1`, tz)}
),
-- The debtors whose numbers wrote in the period (one pass over the scope's debtors, hashed against
-- the few numbers that wrote).
numbers as materialized (
  select distinct d.id as debtor_id, d.creditor_id, translate(x.n, '+ ()-', '') as digits
    from debtors d cross join lateral unnest(d.phones || d.whatsapp) as x(n)
   where d.org_id = ${org} and x.n is not null${inCreditors(a, 'd.creditor_id')}
     and translate(x.n, '+ ()-', '') in (select digits from received)
),
inbound as materialized (
  select r.id, r.sent_at, n.debtor_id, n.creditor_id
    from received r join numbers n on n.digits = r.digits
),
answered as (
  select i.*, f.answered_at
    from inbound i
    left join (select i2.id, i2.debtor_id, min(e.at) as answered_at
                 from inbound i2 join events e on e.debtor_id = i2.debtor_id and e.at > i2.sent_at
                group by i2.id, i2.debtor_id) f on f.id = i.id and f.debtor_id = i.debtor_id
),
turns as (
  select a.*, lag(a.answered_at) over (partition by a.debtor_id order by a.sent_at, a.id) as previous_answered_at,
         row_number() over (partition by a.debtor_id order by a.sent_at, a.id) as n
    from answered a
),
replies as (
  select t.creditor_id, t.debtor_id, t.id, t.sent_at as at, t.answered_at, tg.hours as target,
         extract(epoch from t.answered_at - t.sent_at)::bigint as elapsed,
         case when t.answered_at is not null and t.answered_at <= t.sent_at + make_interval(hours => tg.hours) then 'met'
              when ${a.now} <= t.sent_at + make_interval(hours => tg.hours) then 'pending'
              else 'breached' end as outcome
    from turns t join targets tg on tg.creditor_id = t.creditor_id
   -- A reply opens a turn when it is the debtor's first of the period or the one before it was answered
   -- by then; the replies that follow an unanswered one wait in the same turn.
   where t.n = 1 or t.previous_answered_at <= t.sent_at
)`;
}

/** Per creditor and kind: how many met, breached, pending, not needed; the median and p90 of `elapsed`. */
export function slaSummarySql(s: ScopeSql, a: SlaArgs): string {
  return `
with ${slaCtes(s, a)},
items as (
  select 'first_contact' as kind, creditor_id, outcome, elapsed from contacts
  union all
  select 'reply', creditor_id, outcome, elapsed from replies
)
select tg.creditor_id as "creditorId", tg.days as "firstContactDays", tg.hours as "replyHours",
       coalesce((select json_agg(json_build_object(
                   'kind', k.kind, 'met', k.met, 'breached', k.breached, 'pending', k.pending, 'notNeeded', k.not_needed,
                   'median', k.median, 'p90', k.p90))
                   from (select kind,
                                count(*) filter (where outcome = 'met') as met,
                                count(*) filter (where outcome = 'breached') as breached,
                                count(*) filter (where outcome = 'pending') as pending,
                                count(*) filter (where outcome = 'not_needed') as not_needed,
                                percentile_disc(0.5) within group (order by elapsed) as median,
                                percentile_disc(0.9) within group (order by elapsed) as p90
                           from items i where i.creditor_id = tg.creditor_id group by kind) k), '[]') as kinds
  from targets tg
 order by tg.creditor_id`;
}

/** The breaches of one kind, latest first, a page at a time (keyset on `at`, `id`). */
export function slaBreachesSql(
  s: ScopeSql,
  a: SlaArgs & { kind: 'first_contact' | 'reply'; afterAt: string; afterId: string; limit: string },
): string {
  const table = a.kind === 'first_contact' ? 'contacts' : 'replies';
  return `
with ${slaCtes(s, a)}
select b.creditor_id as "creditorId", b.debtor_id as "debtorId", d.name, b.id, b.at, b.answered_at as "answeredAt",
       b.elapsed, b.target
  from ${table} b join debtors d on d.org_id = ${s.org} and d.id = b.debtor_id
 where b.outcome = 'breached'
   and (${a.afterAt}::timestamptz is null or b.at < ${a.afterAt} or (b.at = ${a.afterAt} and b.id < ${a.afterId}))
 order by b.at desc, b.id desc
 limit ${a.limit}`;
}
