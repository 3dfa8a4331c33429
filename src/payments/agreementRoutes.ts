import { Type } from '@sinclair/typebox';
import { requireScope } from '../http/auth.ts';
import type { App, AppContext } from '../http/types.ts';
import { auditExport, csvFilename, keysetAfter, sendCsv } from '../shared/csvExport.ts';
import { todayIn } from '../shared/dates.ts';
import {
  acceptOffer,
  cancelAgreement,
  getAgreement,
  installmentBoleto,
  listAgreements,
} from './agreements.ts';
import { boletoPdf } from './boletoPdf.ts';
import { generateRemessa, listRemessas, remessaFile } from './boletoRegistration.ts';
import { getCollectionAccount, setCollectionAccount } from './collectionAccount.ts';
import { RECOVERED_COLUMNS, REMESSA_COLUMNS } from './csvViews.ts';
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

export function agreementRoutes(app: App, { db, config }: AppContext) {
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
      const agreement = await acceptOffer(
        db,
        requireScope(request),
        { debtorId: request.params.id, ...request.body },
        { secretKey: config.secretKey },
      );
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
    async (request) =>
      cancelAgreement(db, requireScope(request), request.params.id, request.body.reason, {
        secretKey: config.secretKey,
      }),
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

  const Account = Type.Object({
    boleto: Type.Union([
      Type.Object({
        agency: Type.String({ maxLength: 10, description: 'e.g. 1234-5' }),
        account: Type.String({ maxLength: 20, description: 'e.g. 12345-6' }),
        convenio: Type.String({ maxLength: 7, description: 'Banco do Brasil, 7 digits' }),
        carteira: Type.String({ maxLength: 2 }),
      }),
      Type.Null(),
    ]),
    psp: Type.Union([
      Type.Object({
        url: Type.String({ maxLength: 300 }),
        clientId: Type.String({ maxLength: 200 }),
        hasSecret: Type.Boolean(),
      }),
      Type.Null(),
    ]),
  });
  app.get(
    '/api/v1/creditors/:id/collection-account',
    {
      config: { permission: 'providers:manage' },
      schema: {
        tags: ['agreements'],
        summary: 'The creditor’s boleto convênio and Pix PSP (the PSP secret is never returned)',
        params: Type.Object({ id: Id }),
        response: { 200: Account },
      },
    },
    async (request) => getCollectionAccount(db, requireScope(request), request.params.id),
  );
  app.put(
    '/api/v1/creditors/:id/collection-account',
    {
      config: { permission: 'providers:manage' },
      schema: {
        tags: ['agreements'],
        summary:
          'Sets the boleto convênio (Banco do Brasil) and the Pix PSP (API Pix: OAuth client; the secret is encrypted; omit it to keep the stored one)',
        params: Type.Object({ id: Id }),
        body: Type.Object({
          boleto: Type.Union([
            Type.Object({
              agency: Type.String({ maxLength: 10 }),
              account: Type.String({ maxLength: 20 }),
              convenio: Type.String({ maxLength: 10 }),
              carteira: Type.String({ maxLength: 3 }),
            }),
            Type.Null(),
          ]),
          psp: Type.Union([
            Type.Object({
              url: Type.String({ maxLength: 300 }),
              clientId: Type.String({ maxLength: 200 }),
              clientSecret: Type.Optional(Type.String({ maxLength: 500 })),
            }),
            Type.Null(),
          ]),
        }),
        response: { 200: Account },
      },
    },
    async (request) =>
      setCollectionAccount(db, requireScope(request), request.params.id, request.body, config.secretKey),
  );

  const Remessa = Type.Object({
    id: Id,
    nsa: Type.Integer(),
    filename: Type.String(),
    titles: Type.Integer(),
    totalCents: Type.Integer(),
    createdBy: Type.String(),
    createdAt: Type.Unsafe<Date>({ type: 'string', format: 'date-time' }),
  });
  app.get(
    '/api/v1/creditors/:id/remessas',
    {
      config: { permission: 'payments:import' },
      schema: {
        tags: ['agreements'],
        summary: 'The CNAB 240 remessa files generated for the creditor, newest first',
        params: Type.Object({ id: Id }),
        response: { 200: Type.Object({ items: Type.Array(Remessa) }) },
      },
    },
    async (request) => ({ items: await listRemessas(db, requireScope(request), request.params.id) }),
  );
  app.get(
    '/api/v1/creditors/:id/remessas/export.csv',
    {
      config: { permission: 'payments:import' },
      schema: {
        tags: ['agreements'],
        summary: 'Every CNAB 240 remessa file generated for the creditor, newest first, as CSV',
        params: Type.Object({ id: Id }),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      const creditorId = request.params.id;
      return sendCsv(reply, {
        filename: csvFilename(`remessas-credor-${creditorId}`, todayIn(scope.timeZone)),
        columns: REMESSA_COLUMNS,
        timeZone: scope.timeZone,
        rows: keysetAfter(
          (before: number | undefined, limit) => listRemessas(db, scope, creditorId, { before, limit }),
          (last) => last.id,
        ),
      });
    },
  );
  app.post(
    '/api/v1/creditors/:id/remessas',
    {
      config: { permission: 'payments:import' },
      schema: {
        tags: ['agreements'],
        summary:
          'Generates the next CNAB 240 remessa: registers the new boletos (movement 01) and writes off the cancelled ones (02); titles the bank would refuse are listed',
        params: Type.Object({ id: Id }),
        response: {
          201: Type.Intersect([
            Remessa,
            Type.Object({
              registered: Type.Integer(),
              writtenOff: Type.Integer(),
              refused: Type.Array(
                Type.Object({ seuNumero: Type.String(), problems: Type.Array(Type.String()) }),
              ),
            }),
          ]),
        },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await generateRemessa(db, requireScope(request), request.params.id)),
  );
  app.get(
    '/api/v1/remessas/:id/file',
    {
      config: { permission: 'payments:import' },
      schema: {
        tags: ['agreements'],
        summary:
          'The remessa file to send to the bank (CRLF lines of 240 characters; the download is audited)',
        params: Type.Object({ id: Id }),
      },
    },
    async (request, reply) => {
      const file = await remessaFile(db, requireScope(request), request.params.id);
      return reply
        .type('text/plain; charset=us-ascii')
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .send(file.content);
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

  app.get(
    '/api/v1/recovered/export.csv',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['agreements'],
        summary:
          'Every recovered customer still followed (90 days), newest first, as CSV (streamed; audited)',
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      const today = todayIn(scope.timeZone);
      return sendCsv(reply, {
        filename: csvFilename('recuperados', today),
        columns: RECOVERED_COLUMNS,
        timeZone: scope.timeZone,
        rows: keysetAfter(
          (after: { recoveredOn: string; id: number } | undefined, limit) =>
            listRecovered(db, scope, today, limit, after),
          (last) => ({ recoveredOn: last.recoveredOn, id: last.id }),
        ),
        beforeSend: () => auditExport(db, scope, { view: 'recovered', filters: {} }),
      });
    },
  );
}
