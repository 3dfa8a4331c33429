import type { Scope } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { notFound } from '../shared/problem.ts';
import type { Channel, ConsentEvent } from './schema.ts';

export type ConsentRecord = {
  id: number;
  channel: Channel;
  event: ConsentEvent;
  source: string;
  actor: string;
  at: Date;
};

/**
 * Records a debtor's choice about a channel in the ledger and updates the current preferences derived
 * from it: an opt-out sets `optedOutAt`; a consent or opt-in sets `consentAt` and lifts an opt-out.
 */
export async function recordConsent(
  db: Database,
  scope: Scope,
  input: { debtorId: number; channel: Channel; event: ConsentEvent; source: string },
): Promise<ConsentRecord> {
  return withTenant(db, scope.orgId, async (tx) => {
    const [debtor] = await tx.query<{ id: number }>(
      'select id from debtors where org_id = $1 and id = $2 and ($3::bigint[] is null or creditor_id = any($3)) for update',
      [scope.orgId, input.debtorId, scope.creditorIds],
    );
    if (!debtor) throw notFound(`debtor ${input.debtorId}`);
    const [record] = await tx.query<ConsentRecord>(
      `insert into consent_events (org_id, debtor_id, channel, event, source, actor) values ($1, $2, $3, $4, $5, $6)
       returning id, channel, event, source, actor, at`,
      [scope.orgId, input.debtorId, input.channel, input.event, input.source, scope.actor],
    );
    if (!record) throw new Error('consent insert returned nothing');
    const field = input.event === 'opt_out' ? 'optedOutAt' : 'consentAt';
    await tx.query(
      `update debtors set updated_at = now(), channel_preferences = channel_preferences || jsonb_build_object(
         $3::text,
         (coalesce(channel_preferences -> $3::text, '{}'::jsonb) - case when $4 = 'opt_out' then '' else 'optedOutAt' end)
           || jsonb_build_object($4::text, $5::timestamptz, 'source', $6::text))
       where org_id = $1 and id = $2`,
      [scope.orgId, input.debtorId, input.channel, field, record.at, input.source],
    );
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: `consent.${input.event}`,
      entity: 'debtor',
      entityId: input.debtorId,
      after: { channel: input.channel, source: input.source },
    });
    return record;
  });
}

export async function listConsents(db: Database, scope: Scope, debtorId: number): Promise<ConsentRecord[]> {
  return withTenant(db, scope.orgId, (tx) =>
    tx.query<ConsentRecord>(
      `select e.id, e.channel, e.event, e.source, e.actor, e.at from consent_events e
         join debtors d on d.org_id = e.org_id and d.id = e.debtor_id
        where e.org_id = $1 and e.debtor_id = $2 and ($3::bigint[] is null or d.creditor_id = any($3))
        order by e.id`,
      [scope.orgId, debtorId, scope.creditorIds],
    ),
  );
}
