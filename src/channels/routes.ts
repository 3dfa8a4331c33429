import { Type } from '@sinclair/typebox';
import { scopeFor } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { tenantQuery } from '../db/tenant.ts';
import { requireScope } from '../http/auth.ts';
import { rateLimit } from '../http/ratelimit.ts';
import type { App, AppContext } from '../http/types.ts';
import { recordConsent } from '../portfolio/consents.ts';
import { ScoreFactor } from '../scoring/routes.ts';
import { auditExport, csvFilename, EXPORT_PAGE_SIZE, keysetAfter, sendCsv } from '../shared/csvExport.ts';
import { todayIn } from '../shared/dates.ts';
import { notFound } from '../shared/problem.ts';
import { LETTER_COLUMNS } from './csvViews.ts';
import { auditLetterExport, lettersManifest, lettersOf, lettersPdf } from './letters.ts';
import { listProviders, PROVIDERS, setProvider, twilioToken, whatsappSecrets } from './providers.ts';
import { TASK_OUTCOMES, type TaskOutcome } from './schema.ts';
import { smsInbound, smsStatus, validTwilioSignature } from './sms.ts';
import { readUnsubscribeToken } from './unsubscribe.ts';
import { processWebhook, validSignature } from './whatsapp.ts';
import { claimTask, listTasks, recordOutcome, WORKLIST_COLUMNS } from './worklist.ts';

const Timestamp = Type.Unsafe<Date>({ type: 'string', format: 'date-time' });
const Provider = Type.Object({
  channel: Type.String(),
  provider: Type.String(),
  available: Type.Array(Type.String(), {
    description: 'the providers this channel can use, the default first',
  }),
  settings: Type.Record(Type.String(), Type.Unknown()),
  hasSecret: Type.Boolean({ description: 'whether credentials are stored (they are never returned)' }),
  enabled: Type.Boolean(),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.Union([Timestamp, Type.Null()]),
});

const Task = Type.Object({
  id: Type.Integer(),
  messageId: Type.Integer(),
  creditorId: Type.Integer(),
  debtorId: Type.Integer(),
  debtorName: Type.String(),
  phone: Type.Union([Type.String(), Type.Null()]),
  phones: Type.Array(Type.String()),
  script: Type.String(),
  priority: Type.Integer(),
  openCents: Type.Integer(),
  daysLate: Type.Integer(),
  assignedTo: Type.Union([Type.Integer(), Type.Null()]),
  status: Type.String(),
  outcome: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  promiseDate: Type.Union([Type.String(), Type.Null()]),
  promiseCents: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Timestamp,
  doneAt: Type.Union([Timestamp, Type.Null()]),
  doneBy: Type.Union([Type.String(), Type.Null()]),
  probability: Type.Union([Type.Number(), Type.Null()], {
    description: 'probability of payment (src/scoring)',
  }),
  expectedRecoveryCents: Type.Union([Type.Integer(), Type.Null()]),
  factors: Type.Array(ScoreFactor),
  scoreKind: Type.Union([Type.Literal('model'), Type.Literal('rules'), Type.Null()]),
  bucket: Type.String({ description: "the debtor's aging bucket today: the queue's turns" }),
  queueRank: Type.Union([Type.Integer(), Type.Null()], { description: 'position in the open queue' }),
});
const TaskParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });

const LetterQuery = Type.Object({
  date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'the day the letters were sent' }),
  creditorId: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
});

export function channelRoutes(app: App, { db, config }: AppContext) {
  app.get(
    '/api/v1/debtors/:id/replies',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['channels'],
        summary: 'What the debtor sent us (WhatsApp replies), newest first, matched by the debtor’s numbers',
        params: TaskParams,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.Integer(),
                channel: Type.String(),
                fromAddress: Type.String(),
                kind: Type.String(),
                body: Type.Union([Type.String(), Type.Null()]),
                sentAt: Timestamp,
                receivedAt: Timestamp,
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const scope = requireScope(request);
      const items = await tenantQuery<{
        id: number;
        channel: string;
        fromAddress: string;
        kind: string;
        body: string | null;
        sentAt: Date;
        receivedAt: Date;
      }>(
        db,
        scope,
        `select i.id, i.channel, i.from_address as "fromAddress", i.kind, i.body, i.sent_at as "sentAt", i.received_at as "receivedAt"
           from debtors d
           join inbound_messages i on i.org_id = d.org_id
            and i.from_address = any(array(select regexp_replace(p, '\\D', '', 'g')
                                             from unnest(d.phones || coalesce(d.whatsapp, '')) p where p <> ''))
          where d.org_id = $1 and d.id = $2 and ($3::bigint[] is null or d.creditor_id = any($3))
          order by i.sent_at desc limit 200`,
        [scope.orgId, request.params.id, scope.creditorIds],
      );
      return { items };
    },
  );

  app.get(
    '/api/v1/letters',
    {
      config: { permission: 'letters:print' },
      schema: {
        tags: ['letters'],
        summary: 'The letters sent on a day (the print batch): who, where, and which are prior notices',
        querystring: LetterQuery,
        response: {
          200: Type.Object({
            date: Type.String(),
            items: Type.Array(
              Type.Object({
                messageId: Type.Integer(),
                debtorId: Type.Integer(),
                debtorName: Type.String(),
                provider: Type.Union([Type.String(), Type.Null()], {
                  description: 'print, or sandbox (not for printing)',
                }),
                uf: Type.Union([Type.String(), Type.Null()]),
                purpose: Type.String(),
                sentAt: Timestamp,
                city: Type.Union([Type.String(), Type.Null()]),
                cep: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const letters = await lettersOf(db, requireScope(request), request.query);
      return {
        date: request.query.date,
        items: letters.map((l) => ({
          messageId: l.messageId,
          debtorId: l.debtorId,
          debtorName: l.debtor.name,
          provider: l.provider,
          uf: l.debtor.uf,
          purpose: l.purpose,
          sentAt: l.sentAt,
          city: l.debtor.city,
          cep: l.debtor.cep,
        })),
      };
    },
  );

  app.get(
    '/api/v1/letters/export.csv',
    {
      config: { permission: 'letters:print' },
      schema: {
        tags: ['letters'],
        summary: 'The letters sent on a day, as the list shows them, as CSV (recorded in the audit trail)',
        querystring: LetterQuery,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      const letters = await lettersOf(db, scope, request.query);
      return sendCsv(reply, {
        filename: csvFilename('cartas', request.query.date),
        columns: LETTER_COLUMNS,
        timeZone: scope.timeZone,
        rows: letters,
        beforeSend: () =>
          auditLetterExport(db, scope, {
            date: request.query.date,
            count: letters.length,
            format: 'csv-list',
          }),
      });
    },
  );

  app.get(
    '/api/v1/letters/batch.pdf',
    {
      config: { permission: 'letters:print' },
      schema: {
        tags: ['letters'],
        summary: 'The day’s letters as one PDF to print (recorded in the audit trail)',
        querystring: LetterQuery,
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      const letters = await lettersOf(db, scope, request.query);
      await auditLetterExport(db, scope, { date: request.query.date, count: letters.length, format: 'pdf' });
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="cartas-${request.query.date}.pdf"`)
        .send(lettersPdf(letters, scope.timeZone));
    },
  );

  app.get(
    '/api/v1/letters/batch.csv',
    {
      config: { permission: 'letters:print' },
      schema: {
        tags: ['letters'],
        summary: 'The day’s mailing manifest (CSV, ; separated), for the post office',
        querystring: LetterQuery,
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      const letters = await lettersOf(db, scope, request.query);
      await auditLetterExport(db, scope, { date: request.query.date, count: letters.length, format: 'csv' });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="postagem-${request.query.date}.csv"`)
        .send(lettersManifest(letters));
    },
  );

  app.get(
    '/api/v1/messages/:id/letter.pdf',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['letters'],
        summary: 'One sent letter as PDF, as it was printed (the evidence of a notice)',
        params: TaskParams,
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      const letters = await lettersOf(db, scope, { messageId: request.params.id });
      if (letters.length === 0) throw notFound(`letter ${request.params.id}`);
      await auditLetterExport(db, scope, { messageId: request.params.id, count: 1, format: 'pdf' });
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="carta-${request.params.id}.pdf"`)
        .send(lettersPdf(letters, scope.timeZone));
    },
  );

  app.get(
    '/api/v1/worklist',
    {
      config: { permission: 'tasks:work' },
      schema: {
        tags: ['worklist'],
        summary:
          'The collectors’ worklist: open calls by expected recovery, aging buckets taking weighted turns (or done ones, newest first)',
        querystring: Type.Object({
          status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('done')])),
          assigned: Type.Optional(
            Type.Union([Type.Literal('me'), Type.Literal('unassigned'), Type.Literal('all')]),
          ),
          creditorId: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
          debtorId: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
          after: Type.Optional(
            Type.String({
              pattern: '^\\d{1,18}:\\d{1,15}$',
              description: 'keyset QUEUE_RANK:ID of the last open call shown',
            }),
          ),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(Task) }) },
      },
    },
    async (request) => {
      const q = request.query;
      const [rank] = (q.after ?? '').split(':').map(Number);
      return {
        items: await listTasks(db, requireScope(request), {
          status: q.status ?? 'open',
          assigned: q.assigned ?? 'all',
          creditorId: q.creditorId,
          debtorId: q.debtorId,
          after: q.after && rank !== undefined ? { rank } : undefined,
          limit: q.limit ?? 50,
        }),
      };
    },
  );

  app.get(
    '/api/v1/worklist/export.csv',
    {
      config: { permission: 'tasks:work' },
      schema: {
        tags: ['worklist'],
        summary:
          'The worklist as CSV, in queue order, with probability, expected value and factors (streamed; audited)',
        querystring: Type.Object({
          status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('done')])),
          assigned: Type.Optional(
            Type.Union([Type.Literal('me'), Type.Literal('unassigned'), Type.Literal('all')]),
          ),
          creditorId: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
        }),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      const q = request.query;
      const filter = {
        status: q.status ?? 'open',
        assigned: q.assigned ?? 'all',
        creditorId: q.creditorId,
      } as const;
      return sendCsv(reply, {
        filename: csvFilename('fila-de-ligacoes', todayIn(scope.timeZone)),
        columns: WORKLIST_COLUMNS,
        timeZone: scope.timeZone,
        // Open calls page by queue rank; done ones are the most recent, as the page shows them.
        rows:
          filter.status === 'open'
            ? keysetAfter(
                (after: { rank: number } | undefined, limit) =>
                  listTasks(db, scope, { ...filter, after, limit }),
                (last) => ({ rank: last.queueRank ?? 0 }),
              )
            : await listTasks(db, scope, { ...filter, limit: EXPORT_PAGE_SIZE }),
        beforeSend: () => auditExport(db, scope, { view: 'worklist', filters: q }),
      });
    },
  );

  app.post(
    '/api/v1/tasks/:id/claim',
    {
      config: { permission: 'tasks:work' },
      schema: {
        tags: ['worklist'],
        summary: 'Take an open call for yourself (release: true gives it back)',
        params: TaskParams,
        body: Type.Optional(Type.Object({ release: Type.Optional(Type.Boolean()) })),
        response: { 200: Task },
      },
    },
    async (request) =>
      claimTask(db, requireScope(request), request.params.id, request.body?.release ?? false),
  );

  app.post(
    '/api/v1/tasks/:id/outcome',
    {
      config: { permission: 'tasks:work' },
      schema: {
        tags: ['worklist'],
        summary:
          'Record how a call went: a promise holds the cadence until its date, a dispute holds it, a wrong number is removed',
        params: TaskParams,
        body: Type.Object({
          outcome: Type.Unsafe<TaskOutcome>({ type: 'string', enum: [...TASK_OUTCOMES] }),
          note: Type.Optional(Type.String({ maxLength: 1000 })),
          promiseDate: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
          promiseCents: Type.Optional(Type.Integer({ minimum: 1, maximum: 1e12 })),
        }),
        response: { 200: Task },
      },
    },
    async (request) =>
      recordOutcome(db, requireScope(request), request.params.id, {
        ...request.body,
        outcome: request.body.outcome as TaskOutcome,
      }),
  );

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
          secrets: Type.Optional(
            Type.Union(
              [Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 1000 })), Type.Null()],
              {
                description: 'other credentials by name, e.g. WhatsApp accessToken, appSecret, verifyToken',
              },
            ),
          ),
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
        secrets: request.body.secrets,
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
  // Webhook secrets, cached for a minute per organization so a burst of callbacks does not decrypt
  // the same credentials each time.
  const secretsCache = new Map<
    number,
    { value: Awaited<ReturnType<typeof whatsappSecrets>>; until: number }
  >();
  const cachedWhatsappSecrets = async (orgId: number) => {
    const hit = secretsCache.get(orgId);
    if (hit && hit.until > Date.now()) return hit.value;
    const value = await whatsappSecrets(db, orgId, config.secretKey);
    secretsCache.set(orgId, { value, until: Date.now() + 60_000 });
    return value;
  };
  // The WhatsApp Business Platform webhook, one address per organization. GET answers Meta's
  // verification handshake; POST must carry X-Hub-Signature-256 over the raw body, is size-limited,
  // and is idempotent (statuses only move forward, messages are stored once by id), so a replay adds
  // nothing.
  app.register(async (hooks) => {
    hooks.addHook(
      'onRequest',
      rateLimit({ limit: config.webhookRatePerMinute, windowMs: 60_000, name: 'the WhatsApp webhook' }),
    );
    hooks.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: 256 * 1024 },
      (_request, body, done) => done(null, body),
    );
    const params = Type.Object({ orgId: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });
    hooks.get<{ Params: { orgId: number }; Querystring: Record<string, string> }>(
      '/webhooks/whatsapp/:orgId',
      { schema: { hide: true, params } },
      async (request, reply) => {
        const secrets = await whatsappSecrets(db, request.params.orgId, config.secretKey);
        const q = request.query;
        if (!secrets || q['hub.mode'] !== 'subscribe' || q['hub.verify_token'] !== secrets.verifyToken)
          return reply.code(403).type('text/plain').send('verification failed');
        return reply.type('text/plain').send(q['hub.challenge'] ?? '');
      },
    );
    hooks.post<{ Params: { orgId: number }; Body: Buffer }>(
      '/webhooks/whatsapp/:orgId',
      { schema: { hide: true, params } },
      async (request, reply) => {
        const secrets = await cachedWhatsappSecrets(request.params.orgId);
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const signature = request.headers['x-hub-signature-256'];
        if (
          !secrets ||
          !validSignature(secrets.appSecret, raw, typeof signature === 'string' ? signature : undefined)
        ) {
          request.log.warn({ orgId: request.params.orgId }, 'WhatsApp webhook with a bad signature refused');
          return reply.code(401).type('text/plain').send('bad signature');
        }
        let payload: unknown;
        try {
          payload = JSON.parse(raw.toString('utf8'));
        } catch {
          return reply.code(400).type('text/plain').send('malformed JSON');
        }
        try {
          const result = await processWebhook(db, request.params.orgId, payload);
          return reply.send(result);
        } catch (error) {
          if (error instanceof Error && error.message.startsWith('not a WhatsApp webhook'))
            return reply.code(400).type('text/plain').send(error.message);
          throw error;
        }
      },
    );
  });

  // Twilio's SMS webhooks (delivery receipts and incoming messages), form-encoded and signed with
  // X-Twilio-Signature over the public URL and the parameters.
  app.register(async (hooks) => {
    hooks.addHook(
      'onRequest',
      rateLimit({ limit: config.webhookRatePerMinute, windowMs: 60_000, name: 'the SMS webhooks' }),
    );
    hooks.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 64 * 1024 },
      (_r, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    const params = Type.Object({
      orgId: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
      kind: Type.Union([Type.Literal('status'), Type.Literal('inbound')]),
    });
    hooks.post<{ Params: { orgId: number; kind: 'status' | 'inbound' }; Body: Record<string, string> }>(
      '/webhooks/sms/:orgId/:kind',
      { schema: { hide: true, params } },
      async (request, reply) => {
        const token = await twilioToken(db, request.params.orgId, config.secretKey);
        const body = request.body && typeof request.body === 'object' ? request.body : {};
        const signature = request.headers['x-twilio-signature'];
        if (
          !token ||
          !validTwilioSignature(
            token,
            `${config.publicUrl}${request.url}`,
            body,
            typeof signature === 'string' ? signature : undefined,
          )
        ) {
          request.log.warn({ orgId: request.params.orgId }, 'SMS webhook with a bad signature refused');
          return reply.code(403).type('text/plain').send('bad signature');
        }
        if (request.params.kind === 'status') await smsStatus(db, request.params.orgId, body);
        else await smsInbound(db, request.params.orgId, body);
        return reply.type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
      },
    );
  });

  app.register(async (scope) => {
    scope.addHook('onRequest', rateLimit({ limit: 30, windowMs: 60_000, name: 'unsubscribe links' }));
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
