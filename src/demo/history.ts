import type { Scope } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import type { DemoPayment } from './generate.ts';

/**
 * The payment history behind the titles a demo creditor's file reports paid or partly paid: the creditor's
 * ERP knows when each was paid, so the demo records those payments as the intake would have (a payment,
 * its allocation, and the balance change naming it, dated on the day paid), without a thank-you message or
 * a recovery for history months old. Reliable debtors paid around the due date, risky ones late
 * (src/demo/generate.ts), so the behavioural score has a history to learn from. Idempotent: a payment's
 * natural key is its title's.
 */
export async function seedDemoHistory(
  db: Database,
  scope: Scope,
  creditorId: number,
  payments: DemoPayment[],
): Promise<number> {
  if (payments.length === 0) return 0;
  return withTenant(db, scope.orgId, async (tx) => {
    const inserted = await tx.query<{ id: number }>(
      `insert into payments (org_id, source, natural_key, amount_cents, paid_on, credited_on, debtor_id, status, matched_by,
                             raw, created_at)
       select $1, 'boleto', 'demo-historico:' || $2 || ':' || h.external_id, h.cents, h.paid_on, h.paid_on + 1, r.debtor_id,
              'allocated', 'historico', jsonb_build_object('demo', true), (h.paid_on + 1)::timestamp at time zone $6
         from unnest($3::text[], $4::date[], $5::bigint[]) as h(external_id, paid_on, cents)
         join receivables r on r.org_id = $1 and r.creditor_id = $2 and r.external_id = h.external_id
        order by h.paid_on
       on conflict (org_id, natural_key) do nothing
       returning id`,
      [
        scope.orgId,
        creditorId,
        payments.map((p) => p.externalId),
        payments.map((p) => p.paidOn),
        payments.map((p) => p.cents),
        scope.timeZone,
      ],
    );
    if (inserted.length === 0) return 0;
    await tx.query(
      `with p as (
         select p.id, p.amount_cents, p.created_at, r.id as receivable_id, r.original_cents, r.open_cents, r.status
           from payments p
           join receivables r on r.org_id = p.org_id and r.creditor_id = $2 and 'demo-historico:' || $2 || ':' || r.external_id = p.natural_key
          where p.org_id = $1 and p.id = any($3::bigint[])
       ),
       allocated as (
         insert into payment_allocations (org_id, payment_id, receivable_id, cents, created_at)
         select $1, id, receivable_id, amount_cents, created_at from p
       )
       insert into receivable_changes (org_id, receivable_id, changes, changed_at)
       select $1, receivable_id,
              jsonb_build_object('open_cents', jsonb_build_array(original_cents, open_cents),
                                 'status', jsonb_build_array('open', case when open_cents = 0 then 'paid' else 'partially_paid' end),
                                 'payment_id', jsonb_build_array(null, id)),
              created_at
         from p`,
      [scope.orgId, creditorId, inserted.map((r) => r.id)],
    );
    return inserted.length;
  });
}
