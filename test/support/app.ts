import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config.ts';
import { startRegua } from '../../src/server.ts';
import { createTestDatabase, ENGINE, type Engine } from './db.ts';
import { PASSWORD, type Seeded, seedTwoOrganizations } from './seed.ts';

export type TestApp = {
  url: string;
  seeded: Seeded;
  users: { manager: { email: string; password: string } };
  creditor: { id: number; legalName: string };
  config: import('../../src/config.ts').Config;
  /** fetch against the app, with JSON helpers. */
  close(): Promise<void>;
};

/** Starts the whole server in-process on a random port over a fresh two-organization database. */
export async function startTestApp(
  options: {
    engine?: Engine;
    maxUploadMb?: number;
    worker?: boolean;
    config?: Partial<import('../../src/config.ts').Config>;
  } = {},
): Promise<TestApp & { db: import('../../src/db/client.ts').Database }> {
  const test = await createTestDatabase(options.engine ?? ENGINE);
  const seeded = await seedTwoOrganizations(test.db);
  const config = {
    ...loadConfig({ PORT: '0', REGUA_DEMO: 'false', LOG_LEVEL: 'warn' }),
    maxUploadBytes: (options.maxUploadMb ?? 200) * 1024 * 1024,
    secretKey: randomBytes(32),
    runWorker: options.worker ?? true,
    ...options.config,
  };
  const running = await startRegua(config, { db: test.db, logger: false });
  return {
    url: running.url,
    db: test.db,
    seeded,
    users: { manager: { email: seeded.users.manager, password: PASSWORD } },
    creditor: { id: seeded.a.creditorId, legalName: 'Cliente Um Ltda' },
    config,
    async close() {
      await running.stop();
      await test.drop();
    },
  };
}

/** Logs in over HTTP and returns a fetch bound to the session cookie. */
export async function loginAs(url: string, email: string, password = PASSWORD) {
  const response = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`login as ${email} failed: ${response.status}`);
  const cookies = response.headers.getSetCookie().map((c) => c.split(';')[0] ?? '');
  const cookie = cookies.join('; ');
  const csrf = cookies.find((c) => c.startsWith('regua_csrf='))?.slice('regua_csrf='.length) ?? '';
  return (path: string, init: RequestInit = {}) =>
    fetch(`${url}${path}`, {
      ...init,
      headers: {
        'x-csrf-token': decodeURIComponent(csrf),
        ...(init.headers as Record<string, string>),
        cookie,
      },
    });
}
