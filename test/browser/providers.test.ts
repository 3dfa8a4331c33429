/**
 * End-to-end: an admin opens "Canais", moves e-mail from the sandbox to an SMTP server (a server-side
 * refusal shows first), sees the password kept as "guardada", finds it all again after a reload and
 * goes back to the sandbox. A manager has no "Canais" entry and is turned away from the page.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../src/access/accounts.ts';
import { loginAs } from '../support/app.ts';
import { PASSWORD } from '../support/seed.ts';
import { app, browser, login, RESULTS, STEP_TIMEOUT, setupBrowserSuite } from './harness.ts';

setupBrowserSuite();

const ADMIN = { email: 'admin@alfa.test', name: 'Admin Alfa' };

// The seed has no admin in organization A (runs after the suite's own beforeAll).
beforeAll(async () => {
  await addMember(app.db, {
    orgId: app.seeded.a.scope.orgId,
    email: ADMIN.email,
    name: ADMIN.name,
    password: PASSWORD,
    role: 'admin',
  });
});

type ProviderItem = {
  channel: string;
  provider: string;
  settings: Record<string, unknown>;
  hasSecret: boolean;
  enabled: boolean;
  updatedBy: string | null;
};

async function newPage(): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, locale: 'pt-BR' });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { page, pageErrors };
}

async function emailProvider(): Promise<{ item: ProviderItem | undefined; raw: string }> {
  const api = await loginAs(app.url, ADMIN.email, PASSWORD);
  const response = await api('/api/v1/channel-providers');
  expect(response.status).toBe(200);
  const raw = await response.text();
  const { items } = JSON.parse(raw) as { items: ProviderItem[] };
  return { item: items.find((i) => i.channel === 'email'), raw };
}

describe('Canais: which provider carries each channel', () => {
  it('lets an admin move e-mail to SMTP, keeps the password write-only, and go back to the sandbox', async () => {
    const { page, pageErrors } = await newPage();
    try {
      await login(page, ADMIN.email, PASSWORD);
      await page.getByRole('link', { name: 'Canais', exact: true }).click();
      await page.waitForURL(/\/settings\/channels$/, { timeout: STEP_TIMEOUT });

      // Every channel has a card; e-mail is on the sandbox to begin with.
      const cards = page.getByTestId('channel-card');
      await cards.first().waitFor({ timeout: STEP_TIMEOUT });
      expect(await cards.count()).toBe(8);
      await expect(page.getByTestId('channels-note').textContent()).resolves.toContain('criptografadas');
      const email = page.locator('[data-testid="channel-card"][data-channel="email"]');
      const badge = email.getByTestId('provider-badge');
      await expect(badge.textContent()).resolves.toBe('Sandbox — nada é enviado de verdade');
      await expect(email.getByTestId('provider-updated').textContent()).resolves.toContain(
        'Nunca configurado',
      );

      // Choose SMTP and fill the form; a host the server refuses shows its problem first.
      await email.getByTestId('email-provider-choice').getByText('Servidor SMTP').click();
      await email.getByTestId('smtp-form').waitFor({ timeout: STEP_TIMEOUT });
      await email.getByTestId('smtp-host').fill('smtp exemplo');
      await email.getByTestId('smtp-security').click();
      await page.getByRole('option', { name: 'Sem criptografia (apenas relay local)' }).click();
      await expect(email.getByTestId('smtp-port').inputValue()).resolves.toBe('25');
      await email.getByTestId('smtp-port').fill('2525');
      await email.getByTestId('smtp-from-address').fill('cobranca@example.com');
      await email.getByTestId('smtp-password').fill('x');
      await email.getByTestId('smtp-save').click();
      const problem = email.getByTestId('problem-alert');
      await problem.waitFor({ timeout: STEP_TIMEOUT });
      await expect(problem.textContent()).resolves.toContain('smtp: host is required');
      expect(await badge.textContent()).toBe('Sandbox — nada é enviado de verdade');

      await email.getByTestId('smtp-host').fill('127.0.0.1');
      await email.getByTestId('smtp-save').click();
      await email.getByTestId('provider-saved').waitFor({ timeout: STEP_TIMEOUT });
      expect(await problem.count()).toBe(0);
      await expect.poll(() => badge.textContent(), { timeout: STEP_TIMEOUT }).toBe('SMTP');
      await expect(email.getByTestId('smtp-secret-status').textContent()).resolves.toContain('guardada');
      const password = email.getByTestId('smtp-password');
      await expect(password.inputValue()).resolves.toBe('');
      await expect(password.getAttribute('placeholder')).resolves.toBe('•••••• (guardada)');
      await expect(email.getByTestId('provider-updated').textContent()).resolves.toContain(
        `Última alteração por ${ADMIN.name} em`,
      );

      // What the server stored: the settings in the clear, the password only as "hasSecret".
      const stored = await emailProvider();
      expect(stored.item).toMatchObject({
        provider: 'smtp',
        enabled: true,
        hasSecret: true,
        settings: { host: '127.0.0.1', port: 2525, security: 'none', fromAddress: 'cobranca@example.com' },
      });
      expect(stored.raw).not.toContain('password');
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(RESULTS, 'providers.png'), fullPage: true });

      // A reload finds it all again.
      await page.reload();
      await email.getByTestId('smtp-form').waitFor({ timeout: STEP_TIMEOUT });
      await expect(badge.textContent()).resolves.toBe('SMTP');
      await expect(email.getAttribute('data-provider')).resolves.toBe('smtp');
      await expect(email.getByTestId('smtp-host').inputValue()).resolves.toBe('127.0.0.1');
      await expect(email.getByTestId('smtp-port').inputValue()).resolves.toBe('2525');
      await expect(email.getByTestId('smtp-security').inputValue()).resolves.toBe(
        'Sem criptografia (apenas relay local)',
      );
      await expect(email.getByTestId('smtp-from-address').inputValue()).resolves.toBe('cobranca@example.com');
      await expect(password.getAttribute('placeholder')).resolves.toBe('•••••• (guardada)');
      await expect(email.getByTestId('smtp-secret-status').textContent()).resolves.toContain('guardada');

      // Back to the sandbox.
      await email.getByTestId('email-provider-choice').getByText('Sandbox').click();
      await email.getByTestId('email-use-sandbox').click();
      await email.getByTestId('provider-saved').waitFor({ timeout: STEP_TIMEOUT });
      await expect
        .poll(() => badge.textContent(), { timeout: STEP_TIMEOUT })
        .toBe('Sandbox — nada é enviado de verdade');
      expect(await email.getByTestId('smtp-form').count()).toBe(0);
      await page.reload();
      await badge.waitFor({ timeout: STEP_TIMEOUT });
      await expect(badge.textContent()).resolves.toBe('Sandbox — nada é enviado de verdade');
      const back = await emailProvider();
      expect(back.item).toMatchObject({ provider: 'sandbox', hasSecret: false, settings: {} });
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: join(RESULTS, 'providers-failure.png'), fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  });

  it('shows no "Canais" entry to a manager, and the page turns them away', async () => {
    const { page, pageErrors } = await newPage();
    try {
      await login(page, app.users.manager.email, app.users.manager.password);
      await page.getByRole('link', { name: 'Segurança' }).waitFor({ timeout: STEP_TIMEOUT });
      expect(await page.getByRole('link', { name: 'Canais', exact: true }).count()).toBe(0);
      await page.goto(`${app.url}/settings/channels`);
      await page.getByTestId('channels-forbidden').waitFor({ timeout: STEP_TIMEOUT });
      expect(await page.getByTestId('channel-card').count()).toBe(0);
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: join(RESULTS, 'providers-failure.png'), fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  });
});
