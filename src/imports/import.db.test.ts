import { describe, expect, it } from 'vitest';
import { bytesOf, importCsv, SAMPLE_CSV, seededDatabaseForFile } from '../../test/support/seed.ts';
import { listReceivables } from '../portfolio/receivables.ts';
import { batchSize, createImport, getImport, listImportErrors, runImport } from './run.ts';

const fixture = seededDatabaseForFile();

const count = async (sql: string, params: unknown[] = []) =>
  (await fixture.db.query<{ n: number }>(`select count(*)::int as n from ${sql}`, params))[0]?.n ?? 0;

describe('importing receivables', () => {
  it('importing the same file again changes nothing', async () => {
    const { scope, creditorId } = fixture.seeded.a;
    const before = await count('receivable_changes');
    const result = await importCsv(fixture.db, scope, creditorId, SAMPLE_CSV);
    expect(result).toMatchObject({ status: 'completed', imported: 0, updated: 0, unchanged: 3, rejected: 0 });
    expect(await count('receivable_changes')).toBe(before);
  });

  it('a changed file updates what changed, records before and after, and deletes nothing', async () => {
    const { scope, creditorId } = fixture.seeded.a;
    const changed = `id;cpf_cnpj;nome;vencimento;valor;saldo
T-1;529.982.247-25;Maria da Silva;31/01/2026;1.234,56;234,56
T-9;529.982.247-25;Maria da Silva;15/04/2026;80,00;80,00
`;
    const result = await importCsv(fixture.db, scope, creditorId, changed);
    expect(result).toMatchObject({ imported: 1, updated: 1, unchanged: 0, rejected: 0 });
    const [change] = await fixture.db.query<{ changes: Record<string, [unknown, unknown]> }>(
      `select c.changes from receivable_changes c join receivables r on r.org_id = c.org_id and r.id = c.receivable_id
        where r.external_id = 'T-1' and c.import_id = $1`,
      [result.id],
    );
    expect(change?.changes).toEqual({ open_cents: [123456, 23456], status: ['open', 'partially_paid'] });
    // T-2 and T-3 were not in this file and are still there, untouched.
    const { items } = await listReceivables(fixture.db, scope, { creditorId });
    expect(items.map((r) => r.externalId).sort()).toEqual(['T-1', 'T-2', 'T-3', 'T-9']);
  });

  it('keeps the good rows and reports each bad one with line, column, value and reason', async () => {
    const { scope, otherCreditorId } = fixture.seeded.a;
    const csv = `id;cpf_cnpj;nome;vencimento;valor;emissao
G-1;390.533.447-05;Bom Pagador;10/05/2026;10,00;01/05/2026
G-2;123.456.789-00;CPF Errado;10/05/2026;10,00;
G-3;390.533.447-05;Bom Pagador;31/02/2026;10,00;
G-4;390.533.447-05;Bom Pagador;10/05/2026;-3,00;
G-5;390.533.447-05;Bom Pagador;10/05/2026;10,00;20/05/2026
G-1;390.533.447-05;Repetido;10/05/2026;11,00;
G-6;390.533.447-05;Bom Pagador;11/05/2026;12,00;
`;
    const result = await importCsv(fixture.db, scope, otherCreditorId, csv);
    expect(result).toMatchObject({ status: 'completed', imported: 2, rejected: 5 });
    const errors = await listImportErrors(fixture.db, scope, result.id);
    expect(errors.items.map((e) => [e.line, e.column, e.value, e.code])).toEqual([
      [3, 'cpf_cnpj', '123.456.789-00', 'invalid_cpf'],
      [4, 'vencimento', '31/02/2026', 'invalid_date'],
      [5, 'valor', '-3,00', 'negative_amount'],
      [6, 'vencimento', '10/05/2026', 'due_before_issue'],
      [7, 'externalId', 'G-1', 'duplicate_external_id'],
    ]);
    expect(errors.items[4]?.reason).toMatch(/line 2/);
  });

  it('finds duplicates that fall in different batches of a large file', async () => {
    const { scope, otherCreditorId } = fixture.seeded.a;
    const lines = ['id;cpf_cnpj;nome;vencimento;valor'];
    for (let i = 0; i < 12_000; i++) lines.push(`BIG-${i};390.533.447-05;Grande;10/05/2026;1,00`);
    lines.push('BIG-7;390.533.447-05;Grande;10/05/2026;2,00');
    const result = await importCsv(fixture.db, scope, otherCreditorId, `${lines.join('\n')}\n`);
    expect(result).toMatchObject({ imported: 12_000, rejected: 1, processedRows: 12_001 });
    const errors = await listImportErrors(fixture.db, scope, result.id);
    expect(errors.items[0]).toMatchObject({ line: 12_002, code: 'duplicate_external_id' });
  });

  it('reads Windows-1252 files and comma separators', async () => {
    const { scope, otherCreditorId } = fixture.seeded.a;
    const csv = Buffer.from(
      'Código,CPF/CNPJ,Razão Social,Vencimento,Valor\nW-1,390.533.447-05,"José Conceição",2026-06-01,"1.500,00"\n',
      'latin1',
    );
    const result = await importCsv(fixture.db, scope, otherCreditorId, csv);
    expect(result).toMatchObject({ imported: 1, rejected: 0 });
    const [debtor] = await fixture.db.query<{ name: string }>(
      `select d.name from debtors d join receivables r on r.org_id = d.org_id and r.debtor_id = d.id where r.external_id = 'W-1'`,
    );
    expect(debtor?.name).toBe('José Conceição');
  });

  it.each([
    ['', 'empty_file', 'the file is empty'],
    ['id;nome;valor\n', 'missing_columns', 'lacks required columns'],
    ['id;cpf_cnpj;nome;vencimento;valor\n', 'no_rows', 'header line but no rows'],
  ])(
    'fails a file that cannot be imported (%j) and leaves the database unchanged',
    async (csv, code, message) => {
      const { scope, creditorId } = fixture.seeded.a;
      const before = await count('receivables');
      const result = await importCsv(fixture.db, scope, creditorId, csv);
      expect(result.status).toBe('failed');
      expect(result.errorCode).toBe(code);
      expect(result.errorMessage).toContain(message);
      if (code === 'missing_columns') {
        expect(result.errorDetails).toEqual({
          missing: ['debtorDocument', 'dueDate'],
          headers: ['id', 'nome', 'valor'],
        });
      }
      expect(await count('receivables')).toBe(before);
    },
  );

  it('takes JSON batches with nested debtors and cents', async () => {
    const { scope, otherCreditorId } = fixture.seeded.a;
    const batch = {
      receivables: [
        {
          externalId: 'J-1',
          dueDate: '2026-07-10',
          originalCents: 15000,
          debtor: {
            document: '52998224725',
            name: 'Maria Json',
            emails: ['mj@example.com'],
            address: { uf: 'MG' },
          },
        },
        {
          externalId: 'J-2',
          dueDate: '2026-07-10',
          originalAmount: 'abc',
          debtor: { document: '52998224725', name: 'Maria Json' },
        },
      ],
    };
    const id = await createImport(fixture.db, scope, {
      creditorId: otherCreditorId,
      source: 'json',
      filename: null,
      totalBytes: null,
    });
    const result = await runImport(fixture.db, scope, id, {
      format: 'json',
      bytes: bytesOf(JSON.stringify(batch)),
    });
    expect(result).toMatchObject({ imported: 1, rejected: 1 });
    const errors = await listImportErrors(fixture.db, scope, id);
    expect(errors.items[0]).toMatchObject({ line: 2, column: 'originalAmount', code: 'invalid_amount' });
  });

  it('resumes an interrupted import without counting or writing anything twice', async () => {
    const { scope, otherCreditorId } = fixture.seeded.a;
    const lines = ['id;cpf_cnpj;nome;vencimento;valor'];
    for (let i = 0; i < 11_000; i++) lines.push(`R-${i};390.533.447-05;Retomada;10/05/2026;1,00`);
    lines.push('R-5;390.533.447-05;Retomada;10/05/2026;1,00', 'R-bad;1;X;10/05/2026;1,00');
    const csv = `${lines.join('\n')}\n`;
    const id = await createImport(fixture.db, scope, {
      creditorId: otherCreditorId,
      source: 'csv',
      filename: null,
      totalBytes: csv.length,
    });
    // The first run dies after its first batch has committed.
    let batches = 0;
    await expect(
      runImport(
        fixture.db,
        scope,
        id,
        { format: 'csv', bytes: bytesOf(csv) },
        {
          onBatch: async () => {
            if (++batches === 1) throw new Error('worker killed');
          },
        },
      ),
    ).rejects.toThrow('worker killed');
    const firstBatch = batchSize(fixture.db.engine);
    expect(await getImport(fixture.db, scope, id)).toMatchObject({
      status: 'running',
      processedRows: firstBatch,
      imported: firstBatch,
    });
    const result = await runImport(fixture.db, scope, id, { format: 'csv', bytes: bytesOf(csv) });
    expect(result).toMatchObject({
      status: 'completed',
      imported: 11_000,
      unchanged: 0,
      rejected: 2,
      processedRows: 11_002,
    });
    expect(await count(`receivables where external_id like 'R-%'`)).toBe(11_000);
  });
});

describe('tenant isolation', () => {
  it('an organization never sees another organization’s receivables, even for the same CPF', async () => {
    const inB = await listReceivables(fixture.db, fixture.seeded.b.scope, {});
    expect(inB.items.map((r) => r.externalId)).toEqual(['B-1']);
    const searchInB = await listReceivables(fixture.db, fixture.seeded.b.scope, { q: '529.982.247-25' });
    expect(searchInB.items.map((r) => r.debtorName)).toEqual(['Maria na Beta']);
  });

  it('a client viewer sees only its creditors', async () => {
    const client = {
      ...fixture.seeded.a.scope,
      role: 'client_viewer' as const,
      creditorIds: [fixture.seeded.a.creditorId],
    };
    const { items } = await listReceivables(fixture.db, client, {});
    expect(new Set(items.map((r) => r.creditorId))).toEqual(new Set([fixture.seeded.a.creditorId]));
    const other = await listReceivables(fixture.db, client, { creditorId: fixture.seeded.a.otherCreditorId });
    expect(other.items).toEqual([]);
  });

  it('an import cannot target another organization’s creditor', async () => {
    await expect(
      createImport(fixture.db, fixture.seeded.b.scope, {
        creditorId: fixture.seeded.a.creditorId,
        source: 'csv',
        filename: null,
        totalBytes: null,
      }),
    ).rejects.toThrow();
  });
});

describe('an import whose command died', () => {
  it('is marked failed with an explanation once its lease lapses, never left running', async () => {
    const { scope, creditorId } = fixture.seeded.a;
    const { enqueue, startWorker } = await import('../jobs/queue.ts');
    const { IMPORT_JOB, importJobHandler, INTERRUPTED_LOCAL_IMPORT } = await import('./jobs.ts');
    const id = await createImport(fixture.db, scope, {
      creditorId,
      source: 'csv',
      filename: 'local.csv',
      totalBytes: null,
    });
    const jobId = await enqueue(fixture.db, {
      kind: IMPORT_JOB,
      orgId: scope.orgId,
      payload: { importId: id, format: 'csv', mapping: {}, local: true },
    });
    // The command held the job and then died: its lease is in the past.
    await fixture.db.query(
      `update jobs set status = 'running', locked_by = 'gone', locked_until = now() - interval '1 second' where id = $1`,
      [jobId],
    );
    await fixture.db.query(`update imports set status = 'running' where id = $1`, [id]);
    const worker = startWorker(fixture.db, [importJobHandler(fixture.db)], { pollMs: 20 });
    const deadline = Date.now() + 10_000;
    while ((await getImport(fixture.db, scope, id)).status === 'running' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await worker.stop();
    expect(await getImport(fixture.db, scope, id)).toMatchObject({
      status: 'failed',
      errorCode: 'interrupted',
      errorMessage: INTERRUPTED_LOCAL_IMPORT,
    });
  });
});
