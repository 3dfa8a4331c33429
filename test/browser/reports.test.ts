/**
 * End-to-end, Relatórios: a manager opens the page from the menu, sees the running month marked as in
 * progress, picks February 2026 and downloads its PDF and XLSX through the page's links (the files are
 * the report: a PDF naming the creditor, a workbook with its six sheets); a client viewer is offered
 * only its own creditor.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { pdfText } from '../support/pdf.ts';
import { PASSWORD } from '../support/seed.ts';
import { app, browser, login, RESULTS, STEP_TIMEOUT, setupBrowserSuite, workDir } from './harness.ts';

setupBrowserSuite();

const text = async (locator: { textContent(): Promise<string | null> }) =>
  ((await locator.textContent()) ?? '').replace(/\u00a0/g, ' ');

describe('Relatórios in the staff app', () => {
  it('a manager picks a month, reads the summary and downloads the PDF and the XLSX', async () => {
    const page = await browser.newPage({
      viewport: { width: 1366, height: 900 },
      locale: 'pt-BR',
      acceptDownloads: true,
    });
    page.setDefaultTimeout(STEP_TIMEOUT);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await login(page, app.users.manager.email, app.users.manager.password);
      await page.getByRole('link', { name: 'Relatórios' }).click();
      await page.getByRole('heading', { name: 'Relatórios', level: 2 }).waitFor();
      await page.waitForURL(/\/relatorios/);

      // Cliente Um, through the address; the running month first, in progress.
      await page.goto(`${app.url}/relatorios?carteira=${app.creditor.id}`);
      await page.getByTestId('report-banner').waitFor();
      expect(await text(page.getByTestId('report-banner'))).toContain(
        'Período em andamento: números parciais até',
      );

      const month = page.getByTestId('report-month');
      await month.click();
      await page.getByRole('option', { name: 'fevereiro de 2026', exact: true }).click();
      await page.waitForURL(/mes=2026-02/);
      await page.getByText('01/02/2026 a 28/02/2026').waitFor();
      expect(await page.getByTestId('report-banner').count()).toBe(0);
      // 02-28: Maria's T-1 1.234,56 and T-2 200,00 (T-3 is billed on 03-01).
      expect(await text(page.getByTestId('report-card-portfolio'))).toContain('R$ 1.434,56');
      expect(await text(page.getByTestId('report-card-collected'))).toContain('R$ 0,00');
      expect(await text(page.getByTestId('report-card-recovery'))).toContain('sem dados');
      expect(await text(page.getByTestId('report-aging'))).toContain('1 a 30 dias');
      await page.screenshot({ path: join(RESULTS, 'reports-page.png'), fullPage: true });

      const pdfLink = page.getByTestId('report-download-pdf');
      expect(await pdfLink.getAttribute('href')).toBe(
        `/api/v1/creditors/${app.creditor.id}/reports/2026-02.pdf`,
      );
      const [pdfDownload] = await Promise.all([page.waitForEvent('download'), pdfLink.click()]);
      expect(pdfDownload.suggestedFilename()).toBe(`relatorio-${app.creditor.id}-2026-02.pdf`);
      const pdfPath = join(workDir, 'relatorio.pdf');
      await pdfDownload.saveAs(pdfPath);
      const pdf = await readFile(pdfPath);
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdfText(pdf)).toContain('Cliente Um Ltda');
      expect(pdfText(pdf)).toContain('R$ 1.434,56');

      const [xlsxDownload] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('report-download-xlsx').click(),
      ]);
      expect(xlsxDownload.suggestedFilename()).toBe(`relatorio-${app.creditor.id}-2026-02.xlsx`);
      const xlsxPath = join(workDir, 'relatorio.xlsx');
      await xlsxDownload.saveAs(xlsxPath);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(new Uint8Array(await readFile(xlsxPath)).buffer);
      expect(workbook.worksheets.map((s) => s.name)).toEqual([
        'Resumo',
        'Carteira',
        'Recuperação',
        'Indicadores',
        'Ações',
        'Acordos',
      ]);
      expect(workbook.getWorksheet('Carteira')?.getCell('B8').value).toBe(1434.56);
      expect(pageErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('a client viewer is offered only its own creditor', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, locale: 'pt-BR' });
    page.setDefaultTimeout(STEP_TIMEOUT);
    try {
      await login(page, app.seeded.users.client, PASSWORD);
      // Asking for another creditor falls back to the viewer's own.
      await page.goto(`${app.url}/relatorios?carteira=${app.seeded.a.otherCreditorId}&mes=2026-02`);
      await page.getByTestId('report-summary').waitFor();
      expect(await text(page.getByTestId('report-summary'))).toContain('Cliente Um Ltda');
      await page.getByTestId('report-creditor').click();
      const options = page.getByRole('option');
      await options.first().waitFor();
      expect(await options.allTextContents()).toEqual(['Cliente Um']);
    } finally {
      await page.close();
    }
  });
});
