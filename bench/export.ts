import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { addMember } from '../src/access/accounts.ts';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/client.ts';
import { startRegua } from '../src/server.ts';
import { benchCreditor, type Engine, openEngine } from './engines.ts';

/**
 * `npm run bench -- export`: the CSV export of a creditor's receivables (GET /api/v1/receivables/export.csv,
 * through the real server, session and all), read to the end by an HTTP client. Prints rows/s, MB/s,
 * the process's peak memory above its level before the export, and on PostgreSQL the ratio to a bare
 * `COPY (select the same columns ...) TO STDOUT` of the same rows.
 * Usage: node bench/main.ts export [--receivables N] [--engine postgres|pglite]
 */

const _POSTGRES = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Its own database, so that it never drops the one another benchmark is using. */
const DATABASE = 'regua_bench_export';
const PASSWORD = 'bench-password-1';
const mb = (bytes: number) => bytes / 1024 / 1024;

async function open(
  engine: Engine,
): Promise<{ db: Database; url: string | null; cleanup: () => Promise<void> }> {
  const { db, env, cleanup } = await openEngine(engine, { name: DATABASE });
  return { db, url: env.DATABASE_URL ?? null, cleanup };
}

/** `receivables` receivables of one creditor (4 per debtor, due over two years), written by SQL. */
async function portfolio(db: Database, receivables: number) {
  const bench = await benchCreditor(db, { slug: 'bench-export', name: 'Bench export' });
  const debtors = Math.ceil(receivables / 4);
  await db.query(
    `insert into debtors (org_id, creditor_id, kind, document, name, emails)
     select $1, $2, 'person', lpad(g::text, 11, '0'), 'Devedor ' || g || case when g % 50 = 0 then '; "Filial"' else '' end,
            array['d' || g || '@example.com']
       from generate_series(1, $3) g`,
    [bench.orgId, bench.creditorId, debtors],
  );
  await db.query(
    `insert into receivables (org_id, creditor_id, debtor_id, external_id, document_number, issue_date, due_date,
            original_cents, open_cents, status)
     select d.org_id, d.creditor_id, d.id, 'R-' || d.id || '-' || k, 'NF-' || d.id || k,
            date '2024-11-01' + abs(hashint8(d.id * 16 + k) % 730)::int,
            date '2024-12-01' + abs(hashint8(d.id * 16 + k) % 730)::int,
            1000 + abs(hashint8(d.id * 32 + k) % 500000), 1000 + abs(hashint8(d.id * 32 + k) % 500000), 'open'
       from debtors d cross join generate_series(1, 4) k
      where d.org_id = $1
      limit $2`,
    [bench.orgId, receivables],
  );
  await db.query('analyze debtors, receivables');
  await addMember(db, {
    orgId: bench.orgId,
    email: 'manager@bench.test',
    name: 'Bench',
    password: PASSWORD,
    role: 'manager',
  });
  return bench;
}

/** Reads a whole HTTP body, counting bytes and lines, sampling this process's memory meanwhile. */
async function download(url: string, cookie: string) {
  const before = process.memoryUsage();
  let peak = before.rss;
  let peakHeap = before.heapUsed;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peak = Math.max(peak, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  }, 25);
  const started = performance.now();
  const response = await fetch(url, { headers: { cookie } });
  if (!response.ok || !response.body) throw new Error(`export answered ${response.status}`);
  let bytes = 0;
  let lines = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  return {
    seconds,
    bytes,
    rows: lines - 1,
    peakAboveMb: mb(peak - before.rss),
    peakHeapMb: mb(peakHeap),
  };
}

/** The bare baseline: the same rows and columns through COPY ... TO STDOUT (CSV, ;), read to the end. */
async function copyBaseline(url: string, orgId: number, creditorId: number) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = performance.now();
  const stream = client.query(
    copyTo(`copy (select d.name, d.document, r.external_id, r.document_number, r.installment_number,
                         r.installment_count, to_char(r.issue_date, 'DD/MM/YYYY'), to_char(r.due_date, 'DD/MM/YYYY'),
                         replace((r.original_cents / 100.0)::numeric(20,2)::text, '.', ','),
                         replace((r.open_cents / 100.0)::numeric(20,2)::text, '.', ','),
                         greatest(current_date - r.due_date, 0), r.status, r.nosso_numero, r.pix_txid,
                         r.id, r.debtor_id, r.creditor_id
                    from receivables r join debtors d on d.org_id = r.org_id and d.id = r.debtor_id
                   where r.org_id = ${orgId} and r.creditor_id = ${creditorId}
                   order by r.due_date, r.id) to stdout with (format csv, delimiter ';', header)`),
  );
  let bytes = 0;
  for await (const chunk of stream) bytes += (chunk as Buffer).byteLength;
  const seconds = (performance.now() - started) / 1000;
  await client.end();
  return { seconds, bytes };
}

export async function exportBenchmark(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      receivables: { type: 'string', default: '1000000' },
      engine: { type: 'string' },
      keep: { type: 'boolean' },
    },
    strict: false,
  });
  const receivables = Number(values.receivables);
  const engines: Engine[] = typeof values.engine === 'string' ? [values.engine as Engine] : ['postgres'];
  console.log(`export: CSV export of a creditor's ${receivables.toLocaleString('en')} receivables over HTTP`);
  for (const engine of engines) {
    const { db, url, cleanup } = await open(engine);
    let running: Awaited<ReturnType<typeof startRegua>> | null = null;
    try {
      const setup = performance.now();
      const bench = await portfolio(db, receivables);
      console.log(`  ${engine}: portfolio written in ${((performance.now() - setup) / 1000).toFixed(1)} s`);
      running = await startRegua(
        {
          ...loadConfig({ PORT: '0', REGUA_DEMO: 'false', LOG_LEVEL: 'warn' }),
          secretKey: randomBytes(32),
          runWorker: false,
        },
        { db, logger: false },
      );
      const login = await fetch(`${running.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'manager@bench.test', password: PASSWORD }),
      });
      if (!login.ok) throw new Error(`login failed: ${login.status}`);
      const cookie = login.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      for (const [label, query] of [
        ['the creditor', `creditorId=${bench.creditorId}`],
        ['whole organization (no filter)', ''],
      ] as const) {
        const result = await download(`${running.url}/api/v1/receivables/export.csv?${query}`, cookie);
        if (result.rows !== receivables)
          throw new Error(`exported ${result.rows} rows, expected ${receivables}`);
        console.log(
          `  ${engine}, ${label}: ${result.rows.toLocaleString('en')} rows in ${result.seconds.toFixed(2)} s = ` +
            `${Math.round(result.rows / result.seconds).toLocaleString('en')} rows/s, ${(mb(result.bytes) / result.seconds).toFixed(1)} MB/s ` +
            `(${mb(result.bytes).toFixed(0)} MB); peak RSS +${result.peakAboveMb.toFixed(0)} MB, peak JS heap ${result.peakHeapMb.toFixed(0)} MB ` +
            '(server and client in this process; run with --max-old-space-size=80 to see it bounded)',
        );
        if (url && query !== '') {
          const copy = await copyBaseline(url, bench.orgId, bench.creditorId);
          console.log(
            `  ${engine}, bare COPY (select ...) TO STDOUT of the same rows: ${copy.seconds.toFixed(2)} s ` +
              `(${mb(copy.bytes).toFixed(0)} MB); export / COPY = ${(result.seconds / copy.seconds).toFixed(2)}x`,
          );
        }
      }
    } finally {
      await running?.stop();
      if (values.keep === true) await db.close();
      else await cleanup();
    }
  }
}
