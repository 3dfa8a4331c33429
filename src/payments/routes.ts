import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { requireScope } from '../http/auth.ts';
import { rateLimit } from '../http/ratelimit.ts';
import type { App, AppContext } from '../http/types.ts';
import { auditExport, csvFilename, EXPORT_BATCH_SIZE, keysetAfter, sendCsv } from '../shared/csvExport.ts';
import { isCalendarDate, todayIn } from '../shared/dates.ts';
import { badRequest, Problem } from '../shared/problem.ts';
import { PAYMENT_COLUMNS } from './csvViews.ts';
import { importPaymentFile, listPayments } from './intake.ts';
import { debtorOffers, getPolicy, setPolicy } from './negotiation.ts';
import type { NegotiationPolicy } from './offers.ts';
import { pixWebhookToken, receivePixWebhook, validPixWebhookToken } from './pixWebhook.ts';
import { confirmPayment, paymentCandidates, rejectPayment } from './reconciliation.ts';
import { type CollectionTerms, debtorCharges, getTerms, setTerms } from './terms.ts';

const MAX_BYTES = 50 * 1024 * 1024;

/** The request body as bytes, from a stream or a parsed body, refusing files over 50 MiB. */
async function readBody(body: unknown): Promise<Buffer> {
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Readable) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += buffer.length;
      if (size > MAX_BYTES)
        throw new Problem(413, 'Payload too large', 'payment files are limited to 50 MiB');
      chunks.push(buffer);
    }
    return Buffer.concat(chunks);
  }
  throw badRequest('send the payment file as the request body (application/octet-stream or text/plain)');
}

const Note = Type.Object({ line: Type.Integer(), reason: Type.String() });
const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

const Terms = Type.Object({
  multaPercent: Type.String({
    maxLength: 10,
    description: 'percent of the principal, e.g. 2 (consumers are capped at 2%)',
  }),
  jurosMonthlyPercent: Type.Union([Type.String({ maxLength: 10 }), Type.Null()], {
    description: 'percent per month, pro rata die; null = the taxa legal (Selic minus IPCA)',
  }),
  correction: Type.Union([Type.Literal('none'), Type.Literal('ipca')]),
  multaCapPercentForCompanies: Type.String({ maxLength: 10 }),
  pixKey: Type.Union([Type.String({ maxLength: 100 }), Type.Null()]),
  pixMerchantName: Type.Union([Type.String({ maxLength: 100 }), Type.Null()]),
  pixCity: Type.Union([Type.String({ maxLength: 60 }), Type.Null()]),
});

export function paymentRoutes(app: App, { db, config }: AppContext) {
  app.get(
    '/api/v1/pix/webhook',
    {
      config: { permission: 'providers:manage' },
      schema: {
        tags: ['payments'],
        summary: 'The Pix webhook address to register at the PSP (it appends /pix); keep it secret',
        response: { 200: Type.Object({ url: Type.String() }) },
      },
    },
    async (request) => {
      const scope = requireScope(request);
      if (!config.secretKey) throw badRequest('set REGUA_SECRET_KEY to receive Pix notifications');
      return {
        url: `${config.publicUrl}/webhooks/pix/${scope.orgId}/${pixWebhookToken(config.secretKey, scope.orgId)}`,
      };
    },
  );

  app.get(
    '/api/v1/creditors/:id/terms',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['payments'],
        summary: 'The creditor’s collection terms: multa, juros, correction, Pix key',
        params: Type.Object({ id: Id }),
        response: { 200: Terms },
      },
    },
    async (request) => getTerms(db, requireScope(request), request.params.id),
  );

  app.put(
    '/api/v1/creditors/:id/terms',
    {
      config: { permission: 'portfolio:write' },
      schema: {
        tags: ['payments'],
        summary: 'Set the creditor’s collection terms (audited)',
        params: Type.Object({ id: Id }),
        body: Terms,
        response: { 200: Terms },
      },
    },
    async (request) =>
      setTerms(db, requireScope(request), request.params.id, request.body as CollectionTerms),
  );

  const Policy = Type.Object({
    discountByDaysLate: Type.Array(
      Type.Object({
        maxDaysLate: Type.Integer({ minimum: 0, maximum: 100_000 }),
        maxDiscountPercent: Type.String({ maxLength: 10 }),
        appliesTo: Type.Union([Type.Literal('charges'), Type.Literal('total')]),
      }),
      { maxItems: 20 },
    ),
    maxInstallments: Type.Integer({ minimum: 1, maximum: 120 }),
    minInstallmentCents: Type.Integer({ minimum: 1, maximum: 1e12 }),
    downPaymentPercent: Type.String({ maxLength: 10 }),
    installmentMonthlyRatePercent: Type.String({ maxLength: 10 }),
    installmentOptions: Type.Array(Type.Integer({ minimum: 2, maximum: 120 }), { maxItems: 3 }),
    firstDueInDays: Type.Integer({ minimum: 0, maximum: 365 }),
    breakToleranceDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 90 })),
  });
  app.get(
    '/api/v1/creditors/:id/negotiation-policy',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['payments'],
        summary: 'The creditor’s negotiation policy (the default until one is set)',
        params: Type.Object({ id: Id }),
        response: { 200: Policy },
      },
    },
    async (request) => getPolicy(db, requireScope(request), request.params.id),
  );
  app.put(
    '/api/v1/creditors/:id/negotiation-policy',
    {
      config: { permission: 'portfolio:write' },
      schema: {
        tags: ['payments'],
        summary: 'Set the creditor’s negotiation policy (audited; refused with every problem when unsound)',
        params: Type.Object({ id: Id }),
        body: Policy,
        response: { 200: Policy },
      },
    },
    async (request) =>
      setPolicy(db, requireScope(request), request.params.id, request.body as NegotiationPolicy),
  );
  app.get(
    '/api/v1/debtors/:id/offers',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['payments'],
        summary:
          'Offers within the creditor’s policy for what the debtor owes: pay now with a discount, or in installments, each explained',
        params: Type.Object({ id: Id }),
        querystring: Type.Object({
          asOf: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
          receivableIds: Type.Optional(
            Type.String({
              pattern: '^\\d+(,\\d+)*$',
              maxLength: 2000,
              description: 'comma-separated; all open when absent',
            }),
          ),
        }),
        response: {
          200: Type.Object({
            asOf: Type.String(),
            totalCents: Type.Integer(),
            offers: Type.Array(
              Type.Object({
                key: Type.String(),
                kind: Type.String(),
                totalCents: Type.Integer(),
                discountCents: Type.Integer(),
                downPaymentCents: Type.Integer(),
                downPaymentDueDate: Type.Union([Type.String(), Type.Null()]),
                installments: Type.Array(
                  Type.Object({
                    number: Type.Integer(),
                    dueDate: Type.String(),
                    amountCents: Type.Integer(),
                  }),
                ),
                monthlyRatePercent: Type.String(),
                explanation: Type.Array(Type.String()),
              }),
            ),
            error: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (request) => {
      const asOf = request.query.asOf;
      if (asOf !== undefined && !isCalendarDate(asOf))
        throw badRequest(`${asOf} is not a valid date (YYYY-MM-DD)`);
      const receivableIds = request.query.receivableIds?.split(',').map(Number);
      return debtorOffers(db, requireScope(request), request.params.id, asOf, { receivableIds });
    },
  );

  app.get(
    '/api/v1/debtors/:id/charges',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['payments'],
        summary:
          'What the debtor owes as of a date, each receivable’s principal, correction, multa and juros explained, and the Pix to pay it',
        params: Type.Object({ id: Id }),
        querystring: Type.Object({ asOf: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })) }),
        response: {
          200: Type.Object({
            asOf: Type.String(),
            totalCents: Type.Integer(),
            receivables: Type.Array(
              Type.Object({
                receivableId: Id,
                externalId: Type.String(),
                dueDate: Type.String(),
                openCents: Type.Integer(),
                totalCents: Type.Integer(),
                components: Type.Array(
                  Type.Object({ kind: Type.String(), cents: Type.Integer(), explanation: Type.String() }),
                ),
              }),
            ),
            pix: Type.Union([Type.Object({ copiaECola: Type.String(), qrSvg: Type.String() }), Type.Null()]),
            error: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (request) => {
      const asOf = request.query.asOf;
      if (asOf !== undefined && !isCalendarDate(asOf))
        throw badRequest(`${asOf} is not a valid date (YYYY-MM-DD)`);
      return debtorCharges(db, requireScope(request), request.params.id, asOf);
    },
  );

  app.register(async (scope) => {
    // A payment file is sent as its raw bytes; the format is read from the content.
    // text/plain and application/octet-stream arrive as a stream (the imports' parser); OFX types too.
    scope.addContentTypeParser(['application/x-ofx', 'application/vnd.intu.qfx'], (_request, payload, done) =>
      done(null, payload),
    );
    const typed = scope as App;
    typed.post(
      '/api/v1/payments/import',
      {
        config: { permission: 'payments:import' },
        schema: {
          tags: ['payments'],
          summary:
            'Take in a bank return file (CNAB 240/400 retorno) or a statement (OFX) sent as the raw bytes: each payment once, allocated',
          querystring: Type.Object({ filename: Type.Optional(Type.String({ maxLength: 200 })) }),
          response: {
            200: Type.Object({
              fileId: Id,
              format: Type.String(),
              seenBefore: Type.Boolean(),
              payments: Type.Integer(),
              duplicates: Type.Integer(),
              allocated: Type.Integer(),
              partiallyAllocated: Type.Integer(),
              unallocated: Type.Integer(),
              allocatedCents: Type.Integer(),
              chargesCents: Type.Integer({
                description: 'multa, juros and correction paid with the principal',
              }),
              creditCents: Type.Integer(),
              ignored: Type.Array(Note),
              errors: Type.Array(Note),
            }),
          },
        },
      },
      async (request) => {
        const bytes = await readBody(request.body);
        return importPaymentFile(db, requireScope(request), {
          filename: request.query.filename ?? 'pagamentos',
          bytes,
        });
      },
    );
  });

  app.get(
    '/api/v1/payments',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['payments'],
        summary:
          'Payments taken in, newest first, with how each was matched and what it paid (status=unallocated: to reconcile)',
        querystring: Type.Object({
          status: Type.Optional(Type.String({ maxLength: 30 })),
          debtorId: Type.Optional(Id),
          before: Type.Optional(Id),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Id,
                source: Type.String(),
                amountCents: Type.Integer(),
                paidOn: Type.String(),
                payerName: Type.Union([Type.String(), Type.Null()]),
                payerDocument: Type.Union([Type.String(), Type.Null()]),
                reference: Type.Union([Type.String(), Type.Null()]),
                status: Type.String(),
                creditCents: Type.Integer(),
                matchedBy: Type.Union([Type.String(), Type.Null()]),
                debtorId: Type.Union([Id, Type.Null()]),
                debtorName: Type.Union([Type.String(), Type.Null()]),
                allocations: Type.Array(
                  Type.Object({ receivableId: Id, externalId: Type.String(), cents: Type.Integer() }),
                ),
                createdAt: Type.Unsafe<Date>({ type: 'string', format: 'date-time' }),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({
      items: await listPayments(db, requireScope(request), {
        ...request.query,
        limit: request.query.limit ?? 50,
      }),
    }),
  );

  app.get(
    '/api/v1/payments/export.csv',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['payments'],
        summary:
          'Every payment the list gives with these filters (status=unallocated: the reconciliation queue), as CSV (streamed; audited)',
        querystring: Type.Object({
          status: Type.Optional(Type.String({ maxLength: 30 })),
          debtorId: Type.Optional(Id),
        }),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      const q = request.query;
      return sendCsv(reply, {
        filename: csvFilename(
          q.status === 'unallocated' ? 'pagamentos-para-conciliar' : 'pagamentos',
          todayIn(scope.timeZone),
        ),
        columns: PAYMENT_COLUMNS,
        timeZone: scope.timeZone,
        rows: keysetAfter(
          (before: number | undefined, limit) => listPayments(db, scope, { ...q, before, limit }),
          (last) => last.id,
          EXPORT_BATCH_SIZE,
        ),
        beforeSend: () => auditExport(db, scope, { view: 'payments', filters: q }),
      });
    },
  );

  app.get(
    '/api/v1/payments/:id/candidates',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['payments'],
        summary:
          'Who a payment may be from: the best candidates with their confidence and reasons, and the decision (auto, suggest, none)',
        params: Type.Object({ id: Id }),
        response: {
          200: Type.Object({
            paymentId: Id,
            decision: Type.String(),
            candidates: Type.Array(
              Type.Object({
                debtorId: Id,
                debtorName: Type.String(),
                debtorDocument: Type.String(),
                confidence: Type.Number(),
                reasons: Type.Array(Type.String()),
                receivableIds: Type.Array(Id),
                receivables: Type.Array(
                  Type.Object({
                    id: Id,
                    externalId: Type.String(),
                    documentNumber: Type.Union([Type.String(), Type.Null()]),
                    dueDate: Type.String(),
                    openCents: Type.Integer(),
                    updatedCents: Type.Union([Type.Integer(), Type.Null()]),
                  }),
                ),
              }),
            ),
          }),
        },
      },
    },
    async (request) => paymentCandidates(db, requireScope(request), request.params.id),
  );

  const Decision = Type.Object({
    paymentId: Id,
    status: Type.String(),
    matchedBy: Type.String(),
    allocatedCents: Type.Optional(Type.Integer()),
    chargesCents: Type.Optional(Type.Integer()),
    creditCents: Type.Optional(Type.Integer()),
    receivableIds: Type.Optional(Type.Array(Id)),
  });
  app.post(
    '/api/v1/payments/:id/confirm',
    {
      config: { permission: 'payments:reconcile' },
      schema: {
        tags: ['payments'],
        summary: 'A person allocates a waiting payment to a debtor (409 when it is no longer waiting)',
        params: Type.Object({ id: Id }),
        body: Type.Object({
          debtorId: Id,
          receivableId: Type.Optional(Type.Union([Id, Type.Null()])),
          receivableIds: Type.Optional(
            Type.Array(Id, { maxItems: 50, description: 'several receivables paid together, paid first' }),
          ),
          note: Type.Optional(Type.String({ maxLength: 500 })),
        }),
        response: { 200: Decision },
      },
    },
    async (request) => confirmPayment(db, requireScope(request), request.params.id, request.body),
  );

  app.post(
    '/api/v1/payments/:id/reject',
    {
      config: { permission: 'payments:reconcile' },
      schema: {
        tags: ['payments'],
        summary: 'A person decides a waiting payment is not a debtor’s (a bank fee, a transfer), saying why',
        params: Type.Object({ id: Id }),
        body: Type.Object({ reason: Type.String({ minLength: 3, maxLength: 500 }) }),
        response: { 200: Decision },
      },
    },
    async (request) => rejectPayment(db, requireScope(request), request.params.id, request.body.reason),
  );
}

/**
 * The Pix webhook of the API Pix contract: the PSP POSTs `{"pix": [...]}` to `{url}/pix`, here
 * `/webhooks/pix/{organizationId}/{token}/pix`. Idempotent by endToEndId; size-limited; the token is
 * secret and the proxy enforces the PSP's mutual TLS.
 */
export function publicPaymentRoutes(app: App, { db, config }: AppContext) {
  app.register(async (hooks) => {
    hooks.addHook(
      'onRequest',
      rateLimit({ limit: config.webhookRatePerMinute, windowMs: 60_000, name: 'the Pix webhook' }),
    );
    const params = Type.Object({ orgId: Id, token: Type.String({ maxLength: 64 }) });
    hooks.post<{ Params: { orgId: number; token: string }; Body: unknown }>(
      '/webhooks/pix/:orgId/:token/pix',
      { schema: { hide: true, params }, bodyLimit: 256 * 1024 },
      async (request, reply) => {
        if (!validPixWebhookToken(config.secretKey, request.params.orgId, request.params.token))
          return reply.code(403).type('text/plain').send('unknown webhook');
        const [org] = await db.query<{ timeZone: string }>(
          'select time_zone as "timeZone" from organizations where id = $1',
          [request.params.orgId],
        );
        if (!org) return reply.code(403).type('text/plain').send('unknown webhook');
        try {
          const result = await receivePixWebhook(db, request.params.orgId, org.timeZone, request.body);
          return reply.send({
            received: result.outcomes.filter((o) => !o.duplicate).length,
            duplicates: result.outcomes.filter((o) => o.duplicate).length,
            rejected: result.rejected,
          });
        } catch (error) {
          if (error instanceof Error && error.message.startsWith('not a Pix webhook'))
            return reply.code(400).type('text/plain').send(error.message);
          throw error;
        }
      },
    );
  });
}
