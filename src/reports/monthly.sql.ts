/**
 * The statements of the monthly report that the KPIs (src/kpis) do not already give: where the
 * month's money came from (by day, source and aging bucket at payment), what the régua did (messages
 * by channel, purpose and status; calls by outcome; promises made) and the month's agreements. Each
 * reads one creditor of one organization, by the dates of its events in the organization's time zone;
 * the parameters are always `$1` org, `$2` creditor, `$3` first day, `$4` last day, `$5` time zone.
 */
import { bucketSql } from '../kpis/formulas.ts';

/** The instant a day starts in the organization's time zone. */
const dayStart = (date: string) => `((${date})::date::timestamp at time zone $5)`;
/** `column` falls on a day from $3 to $4 (both included), in the organization's time zone. */
const inMonth = (column: string) =>
  `${column} >= ${dayStart('$3')} and ${column} < ${dayStart('$4::date + 1')}`;

/**
 * Money collected in the month on the creditor's receivables, as the KPIs count it (`collectedCents`):
 * payments allocated to them, by the day paid, and payments the creditor's import reported (a lower
 * balance that is not a write-off or a cancellation), by the day recorded. Grouped by day, source and
 * the aging bucket the receivable was in on that day.
 */
export const recoveredSql = `
with moves as (
  select p.paid_on as day, p.source, r.due_date, pa.cents, p.id as payment_id
    from payments p
    join payment_allocations pa on pa.org_id = p.org_id and pa.payment_id = p.id
    join receivables r on r.org_id = pa.org_id and r.id = pa.receivable_id
   where p.org_id = $1 and p.paid_on between $3 and $4 and p.status <> 'rejected' and r.creditor_id = $2
  union all
  select (c.changed_at at time zone $5)::date, 'import', r.due_date,
         (c.changes #>> '{open_cents,0}')::bigint - (c.changes #>> '{open_cents,1}')::bigint, null
    from receivable_changes c
    join receivables r on r.org_id = c.org_id and r.id = c.receivable_id
   where c.org_id = $1 and ${inMonth('c.changed_at')} and r.creditor_id = $2
     and c.import_id is not null and not c.changes ? 'payment_id' and not c.changes ? 'agreement_id'
     and (c.changes #>> '{open_cents,1}')::bigint < (c.changes #>> '{open_cents,0}')::bigint
     and coalesce(c.changes #>> '{status,1}', 'open') in ('open', 'partially_paid', 'paid')
)
select to_char(day, 'YYYY-MM-DD') as day, source, ${bucketSql('(day - due_date)')} as bucket,
       sum(cents)::bigint as cents, count(distinct payment_id)::int as payments, count(*)::int as items
  from moves
 group by 1, 2, 3
 order by 1, 2, 3`;

/**
 * The creditor's messages of the month by channel, purpose and status: those handed to a provider in
 * the month, those that failed in it before one took them, and those planned for a day of it that
 * never went (still queued, or cancelled).
 */
export const messagesSql = `
select m.channel, m.purpose, m.status, count(*)::int as n, coalesce(sum(m.cost_cents), 0)::bigint as "costCents"
  from outbound_messages m
 where m.org_id = $1 and m.creditor_id = $2
   and ((${inMonth('m.sent_at')})
     or (m.sent_at is null and ${inMonth('m.failed_at')})
     or (m.sent_at is null and m.failed_at is null and m.plan_date between $3 and $4))
 group by 1, 2, 3
 order by 1, 2, 3`;

/** The collectors' calls: done in the month by outcome, and those opened in it still waiting. */
export const callsSql = `
select 'done' as kind, coalesce(t.outcome, 'none') as outcome, count(*)::int as n
  from collector_tasks t
 where t.org_id = $1 and t.creditor_id = $2 and t.status = 'done' and ${inMonth('t.done_at')}
 group by 2
union all
select 'open', 'open', count(*)::int
  from collector_tasks t
 where t.org_id = $1 and t.creditor_id = $2 and t.status = 'open' and ${inMonth('t.created_at')}`;

/** Promises to pay (promessas) made in the month, and what they promised. */
export const promisesMadeSql = `
select count(*)::int as n, coalesce(sum(h.amount_cents), 0)::bigint as cents
  from collection_holds h
  join debtors d on d.org_id = h.org_id and d.id = h.debtor_id
 where h.org_id = $1 and h.kind = 'promise' and d.creditor_id = $2 and ${inMonth('h.created_at')}`;

/** The agreements made or ended in the month, oldest first, at most $6 of them. */
export const agreementsSql = `
select a.id, d.name as "debtorName", to_char((a.created_at at time zone $5)::date, 'YYYY-MM-DD') as "madeOn",
       a.offer_key as "offerKey", a.installment_count as installments, a.updated_cents as "updatedCents",
       a.discount_cents as "discountCents", a.total_cents as "totalCents", a.status,
       to_char((a.ended_at at time zone $5)::date, 'YYYY-MM-DD') as "endedOn", a.end_reason as "endReason",
       (${inMonth('a.created_at')}) as "madeInMonth",
       (a.ended_at is not null and ${inMonth('a.ended_at')}) as "endedInMonth"
  from agreements a
  join debtors d on d.org_id = a.org_id and d.id = a.debtor_id
 where a.org_id = $1 and a.creditor_id = $2
   and ((${inMonth('a.created_at')}) or (a.ended_at is not null and ${inMonth('a.ended_at')}))
 order by a.created_at, a.id
 limit $6`;

/** The creditor's first day with data: the earliest billing or due date of its receivables. */
export const firstDaySql = `
select to_char(min(least(coalesce(r.issue_date, r.due_date), r.due_date)), 'YYYY-MM-DD') as first
  from receivables r
 where r.org_id = $1 and r.creditor_id = $2`;
