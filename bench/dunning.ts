import { parseArgs } from 'node:util';
import { createOrganization } from '../src/access/accounts.ts';
import type { Scope } from '../src/access/scope.ts';
import { dispatchBatch } from '../src/channels/dispatcher.ts';
import { sandboxRegistry } from '../src/channels/sandbox.ts';
import type { Database } from '../src/db/client.ts';
import { activateCadenceVersion, createCadence } from '../src/dunning/cadences.ts';
import { defaultCadence } from '../src/dunning/defaults.ts';
import { ensureCalendar, planDay } from '../src/dunning/planner.ts';
import { benchCreditor, type Engine, enginesFrom, openEngine } from './engines.ts';

const PLAN_DATE = '2026-03-10';
const seconds = (from: number) => (performance.now() - from) / 1000;
const rate = (n: number, s: number) => Math.round(n / s).toLocaleString('en');

/**
 * A portfolio written straight by SQL: `receivables` open receivables, 4 per debtor, due from 90 days
 * before the plan date to 30 days after it, a third of the debtors companies, most with e-mail, mobile
 * and address, a share opted in to WhatsApp, under the default régua.
 */
async function portfolio(db: Database, receivables: number): Promise<{ scope: Scope; creditorId: number }> {
  const bench = await benchCreditor(db, {
    slug: 'bench',
    name: 'Bench',
    address: { street: 'Av. Paulista', number: '1000', city: 'São Paulo', uf: 'SP', cep: '01310100' },
  });
  await createOrganization(db, { slug: 'other', name: 'Other' });
  const { scope } = bench;
  const org = { id: bench.orgId };
  const creditor = { id: bench.creditorId };
  const debtors = Math.ceil(receivables / 4);
  await db.query(
    `insert into debtors (org_id, creditor_id, kind, document, name, emails, phones, street, city, uf, cep, channel_preferences)
     select $1, $2, case when g % 3 = 0 then 'company' else 'person' end,
            case when g % 3 = 0 then lpad(g::text, 14, '0') else lpad(g::text, 11, '0') end,
            'Devedor ' || g,
            case when g % 10 < 8 then array['d' || g || '@example.com'] else '{}' end,
            case when g % 10 < 7 then array['+55119' || lpad((g % 100000000)::text, 8, '0')] else '{}' end,
            case when g % 10 < 9 then 'Rua ' || g end, 'São Paulo',
            (array['SP','RJ','MG','BA','PR','RS','PE','AM'])[1 + g % 8], '01001000',
            case when g % 10 < 5 then jsonb_build_object('whatsapp', jsonb_build_object('consentAt', now()))
                 when g % 50 = 7 then jsonb_build_object('email', jsonb_build_object('optedOutAt', now()))
                 else '{}'::jsonb end
       from generate_series(1, $3) g`,
    [org.id, creditor.id, debtors],
  );
  await db.query(
    `insert into receivables (org_id, creditor_id, debtor_id, external_id, due_date, original_cents, open_cents, status)
     select $1, $2, d.id, 'R-' || d.id || '-' || k, $4::date - 90 + ((d.id * 7 + k * 31) % 121)::int,
            1000 + (d.id * 37 + k) % 500000, 1000 + (d.id * 37 + k) % 500000, 'open'
       from debtors d, generate_series(1, 4) k
      where d.org_id = $1 and (d.id - (select min(id) from debtors where org_id = $1)) * 4 + k <= $3`,
    [org.id, creditor.id, receivables, PLAN_DATE],
  );
  await db.query('analyze');
  const version = await createCadence(db, scope, {
    creditorId: creditor.id,
    name: 'Padrão',
    definition: defaultCadence(),
  });
  await activateCadenceVersion(db, scope, version.id);
  await ensureCalendar(db, PLAN_DATE);
  return { scope, creditorId: creditor.id };
}

/**
 * The baseline: bare INSERT ... SELECT statements writing the same rows the planner wrote (its contacts,
 * their items, its skips) into the same tables, with the same indexes and constraints, the items read
 * through the same open receivables and debtors. The planner's rows are set aside and deleted first.
 */
async function bareBaseline(db: Database, orgId: number): Promise<number> {
  for (const table of ['outbound_messages', 'outbound_message_items', 'plan_skips']) {
    await db.query(`create table saved_${table} as select * from ${table} where org_id = $1`, [orgId]);
  }
  await db.query('delete from outbound_message_items where org_id = $1', [orgId]);
  await db.query('delete from outbound_messages where org_id = $1', [orgId]);
  await db.query('delete from plan_skips where org_id = $1', [orgId]);
  await db.query('vacuum analyze outbound_messages, outbound_message_items, plan_skips');
  const started = performance.now();
  await db.transaction(async (tx) => {
    await tx.query(
      'insert into outbound_messages overriding system value select * from saved_outbound_messages',
    );
    await tx.query(
      `insert into outbound_message_items
       select i.* from receivables r
         join debtors d on d.org_id = r.org_id and d.id = r.debtor_id
         join saved_outbound_message_items i on i.org_id = r.org_id and i.receivable_id = r.id
        where r.org_id = $1 and r.status in ('open', 'partially_paid') and r.open_cents > 0`,
      [orgId],
    );
    await tx.query('insert into plan_skips select * from saved_plan_skips');
  });
  return seconds(started);
}

export async function planBenchmark(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { receivables: { type: 'string', default: '1000000' }, engine: { type: 'string' } },
    strict: false,
  });
  const receivables = Number(values.receivables);
  console.log(
    `plan: one day for ${receivables.toLocaleString('en')} open receivables under the default régua`,
  );
  for (const engine of enginesFrom(values.engine)) {
    const { db, cleanup } = await openEngine(engine);
    try {
      const setup = performance.now();
      const { scope } = await portfolio(db, receivables);
      const setupSeconds = seconds(setup);
      const started = performance.now();
      const result = await planDay(db, scope.orgId, PLAN_DATE, { now: new Date(`${PLAN_DATE}T09:00:00Z`) });
      const planSeconds = seconds(started);
      const again = performance.now();
      const second = await planDay(db, scope.orgId, PLAN_DATE, { now: new Date(`${PLAN_DATE}T09:00:00Z`) });
      const againSeconds = seconds(again);
      const bare = await bareBaseline(db, scope.orgId);
      const actions = result.plannedReceivables + result.skipped;
      console.log(
        `  ${engine.padEnd(8)} plan ${planSeconds.toFixed(1)} s: ${result.planned.toLocaleString('en')} contacts covering ${result.plannedReceivables.toLocaleString('en')} receivables, ` +
          `${result.skipped.toLocaleString('en')} skipped = ${rate(actions, planSeconds)} decisions/s, ${rate(receivables, planSeconds)} receivables/s; ` +
          `bare INSERT ... SELECT of the same rows ${bare.toFixed(1)} s; ratio ${(planSeconds / bare).toFixed(2)}x; ` +
          `second run ${againSeconds.toFixed(1)} s planned ${second.planned} (setup ${setupSeconds.toFixed(0)} s)`,
      );
      console.log(
        `           by channel ${JSON.stringify(result.byChannel)}; skipped ${JSON.stringify(result.byReason)}`,
      );
    } finally {
      await cleanup();
    }
  }
}

/** Dispatches every queued message with `workers` dispatcher loops sharing the outbox. */
async function dispatchAll(db: Database, workers: number, now: Date): Promise<number> {
  const channels = sandboxRegistry(db);
  let sent = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (;;) {
        const outcome = await dispatchBatch(db, {
          workerId: `bench-${w}`,
          channels,
          batchSize: 500,
          now: () => now,
        });
        sent += outcome.sent;
        if (outcome.claimed === 0) return;
      }
    }),
  );
  return sent;
}

export async function dispatchBenchmark(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      receivables: { type: 'string', default: '200000' },
      workers: { type: 'string', default: '2' },
      engine: { type: 'string' },
    },
    strict: false,
  });
  const receivables = Number(values.receivables);
  const workers = Number(values.workers);
  const engines: Engine[] = enginesFrom(values.engine);
  console.log(
    `dispatch: the contacts planned for ${receivables.toLocaleString('en')} receivables, to the sandbox, ${workers} dispatchers`,
  );
  for (const engine of engines) {
    const { db, cleanup } = await openEngine(engine);
    try {
      const { scope } = await portfolio(db, receivables);
      await planDay(db, scope.orgId, PLAN_DATE, { now: new Date(`${PLAN_DATE}T09:00:00Z`) });
      const [queued] = await db.query<{ n: number }>(
        `select count(*)::int as n from outbound_messages where status = 'queued'`,
      );
      const total = queued?.n ?? 0;
      // Tuesday 10:00 in São Paulo: inside every state's contact window.
      const now = new Date(`${PLAN_DATE}T14:00:00Z`);
      const started = performance.now();
      const sent = await dispatchAll(db, workers, now);
      const dispatchSeconds = seconds(started);
      // Baseline: the same hand-over as bare set-based SQL: inbox rows inserted and outbox rows marked.
      await db.query('delete from sandbox_inbox');
      await db.query(`update outbound_messages set status = 'queued', sent_at = null, body = null`);
      const bare = performance.now();
      await db.query(
        `insert into sandbox_inbox (org_id, idempotency_key, message_id, channel, to_address, subject, body)
         select org_id, idempotency_key, id, channel, to_address, 'Assunto', repeat('x', 300) from outbound_messages`,
      );
      await db.query(
        `update outbound_messages set status = 'delivered', sent_at = now(), body = repeat('x', 300), provider = 'sandbox'`,
      );
      const bareSeconds = seconds(bare);
      console.log(
        `  ${engine.padEnd(8)} ${sent.toLocaleString('en')} of ${total.toLocaleString('en')} messages in ${dispatchSeconds.toFixed(1)} s = ${rate(sent, dispatchSeconds)} messages/s; ` +
          `bare SQL hand-over ${bareSeconds.toFixed(1)} s; ratio ${(dispatchSeconds / bareSeconds).toFixed(2)}x`,
      );
    } finally {
      await cleanup();
    }
  }
}
