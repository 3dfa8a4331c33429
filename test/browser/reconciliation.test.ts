/**
 * End-to-end, the unmatched queue and boleto registration. A manager imports an OFX statement whose
 * lines name no reference: the Padaria's exact amount is allocated alone, the rest wait in "Para
 * conciliar". A collector sees the candidates but cannot decide. The manager confirms the suggestion
 * (Maria, with its confidence and reasons), rejects a bank fee, confirms a payment to a debtor found by
 * name, and is told when someone decided a payment meanwhile. Then an admin sets the creditor's
 * collection account (the bank's refusals listed first, the PSP secret kept write-only) and generates
 * the remessa of two agreements' boletos: one goes in, the other is refused until its debtor has an
 * address, and the file downloads.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../src/access/accounts.ts';
import { loginAs } from '../support/app.ts';
import { type BcbPixServer, startBcbPixServer } from '../support/bcbPix.ts';
import { importCsv, PASSWORD } from '../support/seed.ts';
import {
  app,
  browser,
  cpfFromBase,
  login,
  RESULTS,
  STEP_TIMEOUT,
  setupBrowserSuite,
  workDir,
} from './harness.ts';

setupBrowserSuite();

const ADMIN = { email: 'admin@alfa.test', name: 'Admin Alfa' };
const ANA_CPF = cpfFromBase('111444777');

const line = (fitid: string, amount: string, name: string, memo: string) => `
          <STMTTRN><TRNTYPE>CREDIT</TRNTYPE><DTPOSTED>20260410100000.000[-3:BRT]</DTPOSTED>
            <TRNAMT>${amount}</TRNAMT><FITID>${fitid}</FITID><NAME>${name}</NAME><MEMO>${memo}</MEMO></STMTTRN>`;
// No line cites a nosso número or a document: each is scored by amount, payer and memo.
const STATEMENT = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1</TRNUID><STMTRS><CURDEF>BRL</CURDEF>
  <BANKACCTFROM><BANKID>341</BANKID><BRANCHID>0057</BRANCHID><ACCTID>998877</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM>
  <BANKTRANLIST><DTSTART>20260401</DTSTART><DTEND>20260430</DTEND>
${line('R1', '10000.00', 'PADARIA ESTRELA LTDA', 'PIX RECEBIDO')}
${line('R2', '200.00', 'JOAO P SILVA', 'TED RECEBIDA')}
${line('R3', '12.90', 'TARIFA PACOTE SERVICOS', 'TARIFA')}
${line('R4', '50.00', 'CARLOS PEREIRA', 'PIX RECEBIDO')}
${line('R5', '8.50', 'TARIFA DOC', 'TARIFA')}
  </BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>`;

let orgId = 0;
let psp: BcbPixServer;
/** Payment ids by amount in centavos, once the statement is in. */
const paymentIds = new Map<number, number>();

beforeAll(async () => {
  orgId = app.seeded.a.scope.orgId;
  psp = await startBcbPixServer({ chaves: ['11222333000181'] });
  await addMember(app.db, { orgId, email: ADMIN.email, name: ADMIN.name, password: PASSWORD, role: 'admin' });
  // A second debtor of the first creditor, without a postal address: the bank would refuse her boleto.
  const imported = await importCsv(
    app.db,
    app.seeded.a.scope,
    app.creditor.id,
    `id;cpf_cnpj;nome;vencimento;valor\nNF-300;${ANA_CPF};Ana Sem Endereço;2026-02-15;321,00\n`,
  );
  expect(imported).toMatchObject({ status: 'completed', imported: 1 });
  // Agreed juros and the company's Pix key (the PSP's charges need one).
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
});

afterAll(async () => {
  await psp?.close();
});

async function newPage(): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await browser.newPage({
    viewport: { width: 1366, height: 900 },
    locale: 'pt-BR',
    acceptDownloads: true,
  });
  page.setDefaultTimeout(STEP_TIMEOUT);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { page, pageErrors };
}

/** The element's text with the no-break spaces Intl puts in "R$ 1,00" made plain. */
async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\u00a0/g, ' ');
}

function paymentRow(page: Page, cents: number): Locator {
  return page.locator(`[data-testid="payment-row"][data-id="${paymentIds.get(cents)}"]`);
}

async function debtorId(name: string): Promise<number> {
  const [debtor] = await app.db.query<{ id: number }>(
    'select id from debtors where org_id = $1 and name = $2',
    [orgId, name],
  );
  if (!debtor) throw new Error(`no debtor ${name}`);
  return debtor.id;
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(RESULTS, name), fullPage: true, animations: 'disabled' });
}

describe('the unmatched queue', () => {
  it('a statement with no references: the sure line is allocated, the rest wait for a person', async () => {
    const { page, pageErrors } = await newPage();
    try {
      await login(page, app.users.manager.email, app.users.manager.password);
      await page.goto(`${app.url}/payments`);
      await page.getByTestId('payments-empty').waitFor();
      await page.locator('[data-testid="payment-import-form"] input[type="file"]').setInputFiles({
        name: 'extrato.ofx',
        mimeType: 'application/x-ofx',
        buffer: Buffer.from(STATEMENT),
      });
      await page.getByTestId('payment-submit').click();
      const result = page.getByTestId('payment-result');
      await result.waitFor();
      await expect(result.getByTestId('payment-result-headline').textContent()).resolves.toBe(
        '5 pagamentos recebidos: 1 conciliado, 4 para conciliar',
      );

      const payments = await app.db.query<{ id: number; amountCents: number }>(
        'select id, amount_cents as "amountCents" from payments where org_id = $1',
        [orgId],
      );
      for (const p of payments) paymentIds.set(p.amountCents, p.id);
      expect(paymentIds.size).toBe(5);

      // The Padaria's exact amount, under its own name: allocated alone, the confidence said as is.
      const padaria = paymentRow(page, 1_000_000);
      await padaria.waitFor();
      await expect(padaria.getAttribute('data-status')).resolves.toBe('allocated');
      await expect(padaria.getByTestId('payment-matched').textContent()).resolves.toMatch(
        /^conciliação automática \(confiança \d+%\)/,
      );
      expect(await padaria.getByTestId('payment-reconcile').count()).toBe(0);

      await page.getByTestId('payments-tab-unallocated').click();
      const rows = page.getByTestId('payment-row');
      await expect.poll(() => rows.count()).toBe(4);
      for (const row of await rows.all()) {
        await expect(row.getByTestId('payment-status').textContent()).resolves.toBe('Para conciliar');
        await expect(row.getByTestId('payment-reconcile').textContent()).resolves.toBe('Conciliar');
      }
      await shoot(page, 'reconciliation-queue.png');
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await shoot(page, 'reconciliation-failure.png').catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  });

  it('a collector sees the candidates but cannot decide', async () => {
    const { page, pageErrors } = await newPage();
    try {
      await login(page, app.seeded.users.collector, PASSWORD);
      await page.goto(`${app.url}/payments?aba=conciliar`);
      const row = paymentRow(page, 20_000);
      await row.getByTestId('payment-reconcile').click();
      expect(await textOf(row.getByTestId('payment-reconcile'))).toBe('Ver candidatos');
      const panel = page.getByTestId('reconcile-panel');
      await panel.getByTestId('reconcile-read-only').waitFor();
      await panel.getByTestId('reconcile-candidate').first().waitFor();
      expect(await panel.getByTestId('reconcile-confirm').count()).toBe(0);
      expect(await panel.getByTestId('reconcile-reject-open').count()).toBe(0);
      expect(await panel.getByTestId('reconcile-note').count()).toBe(0);
      await panel.getByTestId('reconcile-search').fill('Maria');
      await panel.getByTestId('reconcile-search-result').first().waitFor();
      expect(await panel.getByTestId('reconcile-search-confirm').count()).toBe(0);
      expect(pageErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('a manager confirms the suggestion, rejects the fee, names the payer of another, and is told of a decision made meanwhile', async () => {
    const { page, pageErrors } = await newPage();
    try {
      await login(page, app.users.manager.email, app.users.manager.password);
      await page.goto(`${app.url}/payments?aba=conciliar`);
      const panel = page.getByTestId('reconcile-panel');
      const outcome = page.getByTestId('reconcile-outcome');

      // R$ 200,00 is Maria's open balance, paid by someone else: a suggestion, with its reasons.
      await paymentRow(page, 20_000).getByTestId('payment-reconcile').click();
      expect(await textOf(panel.getByTestId('reconcile-amount'))).toBe('R$ 200,00');
      await expect(panel.getByTestId('reconcile-decision').getAttribute('data-decision')).resolves.toBe(
        'suggest',
      );
      const best = panel.locator('[data-testid="reconcile-candidate"][data-rank="1"]');
      await expect(best.getByTestId('reconcile-candidate-name').textContent()).resolves.toBe(
        'Maria da Silva',
      );
      await expect(best.getByTestId('reconcile-candidate-confidence').textContent()).resolves.toMatch(
        /^\d{1,3}%$/,
      );
      expect(await best.getByTestId('reconcile-candidate-reason').count()).toBeGreaterThan(0);
      const titles = await best.getByTestId('reconcile-candidate-receivable').allTextContents();
      expect(titles.join(' ')).toContain('T-2');
      await shoot(page, 'reconciliation-suggestion.png');
      await panel.getByTestId('reconcile-note').fill('o filho pagou');
      await best.getByTestId('reconcile-confirm').click();
      await outcome.waitFor();
      expect(await textOf(outcome)).toContain('Pagamento de R$ 200,00 conciliado com Maria da Silva');
      expect(await textOf(outcome)).toContain('R$ 200,00 lançados nos títulos');
      await panel.waitFor({ state: 'detached' });
      const rows = page.getByTestId('payment-row');
      await expect.poll(() => rows.count()).toBe(3);

      // The bank's fee is nobody's payment: rejected, with the reason.
      await paymentRow(page, 1_290).getByTestId('payment-reconcile').click();
      await expect(panel.getByTestId('reconcile-decision').getAttribute('data-decision')).resolves.toBe(
        'none',
      );
      await panel.getByTestId('reconcile-reject-open').click();
      await panel.getByTestId('reconcile-reject').click();
      await panel.getByText('Diga por que não é pagamento de devedor').waitFor();
      await panel.getByRole('button', { name: 'Tarifa bancária' }).click();
      await expect(panel.getByTestId('reconcile-reject-reason').inputValue()).resolves.toBe(
        'Tarifa bancária',
      );
      await panel.getByTestId('reconcile-reject').click();
      await expect
        .poll(() => textOf(outcome))
        .toBe('Pagamento de R$ 12,90 rejeitado: não é pagamento de devedor.');
      await expect.poll(() => rows.count()).toBe(2);

      // Nobody is likely for R$ 50,00; the manager knows it is José Dois's and finds him by name.
      await paymentRow(page, 5_000).getByTestId('payment-reconcile').click();
      await panel.getByTestId('reconcile-decision').waitFor();
      await panel.getByTestId('reconcile-search').fill('José Dois');
      const jose = panel.locator(
        `[data-testid="reconcile-search-result"][data-debtor-id="${await debtorId('José Dois')}"]`,
      );
      await expect.poll(() => textOf(jose)).toContain('Cliente Dois SA');
      await jose.getByTestId('reconcile-search-confirm').click();
      await expect
        .poll(() => textOf(outcome))
        .toBe('Pagamento de R$ 50,00 conciliado com José Dois: R$ 50,00 lançados nos títulos.');
      await expect.poll(() => rows.count()).toBe(1);

      // Someone else rejects the last one while the panel is open: the 409 is said, the list refreshed.
      await paymentRow(page, 850).getByTestId('payment-reconcile').click();
      await panel.getByTestId('reconcile-reject-open').click();
      await panel.getByTestId('reconcile-reject-reason').fill('tarifa de DOC');
      const other = await loginAs(app.url, app.users.manager.email);
      const meanwhile = await other(`/api/v1/payments/${paymentIds.get(850)}/reject`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'tarifa bancária (DOC)' }),
      });
      expect(meanwhile.status).toBe(200);
      await panel.getByTestId('reconcile-reject').click();
      const conflict = panel.getByTestId('reconcile-conflict');
      await conflict.waitFor();
      expect(await textOf(conflict)).toContain(`O pagamento ${paymentIds.get(850)} já foi rejeitado.`);
      expect(await panel.getByTestId('reconcile-reject').count()).toBe(0);
      await shoot(page, 'reconciliation-conflict.png');
      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'detached' });
      await page.getByTestId('payments-empty').waitFor();

      // Everything, with who decided.
      await page.getByTestId('payments-tab-all').click();
      await expect.poll(() => rows.count()).toBe(5);
      const maria = paymentRow(page, 20_000);
      await expect(maria.getByTestId('payment-status').textContent()).resolves.toBe('Conciliado');
      await expect(maria.getByTestId('payment-matched').textContent()).resolves.toContain(
        'conciliado por Manager Alfa: o filho pagou',
      );
      await expect(maria.getByTestId('payment-debtor').textContent()).resolves.toBe('Maria da Silva');
      const fee = paymentRow(page, 1_290);
      await expect(fee.getByTestId('payment-status').textContent()).resolves.toBe('Rejeitado');
      await expect(fee.getByTestId('payment-matched').textContent()).resolves.toContain(
        'rejeitado por Manager Alfa: Tarifa bancária',
      );
      await expect(paymentRow(page, 5_000).getByTestId('payment-debtor').textContent()).resolves.toBe(
        'José Dois',
      );
      await expect(paymentRow(page, 850).getByTestId('payment-status').textContent()).resolves.toBe(
        'Rejeitado',
      );
      await shoot(page, 'reconciliation-decided.png');
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await shoot(page, 'reconciliation-failure.png').catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  });
});

describe('boletos: the collection account and the remessas', () => {
  it('a manager generates remessas but does not see the collection account', async () => {
    const { page, pageErrors } = await newPage();
    try {
      await login(page, app.users.manager.email, app.users.manager.password);
      await page.goto(`${app.url}/creditors/${app.creditor.id}`);
      const remessas = page.getByTestId('remessas-card');
      await remessas.getByTestId('remessas-empty').waitFor();
      expect(await page.getByTestId('account-card').count()).toBe(0);
      // No convênio yet: the server's words.
      await remessas.getByTestId('remessa-generate').click();
      const problem = remessas.getByTestId('problem-alert');
      await problem.waitFor();
      expect(await textOf(problem)).toContain('O credor não tem conta de cobrança configurada');
      expect(pageErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('an admin sets the collection account and registers the agreements’ boletos by remessa', async () => {
    const { page, pageErrors } = await newPage();
    try {
      await login(page, ADMIN.email, PASSWORD);
      await page.goto(`${app.url}/creditors/${app.creditor.id}`);
      const card = page.getByTestId('account-card');
      await card.getByTestId('account-form').waitFor();

      // What the bank would refuse, every problem listed.
      await card.getByLabel('Emitir boletos (Banco do Brasil)').check();
      await card.getByLabel('Agência', { exact: true }).fill('12345');
      await card.getByLabel('Conta', { exact: true }).fill('12345-6');
      await card.getByLabel('Convênio', { exact: true }).fill('123');
      await card.getByLabel('Carteira', { exact: true }).fill('17');
      await card.getByTestId('account-save').click();
      const problems = card.getByTestId('account-problem');
      await problems.first().waitFor();
      expect(await problems.allTextContents()).toEqual([
        'Agência inválida: use o formato 1234-5.',
        'O convênio do Banco do Brasil tem 7 dígitos.',
      ]);

      await card.getByLabel('Agência', { exact: true }).fill('1234-5');
      await card.getByLabel('Convênio', { exact: true }).fill('1234567');
      await card.getByLabel('Registrar as cobranças Pix no PSP (API Pix)').check();
      await card.getByLabel('Endereço da API Pix', { exact: true }).fill(psp.url);
      await card.getByLabel('Client ID', { exact: true }).fill(psp.clientId);
      await card.getByLabel('Client secret', { exact: true }).fill(psp.clientSecret);
      await card.getByTestId('account-save').click();
      await card.getByTestId('account-saved').waitFor();
      expect(await problems.count()).toBe(0);
      // The secret is write-only: the field is empty again, the card says one is kept.
      await expect(card.getByLabel('Client secret', { exact: true }).inputValue()).resolves.toBe('');
      expect(await textOf(card.getByTestId('account-psp-secret-state'))).toContain('Segredo guardado');
      await page.reload();
      await expect.poll(() => card.getByLabel('Convênio', { exact: true }).inputValue()).toBe('1234567');
      await expect(card.getByLabel('Client ID', { exact: true }).inputValue()).resolves.toBe(psp.clientId);
      expect(await textOf(card.getByTestId('account-psp-secret-state'))).toContain('Segredo guardado');
      expect(await page.content()).not.toContain(psp.clientSecret);
      await card.scrollIntoViewIfNeeded();
      await card.screenshot({ path: join(RESULTS, 'collection-account.png') });

      // Two agreements with boletos: Maria has a postal address, Ana has none.
      const mariaId = await debtorId('Maria da Silva');
      const anaId = await debtorId('Ana Sem Endereço');
      await app.db.query(
        `update debtors set street = 'Rua das Flores', number = '10', district = 'Centro', city = 'São Paulo',
                cep = '01001000', uf = 'SP' where id = $1`,
        [mariaId],
      );
      const manager = await loginAs(app.url, app.users.manager.email);
      for (const id of [mariaId, anaId]) {
        const accepted = await manager(`/api/v1/debtors/${id}/agreements`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ offerKey: 'avista' }),
        });
        expect(accepted.status).toBe(201);
      }

      const remessas = page.getByTestId('remessas-card');
      await remessas.getByTestId('remessa-generate').click();
      const result = remessas.getByTestId('remessa-outcome');
      await result.waitFor();
      await expect(result.getAttribute('data-nsa')).resolves.toBe('1');
      expect(await textOf(result.getByTestId('remessa-outcome-headline'))).toMatch(
        /^1 boleto para registrar · 1 título no arquivo · R\$ [\d.]+,\d{2}$/,
      );
      const refused = remessas.getByTestId('remessa-refused-title');
      expect(await refused.count()).toBe(1);
      expect(await refused.getByTestId('remessa-refused-problem').allTextContents()).toEqual(
        expect.arrayContaining(['endereço do pagador obrigatório', 'CEP do pagador inválido']),
      );
      await remessas.getByTestId('remessa-row').first().waitFor();
      await remessas.scrollIntoViewIfNeeded();
      await remessas.screenshot({ path: join(RESULTS, 'remessa-generated.png') });

      // The file, as the bank takes it: CNAB 240, one title.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        result.getByTestId('remessa-download').click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^CB\d{4}000001\.REM$/);
      const saved = join(workDir, download.suggestedFilename());
      await download.saveAs(saved);
      const lines = (await readFile(saved, 'latin1')).split('\r\n').filter((l) => l !== '');
      expect(lines.every((l) => l.length === 240)).toBe(true);
      expect(lines[0]?.slice(0, 3)).toBe('001');

      // Ana's title waits for her address; alone it cannot make a file.
      await remessas.getByTestId('remessa-generate').click();
      const problem = remessas.getByTestId('problem-alert');
      await problem.waitFor();
      expect(await textOf(problem)).toContain('Nenhum boleto pôde entrar na remessa');
      await app.db.query(
        `update debtors set street = 'Rua B', number = '2', district = 'Centro', city = 'Rio de Janeiro',
                cep = '20010000', uf = 'RJ' where id = $1`,
        [anaId],
      );
      await remessas.getByTestId('remessa-generate').click();
      await remessas.locator('[data-testid="remessa-outcome"][data-nsa="2"]').waitFor();
      expect(await remessas.getByTestId('remessa-refused').count()).toBe(0);
      await expect.poll(() => remessas.getByTestId('remessa-row').count()).toBe(2);

      // Nothing left: said as the server says it.
      await remessas.getByTestId('remessa-generate').click();
      const nothing = remessas.getByTestId('remessa-nothing');
      await nothing.waitFor();
      expect(await textOf(nothing)).toBe('Não há boletos a registrar nem a baixar.');
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await shoot(page, 'reconciliation-failure.png').catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  });
});
