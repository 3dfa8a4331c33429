import type { Scope } from '../access/scope.ts';
import { canSeeCreditor } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database, SqlExecutor } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { notFound, Problem } from '../shared/problem.ts';
import { type CadenceDefinition, flattenDefinition, validateDefinition } from './definition.ts';
import type { CadenceVersionStatus } from './schema.ts';

export type CadenceVersion = {
  id: number;
  cadenceId: number;
  creditorId: number;
  version: number;
  status: CadenceVersionStatus;
  note: string | null;
  definition: CadenceDefinition;
  createdBy: string;
  createdAt: string;
  activatedAt: string | null;
  retiredAt: string | null;
};

export type Cadence = {
  id: number;
  creditorId: number;
  name: string;
  createdAt: string;
  versions: Array<Omit<CadenceVersion, 'definition'>>;
};

/** A cadence that cannot be saved: each problem names the segment or step and why. */
export function invalidCadence(problems: Array<{ path: string; message: string }>): Problem {
  return new Problem(
    422,
    'Invalid cadence',
    problems.length === 1 && problems[0] ? problems[0].message : `A régua tem ${problems.length} problemas.`,
    { problems },
  );
}

const VERSION_COLUMNS = `v.id, v.cadence_id as "cadenceId", v.creditor_id as "creditorId", v.version, v.status, v.note,
  v.created_by as "createdBy", v.created_at as "createdAt", v.activated_at as "activatedAt", v.retired_at as "retiredAt"`;

function assertCreditor(scope: Scope, creditorId: number) {
  if (!canSeeCreditor(scope, creditorId)) throw notFound(`creditor ${creditorId}`);
}

async function insertVersion(
  tx: SqlExecutor,
  scope: Scope,
  cadence: { id: number; creditorId: number },
  definition: CadenceDefinition,
  note: string | null,
): Promise<CadenceVersion> {
  const problems = validateDefinition(definition);
  if (problems.length > 0) throw invalidCadence(problems);
  const [row] = await tx.query<Omit<CadenceVersion, 'definition'>>(
    `insert into cadence_versions as v (org_id, cadence_id, creditor_id, version, definition, note, created_by)
     select $1, $2, $3, coalesce(max(version), 0) + 1, $4, $5, $6
       from cadence_versions where org_id = $1 and cadence_id = $2
     returning ${VERSION_COLUMNS}`,
    [scope.orgId, cadence.id, cadence.creditorId, JSON.stringify(definition), note, scope.actor],
  );
  if (!row) throw new Error('cadence version insert returned nothing');
  const flat = flattenDefinition(definition);
  await tx.query(
    `insert into cadence_segments (org_id, version_id, segment_key, position, debtor_kind, min_cents, max_cents,
            min_days_late, max_days_late, ufs, tags)
     select $1, $2, s.key, s.position, s.debtor_kind, s.min_cents, s.max_cents, s.min_days_late, s.max_days_late,
            (select array_agg(u) from jsonb_array_elements_text(s.ufs) u),
            (select array_agg(t) from jsonb_array_elements_text(s.tags) t)
       from jsonb_to_recordset($3::jsonb) as s(key text, position int, debtor_kind text, min_cents bigint,
            max_cents bigint, min_days_late int, max_days_late int, ufs jsonb, tags jsonb)`,
    [
      scope.orgId,
      row.id,
      JSON.stringify(
        flat.segments.map((s) => ({
          key: s.segmentKey,
          position: s.position,
          debtor_kind: s.debtorKind,
          min_cents: s.minCents,
          max_cents: s.maxCents,
          min_days_late: s.minDaysLate,
          max_days_late: s.maxDaysLate,
          ufs: s.ufs,
          tags: s.tags,
        })),
      ),
    ],
  );
  await tx.query(
    `insert into cadence_steps (org_id, version_id, segment_key, step_key, variant_key, bucket_from, bucket_to,
            offset_days, channel, purpose, skip_on_promise, skip_on_agreement, skip_on_dispute, skip_on_pause)
     select $1, $2, s.*
       from jsonb_to_recordset($3::jsonb) as s(segment_key text, step_key text, variant_key text, bucket_from int,
            bucket_to int, offset_days int, channel text, purpose text, skip_on_promise boolean,
            skip_on_agreement boolean, skip_on_dispute boolean, skip_on_pause boolean)`,
    [
      scope.orgId,
      row.id,
      JSON.stringify(
        flat.steps.map((s) => ({
          segment_key: s.segmentKey,
          step_key: s.stepKey,
          variant_key: s.variantKey,
          bucket_from: s.bucketFrom,
          bucket_to: s.bucketTo,
          offset_days: s.offsetDays,
          channel: s.channel,
          purpose: s.purpose,
          skip_on_promise: s.skipOnPromise,
          skip_on_agreement: s.skipOnAgreement,
          skip_on_dispute: s.skipOnDispute,
          skip_on_pause: s.skipOnPause,
        })),
      ),
    ],
  );
  await appendAudit(tx, {
    orgId: scope.orgId,
    actor: scope.actor,
    action: 'cadence.version_created',
    entity: 'cadence',
    entityId: cadence.id,
    after: { version: row.version, versionId: row.id, note, definition },
  });
  return { ...row, definition };
}

/** Creates a cadence for a creditor with its first version, as a draft. */
export async function createCadence(
  db: Database,
  scope: Scope,
  input: { creditorId: number; name: string; definition: CadenceDefinition; note?: string | null },
): Promise<CadenceVersion> {
  assertCreditor(scope, input.creditorId);
  return withTenant(db, scope.orgId, async (tx) => {
    const [creditor] = await tx.query('select id from creditors where org_id = $1 and id = $2', [
      scope.orgId,
      input.creditorId,
    ]);
    if (!creditor) throw notFound(`creditor ${input.creditorId}`);
    const [cadence] = await tx.query<{ id: number }>(
      'insert into cadences (org_id, creditor_id, name, created_by) values ($1, $2, $3, $4) returning id',
      [scope.orgId, input.creditorId, input.name, scope.actor],
    );
    if (!cadence) throw new Error('cadence insert returned nothing');
    return insertVersion(
      tx,
      scope,
      { id: cadence.id, creditorId: input.creditorId },
      input.definition,
      input.note ?? null,
    );
  });
}

/** An edit: a new draft version of the cadence. Earlier versions stay as they were. */
export async function saveCadenceVersion(
  db: Database,
  scope: Scope,
  cadenceId: number,
  input: { definition: CadenceDefinition; note?: string | null },
): Promise<CadenceVersion> {
  return withTenant(db, scope.orgId, async (tx) => {
    const [cadence] = await tx.query<{ id: number; creditorId: number }>(
      'select id, creditor_id as "creditorId" from cadences where org_id = $1 and id = $2 for update',
      [scope.orgId, cadenceId],
    );
    if (!cadence || !canSeeCreditor(scope, cadence.creditorId)) throw notFound(`cadence ${cadenceId}`);
    return insertVersion(tx, scope, cadence, input.definition, input.note ?? null);
  });
}

/** Makes a version the creditor's active régua; the one active before is retired. */
export async function activateCadenceVersion(
  db: Database,
  scope: Scope,
  versionId: number,
): Promise<CadenceVersion> {
  return withTenant(db, scope.orgId, (tx) => activateIn(tx, scope, versionId));
}

export async function activateIn(tx: SqlExecutor, scope: Scope, versionId: number): Promise<CadenceVersion> {
  const [version] = await tx.query<CadenceVersion>(
    `select ${VERSION_COLUMNS}, v.definition from cadence_versions v where v.org_id = $1 and v.id = $2`,
    [scope.orgId, versionId],
  );
  if (!version || !canSeeCreditor(scope, version.creditorId)) throw notFound(`cadence version ${versionId}`);
  if (version.status === 'active') return version;
  const problems = validateDefinition(version.definition);
  if (problems.length > 0) throw invalidCadence(problems);
  // One activation per creditor at a time: the creditor row is the lock.
  await tx.query('select 1 from creditors where org_id = $1 and id = $2 for update', [
    scope.orgId,
    version.creditorId,
  ]);
  const retired = await tx.query<{ id: number; version: number; cadenceId: number }>(
    `update cadence_versions set status = 'retired', retired_at = now()
      where org_id = $1 and creditor_id = $2 and status = 'active'
      returning id, version, cadence_id as "cadenceId"`,
    [scope.orgId, version.creditorId],
  );
  const [activated] = await tx.query<Omit<CadenceVersion, 'definition'>>(
    `update cadence_versions v set status = 'active', activated_at = now(), retired_at = null
      where org_id = $1 and id = $2 returning ${VERSION_COLUMNS}`,
    [scope.orgId, versionId],
  );
  if (!activated) throw notFound(`cadence version ${versionId}`);
  await appendAudit(tx, {
    orgId: scope.orgId,
    actor: scope.actor,
    action: 'cadence.version_activated',
    entity: 'cadence',
    entityId: version.cadenceId,
    before: retired[0] ?? null,
    after: { versionId, version: version.version, creditorId: version.creditorId },
  });
  return { ...activated, definition: version.definition };
}

export async function listCadences(db: Database, scope: Scope, creditorId: number): Promise<Cadence[]> {
  assertCreditor(scope, creditorId);
  return withTenant(db, scope.orgId, async (tx) => {
    const [creditor] = await tx.query('select id from creditors where org_id = $1 and id = $2', [
      scope.orgId,
      creditorId,
    ]);
    if (!creditor) throw notFound(`creditor ${creditorId}`);
    const cadences = await tx.query<Omit<Cadence, 'versions'>>(
      `select id, creditor_id as "creditorId", name, created_at as "createdAt"
         from cadences where org_id = $1 and creditor_id = $2 order by id`,
      [scope.orgId, creditorId],
    );
    const versions = await tx.query<Omit<CadenceVersion, 'definition'>>(
      `select ${VERSION_COLUMNS} from cadence_versions v
        where v.org_id = $1 and v.creditor_id = $2 order by v.cadence_id, v.version desc`,
      [scope.orgId, creditorId],
    );
    return cadences.map((c) => ({ ...c, versions: versions.filter((v) => v.cadenceId === c.id) }));
  });
}

export async function getCadenceVersion(
  db: Database,
  scope: Scope,
  versionId: number,
): Promise<CadenceVersion> {
  const [version] = await withTenant(db, scope.orgId, (tx) =>
    tx.query<CadenceVersion>(
      `select ${VERSION_COLUMNS}, v.definition from cadence_versions v where v.org_id = $1 and v.id = $2`,
      [scope.orgId, versionId],
    ),
  );
  if (!version || !canSeeCreditor(scope, version.creditorId)) throw notFound(`cadence version ${versionId}`);
  return version;
}

/** The creditor's active version, if it has one. */
export async function activeCadenceVersion(
  db: Database,
  scope: Scope,
  creditorId: number,
): Promise<CadenceVersion | null> {
  assertCreditor(scope, creditorId);
  const [version] = await withTenant(db, scope.orgId, (tx) =>
    tx.query<CadenceVersion>(
      `select ${VERSION_COLUMNS}, v.definition from cadence_versions v
        where v.org_id = $1 and v.creditor_id = $2 and v.status = 'active'`,
      [scope.orgId, creditorId],
    ),
  );
  return version ?? null;
}
