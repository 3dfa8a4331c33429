/**
 * The behavioural features of an open case (a debtor with a past-due balance) as of a cut date, and
 * the set-based SQL that computes them for every debtor of a creditor at once, for any number of cut
 * dates, from stored facts only.
 *
 * A cut date `c` is the end of that business day: a fact counts when it is dated on or before `c` (a
 * payment's `paid_on`, a change's or message's timestamp before the next local midnight). A receivable
 * is open and past due at `c` when it was billed by then, fell due before `c`, and still had a balance at
 * `c`: today's balance with every later payment and every later closing change (import reporting it paid,
 * write-off, cancellation, agreement) added back. A receivable that is closed today with no dated fact
 * saying when (imported already paid) is never taken as open, and never as paid history: when it was
 * paid is not known.
 *
 * The label of a case at `c` (training only): at least half of its past-due balance at `c` was paid in
 * the LABEL_DAYS days after `c` (payments allocated to those receivables, or the creditor's import
 * reporting them paid).
 */

export const LABEL_DAYS = 30;
/** Share of the past-due balance that makes a case "paid" in the label window. */
export const LABEL_SHARE = 0.5;
/** The window of contacts counted before a cut. */
export const CONTACT_DAYS = 90;

/** The raw columns the feature SQL returns for each (cut, debtor). */
export type RawFeatures = {
  daysLate: number;
  openCents: number;
  openCount: number;
  paidCount: number;
  avgLateDays: number;
  lateShare: number;
  brokenPromises: number;
  keptPromises: number;
  brokenAgreements: number;
  contacts: number;
  responses: number;
  isCompany: number;
};

export type FeatureKey =
  | 'days_late'
  | 'open_amount'
  | 'open_count'
  | 'paid_history'
  | 'avg_late_days'
  | 'late_share'
  | 'broken_promises'
  | 'kept_promises'
  | 'broken_agreements'
  | 'contacts'
  | 'response_rate'
  | 'company';

export type FeatureDef = {
  key: FeatureKey;
  /** The model input from the raw columns (alias `f`), in SQL: the same formula as `value`. */
  sql: string;
  value: (raw: RawFeatures) => number;
  /** The raw figure shown with a factor (and the total it is out of, for shares). */
  shown: string;
  shownOf: string | null;
};

const ln1p = (x: number) => Math.log(1 + Math.max(x, 0));

/** The model's inputs, in the order of the stored coefficients. */
export const FEATURES: FeatureDef[] = [
  {
    key: 'days_late',
    sql: 'ln(1 + greatest(f.days_late, 0))',
    value: (r) => ln1p(r.daysLate),
    shown: 'f.days_late',
    shownOf: null,
  },
  {
    key: 'open_amount',
    sql: 'ln(1 + greatest(f.open_cents, 0) / 100.0)',
    value: (r) => ln1p(r.openCents / 100),
    shown: 'f.open_cents',
    shownOf: null,
  },
  {
    key: 'open_count',
    sql: 'ln(1 + f.open_count)',
    value: (r) => ln1p(r.openCount),
    shown: 'f.open_count',
    shownOf: null,
  },
  {
    key: 'paid_history',
    sql: 'ln(1 + f.paid_count)',
    value: (r) => ln1p(r.paidCount),
    shown: 'f.paid_count',
    shownOf: null,
  },
  {
    key: 'avg_late_days',
    sql: 'ln(1 + f.avg_late_days)',
    value: (r) => ln1p(r.avgLateDays),
    shown: 'f.avg_late_days',
    shownOf: 'f.paid_count',
  },
  {
    key: 'late_share',
    sql: 'f.late_share',
    value: (r) => r.lateShare,
    shown: 'f.late_share',
    shownOf: 'f.paid_count',
  },
  {
    key: 'broken_promises',
    sql: 'least(f.broken_promises, 5)',
    value: (r) => Math.min(r.brokenPromises, 5),
    shown: 'f.broken_promises',
    shownOf: null,
  },
  {
    key: 'kept_promises',
    sql: 'least(f.kept_promises, 5)',
    value: (r) => Math.min(r.keptPromises, 5),
    shown: 'f.kept_promises',
    shownOf: null,
  },
  {
    key: 'broken_agreements',
    sql: 'least(f.broken_agreements, 3)',
    value: (r) => Math.min(r.brokenAgreements, 3),
    shown: 'f.broken_agreements',
    shownOf: null,
  },
  {
    key: 'contacts',
    sql: 'ln(1 + f.contacts)',
    value: (r) => ln1p(r.contacts),
    shown: 'f.contacts',
    shownOf: null,
  },
  {
    key: 'response_rate',
    sql: 'f.responses::float8 / greatest(f.contacts, 1)',
    value: (r) => r.responses / Math.max(r.contacts, 1),
    shown: 'f.responses',
    shownOf: 'f.contacts',
  },
  {
    key: 'company',
    sql: 'f.is_company',
    value: (r) => r.isCompany,
    shown: 'f.is_company',
    shownOf: null,
  },
];

export const FEATURE_KEYS = FEATURES.map((f) => f.key);

export function featureVector(raw: RawFeatures): number[] {
  return FEATURES.map((f) => f.value(raw));
}

/** Receivable statuses whose balance is still owed. */
const ACTIVE = `('open', 'partially_paid')`;

/**
 * One statement: the raw features of every open case of the creditor at each cut date, and with
 * `label` the amounts the label needs. Parameters: $1 org, $2 creditor, $3 cut dates, $4 time zone,
 * $5 label days, $6 debtor sample (0..1024: debtors whose hash falls under it; 1024 = all). Without
 * `label` (scoring) it expects a single cut date.
 * Columns: cut, debtor_id, the RawFeatures columns (snake case), owed_cents, and paid_cents (label).
 */
export function featuresSql(options: { label: boolean }): string {
  const sampled = `($6::int >= 1024 or abs(hashint8(r.debtor_id)) % 1024 < $6::int)`;
  const endOf = (date: string) => `((${date} + 1)::timestamp at time zone $4::text)`;
  return `
with cuts as (select distinct unnest($3::date[]) as c),
bounds as (select min(c) as first_cut, max(c) as last_cut from cuts),
r as materialized (
  select r.id, r.debtor_id, r.due_date, r.status, r.open_cents,
         coalesce(r.issue_date, least((r.created_at at time zone $4::text)::date, r.due_date)) as billed_on,
         case when r.status in ${ACTIVE} then r.open_cents else 0 end as open_now
    from receivables r
   where r.org_id = $1 and r.creditor_id = $2 and ${sampled}
),
-- Money of ours paid into each receivable, by day.
paid as materialized (
  select a.receivable_id, ${
    options.label
      ? `array_agg(p.paid_on order by p.paid_on) as days, array_agg(a.cents order by p.paid_on) as cents,`
      : // Scoring has one cut: what was paid after it is a sum, no need for the days.
        `null::date[] as days, null::bigint[] as cents, sum(a.cents) filter (where p.paid_on > (select max(c) from cuts)) as after_cut,`
  }
         max(p.paid_on) as last_paid_on
    from payment_allocations a
    join payments p on p.org_id = a.org_id and p.id = a.payment_id
   where a.org_id = $1 and a.receivable_id in (select id from r)
   group by a.receivable_id
),
-- The first change that closed a receivable without a payment of ours, with the balance it closed.
closed as materialized (
  select distinct on (c.receivable_id) c.receivable_id, (c.changed_at at time zone $4::text)::date as closed_on,
         coalesce((c.changes #>> '{open_cents,0}')::bigint, r.open_cents) as closed_cents,
         c.changes #>> '{status,1}' = 'paid' as closed_paid
    from receivable_changes c
    join r on r.id = c.receivable_id
   where c.org_id = $1 and not (c.changes ? 'payment_id')
     and c.changes #>> '{status,1}' in ('paid', 'written_off', 'cancelled', 'in_agreement')
     and coalesce(c.changes #>> '{status,0}', 'open') in ${ACTIVE}
   order by c.receivable_id, c.changed_at, c.id
),
rs as materialized (
  select r.id, r.debtor_id, r.due_date, r.billed_on, r.open_now, p.days, p.cents, p.last_paid_on,
         ${options.label ? '0::bigint' : 'coalesce(p.after_cut, 0)'} as after_cut,
         cl.closed_on, coalesce(cl.closed_cents, 0) as closed_cents, coalesce(cl.closed_paid, false) as closed_paid,
         case when r.status = 'paid' then coalesce(case when cl.closed_paid then cl.closed_on end, p.last_paid_on) end as settled_on
    from r left join paid p on p.receivable_id = r.id left join closed cl on cl.receivable_id = r.id
),
-- Each receivable open and past due at each cut, with its balance then (and what was paid of it after).
open_at as materialized (
  select c.c, x.debtor_id, x.due_date, x.owed, x.paid_window
    from rs
    join cuts c on rs.due_date < c.c and rs.billed_on <= c.c
               and (rs.open_now > 0 or rs.closed_on > c.c or rs.last_paid_on > c.c)
    cross join lateral (
      select rs.debtor_id, rs.due_date,
             rs.open_now + ${
               options.label
                 ? 'coalesce((select sum(u.cents) from unnest(rs.days, rs.cents) u(d, cents) where u.d > c.c), 0)'
                 : 'rs.after_cut'
             }
               + case when rs.closed_on > c.c then rs.closed_cents else 0 end as owed,
             ${
               options.label
                 ? `coalesce((select sum(u.cents) from unnest(rs.days, rs.cents) u(d, cents) where u.d > c.c and u.d <= c.c + $5::int), 0)
               + case when rs.closed_paid and rs.closed_on > c.c and rs.closed_on <= c.c + $5::int then rs.closed_cents else 0 end`
                 : '0 * $5::int'
             } as paid_window
    ) x
),
cases as materialized (
  select c, debtor_id, max(c - due_date) as days_late, sum(owed)::bigint as open_cents, count(*)::int as open_count,
         sum(paid_window)::bigint as paid_cents
    from open_at where owed > 0
   group by c, debtor_id
),
history as (
  select k.c, k.debtor_id, count(*)::int as paid_count,
         avg(greatest(rs.settled_on - rs.due_date, 0))::float8 as avg_late_days,
         (count(*) filter (where rs.settled_on - rs.due_date > 5))::float8 / count(*) as late_share
    from cases k join rs on rs.debtor_id = k.debtor_id and rs.settled_on <= k.c
   group by k.c, k.debtor_id
),
promises as (
  select k.c, k.debtor_id,
         count(*) filter (where h.until_date < k.c and not (h.released_at < ${endOf('k.c')} and h.released_by is distinct from 'system:promise_broken'))::int as broken,
         count(*) filter (where h.released_by = 'system:promise_kept' and h.released_at < ${endOf('k.c')})::int as kept
    from cases k join collection_holds h on h.org_id = $1 and h.debtor_id = k.debtor_id and h.kind = 'promise'
   where h.created_at < ${endOf('k.c')}
   group by k.c, k.debtor_id
),
agreements_broken as (
  select k.c, k.debtor_id, count(*)::int as broken
    from cases k join agreements a on a.org_id = $1 and a.debtor_id = k.debtor_id
   where a.status = 'broken' and a.ended_at < ${endOf('k.c')}
   group by k.c, k.debtor_id
),
contacts as (
  select k.c, k.debtor_id, count(*)::int as contacts,
         count(*) filter (where (m.read_at is not null and m.read_at < ${endOf('k.c')})
           or exists (select 1 from collector_tasks t where t.org_id = $1 and t.message_id = m.id
                         and t.outcome in ('reached', 'promise', 'dispute', 'refused') and t.done_at < ${endOf('k.c')})
           or (m.channel in ('whatsapp', 'sms') and exists (
                 select 1 from inbound_messages i
                  where i.org_id = $1 and i.from_address = translate(m.to_address, '+ ()-', '') and i.channel = m.channel
                    and i.sent_at > m.sent_at and i.sent_at <= m.sent_at + interval '3 days' and i.sent_at < ${endOf('k.c')})))::int as responses
    from cases k join outbound_messages m on m.org_id = $1 and m.debtor_id = k.debtor_id
   where m.sent_at < ${endOf('k.c')} and m.sent_at >= ${endOf(`k.c - ${CONTACT_DAYS}`)}
     and m.status in ('sent', 'delivered', 'read') and m.purpose = 'collection'
   group by k.c, k.debtor_id
)
select k.c::text as cut, k.debtor_id::int as "debtorId", k.days_late::int as days_late, k.open_cents::float8 as open_cents,
       k.open_count, coalesce(h.paid_count, 0) as paid_count, coalesce(h.avg_late_days, 0) as avg_late_days,
       coalesce(h.late_share, 0) as late_share, coalesce(p.broken, 0) as broken_promises, coalesce(p.kept, 0) as kept_promises,
       coalesce(ab.broken, 0) as broken_agreements, coalesce(ct.contacts, 0) as contacts, coalesce(ct.responses, 0) as responses,
       (d.kind = 'company')::int as is_company, k.paid_cents::float8 as paid_cents
  from cases k
  join debtors d on d.org_id = $1 and d.id = k.debtor_id
  left join history h on h.c = k.c and h.debtor_id = k.debtor_id
  left join promises p on p.c = k.c and p.debtor_id = k.debtor_id
  left join agreements_broken ab on ab.c = k.c and ab.debtor_id = k.debtor_id
  left join contacts ct on ct.c = k.c and ct.debtor_id = k.debtor_id`;
}

/** Snake-case row of featuresSql. */
export type FeatureRow = {
  cut: string;
  debtorId: number;
  days_late: number;
  open_cents: number;
  open_count: number;
  paid_count: number;
  avg_late_days: number;
  late_share: number;
  broken_promises: number;
  kept_promises: number;
  broken_agreements: number;
  contacts: number;
  responses: number;
  is_company: number;
  paid_cents: number;
};

export function rawOf(row: FeatureRow): RawFeatures {
  return {
    daysLate: Number(row.days_late),
    openCents: Number(row.open_cents),
    openCount: Number(row.open_count),
    paidCount: Number(row.paid_count),
    avgLateDays: Number(row.avg_late_days),
    lateShare: Number(row.late_share),
    brokenPromises: Number(row.broken_promises),
    keptPromises: Number(row.kept_promises),
    brokenAgreements: Number(row.broken_agreements),
    contacts: Number(row.contacts),
    responses: Number(row.responses),
    isCompany: Number(row.is_company),
  };
}

/** Whether a case at its cut was paid (at least LABEL_SHARE of its past-due balance in the window). */
export function labelOf(row: Pick<FeatureRow, 'open_cents' | 'paid_cents'>): 0 | 1 {
  return Number(row.paid_cents) >= LABEL_SHARE * Number(row.open_cents) ? 1 : 0;
}
