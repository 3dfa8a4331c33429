import type { Scope } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { isTemplateVariable } from '../dunning/templates.ts';
import { badRequest } from '../shared/problem.ts';
import { decryptSecret, encryptSecret } from '../shared/secrets.ts';
import { bounceAddress } from './bounces.ts';
import type { Channel, OutgoingMessage } from './channel.ts';
import { type SmtpSettings, smtpChannel } from './email.ts';
import { printChannel } from './letters.ts';
import { sandboxChannel } from './sandbox.ts';
import { type TwilioSettings, twilioChannel } from './sms.ts';
import { unsubscribeToken } from './unsubscribe.ts';
import { DEFAULT_TEMPLATE_PARAMETERS, type WhatsAppSettings, whatsappChannel } from './whatsapp.ts';
import { worklistChannel } from './worklist.ts';

/**
 * The providers each channel can use, the default first: the sandbox carries every channel that would
 * leave the system, so the demo never sends anything real; phone steps go to the collectors' worklist.
 */
export const PROVIDERS: Readonly<Record<string, readonly string[]>> = {
  email: ['sandbox', 'smtp'],
  sms: ['sandbox', 'twilio'],
  whatsapp: ['sandbox', 'whatsapp_cloud'],
  phone: ['worklist', 'sandbox'],
  letter: ['sandbox', 'print'],
  portal: ['sandbox'],
  negativacao: ['sandbox'],
  protest: ['sandbox'],
};

export type ProviderView = {
  channel: string;
  provider: string;
  /** The providers this channel can use, the default first. */
  available: string[];
  settings: Record<string, unknown>;
  /** Whether credentials are stored; they are never shown. */
  hasSecret: boolean;
  enabled: boolean;
  updatedBy: string | null;
  updatedAt: Date | null;
};

const SMTP_SECURITY = ['tls', 'starttls', 'none'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Messages per second a provider takes (0: no limit), checked. */
function rate(settings: Record<string, unknown>, provider: string, fallback: number): number {
  const value = settings.ratePerSecond ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10_000)
    throw badRequest(
      `${provider}: ratePerSecond must be a whole number of messages per second (0 for no limit)`,
    );
  return value;
}

/** The settings a provider keeps in the clear, checked; credentials go to `secret`. */
function checkSettings(provider: string, settings: Record<string, unknown>): Record<string, unknown> {
  if (provider === 'sandbox' || provider === 'worklist') return {};
  if (provider === 'whatsapp_cloud') {
    const apiBaseUrl = settings.apiBaseUrl ?? 'https://graph.facebook.com/v21.0';
    if (typeof apiBaseUrl !== 'string' || !/^https?:\/\/[^\s]+$/.test(apiBaseUrl))
      throw badRequest('whatsapp_cloud: apiBaseUrl must be an http(s) address');
    const phoneNumberId = settings.phoneNumberId;
    if (typeof phoneNumberId !== 'string' || !/^\d{5,20}$|^[A-Za-z0-9_-]{3,40}$/.test(phoneNumberId))
      throw badRequest('whatsapp_cloud: phoneNumberId (the number id from the Meta app) is required');
    const templateName = settings.templateName;
    if (typeof templateName !== 'string' || !/^[a-z0-9_]{1,512}$/.test(templateName))
      throw badRequest(
        'whatsapp_cloud: templateName must be the approved template name (lowercase, digits, _)',
      );
    const parameters = settings.templateParameters ?? DEFAULT_TEMPLATE_PARAMETERS;
    if (!Array.isArray(parameters) || parameters.some((p) => typeof p !== 'string' || !isTemplateVariable(p)))
      throw badRequest(
        `whatsapp_cloud: templateParameters are template variables, e.g. ${DEFAULT_TEMPLATE_PARAMETERS.join(', ')}`,
      );
    const costCents = settings.costCents ?? 0;
    if (typeof costCents !== 'number' || !Number.isInteger(costCents) || costCents < 0 || costCents > 10_000)
      throw badRequest('whatsapp_cloud: costCents must be whole centavos');
    return {
      ratePerSecond: rate(settings, 'whatsapp_cloud', 80),
      apiBaseUrl: apiBaseUrl.replace(/\/+$/, ''),
      phoneNumberId,
      templateName,
      templateLanguage: typeof settings.templateLanguage === 'string' ? settings.templateLanguage : 'pt_BR',
      templateParameters: parameters,
      costCents,
    };
  }
  if (provider === 'twilio') {
    const apiBaseUrl = settings.apiBaseUrl ?? 'https://api.twilio.com';
    if (typeof apiBaseUrl !== 'string' || !/^https?:\/\/[^\s]+$/.test(apiBaseUrl))
      throw badRequest('twilio: apiBaseUrl must be an http(s) address');
    if (typeof settings.accountSid !== 'string' || !/^AC[0-9a-fA-F]{32}$/.test(settings.accountSid))
      throw badRequest('twilio: accountSid is the AC... identifier of the account');
    if (typeof settings.from !== 'string' || !/^(\+\d{8,15}|MG[0-9a-fA-F]{32})$/.test(settings.from))
      throw badRequest('twilio: from is the sending number (+55...) or a Messaging Service SID (MG...)');
    const costCentsPerSegment = settings.costCentsPerSegment ?? 0;
    if (
      typeof costCentsPerSegment !== 'number' ||
      !Number.isInteger(costCentsPerSegment) ||
      costCentsPerSegment < 0
    )
      throw badRequest('twilio: costCentsPerSegment must be whole centavos');
    return {
      apiBaseUrl: apiBaseUrl.replace(/\/+$/, ''),
      accountSid: settings.accountSid,
      from: settings.from,
      costCentsPerSegment,
    };
  }
  if (provider === 'print') {
    const costCents = settings.costCents ?? 0;
    if (typeof costCents !== 'number' || !Number.isInteger(costCents) || costCents < 0 || costCents > 100_000)
      throw badRequest('print: costCents (postage and printing per letter) must be whole centavos');
    return { costCents };
  }
  if (provider === 'smtp') {
    const host = settings.host;
    const port = settings.port;
    const security = settings.security ?? 'starttls';
    const fromAddress = settings.fromAddress;
    if (typeof host !== 'string' || !/^[A-Za-z0-9.-]{1,253}$/.test(host))
      throw badRequest('smtp: host is required');
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
      throw badRequest('smtp: port must be a number from 1 to 65535');
    if (typeof security !== 'string' || !SMTP_SECURITY.includes(security))
      throw badRequest(`smtp: security is one of ${SMTP_SECURITY.join(', ')}`);
    if (typeof fromAddress !== 'string' || !EMAIL.test(fromAddress))
      throw badRequest('smtp: fromAddress must be an e-mail address');
    const replyTo = settings.replyTo ?? null;
    if (replyTo !== null && (typeof replyTo !== 'string' || !EMAIL.test(replyTo)))
      throw badRequest('smtp: replyTo must be an e-mail address');
    const costCents = settings.costCents ?? 0;
    if (typeof costCents !== 'number' || !Number.isInteger(costCents) || costCents < 0 || costCents > 10_000)
      throw badRequest('smtp: costCents must be whole centavos');
    return {
      ratePerSecond: rate(settings, 'smtp', 0),
      host,
      port,
      security,
      username: typeof settings.username === 'string' && settings.username !== '' ? settings.username : null,
      fromAddress,
      fromName: typeof settings.fromName === 'string' ? settings.fromName.slice(0, 100) : '',
      replyTo,
      costCents,
    };
  }
  throw badRequest(`unknown provider ${provider}`);
}

/** Every channel with the provider that carries it for the organization (the sandbox when unset). */
export async function listProviders(db: Database, scope: Scope): Promise<ProviderView[]> {
  const rows = await withTenant(db, scope.orgId, (tx) =>
    tx.query<ProviderView & { secret: string | null }>(
      `select channel, provider, settings, secret, enabled, updated_by as "updatedBy", updated_at as "updatedAt"
         from channel_providers where org_id = $1`,
      [scope.orgId],
    ),
  );
  return Object.keys(PROVIDERS).map((channel) => {
    const row = rows.find((r) => r.channel === channel);
    const available = [...(PROVIDERS[channel] ?? ['sandbox'])];
    if (!row)
      return {
        channel,
        provider: available[0] ?? 'sandbox',
        available,
        settings: {},
        hasSecret: false,
        enabled: true,
        updatedBy: null,
        updatedAt: null,
      };
    const { secret, ...view } = row;
    return { ...view, available, hasSecret: secret !== null };
  });
}

/**
 * Sets the provider of a channel. Credentials are encrypted with the secret key; omitting them keeps
 * the stored ones. The audit trail records the change without the credentials.
 */
export async function setProvider(
  db: Database,
  scope: Scope,
  secretKey: Buffer | null,
  input: {
    channel: string;
    provider: string;
    settings: Record<string, unknown>;
    /** SMTP password. */
    password?: string | null;
    /** Other credentials by name (WhatsApp: accessToken, appSecret, verifyToken). */
    secrets?: Record<string, string> | null;
    enabled?: boolean;
  },
): Promise<ProviderView> {
  const allowed = PROVIDERS[input.channel];
  if (!allowed) throw badRequest(`unknown channel ${input.channel}`);
  if (!allowed.includes(input.provider))
    throw badRequest(`${input.channel} can use ${allowed.join(' or ')}, not ${input.provider}`);
  const settings = checkSettings(input.provider, input.settings);
  const credentials: Record<string, string> = {
    ...(input.secrets ?? {}),
    ...(input.password ? { password: input.password } : {}),
  };
  const hasCredentials = Object.keys(credentials).length > 0;
  if (hasCredentials && !secretKey)
    throw badRequest('set REGUA_SECRET_KEY before storing provider credentials');
  if (input.provider === 'twilio' && hasCredentials && !credentials.authToken)
    throw badRequest('twilio: authToken is required with the credentials');
  if (input.provider === 'whatsapp_cloud' && hasCredentials) {
    for (const name of ['accessToken', 'appSecret', 'verifyToken'])
      if (!credentials[name]) throw badRequest(`whatsapp_cloud: ${name} is required with the credentials`);
  }
  const secret = hasCredentials && secretKey ? encryptSecret(JSON.stringify(credentials), secretKey) : null;
  return withTenant(db, scope.orgId, async (tx) => {
    const [before] = await tx.query<{ provider: string; settings: Record<string, unknown> }>(
      'select provider, settings from channel_providers where org_id = $1 and channel = $2',
      [scope.orgId, input.channel],
    );
    const [row] = await tx.query<ProviderView & { secret: string | null }>(
      `insert into channel_providers as p (org_id, channel, provider, settings, secret, enabled, updated_by)
       values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (org_id, channel) do update set provider = excluded.provider, settings = excluded.settings,
              secret = case when excluded.provider = p.provider then coalesce(excluded.secret, p.secret) else excluded.secret end,
              enabled = excluded.enabled, updated_by = excluded.updated_by, updated_at = now()
       returning channel, provider, settings, secret, enabled, updated_by as "updatedBy", updated_at as "updatedAt"`,
      [
        scope.orgId,
        input.channel,
        input.provider,
        JSON.stringify(settings),
        secret,
        input.enabled ?? true,
        scope.actor,
      ],
    );
    if (!row) throw new Error('provider upsert returned nothing');
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'settings.channel_provider',
      entity: 'channel_provider',
      entityId: input.channel,
      before: before ?? null,
      after: { provider: row.provider, settings: row.settings, credentialsChanged: secret !== null },
    });
    const { secret: stored, ...view } = row;
    return { ...view, available: [...allowed], hasSecret: stored !== null };
  });
}

/**
 * Finds the Channel that carries a message of an organization: its configured provider, or the
 * sandbox. Adapters are cached for a minute per organization and channel (SMTP pools stay open).
 */
export function providerResolver(
  db: Database,
  options: {
    secretKey: Buffer | null;
    publicUrl: string;
    sandboxLatencyMs?: number;
    bounceDomain?: string | null;
  },
): ((orgId: number, channel: string) => Promise<Channel | undefined>) & { close(): void } {
  const sandbox = sandboxChannel(db, { latencyMs: options.sandboxLatencyMs });
  const worklist = worklistChannel(db);
  const cache = new Map<string, { channel: Channel & { close?: () => void }; until: number }>();
  const domain = new URL(options.publicUrl).hostname || 'regua.local';
  const resolve = async (orgId: number, channel: string): Promise<Channel | undefined> => {
    if (!PROVIDERS[channel]) return undefined;
    const key = `${orgId}:${channel}`;
    const cached = cache.get(key);
    if (cached && cached.until > Date.now()) return cached.channel;
    const [row] = await db.query<{
      provider: string;
      settings: Record<string, unknown>;
      secret: string | null;
      enabled: boolean;
    }>(
      'select provider, settings, secret, enabled from channel_providers where org_id = $1 and channel = $2',
      [orgId, channel],
    );
    const provider = row?.enabled ? row.provider : (PROVIDERS[channel]?.[0] ?? 'sandbox');
    let adapter: Channel & { close?: () => void } = provider === 'worklist' ? worklist : sandbox;
    if (row?.enabled && row.provider === 'print')
      adapter = printChannel({ costCents: Number(row.settings.costCents ?? 0) });
    const credentials = decryptCredentials(row?.secret, options.secretKey);
    if (row?.enabled && row.provider === 'smtp') {
      const secretKey = options.secretKey;
      adapter = smtpChannel(
        { ...(row.settings as Omit<SmtpSettings, 'password'>), password: credentials.password ?? null },
        {
          messageIdDomain: domain,
          unsubscribeUrl: (m: OutgoingMessage) =>
            secretKey ? `${options.publicUrl}/u/${unsubscribeToken(secretKey, m.orgId, m.id)}` : null,
          bounceAddress: (m: OutgoingMessage) =>
            secretKey && options.bounceDomain
              ? bounceAddress(secretKey, options.bounceDomain, m.orgId, m.id)
              : null,
        },
      );
    }
    if (row?.enabled && row.provider === 'twilio') {
      adapter = twilioChannel(
        { ...(row.settings as Omit<TwilioSettings, 'authToken'>), authToken: credentials.authToken ?? '' },
        { statusCallback: (m: OutgoingMessage) => `${options.publicUrl}/webhooks/sms/${m.orgId}/status` },
      );
    }
    if (row?.enabled && row.provider === 'whatsapp_cloud') {
      adapter = whatsappChannel(db, {
        ...(row.settings as Omit<WhatsAppSettings, 'accessToken' | 'appSecret' | 'verifyToken'>),
        accessToken: credentials.accessToken ?? '',
        appSecret: credentials.appSecret ?? '',
        verifyToken: credentials.verifyToken ?? '',
      });
    }
    const ratePerSecond = Number(row?.enabled ? (row.settings.ratePerSecond ?? 0) : 0);
    if (ratePerSecond > 0) adapter = { ...adapter, ratePerSecond };
    cached?.channel.close?.();
    cache.set(key, { channel: adapter, until: Date.now() + 60_000 });
    return adapter;
  };
  return Object.assign(resolve, {
    close() {
      for (const entry of cache.values()) entry.channel.close?.();
      cache.clear();
    },
  });
}

/** A stored credential blob, decrypted; empty without one or without the key. */
function decryptCredentials(
  secret: string | null | undefined,
  secretKey: Buffer | null,
): Record<string, string> {
  return secret && secretKey ? (JSON.parse(decryptSecret(secret, secretKey)) as Record<string, string>) : {};
}

/** The credentials of an organization's enabled provider (system work: webhooks have no session). */
async function enabledCredentials(
  db: Database,
  orgId: number,
  channel: string,
  provider: string,
  secretKey: Buffer | null,
): Promise<Record<string, string>> {
  const [row] = await db.query<{ secret: string | null }>(
    'select secret from channel_providers where org_id = $1 and channel = $2 and provider = $3 and enabled',
    [orgId, channel, provider],
  );
  return decryptCredentials(row?.secret, secretKey);
}

/** The WhatsApp webhook secrets of an organization. */
export async function whatsappSecrets(
  db: Database,
  orgId: number,
  secretKey: Buffer | null,
): Promise<{ appSecret: string; verifyToken: string } | null> {
  const { appSecret, verifyToken } = await enabledCredentials(
    db,
    orgId,
    'whatsapp',
    'whatsapp_cloud',
    secretKey,
  );
  return appSecret && verifyToken ? { appSecret, verifyToken } : null;
}

/** The Twilio auth token of an organization, which signs its SMS webhooks. */
export async function twilioToken(
  db: Database,
  orgId: number,
  secretKey: Buffer | null,
): Promise<string | null> {
  return (await enabledCredentials(db, orgId, 'sms', 'twilio', secretKey)).authToken ?? null;
}
