import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import { openDatabase } from './db/open.ts';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from './demo/seed.ts';
import { buildServer, WEB_ROOT } from './http/server.ts';
import type { App } from './http/types.ts';
import { signPortalLink } from './portal/links.ts';
import { embeddedSecretKey } from './shared/secrets.ts';
import { type Background, startBackground } from './worker.ts';

export type Running = {
  app: App;
  db: Database;
  url: string;
  /** A signed portal link of a demo debtor, printed at start so a person can try the portal. */
  portalDemoPath?: string | null;
  stop(): Promise<void>;
};

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
    let portalDemoPath: string | null = null;
    if (config.seedDemo) {
      const demo = await seedDemo(db, { log });
      if (demo.created) log(`Demo ready: ${demo.debtors} debtors, ${demo.receivables} receivables.`);
      portalDemoPath = config.secretKey ? await demoPortalPath(db, config.secretKey) : null;
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
      portalDemoPath,
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
    running.portalDemoPath
      ? `The debtor portal, as a demo debtor sees it: ${running.url}${running.portalDemoPath} (the one-time code arrives in Caixa de saída).`
      : '',
    `API documentation: ${running.url}/docs`,
    'Press Ctrl+C to stop.',
    '',
  ];
  return lines.filter((l, i) => l !== '' || i === 0 || i === lines.length - 1).join('\n');
}

/** A signed portal link for a demo debtor who owes and can receive a code by e-mail. */
async function demoPortalPath(db: Database, secretKey: Buffer): Promise<string | null> {
  const [debtor] = await db.query<{ orgId: number; id: number }>(
    `select d.org_id as "orgId", d.id from debtors d join organizations o on o.id = d.org_id
      where o.slug = 'demo' and d.kind = 'person' and cardinality(d.emails) > 0
        and not (d.channel_preferences ? 'email')
        and exists (select 1 from receivables r where r.org_id = d.org_id and r.debtor_id = d.id
                      and r.status = 'open' and r.due_date < current_date - 30)
      order by d.id limit 1`,
  );
  return debtor
    ? `/p/${signPortalLink(secretKey, { orgId: debtor.orgId, debtorId: debtor.id, days: 365 })}`
    : null;
}
