/**
 * End-to-end, agreements (acordos) in the staff app: a manager sets how late an agreement payment may
 * be before it breaks, accepts the cash offer on Maria's page after a confirmation, and sees the
 * agreement with its payment, Pix and renegotiated titles, the originals "Em acordo". The manager
 * cancels it (the originals come back), a client viewer sees no way to accept, the manager accepts
 * again, the Pix is paid, the agreement is "Concluído" and Maria is on "Recuperados".
 */
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { pixWebhookToken } from '../../src/payments/pixWebhook.ts';
import { loginAs } from '../support/app.ts';
import { PASSWORD } from '../support/seed.ts';
import { app, browser, login, RESULTS, STEP_TIMEOUT, setupBrowserSuite } from './harness.ts';

setupBrowserSuite();

let orgId = 0;
let mariaId = 0;

beforeAll(async () => {
  orgId = app.seeded.a.scope.orgId;
  const manager = await loginAs(app.url, app.users.manager.email);
  const terms = await manager(`/api/v1/creditors/${app.creditor.id}/terms`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      multaPercent: '2',
      jurosMonthlyPercent: '1',
      correction: 'none',
      multaCapPercentForCompanies: '2',
      pixKey: '11.222.333/0001-81',
      pixMerchantName: 'Cliente Um',
      pixCity: 'Sao Paulo',
    }),
  });
  expect(terms.status).toBe(200);
  const [maria] = await app.db.query<{ id: number }>(
    `select id from debtors where org_id = $1 and name = 'Maria da Silva'`,
    [orgId],
  );
  mariaId = maria?.id ?? 0;
  expect(mariaId).toBeGreaterThan(0);
});

async function newPage(): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, locale: 'pt-BR' });
  page.setDefaultTimeout(STEP_TIMEOUT);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { page, pageErrors };
}

async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\u00a0/g, ' ');
}

/** Accepts the cash offer on the debtor page; returns its total as shown. */
async function acceptCash(page: Page): Promise<string> {
  const cash = page.getByTestId('offers-card').locator('[data-testid="offer"][data-key="avista"]');
  const total = await textOf(cash.getByTestId('offer-total'));
  await cash.getByRole('button', { name: 'Aceitar proposta' }).click();
  const dialog = page.getByRole('dialog', { name: 'Confirmar acordo' });
  expect(await textOf(dialog)).toContain(`À vista: total de ${total}`);
  await dialog.getByRole('button', { name: 'Confirmar acordo' }).click();
  await page.getByTestId('offer-accepted').waitFor();
  await dialog.waitFor({ state: 'detached' });
  return total;
}

describe('agreements in the staff app', () => {
  it('a manager sets the break tolerance, accepts an offer, sees the agreement and cancels it', async () => {
    const { page, pageErrors } = await newPage();
    try {
      await login(page, app.users.manager.email, app.users.manager.password);

      // The negotiation policy: 15 days of tolerance before an agreement breaks.
      await page.goto(`${app.url}/creditors/${app.creditor.id}`);
      const policy = page.getByTestId('policy-card');
      const tolerance = policy.getByLabel('Tolerância de atraso antes de quebrar o acordo (dias)');
      await expect.poll(() => tolerance.inputValue()).toBe('10');
      await tolerance.fill('15');
      await policy.getByTestId('policy-save').click();
      await policy.getByTestId('policy-saved').waitFor();
      await page.reload();
      await expect.poll(() => tolerance.inputValue()).toBe('15');

      await page.goto(`${app.url}/debtors/${mariaId}`);
      const agreements = page.getByTestId('agreements-card');
      await agreements.getByTestId('agreements-empty').waitFor();
      const total = await acceptCash(page);

      const agreement = agreements.getByTestId('agreement');
      await agreement.waitFor();
      await expect(agreement.getByTestId('agreement-status').textContent()).resolves.toBe('Ativo');
      expect(await textOf(agreement.getByTestId('agreement-total'))).toBe(total);
      expect(await textOf(agreement.getByTestId('agreement-paid'))).toBe('R$ 0,00');
      expect(await textOf(agreement)).toContain('tolerância de 15 dias');
      expect(await textOf(agreement)).toContain('por Manager Alfa');
      const payment = agreement.getByTestId('agreement-installment');
      expect(await payment.count()).toBe(1);
      await expect(payment.getByTestId('agreement-installment-status').textContent()).resolves.toBe(
        'Em aberto',
      );
      await payment.getByRole('button', { name: 'Copiar Pix do pagamento 1' }).waitFor();
      const originals = agreement.getByTestId('agreement-original');
      expect(await originals.allTextContents()).toEqual([
        expect.stringContaining('NF-100'),
        expect.stringContaining('NF-101'),
      ]);
      expect(await agreement.getByTestId('agreement-explanation').locator('p').count()).toBeGreaterThan(0);

      // While it runs, no other offer can be accepted, and the originals are "Em acordo".
      const offers = page.getByTestId('offers-card');
      await expect
        .poll(() => textOf(offers.getByTestId('offers-note')))
        .toMatch(/^O acordo nº \d+ está ativo/);
      expect(await offers.getByRole('button', { name: 'Aceitar proposta' }).count()).toBe(0);
      const rows = page.getByTestId('receivables-table').getByTestId('receivable-row');
      for (const number of ['NF-100', 'NF-101'])
        await expect
          .poll(() => textOf(rows.and(page.locator(`[data-document-number="${number}"]`))))
          .toContain('Em acordo');
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(RESULTS, 'agreements-active.png'), fullPage: true });

      // Cancelled with a reason: the originals come back with their balance.
      await agreement.getByRole('button', { name: 'Cancelar acordo' }).click();
      const dialog = page.getByRole('dialog', { name: /^Cancelar o acordo nº/ });
      await dialog.getByRole('button', { name: 'Cancelar acordo' }).click();
      await dialog.getByText('Explique o motivo').waitFor();
      await dialog.getByLabel('Motivo do cancelamento').fill('Cliente pediu para renegociar');
      await dialog.getByRole('button', { name: 'Cancelar acordo' }).click();
      await expect.poll(() => agreement.getByTestId('agreement-status').textContent()).toBe('Cancelado');
      expect(await textOf(agreement.getByTestId('agreement-end-reason'))).toContain(
        'Cliente pediu para renegociar',
      );
      expect(await textOf(agreement.getByTestId('agreement-original-returned').first())).toBe('R$ 1.234,56');
      expect(await agreement.getByRole('button', { name: 'Cancelar acordo' }).count()).toBe(0);
      await expect
        .poll(() => textOf(rows.and(page.locator('[data-document-number="NF-100"]'))))
        .toContain('Em aberto');
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await page
        .screenshot({ path: join(RESULTS, 'agreements-failure.png'), fullPage: true })
        .catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  });

  it('a client viewer cannot accept an offer', async () => {
    const { page, pageErrors } = await newPage();
    try {
      await login(page, app.seeded.users.client, PASSWORD);
      await page.goto(`${app.url}/debtors/${mariaId}`);
      const offers = page.getByTestId('offers-card');
      await offers.locator('[data-testid="offer"][data-key="avista"]').waitFor();
      expect(await offers.getByRole('button', { name: 'Aceitar proposta' }).count()).toBe(0);
      await expect(offers.getByTestId('offers-note').textContent()).resolves.toBe(
        'Apenas cobradores, gestores e administradores fecham acordos.',
      );
      await page.getByTestId('agreements-card').getByTestId('agreement').first().waitFor();
      expect(await page.getByRole('button', { name: 'Cancelar acordo' }).count()).toBe(0);
      expect(pageErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('an agreement paid by Pix is completed and the customer shows on "Recuperados"', async () => {
    const { page, pageErrors } = await newPage();
    try {
      await login(page, app.users.manager.email, app.users.manager.password);
      await page.goto(`${app.url}/debtors/${mariaId}`);
      await acceptCash(page);
      const active = page.locator('[data-testid="agreement"][data-status="active"]');
      await active.waitFor();
      const id = Number(await active.getAttribute('data-id'));
      const [payment] = await app.db.query<{ amountCents: number }>(
        `select amount_cents as "amountCents" from agreement_installments where agreement_id = $1 and number = 1`,
        [id],
      );
      const cents = payment?.amountCents ?? 0;
      const token = pixWebhookToken(app.config.secretKey ?? Buffer.alloc(32), orgId);
      const paid = await fetch(`${app.url}/webhooks/pix/${orgId}/${token}/pix`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          pix: [
            {
              endToEndId: 'E12345678202611221200browser0001',
              txid: `RGA${id}N1`,
              valor: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
              horario: new Date().toISOString(),
            },
          ],
        }),
      });
      expect(paid.status).toBe(200);
      expect(await paid.json()).toMatchObject({ rejected: [] });

      await page.reload();
      const done = page.locator(`[data-testid="agreement"][data-id="${id}"]`);
      await expect.poll(() => done.getByTestId('agreement-status').textContent()).toBe('Concluído');
      await expect(done.getByTestId('agreement-installment-status').textContent()).resolves.toBe('Pago');

      await page.getByRole('link', { name: 'Recuperados' }).click();
      await page.getByRole('heading', { level: 2, name: 'Recuperados' }).waitFor();
      const row = page.locator(`[data-testid="recovered-row"][data-debtor-id="${mariaId}"]`);
      await row.waitFor();
      await expect(row.getByTestId('recovered-reason').textContent()).resolves.toBe('Acordo concluído');
      expect(await row.getByTestId('recovered-owes-again').count()).toBe(0);
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(RESULTS, 'agreements-recovered.png'), fullPage: true });
      await row.getByRole('link', { name: 'Maria da Silva' }).click();
      await page.waitForURL(new RegExp(`/debtors/${mariaId}$`));
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await page
        .screenshot({ path: join(RESULTS, 'agreements-failure.png'), fullPage: true })
        .catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  });
});
