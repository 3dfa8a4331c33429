import { createHash } from 'node:crypto';
import type { Database, SqlExecutor } from '../db/client.ts';

export const GENESIS_HASH = '0'.repeat(64);
const AUDIT_LOCK_CLASS = 7_324_502;

export type AuditEntry = {
  orgId: number;
  actor: string;
  action: string;
  entity: string;
  entityId: string | number | null;
  before?: unknown;
  after?: unknown;
};

/** JSON with object keys sorted at every level: one text per value, whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function entryHash(prevHash: string, entry: { seq: number; at: string } & AuditEntry): string {
  const { orgId, seq, at, actor, action, entity, entityId, before, after } = entry;
  return sha256(
    `${prevHash}\n${canonicalJson({ orgId, seq, at, actor, action, entity, entityId: entityId === null ? null : String(entityId), before: before ?? null, after: after ?? null })}`,
  );
}

/**
 * Appends an entry to the organization's chain, inside the caller's transaction, so the entry exists
 * exactly when the change it records does. Appends of one organization are serialized by a
 * transaction-level advisory lock.
 */
export async function appendAudit(tx: SqlExecutor, entry: AuditEntry): Promise<void> {
  await tx.query('select pg_advisory_xact_lock($1, $2::int)', [AUDIT_LOCK_CLASS, entry.orgId]);
  const [last] = await tx.query<{ seq: number; hash: string }>(
    'select seq, hash from audit_log where org_id = $1 order by seq desc limit 1',
    [entry.orgId],
  );
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last?.hash ?? GENESIS_HASH;
  const at = new Date().toISOString();
  const hash = entryHash(prevHash, { ...entry, seq, at });
  await tx.query(
    `insert into audit_log (org_id, seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      entry.orgId,
      seq,
      at,
      entry.actor,
      entry.action,
      entry.entity,
      entry.entityId === null ? null : String(entry.entityId),
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
      prevHash,
      hash,
    ],
  );
}

/** A digest of the change records an import wrote, kept in its audit entry so they are tamper-evident too. */
export async function importChangesDigest(tx: Pick<SqlExecutor, 'query'>, orgId: number, importId: number) {
  const rows = await tx.query<{ receivable_id: number; changes: unknown }>(
    'select receivable_id, changes from receivable_changes where org_id = $1 and import_id = $2 order by id',
    [orgId, importId],
  );
  return { changes: rows.length, changesDigest: sha256(rows.map(canonicalJson).join('\n')) };
}

type StoredEntry = AuditEntry & { seq: number; at: string; prevHash: string; hash: string };

export type AuditVerification = {
  orgId: number;
  entries: number;
  problems: { seq: number; reason: string }[];
};

/**
 * Walks an organization's chain from the start: the sequence has no gaps, every entry names the hash
 * before it, every hash matches its entry, and every import's change records match their digest.
 */
export async function verifyAudit(db: Database, orgId: number): Promise<AuditVerification> {
  const problems: { seq: number; reason: string }[] = [];
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  for (;;) {
    const page = await db.query<StoredEntry & { orgId: number }>(
      `select org_id as "orgId", seq, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at, actor, action,
              entity, entity_id as "entityId", before, after, prev_hash as "prevHash", hash
         from audit_log where org_id = $1 and seq >= $2 order by seq limit 1000`,
      [orgId, expectedSeq],
    );
    for (const entry of page) {
      entries++;
      if (entry.seq !== expectedSeq)
        problems.push({ seq: entry.seq, reason: `entries ${expectedSeq} to ${entry.seq - 1} are missing` });
      if (entry.prevHash !== prevHash)
        problems.push({ seq: entry.seq, reason: 'does not follow the entry before it' });
      if (entryHash(entry.prevHash, entry) !== entry.hash)
        problems.push({ seq: entry.seq, reason: 'was changed after it was written' });
      const after = entry.after as { changesDigest?: string } | null;
      if (entry.action === 'import.completed' && after?.changesDigest) {
        const now = await importChangesDigest(db, orgId, Number(entry.entityId));
        if (now.changesDigest !== after.changesDigest) {
          problems.push({
            seq: entry.seq,
            reason: `the change records of import ${entry.entityId} were altered`,
          });
        }
      }
      expectedSeq = entry.seq + 1;
      prevHash = entry.hash;
    }
    if (page.length < 1000) break;
  }
  return { orgId, entries, problems };
}

export type AuditRecord = {
  seq: number;
  at: Date;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  hash: string;
};
