import { parseArgs } from 'node:util';
import { createOrganization } from '../src/access/accounts.ts';
import { scopeFor } from '../src/access/scope.ts';
import type { Database } from '../src/db/client.ts';
import { withTenant } from '../src/db/tenant.ts';
import { candidateRows, findCandidates, paymentLines } from '../src/payments/candidates.ts';
import { createCreditor } from '../src/portfolio/creditors.ts';
import { enginesFrom, openEngine } from './engines.ts';

const _POSTGRES = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Its own database, so it can run beside the other benchmarks (engines.ts uses regua_bench). */
const DATABASE = 'regua_bench_reconcile';

/** The indexes candidates.ts relies on (in the migrations); --no-indexes drops them, to show what they are worth. */
export const RECONCILIATION_INDEXES = [
  'receivables_open_amount_idx',
  'debtors_document_idx',
  'receivables_document_number_idx',
];

const FIRST = [
  'Maria',
  'José',
  'Ana',
  'João',
  'Francisca',
  'Antônio',
  'Adriana',
  'Carlos',
  'Juliana',
  'Paulo',
];
const MIDDLE = [
  'Aparecida',
  'Carlos',
  'Cristina',
  'Eduardo',
  'Helena',
  'Henrique',
  'Luiz',
  'Regina',
  'Augusto',
];
const LAST = [
  'Silva',
  'Santos',
  'Oliveira',
  'Souza',
  'Lima',
  'Pereira',
  'Ferreira',
  'Costa',
  'Rodrigues',
  'Almeida',
];
const sqlArray = (values: string[]) => `array[${values.map((v) => `'${v}'`).join(', ')}]`;

/**
 * The portfolio and the statement, with set-based SQL: `receivables` open receivables of one debtor
 * per four, a third of them at amounts many debtors owe (monthly fees), due over 16 months; `lines`
 * unallocated payments of every kind reconciliation meets: the open balance with the payer's name,
 * an updated total, a partial payment with the CPF, a memo citing the document number, two
 * receivables paid together, unknown payers and bank entries.
 */
async function generate(
  db: Database,
  orgId: number,
  creditorIds: number[],
  receivables: number,
  lines: number,
) {
  const debtors = Math.max(1, Math.floor(receivables / 4));
  await db.query(
    `insert into debtors (org_id, creditor_id, kind, document, name)
     select $1, ($2::bigint[])[1 + g % array_length($2::bigint[], 1)], 'person', lpad((10000000000 + g)::text, 11, '0'),
            (${sqlArray(FIRST)})[1 + g % 10] || ' ' || (${sqlArray(MIDDLE)})[1 + (g / 10) % 9] || ' '
              || (${sqlArray(LAST)})[1 + (g / 90) % 10] || ' ' || (${sqlArray(LAST)})[1 + (g / 900) % 10] || ' ' || g
       from generate_series(1, $3::int) g`,
    [orgId, creditorIds, debtors],
  );
  const [{ first } = { first: 0 }] = await db.query<{ first: number }>(
    'select min(id) as first from debtors where org_id = $1',
    [orgId],
  );
  await db.query(
    `insert into receivables (org_id, creditor_id, debtor_id, external_id, document_number, due_date, original_cents,
            open_cents, status)
     select $1, d.creditor_id, d.id, 'B-' || g, 'NF-' || (100000 + g), date '2025-01-05' + ((g * 37) % 480),
            amount, amount, 'open'
       from generate_series(1, $2::int) g
       join debtors d on d.org_id = $1 and d.id = $3::bigint + (g % $4::int)
       cross join lateral (select case when g % 3 = 0 then (array[9990, 12990, 14990, 15000, 35000, 98000, 125000])[1 + (g / 3) % 7]
                                       else 1000 + (g::bigint * 7919) % 4999000 end as amount) a`,
    [orgId, receivables, first, debtors],
  );
  const [{ low } = { low: 0 }] = await db.query<{ low: number }>(
    'select min(id) as low from receivables where org_id = $1',
    [orgId],
  );
  await db.query(
    `insert into payments (org_id, source, natural_key, amount_cents, paid_on, payer_document, payer_name, reference, status,
            matched_by, raw)
     select $1, 'ofx', 'bench:' || g,
            case k when 0 then r.open_cents when 1 then r.open_cents when 2 then r.open_cents
                   when 3 then r.open_cents * 103 / 100 when 4 then greatest(1, r.open_cents / 2)
                   when 5 then greatest(1, r.open_cents / 3) when 6 then r.open_cents + coalesce(s.open_cents, 0)
                   when 7 then 100 + (g::bigint * 104729) % 900000 else 50 + g % 10000 end,
            r.due_date + (g % 40) - 10,
            case when k in (4, 6) then d.document end,
            case when k in (0, 1, 3) then upper(d.name) when k = 7 then 'FULANO DE TAL ' || g
                 when k = 8 then 'RENDIMENTO APLIC AUTOMATICA' end,
            case when k = 5 then 'PGTO ' || r.document_number when k = 2 then 'TED RECEBIDA' end,
            'unallocated', 'sem correspondência', '{}'
       from generate_series(1, $2::int) g
       cross join lateral (select g % 9 as k) kind
       join receivables r on r.org_id = $1 and r.id = $3::bigint + (g::bigint * 7919) % $4::int
       join debtors d on d.org_id = $1 and d.id = r.debtor_id
       left join receivables s on s.org_id = $1 and s.id = r.id + $5::int and s.debtor_id = r.debtor_id`,
    [orgId, lines, low, receivables, debtors],
  );
}

export async function reconcileBenchmark(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      receivables: { type: 'string', default: '1000000' },
      lines: { type: 'string', default: '100000' },
      batch: { type: 'string', default: '500' },
      engine: { type: 'string' },
      'no-indexes': { type: 'boolean', default: false },
    },
    strict: false,
  });
  const receivables = Number(values.receivables);
  const lines = Number(values.lines);
  const batch = Number(values.batch);
  const withIndexes = values['no-indexes'] !== true;
  console.log(
    `reconcile: ${lines.toLocaleString('en')} statement lines against ${receivables.toLocaleString('en')} open receivables, ` +
      `batches of ${batch}, ${withIndexes ? 'with' : 'WITHOUT'} the reconciliation indexes`,
  );
  for (const engine of enginesFrom(values.engine)) {
    const { db, cleanup } = await openEngine(engine, { name: DATABASE });
    try {
      const org = await createOrganization(db, { slug: 'bench', name: 'Bench' });
      const scope = scopeFor({
        orgId: org.id,
        role: 'admin',
        creditorIds: [],
        userId: null,
        timeZone: org.timeZone,
      });
      const creditorIds: number[] = [];
      for (const cnpj of ['11222333000181', '11444777000161']) {
        creditorIds.push(
          (await createCreditor(db, scope, { cnpj, legalName: cnpj, tradeName: null, segment: null })).id,
        );
      }
      const generating = performance.now();
      await generate(db, org.id, creditorIds, receivables, lines);
      if (!withIndexes) for (const index of RECONCILIATION_INDEXES) await db.query(`drop index ${index}`);
      await db.query('analyze');
      const generated = (performance.now() - generating) / 1000;
      const ids = (
        await db.query<{ id: number }>(
          `select id from payments where org_id = $1 and status = 'unallocated' order by id`,
          [org.id],
        )
      ).map((r) => r.id);
      const batches: number[][] = [];
      for (let i = 0; i < ids.length; i += batch) batches.push(ids.slice(i, i + batch));

      // The baseline: the same payments read and the same candidate join, rows fetched, nothing scored.
      let rows = 0;
      const bare = performance.now();
      for (const chunk of batches) {
        await withTenant(db, org.id, async (tx) => {
          rows += (await candidateRows(tx, org.id, await paymentLines(tx, org.id, chunk))).length;
        });
      }
      const bareSeconds = (performance.now() - bare) / 1000;

      const decisions = { auto: 0, suggest: 0, none: 0 };
      const started = performance.now();
      for (const chunk of batches) {
        const results = await withTenant(db, org.id, (tx) =>
          findCandidates(tx, org.id, chunk, { tables: {} }),
        );
        for (const r of results) decisions[r.decision]++;
      }
      const seconds = (performance.now() - started) / 1000;
      const rate = (n: number, s: number) => Math.round(n / s).toLocaleString('en');
      console.log(
        `  ${engine.padEnd(8)} data ${generated.toFixed(1)} s; findCandidates ${seconds.toFixed(1)} s = ${rate(ids.length, seconds)} lines/s ` +
          `(auto ${decisions.auto}, suggest ${decisions.suggest}, none ${decisions.none}; ${(rows / ids.length).toFixed(1)} candidate rows a line); ` +
          `bare SQL ${bareSeconds.toFixed(1)} s = ${rate(ids.length, bareSeconds)} lines/s; ratio ${(seconds / bareSeconds).toFixed(2)}x bare SQL`,
      );
    } finally {
      await cleanup();
    }
  }
}

if (import.meta.main) await reconcileBenchmark(process.argv.slice(2));
