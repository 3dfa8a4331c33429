/**
 * End-to-end, Faturamento: a manager sees the creditor's fee terms on its page, identifies the issuer,
 * opens March 2026's statement of the worked example (docs/BILLING.md), issues it, and a client viewer
 * then sees only its own creditor's statements, read-only.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_TIERS, plantBillingExample } from '../../src/billing/example.ts';
import { setFeeTerms } from '../../src/billing/statements.ts';
import { PASSWORD } from '../support/seed.ts';
import { app, browser, login, RESULTS, STEP_TIMEOUT, setupBrowserSuite } from './harness.ts';

setupBrowserSuite();

const text = async (locator: { textContent: () => Promise<string | null> }) =>
  ((await locator.textContent()) ?? '').replace(/\u00a0/g, ' ');

beforeAll(async () => {
  await plantBillingExample(app.db, app.seeded.a.scope, app.seeded.a.creditorId);
  await setFeeTerms(app.db, app.seeded.a.scope, app.seeded.a.creditorId, {
    effectiveMonth: '2026-01',
    monthlyFeeCents: 150_000,
    successFeeBasisPoints: null,
    tiers: EXAMPLE_TIERS,
  });
});

describe('Faturamento in the staff app', () => {
  it('a manager issues March 2026; a client viewer sees its own statement read-only', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, locale: 'pt-BR' });
    page.setDefaultTimeout(STEP_TIMEOUT);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await login(page, app.users.manager.email, app.users.manager.password);
      await page.goto(`${app.url}/creditors/${app.seeded.a.creditorId}`);
      const card = page.getByTestId('fee-terms-card');
      await card.getByTestId('fee-terms-current').waitFor();
      expect(await text(card.getByTestId('fee-terms-current'))).toContain('R$ 1.500,00');
      expect(await text(card.getByTestId('fee-terms-current'))).toContain('91 dias ou mais: 15%');
      // New terms from the current month: overlapping tiers are refused with the server's pt-BR problem.
      await card.getByLabel('Faixa 2: de').fill('20');
      await card.getByTestId('fee-terms-save').click();
      await card.getByText('Faixa 2: sobrepõe a faixa 1 (começa em 20, a anterior vai até 30).').waitFor();
      await card.getByLabel('Faixa 2: de').fill('31');
      await card.getByTestId('fee-tier-rate-2').fill('20');
      await card.getByTestId('fee-terms-save').click();
      await card.getByTestId('fee-terms-saved').waitFor();
      expect(await card.getByTestId('fee-terms-versions').locator('tbody tr').count()).toBe(2);
      expect(await text(card.getByTestId('fee-terms-current'))).toContain('91 dias ou mais: 20%');

      await page.getByRole('link', { name: 'Faturamento' }).click();
      await page.getByRole('heading', { name: 'Faturamento', level: 2 }).waitFor();
      await page.getByTestId('issuer-missing').waitFor();
      await page.getByTestId('issuer-edit').click();
      await page.getByTestId('issuer-name').fill('Alfa BPO Cobranças Ltda');
      await page.getByTestId('issuer-cnpj').fill('11.444.777/0001-61');
      await page.getByTestId('issuer-save').click();
      await page.getByTestId('issuer-current').waitFor();

      await page.goto(`${app.url}/faturamento?mes=2026-03`);
      const row = page.getByTestId(`billing-row-${app.seeded.a.creditorId}`);
      await row.waitFor();
      expect(await text(row)).toContain('R$ 1.827,63');
      expect(await text(row)).toContain('Pronta para emitir');
      await page.getByTestId(`billing-open-${app.seeded.a.creditorId}`).click();
      const detail = page.getByTestId('statement-detail');
      await detail.getByTestId('statement-lines').waitFor();
      expect(await detail.getByTestId('statement-lines').locator('tbody tr').count()).toBe(4);
      expect(await text(detail.getByTestId('statement-total'))).toContain('R$ 1.827,63');
      expect(await text(detail.getByTestId('statement-success'))).toContain('exato: R$ 327,6295');
      await detail.getByTestId('statement-issue').click();
      await page.getByText('Emitida nº 1').first().waitFor();
      expect(await detail.getByTestId('statement-issue').count()).toBe(0);
      await page.screenshot({ path: join(RESULTS, 'billing-issued.png'), fullPage: true });

      // The running month: a partial preview, said so.
      await page.goto(`${app.url}/faturamento`);
      await page.getByTestId('billing-table').waitFor();
      await page.getByTestId('billing-month').click();
      await page.getByRole('option', { name: /em andamento/ }).click();
      expect(await text(page.getByTestId('billing-month-note'))).toContain(
        'Período em andamento — prévia, sujeita a alteração',
      );
      expect(pageErrors).toEqual([]);
    } finally {
      await page.close();
    }

    const client = await browser.newPage({ viewport: { width: 1366, height: 900 }, locale: 'pt-BR' });
    client.setDefaultTimeout(STEP_TIMEOUT);
    try {
      await login(client, app.seeded.users.client, PASSWORD);
      await client.goto(`${app.url}/faturamento?mes=2026-03&credor=${app.seeded.a.creditorId}`);
      await client.getByTestId('statement-lines').waitFor();
      expect(await client.getByTestId('billing-table').locator('tbody tr').count()).toBe(1);
      expect(await text(client.getByTestId('statement-state'))).toBe('Emitida nº 1');
      expect(await client.getByTestId('issuer-edit').count()).toBe(0);
      expect(await client.getByTestId('statement-issue').count()).toBe(0);
      await client.goto(`${app.url}/faturamento?mes=2026-03&credor=${app.seeded.a.otherCreditorId}`);
      await client.getByText('Não encontrado').first().waitFor();
      expect(await client.getByTestId('statement-lines').count()).toBe(0);
    } finally {
      await client.close();
    }
  });
});
