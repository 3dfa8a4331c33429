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
import { debtors, receivables } from '../portfolio/schema.ts';

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

export const PAYMENT_STATUSES = ['allocated', 'partially_allocated', 'unallocated'] as const;
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
    foreignKey({ columns: [t.orgId, t.debtorId], foreignColumns: [debtors.orgId, debtors.id] }),
    check('payments_amount_check', sql`${t.amountCents} > 0 and ${t.creditCents} >= 0`),
    check('payments_status_check', sql`${t.status} in ('allocated','partially_allocated','unallocated')`),
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
