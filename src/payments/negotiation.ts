import type { Scope } from '../access/scope.ts';
import { canSeeCreditor } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { type CalendarDate, daysBetween, todayIn } from '../shared/dates.ts';
import { badRequest, conflict, notFound } from '../shared/problem.ts';
import {
  DEFAULT_POLICY,
  type NegotiationPolicy,
  type Offer,
  type OfferRequest,
  proposeOffers,
  validatePolicy,
} from './offers.ts';
import { type DebtorCharges, debtorCharges } from './terms.ts';

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

const OFFERS_CACHE_SIZE = 5_000;
const offersCache = new Map<string, Offer[]>();

/**
 * proposeOffers is pure and costs about a millisecond (Price schedules in exact decimals), while the
 * same debtor's page is asked for again and again: the most recent answers are kept, keyed by the whole
 * request (the debt as of the day, the policy, the day), so a changed debt or policy is a new key.
 */
function cachedOffers(request: OfferRequest): Offer[] {
  const key = JSON.stringify(request);
  const hit = offersCache.get(key);
  if (hit) {
    offersCache.delete(key);
    offersCache.set(key, hit);
    return structuredClone(hit);
  }
  const offers = proposeOffers(request);
  offersCache.set(key, offers);
  if (offersCache.size > OFFERS_CACHE_SIZE) {
    const oldest = offersCache.keys().next().value;
    if (oldest !== undefined) offersCache.delete(oldest);
  }
  return structuredClone(offers);
}

export type DebtorOffers = {
  asOf: CalendarDate;
  totalCents: number;
  creditorId: number | null;
  /** The receivables the offers are for, updated to `asOf`. */
  receivables: DebtorCharges['receivables'];
  policy: NegotiationPolicy | null;
  offers: Offer[];
  error: string | null;
};

/**
 * The offers for what a debtor owes as of a date (updated by the creditor's terms): pay now with the
 * discount the policy allows for how late it is, or in installments within the policy, each explained.
 */
export async function debtorOffers(
  db: Database,
  scope: Scope,
  debtorId: number,
  asOfInput?: CalendarDate,
  options: {
    receivableIds?: readonly number[];
    charges?: DebtorCharges;
    /** What the caller already read (the portal's page): the creditor, its policy, the running agreements' payments. */
    known?: {
      creditorId: number;
      policy: NegotiationPolicy;
      running: ReadonlyArray<{ receivableId: number; agreementId: number }>;
    };
  } = {},
): Promise<DebtorOffers> {
  const asOf = asOfInput ?? todayIn(scope.timeZone);
  // Offers need the amounts only: no Pix code or QR is made for them.
  const all =
    options.charges?.asOf === asOf
      ? options.charges
      : await debtorCharges(db, scope, debtorId, asOf, { withPix: false });
  const selected = options.receivableIds ? new Set(options.receivableIds) : null;
  const unknown = options.receivableIds?.filter((id) => !all.receivables.some((r) => r.receivableId === id));
  if (unknown && unknown.length > 0)
    throw badRequest(`Os títulos ${unknown.join(', ')} não estão em aberto para este devedor.`);
  // The payments of an agreement that is running are not renegotiated: the agreement governs them.
  const running =
    options.known?.running ??
    (await withTenant(db, scope.orgId, (tx) =>
      tx.query<{ receivableId: number; agreementId: number }>(
        `select i.receivable_id as "receivableId", i.agreement_id as "agreementId"
         from agreement_installments i join agreements a on a.org_id = i.org_id and a.id = i.agreement_id
        where i.org_id = $1 and a.debtor_id = $2 and a.status = 'active'`,
        [scope.orgId, debtorId],
      ),
    ));
  const governed = new Map(running.map((r) => [r.receivableId, r.agreementId]));
  const inAgreement = [...new Set(options.receivableIds?.flatMap((id) => governed.get(id) ?? []) ?? [])];
  if (inAgreement.length > 0)
    throw conflict(
      `Estes títulos são pagamentos do acordo nº ${inAgreement.join(', ')}, que está em andamento.`,
    );
  const kept = all.receivables.filter(
    (r) => !governed.has(r.receivableId) && (selected === null || selected.has(r.receivableId)),
  );
  const charges = { ...all, receivables: kept, totalCents: kept.reduce((sum, r) => sum + r.totalCents, 0) };
  if (charges.error || charges.receivables.length === 0)
    return {
      asOf,
      totalCents: charges.totalCents,
      creditorId: null,
      receivables: charges.receivables,
      policy: null,
      offers: [],
      error:
        charges.error ??
        (governed.size > 0
          ? `Há um acordo em andamento (nº ${[...new Set(governed.values())].join(', ')}): os pagamentos dele não são renegociados.`
          : 'Não há débitos em aberto.'),
    };
  const [creditor] = options.known
    ? [{ creditorId: options.known.creditorId }]
    : await withTenant(db, scope.orgId, (tx) =>
        tx.query<{ creditorId: number }>(
          'select creditor_id as "creditorId" from debtors where org_id = $1 and id = $2',
          [scope.orgId, debtorId],
        ),
      );
  const policy = options.known?.policy ?? (await getPolicy(db, scope, creditor?.creditorId ?? 0));
  const offers = cachedOffers({
    debtBreakdown: charges.receivables.map((r) => ({
      receivableId: String(r.receivableId),
      principalCents: r.openCents,
      chargesCents: r.totalCents - r.openCents,
      daysLate: Math.max(0, daysBetween(r.dueDate, asOf)),
    })),
    policy,
    // Offers as of a date are the offers of that day: the first payment falls due from it.
    today: asOf,
    asOf,
  });
  return {
    asOf,
    totalCents: charges.totalCents,
    creditorId: creditor?.creditorId ?? null,
    receivables: charges.receivables,
    policy,
    offers,
    error: null,
  };
}
