import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createOrganization } from '../src/access/accounts.ts';
import { scopeFor } from '../src/access/scope.ts';
import type { Database } from '../src/db/client.ts';
import { withTenant } from '../src/db/tenant.ts';
import { createCreditor } from '../src/portfolio/creditors.ts';
import { LABEL_DAYS } from '../src/scoring/features.ts';
import { buildModel, trainCreditor, trainingExamples } from '../src/scoring/scoring.ts';
import { writeSyntheticHistory } from '../src/scoring/synthetic.ts';
import { benchCreditor, type Engine, openEngine } from './engines.ts';

const TODAY = '2026-11-14';
const _POSTGRES = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** A database of its own, so that other benchmarks running on the same server are left alone. */
const DATABASE = 'regua_bench_scoring';
const seconds = (from: number) => (performance.now() - from) / 1000;

/**
 * The baseline: bare aggregates of the same facts for one cut, with no reconstruction of the past:
 * each debtor's past-due balance, days late and count from today's balances, its payments, its
 * contacts of the last 90 days and its promises, each grouped by debtor.
 */
async function bareFeatures(db: Database, orgId: number, creditorId: number, cut: string): Promise<void> {
  await db.query(
    `select debtor_id, max($3::date - due_date), sum(open_cents), count(*) from receivables
      where org_id = $1 and creditor_id = $2 and status in ('open', 'partially_paid') and due_date < $3::date
      group by debtor_id`,
    [orgId, creditorId, cut],
  );
  await db.query(
    `select r.debtor_id, count(*), avg(greatest(p.paid_on - r.due_date, 0))
       from payment_allocations a join payments p on p.org_id = a.org_id and p.id = a.payment_id
       join receivables r on r.org_id = a.org_id and r.id = a.receivable_id
      where a.org_id = $1 and r.creditor_id = $2 and p.paid_on <= $3::date group by r.debtor_id`,
    [orgId, creditorId, cut],
  );
  await db.query(
    `select debtor_id, count(*), count(read_at) from outbound_messages
      where org_id = $1 and creditor_id = $2 and sent_at >= $3::date - 90 and sent_at < $3::date + 1 group by debtor_id`,
    [orgId, creditorId, cut],
  );
  await db.query(
    `select debtor_id, count(*) filter (where released_by = 'system:promise_broken') from collection_holds
      where org_id = $1 and kind = 'promise' and created_at < $2::date + 1 group by debtor_id`,
    [orgId, cut],
  );
}

/** `npm run bench -- score [--receivables N] [--engine postgres|pglite]` */
export async function scoringBenchmark(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { receivables: { type: 'string', default: '200000' }, engine: { type: 'string' } },
    strict: false,
  });
  const receivables = Number(values.receivables);
  const engines: Engine[] = typeof values.engine === 'string' ? [values.engine as Engine] : ['postgres'];
  console.log(
    `score: train and score a creditor with ${receivables.toLocaleString('en')} receivables over two years (synthetic history whose payments depend on a hidden trait of each debtor)`,
  );
  for (const engine of engines) {
    const { db, cleanup } = await openEngine(engine, { name: DATABASE });
    try {
      const started = performance.now();
      const { orgId, scope, creditorId } = await benchCreditor(db, { slug: 'bench', name: 'Bench' });
      await writeSyntheticHistory(db, { orgId, creditorId, receivables, today: TODAY });
      // A second organization's history must not count (nor slow the first down much).
      const other = await createOrganization(db, { slug: 'other', name: 'Other' });
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
      await writeSyntheticHistory(db, {
        orgId: other.id,
        creditorId: otherCreditor.id,
        receivables: Math.min(20_000, receivables),
        today: TODAY,
        seed: 9,
      });
      await db.query('analyze');
      console.log(`  ${engine.padEnd(9)} history written in ${seconds(started).toFixed(1)} s`);

      const extractStarted = performance.now();
      const examples = await withTenant(db, orgId, (tx) =>
        trainingExamples(tx, orgId, creditorId, TODAY, scope.timeZone),
      );
      const extract = seconds(extractStarted);
      const fitStarted = performance.now();
      const built = buildModel(creditorId, TODAY, examples);
      const fit = seconds(fitStarted);
      const full = await trainCreditor(db, scope, creditorId, { asOf: TODAY });
      const bareStarted = performance.now();
      await bareFeatures(db, orgId, creditorId, TODAY);
      const bare = seconds(bareStarted);
      const cuts = 8;
      const m = full.model;
      console.log(
        `            features (${cuts} cuts, ${examples.length.toLocaleString('en')} cases): ${extract.toFixed(2)} s ` +
          `(${Math.round(receivables / extract).toLocaleString('en')} receivables/s); bare aggregate SQL, once per cut: ` +
          `${(bare * cuts).toFixed(2)} s; ratio ${(extract / (bare * cuts)).toFixed(2)}x`,
      );
      console.log(
        `            fit (IRLS, ${built.features.length} features): ${fit.toFixed(2)} s; ` +
          `train + store + score in one run: ${(full.seconds.train + full.seconds.score).toFixed(2)} s`,
      );
      console.log(
        `            scoring ${full.scored?.toLocaleString('en')} open cases in SQL: ${full.seconds.score.toFixed(2)} s ` +
          `(${Math.round(receivables / full.seconds.score).toLocaleString('en')} receivables/s); bare aggregate SQL ${bare.toFixed(2)} s; ` +
          `ratio ${(full.seconds.score / bare).toFixed(2)}x (load average ${loadavg()[0]?.toFixed(1)})`,
      );
      console.log(
        `            model: ${m.kind}, AUC ${m.auc?.toFixed(3) ?? 'n/a'} on ${m.nTest.toLocaleString('en')} held-out cases ` +
          `(${m.nTrain.toLocaleString('en')} training, ${((m.positiveRate ?? 0) * 100).toFixed(1)}% paid ≥ half within ${LABEL_DAYS} days)`,
      );
    } finally {
      await cleanup();
    }
  }
}
