/**
 * End-to-end: a CSV whose headers Régua does not recognise is previewed, its columns are mapped by hand
 * in the "Nova importação" page, and the import reads exactly the chosen columns.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  app,
  browser,
  chooseImportFile,
  cpfFromBase,
  login,
  RESULTS,
  STEP_TIMEOUT,
  setupBrowserSuite,
  workDir,
} from './harness.ts';

setupBrowserSuite();

/** Picks `option` in the column Select of `field` and waits until the Select shows it. */
async function chooseColumn(page: Page, field: string, option: string): Promise<void> {
  const select = page.getByTestId(`mapping-${field}`);
  await select.click();
  await page.getByRole('option', { name: option, exact: true }).click();
  await expect.poll(() => select.inputValue(), { timeout: STEP_TIMEOUT }).toBe(option);
  // The dropdown is gone before the next Select opens its own.
  await expect.poll(() => page.getByRole('option').count(), { timeout: STEP_TIMEOUT }).toBe(0);
}

describe('column mapping in the web UI', () => {
  it('previews a CSV with unknown headers, maps its columns and imports it', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, locale: 'pt-BR' });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    try {
      await login(page, app.users.manager.email, app.users.manager.password);

      const run = `MAP${Date.now().toString(36).toUpperCase()}`;
      const csv = [
        'CHAVE|CLIENTE|DOC|DT VENC|VLR FACE',
        `${run}-1|Joana Lima|390.533.447-05|05/11/2026|321,00`,
        `${run}-2|Marcos Souza|${cpfFromBase('111444777')}|10/12/2026|1.050,75`,
      ].join('\n');
      const csvPath = join(workDir, `erp-${run}.csv`);
      await writeFile(csvPath, `${csv}\n`, 'utf8');

      await chooseImportFile(page, csvPath);

      // What the preview found.
      await page.getByTestId('column-mapping').waitFor({ timeout: STEP_TIMEOUT });
      await expect(page.getByTestId('preview-encoding').textContent()).resolves.toBe('UTF-8');
      await expect(page.getByTestId('preview-delimiter').textContent()).resolves.toContain('"|"');
      expect(await page.getByTestId('preview-row').count()).toBe(2);
      await expect(page.getByTestId('preview-sample').textContent()).resolves.toContain('Joana Lima');

      // Headers Régua knows are preselected (CLIENTE is a known name for the debtor); DOC and VLR FACE
      // are not, so CPF/CNPJ and the amount are missing and block the import. (Whether CHAVE and DT VENC
      // are recognised depends on the server's alias list, so the test does not rely on it.)
      await expect(page.getByTestId('mapping-debtorName').inputValue()).resolves.toBe('CLIENTE');
      const missing = page.getByTestId('mapping-missing');
      const missingText = (await missing.textContent()) ?? '';
      expect(missingText).toContain('Indique a coluna de: ');
      expect(missingText).toContain('CPF/CNPJ');
      expect(missingText).toContain('Valor original');
      expect(missingText).not.toContain('Nome / razão social');
      const flagged = page.locator('[data-testid="mapping-row"][data-missing]');
      const flaggedFields = await flagged.evaluateAll((rows) =>
        rows.map((r) => r.getAttribute('data-field')),
      );
      expect(flaggedFields).toEqual(expect.arrayContaining(['debtorDocument', 'originalAmount']));
      const submit = page.getByTestId('import-submit');
      expect(await submit.isDisabled()).toBe(true);
      await page.screenshot({ path: join(RESULTS, 'mapping-missing.png'), fullPage: true });

      // "— não importar —" takes a column away: the name becomes missing too.
      await chooseColumn(page, 'debtorName', '— não importar —');
      await expect
        .poll(() => missing.textContent(), { timeout: STEP_TIMEOUT })
        .toContain('Nome / razão social');
      await chooseColumn(page, 'debtorName', 'CLIENTE');
      await expect
        .poll(() => missing.textContent(), { timeout: STEP_TIMEOUT })
        .not.toContain('Nome / razão social');

      // Map the four columns.
      await chooseColumn(page, 'externalId', 'CHAVE');
      await chooseColumn(page, 'debtorDocument', 'DOC');
      expect(await submit.isDisabled()).toBe(true); // the amount is still missing
      await chooseColumn(page, 'dueDate', 'DT VENC');
      await chooseColumn(page, 'originalAmount', 'VLR FACE');

      await page.getByTestId('mapping-complete').waitFor({ timeout: STEP_TIMEOUT });
      expect(await missing.count()).toBe(0);
      expect(await submit.isDisabled()).toBe(false);
      await page.screenshot({ path: join(RESULTS, 'mapping.png'), fullPage: true });

      // Import with the mapping.
      await submit.click();
      const result = page.locator('[data-testid="import-result"][data-status="completed"]');
      await result.waitFor({ timeout: 60_000 });
      await expect(page.getByTestId('summary-imported-value').textContent()).resolves.toBe('2');
      await expect(page.getByTestId('summary-rejected-value').textContent()).resolves.toBe('0');
      await page.getByTestId('import-errors-empty').waitFor({ timeout: STEP_TIMEOUT });

      // The values came from the chosen columns.
      await page.getByTestId('import-view-portfolio').click();
      await page.waitForURL(new RegExp(`/creditors/${app.creditor.id}(\\?|$)`), { timeout: STEP_TIMEOUT });
      await page.getByTestId('receivables-search').fill(`${run}-1`);
      const rows = page.getByTestId('receivable-row');
      const rowTexts = async () => (await rows.allTextContents()).map((t) => t.replace(/\u00a0/g, ' '));
      await expect.poll(rowTexts, { timeout: STEP_TIMEOUT }).toEqual([expect.stringContaining('Joana Lima')]);
      const [row = ''] = await rowTexts();
      expect(row).toContain('390.533.447-05');
      expect(row).toContain('R$ 321,00');
      expect(row).toContain('05/11/2026');
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: join(RESULTS, 'mapping-failure.png'), fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  });
});
