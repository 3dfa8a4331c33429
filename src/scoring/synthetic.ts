import type { SqlExecutor } from '../db/client.ts';
import type { CalendarDate } from '../shared/dates.ts';

/**
 * A synthetic collections history for one creditor, written by SQL (for the scoring bench and tests):
 * `receivables` receivables (4 per debtor, issued over two years before `today`, due 30 days later).
 * Each debtor has a hidden reliability r in [0, 1) (a hash of its id): the reliable ones pay more of their
 * bills (60% + 38%·r) and pay them sooner (from 5 days early to ~10 months late, later as r falls, with
 * noise); a bill not paid stays open. Payments are allocated and each writes its balance change, as the
 * intake does. Bills due in the last 13 months had an SMS on the due date and a WhatsApp 3 days later while
 * unpaid, read more often by reliable debtors; one unpaid debtor in four made a promise, broken by the
 * unreliable ones. The hidden trait is never stored: a model can only find it through behaviour.
 */
export async function writeSyntheticHistory(
  tx: SqlExecutor,
  a: { orgId: number; creditorId: number; receivables: number; today: CalendarDate; seed?: number },
): Promise<void> {
  const seed = a.seed ?? 1;
  const debtors = Math.ceil(a.receivables / 4);
  await tx.query(
    `insert into debtors (org_id, creditor_id, kind, document, name, emails, phones, tags)
     select $1::bigint, $2::bigint, case when g % 3 = 0 then 'company' else 'person' end,
            case when g % 3 = 0 then lpad((g + $4::int * 1000000)::text, 14, '0') else lpad((g + $4::int * 1000000)::text, 11, '0') end,
            'Devedor ' || g, array['d' || g || '@example.com'], array['+55119' || lpad((g % 100000000)::text, 8, '0')], '{}'
       from generate_series(1, $3::int) g`,
    [a.orgId, a.creditorId, debtors, seed],
  );
  await tx.query(
    `create temporary table synthetic_plan (org_id bigint, creditor_id bigint, debtor_id bigint, external_id text, issue date,
       due date, amount bigint, paid boolean, late int, r numeric)`,
  );
  await tx.query(
    `insert into synthetic_plan
     select d.org_id, d.creditor_id, d.id as debtor_id, 'S-' || d.id || '-' || k as external_id, x.issue, x.issue + 30 as due,
            x.amount, x.paid, x.late, d.r
       from (select d.*, (abs(hashint8(d.id * 7919 + $4::int)) % 1000) / 1000.0 as r from debtors d
              where d.org_id = $1 and d.creditor_id = $2) d
       cross join generate_series(1, 4) k
       cross join lateral (
         select $3::date - 760 + abs(hashint8(d.id * 16 + k + $4::int)) % 730 as issue,
                1000 + abs(hashint8(d.id * 32 + k + $4::int)) % 300000 as amount,
                (abs(hashint8(d.id * 64 + k + $4::int)) % 1000) / 1000.0 < 0.6 + 0.38 * d.r as paid,
                (-5 + power(1 - d.r, 2) * 200 * (0.2 + (abs(hashint8(d.id * 128 + k + $4::int)) % 1000) / 700.0))::int as late
       ) x`,
    [a.orgId, a.creditorId, a.today, seed],
  );
  await tx.query(
    `insert into receivables (org_id, creditor_id, debtor_id, external_id, issue_date, due_date, original_cents, open_cents,
            status, created_at)
     select org_id, creditor_id, debtor_id, external_id, issue, due, amount,
            case when paid and due + late <= $1::date then 0 else amount end,
            case when paid and due + late <= $1::date then 'paid' else 'open' end, issue::timestamptz
       from synthetic_plan order by synthetic_plan.issue`,
    [a.today],
  );
  await tx.query(
    `insert into payments (org_id, source, natural_key, amount_cents, paid_on, debtor_id, status, matched_by, raw, created_at)
     select org_id, 'pix', 'synthetic:' || creditor_id || ':' || external_id, amount, due + late, debtor_id, 'allocated', 'synthetic',
            '{}', (due + late)::timestamptz + interval '13 hours'
       from synthetic_plan where paid and due + late <= $1::date order by due + late`,
    [a.today],
  );
  await tx.query(
    `insert into payment_allocations (org_id, payment_id, receivable_id, cents, created_at)
     select p.org_id, p.id, r.id, p.amount_cents, p.created_at
       from payments p
       join receivables r on r.org_id = p.org_id and r.creditor_id = $2 and 'synthetic:' || r.creditor_id || ':' || r.external_id = p.natural_key
      where p.org_id = $1 and p.matched_by = 'synthetic'`,
    [a.orgId, a.creditorId],
  );
  await tx.query(
    `insert into receivable_changes (org_id, receivable_id, changes, changed_at)
     select r.org_id, r.id, jsonb_build_object('open_cents', jsonb_build_array(r.original_cents, 0),
                                               'status', jsonb_build_array('open', 'paid'), 'payment_id', jsonb_build_array(null, a.payment_id)),
            a.created_at
       from payment_allocations a join receivables r on r.org_id = a.org_id and r.id = a.receivable_id
      where a.org_id = $1 and r.creditor_id = $2`,
    [a.orgId, a.creditorId],
  );
  await tx.query(
    `insert into outbound_messages (org_id, creditor_id, debtor_id, channel, purpose, idempotency_key, to_address, body, status,
            attempts, provider, created_at, sent_at, delivered_at, read_at)
     select b.org_id, b.creditor_id, b.debtor_id, s.channel, 'collection', 'synthetic:' || b.external_id || ':' || s.channel,
            '+55119' || lpad((b.debtor_id % 100000000)::text, 8, '0'), 'Consta em aberto',
            case when read then 'read' else 'delivered' end, 1, 'sandbox', t, t, t + interval '1 minute',
            case when read then t + interval '1 hour' end
       from synthetic_plan b
       cross join (values ('sms', 0), ('whatsapp', 3)) as s(channel, offset_days)
       cross join lateral (select ((b.due + s.offset_days)::timestamp + interval '13 hours') at time zone 'UTC' as t,
                                  (abs(hashint8(b.debtor_id * 256 + s.offset_days + $2::int)) % 100) < 15 + 60 * b.r as read) x
      where b.due > $1::date - 395 and b.due + s.offset_days <= $1::date
        and not (b.paid and b.late <= s.offset_days)
      order by t`,
    [a.today, seed],
  );
  await tx.query(
    `insert into collection_holds (org_id, debtor_id, kind, until_date, amount_cents, reason, created_by, created_at, released_at,
            released_by)
     select b.org_id, b.debtor_id, 'promise', b.due + 20, b.amount, 'Promessa', 'user:1', (b.due + 10)::timestamptz,
            case when b.due + 21 <= $1::date then (b.due + 21)::timestamptz end,
            case when b.due + 21 <= $1::date then
              case when b.r < 0.45 then 'system:promise_broken' else 'system:promise_kept' end end
       from synthetic_plan b
      where b.due + 10 <= $1::date and abs(hashint8(b.debtor_id * 512 + $2::int)) % 4 = 0 and not (b.paid and b.late <= 10)
      order by b.due`,
    [a.today, seed],
  );
  await tx.query('drop table synthetic_plan');
}
