import { api, apiDownload, buildUrl, uploadFile } from './client.ts';
import type {
  AcceptOfferInput,
  Aging,
  Agreement,
  AlertItem,
  AlertSettings,
  AlertThresholds,
  Cadence,
  CadenceDefaults,
  CadenceDefinition,
  CadenceVersion,
  ChannelProvider,
  ChannelProviderInput,
  CollectionAccount,
  CollectionAccountInput,
  CollectionTerms,
  ConfirmPaymentInput,
  Creditor,
  Debtor,
  DebtorCharges,
  DebtorOffers,
  DebtorScore,
  DefinitionProblem,
  DsoTrend,
  Experiment,
  Hold,
  Import,
  ImportErrorsPage,
  ImportPreview,
  InboundReply,
  InboxMessage,
  KpiDebtor,
  KpiFigure,
  KpiFilters,
  KpiReport,
  LettersDay,
  LgpdAnonymizeResult,
  MessageFilters,
  NegotiationPolicy,
  NewHold,
  OutboundMessage,
  Page,
  Payment,
  PaymentCandidates,
  PaymentDecision,
  PaymentFilters,
  PaymentImportResult,
  PlanRunResult,
  PlanSkip,
  PlanSummary,
  Receivable,
  ReceivableStatus,
  RecoveredCustomer,
  RecoveryCurve,
  Remessa,
  RemessaOutcome,
  ScoreModel,
  Session,
  Simulation,
  SkipFilters,
  SlaBreach,
  SlaKind,
  SlaReport,
  SlaTargets,
  StepChannel,
  StepTemplate,
  TaskOutcomeInput,
  TemplatePreview,
  TotpEnrollment,
  TrendFilters,
  WorklistFilters,
  WorklistTask,
} from './types.ts';

const V1 = '/api/v1';

export interface ReceivableFilters {
  creditorId?: number | undefined;
  debtorId?: number | undefined;
  status?: ReceivableStatus[] | undefined;
  dueFrom?: string | undefined;
  dueTo?: string | undefined;
  dpdMin?: number | undefined;
  dpdMax?: number | undefined;
  q?: string | undefined;
}

export const RECEIVABLES_PAGE_SIZE = 50;
/** Page size of the outbox, skips and sandbox lists (keyset pagination). */
export const LIST_PAGE_SIZE = 50;

export const keys = {
  session: ['session'] as const,
  creditors: ['creditors'] as const,
  creditor: (id: number) => ['creditors', id] as const,
  aging: (id: number) => ['creditors', id, 'aging'] as const,
  debtor: (id: number) => ['debtors', id] as const,
  debtorScore: (id: number) => ['debtors', id, 'score'] as const,
  receivables: (filters: ReceivableFilters) => ['receivables', filters] as const,
  imports: (creditorId?: number) => ['imports', 'list', creditorId ?? null] as const,
  import: (id: number) => ['imports', id] as const,
  /** `file` is a per-selection counter: File objects cannot be hashed into a key. */
  importPreview: (file: number) => ['imports', 'preview', file] as const,
  importErrors: (id: number, offset: number, limit: number) =>
    ['imports', id, 'errors', offset, limit] as const,
  debtors: (creditorId: number, q: string) => ['debtors', 'list', creditorId, q] as const,
  cadences: (creditorId: number) => ['cadences', creditorId] as const,
  cadenceVersion: (id: number) => ['cadence-versions', id] as const,
  cadenceDefaults: ['cadences', 'default'] as const,
  experiments: (creditorId: number) => ['experiments', creditorId] as const,
  plan: (date: string, creditorId: number | null) => ['plan', date, creditorId] as const,
  /** Prefix of every outbox list, to refresh them all after planning. */
  messagesAll: ['messages'] as const,
  messages: (filters: MessageFilters) => ['messages', filters] as const,
  skips: (filters: SkipFilters) => ['skips', filters] as const,
  inbox: (channel: string | null) => ['sandbox', channel] as const,
  holds: (debtorId: number) => ['holds', debtorId] as const,
  replies: (debtorId: number) => ['replies', debtorId] as const,
  channelProviders: ['channel-providers'] as const,
  /** Prefix of every worklist query, to refresh them all after a claim or an outcome. */
  worklistAll: ['worklist'] as const,
  worklist: (filters: WorklistFilters) => ['worklist', filters] as const,
  letters: (date: string, creditorId: number | null) => ['letters', date, creditorId] as const,
  /** Prefix of every payments list, to refresh them all after a file is imported. */
  paymentsAll: ['payments'] as const,
  payments: (filters: PaymentFilters) => ['payments', filters] as const,
  /** Under the payments prefix: refreshed with the lists after an import or a decision. */
  paymentCandidates: (paymentId: number) => ['payments', 'candidates', paymentId] as const,
  /** Debtors of every creditor by name or CPF/CNPJ (reconciling a payment to someone else). */
  debtorSearch: (q: string) => ['debtors', 'search', q] as const,
  collectionAccount: (creditorId: number) => ['creditors', creditorId, 'collection-account'] as const,
  remessas: (creditorId: number) => ['creditors', creditorId, 'remessas'] as const,
  /** Prefix of every updated-charges query of a debtor. */
  chargesAll: (debtorId: number) => ['charges', debtorId] as const,
  charges: (debtorId: number, asOf: string) => ['charges', debtorId, asOf] as const,
  terms: (creditorId: number) => ['creditors', creditorId, 'terms'] as const,
  /** Prefix of every offers query, to refresh them after the terms, the policy or a payment change. */
  offersAll: ['offers'] as const,
  offers: (debtorId: number, asOf: string) => ['offers', debtorId, asOf] as const,
  policy: (creditorId: number) => ['creditors', creditorId, 'negotiation-policy'] as const,
  agreements: (debtorId: number) => ['agreements', debtorId] as const,
  recovered: ['recovered'] as const,
  kpis: (filters: KpiFilters) => ['kpis', filters] as const,
  kpiDebtors: (filters: KpiFilters, figure: KpiFigure) => ['kpis', 'debtors', filters, figure] as const,
  recoveryCurve: (filters: TrendFilters) => ['kpis', 'recovery-curve', filters] as const,
  dsoTrend: (filters: TrendFilters) => ['kpis', 'dso-trend', filters] as const,
  slas: (period: { from: string; to: string; creditorId?: number | null }) => ['slas', period] as const,
  slaBreaches: (period: { from: string; to: string; creditorId?: number | null }, kind: SlaKind) =>
    ['slas', 'breaches', period, kind] as const,
  slaTargets: (creditorId: number) => ['slas', 'targets', creditorId] as const,
  alerts: ['alerts'] as const,
  alertSettings: ['alerts', 'settings'] as const,
};

/** Keyset of the open worklist: `${queueRank}:${id}` of the last call shown. */
export function worklistCursor(task: Pick<WorklistTask, 'queueRank' | 'id'>): string {
  return `${task.queueRank ?? 0}:${task.id}`;
}

export const endpoints = {
  getSession: () => api.get<Session>(`${V1}/session`),
  /** `code` is the 6-digit second-factor code, sent only once the server asked for it (401 totpRequired). */
  login: (email: string, password: string, code?: string) =>
    api.post<Session>(`${V1}/session`, code === undefined ? { email, password } : { email, password, code }),
  logout: () => api.delete<undefined>(`${V1}/session`),
  /**
   * "Esqueci minha senha" (public, like login): always 202 whether or not the e-mail has an account;
   * 429 when asked too often.
   */
  requestPasswordReset: (email: string) => api.post<{ status: 'sent' }>(`${V1}/password-reset`, { email }),
  /** Sets the new password from the e-mailed link (public). 400 when the link is invalid/used/expired. */
  confirmPasswordReset: (token: string, password: string) =>
    api.post<undefined>(`${V1}/password-reset/confirm`, { token, password }),
  /** Starts second-factor enrollment; the factor is active only after confirmTotp. 409 if already on. */
  startTotp: () => api.post<TotpEnrollment>(`${V1}/session/totp`),
  confirmTotp: (code: string) => api.post<Session>(`${V1}/session/totp/confirm`, { code }),
  disableTotp: (code: string) => api.delete<undefined>(`${V1}/session/totp`, { code }),
  switchOrganization: (slug: string) => api.put<Session>(`${V1}/session/organization`, { slug }),

  listCreditors: () => api.get<{ items: Creditor[] }>(`${V1}/creditors`),
  getCreditor: (id: number) => api.get<Creditor>(`${V1}/creditors/${id}`),
  getAging: (id: number) => api.get<Aging>(`${V1}/creditors/${id}/aging`),

  getDebtor: (id: number) => api.get<Debtor>(`${V1}/debtors/${id}`),
  /** The debtor's behavioural score (null when nothing is past due or not scored yet). */
  getDebtorScore: (id: number) => api.get<{ score: DebtorScore | null }>(`${V1}/debtors/${id}/score`),
  getScoreModel: (creditorId: number) =>
    api.get<{ model: ScoreModel | null }>(`${V1}/creditors/${creditorId}/score-model`),

  listReceivables: (filters: ReceivableFilters, cursor: string | null, signal?: AbortSignal) =>
    api.get<Page<Receivable>>(
      `${V1}/receivables`,
      {
        creditorId: filters.creditorId,
        debtorId: filters.debtorId,
        status: filters.status,
        dueFrom: filters.dueFrom,
        dueTo: filters.dueTo,
        dpdMin: filters.dpdMin,
        dpdMax: filters.dpdMax,
        q: filters.q,
        cursor,
        limit: RECEIVABLES_PAGE_SIZE,
      },
      signal,
    ),

  listImports: (creditorId?: number) => api.get<{ items: Import[] }>(`${V1}/imports`, { creditorId }),
  getImport: (id: number) => api.get<Import>(`${V1}/imports/${id}`),
  getImportErrors: (id: number, offset: number, limit: number) =>
    api.get<ImportErrorsPage>(`${V1}/imports/${id}/errors`, { limit, offset }),
  /**
   * Reads the start of a CSV (encoding, delimiter, headers, suggested columns, sample rows). `mapping`
   * (field -> header) is applied on top of the server's own guesses.
   */
  previewImport: (start: Blob, mapping?: Record<string, string>, signal?: AbortSignal) =>
    api.postBlob<ImportPreview>(
      `${V1}/imports/preview`,
      start,
      { mapping: mapping ? JSON.stringify(mapping) : undefined },
      signal,
    ),
  uploadImport: (
    creditorId: number,
    file: File,
    onProgress: (fraction: number) => void,
    signal?: AbortSignal,
    mapping?: Record<string, string>,
  ) => {
    const form = new FormData();
    // Fields must come before the file part: the server reads only those it has seen when the file starts.
    if (mapping && Object.keys(mapping).length > 0) form.append('mapping', JSON.stringify(mapping));
    form.append('file', file, file.name);
    return uploadFile<Import>(buildUrl(`${V1}/imports`, { creditorId }), form, onProgress, signal);
  },

  listDebtors: (creditorId: number, q: string, cursor: string | null = null) =>
    api.get<Page<Debtor>>(`${V1}/debtors`, { creditorId, q, cursor, limit: 20 }),
  /** Debtors of every creditor the user sees, by name or CPF/CNPJ. */
  searchDebtors: (q: string, signal?: AbortSignal) =>
    api.get<Page<Debtor>>(`${V1}/debtors`, { q, limit: 10 }, signal),

  listCadences: (creditorId: number) =>
    api.get<{ items: Cadence[] }>(`${V1}/creditors/${creditorId}/cadences`),
  getCadenceVersion: (id: number) => api.get<CadenceVersion>(`${V1}/cadence-versions/${id}`),
  /** The first version is a draft; without a definition the server uses the default régua. */
  createCadence: (
    creditorId: number,
    body: { name: string; definition?: CadenceDefinition; note?: string },
  ) => api.post<CadenceVersion>(`${V1}/creditors/${creditorId}/cadences`, body),
  saveCadenceVersion: (cadenceId: number, definition: CadenceDefinition, note?: string) =>
    api.post<CadenceVersion>(
      `${V1}/cadences/${cadenceId}/versions`,
      note ? { definition, note } : { definition },
    ),
  activateCadenceVersion: (versionId: number) =>
    api.post<CadenceVersion>(`${V1}/cadence-versions/${versionId}/activate`),
  validateCadence: (definition: CadenceDefinition) =>
    api.post<{ problems: DefinitionProblem[] }>(`${V1}/cadences/validate`, { definition }),
  getCadenceDefaults: () => api.get<CadenceDefaults>(`${V1}/cadences/default`),
  previewTemplate: (body: {
    debtorId: number;
    channel: StepChannel;
    template: StepTemplate;
    asOf?: string;
  }) => api.post<TemplatePreview>(`${V1}/templates/preview`, body),

  listExperiments: (creditorId: number) =>
    api.get<{ items: Experiment[] }>(`${V1}/creditors/${creditorId}/experiments`),
  simulate: (creditorId: number, body: { days: number; versionId?: number }) =>
    api.post<Simulation>(`${V1}/creditors/${creditorId}/simulations`, body),

  getPlan: (date: string, creditorId: number | null) =>
    api.get<PlanSummary>(`${V1}/plan`, { date, creditorId }),
  runPlan: (date: string) => api.post<PlanRunResult>(`${V1}/plan/run`, { date }),
  listMessages: (filters: MessageFilters, before: number | null, signal?: AbortSignal) =>
    api.get<{ items: OutboundMessage[] }>(
      `${V1}/messages`,
      { ...filters, before, limit: LIST_PAGE_SIZE },
      signal,
    ),
  listSkips: (filters: SkipFilters, after: string | null, signal?: AbortSignal) =>
    api.get<{ items: PlanSkip[] }>(`${V1}/plan/skips`, { ...filters, after, limit: LIST_PAGE_SIZE }, signal),
  listInbox: (channel: string | null, before: number | null, signal?: AbortSignal) =>
    api.get<{ items: InboxMessage[] }>(
      `${V1}/sandbox/inbox`,
      { channel, before, limit: LIST_PAGE_SIZE },
      signal,
    ),

  /** What the debtor sent us (WhatsApp/SMS replies), newest first. */
  listReplies: (debtorId: number) => api.get<{ items: InboundReply[] }>(`${V1}/debtors/${debtorId}/replies`),

  listHolds: (debtorId: number) => api.get<{ items: Hold[] }>(`${V1}/debtors/${debtorId}/holds`),
  placeHold: (debtorId: number, hold: NewHold) => api.post<Hold>(`${V1}/debtors/${debtorId}/holds`, hold),
  releaseHold: (holdId: number) => api.post<Hold>(`${V1}/holds/${holdId}/release`),

  /** Open calls by priority (highest first) or done ones (newest first); `after` pages the open ones. */
  listWorklist: (
    filters: WorklistFilters,
    after: string | null,
    signal?: AbortSignal,
    limit: number = LIST_PAGE_SIZE,
  ) => api.get<{ items: WorklistTask[] }>(`${V1}/worklist`, { ...filters, after, limit }, signal),
  /** Takes a call for the logged-in user, or gives it back (`release`). 409 when someone else has it. */
  claimTask: (id: number, release = false) =>
    api.post<WorklistTask>(`${V1}/tasks/${id}/claim`, release ? { release: true } : {}),
  recordTaskOutcome: (id: number, input: TaskOutcomeInput) =>
    api.post<WorklistTask>(`${V1}/tasks/${id}/outcome`, input),

  /** The letters sent on a day: the batch to print and mail (permission letters:print). */
  listLetters: (date: string, creditorId: number | null) =>
    api.get<LettersDay>(`${V1}/letters`, { date, creditorId }),

  /**
   * Takes in a bank return file (CNAB 240/400) or an OFX statement, sent as its raw bytes; 400 when it
   * is not a payment file. Each payment is taken once: importing the same file again adds nothing.
   */
  importPayments: (file: File, onProgress: (fraction: number) => void, signal?: AbortSignal) =>
    uploadFile<PaymentImportResult>(
      buildUrl(`${V1}/payments/import`, { filename: file.name }),
      file,
      onProgress,
      signal,
    ),
  /** Newest first; `before` is the id of the last payment shown. */
  listPayments: (filters: PaymentFilters, before: number | null, signal?: AbortSignal) =>
    api.get<{ items: Payment[] }>(`${V1}/payments`, { ...filters, before, limit: LIST_PAGE_SIZE }, signal),
  /** Who a waiting payment may be from: the best candidates, their confidence and reasons. */
  getPaymentCandidates: (paymentId: number, signal?: AbortSignal) =>
    api.get<PaymentCandidates>(`${V1}/payments/${paymentId}/candidates`, undefined, signal),
  /** Allocates a waiting payment to a debtor (permission payments:reconcile); 409 when already decided. */
  confirmPayment: (paymentId: number, input: ConfirmPaymentInput) =>
    api.post<PaymentDecision>(`${V1}/payments/${paymentId}/confirm`, input),
  /** Takes a waiting payment out of the queue as not a debtor's, saying why; 409 when already decided. */
  rejectPayment: (paymentId: number, reason: string) =>
    api.post<PaymentDecision>(`${V1}/payments/${paymentId}/reject`, { reason }),

  /** What the debtor owes as of `asOf` (multa, juros, correção, explained), with the Pix to pay it. */
  getDebtorCharges: (debtorId: number, asOf: string) =>
    api.get<DebtorCharges>(`${V1}/debtors/${debtorId}/charges`, { asOf }),
  getCollectionTerms: (creditorId: number) => api.get<CollectionTerms>(`${V1}/creditors/${creditorId}/terms`),
  /** Managers and admins; 400 with the details when a value is out of bounds. */
  setCollectionTerms: (creditorId: number, terms: CollectionTerms) =>
    api.put<CollectionTerms>(`${V1}/creditors/${creditorId}/terms`, terms),
  /** Pay now with the discount the policy allows, or in installments within it, each explained. */
  getDebtorOffers: (debtorId: number, asOf: string) =>
    api.get<DebtorOffers>(`${V1}/debtors/${debtorId}/offers`, { asOf }),
  /** The creditor's policy (the default until one is set). */
  getNegotiationPolicy: (creditorId: number) =>
    api.get<NegotiationPolicy>(`${V1}/creditors/${creditorId}/negotiation-policy`),
  /** Managers and admins; 400 with every problem (pt-BR) when the policy is not sound. */
  setNegotiationPolicy: (creditorId: number, policy: NegotiationPolicy) =>
    api.put<NegotiationPolicy>(`${V1}/creditors/${creditorId}/negotiation-policy`, policy),

  /** The debtor's agreements (acordos), newest first. */
  listAgreements: (debtorId: number) =>
    api.get<{ items: Agreement[] }>(`${V1}/debtors/${debtorId}/agreements`),
  /**
   * Accepts an offer (permission agreements:write). 409 when the offer changed since it was shown (or
   * an agreement already runs); the same `requestKey` again returns the agreement already made.
   */
  acceptOffer: (debtorId: number, input: AcceptOfferInput) =>
    api.post<Agreement>(`${V1}/debtors/${debtorId}/agreements`, input),
  /** Managers and admins (permission agreements:cancel); the originals come back net of what was paid. */
  cancelAgreement: (agreementId: number, reason: string) =>
    api.post<Agreement>(`${V1}/agreements/${agreementId}/cancel`, { reason }),
  /** Admins only (permission providers:manage): the boleto convênio and the Pix PSP; no secret. */
  getCollectionAccount: (creditorId: number) =>
    api.get<CollectionAccount>(`${V1}/creditors/${creditorId}/collection-account`),
  /** 400 with every problem (pt-BR, one sentence each) when the bank or the PSP would refuse it. */
  setCollectionAccount: (creditorId: number, input: CollectionAccountInput) =>
    api.put<CollectionAccount>(`${V1}/creditors/${creditorId}/collection-account`, input),
  /** The CNAB 240 remessas generated for the creditor, newest first (permission payments:import). */
  listRemessas: (creditorId: number) =>
    api.get<{ items: Remessa[] }>(`${V1}/creditors/${creditorId}/remessas`),
  /**
   * The next remessa with every boleto to register or write off; 409 when there is none, 400 when the
   * creditor has no collection account or no title could go in.
   */
  generateRemessa: (creditorId: number) => api.post<RemessaOutcome>(`${V1}/creditors/${creditorId}/remessas`),

  /** Customers recovered in the last 90 days (paid everything or completed an agreement). */
  listRecovered: () => api.get<{ items: RecoveredCustomer[] }>(`${V1}/recovered`),

  /** The KPIs (indicadores) of a period, limited to what the session may see. */
  getKpis: (filters: KpiFilters) => api.get<KpiReport>(buildUrl(`${V1}/kpis`, { ...filters })),
  /** The debtors behind one KPI figure, largest first (keyset: pass the previous page's nextCursor). */
  listKpiDebtors: (filters: KpiFilters, figure: KpiFigure, cursor: string | null) =>
    api.get<{ items: KpiDebtor[]; nextCursor: string | null }>(
      buildUrl(`${V1}/kpis/debtors`, { ...filters, ...figure, cursor, limit: 25 }),
    ),

  /** The recovery curve by month of due date, and DSO month by month (each its own request). */
  getRecoveryCurve: (filters: TrendFilters) =>
    api.get<RecoveryCurve>(buildUrl(`${V1}/kpis/recovery-curve`, { ...filters })),
  getDsoTrend: (filters: TrendFilters) => api.get<DsoTrend>(buildUrl(`${V1}/kpis/dso-trend`, { ...filters })),

  /** SLAs per creditor for a period, and the breaches of one of them (keyset). */
  getSlas: (period: { from: string; to: string; creditorId?: number | null }) =>
    api.get<SlaReport>(buildUrl(`${V1}/slas`, { ...period })),
  listSlaBreaches: (
    period: { from: string; to: string; creditorId?: number | null },
    kind: SlaKind,
    cursor: string | null,
  ) =>
    api.get<{ items: SlaBreach[]; nextCursor: string | null }>(
      buildUrl(`${V1}/slas/breaches`, { ...period, kind, cursor, limit: 25 }),
    ),
  getSlaTargets: (creditorId: number) =>
    api.get<SlaTargets & { custom: boolean }>(`${V1}/creditors/${creditorId}/sla-targets`),
  /** Permission monitoring:manage (audited). */
  setSlaTargets: (creditorId: number, targets: SlaTargets) =>
    api.put<SlaTargets & { custom: boolean }>(`${V1}/creditors/${creditorId}/sla-targets`, targets),

  /** Alerts in reach, newest first, with how many are open (the header's badge). */
  listAlerts: (status: 'open' | 'all' = 'all') =>
    api.get<{ items: AlertItem[]; openCount: number; nextCursor: number | null }>(
      buildUrl(`${V1}/alerts`, { status, limit: 100 }),
    ),
  /** Permission monitoring:manage. */
  acknowledgeAlert: (id: number) => api.post<AlertItem>(`${V1}/alerts/${id}/acknowledge`),
  getAlertSettings: () => api.get<AlertSettings>(`${V1}/alert-settings`),
  setAlertThresholds: (thresholds: Partial<AlertThresholds>) =>
    api.put<AlertSettings>(`${V1}/alert-settings`, thresholds),
  setAlertEmail: (subscribed: boolean) =>
    api.put<AlertSettings>(`${V1}/alert-settings/email`, { subscribed }),

  /** Admins only (permission providers:manage). */
  listChannelProviders: () => api.get<{ items: ChannelProvider[] }>(`${V1}/channel-providers`),
  setChannelProvider: (channel: string, input: ChannelProviderInput) =>
    api.put<ChannelProvider>(`${V1}/channel-providers/${encodeURIComponent(channel)}`, input),

  /** LGPD art. 18 (admins only, permission lgpd:manage). `document`: CPF/CNPJ, digits or formatted. */
  exportSubjectJson: (document: string) =>
    apiDownload(`${V1}/lgpd/subjects/${encodeURIComponent(document)}/export`, `lgpd-${document}.json`),
  exportSubjectPdf: (document: string) =>
    apiDownload(`${V1}/lgpd/subjects/${encodeURIComponent(document)}/export.pdf`, `lgpd-${document}.pdf`),
  /** Erases contacts and name; financial records within the legal retention are kept (irreversible). */
  anonymizeSubject: (document: string) =>
    api.post<LgpdAnonymizeResult>(`${V1}/lgpd/subjects/${encodeURIComponent(document)}/anonymize`),
};

/** Downloads served with the session cookie (same origin): plain links, no fetch needed. */
export const downloads = {
  /** The day's letters as one PDF to print (attachment). */
  lettersPdf: (date: string, creditorId: number | null) =>
    buildUrl(`${V1}/letters/batch.pdf`, { date, creditorId }),
  /** The day's mailing manifest for the post office (CSV, `;`). */
  lettersCsv: (date: string, creditorId: number | null) =>
    buildUrl(`${V1}/letters/batch.csv`, { date, creditorId }),
  /** One sent letter as it was printed (inline PDF). */
  letterPdf: (messageId: number) => `${V1}/messages/${messageId}/letter.pdf`,
  /** The boleto of one agreement payment (inline PDF). */
  agreementBoleto: (agreementId: number, number: number) =>
    `${V1}/agreements/${agreementId}/installments/${number}/boleto.pdf`,
  /** A remessa file to send to the bank (attachment; the download is audited). */
  remessaFile: (remessaId: number) => `${V1}/remessas/${remessaId}/file`,
};
