/**
 * The monthly creditor report over HTTP: the months a creditor's report can be asked for, and one
 * month's report as JSON, PDF or XLSX. All read through the caller's Scope (a client viewer sees only
 * its creditors; another creditor is a 404). The files list the month's agreements by debtor name, so
 * each download is written to the audit trail, as the letters' are.
 */
import { Type } from '@sinclair/typebox';
import type { Scope } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { requireScope } from '../http/auth.ts';
import type { App, AppContext } from '../http/types.ts';
import { type MonthlyReport, monthlyReport, reportMonths } from './monthly.ts';
import { monthlyReportPdf } from './pdf.ts';
import { monthlyReportXlsx } from './xlsx.ts';

const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const CreditorParams = Type.Object({ id: Id });
/** Checked by the report itself, so a bad month is answered in pt-BR. */
const MonthParams = Type.Object({
  id: Id,
  month: Type.String({ minLength: 1, maxLength: 20, description: 'YYYY-MM' }),
});

const MonthsSchema = Type.Object({
  creditorId: Id,
  today: Type.String(),
  months: Type.Array(
    Type.Object({
      month: Type.String(),
      label: Type.String(),
      status: Type.Union([Type.Literal('closed'), Type.Literal('partial')]),
      dataUntil: Type.String(),
    }),
  ),
});

const ReportSchema = Type.Unsafe<MonthlyReport>({
  type: 'object',
  additionalProperties: true,
  description:
    'MonthlyReport (src/reports/monthly.ts): header, portfolio, recovery, kpis, actions, agreements, notes. Money in centavos; ratios as numbers or null ("sem dados").',
});

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Records who took a report file out of the system (it names debtors). */
export async function auditReportDownload(
  db: Database,
  scope: Scope,
  report: MonthlyReport,
  format: 'pdf' | 'xlsx',
) {
  await withTenant(db, scope.orgId, (tx) =>
    appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'export.report',
      entity: 'creditor_report',
      entityId: `${report.header.creditor.id}:${report.header.month}`,
      after: {
        creditorId: report.header.creditor.id,
        month: report.header.month,
        status: report.header.status,
        format,
        agreements: report.agreements.list.length,
      },
    }),
  );
}

const filename = (report: MonthlyReport, ext: string) =>
  `relatorio-${report.header.creditor.id}-${report.header.month}${report.header.status === 'partial' ? '-parcial' : ''}.${ext}`;

export function reportRoutes(app: App, { db }: AppContext) {
  app.get(
    '/api/v1/creditors/:id/reports',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['reports'],
        summary: 'The months a creditor’s monthly report covers, latest first, each closed or partial',
        params: CreditorParams,
        response: { 200: MonthsSchema },
      },
    },
    async (request) => reportMonths(db, requireScope(request), request.params.id),
  );

  app.get(
    '/api/v1/creditors/:id/reports/:month',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['reports'],
        summary:
          'A creditor’s monthly report (portfolio, recovered amounts, KPIs, actions, agreements); 400 for a bad or future month',
        params: MonthParams,
        response: { 200: ReportSchema },
      },
    },
    async (request) =>
      monthlyReport(db, requireScope(request), {
        creditorId: request.params.id,
        month: request.params.month,
      }),
  );

  app.get(
    '/api/v1/creditors/:id/reports/:month.pdf',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['reports'],
        summary: 'A creditor’s monthly report as PDF (pt-BR; the download is audited)',
        params: MonthParams,
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      const report = await monthlyReport(db, scope, {
        creditorId: request.params.id,
        month: request.params.month,
      });
      const pdf = await monthlyReportPdf(report);
      await auditReportDownload(db, scope, report, 'pdf');
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${filename(report, 'pdf')}"`)
        .send(pdf);
    },
  );

  app.get(
    '/api/v1/creditors/:id/reports/:month.xlsx',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['reports'],
        summary: 'A creditor’s monthly report as XLSX, one sheet per section (the download is audited)',
        params: MonthParams,
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      const report = await monthlyReport(db, scope, {
        creditorId: request.params.id,
        month: request.params.month,
      });
      const xlsx = await monthlyReportXlsx(report);
      await auditReportDownload(db, scope, report, 'xlsx');
      return reply
        .type(XLSX_TYPE)
        .header('content-disposition', `attachment; filename="${filename(report, 'xlsx')}"`)
        .send(xlsx);
    },
  );
}
