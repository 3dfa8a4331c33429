/**
 * `npm run bench -- billing [--payments N] [--engine postgres|pglite]`: the monthly fee statement of a
 * creditor whose month holds N payments (default 100,000; one in twenty an agreement installment whose
 * days late count from its original), against the bare aggregate SQL over the same rows; then issuing
 * it (writing every line) and the preview of the next month (which must skip every charged line).
 */
import { parseArgs } from 'node:util';
import { createOrganization } from '../src/access/accounts.ts';
import { getStatement, issueStatement, setFeeTerms, setIssuer } from '../src/billing/statements.ts';
import type { Database } from '../src/db/client.ts';
import { benchCreditor, type Engine, openEngine } from './engines.ts';

const _POSTGRES = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NOW = { now: new Date('2026-04-15T15:00:00Z') };
const seconds = (from: number) => (performance.now() - from) / 1000;

/** N receivables of N/2 debtors, each paid once in March 2026 (90% after its due date), by SQL. */
async function plant(db: Database, orgId: number, creditorId: number, n: number): Promise<void> {
  await db.query(
    `insert into debtors (org_id, creditor_id, kind, document, name)
     select $1, $2, 'person', lpad(g::text, 11, '0'), 'Devedor ' || g from generate_series(1, $3) g`,
    [orgId, creditorId, Math.ceil(n / 2)],
  );
  await db.query(
    `insert into receivables (org_id, creditor_id, debtor_id, external_id, issue_date, due_date, original_cents, open_cents, status)
     select $1, $2, d.id, (case when g % 20 = 0 then 'I-' else 'R-' end) || g, date '2025-05-01',
            date '2026-03-01' - 300 + (g % 320), 1000 + (g * 7919) % 500000, 0, 'paid'
       from generate_series(1, $3) g
       join debtors d on d.org_id = $1 and d.document = lpad(((g + 1) / 2)::text, 11, '0')`,
    [orgId, creditorId, n],
  );
  await db.query('analyze debtors, receivables');
  // Agreement installments: each renegotiated an original due in 2025.
  await db.query(
    `insert into agreements (org_id, creditor_id, debtor_id, status, offer_key, as_of, updated_cents, total_cents,
            installment_count, tolerance_days, explanation, created_by, request_key)
     select org_id, creditor_id, debtor_id, 'completed', 'avista', '2026-02-01', original_cents, original_cents, 1, 5, '[]',
            'bench', 'bench:' || id
       from receivables where org_id = $1 and external_id like 'I-%'`,
    [orgId],
  );
  await db.query(
    `insert into receivables (org_id, creditor_id, debtor_id, external_id, issue_date, due_date, original_cents, open_cents, status)
     select org_id, creditor_id, debtor_id, 'O-' || id, date '2025-01-01', date '2025-02-01' + (id % 200)::int,
            original_cents, 0, 'paid'
       from receivables where org_id = $1 and external_id like 'I-%'`,
    [orgId],
  );
  await db.query(
    `insert into agreement_originals (org_id, agreement_id, receivable_id, status_before, open_cents_before, updated_cents)
     select a.org_id, a.id, o.id, 'open', o.original_cents, o.original_cents
       from agreements a
       join receivables o on o.org_id = a.org_id and o.external_id = 'O-' || substr(a.request_key, 7)
      where a.org_id = $1`,
    [orgId],
  );
  await db.query(
    `insert into agreement_installments (org_id, agreement_id, number, receivable_id, due_date, amount_cents)
     select a.org_id, a.id, 1, substr(a.request_key, 7)::bigint, r.due_date, r.original_cents
       from agreements a join receivables r on r.org_id = a.org_id and r.id = substr(a.request_key, 7)::bigint
      where a.org_id = $1`,
    [orgId],
  );
  await db.query(
    `insert into payments (org_id, source, natural_key, amount_cents, paid_on, debtor_id, status, matched_by, raw)
     select org_id, 'pix', 'bench:' || id, original_cents, date '2026-03-01' + (id % 31)::int, debtor_id, 'allocated',
            'bench', '{}'
       from receivables where org_id = $1 and external_id not like 'O-%' order by id`,
    [orgId],
  );
  await db.query(
    `insert into payment_allocations (org_id, payment_id, receivable_id, cents)
     select p.org_id, p.id, substr(p.natural_key, 7)::bigint, p.amount_cents from payments p where p.org_id = $1`,
    [orgId],
  );
  await db.query('analyze');
}

/** The same definition as one bare aggregate (no lines, no charged-once check, no carried-over branch). */
const BARE = `
  select count(*)::int as lines, coalesce(sum(a.cents), 0)::bigint as cents
    from payments p
    join payment_allocations a on a.org_id = p.org_id and a.payment_id = p.id
    join receivables r on r.org_id = a.org_id and r.id = a.receivable_id
    left join lateral (
      select min(ro.due_date) as due
        from agreement_installments ai
        join agreement_originals ao on ao.org_id = ai.org_id and ao.agreement_id = ai.agreement_id
        join receivables ro on ro.org_id = ao.org_id and ro.id = ao.receivable_id
       where ai.org_id = a.org_id and ai.receivable_id = a.receivable_id) g on true
   where p.org_id = $1 and r.creditor_id = $2 and p.paid_on between '2026-03-01' and '2026-03-31'
     and p.paid_on > least(r.due_date, g.due)`;

export async function billingBenchmark(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { payments: { type: 'string', default: '100000' }, engine: { type: 'string' } },
    strict: false,
  });
  const n = Number(values.payments);
  const engines: Engine[] = typeof values.engine === 'string' ? [values.engine as Engine] : ['postgres'];
  console.log(
    `billing: the fee statement of a month with ${n.toLocaleString('en')} payments of one creditor`,
  );
  for (const engine of engines) {
    const { db, cleanup } = await openEngine(engine, { name: 'regua_bench_billing' });
    try {
      const { orgId, scope, creditorId } = await benchCreditor(db, { slug: 'bench-billing', name: 'Bench' });
      // A second organization with the same month, which must not count.
      const other = await createOrganization(db, { slug: 'bench-other', name: 'Other' });
      const setup = performance.now();
      await plant(db, orgId, creditorId, n);
      const [otherCreditor] = await db.query<{ id: number }>(
        `insert into creditors (org_id, cnpj, legal_name) values ($1, '11222333000181', 'Other') returning id`,
        [other.id],
      );
      await plant(db, other.id, otherCreditor?.id ?? 0, Math.min(n, 1000));
      await setFeeTerms(db, scope, creditorId, {
        effectiveMonth: '2026-01',
        monthlyFeeCents: 150_000,
        successFeeBasisPoints: null,
        tiers: [
          { fromDays: 1, toDays: 30, basisPoints: 500 },
          { fromDays: 31, toDays: 90, basisPoints: 1000 },
          { fromDays: 91, toDays: null, basisPoints: 1500 },
        ],
      });
      await setIssuer(db, scope, { legalName: 'Bench BPO Ltda', cnpj: '11444777000161', address: null });
      console.log(`  ${engine}: setup ${seconds(setup).toFixed(1)} s`);

      const time = async <T>(run: () => Promise<T>, repeat = 3): Promise<{ best: number; result: T }> => {
        let best = Number.POSITIVE_INFINITY;
        let result: T | undefined;
        for (let i = 0; i < repeat; i++) {
          const started = performance.now();
          result = await run();
          best = Math.min(best, seconds(started));
        }
        return { best, result: result as T };
      };
      const bare = await time(() => db.query<{ lines: number; cents: number }>(BARE, [orgId, creditorId]));
      const preview = await time(() => getStatement(db, scope, creditorId, '2026-03', NOW));
      const s = preview.result;
      const [b] = bare.result;
      if (b?.lines !== s.lines.length || b?.cents !== s.recoveredCents)
        throw new Error(`statement ${s.lines.length}/${s.recoveredCents} ≠ bare SQL ${b?.lines}/${b?.cents}`);
      const perSecond = (lines: number, t: number) => Math.round(lines / t).toLocaleString('en');
      console.log(
        `  ${engine}: preview ${s.lines.length.toLocaleString('en')} lines in ${preview.best.toFixed(3)} s (${perSecond(s.lines.length, preview.best)} lines/s); bare aggregate ${bare.best.toFixed(3)} s; ratio ${(preview.best / bare.best).toFixed(1)}x`,
      );
      const issued = await time(() => issueStatement(db, scope, creditorId, '2026-03', NOW), 1);
      console.log(
        `  ${engine}: issue (stores ${issued.result.statement.lines.length.toLocaleString('en')} lines) ${issued.best.toFixed(3)} s; success fee ${issued.result.statement.successFeeCents} ¢`,
      );
      const again = await time(() => issueStatement(db, scope, creditorId, '2026-03', NOW));
      const next = await time(() => getStatement(db, scope, creditorId, '2026-04', NOW));
      console.log(
        `  ${engine}: issue again (answers the stored one) ${again.best.toFixed(3)} s; next month's preview after it ${next.best.toFixed(3)} s (${next.result.lines.length} lines)`,
      );
    } finally {
      await cleanup();
    }
  }
}
