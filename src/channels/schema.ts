import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
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

export const MESSAGE_STATUSES = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'read',
  'failed',
  'cancelled',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * The outbox. Every contact the cadence makes is a row here before it goes anywhere; dispatchers claim
 * rows with FOR UPDATE SKIP LOCKED. The idempotency key is unique and is handed to the provider.
 */
export const outboundMessages = pgTable(
  'outbound_messages',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    creditorId: bigint('creditor_id', { mode: 'number' }).notNull(),
    debtorId: bigint('debtor_id', { mode: 'number' }).notNull(),
    channel: text('channel').notNull(),
    purpose: text('purpose').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    planDate: date('plan_date', { mode: 'string' }),
    versionId: bigint('version_id', { mode: 'number' }),
    segmentKey: text('segment_key'),
    stepKey: text('step_key'),
    variantKey: text('variant_key'),
    uf: text('uf'),
    toAddress: text('to_address'),
    subject: text('subject'),
    body: text('body'),
    status: text('status').$type<MessageStatus>().notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lockedBy: text('locked_by'),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    /** The dispatcher (host:pid:...) that handed the message to its provider. */
    dispatchedBy: text('dispatched_by'),
    provider: text('provider'),
    providerMessageId: text('provider_message_id'),
    costCents: integer('cost_cents'),
    lastError: text('last_error'),
    /** Why it was planned: cadence, segment, step, days late (LGPD art. 20). */
    why: jsonb('why').$type<Record<string, unknown>>().notNull().default({}),
    /** For gated steps (negativação, protest): the prior notice and the checks that let it through. */
    evidence: jsonb('evidence').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    readAt: timestamp('read_at', { withTimezone: true }),
    failedAt: timestamp('failed_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('outbound_messages_idempotency_key').on(t.orgId, t.idempotencyKey),
    index('outbound_messages_ready_idx').on(t.nextAttemptAt).where(sql`${t.status} in ('queued','sending')`),
    index('outbound_messages_debtor_idx').on(t.orgId, t.debtorId, t.planDate),
    index('outbound_messages_plan_idx').on(t.orgId, t.planDate),
    // KPIs: messages sent, and failed without being sent, in a period.
    index('outbound_messages_sent_idx').on(t.orgId, t.sentAt),
    index('outbound_messages_failed_unsent_idx').on(t.orgId, t.failedAt).where(sql`${t.sentAt} is null`),
    foreignKey({ columns: [t.orgId, t.creditorId], foreignColumns: [creditors.orgId, creditors.id] }),
    foreignKey({ columns: [t.orgId, t.debtorId], foreignColumns: [debtors.orgId, debtors.id] }),
    check(
      'outbound_messages_status_check',
      sql`${t.status} in ('queued','sending','sent','delivered','read','failed','cancelled')`,
    ),
  ],
);

/**
 * The receivables a message covers (one contact per debtor, not per invoice). The unique key on
 * (receivable, cadence step) is the last guard against a step reaching a receivable twice.
 */
export const outboundMessageItems = pgTable(
  'outbound_message_items',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    messageId: bigint('message_id', { mode: 'number' }).notNull(),
    receivableId: bigint('receivable_id', { mode: 'number' }).notNull(),
    cadenceId: bigint('cadence_id', { mode: 'number' }).notNull(),
    stepKey: text('step_key').notNull(),
    openCents: bigint('open_cents', { mode: 'number' }).notNull(),
    daysLate: integer('days_late').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.messageId, t.receivableId] }),
    unique('outbound_message_items_step_key').on(t.orgId, t.receivableId, t.cadenceId, t.stepKey),
    foreignKey({
      columns: [t.orgId, t.messageId],
      foreignColumns: [outboundMessages.orgId, outboundMessages.id],
    }),
    foreignKey({ columns: [t.orgId, t.receivableId], foreignColumns: [receivables.orgId, receivables.id] }),
  ],
);

/** What the sandbox channel "delivered": a person reads it in the UI. Nothing leaves the machine. */
export const sandboxInbox = pgTable(
  'sandbox_inbox',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    idempotencyKey: text('idempotency_key').notNull(),
    messageId: bigint('message_id', { mode: 'number' }).notNull(),
    channel: text('channel').notNull(),
    toAddress: text('to_address'),
    subject: text('subject'),
    body: text('body').notNull(),
    /** How many times a dispatcher handed this message over (more than 1 only after a crash mid-send). */
    deliveries: integer('deliveries').notNull().default(1),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('sandbox_inbox_idempotency_key').on(t.orgId, t.idempotencyKey),
    index('sandbox_inbox_received_idx').on(t.orgId, t.receivedAt),
  ],
);

/**
 * Which provider carries a channel for an organization, and its settings. Credentials live in `secret`,
 * encrypted with REGUA_SECRET_KEY, and are never returned by the API or written to logs. No row: the
 * sandbox.
 */
export const channelProviders = pgTable(
  'channel_providers',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    channel: text('channel').notNull(),
    provider: text('provider').notNull(),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    secret: text('secret'),
    enabled: boolean('enabled').notNull().default(true),
    updatedBy: text('updated_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.channel] })],
);

export const TASK_OUTCOMES = [
  'reached',
  'not_reached',
  'wrong_number',
  'promise',
  'dispute',
  'refused',
] as const;
export type TaskOutcome = (typeof TASK_OUTCOMES)[number];

/**
 * A collector's call, made from a phone step of the cadence: the worklist. Ordered by priority (the
 * amount at stake weighed by how late it is); its outcome feeds the cadence back (a promise holds it,
 * a dispute stops it, a wrong number is removed from the debtor's contacts).
 */
export const collectorTasks = pgTable(
  'collector_tasks',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    messageId: bigint('message_id', { mode: 'number' }).notNull(),
    creditorId: bigint('creditor_id', { mode: 'number' }).notNull(),
    debtorId: bigint('debtor_id', { mode: 'number' }).notNull(),
    phone: text('phone'),
    script: text('script').notNull(),
    priority: bigint('priority', { mode: 'number' }).notNull(),
    assignedTo: bigint('assigned_to', { mode: 'number' }),
    status: text('status').$type<'open' | 'done' | 'cancelled'>().notNull().default('open'),
    outcome: text('outcome').$type<TaskOutcome>(),
    note: text('note'),
    promiseDate: date('promise_date', { mode: 'string' }),
    promiseCents: bigint('promise_cents', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    doneAt: timestamp('done_at', { withTimezone: true }),
    doneBy: text('done_by'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('collector_tasks_message_key').on(t.orgId, t.messageId),
    index('collector_tasks_open_idx').on(t.orgId, t.priority).where(sql`${t.status} = 'open'`),
    index('collector_tasks_debtor_idx').on(t.orgId, t.debtorId),
    index('collector_tasks_done_idx').on(t.orgId, t.doneAt).where(sql`${t.status} = 'done'`),
    foreignKey({
      columns: [t.orgId, t.messageId],
      foreignColumns: [outboundMessages.orgId, outboundMessages.id],
    }),
    foreignKey({ columns: [t.orgId, t.debtorId], foreignColumns: [debtors.orgId, debtors.id] }),
    check('collector_tasks_status_check', sql`${t.status} in ('open','done','cancelled')`),
    check(
      'collector_tasks_outcome_check',
      sql`${t.outcome} is null or ${t.outcome} in ('reached','not_reached','wrong_number','promise','dispute','refused')`,
    ),
  ],
);

/**
 * What debtors send us (WhatsApp replies, SMS answers): stored once per provider message id, so a
 * replayed webhook adds nothing. Matched to debtors by their numbers when read.
 */
export const inboundMessages = pgTable(
  'inbound_messages',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    channel: text('channel').notNull(),
    providerMessageId: text('provider_message_id').notNull(),
    fromAddress: text('from_address').notNull(),
    kind: text('kind').notNull(),
    body: text('body'),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    raw: jsonb('raw').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('inbound_messages_provider_key').on(t.orgId, t.channel, t.providerMessageId),
    index('inbound_messages_from_idx').on(t.orgId, t.fromAddress, t.receivedAt),
  ],
);

/** Where a debtor's self-service conversation stands, per channel and number. */
export const conversations = pgTable(
  'conversations',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    channel: text('channel').notNull(),
    address: text('address').notNull(),
    state: text('state').notNull(),
    turns: integer('turns').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.channel, t.address] })],
);
