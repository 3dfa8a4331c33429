import { Type } from '@sinclair/typebox';
import { requireScope } from '../http/auth.ts';
import type { App, AppContext } from '../http/types.ts';
import { todayIn } from '../shared/dates.ts';
import {
  acceptOffer,
  cancelAgreement,
  getAgreement,
  installmentBoleto,
  listAgreements,
} from './agreements.ts';
import { boletoPdf } from './boletoPdf.ts';
import { listRecovered } from './recovery.ts';

const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const AgreementSchema = Type.Object({
  id: Id,
  creditorId: Id,
  debtorId: Id,
  status: Type.String(),
  offerKey: Type.String(),
  asOf: Type.String(),
  updatedCents: Type.Integer(),
  discountCents: Type.Integer(),
  totalCents: Type.Integer(),
  paidCents: Type.Integer(),
  toleranceDays: Type.Integer(),
  explanation: Type.Array(Type.String()),
  createdBy: Type.String(),
  createdAt: Type.Unsafe<Date>({ type: 'string', format: 'date-time' }),
  endedAt: Type.Union([Type.Unsafe<Date>({ type: 'string', format: 'date-time' }), Type.Null()]),
  endReason: Nullable(Type.String()),
  originals: Type.Array(
    Type.Object({
      receivableId: Id,
      externalId: Type.String(),
      openCentsBefore: Type.Integer(),
      updatedCents: Type.Integer(),
      returnedCents: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
  installments: Type.Array(
    Type.Object({
      number: Type.Integer(),
      receivableId: Id,
      dueDate: Type.String(),
      amountCents: Type.Integer(),
      openCents: Type.Integer(),
      status: Type.String(),
      pixCopiaECola: Nullable(Type.String()),
      nossoNumero: Nullable(Type.String()),
      boletoLine: Nullable(Type.String()),
    }),
  ),
});

export const AcceptBody = Type.Object({
  offerKey: Type.String({ pattern: '^(avista|parcelado-\\d{1,3})$' }),
  receivableIds: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 500 })),
  expectedTotalCents: Type.Optional(Type.Integer({ minimum: 1 })),
  requestKey: Type.Optional(Type.String({ minLength: 8, maxLength: 100 })),
});

export function agreementRoutes(app: App, { db }: AppContext) {
  app.get(
    '/api/v1/debtors/:id/agreements',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['agreements'],
        summary: 'The debtor’s agreements (acordos), newest first, with their payments and what was paid',
        params: Type.Object({ id: Id }),
        response: { 200: Type.Object({ items: Type.Array(AgreementSchema) }) },
      },
    },
    async (request) => ({ items: await listAgreements(db, requireScope(request), request.params.id) }),
  );

  app.post(
    '/api/v1/debtors/:id/agreements',
    {
      config: { permission: 'agreements:write' },
      schema: {
        tags: ['agreements'],
        summary:
          'Accepts an offer: an agreement whose payments are receivables with their own Pix and boleto; the originals wait in agreement (409 when the offer changed)',
        params: Type.Object({ id: Id }),
        body: AcceptBody,
        response: { 201: AgreementSchema },
      },
    },
    async (request, reply) => {
      const agreement = await acceptOffer(db, requireScope(request), {
        debtorId: request.params.id,
        ...request.body,
      });
      return reply.code(201).send(agreement);
    },
  );

  app.get(
    '/api/v1/agreements/:id',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['agreements'],
        summary: 'One agreement with its originals and payments',
        params: Type.Object({ id: Id }),
        response: { 200: AgreementSchema },
      },
    },
    async (request) => getAgreement(db, requireScope(request), request.params.id),
  );

  app.post(
    '/api/v1/agreements/:id/cancel',
    {
      config: { permission: 'agreements:cancel' },
      schema: {
        tags: ['agreements'],
        summary:
          'Cancels an active agreement: payments not made are cancelled, the originals come back net of what was paid',
        params: Type.Object({ id: Id }),
        body: Type.Object({ reason: Type.String({ minLength: 3, maxLength: 500 }) }),
        response: { 200: AgreementSchema },
      },
    },
    async (request) => cancelAgreement(db, requireScope(request), request.params.id, request.body.reason),
  );

  app.get(
    '/api/v1/agreements/:id/installments/:number/boleto.pdf',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['agreements'],
        summary: 'The boleto of one of the agreement’s payments, as PDF',
        params: Type.Object({ id: Id, number: Type.Integer({ minimum: 1, maximum: 200 }) }),
      },
    },
    async (request, reply) => {
      const data = await installmentBoleto(
        db,
        requireScope(request),
        request.params.id,
        request.params.number,
      );
      return reply
        .type('application/pdf')
        .header(
          'content-disposition',
          `inline; filename="boleto-acordo-${request.params.id}-${request.params.number}.pdf"`,
        )
        .send(boletoPdf(data));
    },
  );

  app.get(
    '/api/v1/recovered',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['agreements'],
        summary:
          'Recovered customers to follow for 90 days after they paid everything or completed an agreement',
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Id,
                debtorId: Id,
                debtorName: Type.String(),
                creditorName: Type.String(),
                recoveredOn: Type.String(),
                followUntil: Type.String(),
                reason: Type.String(),
                recoveredCents: Type.Integer(),
                owesAgain: Type.Boolean(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const scope = requireScope(request);
      return { items: await listRecovered(db, scope, todayIn(scope.timeZone)) };
    },
  );
}
