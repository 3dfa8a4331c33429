import type { Scope } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database, SqlExecutor } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { type CalendarDate, todayIn } from '../shared/dates.ts';
import { completePaidAgreements } from './agreements.ts';
import { findCandidates } from './candidates.ts';
import { type ChargeTerms, calculateCharges } from './charges.ts';
import { recordRecoveries } from './recovery.ts';
import { rateTables } from './terms.ts';

/** A payment as it arrives, from any source (bank return file, statement, Pix webhook, by hand). */
export type IncomingPayment = {
  source: string;
  /** Identifies the payment at its source; the same payment always has the same key. */
  naturalKey: string;
  amountCents: number;
  paidOn: CalendarDate;
  creditedOn?: CalendarDate | null;
  payerDocument?: string | null;
  payerName?: string | null;
  nossoNumero?: string | null;
  seuNumero?: string | null;
  txid?: string | null;
  memo?: string | null;
  raw: Record<string, unknown>;
};

export type PaymentOutcome = {
  naturalKey: string;
  paymentId: number | null;
  duplicate: boolean;
  status: 'allocated' | 'partially_allocated' | 'unallocated' | 'duplicate';
  allocatedCents: number;
  /** Multa, juros and correction paid along with the principal. */
  chargesCents: number;
  creditCents: number;
  matchedBy: string | null;
  /** The debtor it was matched to, if any. */
  debtorId: number | null;
  receivableIds: number[];
};

export type Target = {
  debtorId: number;
  /** The receivable the payment names, paid first; or several named together. */
  receivableId: number | null;
  receivableIds?: number[];
  matchedBy: string;
};

/** Finds whom a payment is from: by the reference it carries, else by the payer's document. */
async function findTarget(tx: SqlExecutor, orgId: number, p: IncomingPayment): Promise<Target | null> {
  // The txids of the Pix Régua generates name who is paying: RG{debtor}D{date} on the debtor's page,
  // RG{organization}M{message} in a message.
  const ours = /^RG(\d+)(?:D\d{8}|P)$/.exec(p.txid ?? '') ?? null;
  if (ours?.[1]) {
    const [row] = await tx.query<{ id: number }>('select id from debtors where org_id = $1 and id = $2', [
      orgId,
      Number(ours[1]),
    ]);
    if (row) return { debtorId: row.id, receivableId: null, matchedBy: `txid do Pix ${p.txid}` };
  }
  const fromMessage = /^RG(\d+)M(\d+)$/.exec(p.txid ?? '') ?? null;
  if (fromMessage?.[2] && Number(fromMessage[1]) === orgId) {
    const [row] = await tx.query<{ debtorId: number }>(
      'select debtor_id as "debtorId" from outbound_messages where org_id = $1 and id = $2',
      [orgId, Number(fromMessage[2])],
    );
    if (row)
      return { debtorId: row.debtorId, receivableId: null, matchedBy: `txid do Pix ${p.txid} (mensagem)` };
  }
  const byReference: Array<[string, string | null | undefined, string]> = [
    ['nosso_numero', p.nossoNumero, 'nosso número'],
    ['pix_txid', p.txid, 'txid do Pix'],
    ['external_id', p.seuNumero, 'seu número (id do título)'],
    ['document_number', p.seuNumero, 'seu número (documento)'],
  ];
  for (const [column, value, label] of byReference) {
    const key = value?.trim().replace(/^0+(?=\d)/, '');
    if (!key) continue;
    const [row] = await tx.query<{ id: number; debtorId: number }>(
      `select id, debtor_id as "debtorId" from receivables
        where org_id = $1 and ltrim(${column}, '0') = $2 order by due_date limit 2`,
      [orgId, key],
    );
    if (row) return { debtorId: row.debtorId, receivableId: row.id, matchedBy: `${label} ${value}` };
  }
  const document = p.payerDocument?.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
  if (document) {
    const matches = await tx.query<{ id: number }>(
      `select d.id from debtors d where d.org_id = $1 and d.document = $2
          and exists (select 1 from receivables r where r.org_id = d.org_id and r.debtor_id = d.id
                       and r.status in ('open', 'partially_paid') and r.open_cents > 0)`,
      [orgId, document],
    );
    // The same person owing two client companies: nothing says which one was paid.
    if (matches.length === 1 && matches[0])
      return { debtorId: matches[0].id, receivableId: null, matchedBy: 'CPF/CNPJ do pagador' };
  }
  return null;
}

/**
 * Takes payments in, each once (its natural key is unique), and allocates each: to the receivable its
 * reference names, then to the debtor's other open receivables oldest first. Partial payments reduce
 * the balance; what is left after every open receivable is the debtor's credit. A payment that matches
 * no one waits, unallocated, for a person to reconcile it. Balances change with a `receivable_changes`
 * record, so every change of balance is explained.
 */
export async function takePayments(
  db: Database,
  scope: Scope,
  incoming: IncomingPayment[],
  options: { fileId?: number | null } = {},
): Promise<PaymentOutcome[]> {
  return withTenant(db, scope.orgId, async (tx) => {
    const outcomes: PaymentOutcome[] = [];
    for (const p of incoming) {
      const [created] = await tx.query<{ id: number }>(
        `insert into payments (org_id, source, natural_key, file_id, amount_cents, paid_on, credited_on, payer_document,
                payer_name, reference, status, raw)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'unallocated', $11)
         on conflict (org_id, natural_key) do nothing returning id`,
        [
          scope.orgId,
          p.source,
          p.naturalKey,
          options.fileId ?? null,
          p.amountCents,
          p.paidOn,
          p.creditedOn ?? null,
          p.payerDocument ?? null,
          p.payerName ?? null,
          p.nossoNumero ?? p.txid ?? p.seuNumero ?? p.memo ?? null,
          JSON.stringify(p.raw),
        ],
      );
      if (!created) {
        outcomes.push({
          naturalKey: p.naturalKey,
          paymentId: null,
          duplicate: true,
          status: 'duplicate',
          allocatedCents: 0,
          chargesCents: 0,
          creditCents: 0,
          matchedBy: null,
          debtorId: null,
          receivableIds: [],
        });
        continue;
      }
      const target = await findTarget(tx, scope.orgId, p);
      if (!target) {
        await tx.query(
          `update payments set matched_by = 'sem correspondência' where org_id = $1 and id = $2`,
          [scope.orgId, created.id],
        );
        outcomes.push({
          naturalKey: p.naturalKey,
          paymentId: created.id,
          duplicate: false,
          status: 'unallocated',
          allocatedCents: 0,
          chargesCents: 0,
          creditCents: 0,
          matchedBy: null,
          debtorId: null,
          receivableIds: [],
        });
        continue;
      }
      const allocation = await allocatePayment(tx, scope.orgId, created.id, p, target);
      const {
        status,
        allocatedCents,
        chargesCents,
        creditCents: remaining,
        receivableIds: paid,
      } = allocation;
      outcomes.push({
        naturalKey: p.naturalKey,
        paymentId: created.id,
        duplicate: false,
        status,
        allocatedCents,
        chargesCents,
        creditCents: remaining,
        matchedBy: target.matchedBy,
        debtorId: target.debtorId,
        receivableIds: paid,
      });
    }
    const taken = outcomes.filter((o) => !o.duplicate);
    if (taken.length > 0) {
      await appendAudit(tx, {
        orgId: scope.orgId,
        actor: scope.actor,
        action: 'payments.received',
        entity: 'payments',
        entityId: options.fileId ?? null,
        after: {
          payments: taken.map((o) => ({
            id: o.paymentId,
            status: o.status,
            allocatedCents: o.allocatedCents,
            creditCents: o.creditCents,
            receivables: o.receivableIds,
          })),
          duplicates: outcomes.length - taken.length,
        },
      });
    }
    // Lines no reference matched: the reconciliation scorer allocates the ones it is sure of.
    await autoReconcile(tx, scope.orgId, outcomes);
    await afterPayments(
      tx,
      scope,
      incoming.flatMap((p, index) => {
        const o = outcomes[index];
        return o && !o.duplicate && o.debtorId && o.allocatedCents > 0
          ? [{ debtorId: o.debtorId, cents: o.allocatedCents + o.chargesCents, paidOn: p.paidOn }]
          : [];
      }),
    );
    return outcomes;
  });
}

/**
 * What follows money arriving, in the transaction that took it: promises kept, agreements completed
 * (their originals settled), and debtors left owing nothing recorded as recovered (thanked once).
 */
export async function afterPayments(
  tx: SqlExecutor,
  scope: Scope,
  paid: ReadonlyArray<{ debtorId: number; cents: number; paidOn: CalendarDate }>,
): Promise<void> {
  await settlePromises(tx, scope.orgId);
  const completed = await completePaidAgreements(tx, scope.orgId);
  const recovered = new Map<
    number,
    { debtorId: number; cents: number; day: string; agreementId: number | null }
  >();
  for (const p of paid) {
    const seen = recovered.get(p.debtorId);
    recovered.set(p.debtorId, {
      debtorId: p.debtorId,
      cents: (seen?.cents ?? 0) + p.cents,
      day: seen && seen.day > p.paidOn ? seen.day : p.paidOn,
      agreementId: null,
    });
  }
  for (const a of completed) {
    const seen = recovered.get(a.debtorId);
    recovered.set(a.debtorId, {
      debtorId: a.debtorId,
      cents: a.totalCents,
      day: seen?.day ?? todayIn(scope.timeZone),
      agreementId: a.agreementId,
    });
  }
  const byDay = Map.groupBy(recovered.values(), (r) => r.day);
  for (const [day, list] of byDay) await recordRecoveries(tx, scope.orgId, day, list);
}

/**
 * Payments no reference matched go to the reconciliation scorer (reconcile.ts, candidates.ts): the
 * ones it is sure of (`auto`: confident and clearly ahead of any other debtor) are allocated, saying
 * why; the others wait for a person, with their candidates shown on the Pagamentos page.
 */
async function autoReconcile(tx: SqlExecutor, orgId: number, outcomes: PaymentOutcome[]): Promise<void> {
  const waiting = outcomes.filter((o) => o.status === 'unallocated' && o.paymentId !== null);
  if (waiting.length === 0) return;
  const found = await findCandidates(
    tx,
    orgId,
    waiting.map((o) => o.paymentId ?? 0),
  );
  for (const f of found) {
    const best = f.candidates[0];
    const outcome = waiting.find((o) => o.paymentId === f.paymentId);
    if (f.decision !== 'auto' || !best || !outcome) continue;
    const [payment] = await tx.query<{ amountCents: number; paidOn: string }>(
      'select amount_cents as "amountCents", paid_on::text as "paidOn" from payments where org_id = $1 and id = $2',
      [orgId, f.paymentId],
    );
    if (!payment) continue;
    const matchedBy = `conciliação automática (confiança ${Math.round(best.confidence * 100)}%): ${best.reasons.join('; ')}`;
    const allocation = await allocatePayment(tx, orgId, f.paymentId, payment, {
      debtorId: best.debtorId,
      receivableId: best.receivableIds[0] ?? null,
      receivableIds: best.receivableIds,
      matchedBy,
    });
    Object.assign(outcome, {
      status: allocation.status,
      allocatedCents: allocation.allocatedCents,
      chargesCents: allocation.chargesCents,
      creditCents: allocation.creditCents,
      matchedBy,
      debtorId: best.debtorId,
      receivableIds: allocation.receivableIds,
    });
  }
}

/**
 * Allocates a stored payment to a debtor: the receivable its reference names first, then the debtor's
 * other open receivables oldest first. What comes beyond the principal pays the charges of what it
 * settled; the rest is the debtor's credit. Each change of balance writes a `receivable_changes` record.
 */
export async function allocatePayment(
  tx: SqlExecutor,
  orgId: number,
  paymentId: number,
  payment: { amountCents: number; paidOn: CalendarDate },
  target: Target,
): Promise<{
  status: 'allocated' | 'partially_allocated' | 'unallocated';
  allocatedCents: number;
  chargesCents: number;
  creditCents: number;
  receivableIds: number[];
}> {
  const { amountCents, paidOn } = payment;
  const open = await tx.query<{
    id: number;
    openCents: number;
    status: string;
    dueDate: string;
    kind: 'person' | 'company';
    terms: ChargeTerms;
  }>(
    `select r.id, r.open_cents as "openCents", r.status, r.due_date as "dueDate", d.kind,
            jsonb_build_object('multaPercent', c.multa_percent, 'jurosMonthlyPercent', c.juros_monthly_percent,
              'correction', c.correction, 'multaCapPercentForCompanies', c.multa_cap_percent_companies) as terms
       from receivables r
       join debtors d on d.org_id = r.org_id and d.id = r.debtor_id
       join creditors c on c.org_id = r.org_id and c.id = r.creditor_id
      where r.org_id = $1 and r.debtor_id = $2 and r.status in ('open', 'partially_paid') and r.open_cents > 0
      order by (r.id = any($3::bigint[])) desc, r.due_date, r.id
      for update of r`,
    [orgId, target.debtorId, target.receivableIds ?? (target.receivableId ? [target.receivableId] : [])],
  );
  let remaining = amountCents;
  const paid: number[] = [];
  // The charges (multa, juros, correction) of what this payment settles, as of the day it was paid.
  let chargesDue = 0;
  for (const r of open) {
    if (remaining <= 0) break;
    const cents = Math.min(remaining, r.openCents);
    if (cents === r.openCents) {
      const charge = calculateCharges(
        {
          principalCents: r.openCents,
          dueDate: r.dueDate,
          asOf: paidOn,
          debtorKind: r.kind,
          terms: r.terms,
        },
        rateTables(),
      );
      if (charge.ok) chargesDue += charge.totalCents - r.openCents;
    }
    const after = r.openCents - cents;
    const status = after === 0 ? 'paid' : 'partially_paid';
    await tx.query(
      `update receivables set open_cents = $3, status = $4, updated_at = now() where org_id = $1 and id = $2`,
      [orgId, r.id, after, status],
    );
    await tx.query(`insert into receivable_changes (org_id, receivable_id, changes) values ($1, $2, $3)`, [
      orgId,
      r.id,
      JSON.stringify({
        open_cents: [r.openCents, after],
        status: [r.status, status],
        payment_id: [null, paymentId],
      }),
    ]);
    await tx.query(
      `insert into payment_allocations (org_id, payment_id, receivable_id, cents) values ($1, $2, $3, $4)`,
      [orgId, paymentId, r.id, cents],
    );
    remaining -= cents;
    paid.push(r.id);
  }
  const allocatedCents = amountCents - remaining;
  // What comes beyond the principal pays the charges of the receivables it settled; the rest is credit.
  const chargesCents = Math.min(remaining, Math.max(0, chargesDue));
  remaining -= chargesCents;
  const status = allocatedCents === 0 ? 'unallocated' : remaining > 0 ? 'partially_allocated' : 'allocated';
  await tx.query(
    `update payments set debtor_id = $3, status = $4, credit_cents = $5, matched_by = $6, charges_cents = $7
      where org_id = $1 and id = $2`,
    [orgId, paymentId, target.debtorId, status, remaining, target.matchedBy, chargesCents],
  );
  return { status, allocatedCents, chargesCents, creditCents: remaining, receivableIds: paid };
}

/**
 * Promises to pay are kept by the payments that arrive: once the debtor has paid, since the promise
 * was made, at least the promised amount, the promise is released as kept and the cadence resumes
 * (with nothing left to collect, or what remains). A promise whose date passed unpaid is released as
 * broken by `breakOverduePromises`.
 */
export async function settlePromises(tx: SqlExecutor, orgId: number): Promise<number> {
  const kept = await tx.query(
    `update collection_holds h set released_at = now(), released_by = 'system:promise_kept'
      where h.org_id = $1 and h.kind = 'promise' and h.released_at is null and h.amount_cents is not null
        and (select coalesce(sum(p.amount_cents - p.credit_cents), 0) from payments p
              where p.org_id = h.org_id and p.debtor_id = h.debtor_id and p.paid_on >= h.created_at::date)
            >= h.amount_cents
      returning id`,
    [orgId],
  );
  return kept.length;
}

/** Releases, as broken, the promises whose date passed without the promised amount. */
export async function breakOverduePromises(
  db: Pick<Database, 'query'>,
  orgId: number,
  today: CalendarDate,
): Promise<number> {
  const broken = await db.query(
    `update collection_holds set released_at = now(), released_by = 'system:promise_broken'
      where org_id = $1 and kind = 'promise' and released_at is null and until_date < $2::date returning id`,
    [orgId, today],
  );
  return broken.length;
}
