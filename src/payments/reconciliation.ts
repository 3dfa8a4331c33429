/**
 * The unmatched queue: payments no reference matched and the scorer was not sure of wait for a person,
 * who sees their candidates (confidence and reasons) and confirms one, names another debtor, or
 * rejects the payment as not a debtor's (a bank fee, a transfer). Either way it is recorded who decided
 * and why, and nothing is applied twice: only an unallocated payment can be confirmed or rejected.
 */
import type { Scope } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { conflict, notFound } from '../shared/problem.ts';
import { afterPayments, allocatePayment } from './allocate.ts';
import { findCandidates, type PaymentCandidates } from './candidates.ts';

async function waitingPayment(
  tx: Parameters<Parameters<typeof withTenant>[2]>[0],
  scope: Scope,
  paymentId: number,
): Promise<{ amountCents: number; paidOn: string; status: string }> {
  const [payment] = await tx.query<{ amountCents: number; paidOn: string; status: string }>(
    `select amount_cents as "amountCents", paid_on::text as "paidOn", status from payments
      where org_id = $1 and id = $2 for update`,
    [scope.orgId, paymentId],
  );
  if (!payment) throw notFound(`payment ${paymentId}`);
  if (payment.status !== 'unallocated')
    throw conflict(
      `O pagamento ${paymentId} já foi ${payment.status === 'rejected' ? 'rejeitado' : 'conciliado'}.`,
    );
  return payment;
}

/** The candidates of one payment, best first, with their confidence and reasons. */
export async function paymentCandidates(
  db: Database,
  scope: Scope,
  paymentId: number,
): Promise<PaymentCandidates> {
  return withTenant(db, scope.orgId, async (tx) => {
    const [found] = await findCandidates(tx, scope.orgId, [paymentId]);
    if (!found) throw notFound(`payment ${paymentId}`);
    // A client viewer sees only its creditors' debtors among the candidates.
    if (scope.creditorIds === null) return found;
    const visible = await tx.query<{ id: number }>(
      'select id from debtors where org_id = $1 and id = any($2::bigint[]) and creditor_id = any($3::bigint[])',
      [scope.orgId, found.candidates.map((c) => c.debtorId), scope.creditorIds],
    );
    const ids = new Set(visible.map((v) => v.id));
    return { ...found, candidates: found.candidates.filter((c) => ids.has(c.debtorId)) };
  });
}

/** A person allocates a waiting payment to a debtor (and, optionally, the receivable it pays first). */
export async function confirmPayment(
  db: Database,
  scope: Scope,
  paymentId: number,
  input: { debtorId: number; receivableId?: number | null; receivableIds?: number[]; note?: string },
) {
  return withTenant(db, scope.orgId, async (tx) => {
    const payment = await waitingPayment(tx, scope, paymentId);
    const [debtor] = await tx.query<{ id: number }>(
      'select id from debtors where org_id = $1 and id = $2 and ($3::bigint[] is null or creditor_id = any($3))',
      [scope.orgId, input.debtorId, scope.creditorIds],
    );
    if (!debtor) throw notFound(`debtor ${input.debtorId}`);
    const named = [
      ...new Set([...(input.receivableId ? [input.receivableId] : []), ...(input.receivableIds ?? [])]),
    ];
    if (named.length > 0) {
      const found = await tx.query<{ id: number }>(
        'select id from receivables where org_id = $1 and id = any($2::bigint[]) and debtor_id = $3',
        [scope.orgId, named, input.debtorId],
      );
      const missing = named.filter((id) => !found.some((f) => f.id === id));
      if (missing.length > 0) throw notFound(`receivable ${missing.join(', ')} of debtor ${input.debtorId}`);
    }
    const matchedBy = `conciliado por ${scope.actor}${input.note ? `: ${input.note}` : ''}`;
    const allocation = await allocatePayment(tx, scope.orgId, paymentId, payment, {
      debtorId: input.debtorId,
      receivableId: named[0] ?? null,
      receivableIds: named,
      matchedBy,
    });
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'payments.reconciled',
      entity: 'payments',
      entityId: paymentId,
      before: { status: 'unallocated' },
      after: { debtorId: input.debtorId, ...allocation },
    });
    if (allocation.allocatedCents > 0)
      await afterPayments(tx, scope, [
        {
          debtorId: input.debtorId,
          cents: allocation.allocatedCents + allocation.chargesCents,
          paidOn: payment.paidOn,
        },
      ]);
    return { paymentId, matchedBy, ...allocation };
  });
}

/** A person decides a waiting payment is not a debtor's: it leaves the queue, with the reason. */
export async function rejectPayment(db: Database, scope: Scope, paymentId: number, reason: string) {
  return withTenant(db, scope.orgId, async (tx) => {
    await waitingPayment(tx, scope, paymentId);
    const matchedBy = `rejeitado por ${scope.actor}: ${reason}`;
    await tx.query(`update payments set status = 'rejected', matched_by = $3 where org_id = $1 and id = $2`, [
      scope.orgId,
      paymentId,
      matchedBy,
    ]);
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'payments.rejected',
      entity: 'payments',
      entityId: paymentId,
      before: { status: 'unallocated' },
      after: { status: 'rejected', reason },
    });
    return { paymentId, status: 'rejected' as const, matchedBy };
  });
}
