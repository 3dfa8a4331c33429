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
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { creditors, debtors, receivables } from '../portfolio/schema.ts';
import type { CadenceDefinition } from './definition.ts';

/** A régua de cobrança of one creditor. Its content lives in immutable versions. */
export const cadences = pgTable(
  'cadences',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    creditorId: bigint('creditor_id', { mode: 'number' }).notNull(),
    name: text('name').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('cadences_creditor_idx').on(t.orgId, t.creditorId),
    foreignKey({ columns: [t.orgId, t.creditorId], foreignColumns: [creditors.orgId, creditors.id] }),
  ],
);

export const CADENCE_VERSION_STATUSES = ['draft', 'active', 'retired'] as const;
export type CadenceVersionStatus = (typeof CADENCE_VERSION_STATUSES)[number];

/**
 * One version of a cadence. An edit makes a new version; a version never changes once written
 * (only its status moves draft -> active -> retired). At most one active version per creditor.
 */
export const cadenceVersions = pgTable(
  'cadence_versions',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    cadenceId: bigint('cadence_id', { mode: 'number' }).notNull(),
    creditorId: bigint('creditor_id', { mode: 'number' }).notNull(),
    version: integer('version').notNull(),
    status: text('status').$type<CadenceVersionStatus>().notNull().default('draft'),
    definition: jsonb('definition').$type<CadenceDefinition>().notNull(),
    note: text('note'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    activatedAt: timestamp('activated_at', { withTimezone: true }),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    unique('cadence_versions_number_key').on(t.orgId, t.cadenceId, t.version),
    uniqueIndex('cadence_versions_one_active_idx')
      .on(t.orgId, t.creditorId)
      .where(sql`${t.status} = 'active'`),
    foreignKey({ columns: [t.orgId, t.cadenceId], foreignColumns: [cadences.orgId, cadences.id] }),
    check('cadence_versions_status_check', sql`${t.status} in ('draft','active','retired')`),
  ],
);

/** The segments of a version, flattened for the planner's SQL (the definition stays the source). */
export const cadenceSegments = pgTable(
  'cadence_segments',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    versionId: bigint('version_id', { mode: 'number' }).notNull(),
    segmentKey: text('segment_key').notNull(),
    position: smallint('position').notNull(),
    debtorKind: text('debtor_kind'),
    minCents: bigint('min_cents', { mode: 'number' }),
    maxCents: bigint('max_cents', { mode: 'number' }),
    minDaysLate: integer('min_days_late'),
    maxDaysLate: integer('max_days_late'),
    ufs: text('ufs').array(),
    tags: text('tags').array(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.versionId, t.segmentKey] }),
    foreignKey({
      columns: [t.orgId, t.versionId],
      foreignColumns: [cadenceVersions.orgId, cadenceVersions.id],
    }),
  ],
);

/**
 * The steps of a version, one row per A/B variant, flattened for the planner. A debtor falls in the
 * variant whose bucket range [bucket_from, bucket_to) holds hash(step, debtor) mod 100.
 */
export const cadenceSteps = pgTable(
  'cadence_steps',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    versionId: bigint('version_id', { mode: 'number' }).notNull(),
    segmentKey: text('segment_key').notNull(),
    stepKey: text('step_key').notNull(),
    variantKey: text('variant_key').notNull(),
    bucketFrom: smallint('bucket_from').notNull(),
    bucketTo: smallint('bucket_to').notNull(),
    offsetDays: integer('offset_days').notNull(),
    channel: text('channel').notNull(),
    purpose: text('purpose').notNull(),
    skipOnPromise: boolean('skip_on_promise').notNull(),
    skipOnAgreement: boolean('skip_on_agreement').notNull(),
    skipOnDispute: boolean('skip_on_dispute').notNull(),
    skipOnPause: boolean('skip_on_pause').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.versionId, t.stepKey, t.variantKey] }),
    foreignKey({
      columns: [t.orgId, t.versionId, t.segmentKey],
      foreignColumns: [cadenceSegments.orgId, cadenceSegments.versionId, cadenceSegments.segmentKey],
    }),
    check(
      'cadence_steps_bucket_check',
      sql`0 <= ${t.bucketFrom} and ${t.bucketFrom} < ${t.bucketTo} and ${t.bucketTo} <= 100`,
    ),
  ],
);

export const HOLD_KINDS = ['promise', 'agreement', 'dispute', 'pause'] as const;
export type HoldKind = (typeof HOLD_KINDS)[number];

/**
 * Something that stops the cadence for a debtor (or one receivable): a promise to pay until its date,
 * an agreement, a dispute, a manual pause. Released holds stay as history.
 */
export const collectionHolds = pgTable(
  'collection_holds',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    debtorId: bigint('debtor_id', { mode: 'number' }).notNull(),
    receivableId: bigint('receivable_id', { mode: 'number' }),
    kind: text('kind').$type<HoldKind>().notNull(),
    untilDate: date('until_date', { mode: 'string' }),
    /** For a promise to pay: the amount promised, in centavos. */
    amountCents: bigint('amount_cents', { mode: 'number' }),
    reason: text('reason').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    releasedAt: timestamp('released_at', { withTimezone: true }),
    releasedBy: text('released_by'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('collection_holds_active_idx').on(t.orgId, t.debtorId).where(sql`${t.releasedAt} is null`),
    index('collection_holds_promise_due_idx').on(t.orgId, t.untilDate).where(sql`${t.kind} = 'promise'`),
    foreignKey({ columns: [t.orgId, t.debtorId], foreignColumns: [debtors.orgId, debtors.id] }),
    foreignKey({ columns: [t.orgId, t.receivableId], foreignColumns: [receivables.orgId, receivables.id] }),
    check('collection_holds_kind_check', sql`${t.kind} in ('promise','agreement','dispute','pause')`),
  ],
);

/** One planner run per organization and business date: the guard that makes planning idempotent. */
export const planRuns = pgTable(
  'plan_runs',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    planDate: date('plan_date', { mode: 'string' }).notNull(),
    status: text('status').$type<'running' | 'done'>().notNull(),
    planned: integer('planned').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    byChannel: jsonb('by_channel').$type<Record<string, number>>().notNull().default({}),
    byReason: jsonb('by_reason').$type<Record<string, number>>().notNull().default({}),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.planDate] })],
);

/**
 * Why a due step was not planned for a receivable on a date (LGPD art. 20: automated decisions are
 * explainable). At most one per receivable and date.
 */
export const planSkips = pgTable(
  'plan_skips',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    planDate: date('plan_date', { mode: 'string' }).notNull(),
    receivableId: bigint('receivable_id', { mode: 'number' }).notNull(),
    debtorId: bigint('debtor_id', { mode: 'number' }).notNull(),
    creditorId: bigint('creditor_id', { mode: 'number' }).notNull(),
    versionId: bigint('version_id', { mode: 'number' }).notNull(),
    segmentKey: text('segment_key').notNull(),
    stepKey: text('step_key').notNull(),
    channel: text('channel').notNull(),
    reason: text('reason').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.planDate, t.receivableId] }),
    index('plan_skips_debtor_idx').on(t.orgId, t.debtorId),
    index('plan_skips_receivable_idx').on(t.orgId, t.receivableId, t.stepKey),
  ],
);

/** The bank calendar (national bank holidays and weekends), loaded from date-holidays; not tenant data. */
export const bankCalendar = pgTable('bank_calendar', {
  day: date('day', { mode: 'string' }).primaryKey(),
  business: boolean('business').notNull(),
  nextBusinessDay: date('next_business_day', { mode: 'string' }).notNull(),
});

/** State holidays that are not national, by UF; not tenant data. */
export const stateHolidays = pgTable(
  'state_holidays',
  {
    day: date('day', { mode: 'string' }).notNull(),
    uf: text('uf').notNull(),
    name: text('name').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.uf] })],
);
