import { scopeFor } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { tenantQuery } from '../db/tenant.ts';
import { type JobHandler, PermanentJobError } from '../jobs/queue.ts';
import { failImport, runImport } from './run.ts';

/** Reads an uploaded file back from the database chunk by chunk. */
export async function* storedFile(db: Database, orgId: number, importId: number): AsyncGenerator<Uint8Array> {
  let seq = 0;
  for (;;) {
    const rows = await tenantQuery<{ seq: number; data: Uint8Array }>(
      db,
      { orgId },
      'select seq, data from import_files where org_id = $1 and import_id = $2 and seq >= $3 order by seq limit 8',
      [orgId, importId, seq],
    );
    if (rows.length === 0) return;
    for (const row of rows) {
      yield row.data;
      seq = row.seq + 1;
    }
  }
}

export const FILE_CHUNK_BYTES = 1024 * 1024;

/** Stores an upload in the database in 1 MiB chunks as it streams in; returns its size. */
export async function storeFile(
  db: Database,
  orgId: number,
  importId: number,
  bytes: AsyncIterable<Uint8Array>,
): Promise<number> {
  let seq = 0;
  let total = 0;
  let pending: Uint8Array[] = [];
  let pendingSize = 0;
  const write = async () => {
    if (pendingSize === 0) return;
    await tenantQuery(
      db,
      { orgId },
      'insert into import_files (org_id, import_id, seq, data) values ($1, $2, $3, $4)',
      [orgId, importId, seq++, Buffer.concat(pending)],
    );
    pending = [];
    pendingSize = 0;
  };
  for await (const chunk of bytes) {
    pending.push(chunk);
    pendingSize += chunk.byteLength;
    total += chunk.byteLength;
    if (pendingSize >= FILE_CHUNK_BYTES) await write();
  }
  await write();
  return total;
}

type ImportJobPayload = {
  importId: number;
  format: 'csv' | 'json';
  mapping: Record<string, string>;
  /** Run by `regua import` from a file on its own machine: no worker can take it over. */
  local?: boolean;
};

export const INTERRUPTED_LOCAL_IMPORT =
  'the regua import command running this import stopped before it finished; run it again (rows already imported are not imported twice)';

export const IMPORT_JOB = 'import.run';

export function importJobHandler(
  db: Database,
  onProgress?: (orgId: number, importId: number) => void,
): JobHandler {
  return {
    kind: IMPORT_JOB,
    leaseMs: 60_000,
    async run(job, { extendLease }) {
      const payload = job.payload as Partial<ImportJobPayload>;
      if (
        job.orgId === null ||
        typeof payload.importId !== 'number' ||
        (payload.format !== 'csv' && payload.format !== 'json')
      ) {
        throw new PermanentJobError('invalid import job payload');
      }
      if (payload.local) throw new PermanentJobError(INTERRUPTED_LOCAL_IMPORT);
      const orgId = job.orgId;
      const [org] = await db.query<{ timeZone: string }>(
        'select time_zone as "timeZone" from organizations where id = $1',
        [orgId],
      );
      if (!org) throw new PermanentJobError(`organization ${orgId} not found`);
      const scope = scopeFor({ orgId, role: 'admin', creditorIds: [], userId: null, timeZone: org.timeZone });
      const importId = payload.importId;
      await runImport(
        db,
        scope,
        importId,
        { format: payload.format, bytes: storedFile(db, orgId, importId), mapping: payload.mapping ?? {} },
        { onBatch: extendLease, onProgress: () => onProgress?.(orgId, importId) },
      );
      // The file has served its purpose once the import is done.
      await tenantQuery(db, { orgId }, 'delete from import_files where org_id = $1 and import_id = $2', [
        orgId,
        importId,
      ]);
    },
    async onGiveUp(job, error) {
      const importId = (job.payload as Partial<ImportJobPayload>).importId;
      if (job.orgId !== null && typeof importId === 'number') {
        const interrupted = error.message === INTERRUPTED_LOCAL_IMPORT;
        await failImport(
          db,
          job.orgId,
          importId,
          interrupted ? 'interrupted' : 'failed',
          interrupted ? error.message : `the import stopped: ${error.message}`,
        );
      }
    },
  };
}
