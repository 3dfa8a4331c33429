#!/usr/bin/env node
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createApiKey, findOrganizationBySlug } from '../access/accounts.ts';
import { ROLES, type Role } from '../access/schema.ts';
import { type Scope, scopeFor } from '../access/scope.ts';
import { verifyAudit } from '../audit/log.ts';
import { dispatchBatch } from '../channels/dispatcher.ts';
import { sandboxRegistry } from '../channels/sandbox.ts';
import { type Config, loadConfig } from '../config.ts';
import { backupEmbedded, restoreEmbedded } from '../db/backup.ts';
import type { Database } from '../db/client.ts';
import { DataDirLocked, readLock } from '../db/lock.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open.ts';
import { seedDemo } from '../demo/seed.ts';
import { planAll } from '../dunning/planner.ts';
import { simulateCadence } from '../dunning/simulate.ts';
import { IMPORT_JOB } from '../imports/jobs.ts';
import {
  createImport,
  type ImportProgress,
  type ImportRecord,
  listImportErrors,
  runImport,
} from '../imports/run.ts';
import { runAsJob } from '../jobs/queue.ts';
import { applyRetention } from '../lgpd/anonymize.ts';
import { importPaymentFile } from '../payments/intake.ts';
import { findCreditor } from '../portfolio/creditors.ts';
import { SCORE_USAGE, scoreCommand } from '../scoring/cli.ts';
import { banner, startRegua } from '../server.ts';
import { isCalendarDate } from '../shared/dates.ts';
import { Problem } from '../shared/problem.ts';
import { startBackground } from '../worker.ts';
import { ensureWebBuilt } from './web.ts';

const USAGE = `Régua: collections platform

Usage:
  regua start                              start the server (http://localhost:3000)
  regua demo [--seed N]                    create the demo organizations if missing
  regua import --org SLUG --creditor CNPJ_OR_ID FILE [--json] [--map field=Header,...] [--format csv|json]
  regua api-key create --org SLUG --name NAME [--role manager]
  regua plan [--date YYYY-MM-DD] [--json]  plan the day's contacts for every organization (idempotent)
  regua dispatch                           send every due message in the outbox, then stop
  regua simulate --creditor ID [--days 90] [--cadence VERSION] [--json]
                                           run a régua forward on a scratch copy of the portfolio
  regua worker                             run background work (jobs, dispatcher, scheduler) without HTTP
  regua payments import --org SLUG FILE [--json]
                                           take in a CNAB 240/400 retorno or an OFX statement
  regua lgpd retention [--dry-run]         anonymize debtors whose debts closed more than 5 years ago
  regua migrate                            bring the database schema up to date
  ${SCORE_USAGE}
  regua audit verify [--org SLUG]          check every organization's audit trail for tampering
  regua backup [FILE]                      back up the embedded database (stop the server first)
  regua restore FILE [--force]             restore a backup into the embedded data directory

Settings come from the environment (DATABASE_URL, REGUA_DATA_DIR, PORT, ...): see README.md.`;

class UsageError extends Error {}

async function withDatabase<T>(config: Config, fn: (db: Database) => Promise<T>): Promise<T> {
  const { db, release } = await openDatabase(config, { kind: 'cli' });
  try {
    return await fn(db);
  } finally {
    await db.close();
    release();
  }
}

async function orgScope(db: Database, slug: string): Promise<Scope> {
  const org = await findOrganizationBySlug(db, slug);
  if (!org) throw new UsageError(`there is no organization "${slug}"`);
  return scopeFor({ orgId: org.id, role: 'admin', creditorIds: [], userId: null, timeZone: org.timeZone });
}

function parseMap(text: string | undefined): Record<string, string> {
  if (!text) return {};
  const mapping: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const [field, header] = pair.split('=');
    if (!field || !header)
      throw new UsageError(`--map takes field=Header pairs separated by commas, got "${pair}"`);
    mapping[field.trim()] = header.trim();
  }
  return mapping;
}

function progressLine(p: ImportProgress, startedAt: number): string {
  const seconds = (Date.now() - startedAt) / 1000;
  const rate = Math.round(p.processedRows / Math.max(seconds, 0.001));
  const percent = p.totalBytes
    ? ` ${Math.min(100, Math.floor((p.processedBytes / p.totalBytes) * 100))}%`
    : '';
  return `importing:${percent} ${p.processedRows.toLocaleString('en')} rows (${rate.toLocaleString('en')} rows/s) new ${p.imported}, updated ${p.updated}, unchanged ${p.unchanged}, rejected ${p.rejected}`;
}

type ErrorItem = { line: number; column: string; value: string; reason: string };

async function printResult(record: ImportRecord, json: boolean, errors: () => AsyncGenerator<ErrorItem>) {
  if (json) {
    // One JSON object, errors streamed so a large report never sits in memory whole.
    process.stdout.write(
      `{"imported":${record.imported},"updated":${record.updated},"unchanged":${record.unchanged},"rejected":${record.rejected}` +
        `${record.status === 'failed' ? `,"failed":${JSON.stringify(record.errorMessage)}` : ''},"errors":[`,
    );
    let first = true;
    if (record.status === 'failed') {
      process.stdout.write(JSON.stringify({ line: 0, column: '', value: '', reason: record.errorMessage }));
      first = false;
    }
    for await (const e of errors()) {
      process.stdout.write(
        `${first ? '' : ','}${JSON.stringify({ line: e.line, column: e.column, value: e.value, reason: e.reason })}`,
      );
      first = false;
    }
    process.stdout.write(']}\n');
    return;
  }
  if (record.status === 'failed') {
    console.error(`Import failed: ${record.errorMessage}`);
    return;
  }
  console.log(
    `Imported ${record.imported} new, updated ${record.updated}, unchanged ${record.unchanged}, rejected ${record.rejected} (import #${record.id}).`,
  );
  let shown = 0;
  for await (const e of errors()) {
    if (shown++ >= 50) {
      console.log(`  ... see all ${record.rejected} rejected rows with --json`);
      break;
    }
    console.log(
      `  line ${e.line}${e.column ? `, ${e.column}` : ''}${e.value ? ` "${e.value}"` : ''}: ${e.reason}`,
    );
  }
}

async function simulateCommand(config: Config, args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      creditor: { type: 'string' },
      days: { type: 'string', default: '90' },
      cadence: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const creditorId = Number(values.creditor);
  const days = Number(values.days);
  if (!Number.isSafeInteger(creditorId) || creditorId <= 0)
    throw new UsageError('usage: regua simulate --creditor ID [--days 90] [--cadence VERSION] [--json]');
  return withDatabase(config, async (db) => {
    const [owner] = await db.query<{ slug: string }>(
      'select o.slug from creditors c join organizations o on o.id = c.org_id where c.id = $1',
      [creditorId],
    );
    if (!owner) throw new UsageError(`there is no creditor ${creditorId}`);
    const scope = await orgScope(db, owner.slug);
    let versionId: number | undefined;
    if (values.cadence !== undefined) {
      const number = Number(values.cadence.replace(/^v/i, ''));
      const [version] = await db.query<{ id: number }>(
        `select v.id from cadence_versions v where v.org_id = $1 and v.creditor_id = $2 and v.version = $3
          order by (select bool_or(o.status = 'active') from cadence_versions o where o.cadence_id = v.cadence_id) desc nulls last,
                   v.cadence_id desc limit 1`,
        [scope.orgId, creditorId, number],
      );
      if (!version) throw new UsageError(`creditor ${creditorId} has no cadence version ${values.cadence}`);
      versionId = version.id;
    }
    const result = await simulateCadence(db, scope, { creditorId, days, versionId });
    if (values.json) {
      console.log(JSON.stringify(result));
      return;
    }
    const brl = (cents: number) =>
      `R$ ${(cents / 100).toLocaleString('pt-BR', { minimumFractionDigits: 2 })}`;
    console.log(
      `Régua v${result.version} over ${result.days} days from ${result.startDate}: ${result.receivables} open receivables of ${result.debtors} debtors (${brl(result.openCentsAtStart)}).`,
    );
    for (const point of result.series.filter((_, i) => i % 15 === 14 || i === result.series.length - 1)) {
      console.log(
        `  day ${String(point.day + 1).padStart(3)} ${point.date}: recovered ${brl(point.cumulativeRecoveredCents)}`,
      );
    }
    const t = result.totals;
    console.log(
      `Contacts ${t.contacts} (${Object.entries(t.byChannel)
        .map(([k, v]) => `${k} ${v}`)
        .join(
          ', ',
        )}), cost ${brl(t.costCents)}, recovered ${brl(t.recoveredCents)} (${(t.recoveryRate * 100).toFixed(1)}%).`,
    );
    console.log(result.model.note);
  });
}

async function planCommand(config: Config, args: string[]) {
  const { values } = parseArgs({
    args,
    options: { date: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (values.date !== undefined && !isCalendarDate(values.date))
    throw new UsageError(`--date takes a date as YYYY-MM-DD, got "${values.date}"`);
  return withDatabase(config, async (db) => {
    const result = await planAll(db, { date: values.date });
    if (values.json) {
      const { date, planned, skipped, byChannel, byReason, businessDay, organizations } = result;
      console.log(
        JSON.stringify({ date, planned, skipped, byChannel, byReason, businessDay, organizations }),
      );
      return;
    }
    for (const org of result.organizations) {
      if (!org.businessDay) {
        console.log(`${org.slug}: ${org.date} is not a business day; nothing planned.`);
        continue;
      }
      const channels =
        Object.entries(org.byChannel)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || 'none';
      const reasons =
        Object.entries(org.byReason)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || 'none';
      console.log(
        `${org.slug} ${org.date}: planned ${org.planned} contacts (${channels}); skipped ${org.skipped} (${reasons}).`,
      );
    }
  });
}

async function importCommand(config: Config, args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      org: { type: 'string' },
      creditor: { type: 'string' },
      json: { type: 'boolean', default: false },
      map: { type: 'string' },
      format: { type: 'string' },
    },
  });
  const file = positionals[0];
  if (!values.org || !values.creditor || !file)
    throw new UsageError('usage: regua import --org SLUG --creditor CNPJ_OR_ID FILE [--json]');
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const format = values.format ?? (/\.json$/i.test(file) ? 'json' : 'csv');
  if (format !== 'csv' && format !== 'json') throw new UsageError('--format is csv or json');
  const mapping = parseMap(values.map);
  const totalBytes = statSync(file).size;
  const startedAt = Date.now();
  const showProgress = (p: ImportProgress) => {
    if (process.stderr.isTTY) process.stderr.write(`\r${progressLine(p, startedAt)}\x1b[K`);
    else if (p.processedRows % 100_000 < 5_000) process.stderr.write(`${progressLine(p, startedAt)}\n`);
  };

  if (!config.databaseUrl) {
    const holder = readLock(config.dataDir);
    if (holder?.kind === 'server' && holder.url && holder.token) {
      process.stderr.write(
        `The Régua server (pid ${holder.pid}) holds the embedded database; importing through it at ${holder.url}.\n`,
      );
      return importThroughServer(holder.url, holder.token, {
        org: values.org,
        creditor: values.creditor,
        file,
        format,
        mapping,
        json: values.json,
      });
    }
  }
  await withDatabase(config, async (db) => {
    const scope = await orgScope(db, values.org as string);
    const creditor = await findCreditor(db, scope, values.creditor as string);
    const importId = await createImport(db, scope, {
      creditorId: creditor.id,
      source: format,
      filename: basename(file),
      mapping,
      totalBytes,
    });
    const record = await runAsJob(
      db,
      {
        kind: IMPORT_JOB,
        orgId: scope.orgId,
        payload: { importId, format, mapping, local: true },
        leaseMs: 60_000,
      },
      (extendLease) =>
        runImport(
          db,
          scope,
          importId,
          { format, bytes: createReadStream(file, { highWaterMark: 256 * 1024 }), mapping },
          { onProgress: showProgress, onBatch: extendLease },
        ),
    );
    if (process.stderr.isTTY) process.stderr.write('\n');
    await printResult(record, values.json, async function* () {
      for (let offset = 0; ; offset += 10_000) {
        const page = await listImportErrors(db, scope, importId, { limit: 10_000, offset });
        yield* page.items;
        if (page.items.length < 10_000) return;
      }
    });
    if (record.status === 'failed') process.exitCode = 1;
  });
}

async function importThroughServer(
  url: string,
  token: string,
  input: {
    org: string;
    creditor: string;
    file: string;
    format: string;
    mapping: Record<string, string>;
    json: boolean;
  },
) {
  const headers = { authorization: `Bearer ${token}`, 'x-regua-org': input.org };
  const query = new URLSearchParams({
    creditorId: input.creditor,
    filename: basename(input.file),
    wait: 'true',
  });
  if (Object.keys(input.mapping).length > 0) query.set('mapping', JSON.stringify(input.mapping));
  const response = await fetch(`${url}/api/v1/imports?${query}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': input.format === 'json' ? 'application/json' : 'text/csv' },
    body: Readable.toWeb(createReadStream(input.file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  const body = (await response.json()) as ImportRecord & { detail?: string };
  if (!response.ok) throw new UsageError(body.detail ?? `the server answered ${response.status}`);
  await printResult(body, input.json, async function* () {
    for (let offset = 0; ; offset += 10_000) {
      const page = await fetch(`${url}/api/v1/imports/${body.id}/errors?limit=10000&offset=${offset}`, {
        headers,
      });
      const { items } = (await page.json()) as { items: ErrorItem[] };
      yield* items;
      if (items.length < 10_000) return;
    }
  });
  if (body.status === 'failed') process.exitCode = 1;
}

async function startCommand(config: Config) {
  await ensureWebBuilt((line) => console.log(line));
  const running = await startRegua(config, { log: (line) => console.log(line) });
  console.log(banner(running, config));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping...');
    await running.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'start':
      return startCommand(config);
    case 'import':
      return importCommand(config, rest);
    case 'demo': {
      const { values } = parseArgs({ args: rest, options: { seed: { type: 'string' } } });
      return withDatabase(config, async (db) => {
        const result = await seedDemo(db, {
          seed: values.seed ? Number(values.seed) : undefined,
          log: (l) => console.log(l),
        });
        console.log(
          result.created
            ? `Demo created: ${result.debtors} debtors, ${result.receivables} receivables.`
            : 'The demo organization already exists.',
        );
      });
    }
    case 'plan':
      return planCommand(config, rest);
    case 'simulate':
      return simulateCommand(config, rest);
    case 'dispatch':
      return withDatabase(config, async (db) => {
        const workerId = `cli:${process.pid}`;
        const total = { sent: 0, deferred: 0, retrying: 0, failed: 0, cancelled: 0 };
        const channels = sandboxRegistry(db);
        for (;;) {
          const outcome = await dispatchBatch(db, {
            workerId,
            channels,
            batchSize: config.dispatchBatchSize,
            leaseMs: config.dispatchLeaseMs,
          });
          for (const key of Object.keys(total) as Array<keyof typeof total>) total[key] += outcome[key];
          if (outcome.claimed < config.dispatchBatchSize) break;
        }
        console.log(
          `Sent ${total.sent}, deferred to the contact window ${total.deferred}, retrying ${total.retrying}, failed ${total.failed}, cancelled ${total.cancelled}.`,
        );
      });
    case 'worker':
      return withDatabase(config, async (db) => {
        const background = await startBackground(db, config, {
          log: (line) => console.log(line),
          onError: (error, what) => console.error(`${what} failed:`, error),
        });
        console.log(
          `Worker ${process.pid} running (jobs, dispatcher${config.runScheduler ? ', scheduler' : ''}). Ctrl+C to stop.`,
        );
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await background.stop();
      });
    case 'payments': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { org: { type: 'string' }, json: { type: 'boolean', default: false } },
      });
      const file = positionals[1];
      if (positionals[0] !== 'import' || !file || !values.org)
        throw new UsageError('usage: regua payments import --org SLUG FILE [--json]');
      if (!existsSync(file)) throw new UsageError(`there is no file ${file}`);
      return withDatabase(config, async (db) => {
        const scope = { ...(await orgScope(db, values.org as string)), actor: 'cli' };
        const { readFileSync } = await import('node:fs');
        const result = await importPaymentFile(db, scope, {
          filename: basename(file),
          bytes: readFileSync(file),
        });
        if (values.json) {
          console.log(JSON.stringify(result));
          return;
        }
        const brl = (cents: number) =>
          `R$ ${(cents / 100).toLocaleString('pt-BR', { minimumFractionDigits: 2 })}`;
        console.log(
          `${result.format}: ${result.payments} payment(s) taken in (${result.allocated} allocated, ${result.partiallyAllocated} with credit left, ${result.unallocated} to reconcile), ${result.duplicates} already known${result.seenBefore ? ' (this file was imported before)' : ''}; ${brl(result.allocatedCents)} applied, ${brl(result.creditCents)} as credit.`,
        );
        for (const e of result.errors) console.log(`  line ${e.line}: ${e.reason}`);
        if (result.ignored.length)
          console.log(`  ${result.ignored.length} line(s) are not payments (e.g. entries confirmed).`);
      });
    }
    case 'lgpd': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { 'dry-run': { type: 'boolean', default: false } },
      });
      if (positionals[0] !== 'retention') throw new UsageError('usage: regua lgpd retention [--dry-run]');
      return withDatabase(config, async (db) => {
        const result = await applyRetention(db, new Date(), { dryRun: values['dry-run'] });
        console.log(
          result.dryRun
            ? `${result.anonymized} debtor record(s) are past the 5-year retention and would be anonymized.`
            : `Anonymized ${result.anonymized} debtor record(s) past the 5-year retention.`,
        );
      });
    }
    case 'score':
      return withDatabase(config, (db) => scoreCommand(db, rest, (line) => console.log(line)));
    case 'migrate':
      return withDatabase(config, async (db) => {
        const applied = await migrate(db);
        console.log(applied.length ? `Applied ${applied.join(', ')}` : 'The schema is up to date.');
      });
    case 'api-key': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          org: { type: 'string' },
          name: { type: 'string' },
          role: { type: 'string', default: 'manager' },
        },
      });
      if (positionals[0] !== 'create' || !values.org || !values.name)
        throw new UsageError('usage: regua api-key create --org SLUG --name NAME [--role ROLE]');
      if (!(ROLES as readonly string[]).includes(values.role))
        throw new UsageError(`--role is one of ${ROLES.join(', ')}`);
      return withDatabase(config, async (db) => {
        const scope = await orgScope(db, values.org as string);
        const key = await createApiKey(db, {
          orgId: scope.orgId,
          name: values.name as string,
          role: values.role as Role,
        });
        console.log(`API key #${key.id} (shown once, keep it safe): ${key.key}`);
      });
    }
    case 'audit': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { org: { type: 'string' } },
      });
      if (positionals[0] !== 'verify') throw new UsageError('usage: regua audit verify [--org SLUG]');
      return withDatabase(config, async (db) => {
        const orgs = values.org
          ? [await orgScope(db, values.org)].map((s) => ({ id: s.orgId, slug: values.org as string }))
          : await db.query<{ id: number; slug: string }>('select id, slug from organizations order by id');
        let broken = 0;
        for (const org of orgs) {
          const result = await verifyAudit(db, org.id);
          if (result.problems.length === 0) {
            console.log(`${org.slug}: ${result.entries} entries, chain intact.`);
            continue;
          }
          broken++;
          console.log(`${org.slug}: ${result.entries} entries, ${result.problems.length} problem(s):`);
          for (const p of result.problems) console.log(`  entry ${p.seq}: ${p.reason}`);
        }
        if (broken > 0) process.exitCode = 1;
      });
    }
    case 'backup': {
      if (config.databaseUrl) {
        throw new UsageError('with DATABASE_URL, back up PostgreSQL with pg_dump (see README.md)');
      }
      const file = rest[0] ?? `regua-backup-${new Date().toISOString().replace(/[:.]/g, '-')}.tar.gz`;
      const { bytes } = await backupEmbedded(config.dataDir, file);
      console.log(`Backed up ${config.dataDir} to ${file} (${(bytes / 1048576).toFixed(1)} MB).`);
      return;
    }
    case 'restore': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { force: { type: 'boolean', default: false } },
      });
      const file = positionals[0];
      if (!file || !existsSync(file)) throw new UsageError('usage: regua restore FILE [--force]');
      if (config.databaseUrl)
        throw new UsageError('with DATABASE_URL, restore PostgreSQL with pg_restore or psql (see README.md)');
      const { keptAside } = await restoreEmbedded(file, config.dataDir, { force: values.force });
      console.log(
        `Restored ${file} into ${config.dataDir}.${keptAside ? ` The previous database was kept in ${keptAside}.` : ''}`,
      );
      return;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return;
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

/** Errors whose message is meant for the person at the terminal (no stack trace). */
function isPlainError(error: unknown): error is Error {
  return (
    error instanceof Error && /there is no embedded database|already holds a database/.test(error.message)
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (
    error instanceof UsageError ||
    error instanceof DataDirLocked ||
    error instanceof Problem ||
    isPlainError(error)
  ) {
    const hint =
      error instanceof DataDirLocked
        ? '\nStop it first, or set DATABASE_URL to use PostgreSQL, which many processes can share.'
        : '';
    console.error(`regua: ${error.message}${hint}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
