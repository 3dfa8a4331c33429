/**
 * Reconciliation candidates from the database: for a batch of payments that no reference matched,
 * the open receivables each may pay, fetched with one set-based query over indexable predicates and
 * scored by ./reconcile.ts. Plain SQL that runs on PostgreSQL 15 and on PGlite (no extensions).
 *
 * What is fetched for each payment (all of the organization, open or partially paid):
 * - by amount: the receivables whose open balance is the amount, or its half or third (equal
 *   installments paid together), latest due first; and those nearest the amount, a few on each side: up to the tolerance above it (a bank fee taken from the credit) and down to
 *   what charges could have added (a payment of the updated total), with the due date in a window
 *   around the day paid;
 * - by who is named: every open receivable of the debtors whose CPF/CNPJ is the payer's, or whose
 *   receivable's external id or document number the memo cites, so that several receivables paid
 *   together and partial payments are found too.
 *
 * The indexes it needs on a large portfolio, not yet in a migration (without them the answers are the
 * same, only slower; bench/reconcile.ts creates them):
 *   create index receivables_open_amount_idx on receivables (org_id, open_cents, due_date)
 *     where status in ('open', 'partially_paid');
 *   create index debtors_document_idx on debtors (org_id, document);
 *   create index receivables_document_number_idx on receivables (org_id, document_number);
 * External ids use the existing unique (org_id, creditor_id, external_id), one probe per creditor.
 *
 * Not searched: the payer's name. Without pg_trgm, a name could be searched only through an index on a
 * folded form of it (no accents, upper case), and under row-level security an index on an expression
 * (upper, translate: not leakproof) is not used; a stored column with that form would be. Until then a
 * name tells apart only the receivables the amount, the document or the memo found: when more than
 * `exactLimit` debtors owe exactly the amount paid, the payer may not be among them.
 */
import type { SqlExecutor } from '../db/client.ts';
import type { CalendarDate } from '../shared/dates.ts';
import type { Cents } from '../shared/money.ts';
import type { ChargeTables, ChargeTerms, DebtorKind } from './charges.ts';
import {
  AMOUNT_TOLERANCE_BASIS_POINTS,
  AMOUNT_TOLERANCE_MIN_CENTS,
  type Candidate,
  type DecisionKind,
  normalizeDocument,
  type OpenReceivable,
  reconcile,
  referenceTokens,
  type StatementLine,
  TOP_CANDIDATES,
  updatedTotalCents,
} from './reconcile.ts';
import { rateTables } from './terms.ts';

export type CandidateOptions = {
  /** Candidates kept per payment, best first (default 3). */
  top?: number;
  /** Receivables nearest the amount fetched on each side of it (default 10). */
  perSide?: number;
  /**
   * Receivables owing exactly the amount fetched, latest due first (default 50). Many debtors often
   * owe the same amount (a monthly fee); the payer's name tells them apart, but it cannot be searched
   * by index (see the module comment), so this is how many are looked at.
   */
  exactLimit?: number;
  /** Due dates considered for the amount search, in days around the day paid (default 3 years before, 120 days after). */
  dueDays?: { before: number; after: number };
  /** The most charges can add to an open balance, in basis points (default 3000: multa 2% and over two years of juros at 1% a.m.). */
  maxChargesBasisPoints?: number;
  /** Rate tables for the charges (default: the configured ones, see terms.ts). */
  tables?: ChargeTables;
};

export type CandidateReceivable = {
  id: number;
  externalId: string;
  documentNumber: string | null;
  dueDate: CalendarDate;
  openCents: Cents;
  /** As of the day paid, by the creditor's terms; null when it cannot be worked out. */
  updatedCents: Cents | null;
};

export type PaymentCandidate = Candidate & {
  debtorName: string;
  debtorDocument: string;
  receivables: CandidateReceivable[];
};

export type PaymentCandidates = {
  paymentId: number;
  decision: DecisionKind;
  candidates: PaymentCandidate[];
};

const DEFAULTS = {
  top: TOP_CANDIDATES,
  perSide: 10,
  exactLimit: 50,
  dueDays: { before: 1095, after: 120 },
  maxChargesBasisPoints: 3000,
} as const;

export type PaymentLine = StatementLine & { id: number };

const COLUMNS =
  'r.id, r.debtor_id, r.creditor_id, r.open_cents, r.due_date, r.external_id, r.document_number';

export type CandidateRow = {
  paymentId: number;
  id: number;
  debtorId: number;
  creditorId: number;
  debtorDocument: string;
  debtorName: string;
  debtorKind: DebtorKind;
  openCents: number;
  dueDate: string;
  externalId: string;
  documentNumber: string | null;
};

/** The payments, as the statement shows them (the memo gathers every text the source gave). */
export async function paymentLines(
  tx: SqlExecutor,
  orgId: number,
  paymentIds: number[],
): Promise<PaymentLine[]> {
  return tx.query<PaymentLine>(
    `select id, amount_cents as "amountCents", paid_on as "paidOn", payer_document as "payerDocument",
            payer_name as "payerName",
            nullif(concat_ws(' ', reference, raw->>'description', raw->>'infoPagador'), '') as memo
       from payments
      where org_id = $1 and id = any($2::bigint[])
      order by id`,
    [orgId, paymentIds],
  );
}

/**
 * The candidate query: one statement for the whole batch, each payment's search a lateral, indexed
 * range read. Exported so the benchmark can time the bare SQL against the whole use case.
 */
export async function candidateRows(
  tx: SqlExecutor,
  orgId: number,
  payments: readonly PaymentLine[],
  options: CandidateOptions = {},
): Promise<CandidateRow[]> {
  if (payments.length === 0) return [];
  const perSide = options.perSide ?? DEFAULTS.perSide;
  const exactLimit = options.exactLimit ?? DEFAULTS.exactLimit;
  const dueDays = options.dueDays ?? DEFAULTS.dueDays;
  const maxCharges = options.maxChargesBasisPoints ?? DEFAULTS.maxChargesBasisPoints;
  const tokenPayments: number[] = [];
  const tokens: string[] = [];
  for (const p of payments) {
    for (const token of referenceTokens(p.memo)) {
      tokenPayments.push(p.id);
      tokens.push(token);
    }
  }
  const hits = await tx.query<Omit<CandidateRow, 'debtorDocument' | 'debtorName' | 'debtorKind'>>(
    // Bounds are worked out once per line in \`lines\`: under row-level security only leakproof
    // comparisons reach an index, and arithmetic (which can overflow) is not leakproof.
    `with lines as (
       select l.payment_id, l.document,
              l.amount + greatest($11::bigint, l.amount * $12::bigint / 10000) as highest_open,
              l.amount as amount,
              l.amount * 10000 / (10000 + $10::bigint) as lowest_open,
              array_remove(array[case when l.amount % 2 = 0 then l.amount / 2 end,
                                  case when l.amount % 3 = 0 then l.amount / 3 end], null) as installment,
              l.paid_on - $8::int as due_from,
              l.paid_on + $9::int as due_to
         from unnest($2::bigint[], $3::bigint[], $4::date[], $5::text[]) as l(payment_id, amount, paid_on, document)
     ),
     by_amount as (
       select l.payment_id, exact.*
         from lines l
         cross join lateral (
           select ${COLUMNS} from receivables r
            where r.org_id = $1 and r.status in ('open', 'partially_paid')
              and r.open_cents = l.amount and r.due_date >= l.due_from and r.due_date <= l.due_to
            order by r.due_date desc
            limit $14) exact
       union all
       select l.payment_id, together.*
         from lines l
         cross join lateral (
           select ${COLUMNS} from receivables r
            where r.org_id = $1 and r.status in ('open', 'partially_paid')
              and r.open_cents = any(l.installment) and r.due_date >= l.due_from and r.due_date <= l.due_to
            order by r.due_date desc
            limit $14) together
       union all
       select l.payment_id, above.*
         from lines l
         cross join lateral (
           select ${COLUMNS} from receivables r
            where r.org_id = $1 and r.status in ('open', 'partially_paid')
              and r.open_cents > l.amount and r.open_cents <= l.highest_open
              and r.due_date >= l.due_from and r.due_date <= l.due_to
            order by r.open_cents
            limit $13) above
       union all
       select l.payment_id, below.*
         from lines l
         cross join lateral (
           select ${COLUMNS} from receivables r
            where r.org_id = $1 and r.status in ('open', 'partially_paid')
              and r.open_cents < l.amount and r.open_cents >= l.lowest_open
              and r.due_date >= l.due_from and r.due_date <= l.due_to
            order by r.open_cents desc
            limit $13) below
     ),
     cited as (
       select t.payment_id, t.token
         from unnest($6::bigint[], $7::text[]) as t(payment_id, token)
     ),
     named as (
       select l.payment_id, d.id as debtor_id
         from lines l
         join debtors d on d.org_id = $1 and d.document = l.document
       union
       select t.payment_id, r.debtor_id
         from cited t
         join creditors c on c.org_id = $1
         join receivables r on r.org_id = $1 and r.creditor_id = c.id and r.external_id = t.token
       union
       select t.payment_id, r.debtor_id
         from cited t
         join receivables r on r.org_id = $1 and r.document_number = t.token
     ),
     hits as (
       select * from by_amount
       union
       select n.payment_id, ${COLUMNS}
         from named n
         join receivables r on r.org_id = $1 and r.debtor_id = n.debtor_id
        where r.status in ('open', 'partially_paid') and r.open_cents > 0
     )
     select h.payment_id as "paymentId", h.id, h.debtor_id as "debtorId", h.creditor_id as "creditorId",
            h.open_cents as "openCents", h.due_date as "dueDate", h.external_id as "externalId",
            h.document_number as "documentNumber"
       from hits h`,
    [
      orgId,
      payments.map((p) => p.id),
      payments.map((p) => p.amountCents),
      payments.map((p) => p.paidOn),
      payments.map((p) => normalizeDocument(p.payerDocument) || null),
      tokenPayments,
      tokens,
      dueDays.before,
      dueDays.after,
      maxCharges,
      AMOUNT_TOLERANCE_MIN_CENTS,
      AMOUNT_TOLERANCE_BASIS_POINTS,
      perSide,
      exactLimit,
    ],
  );
  // The debtors apart, by primary key: joined in the statement above, a large portfolio's debtors
  // were read whole into a hash table for every batch.
  const debtors = new Map(
    (
      await tx.query<{ id: number; document: string; name: string; kind: DebtorKind }>(
        'select id, document, name, kind from debtors where org_id = $1 and id = any($2::bigint[])',
        [orgId, [...new Set(hits.map((h) => h.debtorId))]],
      )
    ).map((d) => [d.id, d]),
  );
  return hits.flatMap((h) => {
    const debtor = debtors.get(h.debtorId);
    return debtor
      ? [{ ...h, debtorDocument: debtor.document, debtorName: debtor.name, debtorKind: debtor.kind }]
      : [];
  });
}

/**
 * For a batch of payments of the organization (typically the unallocated ones), the best candidates
 * of each with their confidence, reasons and the decision (`auto`, `suggest`, `none`); see
 * reconcile.ts. Payments of another organization, or unknown ids, are absent from the answer. Runs in
 * the caller's transaction (tenant work, see withTenant) and filters every table by `orgId` as well.
 */
export async function findCandidates(
  tx: SqlExecutor,
  orgId: number,
  paymentIds: number[],
  options: CandidateOptions = {},
): Promise<PaymentCandidates[]> {
  if (paymentIds.length === 0) return [];
  const payments = await paymentLines(tx, orgId, paymentIds);
  const rows = await candidateRows(tx, orgId, payments, options);
  const terms = new Map(
    (
      await tx.query<{ id: number; terms: ChargeTerms }>(
        `select id, jsonb_build_object('multaPercent', multa_percent, 'jurosMonthlyPercent', juros_monthly_percent,
                  'correction', correction, 'multaCapPercentForCompanies', multa_cap_percent_companies) as terms
           from creditors where org_id = $1 and id = any($2::bigint[])`,
        [orgId, [...new Set(rows.map((r) => r.creditorId))]],
      )
    ).map((c) => [c.id, c.terms]),
  );
  const tables = options.tables ?? rateTables();
  const byPayment = new Map<number, CandidateRow[]>();
  for (const row of rows) {
    const list = byPayment.get(row.paymentId);
    if (list) list.push(row);
    else byPayment.set(row.paymentId, [row]);
  }
  const top = options.top ?? DEFAULTS.top;
  return payments.map((payment) => {
    const found = byPayment.get(payment.id) ?? [];
    const receivables: OpenReceivable[] = found.map((r) => {
      const creditorTerms = terms.get(r.creditorId);
      return {
        id: r.id,
        debtorId: r.debtorId,
        debtorDocument: r.debtorDocument,
        debtorName: r.debtorName,
        openCents: r.openCents,
        // Charges only matter when more than the balance was paid (alone or with other receivables).
        updatedCents:
          payment.amountCents <= r.openCents || payment.paidOn <= r.dueDate
            ? r.openCents
            : creditorTerms
              ? updatedTotalCents({ ...r, terms: creditorTerms }, payment.paidOn, tables)
              : null,
        dueDate: r.dueDate,
        externalId: r.externalId,
        documentNumber: r.documentNumber,
      };
    });
    const { decision, candidates } = reconcile(payment, receivables, { top });
    const byId = new Map(receivables.map((r) => [r.id, r]));
    const rowById = new Map(found.map((r) => [r.id, r]));
    const detail = (candidate: Candidate): PaymentCandidate => {
      const members = candidate.receivableIds.flatMap((id) => byId.get(id) ?? []);
      const first = members[0];
      return {
        ...candidate,
        debtorName: first?.debtorName ?? '',
        debtorDocument: first?.debtorDocument ?? '',
        receivables: members.map((r) => {
          const row = rowById.get(r.id);
          const creditorTerms = row && terms.get(row.creditorId);
          return {
            id: r.id,
            externalId: r.externalId,
            documentNumber: r.documentNumber ?? null,
            dueDate: r.dueDate,
            openCents: r.openCents,
            updatedCents:
              row && creditorTerms
                ? updatedTotalCents({ ...row, terms: creditorTerms }, payment.paidOn, tables)
                : null,
          };
        }),
      };
    };
    return { paymentId: payment.id, decision, candidates: candidates.map(detail) };
  });
}
