/**
 * End-to-end: a régua with a phone step at D+1 puts calls in the collectors' worklist. A collector opens
 * "Ligações", takes the most urgent call, records a promise to pay (date and amount), finds it under
 * "Concluídas", and on the debtor's page sees the call's outcome in the contacts timeline and the promise
 * in "Pausas e promessas".
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dispatchBatch } from '../../src/channels/dispatcher.ts';
import { providerResolver } from '../../src/channels/providers.ts';
import { DEFAULT_SETTINGS } from '../../src/dunning/definition.ts';
import { loginAs } from '../support/app.ts';
import { importCsv, PASSWORD } from '../support/seed.ts';
import { app, browser, login, RESULTS, STEP_TIMEOUT, setupBrowserSuite } from './harness.ts';

setupBrowserSuite();

type Task = {
  id: number;
  debtorId: number;
  debtorName: string;
  phone: string | null;
  script: string;
  openCents: number;
  assignedTo: number | null;
  status: string;
  outcome: string | null;
  note: string | null;
  promiseDate: string | null;
  promiseCents: number | null;
};

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

async function collectorApi() {
  return loginAs(app.url, app.seeded.users.collector, PASSWORD);
}

async function openTasks(): Promise<Task[]> {
  const api = await collectorApi();
  const response = await api('/api/v1/worklist');
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: Task[] }).items;
}

// A régua with a phone step at D+1, planned for 2026-02-03 and handed over: the calls are in the worklist.
beforeAll(async () => {
  // A second debtor with a phone and a receivable due on the same day: a second, less urgent call.
  await importCsv(
    app.db,
    app.seeded.a.scope,
    app.creditor.id,
    'id;cpf_cnpj;nome;telefone;uf;vencimento;valor\nX-2;390.533.447-05;José Souza;(11) 97777-6666;SP;2026-02-02;300,00\n',
  );
  const manager = await loginAs(app.url, app.users.manager.email, app.users.manager.password);
  const created = await manager(
    `/api/v1/creditors/${app.creditor.id}/cadences`,
    json({
      name: 'Ligações',
      definition: {
        settings: DEFAULT_SETTINGS,
        segments: [
          {
            key: 'todos',
            name: 'Todos',
            rules: {},
            steps: [
              {
                key: 'ligar-d1',
                offsetDays: 1,
                channel: 'phone',
                template: { body: 'Ligar para {{debtor.name}}: {{total}} em aberto.' },
              },
            ],
          },
        ],
      },
    }),
  );
  expect(created.status).toBe(201);
  const version = (await created.json()) as { id: number };
  expect((await manager(`/api/v1/cadence-versions/${version.id}/activate`, { method: 'POST' })).status).toBe(
    200,
  );
  expect((await manager('/api/v1/plan/run', json({ date: '2026-02-03' }))).status).toBe(200);
  const channels = providerResolver(app.db, { secretKey: null, publicUrl: app.url });
  try {
    await dispatchBatch(app.db, {
      workerId: 'browser-test',
      channels,
      now: () => new Date('2030-03-12T13:00:00Z'),
    });
  } finally {
    channels.close();
  }
  // The server's own worker may have handed some over first: either way the calls end up in the list.
  const deadline = Date.now() + STEP_TIMEOUT;
  while ((await openTasks()).length < 2) {
    if (Date.now() > deadline) throw new Error('the phone steps did not reach the worklist');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
});

async function newPage(): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, locale: 'pt-BR' });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { page, pageErrors };
}

/** Intl puts a no-break space after "R$"; compare with plain spaces. */
const clean = (value: string | null) => (value ?? '').replace(/\u00a0/g, ' ');

/** A date `days` from today in São Paulo: ISO and as typed (dd/mm/aaaa). */
function daysFromToday(days: number): { iso: string; br: string } {
  const iso = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'America/Sao_Paulo',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(Date.now() + days * 86_400_000));
  const [year, month, day] = iso.split('-');
  return { iso, br: `${day}/${month}/${year}` };
}

describe('Ligações: the collectors’ worklist', () => {
  it('a collector takes the top call, records a promise and finds it on the debtor page', async () => {
    const [top] = await openTasks();
    if (!top) throw new Error('no call in the worklist');
    expect(top.phone).toBe('+5511987654321');
    const promise = daysFromToday(20);

    const { page, pageErrors } = await newPage();
    try {
      await login(page, app.seeded.users.collector, PASSWORD);
      // Collectors work calls; printing letters is for managers.
      expect(await page.getByRole('link', { name: 'Cartas', exact: true }).count()).toBe(0);
      await page.getByRole('link', { name: 'Ligações', exact: true }).click();
      await page.waitForURL(/\/worklist/, { timeout: STEP_TIMEOUT });

      // Nothing is theirs yet: the empty "Minhas" tab leads to the calls nobody took.
      await page.getByTestId('worklist-empty').waitFor({ timeout: STEP_TIMEOUT });
      await page.getByTestId('worklist-show-unassigned').click();
      await page.waitForURL(/tab=unassigned/, { timeout: STEP_TIMEOUT });
      const cards = page.getByTestId('call-card');
      await cards.first().waitFor({ timeout: STEP_TIMEOUT });
      const first = cards.first();
      await expect(first.getAttribute('data-task-id')).resolves.toBe(String(top.id));
      await expect(first.getByTestId('call-debtor').textContent()).resolves.toBe(top.debtorName);
      await expect(first.getByTestId('call-phone').textContent()).resolves.toBe('(11) 98765-4321');
      await expect(first.getByTestId('call-phone').getAttribute('href')).resolves.toBe('tel:+5511987654321');
      await expect(first.getByTestId('call-script').textContent()).resolves.toBe(top.script);
      expect(clean(await first.getByTestId('call-open').textContent())).toMatch(/^R\$ [\d.]+,\d{2}$/);
      await expect(first.getByTestId('call-days-late').textContent()).resolves.toMatch(/^\d+ dias?$/);
      await expect(first.getByTestId('call-rank').textContent()).resolves.toBe('1º');
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(RESULTS, 'worklist.png'), fullPage: true });

      // Take it: it moves to "Minhas", with the collector's name on it.
      await first.getByTestId('call-claim').click();
      await page.waitForURL((url) => !url.search.includes('tab='), { timeout: STEP_TIMEOUT });
      const mine = page.locator(`[data-testid="call-card"][data-task-id="${top.id}"]`);
      await mine.waitFor({ timeout: STEP_TIMEOUT });
      await expect(mine.getAttribute('data-assigned')).resolves.toBe('me');
      await expect(mine.getByTestId('call-assignee').textContent()).resolves.toBe('Com você');
      expect((await openTasks()).find((t) => t.id === top.id)?.assignedTo).not.toBeNull();

      // Record a promise: date and amount are required; the form says what each outcome does.
      await mine.getByTestId('call-record').click();
      const form = page.getByTestId('outcome-form');
      await form.waitFor({ timeout: STEP_TIMEOUT });
      await expect(form.getByTestId('outcome-effects').textContent()).resolves.toContain(
        'O número é retirado dos contatos do devedor',
      );
      await form.getByText('Promessa de pagamento', { exact: true }).click();
      await form.getByTestId('outcome-promise-amount').fill('');
      await form.getByTestId('outcome-submit').click();
      await form.getByText('Informe a data prometida.').waitFor({ timeout: STEP_TIMEOUT });
      await form.getByText('Informe o valor prometido.').waitFor({ timeout: STEP_TIMEOUT });
      await form.getByTestId('outcome-promise-date').fill(promise.br);
      await form.getByTestId('outcome-promise-amount').fill('350,00');
      await form.getByTestId('outcome-note').fill('Vai pagar com o 13º salário');
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(RESULTS, 'worklist-outcome.png') });
      await form.getByTestId('outcome-submit').click();
      await page.getByRole('dialog').waitFor({ state: 'detached', timeout: STEP_TIMEOUT });
      const saved = page.getByTestId('outcome-saved');
      await saved.waitFor({ timeout: STEP_TIMEOUT });
      expect(clean(await saved.textContent())).toContain(
        `${top.debtorName}: Promessa de pagamento de R$ 350,00 até ${promise.br}`,
      );
      // The list refreshed: the call left "Minhas".
      await expect.poll(() => mine.count(), { timeout: STEP_TIMEOUT }).toBe(0);

      // What the server stored.
      const doneList = (await (await (await collectorApi())('/api/v1/worklist?status=done')).json()) as {
        items: Task[];
      };
      expect(doneList.items.find((t) => t.id === top.id)).toMatchObject({
        status: 'done',
        outcome: 'promise',
        promiseDate: promise.iso,
        promiseCents: 35_000,
        note: 'Vai pagar com o 13º salário',
      });

      // Under "Concluídas", with the outcome.
      await page.getByTestId('worklist-tab-done').click();
      const done = page.locator(`[data-testid="call-card"][data-task-id="${top.id}"]`);
      await done.waitFor({ timeout: STEP_TIMEOUT });
      await expect(done.getAttribute('data-status')).resolves.toBe('done');
      await expect(done.getByTestId('call-outcome').textContent()).resolves.toBe('Promessa de pagamento');
      expect(clean(await done.getByTestId('call-promise').textContent())).toBe(`R$ 350,00 até ${promise.br}`);
      await expect(done.textContent()).resolves.toContain('Registrado por Collector Alfa');
      expect(await done.getByTestId('call-claim').count()).toBe(0);
      expect(await done.getByTestId('call-record').count()).toBe(0);
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(RESULTS, 'worklist-done.png'), fullPage: true });

      // The debtor page: the promise holds the régua, and the timeline tells how the call went.
      await done.getByTestId('call-debtor').click();
      await page.waitForURL(new RegExp(`/debtors/${top.debtorId}$`), { timeout: STEP_TIMEOUT });
      const hold = page.locator('[data-testid="hold-row"][data-kind="promise"]');
      await hold.waitFor({ timeout: STEP_TIMEOUT });
      await expect(hold.getByTestId('hold-status').textContent()).resolves.toBe('Ativa');
      await expect(hold.textContent()).resolves.toContain(`pagar até ${promise.br}`);
      await expect(hold.textContent()).resolves.toContain('Vai pagar com o 13º salário');

      await page.getByTestId('debtor-tab-contacts').click();
      const call = page.locator('[data-testid="call-result"][data-outcome="promise"]');
      await call.waitFor({ timeout: STEP_TIMEOUT });
      const callText = clean(await call.textContent());
      expect(callText).toContain('Resultado da ligação:Promessa de pagamento');
      expect(callText).toContain(`R$ 350,00 até ${promise.br}`);
      expect(callText).toContain('Vai pagar com o 13º salário');
      expect(callText).toContain('Registrado por Collector Alfa');
      const item = page.getByTestId('contact-item').filter({ has: call });
      await expect(item.getByTestId('message-status').textContent()).resolves.toBe('Entregue');
      // The outcome is not shown as an error.
      await expect(item.textContent()).resolves.not.toContain('Último erro');
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(RESULTS, 'worklist-debtor.png'), fullPage: true });
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: join(RESULTS, 'worklist-failure.png'), fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  });

  it('gives a call back with "Devolver", and a manager sees "Cartas"', async () => {
    const [top] = await openTasks();
    if (!top) throw new Error('no call left in the worklist');
    const { page, pageErrors } = await newPage();
    try {
      await login(page, app.users.manager.email, app.users.manager.password);
      await page.getByRole('link', { name: 'Cartas', exact: true }).waitFor({ timeout: STEP_TIMEOUT });
      await page.goto(`${app.url}/worklist?tab=all`);
      const card = page.locator(`[data-testid="call-card"][data-task-id="${top.id}"]`);
      await card.waitFor({ timeout: STEP_TIMEOUT });
      await card.getByTestId('call-claim').click();
      await expect.poll(() => card.getAttribute('data-assigned'), { timeout: STEP_TIMEOUT }).toBe('me');
      await card.getByTestId('call-release').click();
      await expect.poll(() => card.getAttribute('data-assigned'), { timeout: STEP_TIMEOUT }).toBe('none');
      expect((await openTasks()).find((t) => t.id === top.id)?.assignedTo).toBeNull();
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: join(RESULTS, 'worklist-failure.png'), fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  });
});
