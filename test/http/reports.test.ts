/**
 * The monthly creditor report over HTTP: the months offered, the JSON, the PDF (its text carries the
 * figures) and the XLSX (read back with exceljs), each download in the audit trail; the running month
 * is partial with its banner; a future or malformed month is a 400 in pt-BR; a client viewer gets its
 * creditor's report and a 404 for another creditor, as does another organization.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takePayments } from '../../src/payments/allocate.ts';
import { addMonths, todayIn } from '../../src/shared/dates.ts';
import { loginAs, startTestApp } from '../support/app.ts';
import { pdfText } from '../support/pdf.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
let manager: Awaited<ReturnType<typeof loginAs>>;
let client: Awaited<ReturnType<typeof loginAs>>;
let otherOrg: Awaited<ReturnType<typeof loginAs>>;
let today = '';

type Report = {
  header: { status: string; banner: string | null; dataUntil: string; creditor: { legalName: string } };
  portfolio: { totalCents: number; count: number };
  recovery: { collectedCents: number; bySource: Array<{ source: string; cents: number }> };
  agreements: { made: number };
  notes: string[];
};

const base = () => `/api/v1/creditors/${app.seeded.a.creditorId}/reports`;

beforeAll(async () => {
  app = await startTestApp({ worker: false });
  manager = await loginAs(app.url, app.seeded.users.manager);
  client = await loginAs(app.url, app.seeded.users.client);
  otherOrg = await loginAs(app.url, app.seeded.users.otherOrg);
  today = todayIn(app.seeded.a.scope.timeZone);
  // Maria pays 500,00 of T-1 (1.234,56, due 2026-01-31) by Pix on 2026-02-10.
  await takePayments(app.db, app.seeded.a.scope, [
    {
      source: 'pix',
      naturalKey: 'report-test:1',
      amountCents: 50_000,
      paidOn: '2026-02-10',
      seuNumero: 'T-1',
      raw: {},
    },
  ]);
});

afterAll(async () => {
  await app?.close();
});

describe('GET /api/v1/creditors/{id}/reports', () => {
  it('lists the months from the first receivable to the running one, which is partial', async () => {
    const response = await manager(base());
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      months: Array<{ month: string; status: string; dataUntil: string }>;
    };
    expect(body.months[0]).toMatchObject({ month: today.slice(0, 7), status: 'partial', dataUntil: today });
    // Cliente Um's first receivable was billed on 2026-01-01.
    expect(body.months.at(-1)).toMatchObject({ month: '2026-01', status: 'closed', dataUntil: '2026-01-31' });
  });
});

describe('GET /api/v1/creditors/{id}/reports/{month}', () => {
  it('answers a closed month’s figures as JSON', async () => {
    const response = await manager(`${base()}/2026-02`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Report;
    expect(body.header).toMatchObject({ status: 'closed', banner: null, dataUntil: '2026-02-28' });
    // 02-28: T-1 123456 - 50000 = 73456 and T-2 20000 (T-3 is billed only on 03-01).
    expect(body.portfolio).toMatchObject({ totalCents: 93_456, count: 2 });
    expect(body.recovery.collectedCents).toBe(50_000);
    expect(body.recovery.bySource).toEqual([{ source: 'pix', cents: 50_000, payments: 1 }]);
  });

  it('marks the running month partial, up to today', async () => {
    const body = (await (await manager(`${base()}/${today.slice(0, 7)}`)).json()) as Report;
    const [y, m, d] = today.split('-');
    expect(body.header).toMatchObject({
      status: 'partial',
      dataUntil: today,
      banner: `Período em andamento: números parciais até ${d}/${m}/${y}`,
    });
  });

  it('gives zeros and "sem dados" for a month before any data', async () => {
    const body = (await (await manager(`${base()}/2025-06`)).json()) as Report;
    expect(body.portfolio).toMatchObject({ totalCents: 0, count: 0 });
    expect(body.recovery.collectedCents).toBe(0);
    expect(body.notes.some((n) => n.startsWith('Carteira: sem dados'))).toBe(true);
  });

  it('refuses a future month and a malformed one with a 400 in pt-BR', async () => {
    const next = addMonths(`${today.slice(0, 7)}-01`, 1).slice(0, 7);
    for (const path of [`${base()}/${next}`, `${base()}/${next}.pdf`, `${base()}/${next}.xlsx`]) {
      const response = await manager(path);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(((await response.json()) as { detail: string }).detail).toContain('ainda não começou');
    }
    const bad = await manager(`${base()}/2026-13`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toContain('AAAA-MM');
  });
});

describe('the report files', () => {
  it('serves a PDF whose text holds the creditor and the figures, and audits the download', async () => {
    const response = await manager(`${base()}/2026-02.pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toContain(
      `relatorio-${app.seeded.a.creditorId}-2026-02.pdf`,
    );
    const pdf = Buffer.from(await response.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf);
    for (const expected of [
      'Relatório mensal de cobrança',
      'Alfa BPO',
      'Cliente Um Ltda',
      'CNPJ 11.222.333/0001-81',
      'fevereiro de 2026',
      'R$ 934,56',
      'R$ 500,00',
      'Período fechado',
    ])
      expect(text).toContain(expected);
    const [audit] = await app.db.query<{ entity_id: string; after: { format: string } }>(
      `select entity_id, after from audit_log where action = 'export.report' order by seq desc limit 1`,
    );
    expect(audit).toMatchObject({
      entity_id: `${app.seeded.a.creditorId}:2026-02`,
      after: { format: 'pdf' },
    });
  });

  it('serves the running month’s PDF with the partial banner', async () => {
    const text = pdfText(
      Buffer.from(await (await manager(`${base()}/${today.slice(0, 7)}.pdf`)).arrayBuffer()),
    );
    expect(text).toContain('Período em andamento: números parciais até');
  });

  it('serves an XLSX with one sheet per section and real numbers', async () => {
    const response = await manager(`${base()}/2026-02.xlsx`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      'Resumo',
      'Carteira',
      'Recuperação',
      'Indicadores',
      'Ações',
      'Acordos',
    ]);
    const carteira = workbook.getWorksheet('Carteira');
    expect(carteira?.getCell('A8').value).toBe('Total');
    expect(carteira?.getCell('B8').value).toBe(934.56);
    const recovery = workbook.getWorksheet('Recuperação');
    expect(recovery?.getCell('B11').value).toBe(500); // 2026-02-10
    expect(recovery?.getCell('A11').value).toEqual(new Date(Date.UTC(2026, 1, 10)));
    const [audit] = await app.db.query<{ n: number }>(
      `select count(*)::int as n from audit_log where action = 'export.report' and after->>'format' = 'xlsx'`,
    );
    expect(audit?.n).toBe(1);
  });
});

describe('who sees which report', () => {
  it('gives a client viewer its creditor’s report and a 404 for another creditor', async () => {
    expect((await client(`${base()}/2026-02`)).status).toBe(200);
    expect((await client(`${base()}/2026-02.pdf`)).status).toBe(200);
    const other = `/api/v1/creditors/${app.seeded.a.otherCreditorId}/reports`;
    for (const path of [other, `${other}/2026-02`, `${other}/2026-02.pdf`, `${other}/2026-02.xlsx`])
      expect((await client(path)).status).toBe(404);
  });

  it('answers 404 to another organization', async () => {
    for (const path of [base(), `${base()}/2026-02`, `${base()}/2026-02.pdf`, `${base()}/2026-02.xlsx`])
      expect((await otherOrg(path)).status).toBe(404);
  });
});
