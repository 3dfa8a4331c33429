/**
 * End-to-end: a creditor with a payment history gets a trained model; the collectors' "Ligações" shows
 * each call's chance of payment, expected value and top factors; the debtor page shows the score with
 * its factors, the model's AUC and the LGPD art. 20 notice; a creditor without history shows the rules
 * and why.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dispatchBatch } from '../../src/channels/dispatcher.ts';
import { providerResolver } from '../../src/channels/providers.ts';
import { DEFAULT_SETTINGS } from '../../src/dunning/definition.ts';
import { writeSyntheticHistory } from '../../src/scoring/synthetic.ts';
import { todayIn } from '../../src/shared/dates.ts';
import { loginAs } from '../support/app.ts';
import { importCsv, PASSWORD } from '../support/seed.ts';
import { app, browser, login, RESULTS, STEP_TIMEOUT, setupBrowserSuite } from './harness.ts';

setupBrowserSuite();

type Task = { id: number; debtorId: number; probability: number | null };

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

async function openTasks(): Promise<Task[]> {
  const api = await loginAs(app.url, app.seeded.users.collector, PASSWORD);
  return ((await (await api('/api/v1/worklist')).json()) as { items: Task[] }).items;
}

beforeAll(async () => {
  await importCsv(
    app.db,
    app.seeded.a.scope,
    app.creditor.id,
    'id;cpf_cnpj;nome;telefone;uf;vencimento;valor\nX-2;390.533.447-05;José Souza;(11) 97777-6666;SP;2026-02-02;300,00\n',
  );
  // Two years of this creditor's history: enough to train its model.
  await writeSyntheticHistory(app.db, {
    orgId: app.seeded.a.scope.orgId,
    creditorId: app.creditor.id,
    receivables: 2_000,
    today: todayIn(app.seeded.a.scope.timeZone),
  });
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
  await manager(`/api/v1/cadence-versions/${version.id}/activate`, { method: 'POST' });
  await manager('/api/v1/plan/run', json({ date: '2026-02-03' }));
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
  const deadline = Date.now() + STEP_TIMEOUT;
  while ((await openTasks()).length < 2) {
    if (Date.now() > deadline) throw new Error('the phone steps did not reach the worklist');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  for (const creditorId of [app.creditor.id, app.seeded.a.otherCreditorId]) {
    const trained = await manager(`/api/v1/creditors/${creditorId}/score-model/train`, json({}));
    expect(trained.status).toBe(200);
  }
}, 180_000);

async function newPage(): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, locale: 'pt-BR' });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { page, pageErrors };
}

const clean = (value: string | null) => (value ?? '').replace(/\u00a0/g, ' ');

describe('the behavioural score in the web app', () => {
  it('Ligações shows each call’s chance of payment, expected value and factors; the debtor page explains it', async () => {
    const tasks = await openTasks();
    // Every call of the régua is scored.
    expect(tasks.length).toBeGreaterThanOrEqual(2);
    for (const t of tasks) expect(t.probability).not.toBeNull();
    const { page, pageErrors } = await newPage();
    try {
      await login(page, app.seeded.users.collector, PASSWORD);
      await page.goto(`${app.url}/worklist?tab=unassigned`);
      const first = page.getByTestId('call-card').first();
      await first.waitFor({ timeout: STEP_TIMEOUT });
      await expect(first.getAttribute('data-task-id')).resolves.toBe(String(tasks[0]?.id));
      expect(clean(await first.getByTestId('call-probability').textContent())).toMatch(/^\d{1,3} ?%$/);
      expect(clean(await first.getByTestId('call-expected').textContent())).toMatch(/^R\$ [\d.]+,\d{2}$/);
      expect(await first.getByTestId('call-factors').locator('.mantine-Badge-root').count()).toBeGreaterThan(
        0,
      );
      await page.getByTestId('worklist-csv').waitFor({ timeout: STEP_TIMEOUT });
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(RESULTS, 'worklist-score.png') });

      // The debtor page: the score, what weighed most, the model's AUC and the LGPD notice.
      await page.goto(`${app.url}/debtors/${tasks[0]?.debtorId}`);
      const card = page.getByTestId('score-card');
      await card.getByTestId('score-probability').waitFor({ timeout: STEP_TIMEOUT });
      expect(clean(await card.getByTestId('score-probability').textContent())).toMatch(/^\d{1,3} ?%$/);
      await expect(card.getByTestId('score-model').textContent()).resolves.toMatch(
        /^Modelo da carteira · AUC 0,\d\d|^Modelo da carteira · AUC 0\.\d\d/,
      );
      await expect(card.getByTestId('score-lgpd').textContent()).resolves.toContain('LGPD, art. 20');
      await card.screenshot({ path: join(RESULTS, 'debtor-score.png') });

      // A creditor with no history: the rules, and why.
      const [other] = await app.db.query<{ id: number }>(
        'select id from debtors where org_id = $1 and creditor_id = $2 limit 1',
        [app.seeded.a.scope.orgId, app.seeded.a.otherCreditorId],
      );
      await page.goto(`${app.url}/debtors/${other?.id}`);
      const rules = page.getByTestId('score-card');
      await rules.getByTestId('score-reason').waitFor({ timeout: STEP_TIMEOUT });
      await expect(rules.getByTestId('score-model').textContent()).resolves.toBe('Regras');
      await expect(rules.getByTestId('score-reason').textContent()).resolves.toMatch(
        /^Sem histórico suficiente para treinar: \d+ casos .*; usando regras\.$/,
      );
      expect(pageErrors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);
});
