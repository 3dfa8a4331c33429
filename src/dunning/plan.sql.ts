/**
 * The daily planner as one set-based statement for one organization and business date
 * ($1 organization, $2 date, $3 the clock).
 *
 * For every open receivable of a creditor with an active cadence: the first segment whose rules match,
 * then the most recent step whose day has come (catch-up never replays older steps), unless that step
 * already reached the receivable. Each candidate is checked (holds, opt-outs, consent, address, legal
 * gates, state holiday), the survivors are grouped into one contact per debtor and channel, the
 * frequency cap keeps the most advanced contacts, and everything not planned is recorded with its
 * reason: a passing reason (a hold, the cap, a state holiday) on every date it applies, a lasting one
 * (opt-out, no consent, no address, below the minimum, the notice's waiting period) on its first date
 * only. Unique keys make a second run for the same date plan nothing new.
 */
export const PLAN_SQL = `
with org as (
  select id, time_zone from organizations where id = $1
),
active as materialized (
  select v.org_id, v.id as version_id, v.version, v.cadence_id, v.creditor_id,
         coalesce((v.definition #>> '{settings,frequencyCap,contacts}')::int, 3) as cap_contacts,
         coalesce((v.definition #>> '{settings,frequencyCap,days}')::int, 7) as cap_days,
         coalesce((v.definition #>> '{settings,legal,noticeDays}')::int, 10) as notice_days,
         coalesce((v.definition #>> '{settings,legal,minDaysLate}')::int, 5) as gate_min_days_late,
         coalesce((v.definition #>> '{settings,legal,minAmountCents}')::bigint, 0) as gate_min_cents
    from cadence_versions v
   where v.org_id = $1 and v.status = 'active'
),
notices as (
  select i.receivable_id,
         (array_agg(m.id order by m.sent_at))[1] as sent_id, min(m.sent_at) as sent_at
    from outbound_messages m
    join outbound_message_items i on i.org_id = m.org_id and i.message_id = m.id
   where m.org_id = $1 and m.purpose = 'prior_notice' and m.status in ('sent', 'delivered', 'read')
   group by i.receivable_id
),
base as (
  select r.org_id, r.id as receivable_id, r.debtor_id, r.creditor_id, r.open_cents,
         a.version_id, a.version, a.cadence_id, a.cap_contacts, a.cap_days, a.notice_days,
         a.gate_min_days_late, a.gate_min_cents,
         ($2::date - coalesce(bc.next_business_day, r.due_date)) as days_late,
         n.sent_id as notice_id, n.sent_at as notice_sent_at
    from receivables r
    join active a on a.org_id = r.org_id and a.creditor_id = r.creditor_id
    left join bank_calendar bc on bc.day = r.due_date
    left join notices n on n.receivable_id = r.id
   where r.org_id = $1 and r.status in ('open', 'partially_paid') and r.open_cents > 0
     and r.due_date <= $2::date + 61
),
segmented as (
  select b.*, d.kind, d.uf, d.emails, d.phones, d.whatsapp, d.channel_preferences as prefs,
         d.street, d.cep, d.city, s.segment_key
    from base b
    join debtors d on d.org_id = b.org_id and d.id = b.debtor_id
    cross join lateral (
      select cs.segment_key from cadence_segments cs
       where cs.org_id = b.org_id and cs.version_id = b.version_id
         and (cs.debtor_kind is null or cs.debtor_kind = d.kind)
         and (cs.min_cents is null or b.open_cents >= cs.min_cents)
         and (cs.max_cents is null or b.open_cents <= cs.max_cents)
         and (cs.min_days_late is null or b.days_late >= cs.min_days_late)
         and (cs.max_days_late is null or b.days_late <= cs.max_days_late)
         and (cs.ufs is null or d.uf = any(cs.ufs))
         and (cs.tags is null or d.tags && cs.tags)
       order by cs.position
       limit 1
    ) s
),
due as (
  select g.*, st.step_key, st.variant_key, st.offset_days, st.channel, st.purpose,
         st.skip_on_promise, st.skip_on_agreement, st.skip_on_dispute, st.skip_on_pause
    from segmented g
    cross join lateral (
      select cs.* from cadence_steps cs
       where cs.org_id = g.org_id and cs.version_id = g.version_id and cs.segment_key = g.segment_key
         and cs.offset_days <= g.days_late
         -- A gated step waits for its prior notice: until one has gone out, the notice step is the one due.
         and (cs.purpose not in ('negativacao', 'protest') or g.notice_id is not null)
         and (cs.bucket_to - cs.bucket_from = 100
              or mod(abs(hashtext(cs.step_key || ':' || g.debtor_id::text)::bigint), 100) >= cs.bucket_from
                 and mod(abs(hashtext(cs.step_key || ':' || g.debtor_id::text)::bigint), 100) < cs.bucket_to)
       order by cs.offset_days desc
       fetch first 1 rows with ties
    ) st
   where not exists (
     select 1 from outbound_message_items i
      where i.org_id = g.org_id and i.receivable_id = g.receivable_id
        and i.cadence_id = g.cadence_id and i.step_key = st.step_key
   )
),
holds as (
  select h.debtor_id, h.receivable_id,
         bool_or(h.kind = 'promise') as promise, bool_or(h.kind = 'agreement') as agreement,
         bool_or(h.kind = 'dispute') as dispute, bool_or(h.kind = 'pause') as pause
    from collection_holds h
   where h.org_id = $1 and h.released_at is null and (h.until_date is null or h.until_date >= $2::date)
   group by h.debtor_id, h.receivable_id
),
checked as (
  select u.*,
         coalesce(dh.dispute, false) or coalesce(rh.dispute, false) as disputed,
         case u.channel
           when 'email' then u.emails[1]
           when 'sms' then (select p from unnest(u.phones) p where p ~ '^\\+55[0-9]{2}9[0-9]{8}$' limit 1)
           when 'whatsapp' then coalesce(u.whatsapp,
             (select p from unnest(u.phones) p where p ~ '^\\+55[0-9]{2}9[0-9]{8}$' limit 1))
           when 'phone' then u.phones[1]
           when 'letter' then case when u.street is not null and u.cep is not null and u.city is not null
                                   then concat_ws(', ', u.street, u.city, u.uf, u.cep) end
           else '' end as to_address,
         (u.prefs -> u.channel ->> 'optedOutAt') is not null as opted_out,
         sh.uf is not null as state_holiday,
         case
           when u.skip_on_dispute and (coalesce(dh.dispute, false) or coalesce(rh.dispute, false)) then 'hold_dispute'
           when u.skip_on_agreement and (coalesce(dh.agreement, false) or coalesce(rh.agreement, false)) then 'hold_agreement'
           when u.skip_on_promise and (coalesce(dh.promise, false) or coalesce(rh.promise, false)) then 'hold_promise'
           when u.skip_on_pause and (coalesce(dh.pause, false) or coalesce(rh.pause, false)) then 'hold_pause'
         end as hold_reason
    from due u
    left join holds dh on dh.debtor_id = u.debtor_id and dh.receivable_id is null
    left join holds rh on rh.receivable_id = u.receivable_id
    left join state_holidays sh on sh.day = $2::date and sh.uf = u.uf
),
decided as (
  select c.*,
         case
           when c.hold_reason is not null then c.hold_reason
           when c.opted_out then 'opted_out'
           when c.channel = 'whatsapp' and (c.prefs -> 'whatsapp' ->> 'consentAt') is null then 'no_consent'
           when c.to_address is null then 'no_address'
           when c.purpose in ('negativacao', 'protest') and c.disputed then 'gate_disputed'
           when c.purpose in ('negativacao', 'protest') and c.days_late <= c.gate_min_days_late then 'gate_not_late_enough'
           when c.purpose in ('negativacao', 'protest') and c.open_cents < c.gate_min_cents then 'gate_below_minimum'
           when c.purpose in ('negativacao', 'protest') and c.notice_id is null then 'gate_no_notice'
           when c.purpose in ('negativacao', 'protest')
                and (c.notice_sent_at at time zone (select time_zone from org))::date > $2::date - c.notice_days
             then 'gate_notice_too_recent'
           when c.state_holiday then 'state_holiday'
         end as reason
    from checked c
),
grouped as (
  select d.debtor_id, d.channel, min(d.creditor_id) as creditor_id, min(d.version_id) as version_id,
         min(d.version) as version, min(d.cadence_id) as cadence_id, min(d.uf) as uf,
         min(d.to_address) as to_address, min(d.cap_contacts) as cap_contacts, min(d.cap_days) as cap_days,
         (array_agg(d.purpose order by d.offset_days desc, d.step_key))[1] as purpose,
         (array_agg(d.segment_key order by d.offset_days desc, d.step_key))[1] as segment_key,
         (array_agg(d.step_key order by d.offset_days desc, d.step_key))[1] as step_key,
         (array_agg(d.variant_key order by d.offset_days desc, d.step_key))[1] as variant_key,
         max(d.offset_days) as offset_days, max(d.days_late) as days_late, count(*) as receivables,
         sum(d.open_cents) as open_cents,
         jsonb_agg(jsonb_build_object('receivableId', d.receivable_id, 'noticeMessageId', d.notice_id,
                   'noticeSentAt', d.notice_sent_at, 'daysLate', d.days_late, 'openCents', d.open_cents,
                   'noticeDays', d.notice_days, 'minDaysLate', d.gate_min_days_late,
                   'minAmountCents', d.gate_min_cents) order by d.receivable_id)
           filter (where d.purpose in ('negativacao', 'protest')) as evidence
    from decided d
   where d.reason is null
   group by d.debtor_id, d.channel
),
recent as (
  select m.debtor_id, count(*) as contacts
    from outbound_messages m
    join (select distinct debtor_id, cap_days from grouped) g on g.debtor_id = m.debtor_id
   where m.org_id = $1 and m.plan_date <= $2::date and m.plan_date > $2::date - g.cap_days
     and m.channel not in ('negativacao', 'protest') and m.status <> 'cancelled'
   group by m.debtor_id
),
ranked as (
  select g.*,
         case when g.channel in ('negativacao', 'protest') then false
              else row_number() over (
                     partition by g.debtor_id, g.channel in ('negativacao', 'protest')
                     order by g.offset_days desc, g.channel)
                   > g.cap_contacts - coalesce(r.contacts, 0)
         end as capped
    from grouped g
    left join recent r on r.debtor_id = g.debtor_id
),
messages as (
  insert into outbound_messages (org_id, creditor_id, debtor_id, channel, purpose, idempotency_key, plan_date,
         version_id, segment_key, step_key, variant_key, uf, to_address, next_attempt_at, why, evidence)
  select $1, k.creditor_id, k.debtor_id, k.channel, k.purpose,
         'plan:' || $2::date || ':' || k.debtor_id || ':' || k.channel, $2::date,
         k.version_id, k.segment_key, k.step_key, k.variant_key, k.uf, nullif(k.to_address, ''),
         greatest($3::timestamptz, ($2::date)::timestamp at time zone (select time_zone from org)),
         jsonb_build_object('planDate', $2::date, 'cadenceVersion', k.version, 'segment', k.segment_key,
           'step', k.step_key, 'variant', k.variant_key, 'offsetDays', k.offset_days,
           'daysLate', k.days_late, 'receivables', k.receivables, 'openCents', k.open_cents),
         case when k.evidence is null then null else jsonb_build_object('items', k.evidence) end
    from ranked k
   where not k.capped
  on conflict (org_id, idempotency_key) do nothing
  returning id, debtor_id, channel
),
items as (
  insert into outbound_message_items (org_id, message_id, receivable_id, cadence_id, step_key, open_cents, days_late)
  select $1, m.id, d.receivable_id, d.cadence_id, d.step_key, d.open_cents, d.days_late
    from messages m
    join decided d on d.debtor_id = m.debtor_id and d.channel = m.channel and d.reason is null
  on conflict do nothing
  returning receivable_id
),
skips as (
  insert into plan_skips (org_id, plan_date, receivable_id, debtor_id, creditor_id, version_id, segment_key,
         step_key, channel, reason, detail)
  select distinct on (s.receivable_id) $1, $2::date, s.receivable_id, s.debtor_id, s.creditor_id, s.version_id,
         s.segment_key, s.step_key, s.channel, s.reason,
         jsonb_strip_nulls(jsonb_build_object('cadenceVersion', s.version, 'variant', s.variant_key,
           'offsetDays', s.offset_days, 'daysLate', s.days_late, 'openCents', s.open_cents,
           'noticeMessageId', s.notice_id, 'noticeSentAt', s.notice_sent_at, 'noticeDays',
           case when s.reason like 'gate_%' then s.notice_days end,
           'minAmountCents', case when s.reason = 'gate_below_minimum' then s.gate_min_cents end,
           'minDaysLate', case when s.reason = 'gate_not_late_enough' then s.gate_min_days_late end,
           'capContacts', case when s.reason = 'frequency_cap' then s.cap_contacts end,
           'capDays', case when s.reason = 'frequency_cap' then s.cap_days end))
    from (
      select d.*, d.reason as why from decided d where d.reason is not null
      union all
      select d.*, 'frequency_cap' from decided d
        join ranked k on k.debtor_id = d.debtor_id and k.channel = d.channel and k.capped
       where d.reason is null
    ) s (org_id, receivable_id, debtor_id, creditor_id, open_cents, version_id, version, cadence_id, cap_contacts,
         cap_days, notice_days, gate_min_days_late, gate_min_cents, days_late, notice_id,
         notice_sent_at, kind, uf, emails, phones, whatsapp, prefs, street, cep, city, segment_key, step_key,
         variant_key, offset_days, channel, purpose, skip_on_promise, skip_on_agreement, skip_on_dispute,
         skip_on_pause, disputed, to_address, opted_out, state_holiday, hold_reason, old_reason, reason)
   where s.reason not in ('opted_out', 'no_consent', 'no_address', 'gate_below_minimum', 'gate_notice_too_recent')
      or not exists (
        select 1 from plan_skips p
         where p.org_id = s.org_id and p.receivable_id = s.receivable_id and p.step_key = s.step_key
           and p.reason = s.reason)
   order by s.receivable_id, s.offset_days desc, s.step_key
  on conflict do nothing
  returning reason
)
select (select coalesce(jsonb_object_agg(channel, n), '{}'::jsonb)
          from (select channel, count(*) as n from messages group by channel) c) as "byChannel",
       (select coalesce(jsonb_object_agg(reason, n), '{}'::jsonb)
          from (select reason, count(*) as n from skips group by reason) r) as "byReason",
       (select count(*)::int from messages) as planned,
       (select count(*)::int from items) as "plannedItems",
       (select count(*)::int from skips) as skipped
`;
