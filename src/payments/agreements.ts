/**
 * Agreements (acordos): accepting an offer turns the selected receivables into a plan. Each payment of
 * the plan (the down payment, or the single cash payment, then the installments) is a receivable of its
 * own, so the cadence reminds it, payments find it by its Pix txid or nosso número, and the portfolio
 * counts it once. The originals wait `in_agreement`, out of the cadence and of the open balance:
 *
 * - every payment made: the agreement is completed and the originals are settled;
 * - a payment late more than the policy's tolerance: the agreement breaks, the payments not made are
 *   cancelled, and the originals come back net of what was paid (oldest first), their cadence resuming;
 * - a manager may cancel an agreement, with the same effect as a break.
 *
 * Every change of balance writes a `receivable_changes` record naming the agreement, and every
 * agreement event an audit record.
 */
import type { Scope } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database, SqlExecutor } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { formatBrlText } from '../dunning/templates.ts';
import { type CalendarDate, todayIn } from '../shared/dates.ts';
import { conflict, notFound } from '../shared/problem.ts';
import { BANCO_DO_BRASIL, barcodeToLine, formatLine, issueBancoDoBrasilBoleto } from './boleto.ts';
import type { BoletoPdfData } from './boletoPdf.ts';
import { cancelCancelledCharges, registerPendingCharges } from './collectionAccount.ts';
import { debtorOffers } from './negotiation.ts';
import { DEFAULT_BREAK_TOLERANCE_DAYS, type Offer } from './offers.ts';
import { creditorPix } from './pix.ts';
import { reguaTxid } from './psp.ts';

export type AgreementStatus = 'active' | 'completed' | 'broken' | 'cancelled';

export type AgreementInstallment = {
  number: number;
  receivableId: number;
  dueDate: CalendarDate;
  amountCents: number;
  openCents: number;
  status: string;
  pixCopiaECola: string | null;
  nossoNumero: string | null;
  boletoLine: string | null;
};

export type Agreement = {
  id: number;
  creditorId: number;
  debtorId: number;
  status: AgreementStatus;
  offerKey: string;
  asOf: CalendarDate;
  updatedCents: number;
  discountCents: number;
  totalCents: number;
  paidCents: number;
  toleranceDays: number;
  explanation: string[];
  createdBy: string;
  createdAt: Date;
  endedAt: Date | null;
  endReason: string | null;
  originals: Array<{
    receivableId: number;
    externalId: string;
    openCentsBefore: number;
    updatedCents: number;
    returnedCents: number | null;
  }>;
  installments: AgreementInstallment[];
};

export type AcceptRequest = {
  debtorId: number;
  offerKey: string;
  /** The receivables the offer is for; all the debtor's open ones when absent. */
  receivableIds?: readonly number[];
  /** The total the person saw: when the offer now differs, the acceptance is refused. */
  expectedTotalCents?: number;
  /** Sent again with a retried request, it returns the agreement already made. */
  requestKey?: string;
  asOf?: CalendarDate;
};

type InstallmentPlan = { number: number; dueDate: CalendarDate; amountCents: number };

/** The payments an offer asks for, numbered from 1: the entrada (or the single cash payment) first. */
export function planOf(offer: Offer): InstallmentPlan[] {
  const payments: InstallmentPlan[] = [];
  if (offer.kind === 'installments' && offer.downPaymentDueDate && offer.downPaymentCents > 0)
    payments.push({ number: 1, dueDate: offer.downPaymentDueDate, amountCents: offer.downPaymentCents });
  for (const i of offer.installments)
    payments.push({ number: payments.length + 1, dueDate: i.dueDate, amountCents: i.amountCents });
  return payments;
}

/** The txid of an installment's static Pix: at most 25 characters, as the BR Code allows. */
export function installmentTxid(agreementId: number, number: number): string {
  return `RGA${agreementId}N${number}`;
}

/**
 * Accepts an offer: recomputes it from the stored debt (the client's figures are never trusted),
 * refuses it when it changed since it was shown, and makes the agreement, its installments (each with
 * its Pix and, when the creditor issues boletos, its boleto) and the originals' change of status, in one
 * transaction.
 */
export async function acceptOffer(
  db: Database,
  scope: Scope,
  request: AcceptRequest,
  options: { secretKey?: Buffer | null } = {},
): Promise<Agreement> {
  if (request.requestKey) {
    const existing = await findByRequestKey(db, scope, request.requestKey);
    if (existing !== null) return getAgreement(db, scope, existing);
  }
  const asOf = request.asOf ?? todayIn(scope.timeZone);
  const offers = await debtorOffers(db, scope, request.debtorId, asOf, {
    receivableIds: request.receivableIds,
  });
  if (offers.error) throw conflict(offers.error);
  const offer = offers.offers.find((o) => o.key === request.offerKey);
  if (!offer)
    throw conflict(
      `A proposta ${request.offerKey} não está mais disponível para estes títulos; veja as propostas atuais.`,
    );
  if (request.expectedTotalCents !== undefined && request.expectedTotalCents !== offer.totalCents)
    throw conflict(
      `O valor da proposta mudou (era ${formatBrlText(request.expectedTotalCents)}, agora ${formatBrlText(offer.totalCents)}); veja a proposta atualizada.`,
    );
  const policy = offers.policy;
  const creditorId = offers.creditorId;
  if (!policy || creditorId === null) throw conflict('Não há débitos em aberto.');
  const plan = planOf(offer);

  const id = await withTenant(db, scope.orgId, async (tx) => {
    // The originals must still be as the offer saw them: a payment or an import in between refuses it.
    const locked = await tx.query<{ id: number; openCents: number; status: string }>(
      `select id, open_cents as "openCents", status from receivables
        where org_id = $1 and id = any($2::bigint[]) order by id for update`,
      [scope.orgId, offers.receivables.map((r) => r.receivableId)],
    );
    for (const r of offers.receivables) {
      const now = locked.find((l) => l.id === r.receivableId);
      if (!now || now.openCents !== r.openCents || !['open', 'partially_paid'].includes(now.status))
        throw conflict(`O título ${r.externalId} mudou desde a proposta; veja a proposta atualizada.`);
    }
    const [agreement] = await tx.query<{ id: number }>(
      `insert into agreements (org_id, creditor_id, debtor_id, offer_key, as_of, updated_cents, discount_cents,
              total_cents, installment_count, tolerance_days, explanation, created_by, request_key)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       on conflict (org_id, request_key) do nothing returning id`,
      [
        scope.orgId,
        creditorId,
        request.debtorId,
        offer.key,
        asOf,
        offers.totalCents,
        offer.discountCents,
        offer.totalCents,
        plan.length,
        policy.breakToleranceDays ?? DEFAULT_BREAK_TOLERANCE_DAYS,
        JSON.stringify(offer.explanation),
        scope.actor,
        request.requestKey ?? null,
      ],
    );
    if (!agreement) return null;
    for (const r of offers.receivables) {
      const before = locked.find((l) => l.id === r.receivableId);
      await tx.query(
        `insert into agreement_originals (org_id, agreement_id, receivable_id, status_before, open_cents_before, updated_cents)
         values ($1, $2, $3, $4, $5, $6)`,
        [scope.orgId, agreement.id, r.receivableId, before?.status, r.openCents, r.totalCents],
      );
      await setReceivable(tx, scope.orgId, r.receivableId, {
        from: { openCents: r.openCents, status: before?.status ?? 'open' },
        to: { openCents: r.openCents, status: 'in_agreement' },
        agreementId: agreement.id,
      });
    }
    const [creditor] = await tx.query<{
      pixKey: string | null;
      name: string;
      city: string | null;
      convenio: string | null;
      carteira: string | null;
      psp: boolean;
    }>(
      `select pix_key as "pixKey", coalesce(pix_merchant_name, trade_name, legal_name) as name,
              coalesce(pix_city, city) as city, boleto_convenio as convenio, boleto_carteira as carteira,
              (psp_url is not null and psp_client_secret is not null and pix_key is not null) as psp
         from creditors where org_id = $1 and id = $2`,
      [scope.orgId, creditorId],
    );
    for (const p of plan) {
      const boleto = creditor?.convenio
        ? await nextBoleto(tx, scope.orgId, creditorId, creditor.convenio, creditor.carteira ?? '17', p)
        : null;
      // With a PSP the payment's Pix is a cobv registered after commit under this txid; else a static Pix.
      const pspTxid = creditor?.psp
        ? reguaTxid({ orgId: scope.orgId, agreementId: agreement.id, installment: p.number })
        : null;
      const txid = pspTxid ?? installmentTxid(agreement.id, p.number);
      const [receivable] = await tx.query<{ id: number }>(
        `insert into receivables (org_id, creditor_id, debtor_id, external_id, document_number, installment_number,
                installment_count, issue_date, due_date, original_cents, open_cents, status, nosso_numero, pix_txid, description)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, 'open', $11, $12, $13) returning id`,
        [
          scope.orgId,
          creditorId,
          request.debtorId,
          `ACORDO-${agreement.id}-${p.number}`,
          `AC${agreement.id}-${p.number}/${plan.length}`,
          p.number,
          plan.length,
          asOf <= p.dueDate ? asOf : p.dueDate,
          p.dueDate,
          p.amountCents,
          boleto?.nossoNumero ?? null,
          txid,
          `Acordo nº ${agreement.id}: ${p.number === 1 && plan.length > 1 ? 'entrada' : `parcela ${p.number} de ${plan.length}`}`,
        ],
      );
      const pix =
        creditor && !pspTxid
          ? creditorPix(
              { pixKey: creditor.pixKey, name: creditor.name, city: creditor.city },
              p.amountCents,
              txid,
            )
          : null;
      await tx.query(
        `insert into agreement_installments (org_id, agreement_id, number, receivable_id, due_date, amount_cents,
                pix_copia_e_cola, boleto_barcode, psp_txid)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          scope.orgId,
          agreement.id,
          p.number,
          receivable?.id,
          p.dueDate,
          p.amountCents,
          pix,
          boleto?.barcode ?? null,
          pspTxid,
        ],
      );
    }
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'agreements.created',
      entity: 'agreements',
      entityId: agreement.id,
      after: {
        debtorId: request.debtorId,
        offerKey: offer.key,
        totalCents: offer.totalCents,
        discountCents: offer.discountCents,
        originals: offers.receivables.map((r) => r.receivableId),
        installments: plan,
      },
    });
    return agreement.id;
  });
  if (id === null && request.requestKey) {
    const existing = await findByRequestKey(db, scope, request.requestKey);
    if (existing !== null) return getAgreement(db, scope, existing);
  }
  if (id === null) throw conflict('O acordo não pôde ser criado; tente de novo.');
  // The PSP's charges: registered now; what fails is retried by the scheduler.
  await registerPendingCharges(db, scope.orgId, options.secretKey ?? null, { agreementId: id });
  return getAgreement(db, scope, id);
}

async function findByRequestKey(db: Database, scope: Scope, requestKey: string): Promise<number | null> {
  const [row] = await withTenant(db, scope.orgId, (tx) =>
    tx.query<{ id: number }>('select id from agreements where org_id = $1 and request_key = $2', [
      scope.orgId,
      requestKey,
    ]),
  );
  return row?.id ?? null;
}

/** Takes the convênio's next nosso número (never reused, even if the transaction that took it rolls back later). */
async function nextBoleto(
  tx: SqlExecutor,
  orgId: number,
  creditorId: number,
  convenio: string,
  carteira: string,
  p: InstallmentPlan,
) {
  const [row] = await tx.query<{ sequence: number }>(
    `update creditors set boleto_next_sequence = boleto_next_sequence + 1
      where org_id = $1 and id = $2 returning boleto_next_sequence - 1 as sequence`,
    [orgId, creditorId],
  );
  return issueBancoDoBrasilBoleto({
    convenio,
    carteira,
    sequence: Number(row?.sequence ?? 1),
    dueDate: p.dueDate,
    amountCents: p.amountCents,
  });
}

async function setReceivable(
  tx: SqlExecutor,
  orgId: number,
  receivableId: number,
  change: {
    from: { openCents: number; status: string };
    to: { openCents: number; status: string };
    agreementId: number;
  },
): Promise<void> {
  await tx.query(
    'update receivables set open_cents = $3, status = $4, updated_at = now() where org_id = $1 and id = $2',
    [orgId, receivableId, change.to.openCents, change.to.status],
  );
  await tx.query('insert into receivable_changes (org_id, receivable_id, changes) values ($1, $2, $3)', [
    orgId,
    receivableId,
    JSON.stringify({
      open_cents: [change.from.openCents, change.to.openCents],
      status: [change.from.status, change.to.status],
      agreement_id: [null, change.agreementId],
    }),
  ]);
}

/**
 * Ends an agreement that will not be completed (broken or cancelled): the payments not made are
 * cancelled, and what was paid under the agreement comes off the originals' balances, oldest first;
 * they are open again and their cadence resumes.
 */
async function unwind(
  tx: SqlExecutor,
  orgId: number,
  agreementId: number,
  outcome: { status: 'broken' | 'cancelled'; reason: string; actor: string },
): Promise<boolean> {
  const [agreement] = await tx.query<{ status: string }>(
    'select status from agreements where org_id = $1 and id = $2 for update',
    [orgId, agreementId],
  );
  if (agreement?.status !== 'active') return false;
  const installments = await tx.query<{
    receivableId: number;
    originalCents: number;
    openCents: number;
    status: string;
  }>(
    `select r.id as "receivableId", r.original_cents as "originalCents", r.open_cents as "openCents", r.status
       from agreement_installments i join receivables r on r.org_id = i.org_id and r.id = i.receivable_id
      where i.org_id = $1 and i.agreement_id = $2 order by i.number for update of r`,
    [orgId, agreementId],
  );
  let paid = 0;
  for (const i of installments) {
    if (i.status === 'cancelled') continue;
    paid += i.originalCents - i.openCents;
    if (i.openCents > 0)
      await setReceivable(tx, orgId, i.receivableId, {
        from: { openCents: i.openCents, status: i.status },
        to: { openCents: 0, status: 'cancelled' },
        agreementId,
      });
  }
  const originals = await tx.query<{
    receivableId: number;
    openCentsBefore: number;
    originalCents: number;
    openCents: number;
    status: string;
  }>(
    `select o.receivable_id as "receivableId", o.open_cents_before as "openCentsBefore",
            r.original_cents as "originalCents", r.open_cents as "openCents", r.status
       from agreement_originals o join receivables r on r.org_id = o.org_id and r.id = o.receivable_id
      where o.org_id = $1 and o.agreement_id = $2 order by r.due_date, r.id for update of r`,
    [orgId, agreementId],
  );
  let left = paid;
  for (const o of originals) {
    const applied = Math.min(left, o.openCentsBefore);
    left -= applied;
    const returned = o.openCentsBefore - applied;
    const status = returned === 0 ? 'paid' : returned < o.originalCents ? 'partially_paid' : 'open';
    await setReceivable(tx, orgId, o.receivableId, {
      from: { openCents: o.openCents, status: o.status },
      to: { openCents: returned, status },
      agreementId,
    });
    await tx.query(
      'update agreement_originals set returned_cents = $4 where org_id = $1 and agreement_id = $2 and receivable_id = $3',
      [orgId, agreementId, o.receivableId, returned],
    );
  }
  await tx.query(
    `update agreements set status = $3, ended_at = now(), end_reason = $4 where org_id = $1 and id = $2`,
    [orgId, agreementId, outcome.status, outcome.reason],
  );
  await appendAudit(tx, {
    orgId,
    actor: outcome.actor,
    action: `agreements.${outcome.status}`,
    entity: 'agreements',
    entityId: agreementId,
    before: { status: 'active' },
    after: { status: outcome.status, reason: outcome.reason, paidCents: paid },
  });
  return true;
}

/** A manager cancels an active agreement: the originals come back net of what was paid. */
export async function cancelAgreement(
  db: Database,
  scope: Scope,
  agreementId: number,
  reason: string,
  options: { secretKey?: Buffer | null } = {},
): Promise<Agreement> {
  await getAgreement(db, scope, agreementId);
  const done = await withTenant(db, scope.orgId, (tx) =>
    unwind(tx, scope.orgId, agreementId, {
      status: 'cancelled',
      reason: `Cancelado por ${scope.actor}: ${reason}`,
      actor: scope.actor,
    }),
  );
  if (!done) throw conflict(`O acordo ${agreementId} não está ativo.`);
  await cancelCancelledCharges(db, scope.orgId, options.secretKey ?? null, agreementId);
  return getAgreement(db, scope, agreementId);
}

/**
 * Breaks the active agreements with a payment late more than their tolerance, as of `today` (the
 * organization's business date). Run each day by the scheduler.
 */
export async function breakOverdueAgreements(
  db: Database,
  orgId: number,
  today: CalendarDate,
): Promise<number> {
  return withTenant(db, orgId, async (tx) => {
    const late = await tx.query<{ id: number; number: number; dueDate: string; tolerance: number }>(
      `select distinct on (a.id) a.id, i.number, i.due_date as "dueDate", a.tolerance_days as tolerance
         from agreements a
         join agreement_installments i on i.org_id = a.org_id and i.agreement_id = a.id
         join receivables r on r.org_id = i.org_id and r.id = i.receivable_id
        where a.org_id = $1 and a.status = 'active' and r.status in ('open', 'partially_paid')
          and i.due_date + a.tolerance_days < $2::date
        order by a.id, i.number`,
      [orgId, today],
    );
    let broken = 0;
    for (const a of late) {
      const reason = `Pagamento ${a.number} (vencimento ${a.dueDate}) em atraso há mais de ${a.tolerance} dias.`;
      if (await unwind(tx, orgId, a.id, { status: 'broken', reason, actor: 'system:agreement_broken' }))
        broken++;
    }
    return broken;
  });
}

/**
 * Completes the active agreements whose every payment was made: their originals are settled by the
 * agreement. Returns the debtors whose agreement was completed. Runs in the transaction that took the
 * payments.
 */
export async function completePaidAgreements(
  tx: SqlExecutor,
  orgId: number,
): Promise<Array<{ agreementId: number; debtorId: number; totalCents: number }>> {
  const done = await tx.query<{ id: number; debtorId: number; totalCents: number }>(
    `update agreements a set status = 'completed', ended_at = now(), end_reason = 'Todos os pagamentos feitos.'
      where a.org_id = $1 and a.status = 'active'
        and not exists (select 1 from agreement_installments i
                          join receivables r on r.org_id = i.org_id and r.id = i.receivable_id
                         where i.org_id = a.org_id and i.agreement_id = a.id and r.status <> 'paid')
      returning a.id, a.debtor_id as "debtorId", a.total_cents as "totalCents"`,
    [orgId],
  );
  for (const a of done) {
    const originals = await tx.query<{ receivableId: number; openCents: number; status: string }>(
      `select r.id as "receivableId", r.open_cents as "openCents", r.status
         from agreement_originals o join receivables r on r.org_id = o.org_id and r.id = o.receivable_id
        where o.org_id = $1 and o.agreement_id = $2 for update of r`,
      [orgId, a.id],
    );
    for (const o of originals)
      await setReceivable(tx, orgId, o.receivableId, {
        from: { openCents: o.openCents, status: o.status },
        to: { openCents: 0, status: 'paid' },
        agreementId: a.id,
      });
    await appendAudit(tx, {
      orgId,
      actor: 'system:agreement_completed',
      action: 'agreements.completed',
      entity: 'agreements',
      entityId: a.id,
      before: { status: 'active' },
      after: { status: 'completed', totalCents: a.totalCents },
    });
  }
  return done.map((a) => ({ agreementId: a.id, debtorId: a.debtorId, totalCents: a.totalCents }));
}

/** One agreement with its originals and installments, each installment's balance, Pix and boleto. */
export async function getAgreement(db: Database, scope: Scope, agreementId: number): Promise<Agreement> {
  const list = await loadAgreements(db, scope, { agreementId });
  const found = list[0];
  if (!found) throw notFound(`agreement ${agreementId}`);
  return found;
}

/** A debtor's agreements, newest first. */
export function listAgreements(db: Database, scope: Scope, debtorId: number): Promise<Agreement[]> {
  return loadAgreements(db, scope, { debtorId });
}

async function loadAgreements(
  db: Database,
  scope: Scope,
  filter: { agreementId?: number; debtorId?: number },
): Promise<Agreement[]> {
  return withTenant(db, scope.orgId, async (tx) => {
    const rows = await tx.query<Omit<Agreement, 'originals' | 'installments' | 'paidCents'>>(
      `/* prepared:agreements_list */ select id, creditor_id as "creditorId", debtor_id as "debtorId", status, offer_key as "offerKey",
              as_of::text as "asOf", updated_cents as "updatedCents", discount_cents as "discountCents",
              total_cents as "totalCents", tolerance_days as "toleranceDays", explanation,
              created_by as "createdBy", created_at as "createdAt", ended_at as "endedAt", end_reason as "endReason"
         from agreements
        where org_id = $1 and ($2::bigint is null or id = $2) and ($3::bigint is null or debtor_id = $3)
          and ($4::bigint[] is null or creditor_id = any($4))
        order by id desc limit 100`,
      [scope.orgId, filter.agreementId ?? null, filter.debtorId ?? null, scope.creditorIds],
    );
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const originals = await tx.query<Agreement['originals'][number] & { agreementId: number }>(
      `select o.agreement_id as "agreementId", o.receivable_id as "receivableId",
              coalesce(r.document_number, r.external_id) as "externalId", o.open_cents_before as "openCentsBefore",
              o.updated_cents as "updatedCents", o.returned_cents as "returnedCents"
         from agreement_originals o join receivables r on r.org_id = o.org_id and r.id = o.receivable_id
        where o.org_id = $1 and o.agreement_id = any($2::bigint[]) order by r.due_date, r.id`,
      [scope.orgId, ids],
    );
    const installments = await tx.query<
      Omit<AgreementInstallment, 'boletoLine'> & { agreementId: number; barcode: string | null }
    >(
      `select i.agreement_id as "agreementId", i.number, i.receivable_id as "receivableId", i.due_date::text as "dueDate",
              i.amount_cents as "amountCents", r.open_cents as "openCents", r.status,
              i.pix_copia_e_cola as "pixCopiaECola", r.nosso_numero as "nossoNumero", i.boleto_barcode as barcode
         from agreement_installments i join receivables r on r.org_id = i.org_id and r.id = i.receivable_id
        where i.org_id = $1 and i.agreement_id = any($2::bigint[]) order by i.number`,
      [scope.orgId, ids],
    );
    return rows.map((row) => {
      const own = installments.filter((i) => i.agreementId === row.id);
      return {
        ...row,
        paidCents: own
          .filter((i) => i.status !== 'cancelled')
          .reduce((sum, i) => sum + (i.amountCents - i.openCents), 0),
        originals: originals.filter((o) => o.agreementId === row.id).map(({ agreementId: _, ...o }) => o),
        installments: own.map(({ agreementId: _, barcode, ...i }) => ({
          ...i,
          boletoLine: barcode ? formatLine(barcodeToLine(barcode)) : null,
        })),
      };
    });
  });
}

/** Everything the boleto of an agreement's payment prints, or a 404/409 that says why there is none. */
export async function installmentBoleto(
  db: Database,
  scope: Scope,
  agreementId: number,
  number: number,
): Promise<BoletoPdfData> {
  const agreement = await getAgreement(db, scope, agreementId);
  const installment = agreement.installments.find((i) => i.number === number);
  if (!installment) throw notFound(`installment ${number} of agreement ${agreementId}`);
  if (!installment.nossoNumero) throw conflict('O credor não emite boletos: pague pelo Pix.');
  if (installment.status !== 'open' && installment.status !== 'partially_paid')
    throw conflict(`O pagamento ${number} do acordo ${agreementId} não está em aberto.`);
  const [row] = await withTenant(db, scope.orgId, (tx) =>
    tx.query<{
      barcode: string;
      creditor: {
        name: string;
        cnpj: string;
        address: string;
        agency: string;
        account: string;
        carteira: string;
      };
      terms: { multaPercent: string; jurosMonthlyPercent: string | null };
      payer: { name: string; document: string; address: string };
    }>(
      `select i.boleto_barcode as barcode,
              jsonb_build_object('name', c.legal_name, 'cnpj', c.cnpj,
                'address', concat_ws(', ', c.street, c.number, c.district, c.city, c.uf, c.cep),
                'agency', coalesce(c.boleto_agency, ''), 'account', coalesce(c.boleto_account, ''),
                'carteira', coalesce(c.boleto_carteira, '17')) as creditor,
              jsonb_build_object('multaPercent', c.multa_percent, 'jurosMonthlyPercent', c.juros_monthly_percent) as terms,
              jsonb_build_object('name', d.name, 'document', d.document,
                'address', concat_ws(', ', d.street, d.number, d.district, d.city, d.uf, d.cep)) as payer
         from agreement_installments i
         join agreements a on a.org_id = i.org_id and a.id = i.agreement_id
         join creditors c on c.org_id = a.org_id and c.id = a.creditor_id
         join debtors d on d.org_id = a.org_id and d.id = a.debtor_id
        where i.org_id = $1 and i.agreement_id = $2 and i.number = $3`,
      [scope.orgId, agreementId, number],
    ),
  );
  if (!row?.barcode) throw conflict('O credor não emite boletos: pague pelo Pix.');
  const juros = row.terms.jurosMonthlyPercent
    ? `juros de ${row.terms.jurosMonthlyPercent.replace('.', ',')}% ao mês pro rata die`
    : 'juros pela taxa legal';
  return {
    bank: BANCO_DO_BRASIL,
    barcode: row.barcode,
    beneficiary: { name: row.creditor.name, document: row.creditor.cnpj, address: row.creditor.address },
    beneficiaryCode: `${row.creditor.agency} / ${row.creditor.account}`,
    payer: row.payer,
    dueDate: installment.dueDate,
    amountCents: installment.amountCents,
    nossoNumero: installment.nossoNumero,
    documentNumber: `AC${agreementId}-${number}/${agreement.installments.length}`,
    documentDate: agreement.asOf,
    processingDate: agreement.asOf,
    carteira: row.creditor.carteira,
    documentKind: 'DS',
    instructions: [
      `Acordo nº ${agreementId}, pagamento ${number} de ${agreement.installments.length}.`,
      `Após o vencimento, multa de ${row.terms.multaPercent.replace('.', ',')}% e ${juros}.`,
      `Atraso de mais de ${agreement.toleranceDays} dias desfaz o acordo.`,
    ],
    description: `Acordo nº ${agreementId}`,
  };
}
