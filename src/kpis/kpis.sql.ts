/**
 * The KPIs' SQL: set-based statements that add facts up (balances, balance changes, payments,
 * messages, promises) and return small aggregates; every ratio is taken in formulas.ts. All of it runs
 * as tenant work (withTenant), so row-level security shows one organization's rows, and every
 * statement also filters on org_id, the leading column of each index it uses.
 *
 * The open balance on a past date is rebuilt from facts, not read from a counter: today's balance
 * with every later change of balance added back. The changes are `receivable_changes` (payments,
 * imports, agreements, write-offs each write one); a payment's change is dated by the day it was paid,
 * every other change by the day it was recorded, in the organization's time zone.
 */
import { bucketSql } from './formulas.ts';

/** Positional parameters, each added once with its type: `p.add(value, 'bigint')` returns `$n::bigint`. */
export type SqlParams = { readonly values: unknown[]; add(value: unknown, type: string): string };

export function sqlParams(): SqlParams {
  const values: unknown[] = [];
  return {
    values,
    add(value, type) {
      values.push(value);
      return `$${values.length}::${type}`;
    },
  };
}

/**
 * Parameters added only when a statement uses them (PostgreSQL cannot type a parameter no statement
 * mentions): each property adds its value on first read and returns the same placeholder after.
 * Do not spread the result: that reads every property.
 */
export function lazyParams<K extends string>(
  p: SqlParams,
  spec: Record<K, [value: unknown, type: string]>,
): Record<K, string> {
  const placeholders = {} as Record<K, string>;
  for (const key of Object.keys(spec) as K[]) {
    let placeholder: string | null = null;
    Object.defineProperty(placeholders, key, {
      enumerable: true,
      get() {
        const [value, type] = spec[key];
        placeholder ??= p.add(value, type);
        return placeholder;
      },
    });
  }
  return placeholders;
}

/** Whom a report covers inside one organization. */
export type KpiScope = {
  orgId: number;
  timeZone: string;
  /** null: every creditor of the organization. */
  creditorIds: number[] | null;
  debtorKind: 'person' | 'company' | null;
  /** Debtors carrying any of these tags; null: no tag filter. */
  tags: string[] | null;
  cadenceId: number | null;
};

/** The scope as SQL conditions (each starts with `and`, or is empty when nothing is filtered). */
export type ScopeSql = {
  org: string;
  tz: string;
  /** A table with `creditor_id` and `debtor_id` (receivables): creditor, segment and cadence (worked by it). */
  receivables(alias: string): string;
  /** A table with only `debtor_id` (holds, payments). */
  debtor(column: string): string;
  /** Messages and tasks: creditor and segment of the debtor, and the message's own cadence. */
  messages(alias: string, versionColumn: string | null): string;
};

export function scopeSql(p: SqlParams, s: KpiScope): ScopeSql {
  const v = lazyParams(p, {
    org: [s.orgId, 'bigint'],
    tz: [s.timeZone, 'text'],
    creditors: [s.creditorIds, 'bigint[]'],
    kind: [s.debtorKind, 'text'],
    tags: [s.tags, 'text[]'],
    cadence: [s.cadenceId, 'bigint'],
  });
  const segment = () =>
    [
      s.debtorKind ? `d.kind = ${v.kind}` : null,
      s.tags && s.tags.length > 0 ? `d.tags && ${v.tags}` : null,
    ].filter((x): x is string => x !== null);
  const workedByCadence = () =>
    s.cadenceId === null
      ? []
      : [
          `exists (select 1 from outbound_messages dm join cadence_versions dv on dv.org_id = dm.org_id and dv.id = dm.version_id
              where dm.org_id = d.org_id and dm.debtor_id = d.id and dv.cadence_id = ${v.cadence})`,
        ];
  const debtorsWhere = (conditions: string[]) =>
    conditions.length === 0
      ? null
      : `(select d.id from debtors d where d.org_id = ${v.org} and ${conditions.join(' and ')})`;
  const creditorCondition = (alias: string) =>
    s.creditorIds ? ` and ${alias}.creditor_id = any(${v.creditors})` : '';
  return {
    get org() {
      return v.org;
    },
    get tz() {
      return v.tz;
    },
    receivables(alias) {
      const debtors = debtorsWhere([...segment(), ...workedByCadence()]);
      return `${creditorCondition(alias)}${debtors ? ` and ${alias}.debtor_id in ${debtors}` : ''}`;
    },
    debtor(column) {
      const debtors = debtorsWhere([
        ...(s.creditorIds ? [`d.creditor_id = any(${v.creditors})`] : []),
        ...segment(),
        ...workedByCadence(),
      ]);
      return debtors ? ` and ${column} in ${debtors}` : '';
    },
    messages(alias, versionColumn) {
      const debtors = debtorsWhere(segment());
      const byCadence =
        s.cadenceId === null
          ? ''
          : versionColumn
            ? ` and ${versionColumn} in (select v.id from cadence_versions v where v.org_id = ${v.org} and v.cadence_id = ${v.cadence})`
            : ` and ${alias}.message_id in (select m.id from outbound_messages m join cadence_versions v on v.org_id = m.org_id and v.id = m.version_id
                                             where m.org_id = ${v.org} and v.cadence_id = ${v.cadence})`;
      return `${creditorCondition(alias)}${debtors ? ` and ${alias}.debtor_id in ${debtors}` : ''}${byCadence}`;
    },
  };
}

/** Local midnight that starts a calendar date, as timestamptz. */
export const startOfDay = (date: string, tz: string) => `((${date})::timestamp at time zone ${tz})`;

/** When a receivable entered the portfolio: its issue date, else the day it was loaded (or its due date if earlier). */
const billedOn = (r: string, tz: string) =>
  `coalesce(${r}.issue_date, least((${r}.created_at at time zone ${tz})::date, ${r}.due_date))`;

/** Balances count while a receivable is open or partially paid; in an agreement, written off or cancelled, they do not. */
const ACTIVE = `('open', 'partially_paid')`;

/**
 * Every change of a receivable's counted balance since `sinceCut` (a date; changes on or before it
 * are already in every balance asked for), with the receivable it belongs to. Each row: `on` (the date
 * it took effect), `oi` (how many cut dates fall before it, so it is "after cut i" when oi >= i),
 * `delta` (counted balance after minus before), and whether it is money collected (a payment, or a
 * payment the creditor's import reports) and, if so, recovered: collected on a receivable already
 * past due at `start` (or on an installment of an agreement that renegotiated such receivables).
 * A payment's change whose payment was made on or before `sinceCut` finds no payment in the join (it
 * asks for later ones, so an index on payments' dates serves it): its date is null and it is left out.
 */
export function balanceMovesSql(
  s: ScopeSql,
  args: { next: string; sinceCut: string; start: string; cohortInstallments: string | null },
): string {
  const { org, tz } = s;
  return `
  select r.id, r.debtor_id, r.due_date, width_bucket(${billedOn('r', tz)}, ${args.next}) as bi,
         case when r.status in ${ACTIVE} then r.open_cents else 0 end as open_now,
         c.moved_on, width_bucket(c.moved_on, ${args.next}) as oi,
         (case when coalesce(c.status_after, r.status) in ${ACTIVE} then coalesce(c.open_after, r.open_cents) else 0 end)
       - (case when coalesce(c.status_before, r.status) in ${ACTIVE} then coalesce(c.open_before, r.open_cents) else 0 end) as delta,
         c.kind in ('payment', 'reported') as collected,
         c.kind in ('payment', 'reported')
           and (r.due_date < ${args.start}${args.cohortInstallments ? ` or r.id in (${args.cohortInstallments})` : ''}) as recovered
    from (
      select c.receivable_id,
             case when c.changes ? 'payment_id' then p.paid_on else (c.changed_at at time zone ${tz})::date end as moved_on,
             c.changes #>> '{status,0}' as status_before, c.changes #>> '{status,1}' as status_after,
             (c.changes #>> '{open_cents,0}')::bigint as open_before, (c.changes #>> '{open_cents,1}')::bigint as open_after,
             case when c.changes ? 'payment_id' then 'payment'
                  when c.changes ? 'agreement_id' then 'agreement'
                  when c.import_id is not null
                       and (c.changes #>> '{open_cents,1}')::bigint < (c.changes #>> '{open_cents,0}')::bigint
                       and coalesce(c.changes #>> '{status,1}', 'open') in ('open', 'partially_paid', 'paid') then 'reported'
                  else 'other' end as kind
        from receivable_changes c
        left join payments p on p.org_id = c.org_id and p.id = (c.changes #>> '{payment_id,1}')::bigint
                            and p.paid_on > ${args.sinceCut}
       where c.org_id = ${org} and c.changed_at >= ${startOfDay(`${args.sinceCut} + 1`, tz)}
         and (c.changes ? 'open_cents' or c.changes ? 'status')
    ) c
    join receivables r on r.org_id = ${org} and r.id = c.receivable_id
   where c.moved_on > ${args.sinceCut}${s.receivables('r')}`;
}

/** Dates and thresholds of involuntary churn (see formulas.ts): SQL conditions on one receivable's row. */
export type ChurnArgs = { start: string; from: string; to: string; churnDays: string; activeDays: string };

/** The debtor was a customer at the start: billed in the `activeDays` before it. */
const activeAtStart = (c: ChurnArgs) =>
  `(billed_on > ${c.start} - ${c.activeDays} and billed_on <= ${c.start})`;
/** Already lost at the start: a receivable more than `churnDays` past due, still unpaid, at the start. */
const churnedBefore = (c: ChurnArgs) =>
  `(billed_on <= ${c.start} and due_date < ${c.start} - ${c.churnDays} and open_now - after_start > 0)`;
/** Lost in the period: a receivable passed `churnDays` past due, unpaid, on a day of the period. */
const churnedIn = (c: ChurnArgs) =>
  `(due_date + ${c.churnDays} + 1 between ${c.from} and ${c.to} and open_now - after_churn > 0)`;

/**
 * Each receivable of the scope with its counted balance today (`open_now`) and the changes after the
 * start (`after_start`), after the as-of date (`after_as_of`) and after its churn threshold
 * (`after_churn`), so its balance on each of those days is `open_now - after_...`.
 */
function receivableBalancesSql(
  s: ScopeSql,
  a: {
    next: string;
    sinceCut: string;
    start: string;
    startIndex: string;
    asOfIndex: string;
    churnDays: string;
    installments: string | null;
    cohortInstallments: string | null;
  },
): string {
  const { org, tz } = s;
  return `
moves as materialized (${balanceMovesSql(s, a)}
),
per_receivable as (
  select id,
         coalesce(sum(delta) filter (where oi >= ${a.startIndex}), 0) as after_start,
         coalesce(sum(delta) filter (where oi >= ${a.asOfIndex}), 0) as after_as_of,
         coalesce(sum(delta) filter (where moved_on > due_date + ${a.churnDays}), 0) as after_churn
    from moves group by id
),
rs as (
  select r.id, r.debtor_id, r.due_date, ${billedOn('r', tz)} as billed_on,
         width_bucket(${billedOn('r', tz)}, ${a.next}) as bi,
         case when r.status in ${ACTIVE} then r.open_cents else 0 end as open_now,
         case when r.status = 'cancelled'${a.installments ? ` or r.id in (${a.installments})` : ''} then 0 else r.original_cents end as sales,
         coalesce(m.after_start, 0) as after_start, coalesce(m.after_as_of, 0) as after_as_of,
         coalesce(m.after_churn, 0) as after_churn
    from receivables r
    left join per_receivable m on m.id = r.id
   where r.org_id = ${org}${s.receivables('r')}
)`;
}

export type PortfolioArgs = ChurnArgs & {
  cuts: string;
  next: string;
  sinceCut: string;
  asOf: string;
  asOfIndex: string;
  startIndex: string;
  endIndex: string;
  pairK: string;
  pairJ: string;
  installments: string | null;
  cohortInstallments: string | null;
};

/**
 * The portfolio statement: one pass over the scope's receivables and one over the changes of balance
 * since the earliest balance date. It returns, as JSON:
 * - `amounts`: for each (k, j) asked, the balance at the end of cut j of the receivables that existed
 *   at cut k, by bucket at cut k and bucket at cut j (k = j: the aging at cut j; k < j: roll rates);
 * - `sales`: credit sales (original amounts; cancelled receivables and agreement installments are not
 *   sales) by cut interval `bi`;
 * - `counts`: receivables with a balance at the as-of date, by bucket;
 * - `recovery`: money collected and recovered in the period;
 * - `churn`: active customers at the start and those lost to non-payment in the period.
 *
 * Balances at many dates without a row per receivable and date: a receivable's balance at cut j is
 * `open_now` minus its changes after cut j, and its bucket there depends only on its due date. So
 * receivables are added up by (due date, first cut they exist at) and changes by (due date, first cut
 * they exist at, first cut they are after), and each cut sums those few groups.
 */
export function portfolioSql(s: ScopeSql, a: PortfolioArgs): string {
  return `
with ${receivableBalancesSql(s, a)},
agg as (
  select grouping(debtor_id) as by_due, due_date, bi,
         sum(open_now) as open_now, sum(sales) as sales,
         count(*) filter (where billed_on <= ${a.asOf} and open_now - after_as_of > 0) as open_as_of,
         bool_or(${activeAtStart(a)}) as active,
         bool_or(${churnedBefore(a)}) as churned_before,
         bool_or(${churnedIn(a)}) as churned_in
    from rs
   group by grouping sets ((due_date, bi), (debtor_id))
),
g as (select due_date, bi, open_now, sales, open_as_of from agg where by_due = 1),
mg as (select due_date, bi, oi, sum(delta) as delta from moves where delta <> 0 group by due_date, bi, oi),
pairs as (select k, j from unnest(${a.pairK}, ${a.pairJ}) as u(k, j)),
at_cuts as (
  select pr.k, pr.j, g.due_date, g.open_now as cents from pairs pr join g on g.bi < pr.k
  union all
  select pr.k, pr.j, mg.due_date, -mg.delta from pairs pr join mg on mg.bi < pr.k and mg.oi >= pr.j
),
amounts as (
  select k, j, ${bucketSql(`((${a.cuts})[k] - due_date)`)} as from_bucket,
         ${bucketSql(`((${a.cuts})[j] - due_date)`)} as to_bucket, sum(cents) as cents
    from at_cuts group by 1, 2, 3, 4
)
select
  (select coalesce(json_agg(json_build_object('k', k, 'j', j, 'from', from_bucket, 'to', to_bucket, 'cents', cents)), '[]')
     from amounts where cents <> 0) as amounts,
  (select coalesce(json_agg(json_build_object('bi', bi, 'cents', cents)), '[]')
     from (select bi, sum(sales) as cents from g group by bi having sum(sales) <> 0) x) as sales,
  (select coalesce(json_agg(json_build_object('bucket', bucket, 'count', n)), '[]')
     from (select ${bucketSql(`(${a.asOf} - due_date)`)} as bucket, sum(open_as_of) as n from g group by 1) x
    where n > 0) as counts,
  (select json_build_object(
            'collected', coalesce(sum(-delta) filter (where collected), 0),
            'recovered', coalesce(sum(-delta) filter (where recovered), 0))
     from moves where oi >= ${a.startIndex} and oi < ${a.endIndex}) as recovery,
  (select json_build_object(
            'active', count(*) filter (where active and not churned_before),
            'churned', count(*) filter (where active and not churned_before and churned_in))
     from agg where by_due = 0) as churn`;
}

/** The debtors lost to non-payment in the period (drill-down of involuntary churn), with what they left unpaid. */
export function churnedDebtorsSql(
  s: ScopeSql,
  a: Omit<PortfolioArgs, 'cuts' | 'pairK' | 'pairJ' | 'endIndex' | 'asOf'>,
): string {
  return `
with ${receivableBalancesSql(s, a)}
select debtor_id,
       coalesce(sum(open_now - after_churn) filter (where ${churnedIn(a)}), 0) as cents,
       count(*) filter (where ${churnedIn(a)}) as n
  from rs
 group by debtor_id
having bool_or(${activeAtStart(a)}) and not bool_or(${churnedBefore(a)}) and bool_or(${churnedIn(a)})`;
}

/** The receivables with a balance at the as-of date in one bucket, by debtor (drill-down of the aging). */
export function agingDebtorsSql(
  s: ScopeSql,
  a: { next: string; asOf: string; minDays: string | null; maxDays: string | null },
): string {
  const { org, tz } = s;
  const days = [
    a.minDays ? `r.due_date <= ${a.asOf} - ${a.minDays}` : null,
    a.maxDays ? `r.due_date >= ${a.asOf} - ${a.maxDays}` : null,
  ].filter(Boolean);
  return `
with moves as (${balanceMovesSql(s, { next: a.next, sinceCut: a.asOf, start: a.asOf, cohortInstallments: null })}
),
later as (select id, sum(delta) as delta from moves group by id),
balances as (
  select r.debtor_id, (case when r.status in ${ACTIVE} then r.open_cents else 0 end) - coalesce(l.delta, 0) as cents
    from receivables r
    left join later l on l.id = r.id
   where r.org_id = ${org}${s.receivables('r')} and ${billedOn('r', tz)} <= ${a.asOf}${days.map((d) => ` and ${d}`).join('')}
)
select debtor_id, sum(cents) as cents, count(*) as n from balances where cents > 0 group by debtor_id`;
}

/** The debtors whose payments were recovered money in the period (drill-down of the recovery rate). */
export function recoveredDebtorsSql(
  s: ScopeSql,
  a: { next: string; start: string; to: string; cohortInstallments: string | null },
): string {
  return `
with moves as (${balanceMovesSql(s, { next: a.next, sinceCut: a.start, start: a.start, cohortInstallments: a.cohortInstallments })}
)
select debtor_id, sum(-delta) as cents, count(distinct id) as n
  from moves where recovered and moved_on <= ${a.to}
 group by debtor_id having sum(-delta) <> 0`;
}

const PROMISE_OUTCOME = (asOf: string) => `case when h.released_by = 'system:promise_kept' then 'kept'
              when h.released_by = 'system:promise_broken' then 'broken'
              when h.released_at is null and h.until_date < ${asOf} then 'broken'
              when h.released_at is null then 'pending'
              else 'withdrawn' end`;

const promisesInPeriod = (s: ScopeSql, a: { from: string; to: string }) =>
  `h.org_id = ${s.org} and h.kind = 'promise' and h.until_date between ${a.from} and ${a.to}${s.debtor('h.debtor_id')}`;

/**
 * Promises to pay falling due in the period, by outcome: kept and broken as the system released them
 * (a promise still held after its date counts as broken), pending, or withdrawn by a person. For each
 * kept promise, the day the debtor's payments since it was made reached the promised amount.
 */
export function promisesSql(s: ScopeSql, a: { from: string; to: string; asOf: string }): string {
  const { org, tz } = s;
  return `
with p as (
  select h.id, h.debtor_id, (h.created_at at time zone ${tz})::date as made_on, h.amount_cents,
         (h.released_at at time zone ${tz})::date as released_on, ${PROMISE_OUTCOME(a.asOf)} as outcome
    from collection_holds h
   where ${promisesInPeriod(s, a)}
),
kept as (
  select p.id, p.made_on,
         coalesce((select min(x.paid_on) from (
                     select q.paid_on, sum(q.amount_cents - q.credit_cents) over (order by q.paid_on, q.id) as paid
                       from payments q
                      where q.org_id = ${org} and q.debtor_id = p.debtor_id and q.paid_on >= p.made_on
                        and q.status <> 'rejected') x
                    where x.paid >= p.amount_cents), p.released_on) as paid_on
    from p where p.outcome = 'kept'
)
select
  (select count(*) from p)::int as due,
  (select count(*) filter (where outcome = 'kept') from p)::int as kept,
  (select count(*) filter (where outcome = 'broken') from p)::int as broken,
  (select count(*) filter (where outcome = 'pending') from p)::int as pending,
  (select count(*) filter (where outcome = 'withdrawn') from p)::int as withdrawn,
  (select count(*) from kept)::int as timed,
  (select coalesce(sum(paid_on - made_on), 0) from kept)::int as days`;
}

export function promiseDebtorsSql(
  s: ScopeSql,
  a: { from: string; to: string; asOf: string; outcome: string },
): string {
  return `
select h.debtor_id, coalesce(sum(h.amount_cents), 0) as cents, count(*) as n
  from collection_holds h
 where ${promisesInPeriod(s, a)} and ${PROMISE_OUTCOME(a.asOf)} = ${a.outcome}
 group by h.debtor_id`;
}

export const FUNNEL_STAGES = ['attempted', 'delivered', 'read', 'replied', 'failed'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

/** Each stage of the contact funnel as a condition on a row `m` of the `funnel` CTE. */
const STAGE: Record<FunnelStage, string> = {
  attempted: 'true',
  delivered: `(m.delivered_at is not null or m.status in ('delivered', 'read'))`,
  read: `(m.read_at is not null or m.status = 'read')`,
  failed: `m.status = 'failed'`,
  replied: 'm.replied',
};

/** CTE `attempted`: the messages attempted in the period (handed to a provider, or failed before one took them). */
function attemptedCte(s: ScopeSql, a: { from: string; to: string }): string {
  const { tz } = s;
  return `
attempted as materialized (
  select m.id, m.channel, m.status, m.debtor_id, m.sent_at, (m.sent_at at time zone ${tz})::date as sent_on,
         m.delivered_at, m.read_at, m.cost_cents, m.version_id, m.step_key, coalesce(m.variant_key, 'a') as variant_key,
         case when m.channel in ('whatsapp', 'sms') then regexp_replace(m.to_address, '\\D', '', 'g') end as digits
    from outbound_messages m
   where m.org_id = ${s.org}
     and coalesce(m.sent_at, m.failed_at) >= ${startOfDay(a.from, tz)}
     and coalesce(m.sent_at, m.failed_at) < ${startOfDay(`${a.to} + 1`, tz)}
     and m.status in ('sent', 'delivered', 'read', 'failed')${s.messages('m', 'm.version_id')}
)`;
}

/**
 * CTEs `replied` and `funnel` (the attempted messages with `replied`: a WhatsApp or SMS answer from
 * that number within the reply window; for a call, a promise, a dispute or a refusal). Replies are
 * matched by joins, not message by message.
 */
function funnelCtes(s: ScopeSql, a: { replyDays: string }): string {
  const { org } = s;
  return `
replied as materialized (
  select a.id from attempted a
   where a.digits is not null and exists (
           select 1 from inbound_messages i
            where i.org_id = ${org} and i.channel = a.channel and i.from_address = a.digits
              and i.sent_at > a.sent_at and i.sent_at <= a.sent_at + make_interval(days => ${a.replyDays}))
  union all
  select a.id from attempted a
   where a.channel = 'phone' and exists (
           select 1 from collector_tasks t
            where t.org_id = ${org} and t.message_id = a.id and t.outcome in ('promise', 'dispute', 'refused'))
),
funnel as (
  select a.*, r.id is not null as replied from attempted a left join replied r on r.id = a.id
)`;
}

/**
 * CTEs `contacts` (the attempted messages of cadence steps that reached a provider, each `judged`
 * when its window closed by the as-of date) and `converted` (those followed by a payment of the
 * debtor on the day of the contact or within the window).
 */
function conversionCtes(s: ScopeSql, a: { from: string; to: string; asOf: string; days: string }): string {
  const { org } = s;
  return `
contacts as materialized (
  select a.id, a.version_id, a.step_key, a.variant_key, a.channel, a.debtor_id, a.sent_on,
         a.sent_on + ${a.days} <= ${a.asOf} as judged
    from attempted a
   where a.status <> 'failed' and a.step_key is not null and a.version_id is not null
),
converted as materialized (
  select c.id from contacts c
   where c.judged and exists (
           select 1 from payments q
            where q.org_id = ${org} and q.debtor_id = c.debtor_id and q.status <> 'rejected'
              and q.paid_on between ${a.from} and ${a.to} + ${a.days}
              and q.paid_on between c.sent_on and c.sent_on + ${a.days})
)`;
}

/**
 * The messages statement, as JSON: `channels`, the contact funnel per channel with what the messages
 * cost; `conversion`, the contacts of each cadence step and A/B variant, judged and converted.
 */
export function messagesSql(
  s: ScopeSql,
  a: { from: string; to: string; asOf: string; days: string; replyDays: string },
): string {
  const { org } = s;
  return `
with ${attemptedCte(s, a)},
${funnelCtes(s, a)},
${conversionCtes(s, a)},
channels as (
  select m.channel,
         count(*) as attempted,
         count(*) filter (where ${STAGE.delivered}) as delivered,
         count(*) filter (where ${STAGE.read}) as read,
         count(*) filter (where ${STAGE.failed}) as failed,
         count(*) filter (where ${STAGE.replied}) as replied,
         coalesce(sum(m.cost_cents), 0) as "costCents",
         count(*) filter (where m.cost_cents is null and m.status <> 'failed') as "withoutCost"
    from funnel m
   group by m.channel
),
steps as (
  select c.version_id as "versionId", v.cadence_id as "cadenceId", cd.name as "cadenceName", v.version,
         c.step_key as "stepKey", c.variant_key as "variantKey", c.channel,
         count(*) as contacts,
         count(*) filter (where c.judged) as judged,
         count(x.id) as converted
    from contacts c
    left join converted x on x.id = c.id
    join cadence_versions v on v.org_id = ${org} and v.id = c.version_id
    join cadences cd on cd.org_id = ${org} and cd.id = v.cadence_id
   group by 1, 2, 3, 4, 5, 6, 7
)
select
  (select coalesce(json_agg(channels order by channel), '[]') from channels) as channels,
  (select coalesce(json_agg(steps order by "cadenceId", version, "stepKey", "variantKey", channel), '[]') from steps) as steps`;
}

export function channelDebtorsSql(
  s: ScopeSql,
  a: { from: string; to: string; replyDays: string; channel: string; stage: FunnelStage },
): string {
  return `
with ${attemptedCte(s, a)},
${funnelCtes(s, a)}
select m.debtor_id, 0 as cents, count(*) as n
  from funnel m
 where m.channel = ${a.channel} and ${STAGE[a.stage]}
 group by m.debtor_id`;
}

export function conversionDebtorsSql(
  s: ScopeSql,
  a: {
    from: string;
    to: string;
    asOf: string;
    days: string;
    versionId: string;
    stepKey: string;
    variantKey: string;
    converted: string;
  },
): string {
  return `
with ${attemptedCte(s, a)},
${conversionCtes(s, a)}
select c.debtor_id, 0 as cents, count(*) as n
  from contacts c
  left join converted x on x.id = c.id
 where c.version_id = ${a.versionId} and c.step_key = ${a.stepKey} and c.variant_key = ${a.variantKey}
   and c.judged and (x.id is not null) = ${a.converted}
 group by c.debtor_id`;
}

/** Call tasks done and payments received in the period, for cost per receipt. */
export function receiptsSql(s: ScopeSql, a: { from: string; to: string }): string {
  const { org, tz } = s;
  return `
select
  (select count(*) from collector_tasks t
    where t.org_id = ${org} and t.status = 'done'
      and t.done_at >= ${startOfDay(a.from, tz)} and t.done_at < ${startOfDay(`${a.to} + 1`, tz)}${s.messages('t', null)})::int as tasks,
  (select count(*) from payments q
    where q.org_id = ${org} and q.paid_on between ${a.from} and ${a.to} and q.debtor_id is not null
      and q.status <> 'rejected'${s.debtor('q.debtor_id')})::int as payments,
  (select coalesce(sum(q.amount_cents), 0) from payments q
    where q.org_id = ${org} and q.paid_on between ${a.from} and ${a.to} and q.debtor_id is not null
      and q.status <> 'rejected'${s.debtor('q.debtor_id')})::bigint as "receivedCents"`;
}

/**
 * One page of a drill-down: the figure's rows per debtor (`debtor_id`, `cents`, `n`), largest first
 * by `sortBy`, then by debtor id, after the keyset cursor.
 */
export function drillPageSql(
  s: ScopeSql,
  inner: string,
  a: { sortBy: 'cents' | 'n'; afterSort: string; afterDebtor: string; limit: string },
): string {
  return `
select f.debtor_id as "debtorId", d.name, f.cents::bigint as cents, f.n::int as count
  from (${inner}) f
  join debtors d on d.org_id = ${s.org} and d.id = f.debtor_id
 where ${a.afterSort} is null
    or f.${a.sortBy} < ${a.afterSort} or (f.${a.sortBy} = ${a.afterSort} and f.debtor_id > ${a.afterDebtor})
 order by f.${a.sortBy} desc, f.debtor_id
 limit ${a.limit}`;
}
