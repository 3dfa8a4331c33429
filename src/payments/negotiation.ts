import type { Scope } from '../access/scope.ts';
import { canSeeCreditor } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { type CalendarDate, daysBetween, todayIn } from '../shared/dates.ts';
import { badRequest, notFound } from '../shared/problem.ts';
import {
  DEFAULT_POLICY,
  type NegotiationPolicy,
  type Offer,
  proposeOffers,
  validatePolicy,
} from './offers.ts';
import { debtorCharges } from './terms.ts';

export async function getPolicy(db: Database, scope: Scope, creditorId: number): Promise<NegotiationPolicy> {
  if (!canSeeCreditor(scope, creditorId)) throw notFound(`creditor ${creditorId}`);
  const [row] = await withTenant(db, scope.orgId, (tx) =>
    tx.query<{ policy: NegotiationPolicy | null }>(
      'select negotiation_policy as policy from creditors where org_id = $1 and id = $2',
      [scope.orgId, creditorId],
    ),
  );
  if (!row) throw notFound(`creditor ${creditorId}`);
  return row.policy ?? DEFAULT_POLICY;
}

/** Sets a creditor's negotiation policy, refusing it with every problem in pt-BR when it is not sound. */
export async function setPolicy(
  db: Database,
  scope: Scope,
  creditorId: number,
  policy: NegotiationPolicy,
): Promise<NegotiationPolicy> {
  if (!canSeeCreditor(scope, creditorId)) throw notFound(`creditor ${creditorId}`);
  const problems = validatePolicy(policy);
  if (problems.length > 0) throw badRequest(problems.join(' '));
  return withTenant(db, scope.orgId, async (tx) => {
    const [before] = await tx.query<{ policy: unknown }>(
      'select negotiation_policy as policy from creditors where org_id = $1 and id = $2 for update',
      [scope.orgId, creditorId],
    );
    if (!before) throw notFound(`creditor ${creditorId}`);
    await tx.query(
      'update creditors set negotiation_policy = $3, updated_at = now() where org_id = $1 and id = $2',
      [scope.orgId, creditorId, JSON.stringify(policy)],
    );
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'settings.negotiation_policy',
      entity: 'creditor',
      entityId: creditorId,
      before: before.policy,
      after: policy,
    });
    return policy;
  });
}

/**
 * The offers for what a debtor owes as of a date (updated by the creditor's terms): pay now with the
 * discount the policy allows for how late it is, or in installments within the policy, each explained.
 */
export async function debtorOffers(
  db: Database,
  scope: Scope,
  debtorId: number,
  asOfInput?: CalendarDate,
): Promise<{ asOf: CalendarDate; totalCents: number; offers: Offer[]; error: string | null }> {
  const asOf = asOfInput ?? todayIn(scope.timeZone);
  // Offers need the amounts only: no Pix code or QR is made for them.
  const charges = await debtorCharges(db, scope, debtorId, asOf, { withPix: false });
  if (charges.error || charges.receivables.length === 0)
    return {
      asOf,
      totalCents: charges.totalCents,
      offers: [],
      error: charges.error ?? 'Não há débitos em aberto.',
    };
  const [creditor] = await withTenant(db, scope.orgId, (tx) =>
    tx.query<{ creditorId: number }>(
      'select creditor_id as "creditorId" from debtors where org_id = $1 and id = $2',
      [scope.orgId, debtorId],
    ),
  );
  const policy = await getPolicy(db, scope, creditor?.creditorId ?? 0);
  const offers = proposeOffers({
    debtBreakdown: charges.receivables.map((r) => ({
      receivableId: String(r.receivableId),
      principalCents: r.openCents,
      chargesCents: r.totalCents - r.openCents,
      daysLate: Math.max(0, daysBetween(r.dueDate, asOf)),
    })),
    policy,
    today: todayIn(scope.timeZone),
    asOf,
  });
  return { asOf, totalCents: charges.totalCents, offers, error: null };
}
