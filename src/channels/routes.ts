import { Type } from '@sinclair/typebox';
import { scopeFor } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { requireScope } from '../http/auth.ts';
import type { App, AppContext } from '../http/types.ts';
import { recordConsent } from '../portfolio/consents.ts';
import { listProviders, PROVIDERS, setProvider } from './providers.ts';
import { readUnsubscribeToken } from './unsubscribe.ts';

const Timestamp = Type.Unsafe<Date>({ type: 'string', format: 'date-time' });
const Provider = Type.Object({
  channel: Type.String(),
  provider: Type.String(),
  settings: Type.Record(Type.String(), Type.Unknown()),
  hasSecret: Type.Boolean({ description: 'whether credentials are stored (they are never returned)' }),
  enabled: Type.Boolean(),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.Union([Timestamp, Type.Null()]),
});

export function channelRoutes(app: App, { db, config }: AppContext) {
  app.get(
    '/api/v1/channel-providers',
    {
      config: { permission: 'providers:manage' },
      schema: {
        tags: ['channels'],
        summary:
          'The provider carrying each channel (the sandbox unless configured); credentials are never shown',
        response: { 200: Type.Object({ items: Type.Array(Provider) }) },
      },
    },
    async (request) => ({ items: await listProviders(db, requireScope(request)) }),
  );

  app.put(
    '/api/v1/channel-providers/:channel',
    {
      config: { permission: 'providers:manage' },
      schema: {
        tags: ['channels'],
        summary:
          'Set the provider of a channel (credentials are encrypted; omit the password to keep the stored one)',
        params: Type.Object({
          channel: Type.Unsafe<string>({ type: 'string', enum: Object.keys(PROVIDERS) }),
        }),
        body: Type.Object({
          provider: Type.String({ maxLength: 40 }),
          settings: Type.Record(Type.String(), Type.Unknown(), { default: {} }),
          password: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
          enabled: Type.Optional(Type.Boolean()),
        }),
        response: { 200: Provider },
      },
    },
    async (request) =>
      setProvider(db, requireScope(request), config.secretKey, {
        channel: request.params.channel as string,
        provider: request.body.provider,
        settings: request.body.settings ?? {},
        password: request.body.password,
        enabled: request.body.enabled,
      }),
  );
}

const page = (title: string, body: string) =>
  `<!doctype html><html lang="pt-BR"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>body{font-family:Arial,sans-serif;max-width:520px;margin:48px auto;padding:0 16px;color:#222;line-height:1.5}button{font-size:16px;padding:10px 18px;background:#1c7ed6;color:#fff;border:0;border-radius:6px;cursor:pointer}</style></head>
<body><h1 style="font-size:22px">${title}</h1>${body}</body></html>`;

async function messageOf(db: Database, token: string, secretKey: Buffer | null) {
  const parsed = secretKey ? readUnsubscribeToken(secretKey, token) : null;
  if (!parsed) return null;
  const [row] = await db.query<{ debtorId: number; channel: string; creditor: string; timeZone: string }>(
    `select m.debtor_id as "debtorId", m.channel, coalesce(c.trade_name, c.legal_name) as creditor, o.time_zone as "timeZone"
       from outbound_messages m
       join creditors c on c.org_id = m.org_id and c.id = m.creditor_id
       join organizations o on o.id = m.org_id
      where m.org_id = $1 and m.id = $2`,
    [parsed.orgId, parsed.messageId],
  );
  return row ? { ...row, orgId: parsed.orgId } : null;
}

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The unsubscribe link of every e-mail: GET shows a confirmation (mail scanners follow links, so a GET
 * never changes anything), POST records the opt-out in the consent ledger; RFC 8058 one-click sends the
 * same POST. Public: the signed token is the authority.
 */
export function publicChannelRoutes(app: App, { db, config }: AppContext) {
  app.register(async (scope) => {
    // RFC 8058 one-click posts `List-Unsubscribe=One-Click` as a form; the body carries nothing else.
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 1024 },
      (_r, _b, done) => done(null, {}),
    );
    const params = Type.Object({ token: Type.String({ maxLength: 120 }) });
    scope.get<{ Params: { token: string } }>(
      '/u/:token',
      { schema: { hide: true, params } },
      async (request, reply) => {
        const message = await messageOf(db, request.params.token, config.secretKey);
        reply.type('text/html; charset=utf-8');
        if (!message)
          return reply
            .code(404)
            .send(page('Link inválido', '<p>Este link de cancelamento não é válido.</p>'));
        return page(
          'Cancelar o recebimento de e-mails',
          `<p>Você não receberá mais e-mails de cobrança de <strong>${escapeHtml(message.creditor)}</strong> neste endereço.</p>
<form method="post"><button type="submit">Confirmar cancelamento</button></form>`,
        );
      },
    );
    scope.post<{ Params: { token: string } }>(
      '/u/:token',
      { schema: { hide: true, params } },
      async (request, reply) => {
        const message = await messageOf(db, request.params.token, config.secretKey);
        reply.type('text/html; charset=utf-8');
        if (!message)
          return reply
            .code(404)
            .send(page('Link inválido', '<p>Este link de cancelamento não é válido.</p>'));
        const debtorScope = scopeFor({
          orgId: message.orgId,
          role: 'admin',
          creditorIds: [],
          userId: null,
          timeZone: message.timeZone,
          actor: 'debtor:unsubscribe-link',
        });
        const [current] = await db.query<{ optedOut: boolean }>(
          `select (channel_preferences -> 'email' ->> 'optedOutAt') is not null as "optedOut" from debtors where org_id = $1 and id = $2`,
          [message.orgId, message.debtorId],
        );
        if (!current?.optedOut) {
          await recordConsent(db, debtorScope, {
            debtorId: message.debtorId,
            channel: 'email',
            event: 'opt_out',
            source: 'email_unsubscribe',
          });
        }
        return page(
          'Recebimento cancelado',
          `<p>Pronto: você não receberá mais e-mails de cobrança de <strong>${escapeHtml(message.creditor)}</strong>. Se mudar de ideia, fale com a empresa.</p>`,
        );
      },
    );
  });
}
