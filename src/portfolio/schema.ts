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
  smallint,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { organizations } from '../access/schema.ts';

const address = {
  street: text('street'),
  number: text('number'),
  complement: text('complement'),
  district: text('district'),
  city: text('city'),
  uf: text('uf'),
  cep: text('cep'),
};

/** A client company of the BPO whose portfolio is collected. Its identification goes on every document (CDC art. 42-A). */
export const creditors = pgTable(
  'creditors',
  {
    orgId: bigint('org_id', { mode: 'number' })
      .notNull()
      .references(() => organizations.id),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    cnpj: text('cnpj').notNull(),
    legalName: text('legal_name').notNull(),
    tradeName: text('trade_name'),
    segment: text('segment'),
    ...address,
    email: text('email'),
    phone: text('phone'),
    monthlyFeeCents: bigint('monthly_fee_cents', { mode: 'number' }).notNull().default(0),
    successFeeBasisPoints: integer('success_fee_basis_points').notNull().default(0),
    /** Collection terms: multa (%), juros de mora (% a.m.; null = the taxa legal), correction, caps. */
    multaPercent: text('multa_percent').notNull().default('2'),
    jurosMonthlyPercent: text('juros_monthly_percent').default('1'),
    correction: text('correction').$type<'none' | 'ipca'>().notNull().default('none'),
    multaCapPercentForCompanies: text('multa_cap_percent_companies').notNull().default('2'),
    /** The creditor's Pix key, for the copia-e-cola and QR shown to debtors. */
    pixKey: text('pix_key'),
    pixMerchantName: text('pix_merchant_name'),
    pixCity: text('pix_city'),
    /** Negotiation policy (discounts, installments); null = the default policy. */
    negotiationPolicy: jsonb('negotiation_policy').$type<Record<string, unknown>>(),
    /** Boleto issuing account (Banco do Brasil, 7-digit convênio): agreements' installments carry boletos. */
    boletoAgency: text('boleto_agency'),
    boletoAccount: text('boleto_account'),
    boletoConvenio: text('boleto_convenio'),
    boletoCarteira: text('boleto_carteira'),
    /** The next nosso número sequence of the convênio: taken with `update ... returning`, never reused. */
    boletoNextSequence: bigint('boleto_next_sequence', { mode: 'number' }).notNull().default(1),
    /** The next remessa file number (NSA) for the bank. */
    remessaNextNsa: integer('remessa_next_nsa').notNull().default(1),
    /** The Pix PSP's API Pix base URL and OAuth client: when set, installments get `cobv` charges. */
    pspUrl: text('psp_url'),
    pspClientId: text('psp_client_id'),
    /** The client secret, encrypted with REGUA_SECRET_KEY (`src/shared/secrets.ts`). */
    pspClientSecret: text('psp_client_secret'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('creditors_cnpj_key').on(t.orgId, t.cnpj),
    check(
      'creditors_fees_check',
      sql`${t.monthlyFeeCents} >= 0 and ${t.successFeeBasisPoints} between 0 and 10000`,
    ),
  ],
);

export type ChannelPreferences = Record<string, { consentAt?: string; optedOutAt?: string; source?: string }>;

/**
 * A person (CPF) or company (CNPJ) owing to one creditor. Debtors are kept per creditor: each client
 * company is the controller of its own customers' data (LGPD), so records are never merged across them.
 */
export const debtors = pgTable(
  'debtors',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    creditorId: bigint('creditor_id', { mode: 'number' }).notNull(),
    kind: text('kind').$type<'person' | 'company'>().notNull(),
    document: text('document').notNull(),
    name: text('name').notNull(),
    emails: text('emails').array().notNull().default(sql`'{}'`),
    phones: text('phones').array().notNull().default(sql`'{}'`),
    whatsapp: text('whatsapp'),
    ...address,
    tags: text('tags').array().notNull().default(sql`'{}'`),
    channelPreferences: jsonb('channel_preferences').$type<ChannelPreferences>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('debtors_document_key').on(t.orgId, t.creditorId, t.document),
    // A payer's CPF/CNPJ, whatever the creditor (payments, reconciliation).
    index('debtors_document_idx').on(t.orgId, t.document),
    // The debtors list's order (name, id) within a creditor: its keyset pages, and CSV exports, are index scans.
    index('debtors_name_idx').on(t.orgId, t.creditorId, t.name, t.id),
    foreignKey({ columns: [t.orgId, t.creditorId], foreignColumns: [creditors.orgId, creditors.id] }),
    check('debtors_kind_check', sql`${t.kind} in ('person','company')`),
    check(
      'debtors_document_check',
      sql`(${t.kind} = 'person' and ${t.document} ~ '^[0-9]{11}$') or (${t.kind} = 'company' and ${t.document} ~ '^[0-9A-Z]{12}[0-9]{2}$')`,
    ),
  ],
);

/** `in_agreement`: an original renegotiated into an agreement; its balance waits there until the agreement ends. */
export const RECEIVABLE_STATUSES = [
  'open',
  'partially_paid',
  'paid',
  'cancelled',
  'written_off',
  'in_agreement',
] as const;
export type ReceivableStatus = (typeof RECEIVABLE_STATUSES)[number];

/** A título: one amount owed on one due date. */
export const receivables = pgTable(
  'receivables',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    creditorId: bigint('creditor_id', { mode: 'number' }).notNull(),
    debtorId: bigint('debtor_id', { mode: 'number' }).notNull(),
    externalId: text('external_id').notNull(),
    documentNumber: text('document_number'),
    installmentNumber: smallint('installment_number'),
    installmentCount: smallint('installment_count'),
    issueDate: date('issue_date', { mode: 'string' }),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    originalCents: bigint('original_cents', { mode: 'number' }).notNull(),
    openCents: bigint('open_cents', { mode: 'number' }).notNull(),
    status: text('status').$type<ReceivableStatus>().notNull(),
    nossoNumero: text('nosso_numero'),
    pixTxid: text('pix_txid'),
    description: text('description'),
    importId: bigint('import_id', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('receivables_external_key').on(t.orgId, t.creditorId, t.externalId),
    index('receivables_due_idx').on(t.orgId, t.creditorId, t.dueDate, t.id),
    index('receivables_debtor_idx').on(t.orgId, t.debtorId),
    // Involuntary churn (src/kpis) asks, for each debtor billed in the month before a period, for its
    // receivables still unpaid: answered from this small index alone, without visiting the table.
    index('receivables_debtor_unpaid_idx')
      .on(t.orgId, t.debtorId, t.dueDate, t.issueDate, t.createdAt)
      .where(sql`${t.status} in ('open', 'partially_paid') and ${t.openCents} > 0`),
    // Reconciliation looks receivables up by amount and by the document number a statement quotes.
    index('receivables_open_amount_idx')
      .on(t.orgId, t.openCents, t.dueDate)
      .where(sql`${t.status} in ('open', 'partially_paid')`),
    index('receivables_document_number_idx').on(t.orgId, t.documentNumber),
    foreignKey({ columns: [t.orgId, t.creditorId], foreignColumns: [creditors.orgId, creditors.id] }),
    foreignKey({ columns: [t.orgId, t.debtorId], foreignColumns: [debtors.orgId, debtors.id] }),
    check(
      'receivables_status_check',
      sql`${t.status} in ('open','partially_paid','paid','cancelled','written_off','in_agreement')`,
    ),
    check(
      'receivables_amounts_check',
      sql`${t.originalCents} > 0 and ${t.openCents} >= 0 and ${t.openCents} <= ${t.originalCents}`,
    ),
    check('receivables_dates_check', sql`${t.issueDate} is null or ${t.issueDate} <= ${t.dueDate}`),
  ],
);

/** What an import changed in a receivable: one row per update, `{field: [before, after]}`. */
export const receivableChanges = pgTable(
  'receivable_changes',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    receivableId: bigint('receivable_id', { mode: 'number' }).notNull(),
    importId: bigint('import_id', { mode: 'number' }),
    changes: jsonb('changes').$type<Record<string, [unknown, unknown]>>().notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('receivable_changes_receivable_idx').on(t.orgId, t.receivableId),
    // KPIs rebuild past balances from the changes of a period.
    index('receivable_changes_changed_idx').on(t.orgId, t.changedAt),
    foreignKey({ columns: [t.orgId, t.receivableId], foreignColumns: [receivables.orgId, receivables.id] }),
  ],
);

export const CHANNELS = ['email', 'sms', 'whatsapp', 'phone', 'letter'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CONSENT_EVENTS = ['consent', 'opt_out', 'opt_in'] as const;
export type ConsentEvent = (typeof CONSENT_EVENTS)[number];

/**
 * The consent and opt-out ledger (LGPD): every choice a debtor made about a channel, append-only.
 * `debtors.channel_preferences` is the current state derived from it.
 */
export const consentEvents = pgTable(
  'consent_events',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    debtorId: bigint('debtor_id', { mode: 'number' }).notNull(),
    channel: text('channel').$type<Channel>().notNull(),
    event: text('event').$type<ConsentEvent>().notNull(),
    /** Where the choice was made: phone call, portal, WhatsApp reply, import, ... */
    source: text('source').notNull(),
    actor: text('actor').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('consent_events_debtor_idx').on(t.orgId, t.debtorId, t.id),
    foreignKey({ columns: [t.orgId, t.debtorId], foreignColumns: [debtors.orgId, debtors.id] }),
    check('consent_events_channel_check', sql`${t.channel} in ('email','sms','whatsapp','phone','letter')`),
    check('consent_events_event_check', sql`${t.event} in ('consent','opt_out','opt_in')`),
  ],
);
