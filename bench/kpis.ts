import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createOrganization } from '../src/access/accounts.ts';
import { type Scope, scopeFor } from '../src/access/scope.ts';
import type { Database } from '../src/db/client.ts';
import { activateCadenceVersion, createCadence } from '../src/dunning/cadences.ts';
import { defaultCadence } from '../src/dunning/defaults.ts';
import { computeKpis, type KpiFilters } from '../src/kpis/kpis.ts';
import { dsoTrend, recoveryCurve } from '../src/kpis/trends.ts';
import { computeSlas } from '../src/monitoring/slas.ts';
import { createCreditor } from '../src/portfolio/creditors.ts';
import { addDays, addMonths } from '../src/shared/dates.ts';
import { benchCreditor, type Engine, openEngine } from './engines.ts';

/** The dashboard's period ends with the last month closed before the bench's "today" (--months long, default 1). */
const PERIOD_END = '2026-10-31';
const TODAY = '2026-11-14';
const periodOf = (months: number) => ({
  from: addDays(addMonths(PERIOD_END, -months), 1),
  to: PERIOD_END,
  asOf: PERIOD_END,
});
const NOW = new Date(`${TODAY}T15:00:00Z`);
const seconds = (from: number) => (performance.now() - from) / 1000;

/**
 * A creditor's history written straight by SQL: `receivables` receivables over two years (4 per
 * debtor, issued every day, due 30 days later), their fates (70% paid by Pix or boleto from 10 days
 * early to 65 days late, 5% reported paid by the creditor's import, 10% half paid, 3% written off
 * after 180 days, 2% cancelled, 10% never paid), and for those due in the last 13 months the régua's contacts (an
 * e-mail before the due date, an SMS on it, WhatsApp 3 days after, a call 15 days after and a letter
 * 45 days after, each only while unpaid) with replies, call outcomes and promises. A second
 * organization holds a small portfolio that must not count.
 */
export async function history(
  db: Database,
  receivables: number,
): Promise<{ scope: Scope; creditorId: number }> {
  const bench = await benchCreditor(db, { slug: 'bench', name: 'Bench' });
  const other = await createOrganization(db, { slug: 'other', name: 'Other' });
  const { scope } = bench;
  const org = { id: bench.orgId };
  const creditor = { id: bench.creditorId };
  const otherScope = scopeFor({
    orgId: other.id,
    role: 'admin',
    creditorIds: [],
    userId: null,
    timeZone: other.timeZone,
  });
  const otherCreditor = await createCreditor(db, otherScope, {
    cnpj: '11222333000181',
    legalName: 'Other Ltda',
    tradeName: null,
    segment: null,
  });
  const version = await createCadence(db, scope, {
    creditorId: creditor.id,
    name: 'Padrão',
    definition: defaultCadence(),
  });
  await activateCadenceVersion(db, scope, version.id);
  const debtors = Math.ceil(receivables / 4);
  for (const [orgId, creditorId, count] of [
    [org.id, creditor.id, debtors],
    [other.id, otherCreditor.id, 250],
  ] as const) {
    await db.query(
      `insert into debtors (org_id, creditor_id, kind, document, name, emails, phones, tags)
       select $1, $2, case when g % 3 = 0 then 'company' else 'person' end,
              case when g % 3 = 0 then lpad(g::text, 14, '0') else lpad(g::text, 11, '0') end,
              'Devedor ' || g, array['d' || g || '@example.com'],
              array['+55119' || lpad((g % 100000000)::text, 8, '0')],
              case when g % 10 = 0 then array['vip'] else '{}' end
         from generate_series(1, $3) g`,
      [orgId, creditorId, count],
    );
    // Each receivable's fate, decided by hashes of its number.
    await db.query(
      `create table bench_plan as
       select d.org_id, d.creditor_id, d.id as debtor_id, 'R-' || d.id || '-' || k as external_id,
              x.issue, x.issue + 30 as due, x.amount, x.fate,
              case when x.fate in ('paid', 'reported', 'half') and x.issue + 30 + x.late <= $3::date
                   then x.issue + 30 + x.late end as paid_on
         from debtors d cross join generate_series(1, 4) k
         cross join lateral (
           select date '2024-11-01' + abs(hashint8(d.id * 16 + k) % 730)::int as issue,
                  1000 + abs(hashint8(d.id * 32 + k) % 500000) as amount,
                  abs(hashint8(d.id * 64 + k) % 76)::int - 10 as late,
                  case when abs(hashint8(d.id * 8 + k) % 1000) < 700 then 'paid'
                       when abs(hashint8(d.id * 8 + k) % 1000) < 750 then 'reported'
                       when abs(hashint8(d.id * 8 + k) % 1000) < 850 then 'half'
                       when abs(hashint8(d.id * 8 + k) % 1000) < 880 then 'written_off'
                       when abs(hashint8(d.id * 8 + k) % 1000) < 900 then 'cancelled'
                       else 'open' end as fate
         ) x
        where d.org_id = $1 and (d.id - (select min(id) from debtors where org_id = $1)) * 4 + k <= $2`,
      [orgId, orgId === org.id ? receivables : 1000, TODAY],
    );
    await db.query('analyze bench_plan');
    await db.query(
      `insert into receivables (org_id, creditor_id, debtor_id, external_id, issue_date, due_date, original_cents,
              open_cents, status, created_at)
       select org_id, creditor_id, debtor_id, external_id, issue, due, amount,
              case when paid_on is null then amount when fate = 'half' then amount - amount / 2 else 0 end,
              case when fate = 'written_off' and due + 180 <= $1::date then 'written_off'
                   when fate = 'cancelled' and issue + 5 <= $1::date then 'cancelled'
                   when paid_on is null then 'open' when fate = 'half' then 'partially_paid' else 'paid' end,
              issue::timestamptz
         from bench_plan order by bench_plan.issue`,
      [TODAY],
    );
    await db.query(
      `insert into payments (org_id, source, natural_key, amount_cents, paid_on, debtor_id, status, matched_by, raw, created_at)
       select org_id, 'pix', 'bench:' || external_id, case when fate = 'half' then amount / 2 else amount end, paid_on,
              debtor_id, 'allocated', 'bench', '{}', paid_on + 1
         from bench_plan where paid_on is not null and fate <> 'reported'
        order by paid_on`,
    );
    await db.query('analyze receivables, payments');
    await db.query(
      `insert into payment_allocations (org_id, payment_id, receivable_id, cents, created_at)
       select p.org_id, p.id, r.id, p.amount_cents, p.created_at
         from payments p
         join receivables r on r.org_id = p.org_id and r.creditor_id = $2 and r.external_id = substr(p.natural_key, 7)
        where p.org_id = $1
        order by p.id`,
      [orgId, creditorId],
    );
    await db.query(
      `insert into receivable_changes (org_id, receivable_id, import_id, changes, changed_at)
       select * from (
       select r.org_id, r.id, null,
              jsonb_build_object('open_cents', jsonb_build_array(r.original_cents, r.open_cents),
                                 'status', jsonb_build_array('open', r.status), 'payment_id', jsonb_build_array(null, a.payment_id)),
              (a.created_at + interval '13 hours')
         from payment_allocations a join receivables r on r.org_id = a.org_id and r.id = a.receivable_id
        where a.org_id = $1 and r.creditor_id = $2
       union all
       select r.org_id, r.id, 1,
              case when r.status = 'paid' then jsonb_build_object('open_cents', jsonb_build_array(r.original_cents, 0),
                                                                   'status', jsonb_build_array('open', 'paid'))
                   else jsonb_build_object('status', jsonb_build_array('open', r.status)) end,
              (case when r.status = 'paid' then b.paid_on + 2 when r.status = 'written_off' then r.due_date + 180
                    else r.issue_date + 5 end)::timestamptz + interval '13 hours'
         from bench_plan b
         join receivables r on r.org_id = b.org_id and r.creditor_id = b.creditor_id and r.external_id = b.external_id
        where b.org_id = $1 and ((b.fate = 'reported' and r.status = 'paid') or r.status in ('written_off', 'cancelled'))
       ) x order by 5`,
      [orgId, creditorId],
    );
    await db.query('drop table bench_plan');
  }
  const steps = await db.query<{ versionId: number; stepKey: string; channel: string; variantKey: string }>(
    `select version_id as "versionId", step_key as "stepKey", channel, variant_key as "variantKey"
       from cadence_steps where org_id = $1 and segment_key = 'pessoa-fisica' order by offset_days`,
    [org.id],
  );
  const stepOf = (channel: string) => steps.find((s) => s.channel === channel)?.stepKey ?? channel;
  // The régua's contacts while unpaid, for receivables due in the 13 months before today.
  await db.query(
    `insert into outbound_messages (org_id, creditor_id, debtor_id, channel, purpose, idempotency_key, plan_date,
            version_id, segment_key, step_key, variant_key, to_address, body, status, attempts, provider, cost_cents,
            created_at, sent_at, delivered_at, read_at, failed_at)
     select r.org_id, r.creditor_id, r.debtor_id, s.channel, 'collection', 'bench:' || r.id || ':' || s.channel,
            r.due_date + s.offset_days, $2, 'pessoa-fisica', s.step_key,
            case when s.channel = 'whatsapp' and r.id % 2 = 0 then 'b' else 'a' end,
            case when s.channel = 'email' then 'd' || r.debtor_id || '@example.com' when s.channel = 'letter' then 'Rua 1, São Paulo'
                 else '+55119' || lpad((r.debtor_id % 100000000)::text, 8, '0') end,
            'Olá! Consta em aberto o título ' || r.external_id || ' de ' || r.original_cents || ' centavos, vencido em ' || r.due_date
              || '. Pague pelo Pix ou responda esta mensagem para negociar.',
            case when r.id % 20 = 0 then 'failed' when s.channel = 'whatsapp' and r.id % 5 < 2 then 'read'
                 when s.channel = 'phone' then 'sent' else 'delivered' end,
            1, 'sandbox',
            case s.channel when 'sms' then 7 when 'whatsapp' then 35 when 'letter' then 290 else 0 end,
            t, case when r.id % 20 <> 0 then t end,
            case when r.id % 20 <> 0 and s.channel <> 'phone' then t + interval '1 minute' end,
            case when r.id % 20 <> 0 and s.channel = 'whatsapp' and r.id % 5 < 2 then t + interval '1 hour' end,
            case when r.id % 20 = 0 then t end
       from receivables r
       cross join (values ('email', -5, $3), ('sms', 0, $4), ('whatsapp', 3, $5), ('phone', 15, $6), ('letter', 45, $7))
            as s(channel, offset_days, step_key)
       cross join lateral (select ((r.due_date + s.offset_days)::timestamp + interval '13 hours') at time zone 'UTC' as t) tt
       left join payments p on p.org_id = r.org_id and p.natural_key = 'bench:' || r.external_id
      where r.org_id = $1 and r.due_date > $8::date - 395 and r.due_date + s.offset_days <= $8::date
        and (p.paid_on is null or p.paid_on > r.due_date + s.offset_days)
        and (s.channel <> 'phone' or r.id % 10 < 3)
      order by t`,
    [
      org.id,
      version.id,
      stepOf('email'),
      stepOf('sms'),
      stepOf('whatsapp'),
      stepOf('phone'),
      stepOf('letter'),
      TODAY,
    ],
  );
  await db.query(
    `insert into inbound_messages (org_id, channel, provider_message_id, from_address, kind, body, sent_at, received_at, raw)
     select org_id, channel, 'in-' || id, regexp_replace(to_address, '\\D', '', 'g'), 'text', 'Quero pagar',
            sent_at + interval '2 hours', sent_at + interval '2 hours', '{}'
       from outbound_messages
      where org_id = $1 and channel in ('whatsapp', 'sms') and status in ('delivered', 'read') and id % 7 = 0
      order by sent_at`,
    [org.id],
  );
  await db.query(
    `insert into collector_tasks (org_id, message_id, creditor_id, debtor_id, phone, script, priority, status, outcome,
            promise_date, promise_cents, created_at, done_at, done_by)
     select m.org_id, m.id, m.creditor_id, m.debtor_id, m.to_address, 'Ligar', 1, 'done', o.outcome,
            case when o.outcome = 'promise' then (m.sent_at + interval '8 days')::date end,
            case when o.outcome = 'promise' then 10000 end,
            m.sent_at, m.sent_at + interval '1 day', 'user:1'
       from outbound_messages m
       cross join lateral (select (array['reached','not_reached','not_reached','promise','promise','dispute','refused','wrong_number'])
                                   [1 + (m.id % 8)::int] as outcome) o
      where m.org_id = $1 and m.channel = 'phone' and m.status = 'sent'
      order by m.sent_at`,
    [org.id],
  );
  await db.query(
    `insert into collection_holds (org_id, debtor_id, kind, until_date, amount_cents, reason, created_by, created_at,
            released_at, released_by)
     select t.org_id, t.debtor_id, 'promise', t.promise_date, t.promise_cents, 'Promessa na ligação', 'user:1', t.done_at,
            case when t.promise_date < $2::date then t.promise_date + 1 end,
            case when t.promise_date < $2::date then
              case when t.id % 3 = 0 then 'system:promise_broken' else 'system:promise_kept' end end
       from collector_tasks t where t.org_id = $1 and t.outcome = 'promise'
      order by t.done_at`,
    [org.id, TODAY],
  );
  await db.query('analyze');
  return { scope, creditorId: creditor.id };
}

/** Messages sent, or failed unsent, between dates $2 and $3: the plain columns, so the date indexes serve it. */
const ATTEMPTED_IN_PERIOD = `((sent_at >= $2::date and sent_at < $3::date + 1)
        or (sent_at is null and failed_at >= $2::date and failed_at < $3::date + 1))`;

/**
 * The baseline: bare aggregates reading the same facts the dashboard reads, from today's counters and
 * without any rebuilding (aging by the current balance, sales, payments, the changes since the start,
 * messages by channel, tasks and promises of the period).
 */
async function bareAggregates(
  db: Database,
  orgId: number,
  creditorId: number,
  period: { from: string; to: string },
): Promise<void> {
  const { from, to } = period;
  // Side by side, as the dashboard's own statements run (each on a connection of its own).
  await Promise.all([
    db.query(
      `select case when $3::date - due_date <= 0 then 0 when $3::date - due_date <= 30 then 1 when $3::date - due_date <= 60 then 2
                 when $3::date - due_date <= 90 then 3 when $3::date - due_date <= 180 then 4 else 5 end as bucket,
            sum(open_cents), count(*),
            sum(original_cents) filter (where issue_date between $4 and $3)
       from receivables where org_id = $1 and creditor_id = $2 and status in ('open', 'partially_paid')
      group by 1`,
      [orgId, creditorId, to, from],
    ),
    db.query(
      `select sum((changes #>> '{open_cents,0}')::bigint - (changes #>> '{open_cents,1}')::bigint), count(*)
       from receivable_changes where org_id = $1 and changed_at >= $2::date`,
      [orgId, from],
    ),
    db.query(
      'select count(*), sum(amount_cents) from payments where org_id = $1 and paid_on between $2 and $3',
      [orgId, from, to],
    ),
    db.query(
      `select channel, count(*), count(delivered_at), count(read_at), sum(cost_cents) from outbound_messages
      where org_id = $1 and ${ATTEMPTED_IN_PERIOD}
      group by channel`,
      [orgId, from, to],
    ),
    db.query(
      `select step_key, variant_key, count(*) from outbound_messages
      where org_id = $1 and ${ATTEMPTED_IN_PERIOD}
        and step_key is not null group by 1, 2`,
      [orgId, from, to],
    ),
    db.query(
      `select (select count(*) from collector_tasks where org_id = $1 and status = 'done' and done_at >= $2::date and done_at < $3::date + 1),
            (select count(*) from collection_holds where org_id = $1 and kind = 'promise' and until_date between $2 and $3)`,
      [orgId, from, to],
    ),
  ]);
}

/**
 * The recovery curve's baseline: the receivables that fell due in the cohorts' months added up by
 * month (today's balances, no rebuilding), and the payments allocated to them added up by month and
 * days since the due date.
 */
async function bareCurve(
  db: Database,
  orgId: number,
  creditorId: number,
  first: string,
  last: string,
): Promise<void> {
  await db.query(
    `select date_trunc('month', due_date), sum(original_cents), sum(open_cents), count(*)
       from receivables where org_id = $1 and creditor_id = $2 and due_date between $3 and $4 group by 1`,
    [orgId, creditorId, first, last],
  );
  await db.query(
    `select date_trunc('month', r.due_date), p.paid_on - r.due_date, sum(a.cents)
       from receivables r
       join payment_allocations a on a.org_id = r.org_id and a.receivable_id = r.id
       join payments p on p.org_id = a.org_id and p.id = a.payment_id
      where r.org_id = $1 and r.creditor_id = $2 and r.due_date between $3 and $4 and p.paid_on > r.due_date
      group by 1, 2`,
    [orgId, creditorId, first, last],
  );
}

/**
 * The DSO trend's baseline: credit sales by month of issue, today's open balance, and the changes of
 * balance since the first month added up by month (no rebuilding, no countback).
 */
async function bareTrend(db: Database, orgId: number, creditorId: number, first: string): Promise<void> {
  await db.query(
    `select date_trunc('month', issue_date), sum(original_cents), sum(open_cents) filter (where status in ('open', 'partially_paid'))
       from receivables where org_id = $1 and creditor_id = $2 group by 1`,
    [orgId, creditorId],
  );
  await db.query(
    `select date_trunc('month', changed_at), sum((changes #>> '{open_cents,0}')::bigint - (changes #>> '{open_cents,1}')::bigint), count(*)
       from receivable_changes where org_id = $1 and changed_at >= $2::date group by 1`,
    [orgId, first],
  );
}

/**
 * The SLAs' baseline: the receivables due in the period, the contacts and the replies of the period,
 * counted (no matching of contacts to receivables or of answers to replies).
 */
async function bareSlas(
  db: Database,
  orgId: number,
  creditorId: number,
  period: { from: string; to: string },
) {
  await db.query(
    `select count(*), sum(open_cents) from receivables where org_id = $1 and creditor_id = $2 and due_date between $3 and $4`,
    [orgId, creditorId, period.from, period.to],
  );
  await db.query(
    `select channel, count(*) from outbound_messages where org_id = $1 and creditor_id = $2 and sent_at >= $3::date and sent_at < $4::date + 1 group by 1`,
    [orgId, creditorId, period.from, period.to],
  );
  await db.query(
    `select (select count(*) from inbound_messages where org_id = $1 and sent_at >= $2::date and sent_at < $3::date + 1),
            (select count(*) from collector_tasks where org_id = $1 and status = 'done' and done_at >= $2::date and done_at < $3::date + 1)`,
    [orgId, period.from, period.to],
  );
}

const _POSTGRES = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** A database of its own, so that other benchmarks running on the same server (regua_bench) are left alone. */
const DATABASE = 'regua_bench_kpis';

/** Runs `run` `runs` times: the first time, the best and the median. */
async function timed(
  runs: number,
  run: () => Promise<unknown>,
): Promise<{ first: number; best: number; median: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    times.push(seconds(started));
  }
  const sorted = [...times].sort((x, y) => x - y);
  return { first: times[0] ?? 0, best: sorted[0] ?? 0, median: sorted[Math.floor(sorted.length / 2)] ?? 0 };
}

const line = (
  label: string,
  dashboard: Awaited<ReturnType<typeof timed>>,
  bare: Awaited<ReturnType<typeof timed>>,
) =>
  `           ${label.padEnd(20)} dashboard ${dashboard.best.toFixed(2)} s best, ${dashboard.median.toFixed(2)} s median ` +
  `(first ${dashboard.first.toFixed(2)} s); bare aggregate SQL ${bare.best.toFixed(2)} s best; ` +
  `ratio ${(dashboard.best / bare.best).toFixed(2)}x (load average ${loadavg()[0]?.toFixed(1)})`;

export async function kpisBenchmark(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      receivables: { type: 'string', default: '1000000' },
      engine: { type: 'string' },
      months: { type: 'string', default: '1' },
      keep: { type: 'boolean' },
    },
    strict: false,
  });
  const receivables = Number(values.receivables);
  const period = periodOf(Number(values.months));
  // The target is PostgreSQL's; `--engine pglite` runs the embedded one (slow to set up at 1,000,000).
  // Usage: node bench/kpis.ts [--receivables N] [--months M] [--engine postgres|pglite] [--keep]
  const engines: Engine[] = typeof values.engine === 'string' ? [values.engine as Engine] : ['postgres'];
  console.log(
    `kpis: the full KPI dashboard of a creditor with ${receivables.toLocaleString('en')} receivables, ${period.from} to ${period.to}`,
  );
  for (const engine of engines) {
    const { db, cleanup } = await openEngine(engine, { name: DATABASE, keep: values.keep === true });
    try {
      const setup = performance.now();
      if (process.env.BENCH_DEBUG) {
        const query = db.query.bind(db);
        db.query = (async (text: string, params?: unknown[]) => {
          const started = performance.now();
          const rows = await query(text, params);
          console.log(`${seconds(started).toFixed(2)} s ${text.replace(/\s+/g, ' ').slice(0, 70)}`);
          return rows;
        }) as typeof db.query;
      }
      const { scope, creditorId } = await history(db, receivables);
      const setupSeconds = seconds(setup);
      const [facts] = await db.query<Record<string, number>>(
        `select (select count(*) from receivables)::int as receivables, (select count(*) from payments)::int as payments,
                (select count(*) from receivable_changes)::int as changes, (select count(*) from outbound_messages)::int as messages,
                (select count(*) from inbound_messages)::int as replies, (select count(*) from collector_tasks)::int as tasks,
                (select count(*) from collection_holds)::int as promises`,
      );
      // A table this size has been vacuumed and analyzed by autovacuum long before anyone looks.
      await db.query('vacuum analyze');
      const filters: KpiFilters = { ...period, creditorId };
      let report = await computeKpis(db, scope, filters, { now: NOW });
      const dashboard = await timed(7, async () => {
        report = await computeKpis(db, scope, filters, { now: NOW });
      });
      const bare = await timed(7, () => bareAggregates(db, scope.orgId, creditorId, period));
      console.log(
        `  ${engine.padEnd(8)} facts ${JSON.stringify(facts)} (setup ${setupSeconds.toFixed(0)} s)`,
      );
      console.log(line('KPI dashboard:', dashboard, bare));
      // The charts over time, each on its own endpoint: timed alone against their bare SQL, then the
      // whole page as the browser loads it, to see that the dashboard is not slower for them.
      const trendFilters = { creditorId, to: PERIOD_END };
      const curveFirst = '2026-05-01';
      const curveRun = await timed(5, () =>
        recoveryCurve(db, scope, { ...trendFilters, months: 6 }, { now: NOW }),
      );
      const curveBare = await timed(5, () => bareCurve(db, scope.orgId, creditorId, curveFirst, PERIOD_END));
      const trendRun = await timed(5, () =>
        dsoTrend(db, scope, { ...trendFilters, months: 12 }, { now: NOW }),
      );
      const trendBare = await timed(5, () => bareTrend(db, scope.orgId, creditorId, '2025-11-01'));
      const slaPeriod = { from: period.from, to: period.to, creditorId };
      const slaRun = await timed(3, () => computeSlas(db, scope, slaPeriod, { now: NOW }));
      const slaBare = await timed(3, () => bareSlas(db, scope.orgId, creditorId, period));
      const previousFilters: KpiFilters = { ...periodOf(Number(values.months)), creditorId };
      previousFilters.from = addMonths(period.from, -Number(values.months));
      previousFilters.to = addDays(period.from, -1);
      previousFilters.asOf = previousFilters.to;
      // The page as the browser loads it: the report first, then the previous period's (the
      // comparison), the charts and the SLAs side by side once it is in.
      const others = () =>
        Promise.all([
          computeKpis(db, scope, previousFilters, { now: NOW }),
          recoveryCurve(db, scope, { ...trendFilters, months: 6 }, { now: NOW }),
          dsoTrend(db, scope, { ...trendFilters, months: 12 }, { now: NOW }),
          computeSlas(db, scope, slaPeriod, { now: NOW }),
        ]);
      const reportInPage: number[] = [];
      const page = await timed(3, async () => {
        const started = performance.now();
        await computeKpis(db, scope, filters, { now: NOW });
        reportInPage.push(seconds(started));
        await others();
      });
      // For comparison: everything requested at once.
      let reportAllAtOnce = 0;
      const allAtOnce = await timed(3, async () => {
        const started = performance.now();
        await Promise.all([
          computeKpis(db, scope, filters, { now: NOW }).then(() => {
            reportAllAtOnce = Math.max(reportAllAtOnce, seconds(started));
          }),
          others(),
        ]);
      });
      console.log(line('recovery curve (6):', curveRun, curveBare));
      console.log(line('DSO trend (12):', trendRun, trendBare));
      console.log(line('SLAs of the period:', slaRun, slaBare));
      console.log(
        `           the page, charts after the report: ${page.best.toFixed(2)} s best, ${page.median.toFixed(2)} s median, ` +
          `its report in ${reportInPage.map((t) => t.toFixed(2)).join(' s, ')} s (the report alone: ${dashboard.best.toFixed(2)} s best); ` +
          `everything at once: ${allAtOnce.best.toFixed(2)} s best, its report in at most ${reportAllAtOnce.toFixed(2)} s`,
      );
      console.log(
        `           aging ${report.aging.totalCents} cents, default rate ${report.aging.defaultRate}, DSO ${report.dso.standard} / ${report.dso.countback} days, ` +
          `CEI ${report.cei.percent}%, recovery ${report.recovery.rate}, promises kept ${report.promises.keptRate}, churn ${report.involuntaryChurn.rate}, ` +
          `cost per receipt ${report.costPerReceipt.perReceiptCents} cents`,
      );
    } finally {
      await cleanup();
    }
  }
}

if (import.meta.main) await kpisBenchmark(process.argv.slice(2));
