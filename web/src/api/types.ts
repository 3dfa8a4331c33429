export type Role = 'admin' | 'manager' | 'collector' | 'client_viewer' | 'auditor';

export interface SessionOrganization {
  id: number;
  slug: string;
  name: string;
  role: Role;
}

export interface Session {
  user: { id: number; email: string; name: string; totpEnabled: boolean };
  organization: { id: number; slug: string; name: string; timeZone: string };
  role: Role;
  creditorIds: number[] | null;
  organizations: SessionOrganization[];
}

export interface Address {
  street: string | null;
  number: string | null;
  complement: string | null;
  district: string | null;
  city: string | null;
  uf: string | null;
  cep: string | null;
}

export interface CreditorStats {
  debtors: number;
  receivables: number;
  openCents: number;
  overdueCents: number;
}

export interface Creditor {
  id: number;
  cnpj: string;
  legalName: string;
  tradeName: string | null;
  segment: string | null;
  address: Address | null;
  monthlyFeeCents: number;
  successFeeBasisPoints: number;
  /** Present in the list; may be absent elsewhere. */
  stats?: CreditorStats;
}

export type AgingBucketKey = 'not_due' | '1-30' | '31-60' | '61-90' | '91-180' | '180+';

export interface AgingBucket {
  bucket: AgingBucketKey;
  count: number;
  openCents: number;
}

export interface Aging {
  asOf: string;
  buckets: AgingBucket[];
}

export interface ChannelPreference {
  optedOutAt?: string | null;
  consentAt?: string | null;
}

export interface Debtor {
  id: number;
  creditorId: number;
  kind: 'person' | 'company';
  document: string;
  name: string;
  emails: string[];
  phones: string[];
  whatsapp: string | null;
  address: Address | null;
  tags: string[];
  channelPreferences: Record<string, ChannelPreference | undefined>;
  openCents: number;
  receivablesCount: number;
}

export type ReceivableStatus = 'open' | 'partially_paid' | 'paid' | 'cancelled' | 'written_off';

export interface Receivable {
  id: number;
  creditorId: number;
  debtorId: number;
  debtorName: string;
  debtorDocument: string;
  externalId: string;
  documentNumber: string | null;
  installmentNumber: number | null;
  installmentCount: number | null;
  issueDate: string | null;
  dueDate: string;
  originalCents: number;
  openCents: number;
  status: ReceivableStatus;
  daysPastDue: number;
  nossoNumero: string | null;
  pixTxid: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type ImportStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface Import {
  id: number;
  creditorId: number;
  creditorName: string;
  source: 'csv' | 'json';
  filename: string | null;
  status: ImportStatus;
  totalBytes: number | null;
  processedBytes: number;
  processedRows: number;
  imported: number;
  updated: number;
  unchanged: number;
  rejected: number;
  errorMessage: string | null;
  /** Why a failed import failed (stable code, translated in lib/labels.ts). */
  errorCode: string | null;
  errorDetails: Record<string, unknown> | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface ImportRowError {
  /** Line in the file (1 = header); item number for JSON batches; 0 = the whole file. */
  line: number;
  column: string | null;
  value: string | null;
  reason: string;
  code: string;
}

export interface ImportErrorsPage {
  items: ImportRowError[];
  total: number;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: unknown;
  /** Login only: the account has the second factor on and the code was missing or wrong. */
  totpRequired?: boolean;
}

/** Answer of POST /session/totp: the secret to load into an authenticator app (not active until confirmed). */
export interface TotpEnrollment {
  /** Base32 (RFC 4648) without padding. */
  secret: string;
  otpauthUrl: string;
}

export type ImportEncoding = 'utf-8' | 'windows-1252';

export interface ImportPreviewField {
  field: string;
  required: boolean;
  /** Normalized header names the server matches to this field on its own. */
  aliases: string[];
}

/** What POST /imports/preview read from the start of a CSV file. */
export interface ImportPreview {
  encoding: ImportEncoding;
  delimiter: string;
  headers: string[];
  /** field -> header of the column that would be read for it. */
  mapping: Record<string, string>;
  /** Required fields no column feeds. */
  missing: string[];
  sample: string[][];
  fields: ImportPreviewField[];
}
