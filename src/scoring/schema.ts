import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  date,
  doublePrecision,
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
import { creditors, debtors } from '../portfolio/schema.ts';

/** A top factor of a score: the feature, its value for the debtor and its signed contribution to the log-odds. */
export type StoredFactor = { feature: string; value: number; contribution: number };

/**
 * A creditor's payment model for one business date: a logistic regression trained on its own history
 * (kind 'model'), or the documented rules when the history is too small (kind 'rules', with the reason).
 * Training again on the same date replaces that date's model, so re-runs add nothing.
 */
export const scoreModels = pgTable(
  'score_models',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    creditorId: bigint('creditor_id', { mode: 'number' }).notNull(),
    /** The business date whose history trained it (cuts are before it, their windows closed by it). */
    asOf: date('as_of', { mode: 'string' }).notNull(),
    kind: text('kind').$type<'model' | 'rules'>().notNull(),
    features: text('features').array().notNull(),
    intercept: doublePrecision('intercept').notNull(),
    coefficients: doublePrecision('coefficients').array().notNull(),
    means: doublePrecision('means').array().notNull(),
    scales: doublePrecision('scales').array().notNull(),
    /** Area under the ROC curve on the held-out debtors (null for rules). */
    auc: doublePrecision('auc'),
    nTrain: integer('n_train').notNull(),
    nTest: integer('n_test').notNull(),
    positives: integer('positives').notNull(),
    positiveRate: doublePrecision('positive_rate'),
    labelDays: integer('label_days').notNull(),
    /** Why the rules are used (kind 'rules'). */
    reason: text('reason'),
    trainedAt: timestamp('trained_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('score_models_creditor_day_key').on(t.orgId, t.creditorId, t.asOf),
    foreignKey({ columns: [t.orgId, t.creditorId], foreignColumns: [creditors.orgId, creditors.id] }),
    check('score_models_kind_check', sql`${t.kind} in ('model','rules')`),
  ],
);

/**
 * The current score of each open case (a debtor with a past-due balance): probability of paying at
 * least half of it in the label window, the expected recovery (rounded once), and the top factors.
 */
export const debtorScores = pgTable(
  'debtor_scores',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    debtorId: bigint('debtor_id', { mode: 'number' }).notNull(),
    creditorId: bigint('creditor_id', { mode: 'number' }).notNull(),
    modelId: bigint('model_id', { mode: 'number' }).notNull(),
    probability: doublePrecision('probability').notNull(),
    openCents: bigint('open_cents', { mode: 'number' }).notNull(),
    expectedRecoveryCents: bigint('expected_recovery_cents', { mode: 'number' }).notNull(),
    maxDaysLate: integer('max_days_late').notNull(),
    factors: jsonb('factors').$type<StoredFactor[]>().notNull(),
    asOf: date('as_of', { mode: 'string' }).notNull(),
    scoredAt: timestamp('scored_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.debtorId] }),
    index('debtor_scores_creditor_idx').on(t.orgId, t.creditorId),
    foreignKey({ columns: [t.orgId, t.debtorId], foreignColumns: [debtors.orgId, debtors.id] }),
    foreignKey({ columns: [t.orgId, t.modelId], foreignColumns: [scoreModels.orgId, scoreModels.id] }),
  ],
);
