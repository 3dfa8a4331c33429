import { bigint, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The audit trail: append-only and hash-chained per organization. Each entry's hash covers the previous
 * entry's hash and the entry itself, so changing, removing or reordering any entry breaks the chain
 * (`regua audit verify`).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    orgId: bigint('org_id', { mode: 'number' }).notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.seq] })],
);
