/**
 * The monthly creditor report (relatório mensal): types and calls of /api/v1/creditors/{id}/reports,
 * kept in one file of the reports area (src/reports/monthly.ts gives every shape). Money in centavos;
 * a ratio is null when there is nothing under it ("sem dados").
 */
import { api } from './client.ts';

const V1 = '/api/v1';

export type ReportStatus = 'closed' | 'partial';

export interface ReportMonth {
  month: string;
  label: string;
  status: ReportStatus;
  dataUntil: string;
}

export type ReportBucket = 'current' | '0-30' | '31-60' | '61-90' | '91-180' | '180+';

export interface MonthlyReport {
  header: {
    organization: string;
    creditor: { id: number; legalName: string; tradeName: string | null; cnpj: string };
    month: string;
    monthLabel: string;
    from: string;
    to: string;
    dataUntil: string;
    previousMonth: string;
    generatedAt: string;
    timeZone: string;
    status: ReportStatus;
    banner: string | null;
  };
  portfolio: {
    asOf: string;
    previousAsOf: string;
    totalCents: number;
    count: number;
    overdueCents: number;
    defaultRate: number | null;
    previous: { totalCents: number; count: number; overdueCents: number; defaultRate: number | null };
    buckets: Array<{
      bucket: ReportBucket;
      cents: number;
      count: number;
      share: number | null;
      previousCents: number;
      previousCount: number;
    }>;
  };
  recovery: {
    collectedCents: number;
    previousCollectedCents: number;
    recoveredCents: number;
    overdueAtStartCents: number;
    rate: number | null;
    previousRate: number | null;
    receivedCents: number;
    payments: number;
    byWeek: Array<{ from: string; to: string; cents: number }>;
    bySource: Array<{ source: string; cents: number; payments: number }>;
  };
  kpis: {
    rows: Array<{
      key: string;
      label: string;
      unit: 'days' | 'ratio' | 'percent' | 'cents' | 'count';
      value: number | null;
      previous: number | null;
    }>;
  };
  actions: {
    byChannel: Array<{
      channel: string;
      total: number;
      attempted: number;
      delivered: number;
      failed: number;
    }>;
    calls: { done: number; open: number };
    letters: number;
    negativacoes: number;
    protests: number;
    promisesMade: number;
  };
  agreements: {
    made: number;
    madeCents: number;
    broken: number;
    completed: number;
    list: Array<{ id: number; debtorName: string; madeOn: string; totalCents: number; status: string }>;
  };
  notes: string[];
}

export const reportKeys = {
  months: (creditorId: number) => ['creditors', creditorId, 'reports'] as const,
  report: (creditorId: number, month: string) => ['creditors', creditorId, 'reports', month] as const,
};

export const reportEndpoints = {
  /** The months a creditor's report covers, latest first (the running one is partial). */
  listReportMonths: (creditorId: number) =>
    api.get<{ creditorId: number; today: string; months: ReportMonth[] }>(
      `${V1}/creditors/${creditorId}/reports`,
    ),
  getMonthlyReport: (creditorId: number, month: string) =>
    api.get<MonthlyReport>(`${V1}/creditors/${creditorId}/reports/${encodeURIComponent(month)}`),
};

/** The report files, served with the session cookie (attachments; each download is audited). */
export const reportDownloads = {
  pdf: (creditorId: number, month: string) => `${V1}/creditors/${creditorId}/reports/${month}.pdf`,
  xlsx: (creditorId: number, month: string) => `${V1}/creditors/${creditorId}/reports/${month}.xlsx`,
};
