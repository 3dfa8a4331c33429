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

/** `in_agreement`: an original renegotiated into an agreement (acordo); its balance waits there. */
export type ReceivableStatus =
  | 'open'
  | 'partially_paid'
  | 'paid'
  | 'cancelled'
  | 'written_off'
  | 'in_agreement';

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
  /** Invalid cadence (422): `[{path, message}]`, same shape as POST /cadences/validate. */
  problems?: unknown;
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

// ---------------------------------------------------------------------------------------------
// Régua de cobrança (dunning cadence)

export type StepChannel =
  | 'email'
  | 'sms'
  | 'whatsapp'
  | 'phone'
  | 'letter'
  | 'portal'
  | 'negativacao'
  | 'protest';

export type StepPurpose = 'reminder' | 'prior_notice';

export interface StepTemplate {
  subject?: string | null;
  body: string;
}

export interface StepConditions {
  skipOnPromise?: boolean;
  skipOnAgreement?: boolean;
  skipOnDispute?: boolean;
  skipOnPause?: boolean;
}

/** A challenger in an A/B test; the step's own template is variant "a" (weight = 100 - the others). */
export interface StepVariant {
  key: string;
  weight: number;
  offsetDays?: number;
  template: StepTemplate;
}

export interface CadenceStep {
  key: string;
  /** Days from the due date: negative before it. */
  offsetDays: number;
  channel: StepChannel;
  purpose?: StepPurpose;
  template: StepTemplate;
  conditions?: StepConditions;
  variants?: StepVariant[];
}

export interface SegmentRules {
  debtorKind?: 'person' | 'company';
  minCents?: number;
  maxCents?: number;
  minDaysLate?: number;
  maxDaysLate?: number;
  ufs?: string[];
  tags?: string[];
}

export interface CadenceSegment {
  key: string;
  name: string;
  rules: SegmentRules;
  steps: CadenceStep[];
}

export interface ContactHours {
  start: string;
  end: string;
}

export interface CadenceSettings {
  contactWindow: {
    weekdays: ContactHours | null;
    saturday: ContactHours | null;
    sunday: ContactHours | null;
  };
  frequencyCap: { contacts: number; days: number };
  legal: { noticeDays: number; minDaysLate: number; minAmountCents: number };
}

export interface CadenceDefinition {
  settings: CadenceSettings;
  segments: CadenceSegment[];
}

export type CadenceVersionStatus = 'draft' | 'active' | 'retired';

export interface CadenceVersionSummary {
  id: number;
  cadenceId: number;
  creditorId: number;
  version: number;
  status: CadenceVersionStatus;
  note: string | null;
  createdBy: string;
  createdAt: string;
  activatedAt: string | null;
  retiredAt: string | null;
}

export interface CadenceVersion extends CadenceVersionSummary {
  definition: CadenceDefinition;
}

export interface Cadence {
  id: number;
  creditorId: number;
  name: string;
  createdAt: string;
  /** Newest first. */
  versions: CadenceVersionSummary[];
}

/** A problem with a cadence; `path` like `segments[0].steps[2].offsetDays`. Message in pt-BR. */
export interface DefinitionProblem {
  path: string;
  message: string;
}

export interface TemplateVariableInfo {
  description: string;
  example: string;
}

export interface CadenceDefaults {
  definition: CadenceDefinition;
  variables: Record<string, TemplateVariableInfo>;
}

export interface TemplatePreview {
  subject: string | null;
  body: string | null;
  missing: string[];
  problems: { code: string; message: string }[];
  sms: { encoding: string; characters: number; segments: number } | null;
}

export interface PlanSummary {
  date: string;
  planned: number;
  skipped: number;
  byChannel: Record<string, number>;
  byStatus: Record<string, number>;
  byReason: Record<string, number>;
  ranAt: string | null;
}

export interface PlanRunResult {
  date: string;
  businessDay: boolean;
  planned: number;
  plannedReceivables: number;
  skipped: number;
  byChannel: Record<string, number>;
  byReason: Record<string, number>;
}

export type MessageStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'cancelled';

export interface MessageWhy {
  planDate?: string;
  cadenceVersion?: number;
  segment?: string;
  step?: string;
  variant?: string | null;
  offsetDays?: number;
  daysLate?: number;
  receivables?: number;
  openCents?: number;
}

export interface GateEvidence {
  receivableId: number;
  noticeMessageId: number | null;
  noticeSentAt: string | null;
  daysLate: number;
  openCents: number;
  noticeDays: number;
  minDaysLate: number;
  minAmountCents: number;
}

export interface OutboundMessage {
  id: number;
  creditorId: number;
  debtorId: number;
  debtorName: string;
  channel: string;
  purpose: string;
  status: string;
  planDate: string | null;
  stepKey: string | null;
  variantKey: string | null;
  toAddress: string | null;
  subject: string | null;
  body: string | null;
  attempts: number;
  nextAttemptAt: string;
  sentAt: string | null;
  costCents: number | null;
  lastError: string | null;
  why: MessageWhy;
  evidence: { items: GateEvidence[] } | null;
  /** Phone steps: the call in the collectors' worklist (null for other channels). */
  task: MessageTask | null;
  receivables: { id: number; externalId: string; openCents: number; daysLate: number }[];
}

export interface MessageFilters {
  date?: string | undefined;
  creditorId?: number | undefined;
  debtorId?: number | undefined;
  channel?: string | undefined;
  status?: string | undefined;
}

export interface SkipDetail {
  cadenceVersion?: number;
  variant?: string;
  offsetDays?: number;
  daysLate?: number;
  openCents?: number;
  noticeMessageId?: number;
  noticeSentAt?: string;
  noticeDays?: number;
  minAmountCents?: number;
  capContacts?: number;
  capDays?: number;
}

export interface PlanSkip {
  receivableId: number;
  externalId: string;
  debtorId: number;
  debtorName: string;
  creditorId: number;
  stepKey: string;
  segmentKey: string;
  channel: string;
  reason: string;
  detail: SkipDetail;
  planDate: string;
}

export interface SkipFilters {
  date?: string | undefined;
  creditorId?: number | undefined;
  debtorId?: number | undefined;
  reason?: string | undefined;
}

export interface InboxMessage {
  id: number;
  messageId: number;
  channel: string;
  toAddress: string | null;
  subject: string | null;
  body: string;
  deliveries: number;
  receivedAt: string;
  debtorId: number;
  debtorName: string;
  creditorId: number;
}

export type HoldKind = 'promise' | 'agreement' | 'dispute' | 'pause';

export interface Hold {
  id: number;
  debtorId: number;
  receivableId: number | null;
  kind: HoldKind;
  untilDate: string | null;
  reason: string;
  createdBy: string;
  createdAt: string;
  releasedAt: string | null;
  releasedBy: string | null;
}

export interface NewHold {
  kind: HoldKind;
  untilDate?: string;
  receivableId?: number;
  reason: string;
}

export type ExperimentVerdict = 'winner' | 'not_yet' | 'no_difference';

export interface ExperimentVariant {
  key: string;
  weight: number;
  contacted: number;
  /** Contacts sent at least 30 days ago: the ones paid7 and paid30 are counted over. */
  mature: number;
  paid7: number;
  paid30: number;
  recoveredCents: number;
}

export interface Experiment {
  versionId: number;
  version: number;
  stepKey: string;
  channel: string;
  variants: ExperimentVariant[];
  verdict: ExperimentVerdict;
  winner: string | null;
  pValue: number | null;
  explanation: string;
}

export interface SimulationPoint {
  day: number;
  date: string;
  contacts: number;
  costCents: number;
  recoveredCents: number;
  cumulativeRecoveredCents: number;
}

export interface Simulation {
  versionId: number;
  version: number;
  startDate: string;
  days: number;
  debtors: number;
  receivables: number;
  openCentsAtStart: number;
  series: SimulationPoint[];
  totals: {
    contacts: number;
    costCents: number;
    recoveredCents: number;
    /** Fraction (0-1) of the open balance at the start. */
    recoveryRate: number;
    byChannel: Record<string, number>;
  };
  model: {
    source: string;
    note: string;
    channels: Record<string, number>;
    baseline: { maxDaysLate: number; probability: number }[];
  };
}

// ---------------------------------------------------------------------------------------------
// Collectors' worklist (phone steps become calls)

export type TaskOutcome = 'reached' | 'not_reached' | 'wrong_number' | 'promise' | 'dispute' | 'refused';
export type TaskStatus = 'open' | 'done' | 'cancelled';

/** The call a phone step became, as the outbox lists it with the message. */
export interface MessageTask {
  id: number;
  status: TaskStatus;
  outcome: TaskOutcome | null;
  note: string | null;
  promiseDate: string | null;
  /** Integer centavos. */
  promiseCents: number | null;
  /** Actor string ("user:12"). */
  doneBy: string | null;
  doneAt: string | null;
}

export interface WorklistTask {
  id: number;
  messageId: number;
  creditorId: number;
  debtorId: number;
  debtorName: string;
  /** The number to call (E.164), null when the step had none. */
  phone: string | null;
  /** Every number the debtor has now. */
  phones: string[];
  script: string;
  /** Amount at stake weighed by lateness: higher first. */
  priority: number;
  /** All the debtor owes now (integer centavos). */
  openCents: number;
  daysLate: number;
  /** User id of the collector who took it. */
  assignedTo: number | null;
  status: TaskStatus;
  outcome: TaskOutcome | null;
  note: string | null;
  promiseDate: string | null;
  promiseCents: number | null;
  createdAt: string;
  doneAt: string | null;
  doneBy: string | null;
  /** Probability that the debtor pays (behavioural score); null when not scored yet. */
  probability: number | null;
  /** Probability × open balance (integer centavos). */
  expectedRecoveryCents: number | null;
  factors: ScoreFactor[];
  scoreKind: 'model' | 'rules' | null;
  /** The debtor's aging bucket today: '0-30' | '31-60' | '61-90' | '91-180' | '180+'. */
  bucket: string;
  /** Position in the open queue (1 = first); null for done calls. */
  queueRank: number | null;
}

// ---------------------------------------------------------------------------------------------
// Behavioural score (src/scoring)

export interface ScoreFactor {
  feature: string;
  value: number;
  of?: number | null;
  /** Signed contribution to the log-odds of paying. */
  contribution: number;
  /** The factor in pt-BR, e.g. "3 promessas quebradas". */
  label: string;
  effect: 'raises' | 'lowers';
}

export interface DebtorScore {
  debtorId: number;
  creditorId: number;
  probability: number;
  openCents: number;
  expectedRecoveryCents: number;
  maxDaysLate: number;
  asOf: string;
  scoredAt: string;
  factors: ScoreFactor[];
  model: {
    id: number;
    kind: 'model' | 'rules';
    auc: number | null;
    trainedAt: string;
    asOf: string;
    reason: string | null;
    nTrain: number;
    nTest: number;
    labelDays: number;
  };
}

export interface ScoreModel {
  id: number | null;
  creditorId: number;
  asOf: string;
  kind: 'model' | 'rules';
  features: string[];
  auc: number | null;
  nTrain: number;
  nTest: number;
  positives: number;
  positiveRate: number | null;
  labelDays: number;
  reason: string | null;
  trainedAt: string | null;
}

export type WorklistAssigned = 'me' | 'unassigned' | 'all';

export interface WorklistFilters {
  status: 'open' | 'done';
  assigned: WorklistAssigned;
  creditorId?: number | undefined;
  debtorId?: number | undefined;
}

export interface TaskOutcomeInput {
  outcome: TaskOutcome;
  note?: string;
  /** Required for a promise: 'YYYY-MM-DD', today or later. */
  promiseDate?: string;
  /** Required for a promise: integer centavos. */
  promiseCents?: number;
}

// ---------------------------------------------------------------------------------------------
// Letters (print batch)

export interface LetterItem {
  messageId: number;
  debtorName: string;
  purpose: string;
  sentAt: string;
  city: string | null;
  cep: string | null;
}

export interface LettersDay {
  date: string;
  items: LetterItem[];
}

// ---------------------------------------------------------------------------------------------
// Channel providers (which provider carries each channel)

/**
 * 'sandbox' carries every channel (nothing is really sent); e-mail can also go through 'smtp', phone
 * steps to the collectors' 'worklist', letters to the team's 'print' batch.
 */
export type ChannelProviderName = 'sandbox' | 'smtp' | 'worklist' | 'print';

export type SmtpSecurity = 'tls' | 'starttls' | 'none';

/** The SMTP settings the server keeps in the clear (the password is write-only). */
export interface SmtpSettings {
  host: string;
  port: number;
  security: SmtpSecurity;
  username?: string | null;
  fromAddress: string;
  fromName?: string;
  replyTo?: string | null;
  /** Integer centavos per e-mail. */
  costCents?: number;
}

export interface ChannelProvider {
  channel: StepChannel;
  provider: string;
  /** The providers this channel can use, the default (used when never configured) first. */
  available: string[];
  /** Empty for the sandbox; SmtpSettings for 'smtp'; `{costCents}` for 'print'. */
  settings: Record<string, unknown>;
  /** Whether credentials are stored (they are never returned). */
  hasSecret: boolean;
  /** When false the channel falls back to the sandbox. */
  enabled: boolean;
  /** Actor string ("user:12"), null when never configured. */
  updatedBy: string | null;
  updatedAt: string | null;
}

export interface ChannelProviderInput {
  provider: ChannelProviderName;
  settings: Record<string, unknown>;
  /** Omit (or null) to keep the stored password. */
  password?: string | null;
  enabled?: boolean;
}

// ---------------------------------------------------------------------------------------------
// What debtors send us

/** A message the debtor sent us (WhatsApp reply, SMS answer), matched to the debtor by number. */
export interface InboundReply {
  id: number;
  channel: string;
  /** Digits only, with the country code (5511987654321). */
  fromAddress: string;
  /** The provider's message type: 'text', 'button', 'image'... */
  kind: string;
  body: string | null;
  /** When the debtor sent it. */
  sentAt: string;
  receivedAt: string;
}

// ---------------------------------------------------------------------------------------------
// LGPD (data subject requests)

/**
 * 'kept': a debt is still open (the data is needed to collect it); 'contacts_erased': the debt closed,
 * contacts are gone and the financial records stay for the 5-year retention; 'anonymized': past it.
 */
export type LgpdDebtorStatus = 'anonymized' | 'contacts_erased' | 'kept';

/** What an erasure request did to one debtor record (one per client company holding the subject). */
export interface LgpdDebtorOutcome {
  debtorId: number;
  /** The client company (controller): trade name, else legal name. */
  creditor: string;
  status: LgpdDebtorStatus;
  /** pt-BR, from the server: why it was kept, or what was erased. */
  reason: string;
}

export interface LgpdAnonymizeResult {
  document: string;
  debtors: LgpdDebtorOutcome[];
}

// ---------------------------------------------------------------------------------------------
// Money in: payments from bank return files and statements; updated charges; collection terms

export type PaymentFileFormat = 'cnab240' | 'cnab400' | 'ofx';

/** A line of a payment file that was skipped (headers, other movements) or could not be read. */
export interface PaymentFileNote {
  line: number;
  reason: string;
}

/** What POST /payments/import did with a bank return file (CNAB 240/400) or a statement (OFX). */
export interface PaymentImportResult {
  fileId: number;
  format: PaymentFileFormat | string;
  /** The same bytes were imported before: every payment in it is then a duplicate. */
  seenBefore: boolean;
  /** New payments taken in (duplicates not counted). */
  payments: number;
  /** Payments already taken in by an earlier file. */
  duplicates: number;
  allocated: number;
  partiallyAllocated: number;
  unallocated: number;
  allocatedCents: number;
  creditCents: number;
  ignored: PaymentFileNote[];
  errors: PaymentFileNote[];
}

/**
 * 'allocated': all of it paid titles; 'partially_allocated': the overpayment stays as the debtor's
 * credit; 'unallocated': nobody matched, waiting for a person to reconcile it; 'rejected': a person
 * decided it was not a debtor's payment (a bank fee, a transfer).
 */
export type PaymentStatus = 'allocated' | 'partially_allocated' | 'unallocated' | 'rejected';

export interface PaymentAllocation {
  receivableId: number;
  externalId: string;
  cents: number;
}

export interface Payment {
  id: number;
  source: string;
  amountCents: number;
  paidOn: string;
  payerName: string | null;
  payerDocument: string | null;
  reference: string | null;
  status: PaymentStatus | string;
  /** What was left over after paying the titles: the debtor's credit. */
  creditCents: number;
  /**
   * How the payment was matched, in pt-BR: "nosso número 12345678", "conciliação automática (confiança
   * 93%) …", or who decided it: "conciliado por user:12: nota", "rejeitado por user:12: motivo".
   */
  matchedBy: string | null;
  debtorId: number | null;
  debtorName: string | null;
  allocations: PaymentAllocation[];
  createdAt: string;
}

export interface PaymentFilters {
  status?: PaymentStatus | undefined;
  debtorId?: number | undefined;
}

/**
 * The reconciler's decision for a payment no reference matched: 'auto' (sure enough to allocate alone),
 * 'suggest' (worth showing a person), 'none' (no likely debtor).
 */
export type ReconciliationDecision = 'auto' | 'suggest' | 'none';

/** A receivable a candidate would pay, with its value updated to the day paid (null: unknown). */
export interface CandidateReceivable {
  id: number;
  externalId: string;
  documentNumber: string | null;
  dueDate: string;
  openCents: number;
  updatedCents: number | null;
}

/** A debtor a waiting payment may be from, with how sure the reconciler is and why. */
export interface PaymentCandidate {
  debtorId: number;
  debtorName: string;
  debtorDocument: string;
  /** 0..1 */
  confidence: number;
  /** pt-BR, strongest first. */
  reasons: string[];
  receivableIds: number[];
  receivables: CandidateReceivable[];
}

/** GET /payments/:id/candidates: best first. */
export interface PaymentCandidates {
  paymentId: number;
  decision: ReconciliationDecision | string;
  candidates: PaymentCandidate[];
}

/** POST /payments/:id/confirm: the debtor, optionally the receivable paid first, and a note. */
export interface ConfirmPaymentInput {
  debtorId: number;
  /** The receivables the candidate names (paid together), paid first. */
  receivableIds?: number[];
  note?: string;
}

/** What a person's decision did (confirm or reject). */
export interface PaymentDecision {
  paymentId: number;
  status: PaymentStatus | string;
  /** "conciliado por user:12: nota" or "rejeitado por user:12: motivo". */
  matchedBy: string;
  allocatedCents?: number;
  chargesCents?: number;
  creditCents?: number;
  receivableIds?: number[];
}

export type ChargeKind = 'principal' | 'correcao' | 'multa' | 'juros' | 'desconto';

/** One line of an updated charge, with the server's pt-BR explanation (the one the debtor sees). */
export interface ChargeComponent {
  kind: ChargeKind | string;
  cents: number;
  explanation: string;
}

export interface ReceivableCharge {
  receivableId: number;
  externalId: string;
  dueDate: string;
  openCents: number;
  totalCents: number;
  components: ChargeComponent[];
}

/** GET /debtors/:id/charges: what the debtor owes as of a date, component by component. */
export interface DebtorCharges {
  asOf: string;
  totalCents: number;
  receivables: ReceivableCharge[];
  /** The Pix copia-e-cola for the total and its QR code (SVG made by our server), when terms have a key. */
  pix: { copiaECola: string; qrSvg: string } | null;
  /** Why the update could not be made (pt-BR), e.g. IPCA months missing or no collection terms. */
  error: string | null;
}

export type CorrectionIndex = 'none' | 'ipca';

/** A creditor's collection terms (decimal percentages as strings: '2', '0.033'). */
export interface CollectionTerms {
  multaPercent: string;
  /** null = no agreed rate: the taxa legal (Selic − IPCA) applies. */
  jurosMonthlyPercent: string | null;
  correction: CorrectionIndex;
  multaCapPercentForCompanies: string;
  pixKey: string | null;
  pixMerchantName: string | null;
  pixCity: string | null;
}

export interface OfferInstallment {
  number: number;
  dueDate: string;
  amountCents: number;
}

/** One way to settle: 'avista' (cash, with the discount) or 'parcelado-N' (N payments, entrada included). */
export interface NegotiationOffer {
  key: string;
  kind: 'cash' | 'installments' | string;
  totalCents: number;
  discountCents: number;
  downPaymentCents: number;
  downPaymentDueDate: string | null;
  installments: OfferInstallment[];
  /** Decimal string ('1.5'). */
  monthlyRatePercent: string;
  /** pt-BR lines explaining how the offer was made. */
  explanation: string[];
}

/** GET /debtors/:id/offers: the offers within the creditor's policy for what is owed as of a date. */
export interface DebtorOffers {
  asOf: string;
  totalCents: number;
  offers: NegotiationOffer[];
  /** Why no offer can be made (pt-BR), e.g. nothing open or the update is unavailable. */
  error: string | null;
}

export interface DiscountBucket {
  maxDaysLate: number;
  /** Decimal string ('30'). */
  maxDiscountPercent: string;
  /** 'charges': only multa, juros and correção; 'total': the whole amount. */
  appliesTo: 'charges' | 'total';
}

/** A creditor's negotiation policy (decimal percentages as strings). */
export interface NegotiationPolicy {
  discountByDaysLate: DiscountBucket[];
  maxInstallments: number;
  minInstallmentCents: number;
  downPaymentPercent: string;
  installmentMonthlyRatePercent: string;
  /** Up to 3 payment counts (2..120), each including the entrada. */
  installmentOptions: number[];
  firstDueInDays: number;
  /** Days an agreement payment may be late before the agreement breaks (0..90; the server's default 10). */
  breakToleranceDays?: number;
}

export type AgreementStatus = 'active' | 'completed' | 'broken' | 'cancelled';

/** One payment of an agreement: a receivable of its own, with its Pix and, when issued, its boleto. */
export interface AgreementInstallment {
  number: number;
  receivableId: number;
  dueDate: string;
  amountCents: number;
  openCents: number;
  /** The receivable's status (open, partially_paid, paid, cancelled). */
  status: ReceivableStatus | string;
  pixCopiaECola: string | null;
  nossoNumero: string | null;
  /** The boleto's linha digitável, formatted. */
  boletoLine: string | null;
}

/** A receivable renegotiated into the agreement, with its balance before and what came back if it ended. */
export interface AgreementOriginal {
  receivableId: number;
  externalId: string;
  openCentsBefore: number;
  updatedCents: number;
  returnedCents: number | null;
}

/** An agreement (acordo): an accepted offer. */
export interface Agreement {
  id: number;
  creditorId: number;
  debtorId: number;
  status: AgreementStatus | string;
  offerKey: string;
  asOf: string;
  updatedCents: number;
  discountCents: number;
  totalCents: number;
  paidCents: number;
  toleranceDays: number;
  explanation: string[];
  /** Actor string: 'user:12', 'debtor:7:portal'... */
  createdBy: string;
  createdAt: string;
  endedAt: string | null;
  endReason: string | null;
  originals: AgreementOriginal[];
  installments: AgreementInstallment[];
}

/** POST .../agreements: the offer as it was shown; `requestKey` makes a retried click harmless. */
export interface AcceptOfferInput {
  offerKey: string;
  expectedTotalCents: number;
  requestKey: string;
}

/** A customer who paid everything or completed an agreement, followed for 90 days. */
export interface RecoveredCustomer {
  id: number;
  debtorId: number;
  debtorName: string;
  creditorName: string;
  recoveredOn: string;
  followUntil: string;
  reason: 'paid' | 'agreement_completed' | string;
  recoveredCents: number;
  /** A new receivable is open since the recovery. */
  owesAgain: boolean;
}

// ---------------------------------------------------------------------------------------------
// Boletos: the creditor's collection account and the CNAB 240 remessas

/** Banco do Brasil convênio the agreements' boletos are issued under. */
export interface BoletoAccount {
  /** '1234-5' */
  agency: string;
  /** '12345-6' */
  account: string;
  /** 7 digits. */
  convenio: string;
  /** '17' */
  carteira: string;
}

/** GET /creditors/:id/collection-account (the PSP secret is write-only: only whether one is stored). */
export interface CollectionAccount {
  boleto: BoletoAccount | null;
  psp: { url: string; clientId: string; hasSecret: boolean } | null;
}

/** PUT /creditors/:id/collection-account: omit `clientSecret` to keep the stored one. */
export interface CollectionAccountInput {
  boleto: BoletoAccount | null;
  psp: { url: string; clientId: string; clientSecret?: string } | null;
}

/** A CNAB 240 remessa file generated for a creditor. */
export interface Remessa {
  id: number;
  /** Número sequencial do arquivo. */
  nsa: number;
  filename: string;
  titles: number;
  totalCents: number;
  /** Actor string ("user:12"). */
  createdBy: string;
  createdAt: string;
}

/** POST /creditors/:id/remessas: the file, what went in, and the titles the bank would refuse. */
export interface RemessaOutcome extends Remessa {
  registered: number;
  writtenOff: number;
  refused: { seuNumero: string; problems: string[] }[];
}

// ---------------------------------------------------------------- KPIs (indicadores)

/** A ratio as a fraction (0.25 = 25%), or null when its denominator is zero ("sem dados"). */
export type KpiRatio = number | null;
export type KpiBucket = 'current' | '0-30' | '31-60' | '61-90' | '91-180' | '180+';
export type KpiFunnelStage = 'attempted' | 'delivered' | 'read' | 'replied' | 'failed';

export interface KpiChannel {
  channel: string;
  attempted: number;
  delivered: number;
  read: number;
  replied: number;
  failed: number;
  contactRate: KpiRatio;
  readRate: KpiRatio;
  responseRate: KpiRatio;
  costCents: number;
}

export interface KpiConversionStep {
  cadenceId: number;
  cadenceName: string;
  versionId: number;
  version: number;
  stepKey: string;
  variantKey: string;
  channel: string;
  contacts: number;
  judged: number;
  converted: number;
  rate: KpiRatio;
}

export interface KpiRollBucket {
  bucket: KpiBucket;
  cents: number;
  next: Partial<Record<KpiBucket, number>>;
  rolledCents: number;
  rollRate: KpiRatio;
}

/** GET /api/v1/kpis (src/kpis/report.ts on the server). */
export interface KpiReport {
  period: { from: string; to: string; asOf: string; days: number; complete: boolean };
  aging: {
    asOf: string;
    totalCents: number;
    count: number;
    overdueCents: number;
    defaultRate: KpiRatio;
    buckets: Array<{ bucket: KpiBucket; cents: number; count: number; share: KpiRatio }>;
  };
  dso: {
    receivablesCents: number;
    creditSalesCents: number;
    days: number;
    standard: number | null;
    countback: number | null;
  };
  /** percent is 0-100. */
  cei: {
    beginCents: number;
    creditSalesCents: number;
    endCents: number;
    endCurrentCents: number;
    percent: number | null;
  };
  recovery: { overdueAtStartCents: number; recoveredCents: number; collectedCents: number; rate: KpiRatio };
  promises: {
    due: number;
    kept: number;
    broken: number;
    pending: number;
    withdrawn: number;
    keptRate: KpiRatio;
    averageDaysToPayment: number | null;
  };
  channels: KpiChannel[];
  conversion: { windowDays: number; steps: KpiConversionStep[] };
  rollRates: Array<{ from: string; to: string; buckets: KpiRollBucket[] }>;
  costPerReceipt: {
    messageCents: number;
    messagesWithoutCost: number;
    collectorTasks: number;
    collectorCents: number;
    totalCents: number;
    payments: number;
    receivedCents: number;
    perReceiptCents: number | null;
    costRatio: KpiRatio;
  };
  involuntaryChurn: { daysPastDue: number; activeAtStart: number; churned: number; rate: KpiRatio };
  agreements: {
    made: number;
    madeCents: number;
    madeAndBroken: number;
    brokenRate: KpiRatio;
    brokenInPeriod: number;
    completedInPeriod: number;
    cancelledInPeriod: number;
  } | null;
  notes: string[];
}

export interface KpiFilters {
  from: string;
  to: string;
  creditorId?: number | null | undefined;
}

/** The figure a drill-down lists the debtors of (GET /api/v1/kpis/debtors). */
export type KpiFigure =
  | { figure: 'aging'; bucket: KpiBucket }
  | { figure: 'recovered' }
  | { figure: 'churned' }
  | { figure: 'promises'; outcome: 'kept' | 'broken' | 'pending' | 'withdrawn' }
  | { figure: 'agreements'; outcome: 'made' | 'broken' | 'completed' | 'cancelled' }
  | { figure: 'channel'; channel: string; stage: KpiFunnelStage }
  | { figure: 'conversion'; versionId: number; stepKey: string; variantKey: string; converted: boolean }
  | { figure: 'cohort'; month: string };

export interface KpiDebtor {
  debtorId: number;
  name: string;
  cents: number;
  count: number;
}

// ---------------------------------------------------------------- KPIs over time, SLAs and alerts (src/kpis/trends.ts, src/monitoring)

/** The filters of the charts over time: the dashboard's creditor (and segment), seen from `to`. */
export interface TrendFilters {
  to?: string | null;
  months?: number | null;
  creditorId?: number | null;
}

export interface CurveCohort {
  /** 'YYYY-MM' of the due dates. */
  month: string;
  overdueCents: number;
  receivables: number;
  observedDays: number;
  points: Array<{ day: number; recoveredCents: number; share: number | null }>;
}

export interface RecoveryCurve {
  asOf: string;
  maxDays: number;
  cohorts: CurveCohort[];
}

export interface DsoMonth {
  month: string;
  from: string;
  to: string;
  complete: boolean;
  receivablesCents: number;
  creditSalesCents: number;
  standard: number | null;
  countback: number | null;
}

export interface DsoTrend {
  to: string;
  months: DsoMonth[];
}

export type SlaKind = 'first_contact' | 'reply';

export interface SlaFigure {
  kind: SlaKind;
  met: number;
  breached: number;
  pending: number;
  notNeeded: number;
  compliance: number | null;
  median: number | null;
  p90: number | null;
}

export interface SlaTargets {
  firstContactDays: number;
  replyHours: number;
}

export interface CreditorSla {
  creditorId: number;
  targets: SlaTargets;
  firstContact: SlaFigure;
  reply: SlaFigure;
}

export interface SlaReport {
  from: string;
  to: string;
  creditors: CreditorSla[];
}

export interface SlaBreach {
  creditorId: number;
  debtorId: number;
  name: string;
  id: number;
  at: string;
  answeredAt: string | null;
  elapsed: number | null;
  target: number;
}

export type AlertRule = 'broken_agreements_spike' | 'email_bounce_rate' | 'sla_breach_rate';

export interface AlertItem {
  id: number;
  rule: AlertRule;
  label: string;
  creditorId: number;
  creditorName: string;
  period: string;
  value: number;
  threshold: number;
  details: Record<string, unknown>;
  raisedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

export interface AlertThresholds {
  brokenSpikeK: number;
  brokenSpikeMinCount: number;
  bounceRate: number;
  bounceMinSent: number;
  slaBreachRate: number;
  slaMinJudged: number;
}

export interface AlertSettings {
  thresholds: AlertThresholds;
  defaults: AlertThresholds;
  emailOptIn: boolean;
}
