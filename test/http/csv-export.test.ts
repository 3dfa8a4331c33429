/**
 * CSV exports over HTTP: every row of the list with the same filters (more than one page of the list
 * route), in the Brazilian spreadsheet format, a client viewer only its creditor's rows, another
 * organization none of this one's, and personal-data exports in the audit trail.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpfFromBase } from '../../src/shared/documents.ts';
import { loginAs, startTestApp } from '../support/app.ts';
import { importCsv } from '../support/seed.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
let manager: Awaited<ReturnType<typeof loginAs>>;
let client: Awaited<ReturnType<typeof loginAs>>;
let otherOrg: Awaited<ReturnType<typeof loginAs>>;

/**
 * Bulk portfolio of the first creditor: 2,100 new debtors and 4,200 receivables, more than one page of
 * an export (EXPORT_PAGE_SIZE, 2,000) and many pages of the list (500).
 */
const BULK_DEBTORS = 2_100;
const BULK_RECEIVABLES = BULK_DEBTORS * 2;

beforeAll(async () => {
  app = await startTestApp({ worker: false });
  const lines = ['id;documento;cpf_cnpj;nome;vencimento;valor;saldo'];
  for (let d = 0; d < BULK_DEBTORS; d++) {
    const cpf = cpfFromBase(String(100_000_000 + d * 7).slice(0, 9));
    // Names that need quoting and one that looks like a formula.
    const name = d === 0 ? '=HYPERLINK("http://x";"y")' : d === 1 ? 'Silva; Souza "Ltda"' : `Bulk ${d}`;
    const quoted = `"${name.replaceAll('"', '""')}"`;
    for (let k = 0; k < 2; k++) {
      const day = String((d % 28) + 1).padStart(2, '0');
      lines.push(`BK-${d}-${k};NF-${d}-${k};${cpf};${quoted};${day}/0${k + 1}/2025;10,05;10,05`);
    }
  }
  const done = await importCsv(app.db, app.seeded.a.scope, app.seeded.a.creditorId, lines.join('\n'));
  expect(done.status).toBe('completed');
  manager = await loginAs(app.url, app.seeded.users.manager);
  client = await loginAs(app.url, app.seeded.users.client);
  otherOrg = await loginAs(app.url, app.seeded.users.otherOrg);
}, 180_000);

afterAll(async () => {
  await app?.close();
});

type Fetcher = typeof manager;

async function csvOf(as: Fetcher, path: string) {
  const response = await as(path);
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = bytes.toString('utf8');
  return {
    status: response.status,
    headers: response.headers,
    bytes,
    text,
    records:
      response.status === 200
        ? (parse(text, { delimiter: ';', bom: true, record_delimiter: '\r\n' }) as string[][])
        : [],
  };
}

/** Every item of a list route, following nextCursor (500 a page). */
async function listAll<T>(as: Fetcher, path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const response = await as(`${path}${sep}limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { items: T[]; nextCursor: string | null };
    items.push(...body.items);
    cursor = body.nextCursor;
    pages++;
  } while (cursor);
  expect(pages).toBeGreaterThan(0);
  return items;
}

describe('GET /api/v1/receivables/export.csv', () => {
  it('streams every receivable of the list, across pages, in the Brazilian spreadsheet format', async () => {
    const csv = await csvOf(manager, '/api/v1/receivables/export.csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(
      /^attachment; filename="regua-recebiveis-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.text.endsWith('\r\n')).toBe(true);
    expect(csv.text.replace(/"[^"]*"/g, '').includes('\n\n')).toBe(false);
    const [header, ...rows] = csv.records;
    expect(header?.slice(0, 4)).toEqual(['Devedor', 'CPF/CNPJ', 'Código do título', 'Nº do documento']);
    const list = await listAll<{ id: number; creditorId: number }>(manager, '/api/v1/receivables');
    // Seed: 3 + 1 in the organization, plus the bulk ones.
    expect(list.length).toBe(BULK_RECEIVABLES + 4);
    expect(rows.length).toBe(list.length);
    const idColumn = header?.indexOf('ID do título') ?? -1;
    // Without a creditor filter: creditor after creditor (by id), each in the list's order.
    const byCreditor = [...list].sort((a, b) => a.creditorId - b.creditorId);
    expect(rows.map((r) => Number(r[idColumn]))).toEqual(byCreditor.map((r) => r.id));
  });

  it('with a creditor, streams exactly the list’s rows in the list’s order, across export pages', async () => {
    const query = `creditorId=${app.seeded.a.creditorId}`;
    const csv = await csvOf(manager, `/api/v1/receivables/export.csv?${query}`);
    const list = await listAll<{ id: number }>(manager, `/api/v1/receivables?${query}`);
    expect(list.length).toBe(BULK_RECEIVABLES + 3);
    const idColumn = csv.records[0]?.indexOf('ID do título') ?? -1;
    expect(csv.records.slice(1).map((r) => Number(r[idColumn]))).toEqual(list.map((r) => r.id));
  });

  it('writes money with a decimal comma, dates as dd/mm/aaaa and guards formulas', async () => {
    const csv = await csvOf(manager, '/api/v1/receivables/export.csv?q=T-1');
    const [header, ...rows] = csv.records;
    expect(rows).toHaveLength(1);
    const cell = (name: string) => rows[0]?.[header?.indexOf(name) ?? -1];
    expect(cell('Devedor')).toBe('Maria da Silva');
    expect(cell('CPF/CNPJ')).toBe('529.982.247-25');
    expect(cell('Valor original (R$)')).toBe('1234,56');
    expect(cell('Vencimento')).toBe('31/01/2026');
    expect(cell('Situação')).toBe('Em aberto');

    const bulk = await csvOf(manager, '/api/v1/receivables/export.csv?q=BK-0-');
    expect(bulk.records.slice(1).map((r) => r[0])).toEqual([
      `'=HYPERLINK("http://x";"y")`,
      `'=HYPERLINK("http://x";"y")`,
    ]);
    expect(bulk.text).toContain(`"'=HYPERLINK(""http://x"";""y"")"`);
  });

  it('respects the list’s filters', async () => {
    const query = 'status=open&dueFrom=2025-02-01&dueTo=2025-02-15';
    const csv = await csvOf(manager, `/api/v1/receivables/export.csv?${query}`);
    const list = await listAll<{ id: number }>(manager, `/api/v1/receivables?${query}`);
    expect(list.length).toBeGreaterThan(0);
    expect(list.length).toBeLessThan(BULK_RECEIVABLES);
    const idColumn = csv.records[0]?.indexOf('ID do título') ?? -1;
    expect(csv.records.slice(1).map((r) => Number(r[idColumn]))).toEqual(list.map((r) => r.id));
    const bad = await manager('/api/v1/receivables/export.csv?status=nope');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  });

  it('gives a client viewer only its creditor’s rows, even when it asks for another', async () => {
    const csv = await csvOf(client, '/api/v1/receivables/export.csv');
    const creditorColumn = csv.records[0]?.indexOf('ID do credor') ?? -1;
    const creditors = new Set(csv.records.slice(1).map((r) => Number(r[creditorColumn])));
    expect([...creditors]).toEqual([app.seeded.a.creditorId]);
    expect(csv.records.length - 1).toBe(BULK_RECEIVABLES + 3);
    const other = await csvOf(
      client,
      `/api/v1/receivables/export.csv?creditorId=${app.seeded.a.otherCreditorId}`,
    );
    expect(other.records.slice(1)).toEqual([]);
  });

  it('gives another organization none of this one’s rows', async () => {
    const csv = await csvOf(otherOrg, '/api/v1/receivables/export.csv');
    expect(csv.records.slice(1).map((r) => r[0])).toEqual(['Maria na Beta']);
    const asked = await csvOf(
      otherOrg,
      `/api/v1/receivables/export.csv?creditorId=${app.seeded.a.creditorId}`,
    );
    expect(asked.records.slice(1)).toEqual([]);
  });

  it('is in the audit trail with its filters', async () => {
    await csvOf(manager, '/api/v1/receivables/export.csv?status=paid');
    const entries = await app.db.query<{ actor: string; entity: string; after: unknown }>(
      `select actor, entity, after from audit_log where org_id = $1 and action = 'export.csv' order by seq`,
      [app.seeded.a.scope.orgId],
    );
    const entry = entries.find(
      (e) =>
        (e.after as { filters?: unknown }).filters !== undefined && JSON.stringify(e.after).includes('paid'),
    );
    expect(entry?.actor).toMatch(/^user:\d+$/);
    expect(entry?.entity).toBe('receivables');
    expect(entry?.after).toEqual({ view: 'receivables', format: 'csv', filters: { status: 'paid' } });
  });

  it('refuses without a session', async () => {
    const response = await fetch(`${app.url}/api/v1/receivables/export.csv`);
    expect(response.status).toBe(401);
  });
});

describe('GET /api/v1/debtors/export.csv', () => {
  it('streams every debtor of the list across pages, filters included', async () => {
    const csv = await csvOf(manager, `/api/v1/debtors/export.csv?creditorId=${app.seeded.a.creditorId}`);
    const list = await listAll<{ id: number }>(
      manager,
      `/api/v1/debtors?creditorId=${app.seeded.a.creditorId}`,
    );
    expect(list.length).toBe(BULK_DEBTORS + 2);
    const idColumn = csv.records[0]?.indexOf('ID do devedor') ?? -1;
    expect(csv.records.slice(1).map((r) => Number(r[idColumn]))).toEqual(list.map((r) => r.id));
    const all = await csvOf(manager, '/api/v1/debtors/export.csv');
    expect(all.records.length - 1).toBe(BULK_DEBTORS + 3);

    const one = await csvOf(manager, `/api/v1/debtors/export.csv?creditorId=${app.seeded.a.otherCreditorId}`);
    expect(one.records.slice(1).map((r) => r[0])).toEqual(['José Dois']);
  });

  it('gives a client viewer only its creditor’s debtors', async () => {
    const csv = await csvOf(client, '/api/v1/debtors/export.csv');
    const creditorColumn = csv.records[0]?.indexOf('ID do credor') ?? -1;
    expect(new Set(csv.records.slice(1).map((r) => Number(r[creditorColumn])))).toEqual(
      new Set([app.seeded.a.creditorId]),
    );
    expect(csv.records.length - 1).toBe(BULK_DEBTORS + 2);
  });
});
