/**
 * End-to-end on a phone (360x740, touch): Maria opens the signed link from her message, picks her
 * e-mail for the one-time code, types her CPF and the code (a wrong code first: the tries left are
 * said), sees her two debts with the updated amounts and how each was calculated, the total with its
 * Pix, and accepts the cash offer after a confirmation (a double tap makes one agreement). The
 * agreement shows with its Pix and boleto. She promises a date, asks for help, stops SMS, and when her
 * session ends she is sent back to the start with a message; she signs in again and leaves. An expired
 * or altered link says so in Portuguese. Every step is found by role and label, as assistive
 * technology finds it.
 */
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { signPortalLink } from '../../src/portal/links.ts';
import { addDays, todayIn } from '../../src/shared/dates.ts';
import { app, browser, RESULTS, STEP_TIMEOUT, setupBrowserSuite } from './harness.ts';

setupBrowserSuite();

const PHONE = { width: 360, height: 740 };
const CPF = '52998224725';

let orgId = 0;
let mariaId = 0;
let token = '';

function secretKey(): Buffer {
  const key = app.config.secretKey;
  if (!key) throw new Error('the test app has no secret key');
  return key;
}

beforeAll(async () => {
  orgId = app.seeded.a.scope.orgId;
  const [maria] = await app.db.query<{ id: number }>(
    `select id from debtors where org_id = $1 and name = 'Maria da Silva'`,
    [orgId],
  );
  mariaId = maria?.id ?? 0;
  expect(mariaId).toBeGreaterThan(0);
  // A Pix key so the debts and the agreement payments have a Pix; a boleto agreement so they have a boleto.
  await app.db.query(
    `update creditors set pix_key = '11222333000181', boleto_agency = '1234-5', boleto_account = '12345-6',
            boleto_convenio = '1234567', boleto_carteira = '17' where id = $1`,
    [app.creditor.id],
  );
  token = signPortalLink(secretKey(), { orgId, debtorId: mariaId });
});

async function phone(): Promise<{ context: BrowserContext; page: Page; pageErrors: string[] }> {
  const context = await browser.newContext({
    viewport: PHONE,
    screen: PHONE,
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
    locale: 'pt-BR',
    timezoneId: 'America/Sao_Paulo',
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { context, page, pageErrors };
}

/** The text with the no-break spaces Intl puts in "R$ 1,00" made plain. */
function plain(text: string | null): string {
  return (text ?? '').replace(/\u00a0/g, ' ');
}

/** The code the worker sent to Maria's e-mail (newer than `afterId`), once it is out. */
async function sentCode(afterId: number): Promise<{ id: number; code: string }> {
  for (let i = 0; i < 150; i++) {
    const [row] = await app.db.query<{ id: number; body: string; status: string; channel: string }>(
      `select id, body, status, channel from outbound_messages
        where org_id = $1 and debtor_id = $2 and purpose = 'portal_code' and id > $3 order by id desc limit 1`,
      [orgId, mariaId, afterId],
    );
    if (row && (row.status === 'sent' || row.status === 'delivered')) {
      expect(row.channel).toBe('email');
      const code = /é (\d{6})\./.exec(row.body)?.[1];
      if (!code) throw new Error(`no code in ${row.body}`);
      return { id: row.id, code };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the portal code was never sent');
}

async function lastCodeId(): Promise<number> {
  const [row] = await app.db.query<{ id: number | null }>(
    `select max(id)::int as id from outbound_messages where debtor_id = $1 and purpose = 'portal_code'`,
    [mariaId],
  );
  return row?.id ?? 0;
}

/** Nothing wider than the phone: no sideways scrolling. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(PHONE.width);
}

/** Every visible button is a comfortable touch target. */
async function expectBigButtons(page: Page): Promise<void> {
  const heights = await page
    .getByRole('button')
    .evaluateAll((buttons) =>
      buttons
        .filter((b) => (b as HTMLElement).offsetParent !== null)
        .map((b) => [b.textContent ?? '', b.getBoundingClientRect().height] as const),
    );
  expect(heights.length).toBeGreaterThan(0);
  for (const [name, height] of heights)
    expect({ name, height: height >= 40 }).toEqual({ name, height: true });
}

/** From the first screen to the account: e-mail, code, CPF (`wrongFirst`: a wrong code before). */
async function signIn(page: Page, options: { wrongFirst?: boolean } = {}): Promise<void> {
  const before = await lastCodeId();
  await page.getByRole('radio', { name: 'E-mail: m***a@example.com' }).check();
  await page.getByRole('button', { name: 'Enviar código' }).tap();
  await expect
    .poll(() => page.getByRole('status').filter({ hasText: 'Enviamos um código' }).textContent())
    .toContain('Enviamos um código para m***a@example.com.');
  // The code step's heading takes the focus.
  await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Digite o código');
  const { code } = await sentCode(before);

  const cpf = page.getByLabel('Seu CPF');
  await cpf.fill(CPF);
  expect(await cpf.inputValue()).toBe('529.982.247-25');
  const codeField = page.getByLabel('Código de 6 números');
  if (options.wrongFirst) {
    await codeField.fill(String((Number(code) + 1) % 1_000_000).padStart(6, '0'));
    await page.getByRole('button', { name: 'Entrar' }).tap();
    const alert = page.getByRole('alert').filter({ hasText: 'não conferem' });
    await alert.waitFor();
    expect(await alert.textContent()).toBe('O CPF ou o código não conferem. Restam 4 tentativas.');
  }
  await codeField.fill(code);
  await page.getByRole('button', { name: 'Entrar' }).tap();
  await page.getByRole('heading', { level: 1, name: 'Olá, Maria!' }).waitFor();
  await page.getByText('Valores atualizados em').waitFor();
}

describe('the debtor portal on a phone', () => {
  it('loads the portal without the staff app', async () => {
    const { context, page, pageErrors } = await phone();
    try {
      const scripts: { name: string; body: string }[] = [];
      page.on('response', async (response) => {
        const name = /\/assets\/([^/?]+\.js)$/.exec(new URL(response.url()).pathname)?.[1];
        if (name) scripts.push({ name, body: (await response.body()).toString('utf8') });
      });
      await page.goto(`${app.url}/p/${token}`);
      await page.getByRole('button', { name: 'Enviar código' }).waitFor();
      await page.waitForLoadState('networkidle');
      const names = scripts.map((s) => s.name);
      expect(names.some((name) => name.startsWith('PortalPage-'))).toBe(true);
      for (const staff of ['RequireSession-', 'LoginPage-', 'CreditorPage-', 'PaymentsPage-', 'DebtorPage-'])
        expect(names.filter((name) => name.startsWith(staff))).toEqual([]);
      // Nor inside the chunks it did load: words only the staff pages say.
      for (const words of [
        'Importar pagamentos',
        'Gerar remessa',
        'Régua de cobrança',
        'Esqueci minha senha',
      ])
        expect(scripts.filter((s) => s.body.includes(words)).map((s) => s.name)).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('an expired or altered link says so in Portuguese and what to do', async () => {
    const { context, page, pageErrors } = await phone();
    try {
      const old = signPortalLink(secretKey(), {
        orgId,
        debtorId: mariaId,
        now: new Date(Date.now() - 31 * 86_400_000),
      });
      await page.goto(`${app.url}/p/${old}`);
      await page.getByRole('heading', { level: 1, name: 'Este link expirou' }).waitFor();
      expect(await page.getByRole('alert').textContent()).toBe(
        'Este link expirou. Peça um novo ao credor ou responda à mensagem que recebeu.',
      );
      await expect(page.getByText('É só responder à mensagem').textContent()).resolves.toContain(
        'pedindo um novo',
      );
      await page.screenshot({ path: join(RESULTS, 'portal-expired.png'), fullPage: true });

      const last = token.at(-1) === 'A' ? 'B' : 'A';
      await page.goto(`${app.url}/p/${token.slice(0, -1)}${last}`);
      await page.getByRole('heading', { level: 1, name: 'Link inválido' }).waitFor();
      expect(await page.getByRole('alert').textContent()).toContain('Este link não é válido.');
      // No staff navigation anywhere.
      expect(await page.getByTestId('brand').count()).toBe(0);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('walks from the link to an agreement, a promise, a request for help, an opt-out, and out', async () => {
    const { context, page, pageErrors } = await phone();
    try {
      await page.goto(`${app.url}/p/${token}`);
      await page.getByRole('heading', { level: 1, name: 'Olá, Maria!' }).waitFor();
      await expect(page.getByTestId('portal-brand').textContent()).resolves.toBe('Cliente Um');
      expect(await page.getByRole('radio').count()).toBe(2);
      await expectNoSidewaysScroll(page);
      await page.screenshot({ path: join(RESULTS, 'portal-start.png'), fullPage: true });

      await signIn(page, { wrongFirst: true });

      // The creditor's name and CNPJ (CDC art. 42-A).
      expect(await page.getByTestId('portal-creditor').textContent()).toBe(
        'Credor: Cliente Um, CNPJ 11.222.333/0001-81',
      );
      expect(await page.getByRole('contentinfo').textContent()).toContain('CNPJ 11.222.333/0001-81');

      // The debts, each with its updated amount and, on demand, how it was calculated.
      const debts = page.getByRole('region', { name: 'O que está em aberto' });
      expect(await debts.getByTestId('debt').count()).toBe(2);
      for (const total of await debts.getByTestId('debt-total').allTextContents())
        expect(plain(total)).toMatch(/^R\$ [\d.]+,\d{2}$/);
      const showCalculation = debts.getByRole('button', { name: 'Ver cálculo' }).first();
      expect(await showCalculation.getAttribute('aria-expanded')).toBe('false');
      await showCalculation.tap();
      const hide = debts.getByRole('button', { name: 'Esconder cálculo' });
      expect(await hide.getAttribute('aria-expanded')).toBe('true');
      const lines = debts.getByTestId('debt-component');
      const kinds = await lines.evaluateAll((els) => els.map((el) => el.getAttribute('data-kind')));
      expect(kinds).toEqual(expect.arrayContaining(['principal', 'multa', 'juros']));
      await expect(
        debts.locator('[data-testid="debt-component"][data-kind="multa"]').textContent(),
      ).resolves.toMatch(/Multa de 2%/);
      expect(plain(await debts.getByTestId('portal-total').textContent())).toMatch(
        /^Total para pagar hojeR\$ [\d.]+,\d{2}$/,
      );

      // The Pix for the total: a QR code that decodes, and the copia e cola copied to the clipboard.
      const qr = debts.getByRole('img', { name: /^QR code do Pix de R\$/ });
      await expect
        .poll(() => qr.evaluate((img) => (img as HTMLImageElement).naturalWidth))
        .toBeGreaterThan(0);
      const pixCode = await debts.getByLabel('Código Pix copia e cola').inputValue();
      expect(pixCode).toMatch(/^000201/);
      expect(pixCode).toContain('11222333000181');
      await debts.getByRole('button', { name: 'Copiar código Pix' }).tap();
      await debts.getByRole('status').filter({ hasText: 'Copiado' }).waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(pixCode);
      await expectNoSidewaysScroll(page);
      await expectBigButtons(page);
      await page.screenshot({ path: join(RESULTS, 'portal-debts.png'), fullPage: true });

      // The offers, each explained; the cash one is accepted after a confirmation, tapped twice.
      const offers = page.getByRole('region', { name: 'Propostas para você' });
      const cash = offers.locator('[data-testid="portal-offer"][data-key="avista"]');
      await expect(cash.getByRole('heading', { level: 3 }).textContent()).resolves.toBe('À vista');
      expect(
        await cash.getByTestId('portal-offer-explanation').getByRole('listitem').count(),
      ).toBeGreaterThan(0);
      const cashTotal = plain(await cash.locator('p').filter({ hasText: /^R\$/ }).first().textContent());
      await cash.getByRole('button', { name: 'Aceitar proposta' }).tap();
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.textContent))
        .toBe('Confirmar acordo');
      expect(plain(await cash.getByTestId('offer-confirm').textContent())).toContain(
        `Você paga ${cashTotal}`,
      );
      await page.screenshot({ path: join(RESULTS, 'portal-confirm.png'), fullPage: true });
      await cash.getByRole('button', { name: 'Confirmar acordo' }).dblclick();

      const agreement = page.getByRole('region', { name: 'Seu acordo' });
      await agreement.getByRole('status').filter({ hasText: 'Acordo fechado!' }).waitFor();
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Seu acordo');
      const made = await app.db.query<{ id: number; totalCents: number; createdBy: string }>(
        `select id, total_cents as "totalCents", created_by as "createdBy" from agreements where debtor_id = $1`,
        [mariaId],
      );
      expect(made).toHaveLength(1);
      expect(made[0]?.createdBy).toBe(`debtor:${mariaId}:portal`);
      // Everything owed is in the agreement now: no loose debts, no offers.
      expect(await page.getByRole('region', { name: 'O que está em aberto' }).count()).toBe(0);
      expect(await page.getByRole('region', { name: 'Propostas para você' }).count()).toBe(0);
      expect(plain(await agreement.textContent())).toContain(`Total do acordo${cashTotal}`);
      const payment = agreement.getByTestId('portal-installment');
      expect(await payment.count()).toBe(1);
      await expect(payment.getByRole('heading', { level: 4 }).textContent()).resolves.toBe('Pagamento único');
      await expect
        .poll(() =>
          agreement
            .getByRole('img', { name: /^QR code do Pix de R\$/ })
            .evaluate((img) => (img as HTMLImageElement).naturalWidth),
        )
        .toBeGreaterThan(0);
      expect(await agreement.getByLabel('Código Pix copia e cola').inputValue()).toMatch(/^000201/);
      // The boleto: a PDF behind the portal session, and its linha digitável.
      const boleto = agreement.getByRole('link', { name: 'Baixar boleto (PDF)' });
      const href = (await boleto.getAttribute('href')) ?? '';
      expect(href).toBe(`/api/portal/agreements/${made[0]?.id}/installments/1/boleto.pdf`);
      const pdf = await page.request.get(`${app.url}${href}`);
      expect(pdf.status()).toBe(200);
      expect(pdf.headers()['content-type']).toBe('application/pdf');
      expect(await agreement.getByLabel('Linha digitável do boleto').inputValue()).toMatch(/^00190\.00009 /);
      await expectNoSidewaysScroll(page);
      await page.screenshot({ path: join(RESULTS, 'portal-agreement.png'), fullPage: true });

      // A promise to pay: a date within the allowed window; the amount starts at the payment due.
      const today = todayIn('America/Sao_Paulo');
      const promise = page.getByRole('region', { name: 'Prometer pagamento' });
      await promise.getByLabel('Data do pagamento').fill(addDays(today, 5));
      expect(plain(await promise.getByLabel('Valor que você vai pagar').inputValue())).toBe(cashTotal);
      await promise.getByRole('button', { name: 'Prometer pagamento' }).tap();
      await promise.getByRole('status').filter({ hasText: 'Combinado!' }).waitFor();
      const [hold] = await app.db.query<{ untilDate: string; createdBy: string }>(
        `select until_date::text as "untilDate", created_by as "createdBy" from collection_holds
          where debtor_id = $1 and kind = 'promise' and released_at is null`,
        [mariaId],
      );
      expect(hold).toEqual({ untilDate: addDays(today, 5), createdBy: `debtor:${mariaId}:portal` });

      // Help: a collector will call back.
      const help = page.getByRole('region', { name: 'Preciso de ajuda' });
      await help.getByRole('button', { name: 'Pedir ajuda' }).tap();
      await help.getByText('Escreva sua mensagem.').waitFor();
      await help.getByLabel('Como podemos ajudar?').fill('Posso pagar no dia 10?');
      await help.getByRole('button', { name: 'Pedir ajuda' }).tap();
      await expect
        .poll(() => help.getByRole('status').textContent())
        .toBe('Pedido enviado! Um atendente vai ligar para você.');
      const [call] = await app.db.query<{ body: string }>(
        `select body from outbound_messages where debtor_id = $1 and purpose = 'help_request'`,
        [mariaId],
      );
      expect(call?.body).toContain('Posso pagar no dia 10?');

      // No more SMS, after a confirmation; the e-mail stays.
      const optOut = page.getByRole('region', { name: 'Mensagens de cobrança' });
      await optOut.getByRole('button', { name: 'Não quero mais receber por SMS' }).tap();
      await optOut.getByRole('button', { name: 'Sim, parar' }).tap();
      await optOut
        .getByRole('status')
        .filter({ hasText: 'Pronto: você não vai mais receber mensagens de cobrança por SMS.' })
        .waitFor();
      await expect
        .poll(() => optOut.getByRole('button', { name: 'Não quero mais receber por SMS' }).count())
        .toBe(0);
      expect(await optOut.getByRole('button', { name: 'Não quero mais receber por e-mail' }).count()).toBe(1);
      const [consent] = await app.db.query<{ event: string; source: string }>(
        `select event, source from consent_events where debtor_id = $1 and channel = 'sms' order by id desc limit 1`,
        [mariaId],
      );
      expect(consent).toEqual({ event: 'opt_out', source: 'portal' });
      await expectBigButtons(page);
      await page.screenshot({ path: join(RESULTS, 'portal-actions.png'), fullPage: true });

      // Reopening the link within the session goes straight back in.
      await page.reload();
      await page.getByRole('region', { name: 'Seu acordo' }).waitFor();
      expect(await page.getByRole('radio').count()).toBe(0);

      // The session ends while she is on the page: the next action sends her back to the start.
      await context.clearCookies();
      await help.getByLabel('Como podemos ajudar?').fill('Outra dúvida');
      await help.getByRole('button', { name: 'Pedir ajuda' }).tap();
      await expect
        .poll(() => page.getByTestId('portal-notice').textContent())
        .toBe('Sua sessão terminou. Abra de novo o link que você recebeu para entrar.');
      // Stopping collection SMS does not lock her out: a code she asks for may still go to that number.
      await expect.poll(() => page.getByRole('radio').count()).toBe(2);

      // In again (the agreement is there), then out.
      await signIn(page);
      await page.getByRole('region', { name: 'Seu acordo' }).waitFor();
      await page.getByRole('banner').getByRole('button', { name: 'Sair' }).tap();
      await expect
        .poll(() => page.getByTestId('portal-notice').textContent())
        .toBe('Você saiu do portal. Para voltar, abra o mesmo link e peça um novo código.');
      expect((await page.request.get(`${app.url}/api/portal/me`)).status()).toBe(401);
      expect(await page.getByRole('button', { name: 'Sair' }).count()).toBe(0);
      await page.screenshot({ path: join(RESULTS, 'portal-left.png'), fullPage: true });
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: join(RESULTS, 'portal-failure.png'), fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await context.close();
    }
  });
});
