/**
 * BPO billing over HTTP: fee terms per creditor, the issuer's identification, and monthly fee
 * statements (preview, issue, PDF, CSV). Reads take portfolio:read through the caller's Scope (a client
 * viewer sees its own creditors only; another creditor answers 404); changes take billing:manage.
 */
import { Type } from '@sinclair/typebox';
import { requireScope } from '../http/auth.ts';
import type { App, AppContext } from '../http/types.ts';
import { statementCsv, statementFilename, statementPdf } from './documents.ts';
import type { FeeTier } from './fees.ts';
import {
  auditStatementDownload,
  getFeeTerms,
  getIssuer,
  getStatement,
  issueStatement,
  listIssued,
  listMonth,
  setFeeTerms,
  setIssuer,
} from './statements.ts';

const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const MonthParam = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' });
const BasisPoints = Type.Integer({ minimum: -1_000_000, maximum: 1_000_000, description: '1250 = 12.5%' });

const Tier = Type.Object({
  fromDays: Type.Integer({ minimum: -1_000_000, maximum: 1_000_000 }),
  // Null first: with type coercion, a null tried against an integer first would become 0.
  toDays: Type.Union([Type.Null(), Type.Integer({ minimum: -1_000_000, maximum: 1_000_000 })]),
  basisPoints: BasisPoints,
});

const TermsBody = Type.Object({
  effectiveMonth: Type.String({ maxLength: 7, description: 'YYYY-MM: the first month the terms apply to' }),
  monthlyFeeCents: Type.Integer({ minimum: -1e15, maximum: 1e15 }),
  successFeeBasisPoints: Type.Union([Type.Null(), BasisPoints], {
    description: 'the single rate; null when tiers decide',
  }),
  tiers: Type.Array(Tier, { maxItems: 50, description: 'by days late at recovery; [] = the single rate' }),
});

const Applied = Type.Object({
  source: Type.Union([Type.Literal('version'), Type.Literal('creditor')]),
  versionId: Type.Union([Id, Type.Null()]),
  effectiveMonth: Type.Union([Type.String(), Type.Null()]),
  monthlyFeeCents: Type.Integer(),
  successFeeBasisPoints: Type.Union([Type.Integer(), Type.Null()]),
  tiers: Type.Array(Tier),
});

const TermsReply = Type.Object({
  creditorId: Id,
  currentMonth: Type.String(),
  current: Applied,
  versions: Type.Array(
    Type.Object({
      id: Id,
      effectiveMonth: Type.String(),
      monthlyFeeCents: Type.Integer(),
      successFeeBasisPoints: Type.Union([Type.Integer(), Type.Null()]),
      tiers: Type.Array(Tier),
      createdBy: Type.String(),
      createdAt: Type.String(),
    }),
  ),
  lastIssuedMonth: Type.Union([Type.String(), Type.Null()]),
});

const IssuerSchema = Type.Object({
  legalName: Type.String({ maxLength: 200 }),
  cnpj: Type.String({ maxLength: 30 }),
  address: Type.Union([Type.Null(), Type.String({ maxLength: 300 })]),
});

const Summary = {
  creditor: Type.Object({
    id: Id,
    legalName: Type.String(),
    tradeName: Type.Union([Type.String(), Type.Null()]),
    cnpj: Type.String(),
  }),
  month: Type.String(),
  period: Type.Object({ from: Type.String(), to: Type.String() }),
  state: Type.Union([
    Type.Literal('issued'),
    Type.Literal('closed'),
    Type.Literal('open'),
    Type.Literal('future'),
  ]),
  partial: Type.Boolean(),
  number: Type.Union([Type.Integer(), Type.Null()]),
  issuedAt: Type.Union([Type.String(), Type.Null()]),
  issuedBy: Type.Union([Type.String(), Type.Null()]),
  monthlyFeeCents: Type.Integer(),
  recoveredCents: Type.Integer(),
  successFeeExact: Type.String(),
  successFeeCents: Type.Integer(),
  totalCents: Type.Integer(),
};

const SummarySchema = Type.Object({ ...Summary, lineCount: Type.Integer() });

const StatementSchema = Type.Object({
  ...Summary,
  issuer: Type.Union([IssuerSchema, Type.Null()]),
  note: Type.String(),
  terms: Applied,
  lines: Type.Array(
    Type.Object({
      lineNo: Type.Integer(),
      paymentId: Id,
      receivableId: Id,
      receivable: Type.String(),
      debtorId: Id,
      debtorName: Type.String(),
      debtorDocument: Type.String(),
      paidOn: Type.String(),
      lateSince: Type.String(),
      agreementId: Type.Union([Id, Type.Null()]),
      daysLate: Type.Integer(),
      cents: Type.Integer(),
      basisPoints: Type.Integer(),
      rateLabel: Type.String(),
      feeExact: Type.String(),
      feeCents: Type.Integer(),
      carriedOver: Type.Boolean(),
    }),
  ),
});

const CreditorMonth = Type.Object({ id: Id, month: MonthParam });

export function billingRoutes(app: App, { db }: AppContext) {
  app.get(
    '/api/v1/creditors/:id/fee-terms',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['billing'],
        summary: 'The creditor’s fee terms (honorários): those of the current month and every version',
        params: Type.Object({ id: Id }),
        response: { 200: TermsReply },
      },
    },
    async (request) => getFeeTerms(db, requireScope(request), request.params.id),
  );

  app.put(
    '/api/v1/creditors/:id/fee-terms',
    {
      config: { permission: 'billing:manage' },
      schema: {
        tags: ['billing'],
        summary:
          'Add a version of the creditor’s fee terms from a month on (audited; every problem listed; never a month already issued)',
        params: Type.Object({ id: Id }),
        body: TermsBody,
        response: { 200: TermsReply },
      },
    },
    async (request) => {
      const body = request.body;
      return setFeeTerms(db, requireScope(request), request.params.id, {
        effectiveMonth: body.effectiveMonth,
        monthlyFeeCents: body.monthlyFeeCents,
        successFeeBasisPoints: body.successFeeBasisPoints,
        tiers: body.tiers as FeeTier[],
      });
    },
  );

  app.get(
    '/api/v1/billing/issuer',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['billing'],
        summary: 'Who issues the fee statements: the BPO’s legal name, CNPJ and address (null until set)',
        response: { 200: Type.Object({ issuer: Type.Union([IssuerSchema, Type.Null()]) }) },
      },
    },
    async (request) => ({ issuer: await getIssuer(db, requireScope(request)) }),
  );

  app.put(
    '/api/v1/billing/issuer',
    {
      config: { permission: 'billing:manage' },
      schema: {
        tags: ['billing'],
        summary: 'Set the issuer of the fee statements (audited)',
        body: IssuerSchema,
        response: { 200: Type.Object({ issuer: IssuerSchema }) },
      },
    },
    async (request) => ({ issuer: await setIssuer(db, requireScope(request), request.body) }),
  );

  app.get(
    '/api/v1/fee-statements',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['billing'],
        summary: 'A month across the creditors the caller sees: each one’s issued statement, or its preview',
        querystring: Type.Object({ month: MonthParam }),
        response: {
          200: Type.Object({
            month: Type.String(),
            state: Type.Union([Type.Literal('closed'), Type.Literal('open'), Type.Literal('future')]),
            note: Type.Union([Type.String(), Type.Null()]),
            items: Type.Array(SummarySchema),
          }),
        },
      },
    },
    async (request) => listMonth(db, requireScope(request), request.query.month),
  );

  app.get(
    '/api/v1/creditors/:id/fee-statements',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['billing'],
        summary: 'The creditor’s issued fee statements, newest month first',
        params: Type.Object({ id: Id }),
        response: { 200: Type.Object({ items: Type.Array(SummarySchema) }) },
      },
    },
    async (request) => ({ items: await listIssued(db, requireScope(request), request.params.id) }),
  );

  app.get(
    '/api/v1/creditors/:id/fee-statements/:month',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['billing'],
        summary:
          'The fee statement of a month: the issued one, else a preview (an open month is partial: "Período em andamento")',
        params: CreditorMonth,
        response: { 200: StatementSchema },
      },
    },
    async (request) => getStatement(db, requireScope(request), request.params.id, request.params.month),
  );

  app.post(
    '/api/v1/creditors/:id/fee-statements/:month/issue',
    {
      config: { permission: 'billing:manage' },
      schema: {
        tags: ['billing'],
        summary:
          'Issue the statement of a closed month (numbered, immutable, audited); issuing again answers the same statement',
        params: CreditorMonth,
        response: { 200: StatementSchema, 201: StatementSchema },
      },
    },
    async (request, reply) => {
      const { statement, created } = await issueStatement(
        db,
        requireScope(request),
        request.params.id,
        request.params.month,
      );
      return reply.code(created ? 201 : 200).send(statement);
    },
  );

  /**
   * The statement's documents. Their lines name debtors with their CPF/CNPJ, so each download is in the
   * audit trail (`export.fee_statement`), like the other exports of personal data.
   */
  const documents = [
    {
      extension: 'pdf',
      type: 'application/pdf',
      summary:
        'The fee statement as PDF (a preview is marked as such on every page; the download is audited)',
      render: statementPdf,
    },
    {
      extension: 'csv',
      type: 'text/csv; charset=utf-8',
      summary:
        'The fee statement as CSV (; separated, UTF-8 with BOM, pt-BR decimals; the download is audited)',
      render: statementCsv,
    },
  ] as const;
  for (const document of documents) {
    app.get(
      `/api/v1/creditors/:id/fee-statements/:month/statement.${document.extension}`,
      {
        config: { permission: 'portfolio:read' },
        schema: { tags: ['billing'], summary: document.summary, params: CreditorMonth },
      },
      async (request, reply) => {
        const scope = requireScope(request);
        const statement = await getStatement(db, scope, request.params.id, request.params.month);
        const body = document.render(statement);
        await auditStatementDownload(db, scope, statement, document.extension);
        return reply
          .type(document.type)
          .header(
            'content-disposition',
            `attachment; filename="${statementFilename(statement, document.extension)}"`,
          )
          .send(body);
      },
    );
  }
}
