/**
 * What every browser test shares: the built web app, a server over a two-organization seed, Debian's
 * chromium driven by playwright-core, a scratch folder, and logging in.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestApp } from '../support/app.ts';
import { ensureWebBuilt } from '../support/web-build.ts';

export { cpfFromBase, formatTaxId } from '../../src/shared/documents.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RESULTS = join(ROOT, 'test-results');
export const STEP_TIMEOUT = 30_000;

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;

// Live bindings: set by setupBrowserSuite's beforeAll, read by the tests.
export let app: TestApp;
export let browser: Browser;
export let workDir: string;

/** Registers the suite's setup and teardown; call it at the top of a browser test file. */
export function setupBrowserSuite(): void {
  beforeAll(async () => {
    // Builds dist/web when it is missing or older than web/ (must happen before the server starts).
    await ensureWebBuilt();
    if (!existsSync(join(ROOT, 'dist/web/index.html'))) throw new Error('dist/web was not built');
    app = await startTestApp();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    workDir = await mkdtemp(join(tmpdir(), 'regua-browser-'));
    await mkdir(RESULTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });
}

export async function login(page: Page, email: string, password: string): Promise<void> {
  await page.goto(`${app.url}/login`);
  await page.getByLabel('E-mail').fill(email);
  await page.locator('input[type="password"]').fill(password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByTestId('brand').waitFor({ timeout: STEP_TIMEOUT });
}

/** Opens "Nova importação", picks the test creditor and chooses the file (nothing is sent yet). */
export async function chooseImportFile(page: Page, csvPath: string): Promise<void> {
  await page.getByRole('link', { name: 'Importações' }).click();
  await page.getByTestId('new-import').click();
  await page.getByTestId('import-form').waitFor({ timeout: STEP_TIMEOUT });
  const creditorSelect = page.getByTestId('import-creditor');
  await creditorSelect.click();
  await creditorSelect.fill(app.creditor.legalName);
  await page.getByRole('option', { name: app.creditor.legalName }).first().click();
  await page.locator('[data-testid="import-form"] input[type="file"]').setInputFiles(csvPath);
}
