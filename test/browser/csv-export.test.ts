/**
 * End-to-end: a client viewer filters the receivables of its creditor and clicks "Exportar CSV"; the
 * file it downloads holds every receivable of that view (its creditor only, the filter applied) in the
 * Brazilian spreadsheet format. A manager exports the Carteiras list.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../support/seed.ts';
import { app, browser, login, RESULTS, STEP_TIMEOUT, setupBrowserSuite } from './harness.ts';

setupBrowserSuite();

async function downloadCsv(page: import('playwright-core').Page, testId: string) {
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: STEP_TIMEOUT }),
    page.getByTestId(testId).click(),
  ]);
  const bytes = await readFile(await download.path());
  const records = parse(bytes.toString('utf8'), {
    delimiter: ';',
    bom: true,
    record_delimiter: '\r\n',
  }) as string[][];
  return { filename: download.suggestedFilename(), bytes, header: records[0] ?? [], rows: records.slice(1) };
}

describe('Exportar CSV', () => {
  it('a client viewer downloads every receivable of its filtered view, and nothing else', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, locale: 'pt-BR' });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await login(page, app.seeded.users.client, PASSWORD);
    await page.goto(`${app.url}/creditors/${app.seeded.a.creditorId}?q=Maria`);
    await page.getByTestId('receivables-table').waitFor({ timeout: STEP_TIMEOUT });
    expect(await page.getByTestId('receivable-row').count()).toBe(2);

    const csv = await downloadCsv(page, 'receivables-csv');
    expect(csv.filename).toMatch(/^regua-recebiveis-\d{4}-\d{2}-\d{2}\.csv$/);
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.bytes.toString('utf8')).toContain('\r\n');
    expect(csv.header.slice(0, 3)).toEqual(['Devedor', 'CPF/CNPJ', 'Código do título']);
    const cell = (row: string[] | undefined, name: string) => row?.[csv.header.indexOf(name)];
    // The seed's Maria has T-1 (1.234,56) and T-2 (200,00 open) at Cliente Um; Beta's Maria is not here.
    expect(csv.rows.map((r) => cell(r, 'Código do título'))).toEqual(['T-1', 'T-2']);
    expect(csv.rows.map((r) => cell(r, 'Em aberto (R$)'))).toEqual(['1234,56', '200,00']);
    expect(csv.rows.map((r) => cell(r, 'Vencimento'))).toEqual(['31/01/2026', '28/02/2026']);
    expect(new Set(csv.rows.map((r) => cell(r, 'ID do credor')))).toEqual(
      new Set([String(app.seeded.a.creditorId)]),
    );
    await page.screenshot({ path: join(RESULTS, 'csv-export-receivables.png'), fullPage: false });
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('a manager exports the Carteiras and Importações lists', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, locale: 'pt-BR' });
    await login(page, app.seeded.users.manager, PASSWORD);
    await page.goto(`${app.url}/`);
    await page.getByTestId('creditors-table').waitFor({ timeout: STEP_TIMEOUT });
    const csv = await downloadCsv(page, 'csv-export');
    expect(csv.filename).toMatch(/^regua-credores-/);
    expect(csv.rows.map((r) => r[0]).sort()).toEqual(['Cliente Dois SA', 'Cliente Um Ltda']);

    // Other views carry the button where their table is.
    await page.getByRole('link', { name: 'Importações' }).click();
    await page.getByTestId('imports-table').waitFor({ timeout: STEP_TIMEOUT });
    const imports = await downloadCsv(page, 'csv-export');
    expect(imports.filename).toMatch(/^regua-importacoes-/);
    expect(imports.rows.length).toBe(await page.getByTestId('import-row').count());
    await page.screenshot({ path: join(RESULTS, 'csv-export-imports.png') });
    await page.close();
  });
});
