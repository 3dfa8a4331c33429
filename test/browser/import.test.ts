/**
 * End-to-end: a manager logs in, imports a CSV with one bad row through the web UI, reads the error
 * report, and finds the good rows in the creditor's portfolio.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  app,
  browser,
  chooseImportFile,
  cpfFromBase,
  formatTaxId,
  login,
  RESULTS,
  STEP_TIMEOUT,
  setupBrowserSuite,
  workDir,
} from './harness.ts';

setupBrowserSuite();

describe('import through the web UI', () => {
  it('uploads a CSV, reports the rejected row and shows the imported receivables', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, locale: 'pt-BR' });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    try {
      // Wrong password first: the login page must say so.
      await page.goto(`${app.url}/login`);
      await page.getByLabel('E-mail').fill(app.users.manager.email);
      await page.locator('input[type="password"]').fill(`${app.users.manager.password}-errada`);
      await page.getByRole('button', { name: 'Entrar' }).click();
      await expect(page.getByTestId('login-error').textContent({ timeout: STEP_TIMEOUT })).resolves.toContain(
        'E-mail ou senha inválidos',
      );

      await login(page, app.users.manager.email, app.users.manager.password);
      expect(new URL(page.url()).pathname).toBe('/');

      // A unique tag per run so the portfolio search finds exactly this run's receivables.
      const run = `E2E${Date.now().toString(36).toUpperCase()}`;
      const docA = `${run}-001`;
      const docB = `${run}-002`;
      const docBad = `${run}-003`;
      const cpfA = formatTaxId(cpfFromBase('529982247'));
      const cpfB = cpfFromBase('111444777');
      const csv = [
        'id;documento;cpf_cnpj;nome;email;telefone;uf;emissao;vencimento;valor;saldo',
        `${docA};${docA};${cpfA};Ana Pereira;ana@example.com;(11) 98765-4321;SP;01/03/2025;10/04/2025;1.234,56;1.234,56`,
        `${docBad};${docBad};111.111.111-12;Bruno Inválido;bruno@example.com;(21) 3456-7890;RJ;01/03/2025;10/04/2025;500,00;500,00`,
        `${docB};${docB};${cpfB};Carla Dias;carla@example.com;11912345678;MG;2025-03-05;2025-05-10;89,90;50,00`,
      ].join('\r\n');
      const csvPath = join(workDir, `titulos-${run}.csv`);
      await writeFile(csvPath, `${csv}\r\n`, 'utf8');

      await chooseImportFile(page, csvPath);
      await page.getByTestId('import-submit').click();

      // Poll until the import finishes (the page polls the API every 500 ms).
      const result = page.locator('[data-testid="import-result"][data-status="completed"]');
      await result.waitFor({ timeout: 60_000 });

      await expect(page.getByTestId('summary-imported-value').textContent()).resolves.toBe('2');
      await expect(page.getByTestId('summary-rejected-value').textContent()).resolves.toBe('1');
      await expect(page.getByTestId('summary-updated-value').textContent()).resolves.toBe('0');

      // The error report names line 3 (header is line 1) and the CPF column.
      await page.getByTestId('import-errors').waitFor({ timeout: STEP_TIMEOUT });
      const errorRows = page.getByTestId('import-error-row');
      const badLine = errorRows.filter({
        has: page.getByTestId('import-error-line').getByText('3', { exact: true }),
      });
      expect(await badLine.count()).toBeGreaterThanOrEqual(1);
      const cpfError = badLine.filter({ has: page.getByTestId('import-error-column').getByText('cpf_cnpj') });
      expect(await cpfError.count()).toBe(1);
      await expect(cpfError.getByTestId('import-error-value').textContent()).resolves.toContain(
        '111.111.111-12',
      );
      await expect(cpfError.getByTestId('import-error-reason').textContent()).resolves.toMatch(/CPF/);
      // Only the bad row produced errors.
      const lines = await page.getByTestId('import-error-line').allTextContents();
      expect(new Set(lines)).toEqual(new Set(['3']));

      // Portfolio: both good rows are there, the rejected one is not.
      await page.getByTestId('import-view-portfolio').click();
      await page.waitForURL(new RegExp(`/creditors/${app.creditor.id}(\\?|$)`), { timeout: STEP_TIMEOUT });
      await expect(
        page.getByTestId('creditor-header').textContent({ timeout: STEP_TIMEOUT }),
      ).resolves.toContain(app.creditor.legalName);
      // Search each document number (the API matches document numbers exactly).
      const search = page.getByTestId('receivables-search');
      const rows = page.getByTestId('receivable-row');
      // Intl puts a no-break space after "R$".
      const rowTexts = async () => (await rows.allTextContents()).map((t) => t.replace(/\u00a0/g, ' '));
      /** Searches one document number and waits until exactly its row is listed. */
      const onlyRowFor = async (documentNumber: string): Promise<string> => {
        await search.fill(documentNumber);
        await expect
          .poll(rowTexts, { timeout: STEP_TIMEOUT })
          .toEqual([expect.stringContaining(documentNumber)]);
        const [text = ''] = await rowTexts();
        return text;
      };

      const rowA = await onlyRowFor(docA);
      expect(rowA).toContain('Ana Pereira');
      expect(rowA).toContain('529.982.247-25');
      expect(rowA).toContain('R$ 1.234,56');
      expect(rowA).toContain('10/04/2025');

      const rowB = await onlyRowFor(docB);
      expect(rowB).toContain('Carla Dias');
      expect(rowB).toContain('R$ 89,90');
      expect(rowB).toContain('R$ 50,00');

      // The rejected row was not imported.
      await search.fill(docBad);
      await page.getByTestId('receivables-empty').waitFor({ timeout: STEP_TIMEOUT });
      expect(await rows.count()).toBe(0);

      // Screenshot with one of the new rows found.
      await onlyRowFor(docA);
      await page.getByTestId('aging').waitFor({ timeout: STEP_TIMEOUT });
      await page.mouse.move(0, 0); // no chart tooltip in the picture
      await page.screenshot({ path: join(RESULTS, 'import.png'), fullPage: true });
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: join(RESULTS, 'import-failure.png'), fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  });
});
