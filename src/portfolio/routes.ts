import { Type } from '@sinclair/typebox';
import type { Scope } from '../access/scope.ts';
import { requireScope } from '../http/auth.ts';
import {
  Aging,
  Count,
  Creditor,
  Debtor,
  Id,
  IdParams,
  NewCreditor,
  Page,
  Receivable,
} from '../http/schemas.ts';
import type { App, AppContext } from '../http/types.ts';
import {
  auditExport,
  concatPages,
  csvFilename,
  EXPORT_BATCH_SIZE,
  keysetPages,
  sendCsv,
} from '../shared/csvExport.ts';
import { isCalendarDate, todayIn } from '../shared/dates.ts';
import { badRequest } from '../shared/problem.ts';
import { listConsents, recordConsent } from './consents.ts';
import { aging, createCreditor, creditorStats, getCreditor, listCreditors } from './creditors.ts';
import { CREDITOR_COLUMNS, DEBTOR_COLUMNS, RECEIVABLE_COLUMNS } from './csvViews.ts';
import { getDebtor, listDebtors } from './debtors.ts';
import { listReceivables } from './receivables.ts';
import {
  CHANNELS,
  type Channel,
  CONSENT_EVENTS,
  type ConsentEvent,
  RECEIVABLE_STATUSES,
  type ReceivableStatus as Status,
} from './schema.ts';

const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 }));
const DateQuery = Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }));

function checkDate(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && !isCalendarDate(value))
    throw badRequest(`${name} is not a valid date (YYYY-MM-DD)`);
  return value;
}

const Consent = Type.Object({
  id: Id,
  channel: Type.String(),
  event: Type.String(),
  source: Type.String(),
  actor: Type.String(),
  at: Type.Unsafe<Date>({ type: 'string', format: 'date-time' }),
});

export function portfolioRoutes(app: App, { db }: AppContext) {
  app.get(
    '/api/v1/debtors/:id/consents',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['portfolio'],
        summary: 'The debtor’s consent and opt-out ledger, per channel, oldest first',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(Consent) }) },
      },
    },
    async (request) => ({ items: await listConsents(db, requireScope(request), request.params.id) }),
  );

  app.post(
    '/api/v1/debtors/:id/consents',
    {
      config: { permission: 'consent:write' },
      schema: {
        tags: ['portfolio'],
        summary: 'Record a debtor’s consent, opt-out or opt-in for a channel (e.g. heard on a call)',
        params: IdParams,
        body: Type.Object({
          channel: Type.Unsafe<Channel>({ type: 'string', enum: [...CHANNELS] }),
          event: Type.Unsafe<ConsentEvent>({ type: 'string', enum: [...CONSENT_EVENTS] }),
          source: Type.String({
            minLength: 1,
            maxLength: 100,
            description: 'where the choice was made: phone, portal, whatsapp...',
          }),
        }),
        response: { 201: Consent },
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        await recordConsent(db, requireScope(request), {
          debtorId: request.params.id,
          channel: request.body.channel as Channel,
          event: request.body.event as ConsentEvent,
          source: request.body.source,
        }),
      ),
  );

  app.get(
    '/api/v1/creditors',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['portfolio'],
        summary: 'Creditors (client companies) with portfolio totals',
        response: { 200: Type.Object({ items: Type.Array(Creditor) }) },
      },
    },
    async (request) => {
      const scope = requireScope(request);
      const [items, stats] = await Promise.all([listCreditors(db, scope), creditorStats(db, scope)]);
      return {
        items: items.map((c) => ({
          ...c,
          stats: stats.get(c.id) ?? { debtors: 0, receivables: 0, openCents: 0, overdueCents: 0 },
        })),
      };
    },
  );

  app.get(
    '/api/v1/creditors/export.csv',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['portfolio'],
        summary: 'The creditors with their portfolio totals, as CSV',
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      const [items, stats] = await Promise.all([listCreditors(db, scope), creditorStats(db, scope)]);
      return sendCsv(reply, {
        filename: csvFilename('credores', todayIn(scope.timeZone)),
        columns: CREDITOR_COLUMNS,
        timeZone: scope.timeZone,
        rows: items.map((c) => ({
          ...c,
          stats: stats.get(c.id) ?? { debtors: 0, receivables: 0, openCents: 0, overdueCents: 0 },
        })),
      });
    },
  );

  app.post(
    '/api/v1/creditors',
    {
      config: { permission: 'portfolio:write' },
      schema: {
        tags: ['portfolio'],
        summary: 'Add a creditor',
        body: NewCreditor,
        response: { 201: Creditor },
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      const { tradeName, segment, ...rest } = request.body;
      return reply.code(201).send(
        await createCreditor(db, scope, {
          ...rest,
          tradeName: tradeName ?? null,
          segment: segment ?? null,
        }),
      );
    },
  );

  app.get(
    '/api/v1/creditors/:id',
    {
      config: { permission: 'portfolio:read' },
      schema: { tags: ['portfolio'], summary: 'One creditor', params: IdParams, response: { 200: Creditor } },
    },
    async (request) => {
      const scope = requireScope(request);
      const creditor = await getCreditor(db, scope, request.params.id);
      const stats = (await creditorStats(db, { ...scope, creditorIds: [creditor.id] })).get(creditor.id);
      return { ...creditor, stats: stats ?? { debtors: 0, receivables: 0, openCents: 0, overdueCents: 0 } };
    },
  );

  app.get(
    '/api/v1/creditors/:id/aging',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['portfolio'],
        summary: 'Open balance by days past due (aging)',
        params: IdParams,
        querystring: Type.Object({ asOf: DateQuery }),
        response: { 200: Aging },
      },
    },
    async (request) => {
      const scope = requireScope(request);
      return aging(db, scope, request.params.id, checkDate('asOf', request.query.asOf));
    },
  );

  app.get(
    '/api/v1/debtors',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['portfolio'],
        summary: 'Debtors, by name, with cursor pagination',
        querystring: Type.Object({
          creditorId: Type.Optional(Id),
          q: Type.Optional(Type.String({ maxLength: 200, description: 'name or CPF/CNPJ' })),
          cursor: Type.Optional(Type.String({ maxLength: 500 })),
          limit: Limit,
        }),
        response: { 200: Page(Debtor) },
      },
    },
    async (request) => listDebtors(db, requireScope(request), request.query),
  );

  app.get(
    '/api/v1/debtors/export.csv',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['portfolio'],
        summary: 'Every debtor the list gives with these filters, with contacts, as CSV (streamed; audited)',
        querystring: Type.Object({
          creditorId: Type.Optional(Id),
          q: Type.Optional(Type.String({ maxLength: 200, description: 'name or CPF/CNPJ' })),
        }),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      // Name order is an index range scan within one creditor (debtors_name_idx): creditor by creditor.
      const creditorIds =
        request.query.creditorId !== undefined
          ? [request.query.creditorId]
          : await visibleCreditorIds(db, scope);
      return sendCsv(reply, {
        filename: csvFilename('devedores', todayIn(scope.timeZone)),
        columns: DEBTOR_COLUMNS,
        timeZone: scope.timeZone,
        rows: concatPages(
          creditorIds.map(
            (creditorId) => () =>
              keysetPages((cursor) =>
                listDebtors(db, scope, { ...request.query, creditorId, cursor, limit: EXPORT_BATCH_SIZE }),
              ),
          ),
        ),
        beforeSend: () => auditExport(db, scope, { view: 'debtors', filters: request.query }),
      });
    },
  );

  app.get(
    '/api/v1/debtors/:id',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['portfolio'],
        summary: 'One debtor with contacts and totals',
        params: IdParams,
        response: { 200: Debtor },
      },
    },
    async (request) => getDebtor(db, requireScope(request), request.params.id),
  );

  const ReceivableQuery = {
    creditorId: Type.Optional(Id),
    debtorId: Type.Optional(Id),
    status: Type.Optional(Type.String({ description: `comma-separated: ${RECEIVABLE_STATUSES.join(', ')}` })),
    dueFrom: DateQuery,
    dueTo: DateQuery,
    dpdMin: Type.Optional(Count(36_500, { description: 'minimum days past due' })),
    dpdMax: Type.Optional(Count(36_500, { description: 'maximum days past due' })),
    q: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'start of the external id or document number, part of the debtor name, or the CPF/CNPJ',
      }),
    ),
  };

  app.get(
    '/api/v1/receivables',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['portfolio'],
        summary: 'Receivables (títulos) in due-date order, filtered, with cursor pagination',
        querystring: Type.Object({
          ...ReceivableQuery,
          cursor: Type.Optional(Type.String({ maxLength: 500 })),
          limit: Limit,
        }),
        response: { 200: Page(Receivable) },
      },
    },
    async (request) => listReceivables(db, requireScope(request), receivableFilter(request.query)),
  );

  app.get(
    '/api/v1/receivables/export.csv',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['portfolio'],
        summary: 'Every receivable the list gives with these filters, as CSV (streamed; audited)',
        querystring: Type.Object(ReceivableQuery),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      const filter = receivableFilter(request.query);
      // The list's order (due date, id) is an index range scan within one creditor: without a creditor
      // or debtor filter the export walks the visible creditors one after the other (by id).
      const creditorIds =
        filter.creditorId !== undefined || filter.debtorId !== undefined
          ? [filter.creditorId]
          : await visibleCreditorIds(db, scope);
      return sendCsv(reply, {
        filename: csvFilename('recebiveis', todayIn(scope.timeZone)),
        columns: RECEIVABLE_COLUMNS,
        timeZone: scope.timeZone,
        rows: concatPages(
          creditorIds.map(
            (creditorId) => () =>
              keysetPages((cursor) =>
                listReceivables(db, scope, { ...filter, creditorId, cursor, limit: EXPORT_BATCH_SIZE }),
              ),
          ),
        ),
        beforeSend: () => auditExport(db, scope, { view: 'receivables', filters: request.query }),
      });
    },
  );
}

/** The creditors the scope sees, by id (a client viewer: only its own). */
async function visibleCreditorIds(db: AppContext['db'], scope: Scope): Promise<number[]> {
  return (await listCreditors(db, scope)).map((c) => c.id).sort((a, b) => a - b);
}

/** The list's filters from its query string (statuses and dates checked). */
function receivableFilter(query: {
  creditorId?: number;
  debtorId?: number;
  status?: string;
  dueFrom?: string;
  dueTo?: string;
  dpdMin?: number;
  dpdMax?: number;
  q?: string;
  cursor?: string;
  limit?: number;
}) {
  const { status, dueFrom, dueTo, ...rest } = query;
  const statuses = status
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = statuses?.filter((s) => !(RECEIVABLE_STATUSES as readonly string[]).includes(s));
  if (unknown?.length)
    throw badRequest(`unknown status ${unknown.join(', ')}; use ${RECEIVABLE_STATUSES.join(', ')}`);
  return {
    ...rest,
    status: statuses as Status[] | undefined,
    dueFrom: checkDate('dueFrom', dueFrom),
    dueTo: checkDate('dueTo', dueTo),
  };
}
