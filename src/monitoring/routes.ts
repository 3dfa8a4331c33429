/**
 * Monitoring over HTTP: the SLAs per creditor and their breaches (reads, scoped: a client viewer sees
 * its creditors only), a creditor's targets (monitoring:manage, audited), the alerts (read scoped;
 * acknowledged by monitoring:manage) and the organization's thresholds and the caller's e-mail opt-in
 * (monitoring:manage).
 */
import { type Static, Type } from '@sinclair/typebox';
import { requireScope } from '../http/auth.ts';
import type { App, AppContext } from '../http/types.ts';
import {
  auditExport,
  csvColumns,
  csvFilename,
  EXPORT_PAGE_SIZE,
  keysetPages,
  sendCsv,
} from '../shared/csvExport.ts';
import { todayIn } from '../shared/dates.ts';
import {
  acknowledgeAlert,
  getAlertSettings,
  listAlerts,
  setAlertEmail,
  setAlertThresholds,
} from './alerts.ts';
import { computeSlas, getSlaTargets, listSlaBreaches, type SlaBreach, setSlaTargets } from './slas.ts';

const BREACH_COLUMNS = (kind: 'first_contact' | 'reply') =>
  csvColumns<SlaBreach>([
    { header: 'Devedor', value: (b) => b.name },
    { header: 'Código do devedor', kind: 'int', value: (b) => b.debtorId },
    { header: 'Código da carteira', kind: 'int', value: (b) => b.creditorId },
    {
      header: kind === 'first_contact' ? 'Em atraso desde' : 'Mensagem recebida em',
      kind: 'datetime',
      value: (b) => b.at,
    },
    {
      header: kind === 'first_contact' ? 'Primeiro contato em' : 'Respondida em',
      kind: 'datetime',
      value: (b) => b.answeredAt,
    },
    {
      header: kind === 'first_contact' ? 'Dias até o contato' : 'Horas até a resposta',
      kind: 'decimal',
      decimals: 1,
      value: (b) => b.elapsed,
    },
    {
      header: kind === 'first_contact' ? 'Meta (dias)' : 'Meta (horas)',
      kind: 'int',
      value: (b) => b.target,
    },
  ]);

const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Nullable = <T extends ReturnType<typeof Type.Number>>(t: T) => Type.Union([t, Type.Null()]);

const SlaQuery = Type.Object({ from: Day, to: Day, creditorId: Type.Optional(Id) });

const Figure = Type.Object({
  kind: Type.Union([Type.Literal('first_contact'), Type.Literal('reply')]),
  met: Type.Integer(),
  breached: Type.Integer(),
  pending: Type.Integer(),
  notNeeded: Type.Integer(),
  compliance: Nullable(Type.Number()),
  median: Nullable(Type.Number()),
  p90: Nullable(Type.Number()),
});
const Targets = Type.Object({
  firstContactDays: Type.Integer({
    minimum: 0,
    maximum: 365,
    description: 'days from the due date to the first contact',
  }),
  replyHours: Type.Integer({
    minimum: 1,
    maximum: 720,
    description: 'calendar hours from a reply to the answer',
  }),
});
const TargetsOut = Type.Composite([Targets, Type.Object({ custom: Type.Boolean() })]);

const SlaReportSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  creditors: Type.Array(
    Type.Object({ creditorId: Type.Integer(), targets: Targets, firstContact: Figure, reply: Figure }),
  ),
});

const BreachesQuery = Type.Composite([
  SlaQuery,
  Type.Object({
    kind: Type.Union([Type.Literal('first_contact'), Type.Literal('reply')]),
    cursor: Type.Optional(Type.String({ maxLength: 500 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  }),
]);

const BreachPage = Type.Object({
  items: Type.Array(
    Type.Object({
      creditorId: Type.Integer(),
      debtorId: Type.Integer(),
      name: Type.String(),
      id: Type.Integer(),
      at: Type.String(),
      answeredAt: Type.Union([Type.String(), Type.Null()]),
      elapsed: Nullable(Type.Number()),
      target: Type.Integer(),
    }),
  ),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

const AlertSchema = Type.Object({
  id: Type.Integer(),
  rule: Type.Union([
    Type.Literal('broken_agreements_spike'),
    Type.Literal('email_bounce_rate'),
    Type.Literal('sla_breach_rate'),
  ]),
  label: Type.String(),
  creditorId: Type.Integer(),
  creditorName: Type.String(),
  period: Type.String(),
  value: Type.Number(),
  threshold: Type.Number(),
  details: Type.Record(Type.String(), Type.Unknown()),
  raisedAt: Type.String(),
  acknowledgedAt: Type.Union([Type.String(), Type.Null()]),
  acknowledgedBy: Type.Union([Type.String(), Type.Null()]),
});

const Thresholds = Type.Object({
  brokenSpikeK: Type.Number(),
  brokenSpikeMinCount: Type.Integer(),
  bounceRate: Type.Number(),
  bounceMinSent: Type.Integer(),
  slaBreachRate: Type.Number(),
  slaMinJudged: Type.Integer(),
});
const SettingsSchema = Type.Object({
  thresholds: Thresholds,
  defaults: Thresholds,
  emailOptIn: Type.Boolean(),
});

export function monitoringRoutes(app: App, { db }: AppContext) {
  app.get(
    '/api/v1/slas',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['monitoring'],
        summary:
          'SLAs per creditor for the receivables due and the replies received in the period: compliance, median and p90 (a client viewer sees its creditors)',
        querystring: SlaQuery,
        response: { 200: SlaReportSchema },
      },
    },
    async (request) => computeSlas(db, requireScope(request), request.query),
  );

  app.get(
    '/api/v1/slas/breaches',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['monitoring'],
        summary: 'The breaches of one SLA in the period, latest first, with their debtors (keyset cursor)',
        querystring: BreachesQuery,
        response: { 200: BreachPage },
      },
    },
    async (request) => {
      const q: Static<typeof BreachesQuery> = request.query;
      return listSlaBreaches(
        db,
        requireScope(request),
        { from: q.from, to: q.to, creditorId: q.creditorId ?? null, kind: q.kind },
        { cursor: q.cursor ?? null, limit: q.limit ?? 50 },
      );
    },
  );

  app.get(
    '/api/v1/slas/breaches/export.csv',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['monitoring'],
        summary: 'Every breach of one SLA in the period, with its debtor, as CSV (streamed; audited)',
        querystring: Type.Omit(BreachesQuery, ['cursor', 'limit']),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      const q = request.query;
      const filters = { from: q.from, to: q.to, creditorId: q.creditorId ?? null, kind: q.kind };
      return sendCsv(reply, {
        filename: csvFilename(
          q.kind === 'first_contact' ? 'sla-primeiro-contato' : 'sla-resposta',
          todayIn(scope.timeZone),
        ),
        columns: BREACH_COLUMNS(q.kind),
        timeZone: scope.timeZone,
        rows: keysetPages((cursor) =>
          listSlaBreaches(db, scope, filters, { cursor, limit: EXPORT_PAGE_SIZE }),
        ),
        beforeSend: () => auditExport(db, scope, { view: 'sla_breaches', filters: q }),
      });
    },
  );

  app.get(
    '/api/v1/creditors/:id/sla-targets',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['monitoring'],
        summary: 'The creditor’s SLA targets (its own, or the defaults)',
        params: Type.Object({ id: Id }),
        response: { 200: TargetsOut },
      },
    },
    async (request) => getSlaTargets(db, requireScope(request), request.params.id),
  );

  app.put(
    '/api/v1/creditors/:id/sla-targets',
    {
      config: { permission: 'monitoring:manage' },
      schema: {
        tags: ['monitoring'],
        summary: 'Set the creditor’s SLA targets (audited)',
        params: Type.Object({ id: Id }),
        body: Targets,
        response: { 200: TargetsOut },
      },
    },
    async (request) => setSlaTargets(db, requireScope(request), request.params.id, request.body),
  );

  app.get(
    '/api/v1/alerts',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['monitoring'],
        summary:
          'Alerts raised, newest first, and how many are not acknowledged (a client viewer sees its creditors’)',
        querystring: Type.Object({
          status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('all')])),
          creditorId: Type.Optional(Id),
          cursor: Type.Optional(Id),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(AlertSchema),
            openCount: Type.Integer(),
            nextCursor: Type.Union([Type.Integer(), Type.Null()]),
          }),
        },
      },
    },
    async (request) => {
      const q = request.query;
      return listAlerts(db, requireScope(request), {
        status: q.status ?? 'all',
        creditorId: q.creditorId ?? null,
        cursor: q.cursor ?? null,
        limit: q.limit ?? 50,
      });
    },
  );

  app.post(
    '/api/v1/alerts/:id/acknowledge',
    {
      config: { permission: 'monitoring:manage' },
      schema: {
        tags: ['monitoring'],
        summary: 'Acknowledge an alert (audited; again changes nothing)',
        params: Type.Object({ id: Id }),
        response: { 200: AlertSchema },
      },
    },
    async (request) => acknowledgeAlert(db, requireScope(request), request.params.id),
  );

  app.get(
    '/api/v1/alert-settings',
    {
      config: { permission: 'monitoring:manage' },
      schema: {
        tags: ['monitoring'],
        summary:
          'The organization’s alert thresholds, their defaults, and whether the caller gets alerts by e-mail',
        response: { 200: SettingsSchema },
      },
    },
    async (request) => getAlertSettings(db, requireScope(request)),
  );

  app.put(
    '/api/v1/alert-settings',
    {
      config: { permission: 'monitoring:manage' },
      schema: {
        tags: ['monitoring'],
        summary: 'Set the organization’s alert thresholds (audited; what is left out keeps its value)',
        body: Type.Partial(Thresholds),
        response: { 200: SettingsSchema },
      },
    },
    async (request) => setAlertThresholds(db, requireScope(request), request.body),
  );

  app.put(
    '/api/v1/alert-settings/email',
    {
      config: { permission: 'monitoring:manage' },
      schema: {
        tags: ['monitoring'],
        summary: 'Opt the signed-in manager in or out of one e-mail per alert (audited)',
        body: Type.Object({ subscribed: Type.Boolean() }),
        response: { 200: SettingsSchema },
      },
    },
    async (request) => setAlertEmail(db, requireScope(request), request.body.subscribed),
  );
}
