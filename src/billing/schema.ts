import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { paymentAllocations } from '../payments/schema.ts';
import { creditors, debtors, receivables } from '../portfolio/schema.ts';

/** A tier of the success fee by days late at recovery: `toDays` null = no upper bound. */
export type FeeTier = { fromDays: number; toDays: number | null; basisPoints: number };

/**
 * A version of a creditor's fee terms (honorários), in force from the month `effective_from` (always the
 * first day of a month) until the next version. Versions are only added, never changed: the history is
 * the table, and each one is in the audit trail.
 */
export const feeTerms = pgTable(
  'fee_terms',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    creditorId: bigint('creditor_id', { mode: 'number' }).notNull(),
    effectiveFrom: date('effective_from', { mode: 'string' }).notNull(),
    monthlyFeeCents: bigint('monthly_fee_cents', { mode: 'number' }).notNull(),
    /** The success fee on every recovery when there are no tiers (basis points: 1250 = 12.5%). */
    successFeeBasisPoints: integer('success_fee_basis_points'),
    tiers: jsonb('tiers').$type<FeeTier[]>().notNull().default([]),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('fee_terms_creditor_idx').on(t.orgId, t.creditorId, t.effectiveFrom),
    foreignKey({ columns: [t.orgId, t.creditorId], foreignColumns: [creditors.orgId, creditors.id] }),
    check(
      'fee_terms_values_check',
      sql`${t.monthlyFeeCents} >= 0 and (${t.successFeeBasisPoints} is null or ${t.successFeeBasisPoints} between 0 and 10000) and extract(day from ${t.effectiveFrom}) = 1`,
    ),
  ],
);

/** Who issues the fee statements: the BPO's legal name, CNPJ and address, printed on each statement. */
export const billingProfiles = pgTable(
  'billing_profiles',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    legalName: text('legal_name').notNull(),
    cnpj: text('cnpj').notNull(),
    address: text('address'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId] })],
);

/**
 * An issued monthly fee statement (fatura de honorários): numbered, immutable, one per creditor and
 * month. Its figures are those of its lines plus the monthly fee; `issuer` and `terms` are what was
 * printed on it.
 */
export const feeStatements = pgTable(
  'fee_statements',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    creditorId: bigint('creditor_id', { mode: 'number' }).notNull(),
    /** The first day of the month billed. */
    month: date('month', { mode: 'string' }).notNull(),
    number: integer('number').notNull(),
    monthlyFeeCents: bigint('monthly_fee_cents', { mode: 'number' }).notNull(),
    recoveredCents: bigint('recovered_cents', { mode: 'number' }).notNull(),
    successFeeCents: bigint('success_fee_cents', { mode: 'number' }).notNull(),
    totalCents: bigint('total_cents', { mode: 'number' }).notNull(),
    lineCount: integer('line_count').notNull(),
    terms: jsonb('terms').$type<Record<string, unknown>>().notNull(),
    issuer: jsonb('issuer').$type<Record<string, unknown>>().notNull(),
    issuedBy: text('issued_by').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('fee_statements_month_key').on(t.orgId, t.creditorId, t.month),
    unique('fee_statements_number_key').on(t.orgId, t.number),
    foreignKey({ columns: [t.orgId, t.creditorId], foreignColumns: [creditors.orgId, creditors.id] }),
    check(
      'fee_statements_totals_check',
      sql`${t.totalCents} = ${t.monthlyFeeCents} + ${t.successFeeCents} and extract(day from ${t.month}) = 1`,
    ),
  ],
);

/**
 * A line of an issued statement: one payment allocation (a payment's share in one receivable). The
 * allocation is unique across every statement: a recovery is charged once.
 */
export const feeStatementLines = pgTable(
  'fee_statement_lines',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    statementId: bigint('statement_id', { mode: 'number' }).notNull(),
    lineNo: integer('line_no').notNull(),
    paymentId: bigint('payment_id', { mode: 'number' }).notNull(),
    receivableId: bigint('receivable_id', { mode: 'number' }).notNull(),
    debtorId: bigint('debtor_id', { mode: 'number' }).notNull(),
    paidOn: date('paid_on', { mode: 'string' }).notNull(),
    /** The due date days late count from: the receivable's, or for an agreement's installment its oldest original's. */
    lateSince: date('late_since', { mode: 'string' }).notNull(),
    agreementId: bigint('agreement_id', { mode: 'number' }),
    cents: bigint('cents', { mode: 'number' }).notNull(),
    daysLate: integer('days_late').notNull(),
    basisPoints: integer('basis_points').notNull(),
    /** cents × rate, exact (4 decimal places of a centavo at most). */
    feeExact: numeric('fee_exact', { precision: 30, scale: 4 }).notNull(),
    feeCents: bigint('fee_cents', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.statementId, t.lineNo] }),
    unique('fee_statement_lines_allocation_key').on(t.orgId, t.paymentId, t.receivableId),
    foreignKey({
      columns: [t.orgId, t.statementId],
      foreignColumns: [feeStatements.orgId, feeStatements.id],
    }),
    foreignKey({
      columns: [t.orgId, t.paymentId, t.receivableId],
      foreignColumns: [
        paymentAllocations.orgId,
        paymentAllocations.paymentId,
        paymentAllocations.receivableId,
      ],
    }),
    foreignKey({ columns: [t.orgId, t.receivableId], foreignColumns: [receivables.orgId, receivables.id] }),
    foreignKey({ columns: [t.orgId, t.debtorId], foreignColumns: [debtors.orgId, debtors.id] }),
    check(
      'fee_statement_lines_values_check',
      sql`${t.cents} > 0 and ${t.daysLate} > 0 and ${t.feeCents} >= 0`,
    ),
  ],
);
