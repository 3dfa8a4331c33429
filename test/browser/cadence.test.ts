/**
 * End-to-end: a manager creates the default régua for a creditor, breaks a step and sees the pt-BR
 * problem on it, fixes it, saves a new version and activates it; plans a day and reads why a contact
 * was planned; reads a dispatched message in the sandbox; and registers and ends a promise to pay.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { dispatchBatch } from '../../src/channels/dispatcher.ts';
import { sandboxRegistry } from '../../src/channels/sandbox.ts';
import { contactAllowedAt, DEFAULT_CONTACT_WINDOW } from '../../src/dunning/calendar.ts';
import { loginAs } from '../support/app.ts';
import { app, browser, login, RESULTS, STEP_TIMEOUT, setupBrowserSuite } from './harness.ts';

setupBrowserSuite();

/** A business day on which the seed's receivables have a due step (T-1, due Sat 31/01, rolls to 02/02). */
const PLAN_DATE = '2026-02-02';

async function newPage(): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, locale: 'pt-BR' });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { page, pageErrors };
}

/**
 * A moment the dispatcher may send: planning a past date from the UI queues its messages for the
 * server's "now", so the dispatch runs at the next 10:00 (São Paulo) inside the contact window.
 */
function nextSendingTime(): Date {
  for (let days = 1; ; days += 1) {
    const candidate = new Date(Date.now() + days * 86_400_000);
    candidate.setUTCHours(13, 0, 0, 0);
    if (contactAllowedAt(candidate, 'SP', DEFAULT_CONTACT_WINDOW)) return candidate;
  }
}

/** Intl puts a no-break space after "R$"; compare with plain spaces. */
const text = async (page: Page, testId: string) =>
  ((await page.getByTestId(testId).first().textContent({ timeout: STEP_TIMEOUT })) ?? '').replace(
    /\u00a0/g,
    ' ',
  );

describe('régua de cobrança through the web UI', () => {
  it('creates, edits, validates, versions and activates a régua, plans a day and reads the sandbox', async () => {
    const { page, pageErrors } = await newPage();
    try {
      await login(page, app.users.manager.email, app.users.manager.password);

      // The creditor's page links to its régua; it has none yet.
      await page.goto(`${app.url}/creditors/${app.creditor.id}`);
      await page.getByTestId('creditor-cadence').click();
      await page.waitForURL(new RegExp(`/creditors/${app.creditor.id}/regua`), { timeout: STEP_TIMEOUT });
      await page.getByTestId('no-cadence').waitFor({ timeout: STEP_TIMEOUT });
      await page.getByTestId('create-default-cadence').click();

      // Version 1, a draft with the default segments.
      const editor = page.getByTestId('cadence-editor');
      await page
        .locator('[data-testid="cadence-editor"][data-version="1"]')
        .waitFor({ timeout: STEP_TIMEOUT });
      await expect(editor.getByTestId('cadence-status').textContent()).resolves.toBe('Rascunho');
      await page.getByTestId('validation-ok').waitFor({ timeout: STEP_TIMEOUT });
      const segments = page.getByTestId('cadence-segment');
      expect(await segments.count()).toBe(2);
      await page.getByTestId('timeline-d0').first().waitFor();

      // Move the D+7 e-mail to D-5, where the reminder e-mail already is: a problem on that step.
      const pf = page.locator('[data-testid="cadence-segment"][data-segment-key="pessoa-fisica"]');
      const step = pf.locator('[data-testid="timeline-step"][data-step-key="pf-email-d7"]');
      await step.click();
      await page.getByTestId('step-editor').waitFor({ timeout: STEP_TIMEOUT });
      await page.getByTestId('step-offset').fill('-5');
      const stepProblems = page.getByTestId('step-problems');
      await stepProblems.waitFor({ timeout: STEP_TIMEOUT });
      const problem = (await stepProblems.textContent()) ?? '';
      expect(problem).toContain('já existe a etapa "pf-lembrete-d-5" no mesmo dia (D-5) e canal');
      await expect(step.getAttribute('data-problem')).resolves.toBe('true');
      await expect(text(page, 'validation-count')).resolves.toBe('1 problema na régua');
      await expect(pf.getByTestId('segment-step-problems').textContent()).resolves.toContain('pf-email-d7');
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(RESULTS, 'cadence-problem.png') });

      // Fix it (D+8 this time, so the new version differs from the first).
      await page.getByTestId('step-offset').fill('8');
      await page.getByTestId('validation-ok').waitFor({ timeout: STEP_TIMEOUT });
      expect(await stepProblems.count()).toBe(0);
      await expect(step.getAttribute('data-problem')).resolves.toBe('false');
      await expect(step.textContent()).resolves.toContain('D+8');
      await page.getByRole('button', { name: 'Fechar' }).click();

      // Save as version 2 with a note, then activate it.
      await page.getByTestId('save-version').click();
      await page.getByTestId('version-note').fill('E-mail de cobrança no D+8');
      await page.getByTestId('confirm-save').click();
      await page
        .locator('[data-testid="cadence-editor"][data-version="2"]')
        .waitFor({ timeout: STEP_TIMEOUT });
      await expect(editor.getByTestId('cadence-status').textContent()).resolves.toBe('Rascunho');
      await page.getByTestId('validation-ok').waitFor({ timeout: STEP_TIMEOUT });
      await page.getByTestId('activate-version').click();
      await page.getByTestId('confirm-activate').click();
      await page.getByRole('dialog').waitFor({ state: 'detached', timeout: STEP_TIMEOUT });
      await expect
        .poll(() => editor.getByTestId('cadence-status').textContent(), { timeout: STEP_TIMEOUT })
        .toBe('Ativa');
      const versions = page.getByTestId('cadence-version');
      await expect
        .poll(async () => Promise.all((await versions.all()).map((v) => v.getAttribute('data-status'))), {
          timeout: STEP_TIMEOUT,
        })
        .toEqual(['active', 'draft']);
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(RESULTS, 'cadence-editor.png'), fullPage: true });

      // Plano do dia: plan PLAN_DATE and compare the numbers with the API's.
      await page.getByRole('link', { name: 'Plano do dia', exact: true }).click();
      await page.waitForURL(/\/plan/, { timeout: STEP_TIMEOUT });
      await page.getByTestId('plan-date').fill('02/02/2026');
      await page.waitForURL(new RegExp(`date=${PLAN_DATE}`), { timeout: STEP_TIMEOUT });
      await page.getByTestId('plan-run').click();
      await page.getByTestId('plan-run-result').waitFor({ timeout: STEP_TIMEOUT });
      const api = await loginAs(app.url, app.users.manager.email, app.users.manager.password);
      const summary = (await (await api(`/api/v1/plan?date=${PLAN_DATE}`)).json()) as {
        planned: number;
        skipped: number;
      };
      expect(summary.planned).toBeGreaterThan(0);
      await expect
        .poll(() => text(page, 'plan-planned-value'), { timeout: STEP_TIMEOUT })
        .toBe(String(summary.planned));
      await expect(text(page, 'plan-skipped-value')).resolves.toBe(String(summary.skipped));
      await expect(text(page, 'plan-run-result')).resolves.toContain(
        `${summary.planned} ${summary.planned === 1 ? 'contato novo' : 'contatos novos'}`,
      );
      const rows = page.getByTestId('message-row');
      await rows.first().waitFor({ timeout: STEP_TIMEOUT });
      expect(await rows.count()).toBe(summary.planned);
      const why = await text(page, 'message-why');
      expect(why).toMatch(/^Etapa D[+-]?\d+ \([^)]+\) da régua v2, segmento [a-z-]+: /);
      expect(why).toMatch(/títulos?/);
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(RESULTS, 'plan.png'), fullPage: true });

      // The skipped tab explains each skip in words (when there are any).
      await page.getByTestId('plan-tab-skipped').click();
      if (summary.skipped > 0) {
        await page.getByTestId('skip-row').first().waitFor({ timeout: STEP_TIMEOUT });
        expect((await text(page, 'skip-explanation')).length).toBeGreaterThan(10);
      } else {
        await page.getByTestId('skips-empty').waitFor({ timeout: STEP_TIMEOUT });
      }

      // Dispatch the day's messages to the sandbox and read one.
      const sent = await dispatchBatch(app.db, {
        workerId: 'browser-test',
        channels: sandboxRegistry(app.db),
        batchSize: 100,
        now: nextSendingTime,
      });
      expect(sent.sent).toBeGreaterThan(0);
      await page.getByRole('link', { name: 'Caixa de saída' }).click();
      await page.waitForURL(/\/sandbox/, { timeout: STEP_TIMEOUT });
      await page.getByTestId('sandbox-notice').waitFor({ timeout: STEP_TIMEOUT });
      const inbox = page.getByTestId('inbox-row');
      await inbox.first().waitFor({ timeout: STEP_TIMEOUT });
      expect(await inbox.count()).toBe(sent.sent);
      await inbox.first().click();
      const body = await text(page, 'inbox-reader-body');
      expect(body).toContain('Cliente Um');
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(RESULTS, 'sandbox.png') });

      // The debtor's contact timeline shows the sent message.
      await page.getByTestId('inbox-reader').getByRole('link').click();
      await page.waitForURL(/\/debtors\/\d+/, { timeout: STEP_TIMEOUT });
      await page.getByTestId('debtor-tab-contacts').click();
      await page.getByTestId('contact-item').first().waitFor({ timeout: STEP_TIMEOUT });
      await expect(text(page, 'contacts-timeline')).resolves.toMatch(/Entregue/);
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: join(RESULTS, 'cadence-failure.png'), fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  });

  it('registers a promise to pay on the debtor page and ends it', async () => {
    const { page, pageErrors } = await newPage();
    try {
      await login(page, app.users.manager.email, app.users.manager.password);
      await page.goto(`${app.url}/creditors/${app.creditor.id}`);
      await page.getByRole('link', { name: 'Maria da Silva' }).first().click();
      await page.waitForURL(/\/debtors\/\d+/, { timeout: STEP_TIMEOUT });
      const card = page.getByTestId('holds-card');
      await card.waitFor({ timeout: STEP_TIMEOUT });

      // Ten days from now, typed as dd/mm/aaaa.
      const until = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
      const [year, month, day] = until.split('-');
      await page.getByTestId('hold-new-promise').click();
      await page.getByTestId('hold-date').fill(`${day}/${month}/${year}`);
      await page.getByTestId('hold-reason').fill('Vai pagar via Pix no dia combinado');
      await page.getByTestId('hold-submit').click();
      await page.getByRole('dialog').waitFor({ state: 'detached', timeout: STEP_TIMEOUT });

      const promise = card.locator('[data-testid="hold-row"][data-kind="promise"]');
      await promise.waitFor({ timeout: STEP_TIMEOUT });
      await expect(promise.textContent()).resolves.toContain(`pagar até ${day}/${month}/${year}`);
      await expect(promise.getByTestId('hold-status').textContent()).resolves.toBe('Ativa');
      await expect(promise.textContent()).resolves.toContain('Vai pagar via Pix no dia combinado');
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(RESULTS, 'debtor-holds.png'), fullPage: true });

      await promise.getByTestId('hold-release').click();
      await expect
        .poll(() => promise.getByTestId('hold-status').textContent(), { timeout: STEP_TIMEOUT })
        .toBe('Encerrada');
      expect(await promise.getByTestId('hold-release').count()).toBe(0);
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: join(RESULTS, 'holds-failure.png'), fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  });
});
