/**
 * BPO billing (faturamento): types and calls of /api/v1 fee terms, issuer and fee statements. Kept in
 * one file of the billing area (src/billing/routes.ts gives every shape).
 */
import { api, apiDownload, type DownloadedFile } from './client.ts';

export type FeeTier = { fromDays: number; toDays: number | null; basisPoints: number };

export type AppliedFeeTerms = {
  source: 'version' | 'creditor';
  versionId: number | null;
  effectiveMonth: string | null;
  monthlyFeeCents: number;
  successFeeBasisPoints: number | null;
  tiers: FeeTier[];
};

export type FeeTermsVersion = {
  id: number;
  effectiveMonth: string;
  monthlyFeeCents: number;
  successFeeBasisPoints: number | null;
  tiers: FeeTier[];
  createdBy: string;
  createdAt: string;
};

export type CreditorFeeTerms = {
  creditorId: number;
  currentMonth: string;
  current: AppliedFeeTerms;
  versions: FeeTermsVersion[];
  lastIssuedMonth: string | null;
};

export type FeeTermsInput = {
  effectiveMonth: string;
  monthlyFeeCents: number;
  successFeeBasisPoints: number | null;
  tiers: FeeTier[];
};

export type BillingIssuer = { legalName: string; cnpj: string; address: string | null };

export type StatementState = 'issued' | 'closed' | 'open' | 'future';

export type StatementSummary = {
  creditor: { id: number; legalName: string; tradeName: string | null; cnpj: string };
  month: string;
  period: { from: string; to: string };
  state: StatementState;
  partial: boolean;
  number: number | null;
  issuedAt: string | null;
  issuedBy: string | null;
  monthlyFeeCents: number;
  recoveredCents: number;
  successFeeExact: string;
  successFeeCents: number;
  totalCents: number;
  lineCount: number;
};

export type StatementLine = {
  lineNo: number;
  paymentId: number;
  receivableId: number;
  receivable: string;
  debtorId: number;
  debtorName: string;
  debtorDocument: string;
  paidOn: string;
  lateSince: string;
  agreementId: number | null;
  daysLate: number;
  cents: number;
  basisPoints: number;
  rateLabel: string;
  feeExact: string;
  feeCents: number;
  carriedOver: boolean;
};

export type FeeStatement = Omit<StatementSummary, 'lineCount'> & {
  issuer: BillingIssuer | null;
  note: string;
  terms: AppliedFeeTerms;
  lines: StatementLine[];
};

export type MonthStatements = {
  month: string;
  state: Exclude<StatementState, 'issued'>;
  note: string | null;
  items: StatementSummary[];
};

const V1 = '/api/v1';

export const billingKeys = {
  all: ['billing'] as const,
  terms: (creditorId: number) => ['billing', 'terms', creditorId] as const,
  issuer: ['billing', 'issuer'] as const,
  month: (month: string) => ['billing', 'month', month] as const,
  statement: (creditorId: number, month: string) => ['billing', 'statement', creditorId, month] as const,
  issued: (creditorId: number) => ['billing', 'issued', creditorId] as const,
};

export const billing = {
  getTerms: (creditorId: number) => api.get<CreditorFeeTerms>(`${V1}/creditors/${creditorId}/fee-terms`),
  /** billing:manage; 400 with every problem (pt-BR) when unsound, 409 for a month already issued. */
  setTerms: (creditorId: number, input: FeeTermsInput) =>
    api.put<CreditorFeeTerms>(`${V1}/creditors/${creditorId}/fee-terms`, input),
  getIssuer: () => api.get<{ issuer: BillingIssuer | null }>(`${V1}/billing/issuer`),
  setIssuer: (issuer: BillingIssuer) => api.put<{ issuer: BillingIssuer }>(`${V1}/billing/issuer`, issuer),
  listMonth: (month: string) => api.get<MonthStatements>(`${V1}/fee-statements`, { month }),
  listIssued: (creditorId: number) =>
    api.get<{ items: StatementSummary[] }>(`${V1}/creditors/${creditorId}/fee-statements`),
  getStatement: (creditorId: number, month: string) =>
    api.get<FeeStatement>(`${V1}/creditors/${creditorId}/fee-statements/${month}`),
  /** billing:manage; a closed month only (409 otherwise); issuing again answers the same statement. */
  issue: (creditorId: number, month: string) =>
    api.post<FeeStatement>(`${V1}/creditors/${creditorId}/fee-statements/${month}/issue`),
  download: (creditorId: number, month: string, kind: 'pdf' | 'csv'): Promise<DownloadedFile> =>
    apiDownload(
      `${V1}/creditors/${creditorId}/fee-statements/${month}/statement.${kind}`,
      `honorarios-${month}.${kind}`,
    ),
};
