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
    creditor: [s.creditorIds?.[0] ?? null, 'bigint'],
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
  /** One creditor (the common case) as an equality: PostgreSQL tests it faster than `= any(array)`. */
  const creditorIs = (column: string) =>
    s.creditorIds?.length === 1 ? `${column} = ${v.creditor}` : `${column} = any(${v.creditors})`;
  const creditorCondition = (alias: string) =>
    s.creditorIds ? ` and ${creditorIs(`${alias}.creditor_id`)}` : '';
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
        ...(s.creditorIds ? [creditorIs('d.creditor_id')] : []),
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

/** What the receivables of agreements change (null until the agreements tables exist). */
export type AgreementSql = {
  /** Receivables that are agreements' installments: renegotiated debt, not credit sales. */
  installments: string;
  /** Installments of agreements that renegotiated receivables already past due at the start. */
  cohortInstallments: string;
};

/**
 * Every change of a receivable's counted balance after `sinceCut` (a date: changes on or before it are
 * already in every balance asked for), with the receivable it belongs to. Each row: `moved_on` (the day
 * it took effect: the payment's date for a payment, else the day it was recorded), `oi` (how many cut
 * dates fall before that day, so the change is "after cut i" when oi >= i), `delta` (counted balance
 * after minus before), and whether it is money `collected` (a payment, or a payment the creditor's
 * import reports) and, if so, `recovered`: collected on a receivable already past due at `start` (or
 * on an installment of an agreement that renegotiated such receivables).
 *
 * A change that names only its balance or only its status takes the other from the receivable as it is
 * now; a change of neither (a new description) moves nothing, and is left out before its receivable is
 * looked up. A payment's change whose payment was made on or before `sinceCut` finds no payment in the join
 * (it asks only for later ones, which an index on payments' dates serves): its day is null and it is
 * left out.
 */
export function balanceMovesSql(
  s: ScopeSql,
  a: { next: string; sinceCut: string; start: string; agreements: AgreementSql | null },
): string {
  const { org, tz } = s;
  return `
  select r.id, r.debtor_id, r.due_date, ${billedOn('r', tz)} as billed_on,
         width_bucket(${billedOn('r', tz)}, ${a.next}) as bi,
         case when r.status in ${ACTIVE} then r.open_cents else 0 end as open_now,
         c.moved_on, width_bucket(c.moved_on, ${a.next}) as oi,
         (case when coalesce(c.status_after, r.status) in ${ACTIVE} then coalesce(c.open_after, r.open_cents) else 0 end)
       - (case when coalesce(c.status_before, r.status) in ${ACTIVE} then coalesce(c.open_before, r.open_cents) else 0 end) as delta,
         c.kind in ('payment', 'reported') as collected,
         c.kind in ('payment', 'reported')
           and (r.due_date < ${a.start}${a.agreements ? ` or r.id in (${a.agreements.cohortInstallments})` : ''}) as recovered
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
                            and p.paid_on > ${a.sinceCut}
       where c.org_id = ${org} and c.changed_at >= ${startOfDay(`${a.sinceCut} + 1`, tz)}
         and (c.changes ? 'open_cents' or c.changes ? 'status')
    ) c
    join receivables r on r.org_id = ${org} and r.id = c.receivable_id
   where c.moved_on > ${a.sinceCut}${s.receivables('r')}`;
}

/** Dates and thresholds of involuntary churn (formulas.ts), for conditions on one receivable's row. */
export type ChurnArgs = { start: string; from: string; to: string; churnDays: string; activeDays: string };

/** Billed in the `activeDays` up to the start: its debtor was a customer then. */
const activeBilling = (c: ChurnArgs) =>
  `(billed_on > ${c.start} - ${c.activeDays} and billed_on <= ${c.start})`;
/** More than `churnDays` past due at the start: its debtor was lost already, if it was unpaid then. */
const lostBefore = (c: ChurnArgs) => `(billed_on <= ${c.start} and due_date < ${c.start} - ${c.churnDays})`;
/** Passes `churnDays` past due on a day of the period: its debtor is lost then, if it is unpaid. */
const lostIn = (c: ChurnArgs) => `(due_date + ${c.churnDays} + 1 between ${c.from} and ${c.to})`;

/** The parameters of the portfolio statements (built by kpis.ts). */
export type PortfolioArgs = ChurnArgs & {
  /** Each cut date plus one day, ascending (width_bucket's thresholds). */
  next: string;
  /** The earliest date a balance is asked for. */
  sinceCut: string;
  /** 1-based indexes of the as-of date, the start and the period's end among the cut dates. */
  asOfIndex: string;
  startIndex: string;
  endIndex: string;
  agreements: AgreementSql | null;
};

/**
 * The balances statement: one pass over the scope's receivables, added up by due date and billing
 * day, then by (due date, `bi`: how many cut dates fall before the billing day). Each group: `open`
 * (today's counted balance), `sales` (original amounts; cancelled receivables and agreements'
 * installments are not sales) and `n` (how many have a balance today). A receivable's balance at cut j
 * is today's minus its changes after cut j (the changes statement) and its bucket there depends only
 * on its due date, so these few groups and the changes' groups give the balance at every cut date
 * (kpis.ts adds them up). The pass joins nothing; agreements' installments are taken off after it.
 */
export function portfolioBalancesSql(s: ScopeSql, a: Pick<PortfolioArgs, 'next' | 'agreements'>): string {
  const { org, tz } = s;
  const billed = billedOn('r', tz);
  const installments = a.agreements
    ? `
  union all
  select r.due_date, ${billed}, 0, -r.original_cents, 0
    from (${a.agreements.installments}) ai(id)
    join receivables r on r.org_id = ${org} and r.id = ai.id
   where r.status <> 'cancelled'${s.receivables('r')}`
    : '';
  return `
with days as (
  select r.due_date, ${billed} as billed_on,
         sum(r.open_cents) filter (where r.status in ${ACTIVE}) as open_now,
         sum(r.original_cents) filter (where r.status <> 'cancelled') as sales,
         count(*) filter (where r.status in ${ACTIVE} and r.open_cents > 0) as open_count
    from receivables r
   where r.org_id = ${org}${s.receivables('r')}
   group by 1, 2${installments}
)
select coalesce(json_agg(x), '[]') as groups
  from (select due_date as due, width_bucket(billed_on, ${a.next}) as bi, coalesce(sum(open_now), 0) as open,
               coalesce(sum(sales), 0) as sales, sum(open_count) as n
          from days group by 1, 2) x`;
}

/**
 * The changes statement: one pass over the changes of balance since the earliest balance date (each
 * with its receivable), and one over the receivables still unpaid of the debtors active before the
 * start (churn, from an index alone). It returns, as JSON:
 * - `moves`: the changes by (due date, `bi`, `oi`: how many cut dates fall before the change);
 * - `corrections`: by (due date, `bi`), how many more receivables had a balance at the as-of date than
 *   today (negative: fewer), from the receivables changed after it;
 * - `recovery`: money collected in the period, and the part of it recovered;
 * - `churn`: customers active at the start, and those of them lost to non-payment in the period.
 */
export function portfolioChangesSql(s: ScopeSql, a: PortfolioArgs): string {
  const { org } = s;
  /** A condition on moves' columns, for a row of `receivables r`. */
  const onReceivables = (condition: string) =>
    condition.replaceAll('due_date', 'r.due_date').replaceAll('billed_on', billedOn('r', s.tz));
  /** A receivable's balance had a value then and today: +1 if only then, -1 if only today. */
  const flip = (later: string) => `(open_now - ${later} > 0)::int - (open_now > 0)::int`;
  return `
with moves as materialized (${balanceMovesSql(s, a)}
),
-- Churn: the debtors billed in the month before the start (their receivables fall due after its first
-- day: an index range), then each one's receivables lost before or in the period, as counted today
-- (receivables_debtor_unpaid_idx answers it without the table), corrected by those whose balance
-- changed since the start.
active_debtors as (
  select distinct r.debtor_id
    from receivables r
   where r.org_id = ${org}${s.receivables('r')}
     and r.due_date > ${a.start} - ${a.activeDays} and ${onReceivables(activeBilling(a))}
),
churn_counted as (
  select ad.debtor_id, x.lost_before, x.lost_in
    from active_debtors ad
    cross join lateral (
      select count(*) filter (where ${onReceivables(lostBefore(a))}) as lost_before,
             count(*) filter (where ${onReceivables(lostIn(a))}) as lost_in
        from receivables r
       where r.org_id = ${org} and r.debtor_id = ad.debtor_id and r.status in ${ACTIVE} and r.open_cents > 0
    ) x
),
churn_changed as (
  select debtor_id,
         sum(case when ${lostBefore(a)} then ${flip('after_start')} else 0 end) as lost_before,
         sum(case when ${lostIn(a)} then ${flip('after_churn')} else 0 end) as lost_in
    from (select id, debtor_id, due_date, billed_on, open_now,
                 coalesce(sum(delta) filter (where oi >= ${a.startIndex}), 0) as after_start,
                 coalesce(sum(delta) filter (where moved_on > due_date + ${a.churnDays}), 0) as after_churn
            from moves
           where ${lostBefore(a)} or ${lostIn(a)}
           group by 1, 2, 3, 4, 5) c
   group by debtor_id
),
churn as (
  select k.lost_before + coalesce(c.lost_before, 0) = 0 as active,
         k.lost_in + coalesce(c.lost_in, 0) > 0 as lost
    from churn_counted k left join churn_changed c on c.debtor_id = k.debtor_id
)
select
  (select coalesce(json_agg(json_build_object('due', due_date, 'bi', bi, 'oi', oi, 'delta', delta)), '[]')
     from (select due_date, bi, oi, sum(delta) as delta from moves where delta <> 0 group by 1, 2, 3) x
    where delta <> 0) as moves,
  (select coalesce(json_agg(json_build_object('due', due_date, 'bi', bi, 'n', n)), '[]')
     from (select due_date, bi, sum(${flip('after_as_of')}) as n
             from (select id, due_date, bi, open_now, sum(delta) as after_as_of
                     from moves where oi >= ${a.asOfIndex} group by 1, 2, 3, 4) c
            group by 1, 2) x
    where n <> 0) as corrections,
  (select json_build_object(
            'collected', coalesce(sum(-delta) filter (where collected), 0),
            'recovered', coalesce(sum(-delta) filter (where recovered), 0))
     from moves where oi >= ${a.startIndex} and oi < ${a.endIndex}) as recovery,
  (select json_build_object('active', count(*) filter (where active), 'churned', count(*) filter (where active and lost))
     from churn) as churn`;
}

/**
 * The debtors lost to non-payment in the period (drill-down of involuntary churn), with what their
 * receivables that passed the threshold still owed then.
 */
export function churnedDebtorsSql(s: ScopeSql, a: PortfolioArgs): string {
  const { org, tz } = s;
  return `
with moves as materialized (${balanceMovesSql(s, a)}
),
later as (
  select id, coalesce(sum(delta) filter (where oi >= ${a.startIndex}), 0) as after_start,
         coalesce(sum(delta) filter (where moved_on > due_date + ${a.churnDays}), 0) as after_churn
    from moves group by id
),
rs as (
  select r.debtor_id, r.due_date, ${billedOn('r', tz)} as billed_on,
         case when r.status in ${ACTIVE} then r.open_cents else 0 end as open_now,
         coalesce(l.after_start, 0) as after_start, coalesce(l.after_churn, 0) as after_churn
    from receivables r
    left join later l on l.id = r.id
   where r.org_id = ${org}${s.receivables('r')}
)
select debtor_id,
       coalesce(sum(open_now - after_churn) filter (where ${lostIn(a)} and open_now - after_churn > 0), 0) as cents,
       count(*) filter (where ${lostIn(a)} and open_now - after_churn > 0) as n
  from rs
 group by debtor_id
having bool_or(${activeBilling(a)}) and not bool_or(${lostBefore(a)} and open_now - after_start > 0)
   and bool_or(${lostIn(a)} and open_now - after_churn > 0)`;
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
with moves as (${balanceMovesSql(s, { next: a.next, sinceCut: a.asOf, start: a.asOf, agreements: null })}
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
  a: { next: string; start: string; to: string; agreements: AgreementSql | null },
): string {
  return `
with moves as (${balanceMovesSql(s, { next: a.next, sinceCut: a.start, start: a.start, agreements: a.agreements })}
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
 * The activity statement: promises to pay falling due in the period, by outcome (kept and broken as the
 * system released them; a promise still held after its date counts as broken; pending; or withdrawn
 * by a person), with, for each kept promise, the day the debtor's payments since it was made reached
 * the promised amount; and the call tasks done and the payments received in the period.
 */
export function activitySql(s: ScopeSql, a: { from: string; to: string; asOf: string }): string {
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
),
received as (
  select count(*) as payments, coalesce(sum(q.amount_cents), 0) as cents
    from payments q
   where q.org_id = ${org} and q.paid_on between ${a.from} and ${a.to} and q.debtor_id is not null
     and q.status <> 'rejected'${s.debtor('q.debtor_id')}
)
select
  (select count(*) from p)::int as due,
  (select count(*) filter (where outcome = 'kept') from p)::int as kept,
  (select count(*) filter (where outcome = 'broken') from p)::int as broken,
  (select count(*) filter (where outcome = 'pending') from p)::int as pending,
  (select count(*) filter (where outcome = 'withdrawn') from p)::int as withdrawn,
  (select count(*) from kept)::int as timed,
  (select coalesce(sum(paid_on - made_on), 0) from kept)::int as days,
  (select count(*) from collector_tasks t
    where t.org_id = ${org} and t.status = 'done'
      and t.done_at >= ${startOfDay(a.from, tz)} and t.done_at < ${startOfDay(`${a.to} + 1`, tz)}${s.messages('t', null)})::int as tasks,
  (select payments from received)::int as payments,
  (select cents from received)::bigint as "receivedCents"`;
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

/** Each stage of the contact funnel but `replied` (see repliedCte) as a condition on an attempted message `a`. */
const STAGE: Record<Exclude<FunnelStage, 'replied'>, string> = {
  attempted: 'true',
  delivered: `(a.delivered_at is not null or a.status in ('delivered', 'read'))`,
  read: `(a.read_at is not null or a.status = 'read')`,
  failed: `a.status = 'failed'`,
};

/**
 * CTE `attempted`: the messages attempted in the period (handed to a provider, or failed before one
 * took them). Written with plain columns, not coalesce(sent_at, failed_at): under row-level security
 * PostgreSQL uses a condition in an index scan only when it cannot leak, and it does not know that of
 * COALESCE.
 */
function attemptedCte(s: ScopeSql, a: { from: string; to: string }): string {
  const { tz } = s;
  return `
attempted as materialized (
  select m.id, m.channel, m.status, m.debtor_id, m.sent_at, (m.sent_at at time zone ${tz})::date as sent_on,
         m.delivered_at, m.read_at, m.cost_cents, m.version_id, m.step_key, coalesce(m.variant_key, 'a') as variant_key,
         case when m.channel in ('whatsapp', 'sms') then translate(m.to_address, '+ ()-', '') end as digits
    from outbound_messages m
   where m.org_id = ${s.org}
     and ((m.sent_at >= ${startOfDay(a.from, tz)} and m.sent_at < ${startOfDay(`${a.to} + 1`, tz)})
          or (m.sent_at is null and m.failed_at >= ${startOfDay(a.from, tz)} and m.failed_at < ${startOfDay(`${a.to} + 1`, tz)}))
     and m.status in ('sent', 'delivered', 'read', 'failed')${s.messages('m', 'm.version_id')}
)`;
}

/**
 * CTE `replied`: the attempted messages that got an answer: a WhatsApp or SMS message from that number
 * within the reply window, or, for a call, a promise, a dispute or a refusal. Matched by joins, not
 * message by message; only the answers that can fall in some message's window are read (the repeated
 * bounds on `i.sent_at` say so to the planner).
 */
function repliedCte(s: ScopeSql, a: { from: string; to: string; replyDays: string }): string {
  const { org, tz } = s;
  const window = `make_interval(days => ${a.replyDays})`;
  return `
replied as materialized (
  select a.id, a.channel, a.debtor_id from attempted a
   where a.digits is not null and exists (
           select 1 from inbound_messages i
            where i.org_id = ${org} and i.channel = a.channel and i.from_address = a.digits
              and i.sent_at > a.sent_at and i.sent_at <= a.sent_at + ${window}
              and i.sent_at > ${startOfDay(a.from, tz)} and i.sent_at <= ${startOfDay(`${a.to} + 1`, tz)} + ${window})
  union all
  select a.id, a.channel, a.debtor_id from attempted a
   where a.channel = 'phone' and exists (
           select 1 from collector_tasks t
            where t.org_id = ${org} and t.message_id = a.id and t.outcome in ('promise', 'dispute', 'refused'))
)`;
}

/** A contact of a cadence step: an attempted message of a step that reached a provider. */
const CONTACT = `a.status <> 'failed' and a.step_key is not null and a.version_id is not null`;

/**
 * CTE `converted`: the contacts whose window closed by the as-of date (judged) followed by a payment of
 * the debtor on the day of the contact or within the window.
 */
function convertedCte(s: ScopeSql, a: { from: string; to: string; asOf: string; days: string }): string {
  const { org } = s;
  return `
converted as materialized (
  select a.id, a.version_id, a.step_key, a.variant_key, a.channel, a.debtor_id from attempted a
   where ${CONTACT} and a.sent_on + ${a.days} <= ${a.asOf} and exists (
           select 1 from payments q
            where q.org_id = ${org} and q.debtor_id = a.debtor_id and q.status <> 'rejected'
              and q.paid_on between ${a.from} and ${a.to} + ${a.days}
              and q.paid_on between a.sent_on and a.sent_on + ${a.days})
)`;
}

/**
 * The messages statement, as JSON: `channels`, the contact funnel per channel with what the messages
 * cost; `steps`, the contacts of each cadence step and A/B variant, judged and converted. Every part is
 * added up on its own and only the small sums are joined.
 */
export function messagesSql(
  s: ScopeSql,
  a: { from: string; to: string; asOf: string; days: string; replyDays: string },
): string {
  const { org } = s;
  return `
with ${attemptedCte(s, a)},
${repliedCte(s, a)},
${convertedCte(s, a)},
funnel as (
  select a.channel,
         count(*) as attempted,
         count(*) filter (where ${STAGE.delivered}) as delivered,
         count(*) filter (where ${STAGE.read}) as read,
         count(*) filter (where ${STAGE.failed}) as failed,
         coalesce(sum(a.cost_cents), 0) as "costCents",
         count(*) filter (where a.cost_cents is null and a.status <> 'failed') as "withoutCost"
    from attempted a
   group by a.channel
),
channels as (
  select f.*, coalesce(r.n, 0) as replied
    from funnel f left join (select channel, count(*) as n from replied group by channel) r on r.channel = f.channel
),
contacts as (
  select a.version_id, a.step_key, a.variant_key, a.channel, count(*) as contacts,
         count(*) filter (where a.sent_on + ${a.days} <= ${a.asOf}) as judged
    from attempted a
   where ${CONTACT}
   group by 1, 2, 3, 4
),
steps as (
  select c.version_id as "versionId", v.cadence_id as "cadenceId", cd.name as "cadenceName", v.version,
         c.step_key as "stepKey", c.variant_key as "variantKey", c.channel, c.contacts, c.judged,
         coalesce(x.n, 0) as converted
    from contacts c
    left join (select version_id, step_key, variant_key, channel, count(*) as n from converted group by 1, 2, 3, 4) x
      on x.version_id = c.version_id and x.step_key = c.step_key and x.variant_key = c.variant_key and x.channel = c.channel
    join cadence_versions v on v.org_id = ${org} and v.id = c.version_id
    join cadences cd on cd.org_id = ${org} and cd.id = v.cadence_id
)
select
  (select coalesce(json_agg(channels order by channel), '[]') from channels) as channels,
  (select coalesce(json_agg(steps order by "cadenceId", version, "stepKey", "variantKey", channel), '[]') from steps) as steps`;
}

export function channelDebtorsSql(
  s: ScopeSql,
  a: { from: string; to: string; replyDays: string; channel: string; stage: FunnelStage },
): string {
  const stage = a.stage === 'replied' ? 'a.id in (select id from replied)' : STAGE[a.stage];
  return `
with ${attemptedCte(s, a)}${a.stage === 'replied' ? `,\n${repliedCte(s, a)}` : ''}
select a.debtor_id, 0 as cents, count(*) as n
  from attempted a
 where a.channel = ${a.channel} and ${stage}
 group by a.debtor_id`;
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
${convertedCte(s, a)}
select a.debtor_id, 0 as cents, count(*) as n
  from attempted a
 where ${CONTACT} and a.version_id = ${a.versionId} and a.step_key = ${a.stepKey} and a.variant_key = ${a.variantKey}
   and a.sent_on + ${a.days} <= ${a.asOf} and (a.id in (select id from converted)) = ${a.converted}
 group by a.debtor_id`;
}

export const AGREEMENT_OUTCOMES = ['made', 'broken', 'completed', 'cancelled'] as const;
export type AgreementOutcome = (typeof AGREEMENT_OUTCOMES)[number];

/** An agreement's outcome, as a condition on `ag`: made in the period, or ended so in it. */
function agreementOutcome(s: ScopeSql, a: { from: string; to: string }, outcome: AgreementOutcome): string {
  const from = startOfDay(a.from, s.tz);
  const to = startOfDay(`${a.to} + 1`, s.tz);
  return outcome === 'made'
    ? `(ag.created_at >= ${from} and ag.created_at < ${to})`
    : `(ag.status = '${outcome}' and ag.ended_at >= ${from} and ag.ended_at < ${to})`;
}

/**
 * Agreements (acordos): made in the period (how many, for how much, and how many of those were broken
 * by the as-of date), and those that ended in the period, broken, completed or cancelled.
 */
export function agreementsStatsSql(s: ScopeSql, a: { from: string; to: string; asOf: string }): string {
  return `
select count(*) filter (where ${agreementOutcome(s, a, 'made')})::int as made,
       coalesce(sum(ag.total_cents) filter (where ${agreementOutcome(s, a, 'made')}), 0)::bigint as "madeCents",
       count(*) filter (where ${agreementOutcome(s, a, 'made')} and ag.status = 'broken'
                          and ag.ended_at < ${startOfDay(`${a.asOf} + 1`, s.tz)})::int as "madeAndBroken",
       count(*) filter (where ${agreementOutcome(s, a, 'broken')})::int as "brokenInPeriod",
       count(*) filter (where ${agreementOutcome(s, a, 'completed')})::int as "completedInPeriod",
       count(*) filter (where ${agreementOutcome(s, a, 'cancelled')})::int as "cancelledInPeriod"
  from agreements ag
 where ag.org_id = ${s.org}${s.receivables('ag')}
   and (${agreementOutcome(s, a, 'made')} or (ag.ended_at >= ${startOfDay(a.from, s.tz)} and ag.ended_at < ${startOfDay(`${a.to} + 1`, s.tz)}))`;
}

export function agreementDebtorsSql(
  s: ScopeSql,
  a: { from: string; to: string; outcome: AgreementOutcome },
): string {
  return `
select ag.debtor_id, sum(ag.total_cents) as cents, count(*) as n
  from agreements ag
 where ag.org_id = ${s.org}${s.receivables('ag')} and ${agreementOutcome(s, a, a.outcome)}
 group by ag.debtor_id`;
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

// ---------------------------------------------------------------- recovery curve and DSO trend

/**
 * The receivables of the scope that fell due between `first` and `last` and were left unpaid at the
 * end of their due date (`overdue`: their balance then, rebuilt from today's with every later change
 * added back), from the changes of balance since `first` (CTE `moves`, which must be defined).
 */
function cohortCte(s: ScopeSql, a: { first: string; last: string }): string {
  return `
later as (
  select id, sum(delta) filter (where moved_on > due_date) as after_due
    from moves where due_date between ${a.first} and ${a.last} group by id
),
late as materialized (
  select r.id, r.debtor_id, r.due_date, to_char(r.due_date, 'YYYY-MM') as month, x.overdue
    from receivables r
    left join later l on l.id = r.id
    cross join lateral (select (case when r.status in ${ACTIVE} then r.open_cents else 0 end) - coalesce(l.after_due, 0) as overdue) x
   where r.org_id = ${s.org} and r.due_date between ${a.first} and ${a.last}${s.receivables('r')} and x.overdue > 0
)`;
}

/**
 * The recovery curve's statement: per cohort (month of due date) what its receivables owed at the end
 * of their due dates (`cohorts`), and the money collected on them (payments, and payments the
 * creditor's import reports) by days since the due date, up to `maxDays` and up to the as-of date
 * (`recovered`). One pass over the changes of balance since the first cohort and one over the
 * cohorts' receivables (by due date).
 */
export function recoveryCurveSql(
  s: ScopeSql,
  a: { next: string; first: string; last: string; asOf: string; maxDays: string },
): string {
  const sinceCut = `(${a.first} - 1)`;
  return `
with moves as materialized (${balanceMovesSql(s, { next: a.next, sinceCut, start: sinceCut, agreements: null })}
),${cohortCte(s, a)},
totals as (select month, sum(overdue) as cents, count(*) as n from late group by month),
recovered as (
  select l.month, m.moved_on - l.due_date as day, sum(-m.delta) as cents
    from moves m join late l on l.id = m.id
   where m.collected and m.moved_on > l.due_date and m.moved_on - l.due_date <= ${a.maxDays} and m.moved_on <= ${a.asOf}
   group by 1, 2
  having sum(-m.delta) <> 0
)
select
  (select coalesce(json_agg(json_build_object('month', month, 'cents', cents, 'count', n)), '[]') from totals) as cohorts,
  (select coalesce(json_agg(json_build_object('month', month, 'day', day, 'cents', cents)), '[]') from recovered) as recovered`;
}

/** The debtors of a cohort of the recovery curve, with what they owed at the end of the due dates. */
export function cohortDebtorsSql(s: ScopeSql, a: { next: string; first: string; last: string }): string {
  const sinceCut = `(${a.first} - 1)`;
  return `
with moves as materialized (${balanceMovesSql(s, { next: a.next, sinceCut, start: sinceCut, agreements: null })}
),${cohortCte(s, a)}
select debtor_id, sum(overdue) as cents, count(*) as n from late group by debtor_id`;
}

/**
 * The DSO trend's statement: the balance at the end of each of the `points` cut dates (today's, with
 * every later change added back) and the credit sales by cut interval (as the portfolio's `sales`).
 * One pass over the scope's receivables, added up by the cut interval they were billed in, and one
 * over the changes of balance since the first point.
 */
export function dsoTrendSql(
  s: ScopeSql,
  a: { next: string; sinceCut: string; points: string; agreements: AgreementSql | null },
): string {
  const { org, tz } = s;
  const billed = billedOn('r', tz);
  return `
with moves as materialized (${balanceMovesSql(s, { next: a.next, sinceCut: a.sinceCut, start: a.sinceCut, agreements: null })}
),
g as (
  select width_bucket(${billed}, ${a.next}) as bi,
         sum(case when r.status in ${ACTIVE} then r.open_cents else 0 end) as open_now,
         sum(case when r.status = 'cancelled' then 0 else r.original_cents end) as sales
    from receivables r
   where r.org_id = ${org}${s.receivables('r')}
   group by 1
),${
    a.agreements
      ? `
installments as (
  select width_bucket(${billed}, ${a.next}) as bi,
         sum(case when r.status = 'cancelled' then 0 else r.original_cents end) as sales
    from (${a.agreements.installments}) ai(id)
    join receivables r on r.org_id = ${org} and r.id = ai.id
   where true${s.receivables('r')}
   group by 1
),`
      : ''
  }
mg as (select bi, oi, sum(delta) as delta from moves where delta <> 0 group by 1, 2),
balances as (
  select pt.j, coalesce((select sum(g.open_now) from g where g.bi < pt.j), 0)
             - coalesce((select sum(mg.delta) from mg where mg.bi < pt.j and mg.oi >= pt.j), 0) as cents
    from unnest(${a.points}) as pt(j)
)
select
  (select coalesce(json_agg(json_build_object('j', j, 'cents', cents)), '[]') from balances) as balances,
  (select coalesce(json_agg(json_build_object('bi', bi, 'cents', cents)), '[]')
     from (select g.bi, g.sales${a.agreements ? ' - coalesce(i.sales, 0)' : ''} as cents
             from g${a.agreements ? ' left join installments i on i.bi = g.bi' : ''}) x
    where cents <> 0) as sales`;
}
