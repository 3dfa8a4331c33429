/**
 * End-to-end, Indicadores: a manager opens the page from the menu, sees the headline cards (a figure
 * without data says "sem dados") and the aging chart, opens the debtors behind the 180+ bucket in the
 * side panel and follows one to the debtor's page. Then, over a history with late contacts and unanswered
 * replies (src/monitoring/fixture.ts) and a raised alert: the recovery curve and the DSO trend are drawn,
 * a cohort opens its debtors, the SLA table and its breaches show, the alert is acknowledged (the
 * header's badge goes), and the creditor page shows its SLA card.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedSlaHistory } from '../../src/monitoring/fixture.ts';
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

  it('draws the recovery curve and the DSO trend, shows the SLAs and their breaches, and acknowledges an alert', async () => {
    const { a } = app.seeded;
    await seedSlaHistory(app.db, a.scope, {
      creditorId: a.creditorId,
      defaultsCreditorId: a.otherCreditorId,
    });
    await app.db.query(
      `insert into alerts (org_id, rule, creditor_id, period, value, threshold, details)
       values ($1, 'email_bounce_rate', $2, 'week:2026-04-13', 0.1, 0.05, '{"sent": 20, "bounced": 2}')`,
      [a.scope.orgId, a.creditorId],
    );
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, locale: 'pt-BR' });
    page.setDefaultTimeout(STEP_TIMEOUT);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await login(page, app.users.manager.email, app.users.manager.password);
      const badge = page.getByTestId('alerts-badge');
      await badge.waitFor();
      const openBefore = Number((await badge.textContent())?.match(/\d+/)?.[0]);
      expect(openBefore).toBeGreaterThanOrEqual(1);
      await page.goto(`${app.url}/indicadores?periodo=personalizado&de=2026-03-01&ate=2026-04-15`);
      await page.getByRole('heading', { name: 'Indicadores', level: 2 }).waitFor();

      // The curve: cohorts of October 2025 to March 2026, a line per cohort with something owed.
      const curve = page.getByTestId('kpi-recovery-curve');
      await curve.locator('.recharts-line path').filter({ visible: true }).first().waitFor();
      expect(await curve.getByTestId('kpi-cohort-2025-11').textContent()).toContain('sem dados');
      // March 2026: S1..S4 of the fixture and T-3 of the seed fell due then, unpaid.
      await curve.getByTestId('kpi-cohort-2026-03').click();
      const cohort = page.getByRole('dialog', { name: 'Vencidos em mar/2026' });
      await cohort.getByTestId('kpi-drill-row').first().waitFor();
      expect(await cohort.getByTestId('kpi-drill-table').textContent()).toContain('Devedor e4');
      await cohort.getByTestId('kpi-drill-csv').waitFor();
      await page.keyboard.press('Escape');
      await cohort.waitFor({ state: 'hidden' });

      const trend = page.getByTestId('kpi-dso-trend');
      await trend.locator('.recharts-line path').filter({ visible: true }).first().waitFor();
      expect(await trend.getByTestId('kpi-dso-2026-04').textContent()).toContain('(parcial)');

      const slas = page.getByTestId('kpi-slas');
      await slas.getByTestId('sla-row').first().waitFor();
      expect(await slas.getByTestId('sla-table').textContent()).toContain('Cliente Um');
      await slas.getByTestId('sla-breach-row').first().waitFor();
      expect(await slas.getByTestId('sla-breaches').textContent()).toContain('Devedor e4');
      await slas.getByText('Resposta ao devedor').first().click();
      await slas.getByTestId('sla-breaches').filter({ hasText: 'Devedor e2' }).waitFor();
      await page.screenshot({ path: join(RESULTS, 'kpis-slas.png'), fullPage: true });

      const alerts = page.getByTestId('kpi-alerts');
      const row = alerts.getByTestId('alert-row').filter({ hasText: 'Taxa de devolução de e-mails' });
      await row.waitFor();
      await row.getByTestId('alert-acknowledge').click();
      await row.waitFor({ state: 'detached' });
      if (openBefore === 1) await badge.waitFor({ state: 'detached' });
      else
        await page
          .getByTestId('alerts-badge')
          .filter({ hasText: String(openBefore - 1) })
          .waitFor();

      await page.goto(`${app.url}/creditors/${a.creditorId}`);
      const card = page.getByTestId('sla-card');
      await card.getByTestId('sla-targets-form').waitFor();
      expect(await card.textContent()).toContain('Primeiro contato em até 2 dias');
      expect(pageErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
