import type { Scope } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { type Factor, type NamedFactor, nameFactors } from '../scoring/factors.ts';
import { type QueueBucket, queueBucket, queueBucketSql, queueWeightSql } from '../scoring/queue.ts';
import { csvColumns } from '../shared/csvExport.ts';
import { type CalendarDate, isCalendarDate, todayIn } from '../shared/dates.ts';
import { badRequest, conflict, notFound } from '../shared/problem.ts';
import type { Channel, OutgoingMessage, SendResult } from './channel.ts';
import type { TaskOutcome } from './schema.ts';

/**
 * The phone channel's provider: a phone step becomes a task in the collectors' worklist (nothing leaves
 * the system). Its priority is the amount at stake weighed by how late it is; a task is created once
 * per message, whatever the number of hand-overs.
 */
export function worklistChannel(db: Pick<Database, 'query'>): Channel {
  return {
    id: 'worklist',
    async send(messages: OutgoingMessage[]): Promise<SendResult[]> {
      if (messages.length === 0) return [];
      const rows = await db.query<{ orgId: number; messageId: number; id: number }>(
        `insert into collector_tasks (org_id, message_id, creditor_id, debtor_id, phone, script, priority)
         select m.org_id, m.id, m.creditor_id, m.debtor_id, m.to_address, x.body,
                coalesce((select sum(r.open_cents) * case when max(i.days_late) <= 30 then 10
                                                          when max(i.days_late) <= 90 then 6 else 3 end
                            from outbound_message_items i
                            join receivables r on r.org_id = i.org_id and r.id = i.receivable_id
                           where i.org_id = m.org_id and i.message_id = m.id), 0)
           from unnest($1::bigint[], $2::bigint[], $3::text[]) as x(org_id, id, body)
           join outbound_messages m on m.org_id = x.org_id and m.id = x.id
         on conflict (org_id, message_id) do update set script = excluded.script
         returning org_id as "orgId", message_id as "messageId", id`,
        [messages.map((m) => m.orgId), messages.map((m) => m.id), messages.map((m) => m.body)],
      );
      const ids = new Map(rows.map((r) => [`${r.orgId}:${r.messageId}`, r.id]));
      return messages.map((m) => {
        const id = ids.get(`${m.orgId}:${m.id}`);
        return id === undefined
          ? { ok: false, permanent: false, error: 'the worklist did not take it' }
          : { ok: true, providerMessageId: `task-${id}`, costCents: 0, status: 'sent' };
      });
    },
  };
}

export type WorklistTask = {
  id: number;
  messageId: number;
  creditorId: number;
  debtorId: number;
  debtorName: string;
  phone: string | null;
  phones: string[];
  script: string;
  priority: number;
  openCents: number;
  daysLate: number;
  assignedTo: number | null;
  status: 'open' | 'done' | 'cancelled';
  outcome: TaskOutcome | null;
  note: string | null;
  promiseDate: CalendarDate | null;
  promiseCents: number | null;
  createdAt: Date;
  doneAt: Date | null;
  doneBy: string | null;
  /** The debtor's probability of paying (src/scoring), null when not scored yet. */
  probability: number | null;
  /** Probability × open balance, in centavos (rounded once when scored). */
  expectedRecoveryCents: number | null;
  /** The score's top factors, named in pt-BR. */
  factors: NamedFactor[];
  scoreKind: 'model' | 'rules' | null;
  /** The debtor's aging bucket today (the queue's turns). */
  bucket: QueueBucket;
  /** Position in the open queue (1 = first); null for done tasks. */
  queueRank: number | null;
};

const TASK_COLUMNS = `t.id, t.message_id as "messageId", t.creditor_id as "creditorId", t.debtor_id as "debtorId",
  d.name as "debtorName", t.phone, d.phones, t.script, t.priority,
  coalesce((select sum(r.open_cents) from receivables r where r.org_id = t.org_id and r.debtor_id = t.debtor_id
              and r.status in ('open', 'partially_paid')), 0)::bigint as "openCents",
  coalesce((select max(i.days_late) from outbound_message_items i where i.org_id = t.org_id and i.message_id = t.message_id), 0)
    as "daysLate",
  t.assigned_to as "assignedTo", t.status, t.outcome, t.note, t.promise_date as "promiseDate",
  t.promise_cents as "promiseCents", t.created_at as "createdAt", t.done_at as "doneAt", t.done_by as "doneBy",
  s.probability, s.expected_recovery_cents as "expectedRecoveryCents", coalesce(s.factors, '[]'::jsonb) as factors,
  m.kind as "scoreKind"`;

/** A task's debtor and, when scored, the debtor's current score and the kind of model behind it. */
const TASK_JOINS = `join debtors d on d.org_id = t.org_id and d.id = t.debtor_id
  left join debtor_scores s on s.org_id = t.org_id and s.debtor_id = t.debtor_id
  left join score_models m on m.org_id = s.org_id and m.id = s.model_id`;
const TASK_FROM = `collector_tasks t ${TASK_JOINS}`;

type TaskRow = Omit<WorklistTask, 'factors' | 'bucket' | 'queueRank'> & {
  factors: Factor[];
  daysLateNow: number;
  queueRank: number | null;
};

function shaped(row: TaskRow): WorklistTask {
  const { daysLateNow, ...task } = row;
  return {
    ...task,
    expectedRecoveryCents: task.expectedRecoveryCents === null ? null : Number(task.expectedRecoveryCents),
    factors: nameFactors(task.factors),
    bucket: queueBucket(daysLateNow),
  };
}

/** Days the debtor's oldest past-due receivable is late today (0 when nothing is past due). */
const DAYS_LATE_NOW = (today: string) => `coalesce((select max(${today} - r.due_date) from receivables r
   where r.org_id = t.org_id and r.debtor_id = t.debtor_id and r.status in ('open', 'partially_paid')
     and r.due_date < ${today}), 0)`;

/**
 * The worklist. Open tasks come in queue order (src/scoring/queue.ts): by the debtor's aging bucket
 * today, each bucket by expected recovery (unscored calls after, by régua priority), the buckets taking
 * weighted turns so that early cases are never starved by big late tickets; `after` is the queue rank
 * of the last call shown. Done tasks come newest first. For the whole team, the caller, or nobody yet;
 * a client viewer's creditors limit it like every read.
 */
export async function listTasks(
  db: Database,
  scope: Scope,
  filter: {
    status: 'open' | 'done';
    assigned: 'me' | 'unassigned' | 'all';
    creditorId?: number;
    debtorId?: number;
    /** Keyset of open tasks: after this queue rank. */
    after?: { rank: number };
    limit: number;
  },
): Promise<WorklistTask[]> {
  const today = todayIn(scope.timeZone);
  const where = `t.org_id = $1 and t.status = $2
          and ($3::bigint[] is null or t.creditor_id = any($3))
          and ($4::bigint is null or t.creditor_id = $4)
          and ($5::bigint is null or t.debtor_id = $5)
          and case $6 when 'me' then t.assigned_to = $7 when 'unassigned' then t.assigned_to is null else true end`;
  const params = [
    scope.orgId,
    filter.status,
    scope.creditorIds,
    filter.creditorId ?? null,
    filter.debtorId ?? null,
    filter.assigned,
    scope.userId,
    today,
    filter.limit,
  ];
  const rows = await withTenant(db, scope.orgId, (tx) =>
    filter.status === 'open'
      ? tx.query<TaskRow>(
          `with base as (
             select t.id, t.priority, s.expected_recovery_cents as value, ${DAYS_LATE_NOW('$8::date')} as days
               from collector_tasks t left join debtor_scores s on s.org_id = t.org_id and s.debtor_id = t.debtor_id
              where ${where}
           ),
           ranked as (
             select b.*, row_number() over (partition by ${queueBucketSql('b.days')}
                                            order by b.value desc nulls last, b.priority desc, b.id desc) as rn
               from base b
           ),
           queued as (
             select r.id, r.days, row_number() over (order by (r.rn - 1) / ${queueWeightSql('r.days')},
                                                     r.value desc nulls last, r.priority desc, r.id desc) as rank
               from ranked r
           ),
           page as (select * from queued where ($10::bigint is null or rank > $10) order by rank limit $9)
           select ${TASK_COLUMNS}, p.days as "daysLateNow", p.rank::int as "queueRank"
             from page p join collector_tasks t on t.org_id = $1 and t.id = p.id ${TASK_JOINS}
            order by p.rank`,
          [...params, filter.after?.rank ?? null],
        )
      : tx.query<TaskRow>(
          `select ${TASK_COLUMNS}, ${DAYS_LATE_NOW('$8::date')} as "daysLateNow", null::int as "queueRank"
             from ${TASK_FROM}
            where ${where}
            order by t.done_at desc, t.id desc
            limit $9`,
          params,
        ),
  );
  return rows.map(shaped);
}

const BUCKET_LABEL: Record<QueueBucket, string> = {
  '0-30': 'até 30 dias',
  '31-60': '31 a 60 dias',
  '61-90': '61 a 90 dias',
  '91-180': '91 a 180 dias',
  '180+': 'mais de 180 dias',
};

/** The worklist's CSV columns (pt-BR), in the order the page shows a call. */
export const WORKLIST_COLUMNS = csvColumns<WorklistTask>([
  { header: 'Posição', kind: 'int', value: (t) => t.queueRank },
  { header: 'Devedor', value: (t) => t.debtorName },
  { header: 'Telefone', value: (t) => t.phone },
  { header: 'Faixa de atraso', value: (t) => BUCKET_LABEL[t.bucket] },
  { header: 'Atraso (dias)', kind: 'int', value: (t) => t.daysLate },
  { header: 'Em aberto (R$)', kind: 'money', value: (t) => t.openCents },
  { header: 'Probabilidade de pagamento', kind: 'decimal', decimals: 4, value: (t) => t.probability },
  { header: 'Valor esperado (R$)', kind: 'money', value: (t) => t.expectedRecoveryCents },
  { header: 'Fatores', value: (t) => t.factors.map((f) => f.label).join('; ') },
  {
    header: 'Avaliação',
    value: (t) => (t.scoreKind === 'model' ? 'modelo' : t.scoreKind === 'rules' ? 'regras' : ''),
  },
  {
    header: 'Situação',
    value: (t) => (t.status === 'open' ? 'em aberto' : t.status === 'done' ? 'concluída' : 'cancelada'),
  },
  { header: 'Resultado', value: (t) => t.outcome },
  { header: 'Criada em', kind: 'datetime', value: (t) => t.createdAt },
]);

/** Takes an open task for the calling collector (or gives it back with `release`). */
export async function claimTask(
  db: Database,
  scope: Scope,
  taskId: number,
  release = false,
): Promise<WorklistTask> {
  if (scope.userId === null) throw badRequest('only a person can take a task');
  return withTenant(db, scope.orgId, async (tx) => {
    const [task] = await tx.query<{ assignedTo: number | null; status: string }>(
      `select assigned_to as "assignedTo", status from collector_tasks t
        where org_id = $1 and id = $2 and ($3::bigint[] is null or creditor_id = any($3)) for update`,
      [scope.orgId, taskId, scope.creditorIds],
    );
    if (!task) throw notFound(`task ${taskId}`);
    if (task.status !== 'open') throw conflict(`task ${taskId} is already done`);
    if (!release && task.assignedTo !== null && task.assignedTo !== scope.userId)
      throw conflict(`task ${taskId} is taken by another collector`);
    await tx.query('update collector_tasks set assigned_to = $3 where org_id = $1 and id = $2', [
      scope.orgId,
      taskId,
      release ? null : scope.userId,
    ]);
    const [row] = await tx.query<TaskRow>(
      `select ${TASK_COLUMNS}, ${DAYS_LATE_NOW('$3::date')} as "daysLateNow", null::int as "queueRank"
         from ${TASK_FROM} where t.org_id = $1 and t.id = $2`,
      [scope.orgId, taskId, todayIn(scope.timeZone)],
    );
    if (!row) throw notFound(`task ${taskId}`);
    return shaped(row);
  });
}

export type OutcomeInput = {
  outcome: TaskOutcome;
  note?: string | null;
  promiseDate?: CalendarDate | null;
  promiseCents?: number | null;
};

const MESSAGE_STATUS: Record<TaskOutcome, 'delivered' | 'sent' | 'failed'> = {
  reached: 'delivered',
  promise: 'delivered',
  dispute: 'delivered',
  refused: 'delivered',
  not_reached: 'sent',
  wrong_number: 'failed',
};

/**
 * Records how a call went, and feeds it back to the cadence: a promise holds it until the promised date,
 * a dispute holds it until someone ends the dispute, a wrong number is removed from the debtor's
 * contacts. The call's message gets its final status; everything is in the audit trail.
 */
export async function recordOutcome(
  db: Database,
  scope: Scope,
  taskId: number,
  input: OutcomeInput,
): Promise<WorklistTask> {
  const today = todayIn(scope.timeZone);
  if (input.outcome === 'promise') {
    if (!input.promiseDate || !isCalendarDate(input.promiseDate))
      throw badRequest('a promise needs the date the debtor promised to pay (promiseDate)');
    if (input.promiseDate < today) throw badRequest('the promised date is in the past');
    if (!input.promiseCents || !Number.isSafeInteger(input.promiseCents) || input.promiseCents <= 0)
      throw badRequest('a promise needs the amount promised, in centavos (promiseCents)');
  }
  return withTenant(db, scope.orgId, async (tx) => {
    const [task] = await tx.query<{
      debtorId: number;
      messageId: number;
      phone: string | null;
      status: string;
      creditorId: number;
      assignedTo: number | null;
    }>(
      `select debtor_id as "debtorId", message_id as "messageId", phone, status, creditor_id as "creditorId",
              assigned_to as "assignedTo"
         from collector_tasks where org_id = $1 and id = $2 and ($3::bigint[] is null or creditor_id = any($3)) for update`,
      [scope.orgId, taskId, scope.creditorIds],
    );
    if (!task) throw notFound(`task ${taskId}`);
    if (task.status !== 'open') throw conflict(`task ${taskId} is already done`);
    if (scope.role === 'collector' && task.assignedTo !== null && task.assignedTo !== scope.userId)
      throw conflict(`task ${taskId} is taken by another collector`);
    const isPromise = input.outcome === 'promise';
    await tx.query(
      `update collector_tasks set status = 'done', outcome = $3, note = $4, promise_date = $5, promise_cents = $6,
              done_at = now(), done_by = $7, assigned_to = coalesce(assigned_to, $8)
        where org_id = $1 and id = $2`,
      [
        scope.orgId,
        taskId,
        input.outcome,
        input.note ?? null,
        isPromise ? input.promiseDate : null,
        isPromise ? input.promiseCents : null,
        scope.actor,
        scope.userId,
      ],
    );
    await tx.query(
      `update outbound_messages set status = $3,
              delivered_at = case when $3 = 'delivered' then now() else delivered_at end,
              failed_at = case when $3 = 'failed' then now() else failed_at end,
              last_error = $4
        where org_id = $1 and id = $2`,
      [
        scope.orgId,
        task.messageId,
        MESSAGE_STATUS[input.outcome],
        input.outcome === 'reached' ? null : `call: ${input.outcome}`,
      ],
    );
    if (isPromise || input.outcome === 'dispute') {
      await tx.query(
        `insert into collection_holds (org_id, debtor_id, kind, until_date, amount_cents, reason, created_by)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [
          scope.orgId,
          task.debtorId,
          input.outcome,
          isPromise ? input.promiseDate : null,
          isPromise ? input.promiseCents : null,
          input.note?.trim() || (isPromise ? 'Promessa de pagamento na ligação' : 'Contestação na ligação'),
          scope.actor,
        ],
      );
    }
    let contacts: { before: unknown; after: unknown } | null = null;
    if (input.outcome === 'wrong_number' && task.phone) {
      const [changed] = await tx.query<{ before: unknown; after: unknown }>(
        `with old as (select phones, whatsapp from debtors where org_id = $1 and id = $2 for update)
         update debtors d set phones = array_remove(d.phones, $3),
                whatsapp = case when d.whatsapp = $3 then null else d.whatsapp end, updated_at = now()
           from old where d.org_id = $1 and d.id = $2
         returning jsonb_build_object('phones', old.phones, 'whatsapp', old.whatsapp) as before,
                   jsonb_build_object('phones', d.phones, 'whatsapp', d.whatsapp) as after`,
        [scope.orgId, task.debtorId, task.phone],
      );
      contacts = changed ?? null;
    }
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'task.outcome',
      entity: 'debtor',
      entityId: task.debtorId,
      before: contacts?.before ?? null,
      after: { taskId, ...input, contacts: contacts?.after ?? undefined },
    });
    const [row] = await tx.query<TaskRow>(
      `select ${TASK_COLUMNS}, ${DAYS_LATE_NOW('$3::date')} as "daysLateNow", null::int as "queueRank"
         from ${TASK_FROM} where t.org_id = $1 and t.id = $2`,
      [scope.orgId, taskId, todayIn(scope.timeZone)],
    );
    if (!row) throw notFound(`task ${taskId}`);
    return shaped(row);
  });
}
