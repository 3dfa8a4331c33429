/**
 * End-to-end: an admin answers a data subject's request on the LGPD page (exports the JSON, the PDF and
 * anonymizes), after reading the debtor's replies merged into the contact timeline; and a manager who
 * forgot the password asks for a reset link, sets a new password through the link and logs in with it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../src/access/accounts.ts';
import { createPasswordResetToken } from '../../src/access/passwordReset.ts';
import { loginAs } from '../support/app.ts';
import { PASSWORD } from '../support/seed.ts';
import { app, browser, login, RESULTS, STEP_TIMEOUT, setupBrowserSuite } from './harness.ts';

setupBrowserSuite();

const ADMIN = 'admin@alfa.test';
const MARIA_CPF = '529.982.247-25';
/** Maria's phone in the seed, (11) 98765-4321, as the WhatsApp webhook gives it. */
const MARIA_WHATSAPP = '5511987654321';
/** A business day on which the seed's receivables have a due step (T-1, due Sat 31/01, rolls to 02/02). */
const PLAN_DATE = '2026-02-02';

async function newPage(): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, locale: 'pt-BR' });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { page, pageErrors };
}

/** Whether a route answers at all: an unknown route is Fastify's 404, a known one refuses the bad input. */
async function routeExists(
  call: (path: string, init?: RequestInit) => Promise<Response>,
  path: string,
  init?: RequestInit,
) {
  const response = await call(path, init);
  await response.body?.cancel();
  return response.status !== 404;
}

describe('LGPD requests and password reset', () => {
  let debtorId: number;

  beforeAll(async () => {
    const orgId = app.seeded.a.scope.orgId;
    await addMember(app.db, { orgId, email: ADMIN, name: 'Admin Alfa', password: PASSWORD, role: 'admin' });
    const [maria] = await app.db.query<{ id: number }>(
      'select id from debtors where org_id = $1 and creditor_id = $2 and document = $3',
      [orgId, app.seeded.a.creditorId, '52998224725'],
    );
    if (!maria) throw new Error('Maria is not in the seed');
    debtorId = maria.id;
  });

  it('merges what the debtor wrote into the contact timeline, by time', async () => {
    // Outgoing contacts: the default régua, activated, planned for a day (queued now).
    const call = await loginAs(app.url, ADMIN);
    const created = await call(`/api/v1/creditors/${app.seeded.a.creditorId}/cadences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Régua padrão' }),
    });
    expect(created.status).toBeLessThan(300);
    const version = (await created.json()) as { id: number };
    const activated = await call(`/api/v1/cadence-versions/${version.id}/activate`, { method: 'POST' });
    expect(activated.status).toBeLessThan(300);
    const planned = await call('/api/v1/plan/run', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ date: PLAN_DATE }),
    });
    expect(planned.status).toBeLessThan(300);

    // Two replies from Maria's number: one before every planned contact, one after.
    const orgId = app.seeded.a.scope.orgId;
    const [span] = await app.db.query<{ first: Date | null; last: Date | null; count: number }>(
      `select min(coalesce(sent_at, next_attempt_at)) as first, max(coalesce(sent_at, next_attempt_at)) as last,
              count(*)::int as count
         from outbound_messages where org_id = $1 and debtor_id = $2`,
      [orgId, debtorId],
    );
    if (!span?.first || !span.last || span.count === 0) throw new Error('nothing was planned for Maria');
    const insertReply = (id: string, body: string, sentAt: Date) =>
      app.db.query(
        `insert into inbound_messages (org_id, channel, provider_message_id, from_address, kind, body, sent_at, raw)
         values ($1, 'whatsapp', $2, $3, 'text', $4, $5, '{}'::jsonb)`,
        [orgId, id, MARIA_WHATSAPP, body, sentAt],
      );
    await insertReply(
      'wamid.old',
      'Bom dia, recebi o boleto. Posso pagar dia 10?',
      new Date(new Date(span.first).getTime() - 3_600_000),
    );
    await insertReply(
      'wamid.new',
      'Já paguei, segue o comprovante.',
      new Date(new Date(span.last).getTime() + 60_000),
    );

    const { page, pageErrors } = await newPage();
    try {
      await login(page, ADMIN, PASSWORD);
      await page.goto(`${app.url}/debtors/${debtorId}`);
      await page.getByTestId('debtor-tab-contacts').click();
      await page.getByTestId('contacts-timeline').waitFor({ timeout: STEP_TIMEOUT });
      const items = page.getByTestId('contact-item');
      const directions = await items.evaluateAll((nodes) =>
        nodes.map((n) => n.getAttribute('data-direction')),
      );
      const times = await items.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-at') ?? ''));
      // Newest first: the new reply, the planned contacts, the old reply.
      expect(directions.length).toBe(span.count + 2);
      expect(directions[0]).toBe('in');
      expect(directions[directions.length - 1]).toBe('in');
      expect(directions.slice(1, -1).every((d) => d === 'out')).toBe(true);
      expect([...times].sort().reverse()).toEqual(times);

      const replies = page.locator('[data-testid="contact-item"][data-direction="in"]');
      await expect(replies.first().textContent()).resolves.toContain('Recebida');
      await expect(replies.first().textContent()).resolves.toContain('(11) 98765-4321');
      await expect(replies.first().getByTestId('reply-body').textContent()).resolves.toBe(
        'Já paguei, segue o comprovante.',
      );
      await expect(replies.last().getByTestId('reply-body').textContent()).resolves.toContain(
        'Posso pagar dia 10?',
      );
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(RESULTS, 'debtor-replies.png'), fullPage: true });
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await page
        .screenshot({ path: join(RESULTS, 'debtor-replies-failure.png'), fullPage: true })
        .catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  });

  it('lets an admin export a subject’s data and anonymize it', async () => {
    const call = await loginAs(app.url, ADMIN);
    const hasPdf = await routeExists(call, '/api/v1/lgpd/subjects/123/export.pdf');
    const hasAnonymize = await routeExists(call, '/api/v1/lgpd/subjects/123/anonymize', { method: 'POST' });

    const { page, pageErrors } = await newPage();
    try {
      await login(page, ADMIN, PASSWORD);
      await page.getByRole('link', { name: 'LGPD' }).click();
      await page.waitForURL(/\/lgpd$/, { timeout: STEP_TIMEOUT });
      await expect(page.getByTestId('lgpd-intro').textContent()).resolves.toMatch(/art\. 18.*5 anos/s);

      // A malformed document is caught before asking the server.
      await page.getByTestId('lgpd-document').fill('123.456');
      await page.getByTestId('lgpd-export-json').click();
      await page
        .getByText('Informe um CPF (11 dígitos) ou CNPJ (14 caracteres).')
        .waitFor({ timeout: STEP_TIMEOUT });

      // JSON export, formatted CPF: a download holding org A's Maria only (not Beta's).
      await page.getByTestId('lgpd-document').fill(MARIA_CPF);
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: STEP_TIMEOUT }),
        page.getByTestId('lgpd-export-json').click(),
      ]);
      expect(download.suggestedFilename()).toBe('lgpd-52998224725.json');
      const exported = JSON.parse(await readFile(await download.path(), 'utf8')) as {
        subject: { document: string };
        controllers: { creditor: { legalName: string } }[];
      };
      expect(exported.subject.document).toBe('52998224725');
      expect(exported.controllers.map((c) => c.creditor.legalName)).toEqual(['Cliente Um Ltda']);
      await expect(
        page.getByTestId('lgpd-export-done').textContent({ timeout: STEP_TIMEOUT }),
      ).resolves.toContain('em 1 carteira');
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(RESULTS, 'lgpd-export.png'), fullPage: true });

      if (hasPdf) {
        const [pdf] = await Promise.all([
          page.waitForEvent('download', { timeout: STEP_TIMEOUT }),
          page.getByTestId('lgpd-export-pdf').click(),
        ]);
        expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
        const bytes = await readFile(await pdf.path());
        expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
        await page.getByTestId('lgpd-export-pdf-done').waitFor({ timeout: STEP_TIMEOUT });
      } else {
        console.warn('lgpd-reset: GET …/export.pdf does not exist yet; PDF export not tested');
      }

      if (hasAnonymize) {
        // Asks first; cancelling changes nothing.
        await page.getByTestId('lgpd-anonymize').click();
        const dialog = page.getByRole('dialog');
        await dialog.waitFor({ timeout: STEP_TIMEOUT });
        await expect(dialog.textContent()).resolves.toContain('não pode ser desfeita');
        await page.waitForTimeout(400); // the modal's opening transition
        await page.screenshot({ path: join(RESULTS, 'lgpd-confirm.png') });
        await dialog.getByRole('button', { name: 'Cancelar' }).click();
        await dialog.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
        await expect(page.getByTestId('lgpd-result').count()).resolves.toBe(0);

        await page.getByTestId('lgpd-anonymize').click();
        await page.getByTestId('lgpd-confirm-anonymize').click();
        await page.getByTestId('lgpd-result').waitFor({ timeout: STEP_TIMEOUT });
        await dialog.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
        const rows = page.getByTestId('lgpd-result-row');
        expect(await rows.count()).toBe(1);
        // Maria still owes: her data is needed to collect and is kept, with the reason.
        await expect(rows.first().getAttribute('data-status')).resolves.toBe('kept');
        const row = (await rows.first().textContent()) ?? '';
        expect(row).toContain('Cliente Um');
        expect(row).toContain('Mantido');
        expect(row).toMatch(/aberto/);
        await page.mouse.move(0, 0);
        await page.screenshot({ path: join(RESULTS, 'lgpd-anonymize.png'), fullPage: true });

        // José paid his only debt: his contacts go, the financial records stay for the retention.
        await app.db.query(
          `update receivables set status = 'paid', open_cents = 0, updated_at = now()
            where org_id = $1 and creditor_id = $2`,
          [app.seeded.a.scope.orgId, app.seeded.a.otherCreditorId],
        );
        await page.getByTestId('lgpd-document').fill('39053344705');
        await page.getByTestId('lgpd-anonymize').click();
        await page.getByTestId('lgpd-confirm-anonymize').click();
        await page.getByTestId('lgpd-result').waitFor({ timeout: STEP_TIMEOUT });
        await dialog.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
        await expect(page.getByTestId('lgpd-result-row').first().getAttribute('data-status')).resolves.toBe(
          'contacts_erased',
        );
        await expect(page.getByTestId('lgpd-result').textContent()).resolves.toContain('390.533.447-05');
        await page.screenshot({ path: join(RESULTS, 'lgpd-anonymize-closed.png'), fullPage: true });
      } else {
        console.warn('lgpd-reset: POST …/anonymize does not exist yet; anonymization not tested');
      }
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: join(RESULTS, 'lgpd-failure.png'), fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  });

  it('resets a forgotten password through the e-mailed link', async () => {
    const email = app.seeded.users.manager;
    const newPassword = 'nova-senha-da-gestora';
    const { page, pageErrors } = await newPage();
    try {
      // Ask for the link on the login page.
      await page.goto(`${app.url}/login`);
      await page.getByTestId('forgot-password').click();
      await page.getByTestId('forgot-form').waitFor({ timeout: STEP_TIMEOUT });
      await page.getByLabel('E-mail').fill(email);
      await page.getByRole('button', { name: 'Enviar link' }).click();
      await expect(page.getByTestId('forgot-sent').textContent({ timeout: STEP_TIMEOUT })).resolves.toBe(
        'Se o e-mail estiver cadastrado, enviamos um link para redefinir a senha. O link vale por 1 hora.',
      );
      await page.screenshot({ path: join(RESULTS, 'reset-requested.png') });

      // A link that is not valid is refused in Portuguese, with a way to ask again.
      await page.goto(`${app.url}/redefinir-senha?token=${'x'.repeat(43)}`);
      await page.getByTestId('reset-password').fill(newPassword);
      await page.getByTestId('reset-confirmation').fill(newPassword);
      await page.getByRole('button', { name: 'Salvar nova senha' }).click();
      await expect(page.getByTestId('reset-error').textContent({ timeout: STEP_TIMEOUT })).resolves.toBe(
        'Este link é inválido ou expirou. Peça um novo.',
      );
      await expect(page.getByTestId('reset-back').textContent()).resolves.toBe('Pedir um novo link');

      // The link the e-mail would carry (the database keeps only its hash).
      const created = await createPasswordResetToken(app.db, email);
      if (!created) throw new Error('no reset token for the manager');
      await page.goto(`${app.url}/redefinir-senha?token=${encodeURIComponent(created.token)}`);
      await page.getByTestId('reset-form').waitFor({ timeout: STEP_TIMEOUT });
      await page.getByText('Mínimo de 10 caracteres.').waitFor({ timeout: STEP_TIMEOUT });

      // Too short, then not matching: caught before sending.
      await page.getByTestId('reset-password').fill('curta');
      await page.getByTestId('reset-confirmation').fill('curta');
      await page.getByRole('button', { name: 'Salvar nova senha' }).click();
      await page
        .getByText('A senha precisa ter pelo menos 10 caracteres.')
        .waitFor({ timeout: STEP_TIMEOUT });
      await page.getByTestId('reset-password').fill(newPassword);
      await page.getByTestId('reset-confirmation').fill(`${newPassword}!`);
      await page.getByRole('button', { name: 'Salvar nova senha' }).click();
      await page.getByText('As senhas não são iguais.').waitFor({ timeout: STEP_TIMEOUT });
      await page.screenshot({ path: join(RESULTS, 'reset-form.png') });

      await page.getByTestId('reset-confirmation').fill(newPassword);
      await page.getByRole('button', { name: 'Salvar nova senha' }).click();
      await page.waitForURL(/\/login$/, { timeout: STEP_TIMEOUT });
      await expect(
        page.getByTestId('password-reset-done').textContent({ timeout: STEP_TIMEOUT }),
      ).resolves.toBe('Senha redefinida. Entre com a nova senha.');
      await page.screenshot({ path: join(RESULTS, 'reset-done.png') });

      // The old password no longer works; the new one does.
      await page.getByLabel('E-mail').fill(email);
      await page.locator('input[type="password"]').fill(PASSWORD);
      await page.getByRole('button', { name: 'Entrar' }).click();
      await page.getByTestId('login-error').waitFor({ timeout: STEP_TIMEOUT });
      await login(page, email, newPassword);
      // A manager has no LGPD page.
      await expect(page.getByRole('link', { name: 'LGPD' }).count()).resolves.toBe(0);

      // The link works once.
      const again = await fetch(`${app.url}/api/v1/password-reset/confirm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: created.token, password: 'mais-uma-senha-nova' }),
      });
      expect(again.status).toBe(400);
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: join(RESULTS, 'reset-failure.png'), fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  });
});
