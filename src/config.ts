import { parseSecretKey } from './shared/secrets.ts';

/**
 * Every setting Régua reads, with its environment variable and default. Nothing else reads process.env.
 */
export type Config = {
  /** `DATABASE_URL`: PostgreSQL connection string. Unset: the embedded PGlite database in `dataDir`. */
  databaseUrl: string | null;
  /** `REGUA_DATA_DIR`: where the embedded database, its lock and backups live. Default `./data`. */
  dataDir: string;
  /** `PORT` (default 3000) and `HOST` (default 127.0.0.1; set 0.0.0.0 to listen on every interface). */
  port: number;
  host: string;
  /** `REGUA_PUBLIC_URL`: the address people use; decides whether cookies are `Secure`. */
  publicUrl: string;
  /** `REGUA_MAX_UPLOAD_MB`: largest import upload accepted (default 200). */
  maxUploadBytes: number;
  /** `REGUA_DEMO`: seed the demo organizations on first start (default true; `false` to skip). */
  seedDemo: boolean;
  /** `REGUA_WORKER`: run background jobs in the server process (default true). */
  runWorker: boolean;
  /** `REGUA_SCHEDULER`: plan each business day automatically in background processes (default true). */
  runScheduler: boolean;
  /** `REGUA_DISPATCH_BATCH`: outbox messages a dispatcher claims at a time (default 200). */
  dispatchBatchSize: number;
  /**
   * `REGUA_DISPATCH_LEASE_MS`: how long a dispatcher's claim lasts; a message whose dispatcher died is
   * taken over after it (default 60000).
   */
  dispatchLeaseMs: number;
  /**
   * `REGUA_SANDBOX_LATENCY_MS`: make the sandbox channel answer like a slow provider, for load and crash
   * tests (default 0).
   */
  sandboxLatencyMs: number;
  /**
   * `REGUA_SMTP_URL` (e.g. `smtps://user:password@mail.example.com:465`) and `REGUA_MAIL_FROM`: the
   * system's own mail, for password resets. Organizations' collection e-mail is set per organization.
   */
  systemSmtpUrl: string | null;
  mailFrom: string;
  /**
   * `REGUA_WEBHOOK_RATE_PER_MINUTE`: calls per minute one address may make to the webhooks (default
   * 6000; 0 turns the limit off, e.g. behind a proxy that already limits).
   */
  webhookRatePerMinute: number;
  /** `REGUA_PORTAL_RATE_PER_MINUTE`: requests per minute one address may make to the debtor portal's API. */
  portalRatePerMinute: number;
  /** `REGUA_PORTAL_LINK_DAYS`: how long the portal links in messages stay valid. */
  portalLinkDays: number;
  /**
   * `REGUA_BOUNCE_DOMAIN` and `REGUA_BOUNCE_SMTP_PORT`: e-mails are sent with a VERP envelope sender
   * at this domain, and Régua receives the bounces on this port (delivered there by the domain's MX).
   * Unset: bounces after the SMTP conversation are not read.
   */
  bounceDomain: string | null;
  bounceSmtpPort: number;
  /** `REGUA_SESSION_DAYS`: web session lifetime (default 7). */
  sessionDays: number;
  /** `LOG_LEVEL`: fatal, error, warn, info (default), debug. */
  logLevel: string;
  /**
   * `REGUA_SECRET_KEY`: 32 bytes in base64 (`openssl rand -base64 32`) encrypting secrets at rest (TOTP
   * seeds, provider credentials). Unset with the embedded database: a key file beside the data directory.
   */
  secretKey: Buffer | null;
};

function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
}

function boolSetting(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = intSetting(env, 'PORT', 3000);
  const host = env.HOST || '127.0.0.1';
  return {
    databaseUrl: env.DATABASE_URL || null,
    dataDir: env.REGUA_DATA_DIR || './data',
    port,
    host,
    publicUrl: env.REGUA_PUBLIC_URL || `http://localhost:${port}`,
    maxUploadBytes: intSetting(env, 'REGUA_MAX_UPLOAD_MB', 200) * 1024 * 1024,
    seedDemo: boolSetting(env, 'REGUA_DEMO', true),
    runWorker: boolSetting(env, 'REGUA_WORKER', true),
    runScheduler: boolSetting(env, 'REGUA_SCHEDULER', true),
    dispatchBatchSize: Math.max(1, intSetting(env, 'REGUA_DISPATCH_BATCH', 200)),
    dispatchLeaseMs: Math.max(1_000, intSetting(env, 'REGUA_DISPATCH_LEASE_MS', 60_000)),
    systemSmtpUrl: env.REGUA_SMTP_URL || null,
    mailFrom: env.REGUA_MAIL_FROM || 'Régua <nao-responda@regua.local>',
    bounceDomain: env.REGUA_BOUNCE_DOMAIN || null,
    bounceSmtpPort: intSetting(env, 'REGUA_BOUNCE_SMTP_PORT', 0),
    webhookRatePerMinute: intSetting(env, 'REGUA_WEBHOOK_RATE_PER_MINUTE', 6000),
    portalRatePerMinute: intSetting(env, 'REGUA_PORTAL_RATE_PER_MINUTE', 300),
    portalLinkDays: intSetting(env, 'REGUA_PORTAL_LINK_DAYS', 30),
    sandboxLatencyMs: intSetting(env, 'REGUA_SANDBOX_LATENCY_MS', 0),
    sessionDays: intSetting(env, 'REGUA_SESSION_DAYS', 7),
    logLevel: env.LOG_LEVEL || 'info',
    secretKey: env.REGUA_SECRET_KEY ? parseSecretKey(env.REGUA_SECRET_KEY) : null,
  };
}
