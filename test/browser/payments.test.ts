/**
 * End-to-end, money in: a manager uploads an Itaú CNAB 240 retorno on "Pagamentos", reads what it did
 * (one payment, paid with credit, a bad line 5), finds it in the list matched by nosso número, uploads
 * the same file again and is told nothing was taken twice. Then the manager sets the creditor's
 * collection terms with a Pix key and opens a debtor page: the updated value, explained line by line,
 * with a Pix QR code and its copia e cola, and the negotiation offers, then the creditor's negotiation
 * policy.
 */
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../support/app.ts';
import { importCsv } from '../support/seed.ts';
import { app, browser, login, RESULTS, ROOT, STEP_TIMEOUT, setupBrowserSuite } from './harness.ts';

setupBrowserSuite();

const RETORNO = join(ROOT, 'src/payments/fixtures/itau-240.ret');

// The receivable the retorno pays: nosso número 12345678, R$ 150,00 (the bank reports R$ 153,00 paid).
beforeAll(async () => {
  const imported = await importCsv(
    app.db,
    app.seeded.a.scope,
    app.creditor.id,
    'id;cpf_cnpj;nome;vencimento;valor;nosso_numero\nNF-1001;123.456.789-09;João da Silva;2026-11-21;150,00;12345678\n',
  );
  expect(imported).toMatchObject({ status: 'completed', imported: 1 });
});

async function newPage(): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, locale: 'pt-BR' });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { page, pageErrors };
}

/** The element's text with the no-break spaces Intl puts in "R$ 1,00" made plain. */
async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\u00a0/g, ' ');
}

async function uploadRetorno(page: Page): Promise<void> {
  await page.locator('[data-testid="payment-import-form"] input[type="file"]').setInputFiles(RETORNO);
  await page.getByTestId('payment-submit').click();
}

describe('Pagamentos: bank return files', () => {
  it('imports a CNAB 240 retorno once, shows what it paid, and says so when it comes again', async () => {
    const { page, pageErrors } = await newPage();
    try {
      await login(page, app.users.manager.email, app.users.manager.password);
      await page.getByRole('link', { name: 'Pagamentos', exact: true }).click();
      await page.waitForURL(/\/payments$/, { timeout: STEP_TIMEOUT });
      await page.getByTestId('payments-empty').waitFor({ timeout: STEP_TIMEOUT });

      await uploadRetorno(page);
      const result = page.locator('[data-testid="payment-result"][data-seen-before="false"]');
      await result.waitFor({ timeout: STEP_TIMEOUT });
      await expect(result.getByTestId('payment-result-format').textContent()).resolves.toBe(
        'Retorno CNAB 240',
      );
      await expect(result.getByTestId('payment-result-headline').textContent()).resolves.toBe(
        '1 pagamento recebido: 1 com crédito',
      );
      expect(await textOf(result.getByTestId('payment-result-amounts'))).toBe(
        'R$ 150,00 lançados nos títulos · R$ 3,00 ficaram como crédito do devedor',
      );
      expect(await result.getByTestId('payment-seen-before').count()).toBe(0);
      // The short line 5 is reported with its number and reason; the good lines went through.
      const errors = result.getByTestId('payment-error');
      expect(await errors.count()).toBe(1);
      await expect(errors.getByTestId('payment-error-line').textContent()).resolves.toBe('5');
      await expect(errors.getByTestId('payment-error-reason').textContent()).resolves.toContain(
        '239 characters',
      );
      await result.getByTestId('payment-ignored-toggle').click();
      expect(await result.getByTestId('payment-ignored').count()).toBe(6);

      // The list: matched by nosso número, R$ 150,00 to NF-1001 and R$ 3,00 of credit.
      const rows = page.getByTestId('payment-row');
      await expect.poll(() => rows.count(), { timeout: STEP_TIMEOUT }).toBe(1);
      const row = rows.first();
      await expect(row.getAttribute('data-status')).resolves.toBe('partially_allocated');
      await expect(row.getByTestId('payment-status').textContent()).resolves.toBe('Com crédito');
      await expect(row.getByTestId('payment-matched').textContent()).resolves.toContain(
        'nosso número 12345678',
      );
      expect(await textOf(row.getByTestId('payment-amount'))).toBe('R$ 153,00');
      expect(await textOf(row.getByTestId('payment-allocations'))).toBe('NF-1001: R$ 150,00');
      expect(await textOf(row.getByTestId('payment-credit'))).toBe('R$ 3,00');
      await expect(row.getByTestId('payment-debtor').textContent()).resolves.toBe('João da Silva');
      await expect(row.getByTestId('payment-payer').textContent()).resolves.toContain('123.456.789-09');
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(RESULTS, 'payments-import.png'), fullPage: true });

      // The same file again: nothing new, and the page says why.
      await uploadRetorno(page);
      const again = page.locator('[data-testid="payment-result"][data-seen-before="true"]');
      await again.waitFor({ timeout: STEP_TIMEOUT });
      await expect(again.getByTestId('payment-result-headline').textContent()).resolves.toBe(
        'Nenhum pagamento novo; 1 já importado antes',
      );
      await expect(again.getByTestId('payment-seen-before').textContent()).resolves.toBe(
        'Este arquivo já tinha sido importado: nada foi lançado duas vezes.',
      );
      expect(await rows.count()).toBe(1);
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(RESULTS, 'payments-again.png'), fullPage: true });

      // Nothing waits to be reconciled.
      await page.getByTestId('payments-tab-unallocated').click();
      await page.getByTestId('payments-empty').waitFor({ timeout: STEP_TIMEOUT });
      expect(new URL(page.url()).search).toBe('?aba=conciliar');

      // Not a payment file: the server's 400 is shown.
      await page.locator('[data-testid="payment-import-form"] input[type="file"]').setInputFiles({
        name: 'planilha.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('id;nome\n1;x\n'),
      });
      await page.getByTestId('payment-submit').click();
      const problem = page.getByTestId('problem-alert');
      await problem.waitFor({ timeout: STEP_TIMEOUT });
      await expect(problem.textContent()).resolves.toContain('not a payment file');
      expect(await page.getByTestId('payment-result').count()).toBe(0);
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: join(RESULTS, 'payments-failure.png'), fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  });

  it('sets the creditor’s terms with a Pix key and shows the debtor’s updated value with a Pix QR', async () => {
    const { page, pageErrors } = await newPage();
    try {
      await login(page, app.users.manager.email, app.users.manager.password);
      await page.goto(`${app.url}/creditors/${app.creditor.id}`);
      const card = page.getByTestId('terms-card');
      await card.getByTestId('terms-form').waitFor({ timeout: STEP_TIMEOUT });

      // An invalid key: the server's 400 is shown and nothing is saved.
      await card.getByTestId('terms-pix-key').fill('não é chave');
      await card.getByTestId('terms-save').click();
      const problem = card.getByTestId('problem-alert');
      await problem.waitFor({ timeout: STEP_TIMEOUT });
      await expect(problem.textContent()).resolves.toContain('pixKey');

      // Agreed juros of 1% a month (the taxa legal needs the rate tables), the company's CNPJ as key.
      await card.getByTestId('terms-juros-agreed').check();
      await card.getByTestId('terms-juros').fill('1');
      await card.getByTestId('terms-pix-key').fill('11.222.333/0001-81');
      await card.getByTestId('terms-pix-name').fill('Cliente Um');
      await card.getByTestId('terms-pix-city').fill('Sao Paulo');
      await card.getByTestId('terms-save').click();
      await card.getByTestId('terms-saved').waitFor({ timeout: STEP_TIMEOUT });
      expect(await problem.count()).toBe(0);
      // The server keeps the key as digits.
      await expect(card.getByTestId('terms-pix-key').inputValue()).resolves.toBe('11222333000181');
      await card.scrollIntoViewIfNeeded();
      await card.screenshot({ path: join(RESULTS, 'payments-terms.png') });

      // Maria da Silva's page: the updated value, each title explained, and the Pix to pay it.
      const api = await loginAs(app.url, app.users.manager.email);
      const response = await api(`/api/v1/debtors?creditorId=${app.creditor.id}&q=Maria`);
      const { items } = (await response.json()) as { items: { id: number; name: string }[] };
      const maria = items.find((d) => d.name === 'Maria da Silva');
      expect(maria).toBeDefined();
      await page.goto(`${app.url}/debtors/${maria?.id}`);
      const charges = page.getByTestId('charges-card');
      await charges.getByTestId('charges-total').waitFor({ timeout: STEP_TIMEOUT });
      expect(await charges.getByTestId('charges-error').count()).toBe(0);
      await expect(charges.getByTestId('charges-total').textContent()).resolves.toMatch(
        /^R\$\s[\d.]+,\d{2}$/,
      );
      expect(await charges.getByTestId('charge-receivable').count()).toBe(2);

      const qr = charges.getByTestId('charges-pix-qr');
      await qr.waitFor({ timeout: STEP_TIMEOUT });
      await expect(qr.getAttribute('src')).resolves.toMatch(/^data:image\/svg\+xml;utf8,/);
      // The image really decodes (an SVG that failed to load has no natural size).
      await expect
        .poll(() => qr.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: STEP_TIMEOUT })
        .toBeGreaterThan(0);
      const code = await charges.getByTestId('charges-pix-code').textContent();
      expect(code).toMatch(/^000201/);
      expect(code).toContain('11222333000181');

      // A title opens into its lines, each with the explanation the debtor sees.
      await charges.getByTestId('charge-receivable').first().getByRole('button').click();
      const lines = charges.getByTestId('charge-component');
      await lines.first().waitFor({ timeout: STEP_TIMEOUT });
      const kinds = await lines.evaluateAll((els) => els.map((el) => el.getAttribute('data-kind')));
      expect(kinds).toEqual(expect.arrayContaining(['principal', 'multa', 'juros']));
      const multa = charges.locator('[data-testid="charge-component"][data-kind="multa"]').first();
      await expect(multa.getByTestId('charge-explanation').textContent()).resolves.toMatch(/^Multa de 2%/);
      await charges.scrollIntoViewIfNeeded();
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(RESULTS, 'payments-debtor-charges.png'), fullPage: true });

      // Another date: the value is recalculated for it.
      const before = await charges.getByTestId('charges-total').textContent();
      await charges.getByTestId('charges-date').fill('31/12/2027');
      await expect
        .poll(() => charges.getByTestId('charges-total').textContent(), { timeout: STEP_TIMEOUT })
        .not.toBe(before);
      await expect(charges.textContent()).resolves.toContain('em 31/12/2027');
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: join(RESULTS, 'payments-failure.png'), fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  });
  it('shows the debtor’s negotiation offers and the creditor’s negotiation policy', async () => {
    const { page, pageErrors } = await newPage();
    try {
      await login(page, app.users.manager.email, app.users.manager.password);
      const api = await loginAs(app.url, app.users.manager.email);
      const response = await api(`/api/v1/debtors?creditorId=${app.creditor.id}&q=Maria`);
      const { items } = (await response.json()) as { items: { id: number; name: string }[] };
      const maria = items.find((d) => d.name === 'Maria da Silva');
      expect(maria).toBeDefined();
      await page.goto(`${app.url}/debtors/${maria?.id}`);

      const offers = page.getByTestId('offers-card');
      const cash = offers.locator('[data-testid="offer"][data-key="avista"]');
      await cash.waitFor({ timeout: STEP_TIMEOUT });
      expect(await offers.getByTestId('offers-error').count()).toBe(0);
      await expect(cash.getByTestId('offer-title').textContent()).resolves.toBe('À vista');
      expect(await textOf(cash.getByTestId('offer-total'))).toMatch(/^R\$\s[\d.]+,\d{2}$/);
      expect(await cash.getByTestId('offer-explanation').locator('p').count()).toBeGreaterThan(0);
      // A manager may accept an offer (agreements are tested in agreements.test.ts).
      await cash.getByRole('button', { name: 'Aceitar proposta' }).waitFor({ timeout: STEP_TIMEOUT });
      await expect(offers.getByTestId('offers-note').textContent()).resolves.toBe(
        'Ao aceitar uma proposta, o acordo é criado com um Pix para cada pagamento e os títulos ficam “Em acordo”.',
      );
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(RESULTS, 'offers.png'), fullPage: true });

      await page.goto(`${app.url}/creditors/${app.creditor.id}`);
      const policy = page.getByTestId('policy-card');
      await policy.getByTestId('policy-form').waitFor({ timeout: STEP_TIMEOUT });
      expect(await policy.getByTestId('policy-bucket').count()).toBeGreaterThan(0);
      await expect(policy.getByTestId('policy-options').inputValue()).resolves.toMatch(/^\d+(, \d+)*$/);
      await policy.getByTestId('policy-save').waitFor({ timeout: STEP_TIMEOUT });
      await policy.scrollIntoViewIfNeeded();
      await policy.screenshot({ path: join(RESULTS, 'offers-policy.png') });
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: join(RESULTS, 'payments-failure.png'), fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  });
});
