import type { Scope } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { type IncomingPayment, takePayments } from '../payments/allocate.ts';
import { debtorTxid } from '../payments/pix.ts';
import { addDays, type CalendarDate } from '../shared/dates.ts';

/**
 * Gives the demo money coming in: each creditor's Pix key (its CNPJ) for the copia-e-cola, and Pix
 * payments from about one in six debtors whose debt fell due in the last three weeks, taken in
 * through the real intake, so Pagamentos, the debtors' balances and the A/B results have something
 * to show.
 */
export async function seedDemoPayments(db: Database, scope: Scope, asOf: CalendarDate): Promise<number> {
  await db.query(
    `update creditors set pix_key = cnpj, pix_merchant_name = left(coalesce(trade_name, legal_name), 25) where org_id = $1`,
    [scope.orgId],
  );
  const due = await db.query<{
    debtorId: number;
    openCents: number;
    dueDate: string;
    document: string;
    name: string;
  }>(
    `select r.debtor_id as "debtorId", sum(r.open_cents)::bigint as "openCents", min(r.due_date)::text as "dueDate",
            d.document, d.name
       from receivables r join debtors d on d.org_id = r.org_id and d.id = r.debtor_id
      where r.org_id = $1 and r.status in ('open', 'partially_paid') and r.open_cents > 0
        and r.due_date between $2::date - 21 and $2::date - 1 and d.id % 6 = 0
      group by r.debtor_id, d.document, d.name
      order by r.debtor_id`,
    [scope.orgId, asOf],
  );
  const payments: IncomingPayment[] = due.map((d, i) => {
    const paidOn =
      addDays(d.dueDate, 1 + (i % 5)) < asOf ? addDays(d.dueDate, 1 + (i % 5)) : addDays(asOf, -1);
    return {
      source: 'pix',
      naturalKey: `pix:E00000000DEMO${String(d.debtorId).padStart(18, '0')}`,
      // Most pay in full; some pay part of it.
      amountCents: i % 4 === 3 ? Math.ceil(d.openCents / 2) : d.openCents,
      paidOn: paidOn > d.dueDate ? paidOn : d.dueDate,
      payerDocument: d.document,
      payerName: d.name,
      txid: debtorTxid(d.debtorId, paidOn),
      raw: { demo: true },
    };
  });
  for (let i = 0; i < payments.length; i += 200) await takePayments(db, scope, payments.slice(i, i + 200));
  return payments.length;
}
