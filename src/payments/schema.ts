import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { creditors, debtors, receivables } from '../portfolio/schema.ts';

/** A payment file taken in (CNAB retorno, OFX statement): its digest makes a second import visible. */
export const paymentFiles = pgTable(
  'payment_files',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    filename: text('filename').notNull(),
    format: text('format').notNull(),
    sha256: text('sha256').notNull(),
    payments: integer('payments').notNull().default(0),
    duplicates: integer('duplicates').notNull().default(0),
    ignored: integer('ignored').notNull().default(0),
    errors: jsonb('errors').$type<Array<{ line: number; reason: string }>>().notNull().default([]),
    importedBy: text('imported_by').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] })],
);

/** `rejected`: a person decided the money is not a debtor's payment (a bank fee, a transfer). */
export const PAYMENT_STATUSES = ['allocated', 'partially_allocated', 'unallocated', 'rejected'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * Money that arrived, stored once: the natural key (bank, account and the bank's own identifiers, or
 * Pix's endToEndId) is unique, so a file imported twice or a webhook delivered twice adds nothing.
 */
export const payments = pgTable(
  'payments',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    source: text('source').notNull(),
    naturalKey: text('natural_key').notNull(),
    fileId: bigint('file_id', { mode: 'number' }),
    amountCents: bigint('amount_cents', { mode: 'number' }).notNull(),
    paidOn: date('paid_on', { mode: 'string' }).notNull(),
    creditedOn: date('credited_on', { mode: 'string' }),
    payerDocument: text('payer_document'),
    payerName: text('payer_name'),
    /** What the payment says it pays: nosso número, seu número, Pix txid, or a statement memo. */
    reference: text('reference'),
    debtorId: bigint('debtor_id', { mode: 'number' }),
    status: text('status').$type<PaymentStatus>().notNull(),
    /** Multa, juros and correction paid along with the principal, as the creditor's terms reckon them. */
    chargesCents: bigint('charges_cents', { mode: 'number' }).notNull().default(0),
    /** What was left after paying every open receivable of the debtor and its charges: the debtor's credit. */
    creditCents: bigint('credit_cents', { mode: 'number' }).notNull().default(0),
    /** How it was matched, in words, for the reconciliation screen. */
    matchedBy: text('matched_by'),
    raw: jsonb('raw').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('payments_natural_key').on(t.orgId, t.naturalKey),
    index('payments_status_idx').on(t.orgId, t.status),
    index('payments_debtor_idx').on(t.orgId, t.debtorId),
    index('payments_paid_on_idx').on(t.orgId, t.paidOn),
    foreignKey({ columns: [t.orgId, t.debtorId], foreignColumns: [debtors.orgId, debtors.id] }),
    check('payments_amount_check', sql`${t.amountCents} > 0 and ${t.creditCents} >= 0`),
    check(
      'payments_status_check',
      sql`${t.status} in ('allocated','partially_allocated','unallocated','rejected')`,
    ),
  ],
);

/** Which receivables a payment paid, and how much of each. */
export const paymentAllocations = pgTable(
  'payment_allocations',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    paymentId: bigint('payment_id', { mode: 'number' }).notNull(),
    receivableId: bigint('receivable_id', { mode: 'number' }).notNull(),
    cents: bigint('cents', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.paymentId, t.receivableId] }),
    index('payment_allocations_receivable_idx').on(t.orgId, t.receivableId),
    foreignKey({ columns: [t.orgId, t.paymentId], foreignColumns: [payments.orgId, payments.id] }),
    foreignKey({ columns: [t.orgId, t.receivableId], foreignColumns: [receivables.orgId, receivables.id] }),
    check('payment_allocations_cents_check', sql`${t.cents} > 0`),
  ],
);

export const AGREEMENT_STATUSES = ['active', 'completed', 'broken', 'cancelled'] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];

/**
 * An acordo: an accepted offer. Its installments are receivables of their own (each with its Pix and
 * boleto); the originals wait `in_agreement` until it is completed (they are settled) or broken (they
 * come back net of what was paid).
 */
export const agreements = pgTable(
  'agreements',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    creditorId: bigint('creditor_id', { mode: 'number' }).notNull(),
    debtorId: bigint('debtor_id', { mode: 'number' }).notNull(),
    status: text('status').$type<AgreementStatus>().notNull().default('active'),
    /** `avista` or `parcelado-N`, as offered. */
    offerKey: text('offer_key').notNull(),
    /** The date the debt was updated to for the offer. */
    asOf: date('as_of', { mode: 'string' }).notNull(),
    /** What the originals were worth on that date: principal plus charges. */
    updatedCents: bigint('updated_cents', { mode: 'number' }).notNull(),
    discountCents: bigint('discount_cents', { mode: 'number' }).notNull().default(0),
    /** The sum of every installment, down payment included. */
    totalCents: bigint('total_cents', { mode: 'number' }).notNull(),
    installmentCount: integer('installment_count').notNull(),
    /** Days an installment may be late before the agreement breaks. */
    toleranceDays: integer('tolerance_days').notNull(),
    /** The offer as the debtor saw it: its explanation lines. */
    explanation: jsonb('explanation').$type<string[]>().notNull(),
    /** Who accepted: a user's email, or `portal` for the debtor. */
    createdBy: text('created_by').notNull(),
    /** A key the caller sends so that a retried acceptance makes one agreement. */
    requestKey: text('request_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** Why it ended, in pt-BR. */
    endReason: text('end_reason'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('agreements_request_key').on(t.orgId, t.requestKey),
    index('agreements_debtor_idx').on(t.orgId, t.debtorId),
    index('agreements_active_idx').on(t.orgId, t.status).where(sql`${t.status} = 'active'`),
    foreignKey({ columns: [t.orgId, t.creditorId], foreignColumns: [creditors.orgId, creditors.id] }),
    foreignKey({ columns: [t.orgId, t.debtorId], foreignColumns: [debtors.orgId, debtors.id] }),
    check('agreements_status_check', sql`${t.status} in ('active','completed','broken','cancelled')`),
    check(
      'agreements_amounts_check',
      sql`${t.totalCents} > 0 and ${t.discountCents} >= 0 and ${t.installmentCount} >= 1`,
    ),
  ],
);

/** The receivables an agreement renegotiated, with their balance when it was made and when it ended. */
export const agreementOriginals = pgTable(
  'agreement_originals',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    agreementId: bigint('agreement_id', { mode: 'number' }).notNull(),
    receivableId: bigint('receivable_id', { mode: 'number' }).notNull(),
    statusBefore: text('status_before').notNull(),
    openCentsBefore: bigint('open_cents_before', { mode: 'number' }).notNull(),
    /** Principal plus charges on the agreement's date. */
    updatedCents: bigint('updated_cents', { mode: 'number' }).notNull(),
    /** On a break: the balance it came back with. */
    returnedCents: bigint('returned_cents', { mode: 'number' }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.agreementId, t.receivableId] }),
    index('agreement_originals_receivable_idx').on(t.orgId, t.receivableId),
    foreignKey({ columns: [t.orgId, t.agreementId], foreignColumns: [agreements.orgId, agreements.id] }),
    foreignKey({ columns: [t.orgId, t.receivableId], foreignColumns: [receivables.orgId, receivables.id] }),
  ],
);

/** An agreement's payments: number 1 is the down payment (or the single cash payment). */
export const agreementInstallments = pgTable(
  'agreement_installments',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    agreementId: bigint('agreement_id', { mode: 'number' }).notNull(),
    number: integer('number').notNull(),
    receivableId: bigint('receivable_id', { mode: 'number' }).notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    amountCents: bigint('amount_cents', { mode: 'number' }).notNull(),
    /** The Pix `cobv` the PSP registered for it (txid), when the creditor has a PSP. */
    pspTxid: text('psp_txid'),
    /** The Pix copia-e-cola: the PSP's dynamic one, else a static one. */
    pixCopiaECola: text('pix_copia_e_cola'),
    /** The boleto's 44-digit barcode (its nosso número is on the receivable). */
    boletoBarcode: text('boleto_barcode'),
    /** The remessa file that registered the boleto with the bank. */
    remessaId: bigint('remessa_id', { mode: 'number' }),
    /** The remessa file that asked the bank to write the boleto off (the payment was cancelled). */
    baixaRemessaId: bigint('baixa_remessa_id', { mode: 'number' }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.agreementId, t.number] }),
    unique('agreement_installments_receivable_key').on(t.orgId, t.receivableId),
    foreignKey({ columns: [t.orgId, t.agreementId], foreignColumns: [agreements.orgId, agreements.id] }),
    foreignKey({ columns: [t.orgId, t.receivableId], foreignColumns: [receivables.orgId, receivables.id] }),
    check('agreement_installments_amount_check', sql`${t.amountCents} > 0 and ${t.number} >= 1`),
  ],
);

/** A CNAB 240 remessa generated to register boletos with the bank. */
export const remessaFiles = pgTable(
  'remessa_files',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    creditorId: bigint('creditor_id', { mode: 'number' }).notNull(),
    nsa: integer('nsa').notNull(),
    filename: text('filename').notNull(),
    content: text('content').notNull(),
    titles: integer('titles').notNull(),
    totalCents: bigint('total_cents', { mode: 'number' }).notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('remessa_files_nsa_key').on(t.orgId, t.creditorId, t.nsa),
    foreignKey({ columns: [t.orgId, t.creditorId], foreignColumns: [creditors.orgId, creditors.id] }),
  ],
);

/**
 * Customers who paid everything (or completed an agreement): thanked once, and followed for 90 days
 * as recovered customers.
 */
export const recoveries = pgTable(
  'recoveries',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    debtorId: bigint('debtor_id', { mode: 'number' }).notNull(),
    recoveredOn: date('recovered_on', { mode: 'string' }).notNull(),
    followUntil: date('follow_until', { mode: 'string' }).notNull(),
    /** `paid` or `agreement_completed`. */
    reason: text('reason').notNull(),
    agreementId: bigint('agreement_id', { mode: 'number' }),
    recoveredCents: bigint('recovered_cents', { mode: 'number' }).notNull(),
    thankYouMessageId: bigint('thank_you_message_id', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('recoveries_debtor_day_key').on(t.orgId, t.debtorId, t.recoveredOn),
    index('recoveries_follow_idx').on(t.orgId, t.followUntil),
    foreignKey({ columns: [t.orgId, t.debtorId], foreignColumns: [debtors.orgId, debtors.id] }),
  ],
);

/**
 * The debtor portal's identity checks: a one-time code sent to a contact the creditor already has,
 * and, once the code and the CPF/CNPJ are confirmed, a short-lived session. Codes and session tokens
 * are stored hashed.
 */
export const portalSessions = pgTable(
  'portal_sessions',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    debtorId: bigint('debtor_id', { mode: 'number' }).notNull(),
    /** The link's nonce: a link starts one identity check at a time. */
    linkNonce: text('link_nonce').notNull(),
    codeHash: text('code_hash').notNull(),
    /** Where the code went, masked (e.g. `j***@gmail.com`). */
    sentTo: text('sent_to').notNull(),
    channel: text('channel').notNull(),
    attempts: integer('attempts').notNull().default(0),
    codeExpiresAt: timestamp('code_expires_at', { withTimezone: true }).notNull(),
    sessionHash: text('session_hash'),
    sessionExpiresAt: timestamp('session_expires_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('portal_sessions_session_key').on(t.sessionHash),
    index('portal_sessions_debtor_idx').on(t.orgId, t.debtorId),
    foreignKey({ columns: [t.orgId, t.debtorId], foreignColumns: [debtors.orgId, debtors.id] }),
  ],
);
