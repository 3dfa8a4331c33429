import { Type } from '@sinclair/typebox';
import { requireScope } from '../http/auth.ts';
import { Id, IdParams } from '../http/schemas.ts';
import type { App, AppContext } from '../http/types.ts';
import { auditExport, csvFilename, EXPORT_BATCH_SIZE, keysetAfter, sendCsv } from '../shared/csvExport.ts';
import { isCalendarDate, todayIn } from '../shared/dates.ts';
import { badRequest } from '../shared/problem.ts';
import {
  activateCadenceVersion,
  createCadence,
  getCadenceVersion,
  listCadences,
  saveCadenceVersion,
} from './cadences.ts';
import {
  EXPERIMENT_COLUMNS,
  experimentRows,
  INBOX_COLUMNS,
  MESSAGE_COLUMNS,
  SKIP_COLUMNS,
} from './csvViews.ts';
import { defaultCadence } from './defaults.ts';
import { type CadenceDefinition, STEP_CHANNELS, type StepChannel, validateDefinition } from './definition.ts';
import { experimentResults } from './experiments.ts';
import { listHolds, placeHold, releaseHold } from './holds.ts';
import { planDay } from './planner.ts';
import { previewTemplate } from './preview.ts';
import { HOLD_KINDS, type HoldKind } from './schema.ts';
import { simulateCadence } from './simulate.ts';
import { TEMPLATE_VARIABLES } from './templates.ts';
import { listMessages, listSandboxInbox, listSkips, planSummary } from './views.ts';

const Timestamp = Type.Unsafe<Date>({ type: 'string', format: 'date-time' });
const DateString = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'calendar date YYYY-MM-DD',
});
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 }));
const ChannelEnum = Type.Unsafe<StepChannel>({ type: 'string', enum: [...STEP_CHANNELS] });
const Key = Type.String({ minLength: 1, maxLength: 40 });
const Hours = Type.Union([
  Type.Object({
    start: Type.String({ pattern: '^\\d{2}:\\d{2}$' }),
    end: Type.String({ pattern: '^\\d{2}:\\d{2}$' }),
  }),
  Type.Null(),
]);
const TemplateSchema = Type.Object({
  subject: Type.Optional(Type.Union([Type.String({ maxLength: 300 }), Type.Null()])),
  body: Type.String({ maxLength: 20_000 }),
});

/** The JSON shape of a cadence (régua); meaning is checked by validateDefinition. */
export const CadenceDefinitionSchema = Type.Object(
  {
    settings: Type.Object({
      contactWindow: Type.Object({ weekdays: Hours, saturday: Hours, sunday: Hours }),
      frequencyCap: Type.Object({
        contacts: Type.Integer({ minimum: 1, maximum: 50 }),
        days: Type.Integer({ minimum: 1, maximum: 60 }),
      }),
      legal: Type.Object({
        noticeDays: Type.Integer({ minimum: 0, maximum: 365 }),
        minDaysLate: Type.Integer({ minimum: 0, maximum: 3650 }),
        minAmountCents: Type.Integer({ minimum: 0, maximum: 1e12 }),
      }),
    }),
    segments: Type.Array(
      Type.Object({
        key: Key,
        name: Type.String({ minLength: 1, maxLength: 100 }),
        rules: Type.Object({
          debtorKind: Type.Optional(Type.Union([Type.Literal('person'), Type.Literal('company')])),
          minCents: Type.Optional(Type.Integer({ minimum: 0, maximum: 1e12 })),
          maxCents: Type.Optional(Type.Integer({ minimum: 0, maximum: 1e12 })),
          minDaysLate: Type.Optional(Type.Integer({ minimum: -60, maximum: 3650 })),
          maxDaysLate: Type.Optional(Type.Integer({ minimum: -60, maximum: 3650 })),
          ufs: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Z]{2}$' }), { maxItems: 27 })),
          tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 20 })),
        }),
        steps: Type.Array(
          Type.Object({
            key: Key,
            offsetDays: Type.Integer({ minimum: -60, maximum: 365 }),
            channel: ChannelEnum,
            purpose: Type.Optional(
              Type.Unsafe<'reminder' | 'prior_notice'>({
                type: 'string',
                enum: ['reminder', 'prior_notice', 'negativacao', 'protest'],
              }),
            ),
            template: TemplateSchema,
            conditions: Type.Optional(
              Type.Object({
                skipOnPromise: Type.Optional(Type.Boolean()),
                skipOnAgreement: Type.Optional(Type.Boolean()),
                skipOnDispute: Type.Optional(Type.Boolean()),
                skipOnPause: Type.Optional(Type.Boolean()),
              }),
            ),
            variants: Type.Optional(
              Type.Array(
                Type.Object({
                  key: Type.String({ minLength: 1, maxLength: 8 }),
                  weight: Type.Integer({ minimum: 1, maximum: 99 }),
                  offsetDays: Type.Optional(Type.Integer({ minimum: -60, maximum: 365 })),
                  template: TemplateSchema,
                }),
                { maxItems: 4 },
              ),
            ),
          }),
          { maxItems: 40 },
        ),
      }),
      { maxItems: 20 },
    ),
  },
  { $id: 'CadenceDefinition' },
);

const VersionSummary = Type.Object({
  id: Id,
  cadenceId: Id,
  creditorId: Id,
  version: Type.Integer(),
  status: Type.String({ description: 'draft, active or retired' }),
  note: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.String(),
  createdAt: Timestamp,
  activatedAt: Type.Union([Timestamp, Type.Null()]),
  retiredAt: Type.Union([Timestamp, Type.Null()]),
});
const Version = Type.Composite([VersionSummary, Type.Object({ definition: Type.Unknown() })]);
const CadenceSchema = Type.Object({
  id: Id,
  creditorId: Id,
  name: Type.String(),
  createdAt: Timestamp,
  versions: Type.Array(VersionSummary),
});
const Problem = Type.Object({ path: Type.String(), message: Type.String() });

const Message = Type.Object({
  id: Id,
  creditorId: Id,
  debtorId: Id,
  debtorName: Type.String(),
  channel: Type.String(),
  purpose: Type.String(),
  status: Type.String(),
  planDate: Type.Union([Type.String(), Type.Null()]),
  stepKey: Type.Union([Type.String(), Type.Null()]),
  variantKey: Type.Union([Type.String(), Type.Null()]),
  toAddress: Type.Union([Type.String(), Type.Null()]),
  subject: Type.Union([Type.String(), Type.Null()]),
  body: Type.Union([Type.String(), Type.Null()]),
  attempts: Type.Integer(),
  nextAttemptAt: Timestamp,
  sentAt: Type.Union([Timestamp, Type.Null()]),
  costCents: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  why: Type.Record(Type.String(), Type.Unknown()),
  evidence: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  task: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  receivables: Type.Array(
    Type.Object({ id: Id, externalId: Type.String(), openCents: Type.Integer(), daysLate: Type.Integer() }),
  ),
});
const Skip = Type.Object({
  receivableId: Id,
  externalId: Type.String(),
  debtorId: Id,
  debtorName: Type.String(),
  creditorId: Id,
  stepKey: Type.String(),
  segmentKey: Type.String(),
  channel: Type.String(),
  reason: Type.String(),
  detail: Type.Record(Type.String(), Type.Unknown()),
  planDate: Type.String(),
});
const Counts = Type.Record(Type.String(), Type.Integer());
const Hold = Type.Object({
  id: Id,
  debtorId: Id,
  receivableId: Type.Union([Id, Type.Null()]),
  kind: Type.String(),
  untilDate: Type.Union([Type.String(), Type.Null()]),
  amountCents: Type.Union([Type.Integer(), Type.Null()]),
  reason: Type.String(),
  createdBy: Type.String(),
  createdAt: Timestamp,
  releasedAt: Type.Union([Timestamp, Type.Null()]),
  releasedBy: Type.Union([Type.String(), Type.Null()]),
});

function dateOrToday(value: string | undefined, timeZone: string): string {
  if (value === undefined) return todayIn(timeZone);
  if (!isCalendarDate(value)) throw badRequest(`${value} is not a valid date (YYYY-MM-DD)`);
  return value;
}

/** The body passed the JSON schema above; its meaning is checked by validateDefinition. */
function skipCursor(value: string | undefined) {
  if (value === undefined) return undefined;
  const [planDate = '', id = ''] = value.split(':');
  if (!isCalendarDate(planDate)) throw badRequest(`${planDate} is not a valid date (YYYY-MM-DD)`);
  return { planDate, receivableId: Number(id) };
}

const asDefinition = (body: unknown) => body as CadenceDefinition;

export function dunningRoutes(app: App, { db }: AppContext) {
  app.get(
    '/api/v1/creditors/:id/cadences',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['cadences'],
        summary: 'The creditor’s cadences (réguas) with their versions, newest version first',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(CadenceSchema) }) },
      },
    },
    async (request) => ({ items: await listCadences(db, requireScope(request), request.params.id) }),
  );

  app.post(
    '/api/v1/creditors/:id/cadences',
    {
      config: { permission: 'cadences:write' },
      schema: {
        tags: ['cadences'],
        summary:
          'Create a cadence for the creditor; its first version is a draft (omit definition for the default régua)',
        params: IdParams,
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 100 }),
          definition: Type.Optional(CadenceDefinitionSchema),
          note: Type.Optional(Type.String({ maxLength: 500 })),
        }),
        response: { 201: Version },
      },
    },
    async (request, reply) => {
      const { name, definition, note } = request.body;
      const version = await createCadence(db, requireScope(request), {
        creditorId: request.params.id,
        name,
        definition: definition ? asDefinition(definition) : defaultCadence(),
        note: note ?? null,
      });
      return reply.code(201).send(version);
    },
  );

  app.post(
    '/api/v1/cadences/:id/versions',
    {
      config: { permission: 'cadences:write' },
      schema: {
        tags: ['cadences'],
        summary: 'Save an edit as a new draft version (versions never change once written)',
        params: IdParams,
        body: Type.Object({
          definition: CadenceDefinitionSchema,
          note: Type.Optional(Type.String({ maxLength: 500 })),
        }),
        response: { 201: Version },
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        await saveCadenceVersion(db, requireScope(request), request.params.id, {
          definition: asDefinition(request.body.definition),
          note: request.body.note ?? null,
        }),
      ),
  );

  app.get(
    '/api/v1/cadence-versions/:id',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['cadences'],
        summary: 'One cadence version with its definition',
        params: IdParams,
        response: { 200: Version },
      },
    },
    async (request) => getCadenceVersion(db, requireScope(request), request.params.id),
  );

  app.post(
    '/api/v1/cadence-versions/:id/activate',
    {
      config: { permission: 'cadences:write' },
      schema: {
        tags: ['cadences'],
        summary: 'Make this version the creditor’s active régua (the previous one is retired)',
        params: IdParams,
        response: { 200: Version },
      },
    },
    async (request) => activateCadenceVersion(db, requireScope(request), request.params.id),
  );

  app.post(
    '/api/v1/cadences/validate',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['cadences'],
        summary: 'Check a cadence without saving it: every problem with the segment or step it concerns',
        body: Type.Object({ definition: CadenceDefinitionSchema }),
        response: { 200: Type.Object({ problems: Type.Array(Problem) }) },
      },
    },
    async (request) => ({ problems: validateDefinition(asDefinition(request.body.definition)) }),
  );

  app.get(
    '/api/v1/cadences/default',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['cadences'],
        summary: 'The default régua offered to a new creditor, and the template variables',
        response: {
          200: Type.Object({
            definition: Type.Unknown(),
            variables: Type.Record(
              Type.String(),
              Type.Object({ description: Type.String(), example: Type.String() }),
            ),
          }),
        },
      },
    },
    async () => ({ definition: defaultCadence(), variables: TEMPLATE_VARIABLES }),
  );

  app.post(
    '/api/v1/templates/preview',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['cadences'],
        summary: 'A template filled with a real debtor’s data, its problems and its SMS segment count',
        body: Type.Object({
          debtorId: Id,
          channel: ChannelEnum,
          template: TemplateSchema,
          asOf: Type.Optional(DateString),
        }),
        response: {
          200: Type.Object({
            subject: Type.Union([Type.String(), Type.Null()]),
            body: Type.Union([Type.String(), Type.Null()]),
            missing: Type.Array(Type.String()),
            problems: Type.Array(Type.Object({ code: Type.String(), message: Type.String() })),
            sms: Type.Union([
              Type.Object({ encoding: Type.String(), characters: Type.Integer(), segments: Type.Integer() }),
              Type.Null(),
            ]),
          }),
        },
      },
    },
    async (request) => {
      const scope = requireScope(request);
      return previewTemplate(db, scope, {
        ...request.body,
        channel: request.body.channel as StepChannel,
        asOf: request.body.asOf === undefined ? undefined : dateOrToday(request.body.asOf, scope.timeZone),
      });
    },
  );

  app.get(
    '/api/v1/plan',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['cadences'],
        summary: 'A day’s plan: contacts by channel and status, skipped receivables by reason',
        querystring: Type.Object({ date: Type.Optional(DateString), creditorId: Type.Optional(Id) }),
        response: {
          200: Type.Object({
            date: Type.String(),
            planned: Type.Integer(),
            skipped: Type.Integer(),
            byChannel: Counts,
            byStatus: Counts,
            byReason: Counts,
            ranAt: Type.Union([Timestamp, Type.Null()]),
          }),
        },
      },
    },
    async (request) => {
      const scope = requireScope(request);
      return planSummary(
        db,
        scope,
        dateOrToday(request.query.date, scope.timeZone),
        request.query.creditorId,
      );
    },
  );

  app.post(
    '/api/v1/plan/run',
    {
      config: { permission: 'plan:run' },
      schema: {
        tags: ['cadences'],
        summary: 'Run the planner now for this organization (idempotent: a second run plans nothing new)',
        body: Type.Object({ date: Type.Optional(DateString) }),
        response: {
          200: Type.Object({
            date: Type.String(),
            businessDay: Type.Boolean(),
            planned: Type.Integer(),
            plannedReceivables: Type.Integer(),
            skipped: Type.Integer(),
            byChannel: Counts,
            byReason: Counts,
          }),
        },
      },
    },
    async (request) => {
      const scope = requireScope(request);
      return planDay(db, scope.orgId, dateOrToday(request.body.date, scope.timeZone));
    },
  );

  app.get(
    '/api/v1/plan/skips',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['cadences'],
        summary:
          'Receivables whose due step was not planned, each with its reason: on a date (default today), or every date for a debtor',
        querystring: Type.Object({
          date: Type.Optional(DateString),
          creditorId: Type.Optional(Id),
          debtorId: Type.Optional(Id),
          reason: Type.Optional(Type.String({ maxLength: 40 })),
          after: Type.Optional(
            Type.String({
              pattern: '^\\d{4}-\\d{2}-\\d{2}:\\d{1,15}$',
              description: 'keyset cursor PLAN_DATE:RECEIVABLE_ID of the last item seen',
            }),
          ),
          limit: Limit,
        }),
        response: { 200: Type.Object({ items: Type.Array(Skip) }) },
      },
    },
    async (request) => {
      const scope = requireScope(request);
      const q = request.query;
      return {
        items: await listSkips(db, scope, {
          planDate:
            q.debtorId !== undefined && q.date === undefined
              ? undefined
              : dateOrToday(q.date, scope.timeZone),
          creditorId: q.creditorId,
          debtorId: q.debtorId,
          reason: q.reason,
          after: skipCursor(q.after),
          limit: q.limit ?? 50,
        }),
      };
    },
  );

  app.get(
    '/api/v1/plan/skips/export.csv',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['cadences'],
        summary: 'Every skipped receivable the list gives with these filters, as CSV (streamed; audited)',
        querystring: Type.Object({
          date: Type.Optional(DateString),
          creditorId: Type.Optional(Id),
          debtorId: Type.Optional(Id),
          reason: Type.Optional(Type.String({ maxLength: 40 })),
        }),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      const q = request.query;
      const planDate =
        q.debtorId !== undefined && q.date === undefined ? undefined : dateOrToday(q.date, scope.timeZone);
      return sendCsv(reply, {
        filename: csvFilename(`contatos-nao-planejados-${planDate ?? 'todos'}`, todayIn(scope.timeZone)),
        columns: SKIP_COLUMNS,
        timeZone: scope.timeZone,
        rows: keysetAfter(
          (after: { planDate: string; receivableId: number } | undefined, limit) =>
            listSkips(db, scope, {
              planDate,
              creditorId: q.creditorId,
              debtorId: q.debtorId,
              reason: q.reason,
              after,
              limit,
            }),
          (last) => ({ planDate: last.planDate, receivableId: last.receivableId }),
          EXPORT_BATCH_SIZE,
        ),
        beforeSend: () => auditExport(db, scope, { view: 'plan_skips', filters: { ...q, date: planDate } }),
      });
    },
  );

  app.get(
    '/api/v1/messages',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['cadences'],
        summary: 'The outbox: planned and sent contacts, newest first, with why each was planned',
        querystring: Type.Object({
          date: Type.Optional(DateString),
          creditorId: Type.Optional(Id),
          debtorId: Type.Optional(Id),
          channel: Type.Optional(Type.String({ maxLength: 20 })),
          status: Type.Optional(Type.String({ maxLength: 20 })),
          before: Type.Optional(Id),
          limit: Limit,
        }),
        response: { 200: Type.Object({ items: Type.Array(Message) }) },
      },
    },
    async (request) => {
      const q = request.query;
      if (q.date !== undefined && !isCalendarDate(q.date))
        throw badRequest(`${q.date} is not a valid date (YYYY-MM-DD)`);
      return {
        items: await listMessages(db, requireScope(request), {
          planDate: q.date,
          creditorId: q.creditorId,
          debtorId: q.debtorId,
          channel: q.channel,
          status: q.status,
          before: q.before,
          limit: q.limit ?? 50,
        }),
      };
    },
  );

  app.get(
    '/api/v1/messages/export.csv',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['cadences'],
        summary: 'Every contact of the outbox the list gives with these filters, as CSV (streamed; audited)',
        querystring: Type.Object({
          date: Type.Optional(DateString),
          creditorId: Type.Optional(Id),
          debtorId: Type.Optional(Id),
          channel: Type.Optional(Type.String({ maxLength: 20 })),
          status: Type.Optional(Type.String({ maxLength: 20 })),
        }),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      const q = request.query;
      if (q.date !== undefined && !isCalendarDate(q.date))
        throw badRequest(`${q.date} is not a valid date (YYYY-MM-DD)`);
      return sendCsv(reply, {
        filename: csvFilename(`contatos${q.date ? `-${q.date}` : ''}`, todayIn(scope.timeZone)),
        columns: MESSAGE_COLUMNS,
        timeZone: scope.timeZone,
        rows: keysetAfter(
          (before: number | undefined, limit) =>
            listMessages(db, scope, {
              planDate: q.date,
              creditorId: q.creditorId,
              debtorId: q.debtorId,
              channel: q.channel,
              status: q.status,
              before,
              limit,
            }),
          (last) => last.id,
          EXPORT_BATCH_SIZE,
        ),
        beforeSend: () => auditExport(db, scope, { view: 'messages', filters: q }),
      });
    },
  );

  app.get(
    '/api/v1/sandbox/inbox',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['cadences'],
        summary: 'What the sandbox channel received instead of a real provider, newest first',
        querystring: Type.Object({
          channel: Type.Optional(Type.String({ maxLength: 20 })),
          debtorId: Type.Optional(Id),
          before: Type.Optional(Id),
          limit: Limit,
        }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Id,
                messageId: Id,
                channel: Type.String(),
                toAddress: Type.Union([Type.String(), Type.Null()]),
                subject: Type.Union([Type.String(), Type.Null()]),
                body: Type.String(),
                deliveries: Type.Integer(),
                receivedAt: Timestamp,
                debtorId: Id,
                debtorName: Type.String(),
                creditorId: Id,
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({
      items: await listSandboxInbox(db, requireScope(request), {
        ...request.query,
        limit: request.query.limit ?? 50,
      }),
    }),
  );

  app.get(
    '/api/v1/sandbox/inbox/export.csv',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['cadences'],
        summary: 'Every message of the sandbox inbox with these filters, as CSV (streamed; audited)',
        querystring: Type.Object({
          channel: Type.Optional(Type.String({ maxLength: 20 })),
          debtorId: Type.Optional(Id),
        }),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      return sendCsv(reply, {
        filename: csvFilename('caixa-de-saida', todayIn(scope.timeZone)),
        columns: INBOX_COLUMNS,
        timeZone: scope.timeZone,
        rows: keysetAfter(
          (before: number | undefined, limit) =>
            listSandboxInbox(db, scope, { ...request.query, before, limit }),
          (last) => last.id,
          EXPORT_BATCH_SIZE,
        ),
        beforeSend: () => auditExport(db, scope, { view: 'sandbox_inbox', filters: request.query }),
      });
    },
  );

  app.get(
    '/api/v1/creditors/:id/experiments',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['cadences'],
        summary: 'A/B tests of the creditor’s cadences: results per variant and a plain verdict',
        params: IdParams,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                versionId: Id,
                version: Type.Integer(),
                stepKey: Type.String(),
                channel: Type.String(),
                variants: Type.Array(
                  Type.Object({
                    key: Type.String(),
                    weight: Type.Integer(),
                    contacted: Type.Integer(),
                    mature: Type.Integer(),
                    paid7: Type.Integer(),
                    paid30: Type.Integer(),
                    recoveredCents: Type.Integer(),
                  }),
                ),
                verdict: Type.String({ description: 'winner, not_yet or no_difference' }),
                winner: Type.Union([Type.String(), Type.Null()]),
                pValue: Type.Union([Type.Number(), Type.Null()]),
                explanation: Type.String(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await experimentResults(db, requireScope(request), request.params.id) }),
  );

  app.get(
    '/api/v1/creditors/:id/experiments/export.csv',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['cadences'],
        summary: 'The A/B test results of the creditor, one row per variant, as CSV',
        params: IdParams,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      return sendCsv(reply, {
        filename: csvFilename(`testes-ab-credor-${request.params.id}`, todayIn(scope.timeZone)),
        columns: EXPERIMENT_COLUMNS,
        timeZone: scope.timeZone,
        rows: experimentRows(await experimentResults(db, scope, request.params.id)),
      });
    },
  );

  app.post(
    '/api/v1/creditors/:id/simulations',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['cadences'],
        summary:
          'Run a régua forward over simulated days on a scratch copy of the creditor’s portfolio (nothing real changes, nothing is sent)',
        params: IdParams,
        body: Type.Object({
          days: Type.Integer({ minimum: 1, maximum: 365, default: 90 }),
          versionId: Type.Optional(Id),
          startDate: Type.Optional(DateString),
          seed: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
        }),
        response: {
          200: Type.Object({
            versionId: Id,
            version: Type.Integer(),
            startDate: Type.String(),
            days: Type.Integer(),
            debtors: Type.Integer(),
            receivables: Type.Integer(),
            openCentsAtStart: Type.Integer(),
            series: Type.Array(
              Type.Object({
                day: Type.Integer(),
                date: Type.String(),
                contacts: Type.Integer(),
                costCents: Type.Integer(),
                recoveredCents: Type.Integer(),
                cumulativeRecoveredCents: Type.Integer(),
              }),
            ),
            totals: Type.Object({
              contacts: Type.Integer(),
              costCents: Type.Integer(),
              recoveredCents: Type.Integer(),
              recoveryRate: Type.Number(),
              byChannel: Counts,
            }),
            model: Type.Object({
              source: Type.String(),
              note: Type.String(),
              channels: Type.Record(Type.String(), Type.Number()),
              baseline: Type.Array(Type.Object({ maxDaysLate: Type.Integer(), probability: Type.Number() })),
            }),
          }),
        },
      },
    },
    async (request) => {
      const scope = requireScope(request);
      const { days, versionId, startDate, seed } = request.body;
      return simulateCadence(db, scope, {
        creditorId: request.params.id,
        days: days ?? 90,
        versionId,
        startDate: startDate === undefined ? undefined : dateOrToday(startDate, scope.timeZone),
        seed,
      });
    },
  );

  app.get(
    '/api/v1/debtors/:id/holds',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['cadences'],
        summary: 'Promises, disputes, agreements and pauses that stop the debtor’s cadence, active first',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(Hold) }) },
      },
    },
    async (request) => ({ items: await listHolds(db, requireScope(request), request.params.id) }),
  );

  app.post(
    '/api/v1/debtors/:id/holds',
    {
      config: { permission: 'holds:write' },
      schema: {
        tags: ['cadences'],
        summary:
          'Stop the debtor’s cadence: a promise to pay (until its date), a dispute, an agreement or a pause',
        params: IdParams,
        body: Type.Object({
          kind: Type.Unsafe<HoldKind>({ type: 'string', enum: [...HOLD_KINDS] }),
          receivableId: Type.Optional(Id),
          untilDate: Type.Optional(DateString),
          reason: Type.String({ minLength: 1, maxLength: 500 }),
        }),
        response: { 201: Hold },
      },
    },
    async (request, reply) => {
      const { kind, receivableId, untilDate, reason } = request.body;
      if (untilDate !== undefined && !isCalendarDate(untilDate))
        throw badRequest(`${untilDate} is not a valid date`);
      return reply.code(201).send(
        await placeHold(db, requireScope(request), {
          debtorId: request.params.id,
          kind: kind as HoldKind,
          receivableId,
          untilDate,
          reason,
        }),
      );
    },
  );

  app.post(
    '/api/v1/holds/:id/release',
    {
      config: { permission: 'holds:write' },
      schema: {
        tags: ['cadences'],
        summary: 'End a hold: the cadence resumes',
        params: IdParams,
        response: { 200: Hold },
      },
    },
    async (request) => releaseHold(db, requireScope(request), request.params.id),
  );
}
