import type { Scope } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import type { CalendarDate } from '../shared/dates.ts';
import { badRequest, notFound } from '../shared/problem.ts';
import type { HoldKind } from './schema.ts';

export type Hold = {
  id: number;
  debtorId: number;
  receivableId: number | null;
  kind: HoldKind;
  untilDate: CalendarDate | null;
  /** For a promise: the amount promised, in centavos. */
  amountCents: number | null;
  reason: string;
  createdBy: string;
  createdAt: Date;
  releasedAt: Date | null;
  releasedBy: string | null;
};

const COLUMNS = `id, debtor_id as "debtorId", receivable_id as "receivableId", kind, until_date as "untilDate",
  amount_cents as "amountCents", reason,
  created_by as "createdBy", created_at as "createdAt", released_at as "releasedAt", released_by as "releasedBy"`;

/**
 * Stops the cadence for a debtor (or one of its receivables): a promise to pay until its date, a dispute,
 * an agreement, a manual pause. Steps whose conditions say so are skipped while it lasts.
 */
export async function placeHold(
  db: Database,
  scope: Scope,
  input: {
    debtorId: number;
    receivableId?: number | null;
    kind: HoldKind;
    untilDate?: CalendarDate | null;
    /** For a promise: the amount promised, in centavos. */
    amountCents?: number | null;
    reason: string;
  },
): Promise<Hold> {
  if (input.kind === 'promise' && !input.untilDate)
    throw badRequest('a promise to pay needs the date it was promised for (untilDate)');
  return withTenant(db, scope.orgId, async (tx) => {
    const [debtor] = await tx.query<{ id: number }>(
      'select id from debtors where org_id = $1 and id = $2 and ($3::bigint[] is null or creditor_id = any($3))',
      [scope.orgId, input.debtorId, scope.creditorIds],
    );
    if (!debtor) throw notFound(`debtor ${input.debtorId}`);
    if (input.receivableId) {
      const [receivable] = await tx.query(
        'select id from receivables where org_id = $1 and id = $2 and debtor_id = $3',
        [scope.orgId, input.receivableId, input.debtorId],
      );
      if (!receivable) throw notFound(`receivable ${input.receivableId} of debtor ${input.debtorId}`);
    }
    const [hold] = await tx.query<Hold>(
      `insert into collection_holds (org_id, debtor_id, receivable_id, kind, until_date, reason, created_by, amount_cents)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning ${COLUMNS}`,
      [
        scope.orgId,
        input.debtorId,
        input.receivableId ?? null,
        input.kind,
        input.untilDate ?? null,
        input.reason,
        scope.actor,
        input.amountCents ?? null,
      ],
    );
    if (!hold) throw new Error('hold insert returned nothing');
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'hold.placed',
      entity: 'debtor',
      entityId: input.debtorId,
      after: hold,
    });
    return hold;
  });
}

export async function releaseHold(db: Database, scope: Scope, holdId: number): Promise<Hold> {
  return withTenant(db, scope.orgId, async (tx) => {
    const [hold] = await tx.query<Hold>(
      `update collection_holds h set released_at = coalesce(released_at, now()), released_by = coalesce(released_by, $3)
        where org_id = $1 and id = $2
          and exists (select 1 from debtors d where d.org_id = h.org_id and d.id = h.debtor_id
                       and ($4::bigint[] is null or d.creditor_id = any($4)))
        returning ${COLUMNS}`,
      [scope.orgId, holdId, scope.actor, scope.creditorIds],
    );
    if (!hold) throw notFound(`hold ${holdId}`);
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'hold.released',
      entity: 'debtor',
      entityId: hold.debtorId,
      after: hold,
    });
    return hold;
  });
}

export async function listHolds(db: Database, scope: Scope, debtorId: number): Promise<Hold[]> {
  return withTenant(db, scope.orgId, (tx) =>
    tx.query<Hold>(
      `select ${COLUMNS} from collection_holds h
        where org_id = $1 and debtor_id = $2
          and exists (select 1 from debtors d where d.org_id = h.org_id and d.id = h.debtor_id
                       and ($3::bigint[] is null or d.creditor_id = any($3)))
        order by released_at is null desc, created_at desc`,
      [scope.orgId, debtorId, scope.creditorIds],
    ),
  );
}
