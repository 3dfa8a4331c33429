import type { Scope } from '../access/scope.ts';
import { canSeeCreditor } from '../access/scope.ts';
import { SANDBOX_PRICES } from '../channels/sandbox.ts';
import type { Database, SqlExecutor } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { addDays, type CalendarDate, todayIn } from '../shared/dates.ts';
import { badRequest, notFound } from '../shared/problem.ts';
import { isBankBusinessDay } from './calendar.ts';
import { PLAN_SQL } from './plan.sql.ts';
import { ensureCalendar } from './planner.ts';

/**
 * How debtors answer, as probabilities per day: `baseline` by days late (paying without a contact,
 * including on the due date), and the extra chance a contact adds, by channel. Learnt from the
 * creditor's history where it has enough of it.
 */
export type ResponseModel = {
  source: 'history' | 'default';
  note: string;
  channels: Record<string, number>;
  baseline: Array<{ maxDaysLate: number; probability: number }>;
};

export const DEFAULT_MODEL: ResponseModel = {
  source: 'default',
  note: 'Modelo padrão: o credor ainda não tem histórico de contatos e pagamentos suficiente.',
  channels: {
    email: 0.02,
    sms: 0.03,
    whatsapp: 0.06,
    phone: 0.08,
    letter: 0.05,
    portal: 0.01,
    negativacao: 0.1,
    protest: 0.12,
  },
  baseline: [
    { maxDaysLate: -1, probability: 0.002 },
    { maxDaysLate: 0, probability: 0.3 },
    { maxDaysLate: 30, probability: 0.012 },
    { maxDaysLate: 90, probability: 0.004 },
    { maxDaysLate: 180, probability: 0.0015 },
    { maxDaysLate: 100_000, probability: 0.0003 },
  ],
};

/** Contacts a channel needs in the history before its own response rate replaces the default. */
const MIN_HISTORY_CONTACTS = 30;
/** Weight, in contacts, of the default rate when a learnt rate is shrunk towards it. */
const PRIOR_WEIGHT = 50;

export type SimulationResult = {
  versionId: number;
  version: number;
  startDate: CalendarDate;
  days: number;
  debtors: number;
  receivables: number;
  openCentsAtStart: number;
  series: Array<{
    day: number;
    date: CalendarDate;
    contacts: number;
    costCents: number;
    recoveredCents: number;
    cumulativeRecoveredCents: number;
  }>;
  totals: {
    contacts: number;
    costCents: number;
    recoveredCents: number;
    recoveryRate: number;
    byChannel: Record<string, number>;
  };
  model: ResponseModel;
};

/** The response model for a creditor: its channels' observed 7-day payment rates after a contact. */
export async function responseModel(db: Database, scope: Scope, creditorId: number): Promise<ResponseModel> {
  const rows = await withTenant(db, scope.orgId, (tx) =>
    tx.query<{ channel: string; contacts: number; paid: number }>(
      `select m.channel, count(*)::int as contacts,
              count(*) filter (where exists (
                select 1 from outbound_message_items i
                  join receivable_changes c on c.org_id = i.org_id and c.receivable_id = i.receivable_id
                 where i.org_id = m.org_id and i.message_id = m.id and c.changes ? 'open_cents'
                   and (c.changes -> 'open_cents' ->> 1)::bigint < (c.changes -> 'open_cents' ->> 0)::bigint
                   and c.changed_at > m.sent_at and c.changed_at <= m.sent_at + interval '7 days'))::int as paid
         from outbound_messages m
        where m.org_id = $1 and m.creditor_id = $2 and m.status in ('sent', 'delivered', 'read')
          and m.sent_at <= now() - interval '7 days'
        group by m.channel`,
      [scope.orgId, creditorId],
    ),
  );
  const learnt = rows.filter((r) => r.contacts >= MIN_HISTORY_CONTACTS);
  if (learnt.length === 0) return DEFAULT_MODEL;
  if (learnt.every((r) => r.paid === 0))
    return {
      ...DEFAULT_MODEL,
      note: 'Modelo padrão: o histórico do credor tem contatos, mas nenhum pagamento registrado depois deles.',
    };
  const channels = { ...DEFAULT_MODEL.channels };
  for (const row of learnt) {
    // Shrunk towards the default rate, so a channel with little history does not swing the result.
    const prior = DEFAULT_MODEL.channels[row.channel] ?? 0.02;
    channels[row.channel] = Math.min(0.5, (row.paid + prior * PRIOR_WEIGHT) / (row.contacts + PRIOR_WEIGHT));
  }
  return {
    ...DEFAULT_MODEL,
    source: 'history',
    note: `Taxas de pagamento em 7 dias após o contato, aprendidas do histórico do credor: ${learnt.map((r) => `${r.channel} ${r.paid}/${r.contacts}`).join(', ')}; demais canais e pagamentos espontâneos pelo modelo padrão.`,
    channels,
  };
}

const TABLES = [
  'organizations',
  'debtors',
  'receivables',
  'cadence_versions',
  'cadence_segments',
  'cadence_steps',
  'collection_holds',
  'outbound_messages',
  'outbound_message_items',
  'plan_skips',
  'plan_runs',
];

class Rollback extends Error {}

async function scratchCopy(tx: SqlExecutor, orgId: number, creditorId: number, versionId: number) {
  // Temporary tables of the same names shadow the real ones (pg_temp comes first in the search path)
  // for this transaction only, which is always rolled back: the real planner's SQL runs on copies.
  for (const table of TABLES) {
    await tx.query(`create temp table ${table} (like public.${table} including all) on commit drop`);
  }
  const copy = (table: string, where: string) =>
    tx.query(
      `insert into pg_temp.${table} overriding system value select * from public.${table} t where ${where}`,
      [orgId, creditorId, versionId],
    );
  await copy('organizations', 't.id = $1 and $2::bigint is not null and $3::bigint is not null');
  await copy('debtors', 't.org_id = $1 and t.creditor_id = $2 and $3::bigint is not null');
  await copy(
    'receivables',
    `t.org_id = $1 and t.creditor_id = $2 and t.status in ('open', 'partially_paid') and t.open_cents > 0 and $3::bigint is not null`,
  );
  await copy('cadence_versions', 't.org_id = $1 and t.creditor_id = $2 and t.id = $3');
  await tx.query(`update pg_temp.cadence_versions set status = 'active'`);
  await copy('cadence_segments', 't.org_id = $1 and t.version_id = $3 and $2::bigint is not null');
  await copy('cadence_steps', 't.org_id = $1 and t.version_id = $3 and $2::bigint is not null');
  await copy(
    'collection_holds',
    `t.org_id = $1 and t.released_at is null and $3::bigint is not null
       and exists (select 1 from public.debtors d where d.org_id = t.org_id and d.id = t.debtor_id and d.creditor_id = $2)`,
  );
  await tx.query('analyze pg_temp.receivables');
  await tx.query('analyze pg_temp.debtors');
}

/**
 * Runs a cadence forward over simulated days against the creditor's open portfolio: each business day
 * the real planner plans on scratch copies, every planned contact is "sent", and debtors pay with the
 * probabilities of the response model (deterministic for a seed). Nothing real is read-written beyond
 * the copy, and nothing is sent. Reports the recovery curve, the contacts spent and their list cost.
 */
export async function simulateCadence(
  db: Database,
  scope: Scope,
  input: { creditorId: number; days: number; versionId?: number; startDate?: CalendarDate; seed?: number },
): Promise<SimulationResult> {
  if (!canSeeCreditor(scope, input.creditorId)) throw notFound(`creditor ${input.creditorId}`);
  if (!Number.isInteger(input.days) || input.days < 1 || input.days > 365)
    throw badRequest('days must be a whole number from 1 to 365');
  const [version] = await withTenant(db, scope.orgId, (tx) =>
    tx.query<{ id: number; version: number }>(
      `select id, version from cadence_versions
        where org_id = $1 and creditor_id = $2 and (($3::bigint is null and status = 'active') or id = $3)`,
      [scope.orgId, input.creditorId, input.versionId ?? null],
    ),
  );
  if (!version)
    throw input.versionId
      ? notFound(`cadence version ${input.versionId} of creditor ${input.creditorId}`)
      : badRequest('this creditor has no active régua: choose a version to simulate');
  const model = await responseModel(db, scope, input.creditorId);
  const startDate = input.startDate ?? todayIn(scope.timeZone);
  await ensureCalendar(db, startDate);
  await ensureCalendar(db, addDays(startDate, input.days));
  const seed = input.seed ?? 1;
  let result: SimulationResult | null = null;
  try {
    await db.transaction(async (tx) => {
      await tx.query('set local jit = off');
      await scratchCopy(tx, scope.orgId, input.creditorId, version.id);
      const [start] = await tx.query<{ debtors: number; receivables: number; open: number }>(
        `select (select count(*)::int from pg_temp.debtors) as debtors, count(*)::int as receivables,
                coalesce(sum(open_cents), 0)::bigint as open from pg_temp.receivables`,
      );
      const series: SimulationResult['series'] = [];
      const byChannel: Record<string, number> = {};
      let cumulative = 0;
      for (let day = 0; day < input.days; day++) {
        const date = addDays(startDate, day);
        if (isBankBusinessDay(date))
          await tx.query(PLAN_SQL, [scope.orgId, date, new Date(`${date}T09:00:00Z`)]);
        const sent = await tx.query<{ channel: string; contacts: number; cost: number }>(
          `with sent as (
             update pg_temp.outbound_messages m
                set status = 'delivered', sent_at = $2::timestamptz, delivered_at = $2::timestamptz,
                    cost_cents = coalesce(($3::jsonb ->> m.channel)::int, 0), provider = 'simulation'
              where m.status = 'queued' and m.plan_date = $1::date
              returning m.channel, m.cost_cents
           )
           select channel, count(*)::int as contacts, coalesce(sum(cost_cents), 0)::int as cost from sent group by channel`,
          [date, new Date(`${date}T13:00:00Z`), JSON.stringify(SANDBOX_PRICES)],
        );
        const [paid] = await tx.query<{ recovered: number }>(
          `with contacted as (
             select i.receivable_id, max(coalesce(($3::jsonb ->> m.channel)::float8, 0)) as effect
               from pg_temp.outbound_message_items i
               join pg_temp.outbound_messages m on m.org_id = i.org_id and m.id = i.message_id
              where m.plan_date = $1::date and m.status = 'delivered'
              group by i.receivable_id
           ),
           odds as (
             select r.id, r.open_cents,
                    1 - (1 - (select b.probability from jsonb_to_recordset($4::jsonb) b("maxDaysLate" int, probability float8)
                               where b."maxDaysLate" >= $1::date - r.due_date order by b."maxDaysLate" limit 1))
                      * (1 - coalesce(c.effect, 0)
                             * case when r.open_cents <= 50000 then 1.2 when r.open_cents <= 500000 then 1.0 else 0.7 end
                             * case when $1::date - r.due_date <= 30 then 1.0 when $1::date - r.due_date <= 90 then 0.6 else 0.3 end)
                      as p
               from pg_temp.receivables r
               left join contacted c on c.receivable_id = r.id
              where r.status in ('open', 'partially_paid') and r.open_cents > 0
           ),
           payers as (
             select id, open_cents from odds
              where (abs(hashtext(id::text || ':' || $1::text || ':' || $2::text)::bigint) % 1000000) / 1000000.0 < p
           ),
           paid as (
             update pg_temp.receivables r set open_cents = 0, status = 'paid'
               from payers where r.id = payers.id
             returning payers.open_cents
           )
           select coalesce(sum(open_cents), 0)::bigint as recovered from paid`,
          [date, seed, JSON.stringify(model.channels), JSON.stringify(model.baseline)],
        );
        const contacts = sent.reduce((sum, s) => sum + s.contacts, 0);
        const costCents = sent.reduce((sum, s) => sum + s.cost, 0);
        for (const s of sent) byChannel[s.channel] = (byChannel[s.channel] ?? 0) + s.contacts;
        const recoveredCents = paid?.recovered ?? 0;
        cumulative += recoveredCents;
        series.push({ day, date, contacts, costCents, recoveredCents, cumulativeRecoveredCents: cumulative });
      }
      const open = start?.open ?? 0;
      result = {
        versionId: version.id,
        version: version.version,
        startDate,
        days: input.days,
        debtors: start?.debtors ?? 0,
        receivables: start?.receivables ?? 0,
        openCentsAtStart: open,
        series,
        totals: {
          contacts: series.reduce((sum, s) => sum + s.contacts, 0),
          costCents: series.reduce((sum, s) => sum + s.costCents, 0),
          recoveredCents: cumulative,
          recoveryRate: open === 0 ? 0 : cumulative / open,
          byChannel,
        },
        model,
      };
      throw new Rollback('simulation done');
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  if (!result) throw new Error('the simulation produced no result');
  return result;
}
