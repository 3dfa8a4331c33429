import type { Scope } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import type { CalendarDate } from '../shared/dates.ts';

export type PlannedMessage = {
  id: number;
  creditorId: number;
  debtorId: number;
  debtorName: string;
  channel: string;
  purpose: string;
  status: string;
  planDate: CalendarDate | null;
  stepKey: string | null;
  variantKey: string | null;
  toAddress: string | null;
  subject: string | null;
  body: string | null;
  attempts: number;
  nextAttemptAt: Date;
  sentAt: Date | null;
  costCents: number | null;
  lastError: string | null;
  why: Record<string, unknown>;
  evidence: Record<string, unknown> | null;
  /** For a phone step: the collector's task and how the call went. */
  task: Record<string, unknown> | null;
  receivables: Array<{ id: number; externalId: string; openCents: number; daysLate: number }>;
};

export type PlanSkip = {
  receivableId: number;
  externalId: string;
  debtorId: number;
  debtorName: string;
  creditorId: number;
  stepKey: string;
  segmentKey: string;
  channel: string;
  reason: string;
  detail: Record<string, unknown>;
  planDate: CalendarDate;
};

const MESSAGE_COLUMNS = `m.id, m.creditor_id as "creditorId", m.debtor_id as "debtorId", d.name as "debtorName", m.channel,
  m.purpose, m.status, m.plan_date as "planDate", m.step_key as "stepKey", m.variant_key as "variantKey",
  m.to_address as "toAddress", m.subject, m.body, m.attempts, m.next_attempt_at as "nextAttemptAt",
  m.sent_at as "sentAt", m.cost_cents as "costCents", m.last_error as "lastError", m.why, m.evidence,
  (select jsonb_build_object('id', t.id, 'status', t.status, 'outcome', t.outcome, 'note', t.note,
          'promiseDate', t.promise_date, 'promiseCents', t.promise_cents, 'doneBy', t.done_by, 'doneAt', t.done_at)
     from collector_tasks t where t.org_id = m.org_id and t.message_id = m.id) as task,
  coalesce((select jsonb_agg(jsonb_build_object('id', r.id, 'externalId', r.external_id, 'openCents', i.open_cents,
                     'daysLate', i.days_late) order by r.due_date, r.id)
              from outbound_message_items i join receivables r on r.org_id = i.org_id and r.id = i.receivable_id
             where i.org_id = m.org_id and i.message_id = m.id), '[]'::jsonb) as receivables`;

type MessageFilter = {
  planDate?: CalendarDate;
  creditorId?: number;
  debtorId?: number;
  channel?: string;
  status?: string;
  /** Keyset: messages with a smaller id (newest first). */
  before?: number;
  limit: number;
};

/** Outbox messages, newest first, limited to what the scope may see. */
export async function listMessages(
  db: Database,
  scope: Scope,
  filter: MessageFilter,
): Promise<PlannedMessage[]> {
  return withTenant(db, scope.orgId, (tx) =>
    tx.query<PlannedMessage>(
      `select ${MESSAGE_COLUMNS}
         from outbound_messages m join debtors d on d.org_id = m.org_id and d.id = m.debtor_id
        where m.org_id = $1
          and ($2::bigint[] is null or m.creditor_id = any($2))
          and ($3::date is null or m.plan_date = $3)
          and ($4::bigint is null or m.creditor_id = $4)
          and ($5::bigint is null or m.debtor_id = $5)
          and ($6::text is null or m.channel = $6)
          and ($7::text is null or m.status = $7)
          and ($8::bigint is null or m.id < $8)
        order by m.id desc
        limit $9`,
      [
        scope.orgId,
        scope.creditorIds,
        filter.planDate ?? null,
        filter.creditorId ?? null,
        filter.debtorId ?? null,
        filter.channel ?? null,
        filter.status ?? null,
        filter.before ?? null,
        filter.limit,
      ],
    ),
  );
}

/** Why due steps were not planned on a date, with the detail that explains each decision. */
export async function listSkips(
  db: Database,
  scope: Scope,
  filter: {
    planDate?: CalendarDate;
    creditorId?: number;
    reason?: string;
    debtorId?: number;
    /** Keyset: the skips after this one, newest date first. */
    after?: { planDate: CalendarDate; receivableId: number };
    limit: number;
  },
): Promise<PlanSkip[]> {
  return withTenant(db, scope.orgId, (tx) =>
    tx.query<PlanSkip>(
      `select s.receivable_id as "receivableId", r.external_id as "externalId", s.debtor_id as "debtorId",
              d.name as "debtorName", s.creditor_id as "creditorId", s.step_key as "stepKey",
              s.segment_key as "segmentKey", s.channel, s.reason, s.detail, s.plan_date as "planDate"
         from plan_skips s
         join receivables r on r.org_id = s.org_id and r.id = s.receivable_id
         join debtors d on d.org_id = s.org_id and d.id = s.debtor_id
        where s.org_id = $1 and ($2::date is null or s.plan_date = $2)
          and ($3::bigint[] is null or s.creditor_id = any($3))
          and ($4::bigint is null or s.creditor_id = $4)
          and ($5::text is null or s.reason = $5)
          and ($6::bigint is null or s.debtor_id = $6)
          and ($7::date is null or (s.plan_date, s.receivable_id) < ($7::date, $8::bigint))
        order by s.plan_date desc, s.receivable_id desc
        limit $9`,
      [
        scope.orgId,
        filter.planDate ?? null,
        scope.creditorIds,
        filter.creditorId ?? null,
        filter.reason ?? null,
        filter.debtorId ?? null,
        filter.after?.planDate ?? null,
        filter.after?.receivableId ?? null,
        filter.limit,
      ],
    ),
  );
}

export type PlanDaySummary = {
  date: CalendarDate;
  planned: number;
  skipped: number;
  byChannel: Record<string, number>;
  byReason: Record<string, number>;
  byStatus: Record<string, number>;
  ranAt: Date | null;
};

/** The day's plan as the scope sees it: contacts by channel and status, skips by reason. */
export async function planSummary(
  db: Database,
  scope: Scope,
  date: CalendarDate,
  creditorId?: number,
): Promise<PlanDaySummary> {
  const [row] = await withTenant(db, scope.orgId, (tx) =>
    tx.query<PlanDaySummary>(
      `with m as (
         select channel, status from outbound_messages
          where org_id = $1 and plan_date = $2
            and ($3::bigint[] is null or creditor_id = any($3)) and ($4::bigint is null or creditor_id = $4)
       ), s as (
         select reason from plan_skips
          where org_id = $1 and plan_date = $2
            and ($3::bigint[] is null or creditor_id = any($3)) and ($4::bigint is null or creditor_id = $4)
       )
       select $2::date as date,
              (select count(*)::int from m) as planned,
              (select count(*)::int from s) as skipped,
              (select coalesce(jsonb_object_agg(channel, n), '{}') from (select channel, count(*) n from m group by 1) x) as "byChannel",
              (select coalesce(jsonb_object_agg(status, n), '{}') from (select status, count(*) n from m group by 1) x) as "byStatus",
              (select coalesce(jsonb_object_agg(reason, n), '{}') from (select reason, count(*) n from s group by 1) x) as "byReason",
              (select finished_at from plan_runs where org_id = $1 and plan_date = $2) as "ranAt"`,
      [scope.orgId, date, scope.creditorIds, creditorId ?? null],
    ),
  );
  if (!row) throw new Error('plan summary returned nothing');
  return row;
}

export type InboxMessage = {
  id: number;
  messageId: number;
  channel: string;
  toAddress: string | null;
  subject: string | null;
  body: string;
  deliveries: number;
  receivedAt: Date;
  debtorId: number;
  debtorName: string;
  creditorId: number;
};

/** What the sandbox channel received: the messages a real provider would have carried. */
export async function listSandboxInbox(
  db: Database,
  scope: Scope,
  filter: { channel?: string; debtorId?: number; before?: number; limit: number },
): Promise<InboxMessage[]> {
  return withTenant(db, scope.orgId, (tx) =>
    tx.query<InboxMessage>(
      `select x.id, x.message_id as "messageId", x.channel, x.to_address as "toAddress", x.subject, x.body,
              x.deliveries, x.received_at as "receivedAt", m.debtor_id as "debtorId", d.name as "debtorName",
              m.creditor_id as "creditorId"
         from sandbox_inbox x
         join outbound_messages m on m.org_id = x.org_id and m.id = x.message_id
         join debtors d on d.org_id = m.org_id and d.id = m.debtor_id
        where x.org_id = $1
          and ($2::bigint[] is null or m.creditor_id = any($2))
          and ($3::text is null or x.channel = $3)
          and ($4::bigint is null or m.debtor_id = $4)
          and ($5::bigint is null or x.id < $5)
        order by x.id desc
        limit $6`,
      [
        scope.orgId,
        scope.creditorIds,
        filter.channel ?? null,
        filter.debtorId ?? null,
        filter.before ?? null,
        filter.limit,
      ],
    ),
  );
}
