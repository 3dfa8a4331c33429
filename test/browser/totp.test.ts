/**
 * End-to-end: a manager turns on two-step verification on the Security page (reading the secret shown
 * there), logs out, logs in again with a code from a simulated authenticator app, and turns it off.
 */
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../support/seed.ts';
import { app, browser, login, RESULTS, STEP_TIMEOUT, setupBrowserSuite } from './harness.ts';

setupBrowserSuite();

const STEP_SECONDS = 30;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, without padding (spaces and '=' are ignored). */
function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    const value = BASE32.indexOf(char);
    if (value < 0) throw new Error(`not base32: ${char}`);
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** RFC 6238 TOTP (HMAC-SHA1, 30 s steps, 6 digits) for time step `counter`. */
function totp(secret: Buffer, counter: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const hmac = createHmac('sha1', secret).update(message).digest();
  const offset = (hmac[hmac.length - 1] ?? 0) & 0x0f;
  const binary = hmac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}

const currentStep = (): number => Math.floor(Date.now() / 1000 / STEP_SECONDS);

/**
 * A code the server has not seen yet: the step after `lastUsed` (the server refuses a step already used),
 * or the current one if later. The server accepts ±1 step, so when that step is still two ahead, waits.
 */
async function nextCode(secret: Buffer, lastUsed: number): Promise<{ code: string; step: number }> {
  const step = Math.max(lastUsed + 1, currentStep());
  const acceptableAt = (step - 1) * STEP_SECONDS * 1000 + 500;
  if (acceptableAt > Date.now()) await sleep(acceptableAt - Date.now());
  return { code: totp(secret, step), step };
}

describe('two-step verification (TOTP)', () => {
  it('computes RFC 6238 codes (the SHA-1 test vectors)', () => {
    // RFC 6238 appendix B, secret "12345678901234567890", truncated to 6 digits.
    const secret = base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(secret.toString('ascii')).toBe('12345678901234567890');
    expect(totp(secret, Math.floor(59 / 30))).toBe('287082');
    expect(totp(secret, Math.floor(1111111109 / 30))).toBe('081804');
    expect(totp(secret, Math.floor(2000000000 / 30))).toBe('279037');
  });

  it('enables the second factor, then asks for the code at login', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, locale: 'pt-BR' });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const email = app.seeded.users.manager;

    try {
      await login(page, email, PASSWORD);

      // Security page: off at first.
      await page.getByRole('link', { name: 'Segurança' }).click();
      await page.waitForURL(/\/security$/, { timeout: STEP_TIMEOUT });
      const status = page.getByTestId('totp-status');
      await expect(status.getAttribute('data-enabled', { timeout: STEP_TIMEOUT })).resolves.toBe('false');
      await expect(status.textContent()).resolves.toBe('Inativa');

      // Start enrollment: the secret (grouped in blocks of 4) and its QR code.
      await page.getByTestId('totp-enable').click();
      const secretShown = page.getByTestId('totp-secret');
      await secretShown.waitFor({ timeout: STEP_TIMEOUT });
      const rawSecret = (await secretShown.getAttribute('data-secret')) ?? '';
      expect(rawSecret).toMatch(/^[A-Z2-7]{16,}$/);
      const grouped = (await secretShown.textContent()) ?? '';
      expect(grouped.replace(/ /g, '')).toBe(rawSecret);
      expect(grouped.split(' ').every((block) => block.length <= 4)).toBe(true);
      const qr = page.getByTestId('totp-qr');
      await qr.waitFor({ timeout: STEP_TIMEOUT });
      await expect(qr.locator('path').getAttribute('d')).resolves.toMatch(/^M\d/);
      await page.screenshot({ path: join(RESULTS, 'totp-enroll.png'), fullPage: true });

      // Confirm with the current code.
      const secret = base32Decode(rawSecret);
      const confirmStep = currentStep();
      await page.getByTestId('totp-confirm-code').fill(totp(secret, confirmStep));
      await page.getByTestId('totp-confirm').click();
      await page
        .locator('[data-testid="totp-status"][data-enabled="true"]')
        .waitFor({ timeout: STEP_TIMEOUT });
      await expect(status.textContent()).resolves.toBe('Ativa');
      await page.getByTestId('totp-enabled').waitFor({ timeout: STEP_TIMEOUT });

      // Log out; the password alone is no longer enough.
      await page.getByRole('button', { name: 'Sair' }).click();
      await page.waitForURL(/\/login$/, { timeout: STEP_TIMEOUT });
      await page.getByLabel('E-mail').fill(email);
      await page.locator('input[type="password"]').fill(PASSWORD);
      await page.getByRole('button', { name: 'Entrar' }).click();
      await expect(page.getByTestId('totp-prompt').textContent({ timeout: STEP_TIMEOUT })).resolves.toContain(
        'Digite o código de 6 dígitos do seu aplicativo autenticador.',
      );
      const codeInput = page.getByLabel('Código de verificação');
      await expect(codeInput.getAttribute('inputmode')).resolves.toBe('numeric');
      await expect(codeInput.getAttribute('autocomplete')).resolves.toBe('one-time-code');
      await page.screenshot({ path: join(RESULTS, 'totp-login.png'), fullPage: true });

      // The code the confirmation already used is refused.
      await codeInput.fill(totp(secret, confirmStep));
      await page.getByRole('button', { name: 'Entrar' }).click();
      await expect(page.getByTestId('login-error').textContent({ timeout: STEP_TIMEOUT })).resolves.toContain(
        'Código incorreto ou já utilizado.',
      );

      // The next time step's code lets the manager in.
      const loginCode = await nextCode(secret, confirmStep);
      await codeInput.fill(loginCode.code);
      await page.getByRole('button', { name: 'Entrar' }).click();
      await page.getByTestId('brand').waitFor({ timeout: STEP_TIMEOUT });
      expect(new URL(page.url()).pathname).toBe('/');

      // Turn it off again (DELETE with the code in a JSON body).
      await page.getByRole('link', { name: 'Segurança' }).click();
      await page
        .locator('[data-testid="totp-status"][data-enabled="true"]')
        .waitFor({ timeout: STEP_TIMEOUT });
      const disableCode = await nextCode(secret, loginCode.step);
      await page.getByTestId('totp-disable-code').fill(disableCode.code);
      await page.getByTestId('totp-disable').click();
      await page
        .locator('[data-testid="totp-status"][data-enabled="false"]')
        .waitFor({ timeout: STEP_TIMEOUT });

      // And the password alone is enough once more.
      await page.getByRole('button', { name: 'Sair' }).click();
      await page.waitForURL(/\/login$/, { timeout: STEP_TIMEOUT });
      await login(page, email, PASSWORD);
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: join(RESULTS, 'totp-failure.png'), fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  });
});
