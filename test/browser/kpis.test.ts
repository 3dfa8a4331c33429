/**
 * End-to-end, Indicadores: a manager opens the page from the menu, sees the headline cards (a figure
 * without data says "sem dados") and the aging chart, opens the debtors behind the 180+ bucket in the
 * side panel and follows one to the debtor's page.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { app, browser, login, RESULTS, STEP_TIMEOUT, setupBrowserSuite } from './harness.ts';

setupBrowserSuite();

describe('Indicadores in the staff app', () => {
  it('a manager sees the cards and the aging chart, drills into a bucket and opens a debtor', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, locale: 'pt-BR' });
    page.setDefaultTimeout(STEP_TIMEOUT);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await login(page, app.users.manager.email, app.users.manager.password);
      await page.getByRole('link', { name: 'Indicadores' }).click();
      await page.getByRole('heading', { name: 'Indicadores', level: 2 }).waitFor();

      const cards = page.getByTestId('kpi-cards');
      await cards.waitFor();
      for (const key of ['dso', 'cei', 'recovery', 'broken', 'promises', 'cost'])
        await expect(page.getByTestId(`kpi-card-${key}`).isVisible()).resolves.toBe(true);
      // No payments in the seed: nothing to divide the cost by.
      expect(await page.getByTestId('kpi-card-cost').getByTestId('kpi-card-value').textContent()).toBe(
        'sem dados',
      );
      expect(
        await page.getByTestId('kpi-card-cost').getByTestId('kpi-card-previous').textContent(),
      ).toContain('Período anterior');

      const aging = page.getByTestId('kpi-aging');
      // A stacked bar per position; the 180+ part of today's is drawn.
      await aging.locator('.recharts-bar-rectangle path').filter({ visible: true }).first().waitFor();
      const overdue = aging.getByTestId('kpi-aging-180+');
      expect((await overdue.textContent())?.replace(/\u00a0/g, ' ')).toContain('R$ 11.534,46');

      await overdue.click();
      const drawer = page.getByRole('dialog', { name: 'Aging · 180+ dias' });
      await drawer.waitFor();
      const rows = drawer.getByTestId('kpi-drill-row');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(3); // Padaria, Maria (Cliente Um) and José (Cliente Dois)
      expect(await rows.first().textContent()).toContain('Padaria Estrela Ltda');
      await page.screenshot({ path: join(RESULTS, 'kpis-drill.png') });

      await drawer.getByRole('link', { name: 'Maria da Silva' }).click();
      await page.waitForURL(/\/debtors\/\d+$/);
      await page.getByText('Maria da Silva').first().waitFor();
      expect(pageErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
