import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import { openDatabase } from './db/open.ts';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from './demo/seed.ts';
import { buildServer, WEB_ROOT } from './http/server.ts';
import type { App } from './http/types.ts';
import { embeddedSecretKey } from './shared/secrets.ts';
import { type Background, startBackground } from './worker.ts';

export type Running = { app: App; db: Database; url: string; stop(): Promise<void> };

/**
 * Starts Régua: database (migrated), demo data on first start, background worker and HTTP server.
 * Used by `regua start` and by the tests.
 */
export async function startRegua(
  settings: Config,
  options: { log?: (line: string) => void; logger?: boolean; db?: Database } = {},
): Promise<Running> {
  const log = options.log ?? (() => {});
  const config: Config = {
    ...settings,
    secretKey: settings.secretKey ?? (settings.databaseUrl ? null : embeddedSecretKey(settings.dataDir)),
  };
  const localToken = randomBytes(32).toString('base64url');
  const url = config.publicUrl;
  const opened = options.db
    ? { db: options.db, release: () => {} }
    : await openDatabase(config, { kind: 'server', url, token: localToken });
  const { db } = opened;
  try {
    if (config.seedDemo) {
      const demo = await seedDemo(db, { log });
      if (demo.created) log(`Demo ready: ${demo.debtors} debtors, ${demo.receivables} receivables.`);
    }
    let background: Background | null = null;
    const app = await buildServer({
      db,
      config,
      localToken,
      logger: options.logger,
      wakeWorker: () => background?.jobs.wake(),
    });
    if (config.runWorker) {
      background = await startBackground(db, config, {
        log,
        onError: (error, what) => app.log.error({ err: error }, `${what} failed`),
      });
    }
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const actualUrl = config.port === 0 ? `http://127.0.0.1:${port}` : url;
    return {
      app,
      db,
      url: actualUrl,
      async stop() {
        await app.close();
        await background?.stop();
        if (!options.db) await db.close();
        opened.release();
      },
    };
  } catch (error) {
    if (!options.db) await db.close();
    opened.release();
    throw error;
  }
}

export function banner(running: Running, config: Config): string {
  const web = existsSync(`${WEB_ROOT}index.html`);
  const lines = [
    '',
    `Régua is running at ${running.url}  (database: ${config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`})`,
    web ? '' : '  (the web app is not built: run `npm run build:web`)',
    config.seedDemo
      ? `Log in as ${DEMO_USERS.manager.email} (manager) or ${DEMO_USERS.admin.email} (admin), password "${DEMO_PASSWORD}".`
      : '',
    `API documentation: ${running.url}/docs`,
    'Press Ctrl+C to stop.',
    '',
  ];
  return lines.filter((l, i) => l !== '' || i === 0 || i === lines.length - 1).join('\n');
}
