/**
 * `npm run bench -- report [--receivables N] [--keep]`: the monthly report of a creditor with 1,000,000
 * receivables (the KPI bench's two-year history: payments, balance changes, messages, replies, calls,
 * promises) on PostgreSQL, in a database of its own (`regua_bench_reports`). Times the report's data
 * (two KPI reports, the month and the one before, and the report's own statements), the PDF and the
 * XLSX, against bare aggregate SQL over the same facts.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { Database } from '../src/db/client.ts';
import { openPostgres } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { monthlyReport, reportMonths } from '../src/reports/monthly.ts';
import { monthlyReportPdf } from '../src/reports/pdf.ts';
import { monthlyReportXlsx } from '../src/reports/xlsx.ts';
import { history } from './kpis.ts';

/** The last month closed before the KPI bench's "today" (2026-11-14). */
const MONTH = '2026-10';
const NOW = new Date('2026-11-14T15:00:00Z');
const POSTGRES = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE = 'regua_bench_reports';

const seconds = (from: number) => (performance.now() - from) / 1000;

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: POSTGRES });
  await client.connect();
  await client.query(sql);
  await client.end();
}

/**
 * The baseline: the same facts added up bare, from today's counters, for the month and the month
 * before: the open balance by bucket, credit sales, the balance changes since the month before began,
 * payments and their allocations, messages by channel and status, calls by outcome, promises, agreements.
 */
async function bareAggregates(db: Database, orgId: number, creditorId: number) {
  for (const [from, to] of [
    ['2026-09-01', '2026-09-30'],
    ['2026-10-01', '2026-10-31'],
  ] as const) {
    await db.query(
      `select case when $3::date - due_date <= 0 then 0 when $3::date - due_date <= 30 then 1 when $3::date - due_date <= 60 then 2
                   when $3::date - due_date <= 90 then 3 when $3::date - due_date <= 180 then 4 else 5 end as bucket,
              sum(open_cents), count(*), sum(original_cents) filter (where issue_date between $4 and $3)
         from receivables where org_id = $1 and creditor_id = $2 and status in ('open', 'partially_paid')
        group by 1`,
      [orgId, creditorId, to, from],
    );
    await db.query(
      `select sum((changes #>> '{open_cents,0}')::bigint - (changes #>> '{open_cents,1}')::bigint), count(*)
         from receivable_changes where org_id = $1 and changed_at >= $2::date`,
      [orgId, from],
    );
    await db.query(
      `select p.paid_on, p.source, count(*), sum(a.cents)
         from payments p join payment_allocations a on a.org_id = p.org_id and a.payment_id = p.id
        where p.org_id = $1 and p.paid_on between $2 and $3 group by 1, 2`,
      [orgId, from, to],
    );
    await db.query(
      `select channel, status, count(*), sum(cost_cents) from outbound_messages
        where org_id = $1 and creditor_id = $2 and sent_at >= $3::date and sent_at < $4::date + 1 group by 1, 2`,
      [orgId, creditorId, from, to],
    );
    await db.query(
      `select outcome, count(*) from collector_tasks
        where org_id = $1 and status = 'done' and done_at >= $2::date and done_at < $3::date + 1 group by 1`,
      [orgId, from, to],
    );
    await db.query(
      `select (select count(*) from collection_holds where org_id = $1 and kind = 'promise' and until_date between $2 and $3),
              (select count(*) from agreements where org_id = $1 and created_at >= $2::date and created_at < $3::date + 1)`,
      [orgId, from, to],
    );
  }
}

async function timed(runs: number, run: () => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    times.push(seconds(started));
  }
  const sorted = [...times].sort((x, y) => x - y);
  return { best: sorted[0] ?? 0, median: sorted[Math.floor(sorted.length / 2)] ?? 0 };
}

export async function reportsBenchmark(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { receivables: { type: 'string', default: '1000000' }, keep: { type: 'boolean' } },
    strict: false,
  });
  const receivables = Number(values.receivables);
  console.log(
    `report: the monthly report (${MONTH}) of a creditor with ${receivables.toLocaleString('en')} receivables, PostgreSQL`,
  );
  await admin(`drop database if exists ${DATABASE} with (force)`);
  await admin(`create database ${DATABASE}`);
  const url = new URL(POSTGRES);
  url.pathname = `/${DATABASE}`;
  const db = await openPostgres(url.toString());
  try {
    await migrate(db);
    const setup = performance.now();
    const { scope, creditorId } = await history(db, receivables);
    await db.query('vacuum analyze');
    console.log(`  setup ${seconds(setup).toFixed(0)} s`);
    const request = { creditorId, month: MONTH };
    let report = await monthlyReport(db, scope, request, { now: NOW });
    const data = await timed(5, async () => {
      report = await monthlyReport(db, scope, request, { now: NOW });
    });
    const bare = await timed(5, () => bareAggregates(db, scope.orgId, creditorId));
    const months = await timed(5, () => reportMonths(db, scope, creditorId, { now: NOW }));
    const pdf = await timed(3, () => monthlyReportPdf(report));
    const xlsx = await timed(3, () => monthlyReportXlsx(report));
    const pdfBytes = (await monthlyReportPdf(report)).byteLength;
    const xlsxBytes = (await monthlyReportXlsx(report)).byteLength;
    console.log(
      `  report data ${data.best.toFixed(2)} s best, ${data.median.toFixed(2)} s median; bare aggregate SQL ` +
        `${bare.best.toFixed(2)} s best; ratio ${(data.best / bare.best).toFixed(2)}x (load average ${loadavg()[0]?.toFixed(1)})`,
    );
    console.log(`  months list ${months.best.toFixed(3)} s best, ${months.median.toFixed(3)} s median`);
    console.log(
      `  PDF ${pdf.best.toFixed(3)} s (${(pdfBytes / 1024).toFixed(0)} KiB); XLSX ${xlsx.best.toFixed(3)} s (${(xlsxBytes / 1024).toFixed(0)} KiB)`,
    );
    console.log(
      `  portfolio ${report.portfolio.totalCents} cents in ${report.portfolio.count} receivables; collected ${report.recovery.collectedCents} cents; ` +
        `${report.actions.byChannel.reduce((n, c) => n + c.total, 0)} messages, ${report.actions.calls.done} calls`,
    );
  } finally {
    await db.close();
    if (values.keep !== true) await admin(`drop database if exists ${DATABASE} with (force)`);
  }
}

if (import.meta.main) await reportsBenchmark(process.argv.slice(2));
