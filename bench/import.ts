import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createOrganization } from '../src/access/accounts.ts';
import { scopeFor } from '../src/access/scope.ts';
import type { Database } from '../src/db/client.ts';
import { createRandom } from '../src/demo/random.ts';
import { createImport, runImport } from '../src/imports/run.ts';
import { createCreditor } from '../src/portfolio/creditors.ts';
import { cpfFromBase } from '../src/shared/documents.ts';
import { openEngine } from './engines.ts';

const DATA_DIR = join(import.meta.dirname, '.data');

/** A receivables export like an ERP's: 1 debtor per 4 rows, Brazilian formats, some contacts. */
async function generate(rows: number): Promise<string> {
  mkdirSync(DATA_DIR, { recursive: true });
  const path = join(DATA_DIR, `receivables-${rows}.csv`);
  if (existsSync(path)) return path;
  const random = createRandom(42);
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('id;documento;cpf_cnpj;nome;email;telefone;uf;emissao;vencimento;valor;saldo\n');
  const debtors = Math.max(1, Math.floor(rows / 4));
  const cpfs = Array.from({ length: debtors }, (_, i) => cpfFromBase(String(100_000_000 + i * 7)));
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const d = i % debtors;
    const cents = random.int(1_000, 5_000_000);
    const day = String(random.int(1, 28)).padStart(2, '0');
    const month = String(random.int(1, 12)).padStart(2, '0');
    const amount = `${Math.floor(cents / 100).toLocaleString('pt-BR')},${String(cents % 100).padStart(2, '0')}`;
    chunk += `B-${i};NF-${i};${cpfs[d]};Devedor ${d};devedor${d}@example.com;(11) 9${String(80_000_000 + d).slice(0, 8)};SP;01/${month}/2025;${day}/${month}/2026;${amount};${amount}\n`;
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  out.end();
  await once(out, 'finish');
  return path;
}

/** The baseline: the rows the import wrote, as CSV, COPYed bare into the same (emptied) table. */
async function copyBaseline(db: Database, orgId: number): Promise<number> {
  const columns = [
    'org_id',
    'creditor_id',
    'debtor_id',
    'external_id',
    'document_number',
    'issue_date',
    'due_date',
    'original_cents',
    'open_cents',
    'status',
  ];
  const rows = await db.query<Record<string, unknown>>(
    `select ${columns.join(', ')} from receivables where org_id = $1`,
    [orgId],
  );
  const csv = rows.map((r) => columns.map((c) => String(r[c] ?? '')).join(',')).join('\n');
  await db.query('delete from receivable_changes');
  await db.query('delete from receivables');
  const started = performance.now();
  await db.copyCsv('receivables', columns, `${csv}\n`);
  return (performance.now() - started) / 1000;
}

export async function importBenchmark(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { rows: { type: 'string', default: '1000000' }, engine: { type: 'string' } },
    strict: false,
  });
  const rows = Number(values.rows);
  const engines = (typeof values.engine === 'string' ? [values.engine] : ['postgres', 'pglite']) as (
    | 'pglite'
    | 'postgres'
  )[];
  const file = await generate(rows);
  const mb = statSync(file).size / 1048576;
  console.log(`import: ${rows.toLocaleString('en')} rows, ${mb.toFixed(0)} MB CSV (${file})`);
  for (const engine of engines) {
    const { db, cleanup } = await openEngine(engine);
    try {
      const org = await createOrganization(db, { slug: 'bench', name: 'Bench' });
      const scope = scopeFor({
        orgId: org.id,
        role: 'admin',
        creditorIds: [],
        userId: null,
        timeZone: org.timeZone,
      });
      const creditor = await createCreditor(db, scope, {
        cnpj: '11222333000181',
        legalName: 'Bench',
        tradeName: null,
        segment: null,
      });
      const id = await createImport(db, scope, {
        creditorId: creditor.id,
        source: 'csv',
        filename: 'bench.csv',
        totalBytes: null,
      });
      const rssBefore = process.memoryUsage().rss;
      let peakRss = rssBefore;
      const started = performance.now();
      const result = await runImport(
        db,
        scope,
        id,
        { format: 'csv', bytes: createReadStream(file, { highWaterMark: 256 * 1024 }) },
        {
          onProgress: () => {
            peakRss = Math.max(peakRss, process.memoryUsage().rss);
          },
        },
      );
      const seconds = (performance.now() - started) / 1000;
      const again = performance.now();
      const id2 = await createImport(db, scope, {
        creditorId: creditor.id,
        source: 'csv',
        filename: 'bench.csv',
        totalBytes: null,
      });
      const second = await runImport(db, scope, id2, {
        format: 'csv',
        bytes: createReadStream(file, { highWaterMark: 256 * 1024 }),
      });
      const reimportSeconds = (performance.now() - again) / 1000;
      const copySeconds = await copyBaseline(db, org.id);
      const rate = Math.round(rows / seconds);
      console.log(
        `  ${engine.padEnd(8)} import ${seconds.toFixed(1)} s = ${rate.toLocaleString('en')} rows/s (imported ${result.imported}, rejected ${result.rejected}); ` +
          `re-import ${reimportSeconds.toFixed(1)} s (${second.unchanged} unchanged); bare COPY ${copySeconds.toFixed(1)} s = ` +
          `${Math.round(rows / copySeconds).toLocaleString('en')} rows/s; ratio ${(seconds / copySeconds).toFixed(2)}x COPY; peak RSS ${Math.round(peakRss / 1048576)} MB`,
      );
    } finally {
      await cleanup();
    }
  }
}
