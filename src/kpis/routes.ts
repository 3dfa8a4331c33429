/**
 * The KPIs (indicadores) over HTTP: the report of a scope and period, and the debtors behind one of
 * its figures. Both read through the caller's Scope, so a client viewer sees only its creditor's
 * numbers; the engine (kpis.ts) checks the filters and answers 400 or 404 for what makes no sense.
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
import { badRequest } from '../shared/problem.ts';
import { AGREEMENT_OUTCOMES } from './kpis.sql.ts';
import {
  computeKpis,
  type KpiDebtor,
  type KpiFigure,
  type KpiFilters,
  type KpiReport,
  kpiDebtors,
} from './kpis.ts';
import { type DsoTrend, dsoTrend, type RecoveryCurve, recoveryCurve, type TrendFilters } from './trends.ts';

const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });

export const KpiFiltersQuery = Type.Object({
  from: Day,
  to: Day,
  asOf: Type.Optional(Day),
  creditorId: Type.Optional(Id),
  debtorKind: Type.Optional(Type.Union([Type.Literal('person'), Type.Literal('company')])),
  cadenceId: Type.Optional(Id),
  /** Comma-separated tags: debtors carrying any of them. */
  tags: Type.Optional(Type.String({ maxLength: 1000 })),
  conversionDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
});

export const KpiDrillQuery = Type.Composite([
  KpiFiltersQuery,
  Type.Object({
    figure: Type.Union([
      Type.Literal('aging'),
      Type.Literal('recovered'),
      Type.Literal('promises'),
      Type.Literal('churned'),
      Type.Literal('channel'),
      Type.Literal('conversion'),
      Type.Literal('agreements'),
      Type.Literal('cohort'),
    ]),
    /** figure=cohort: the month the receivables fell due (YYYY-MM) */
    month: Type.Optional(Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$' })),
    /** figure=aging */
    bucket: Type.Optional(
      Type.Union([
        Type.Literal('current'),
        Type.Literal('0-30'),
        Type.Literal('31-60'),
        Type.Literal('61-90'),
        Type.Literal('91-180'),
        Type.Literal('180+'),
      ]),
    ),
    /** figure=promises (kept, broken, pending, withdrawn) or figure=agreements (made, broken, completed, cancelled) */
    outcome: Type.Optional(Type.String({ maxLength: 20 })),
    /** figure=channel */
    channel: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    stage: Type.Optional(
      Type.Union([
        Type.Literal('attempted'),
        Type.Literal('delivered'),
        Type.Literal('read'),
        Type.Literal('replied'),
        Type.Literal('failed'),
      ]),
    ),
    /** figure=conversion */
    versionId: Type.Optional(Id),
    stepKey: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    variantKey: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    converted: Type.Optional(Type.Boolean()),
    cursor: Type.Optional(Type.String({ maxLength: 500 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  }),
]);

/**
 * The report as computeKpis builds it (src/kpis/report.ts gives every field; docs/KPIS.md every
 * formula). Ratios are numbers or null when their denominator is zero ("sem dados").
 */
const KpiReportSchema = Type.Unsafe<KpiReport>({
  type: 'object',
  additionalProperties: true,
  description:
    'KpiReport (src/kpis/report.ts): period, scope, aging, dso, cei, recovery, promises, channels, conversion, rollRates, costPerReceipt, involuntaryChurn, agreements, notes',
});

const KpiDebtorPageSchema = Type.Object({
  items: Type.Array(
    Type.Object({ debtorId: Id, name: Type.String(), cents: Type.Integer(), count: Type.Integer() }),
  ),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

function filtersOf(q: Static<typeof KpiFiltersQuery>): KpiFilters {
  return {
    from: q.from,
    to: q.to,
    asOf: q.asOf ?? null,
    creditorId: q.creditorId ?? null,
    debtorKind: q.debtorKind ?? null,
    cadenceId: q.cadenceId ?? null,
    tags: q.tags
      ? q.tags
          .split(',')
          .map((t) => t.trim())
          .filter((t) => t !== '')
      : null,
    conversionDays: q.conversionDays ?? null,
  };
}

export const TrendQuery = Type.Object({
  /** The last day seen (default today). */
  to: Type.Optional(Day),
  months: Type.Optional(Type.Integer({ minimum: 1, maximum: 36 })),
  creditorId: Type.Optional(Id),
  debtorKind: Type.Optional(Type.Union([Type.Literal('person'), Type.Literal('company')])),
  cadenceId: Type.Optional(Id),
  tags: Type.Optional(Type.String({ maxLength: 1000 })),
});

function trendFiltersOf(q: Static<typeof TrendQuery>): TrendFilters {
  const { creditorId, debtorKind, cadenceId, tags } = filtersOf({ ...q, from: '', to: '' });
  return { creditorId, debtorKind, cadenceId, tags, to: q.to ?? null, months: q.months ?? null };
}

const RecoveryCurveSchema = Type.Unsafe<RecoveryCurve>({
  type: 'object',
  additionalProperties: true,
  description:
    'RecoveryCurve (src/kpis/trends.ts): asOf, maxDays, cohorts [{ month, overdueCents, receivables, observedDays, points [{ day, recoveredCents, share }] }]',
});
const DsoTrendSchema = Type.Unsafe<DsoTrend>({
  type: 'object',
  additionalProperties: true,
  description:
    'DsoTrend (src/kpis/trends.ts): to, months [{ month, from, to, complete, receivablesCents, creditSalesCents, standard, countback }]',
});

const DRILL_COLUMNS = csvColumns<KpiDebtor>([
  { header: 'Devedor', value: (d) => d.name },
  { header: 'Código do devedor', kind: 'int', value: (d) => d.debtorId },
  { header: 'Valor (R$)', kind: 'money', value: (d) => d.cents },
  { header: 'Itens', kind: 'int', value: (d) => d.count },
]);

function need<T>(value: T | undefined, name: string, figure: string): T {
  if (value === undefined) throw badRequest(`figure=${figure} needs ${name}`);
  return value;
}

/** The drill-down's figure from the query: each figure names what else it needs. */
function figureOf(q: Static<typeof KpiDrillQuery>): KpiFigure {
  switch (q.figure) {
    case 'aging':
      return { figure: 'aging', bucket: need(q.bucket, 'bucket', q.figure) };
    case 'recovered':
    case 'churned':
      return { figure: q.figure };
    case 'promises': {
      const outcome = need(q.outcome, 'outcome', q.figure);
      if (outcome !== 'kept' && outcome !== 'broken' && outcome !== 'pending' && outcome !== 'withdrawn')
        throw badRequest('outcome of promises must be kept, broken, pending or withdrawn');
      return { figure: 'promises', outcome };
    }
    case 'channel':
      return {
        figure: 'channel',
        channel: need(q.channel, 'channel', q.figure),
        stage: need(q.stage, 'stage', q.figure),
      };
    case 'conversion':
      return {
        figure: 'conversion',
        versionId: need(q.versionId, 'versionId', q.figure),
        stepKey: need(q.stepKey, 'stepKey', q.figure),
        variantKey: need(q.variantKey, 'variantKey', q.figure),
        converted: need(q.converted, 'converted', q.figure),
      };
    case 'agreements': {
      const outcome = need(q.outcome, 'outcome', q.figure);
      const known = AGREEMENT_OUTCOMES.find((o) => o === outcome);
      if (!known) throw badRequest(`outcome of agreements must be one of ${AGREEMENT_OUTCOMES.join(', ')}`);
      return { figure: 'agreements', outcome: known };
    }
    case 'cohort':
      return { figure: 'cohort', month: need(q.month, 'month', q.figure) };
  }
}

export function kpiRoutes(app: App, { db }: AppContext) {
  app.get(
    '/api/v1/kpis',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['kpis'],
        summary:
          'The KPIs (indicadores) of a period: aging, DSO, CEI, recovery, promises, channels, conversion, roll rates, cost per receipt, churn, agreements (400 for a bad period or a future asOf, 404 for a creditor or cadence out of reach)',
        querystring: KpiFiltersQuery,
        response: { 200: KpiReportSchema },
      },
    },
    async (request) => computeKpis(db, requireScope(request), filtersOf(request.query)),
  );

  app.get(
    '/api/v1/kpis/debtors',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['kpis'],
        summary:
          'The debtors behind one figure of the KPIs (same filters), largest first, a page at a time (keyset cursor)',
        querystring: KpiDrillQuery,
        response: { 200: KpiDebtorPageSchema },
      },
    },
    async (request) => {
      const q = request.query;
      return kpiDebtors(db, requireScope(request), filtersOf(q), figureOf(q), {
        cursor: q.cursor ?? null,
        limit: q.limit ?? 50,
      });
    },
  );

  app.get(
    '/api/v1/kpis/recovery-curve',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['kpis'],
        summary:
          'The recovery curve: for each month of due dates, the cumulative share of what was left unpaid on the due date recovered by days since it (0..180)',
        querystring: TrendQuery,
        response: { 200: RecoveryCurveSchema },
      },
    },
    async (request) => recoveryCurve(db, requireScope(request), trendFiltersOf(request.query)),
  );

  app.get(
    '/api/v1/kpis/dso-trend',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['kpis'],
        summary: 'DSO (standard and countback) month by month, the last month up to `to`',
        querystring: TrendQuery,
        response: { 200: DsoTrendSchema },
      },
    },
    async (request) => dsoTrend(db, requireScope(request), trendFiltersOf(request.query)),
  );

  app.get(
    '/api/v1/kpis/debtors/export.csv',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['kpis'],
        summary:
          'Every debtor behind one figure of the KPIs (same filters as the drill-down), as CSV (streamed; audited)',
        querystring: Type.Omit(KpiDrillQuery, ['cursor', 'limit']),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      const q = request.query;
      const filters = filtersOf(q);
      const figure = figureOf(q);
      return sendCsv(reply, {
        filename: csvFilename(`indicadores-${q.figure}`, todayIn(scope.timeZone)),
        columns: DRILL_COLUMNS,
        timeZone: scope.timeZone,
        rows: keysetPages((cursor) =>
          kpiDebtors(db, scope, filters, figure, { cursor, limit: EXPORT_PAGE_SIZE }),
        ),
        beforeSend: () => auditExport(db, scope, { view: 'kpi_debtors', filters: q }),
      });
    },
  );
}
