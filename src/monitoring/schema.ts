import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  foreignKey,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { creditors } from '../portfolio/schema.ts';

/**
 * A creditor's service-level targets (docs/MONITORING.md). No row: the defaults of src/monitoring/slas.ts.
 * Edited by monitoring:manage, every change audited.
 */
export const slaTargets = pgTable(
  'sla_targets',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    creditorId: bigint('creditor_id', { mode: 'number' }).notNull(),
    /** Days from the due date to the first contact attempt. */
    firstContactDays: integer('first_contact_days').notNull(),
    /** Hours (calendar hours) from a debtor's reply to the operation's answer. */
    replyHours: integer('reply_hours').notNull(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.creditorId] }),
    foreignKey({ columns: [t.orgId, t.creditorId], foreignColumns: [creditors.orgId, creditors.id] }),
    check('sla_targets_first_contact_check', sql`${t.firstContactDays} between 0 and 365`),
    check('sla_targets_reply_hours_check', sql`${t.replyHours} between 1 and 720`),
  ],
);

/** The alert rules' thresholds of an organization. No row: the defaults of src/monitoring/alerts.ts. */
export const alertSettings = pgTable('alert_settings', {
  orgId: bigint('org_id', { mode: 'number' }).primaryKey(),
  /** The rules' thresholds (AlertThresholds in src/monitoring/rules.ts). */
  thresholds: jsonb('thresholds').$type<Record<string, number>>().notNull(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * An alert raised by a rule for a creditor and a period (a week): the unique key makes a retried or
 * repeated evaluation raise it once.
 */
export const alerts = pgTable(
  'alerts',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    rule: text('rule').notNull(),
    creditorId: bigint('creditor_id', { mode: 'number' }).notNull(),
    /** The period the rule looked at, e.g. the week starting `2026-11-30`. */
    period: text('period').notNull(),
    /** The measured value and the threshold it crossed. */
    value: numeric('value').notNull(),
    threshold: numeric('threshold').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull().defaultNow(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: text('acknowledged_by'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('alerts_rule_period_key').on(t.orgId, t.rule, t.creditorId, t.period),
    foreignKey({ columns: [t.orgId, t.creditorId], foreignColumns: [creditors.orgId, creditors.id] }),
    check(
      'alerts_rule_check',
      sql`${t.rule} in ('broken_agreements_spike','email_bounce_rate','sla_breach_rate')`,
    ),
  ],
);

/** The managers who asked to get alerts by e-mail. */
export const alertSubscriptions = pgTable(
  'alert_subscriptions',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    userId: bigint('user_id', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] })],
);

/**
 * One e-mail of one alert to one manager: a row first (written with the alert), then sent once; the
 * unique key keeps a retried evaluation from writing it twice.
 */
export const alertEmails = pgTable(
  'alert_emails',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    alertId: bigint('alert_id', { mode: 'number' }).notNull(),
    userId: bigint('user_id', { mode: 'number' }).notNull(),
    toAddress: text('to_address').notNull(),
    status: text('status').$type<'queued' | 'sending' | 'sent' | 'failed'>().notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.alertId, t.userId] }),
    foreignKey({ columns: [t.orgId, t.alertId], foreignColumns: [alerts.orgId, alerts.id] }),
    check('alert_emails_status_check', sql`${t.status} in ('queued','sending','sent','failed')`),
  ],
);
