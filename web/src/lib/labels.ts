import { IMPORT_ERROR_LABELS } from '../../../src/shared/csvLabels.ts';
import type {
  AgingBucketKey,
  AgreementStatus,
  CadenceVersionStatus,
  ChargeKind,
  HoldKind,
  ImportStatus,
  LgpdDebtorStatus,
  MessageStatus,
  NegotiationOffer,
  PaymentStatus,
  PlanSkip,
  ReceivableStatus,
  Role,
  StepChannel,
  TaskOutcome,
} from '../api/types.ts';
import { formatCents, formatDate, formatDateTime, plural } from './format.ts';

export const RECEIVABLE_STATUS_LABELS: Record<ReceivableStatus, string> = {
  open: 'Em aberto',
  partially_paid: 'Parcialmente pago',
  paid: 'Pago',
  cancelled: 'Cancelado',
  written_off: 'Baixado',
  in_agreement: 'Em acordo',
};

export const RECEIVABLE_STATUS_COLORS: Record<ReceivableStatus, string> = {
  open: 'blue',
  partially_paid: 'yellow',
  paid: 'green',
  cancelled: 'gray',
  written_off: 'dark',
  in_agreement: 'grape',
};

export const RECEIVABLE_STATUSES = Object.keys(RECEIVABLE_STATUS_LABELS) as ReceivableStatus[];

export function isReceivableStatus(value: string): value is ReceivableStatus {
  return value in RECEIVABLE_STATUS_LABELS;
}

export function receivableStatusLabel(status: string): string {
  return RECEIVABLE_STATUS_LABELS[status as ReceivableStatus] ?? status;
}

export function receivableStatusColor(status: string): string {
  return RECEIVABLE_STATUS_COLORS[status as ReceivableStatus] ?? 'gray';
}

export const AGREEMENT_STATUS_LABELS: Record<AgreementStatus, string> = {
  active: 'Ativo',
  completed: 'Concluído',
  broken: 'Quebrado',
  cancelled: 'Cancelado',
};

export const AGREEMENT_STATUS_COLORS: Record<AgreementStatus, string> = {
  active: 'blue',
  completed: 'green',
  broken: 'red',
  cancelled: 'gray',
};

export function agreementStatusLabel(status: string): string {
  return AGREEMENT_STATUS_LABELS[status as AgreementStatus] ?? status;
}

export function agreementStatusColor(status: string): string {
  return AGREEMENT_STATUS_COLORS[status as AgreementStatus] ?? 'gray';
}

/** Why a customer counts as recovered. */
export const RECOVERY_REASON_LABELS: Record<string, string> = {
  paid: 'Pagou tudo',
  agreement_completed: 'Acordo concluído',
};

export function recoveryReasonLabel(reason: string): string {
  return RECOVERY_REASON_LABELS[reason] ?? reason;
}

export const AGING_BUCKETS: readonly { key: AgingBucketKey; label: string; color: string }[] = [
  { key: 'not_due', label: 'A vencer', color: 'teal.6' },
  { key: '1-30', label: '1-30', color: 'yellow.5' },
  { key: '31-60', label: '31-60', color: 'orange.5' },
  { key: '61-90', label: '61-90', color: 'orange.7' },
  { key: '91-180', label: '91-180', color: 'red.6' },
  { key: '180+', label: '180+', color: 'red.9' },
];

export const IMPORT_STATUS_LABELS: Record<ImportStatus, string> = {
  queued: 'Na fila',
  running: 'Processando',
  completed: 'Concluída',
  failed: 'Falhou',
};

export const IMPORT_STATUS_COLORS: Record<ImportStatus, string> = {
  queued: 'gray',
  running: 'blue',
  completed: 'green',
  failed: 'red',
};

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrador',
  manager: 'Gestor',
  collector: 'Cobrador',
  client_viewer: 'Cliente (leitura)',
  auditor: 'Auditor',
};

/** The channels a régua step can use, in the order menus show them. */
export const STEP_CHANNELS: readonly StepChannel[] = [
  'email',
  'sms',
  'whatsapp',
  'phone',
  'letter',
  'portal',
  'negativacao',
  'protest',
];

export const CHANNEL_LABELS: Record<string, string> = {
  email: 'E-mail',
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  phone: 'Ligação',
  voice: 'Ligação',
  letter: 'Carta',
  portal: 'Portal',
  negativacao: 'Negativação',
  protest: 'Protesto',
  push: 'Push',
};

export function channelLabel(channel: string): string {
  return CHANNEL_LABELS[channel] ?? channel;
}

/** Mantine colour of each channel (timeline chips, badges, charts). */
export const CHANNEL_COLORS: Record<string, string> = {
  email: 'blue',
  sms: 'teal',
  whatsapp: 'green',
  phone: 'orange',
  voice: 'orange',
  letter: 'grape',
  portal: 'cyan',
  negativacao: 'red',
  protest: 'pink',
};

export function channelColor(channel: string): string {
  return CHANNEL_COLORS[channel] ?? 'gray';
}

/** Short names of the providers that can carry a channel. */
export const PROVIDER_LABELS: Record<string, string> = {
  sandbox: 'Sandbox',
  smtp: 'SMTP',
  worklist: 'Lista de ligações dos cobradores',
  print: 'Impressão e postagem pela equipe',
};

export function providerLabel(provider: string): string {
  return PROVIDER_LABELS[provider] ?? provider;
}

/** Channels whose messages carry a subject line. */
export const CHANNELS_WITH_SUBJECT: readonly string[] = ['email', 'letter'];

export const MESSAGE_STATUS_LABELS: Record<MessageStatus, string> = {
  queued: 'Na fila',
  sending: 'Enviando',
  sent: 'Enviada',
  delivered: 'Entregue',
  read: 'Lida',
  failed: 'Falhou',
  cancelled: 'Cancelada',
};

export const MESSAGE_STATUS_COLORS: Record<MessageStatus, string> = {
  queued: 'gray',
  sending: 'blue',
  sent: 'cyan',
  delivered: 'green',
  read: 'teal',
  failed: 'red',
  cancelled: 'dark',
};

export function messageStatusLabel(status: string): string {
  return MESSAGE_STATUS_LABELS[status as MessageStatus] ?? status;
}

export function messageStatusColor(status: string): string {
  return MESSAGE_STATUS_COLORS[status as MessageStatus] ?? 'gray';
}

export const PURPOSE_LABELS: Record<string, string> = {
  reminder: 'Lembrete',
  prior_notice: 'Notificação prévia',
  negativacao: 'Negativação',
  protest: 'Protesto',
};

export const CADENCE_STATUS_LABELS: Record<CadenceVersionStatus, string> = {
  draft: 'Rascunho',
  active: 'Ativa',
  retired: 'Aposentada',
};

export const CADENCE_STATUS_COLORS: Record<CadenceVersionStatus, string> = {
  draft: 'yellow',
  active: 'green',
  retired: 'gray',
};

export const HOLD_KIND_LABELS: Record<HoldKind, string> = {
  promise: 'Promessa de pagamento',
  agreement: 'Acordo',
  dispute: 'Contestação',
  pause: 'Pausa',
};

export const HOLD_KIND_COLORS: Record<HoldKind, string> = {
  promise: 'blue',
  agreement: 'green',
  dispute: 'orange',
  pause: 'gray',
};

/** 'D-5', 'D0', 'D+3': a step's day relative to the due date. */
export function dayLabel(offset: number): string {
  if (offset === 0) return 'D0';
  return offset < 0 ? `D${offset}` : `D+${offset}`;
}

/** Short pt-BR name of each reason a due step was not planned. */
export const SKIP_REASON_LABELS: Record<string, string> = {
  hold_dispute: 'Contestação em aberto',
  hold_agreement: 'Acordo em andamento',
  hold_promise: 'Promessa de pagamento',
  hold_pause: 'Cobrança pausada',
  opted_out: 'Descadastrado do canal',
  no_consent: 'Sem opt-in no WhatsApp',
  no_address: 'Sem contato para o canal',
  gate_disputed: 'Título contestado',
  gate_not_late_enough: 'Atraso insuficiente',
  gate_below_minimum: 'Valor abaixo do mínimo',
  gate_no_notice: 'Sem notificação prévia',
  gate_notice_too_recent: 'Aguardando prazo da notificação',
  state_holiday: 'Feriado estadual',
  frequency_cap: 'Limite de contatos',
};

export function skipReasonLabel(reason: string): string {
  return SKIP_REASON_LABELS[reason] ?? reason;
}

/** Why a due step was not planned, in a sentence, with the numbers the planner recorded. */
export function skipExplanation(
  skip: Pick<PlanSkip, 'reason' | 'detail' | 'channel'>,
  timeZone?: string,
): string {
  const d = skip.detail;
  const channel = channelLabel(skip.channel);
  const gated = skip.channel === 'protest' ? 'o protesto' : 'a negativação';
  switch (skip.reason) {
    case 'hold_dispute':
      return 'O devedor contestou a dívida: a régua fica suspensa até a contestação ser encerrada.';
    case 'hold_agreement':
      return 'Há um acordo em andamento: a régua não cobra enquanto ele vale.';
    case 'hold_promise':
      return 'O devedor prometeu pagar: a régua espera até a data prometida.';
    case 'hold_pause':
      return 'A cobrança deste devedor foi pausada manualmente.';
    case 'opted_out':
      return `O devedor pediu para não receber mensagens por ${channel}.`;
    case 'no_consent':
      return 'O WhatsApp exige consentimento (opt-in) do devedor, e ele não foi registrado.';
    case 'no_address':
      return skip.channel === 'letter'
        ? 'O devedor não tem endereço completo (logradouro, cidade e CEP) para a carta.'
        : `O devedor não tem contato cadastrado para ${channel}.`;
    case 'gate_disputed':
      return `O título está contestado: ${gated} não pode ocorrer enquanto a contestação estiver aberta.`;
    case 'gate_not_late_enough':
      return d.daysLate !== undefined
        ? `Com ${plural(d.daysLate, 'dia', 'dias')} de atraso, ainda não chegou ao atraso mínimo para ${gated}.`
        : `O atraso ainda não chegou ao mínimo exigido para ${gated}.`;
    case 'gate_below_minimum':
      return d.minAmountCents !== undefined
        ? `O valor em aberto (${formatCents(d.openCents)}) está abaixo do mínimo de ${formatCents(d.minAmountCents)} para ${gated}.`
        : `O valor em aberto está abaixo do mínimo para ${gated}.`;
    case 'gate_no_notice':
      return `Nenhuma carta de notificação prévia foi enviada para este título: ${gated} exige a notificação antes (CDC art. 43, § 2º).`;
    case 'gate_notice_too_recent': {
      const days = d.noticeDays !== undefined ? ` (${plural(d.noticeDays, 'dia', 'dias')})` : '';
      const sent = d.noticeSentAt
        ? `; notificação enviada em ${formatDateTime(d.noticeSentAt, timeZone)}`
        : '';
      return `Aguardando o prazo da notificação prévia${days}${sent}.`;
    }
    case 'state_holiday':
      return 'Feriado estadual na UF do devedor: o contato fica para o próximo dia útil.';
    case 'frequency_cap':
      return d.capContacts !== undefined && d.capDays !== undefined
        ? `Limite de contatos: já houve ${plural(d.capContacts, 'contato', 'contatos')} em ${plural(d.capDays, 'dia', 'dias')}.`
        : 'Limite de contatos do período atingido.';
    default:
      return skip.reason;
  }
}

/** "Enviada em 02/02/2026" style date of a plan, for lists grouped by day. */
export function planDateLabel(date: string | null | undefined): string {
  return date ? `Plano de ${formatDate(date)}` : 'Avulsa';
}

/** Human text for the import error codes; unknown codes fall back to the server's English `reason`. */
export const IMPORT_ERROR_MESSAGES: Record<string, string> = IMPORT_ERROR_LABELS;

export function importErrorMessage(code: string, reason: string): string {
  return IMPORT_ERROR_MESSAGES[code] ?? reason;
}

/** pt-BR names of the fields an import file can feed (the server's field names as keys). */
export const IMPORT_FIELD_LABELS: Record<string, string> = {
  externalId: 'Identificador do título',
  documentNumber: 'Número do documento',
  installmentNumber: 'Parcela',
  installmentCount: 'Total de parcelas',
  issueDate: 'Emissão',
  dueDate: 'Vencimento',
  originalAmount: 'Valor original',
  openAmount: 'Saldo em aberto',
  status: 'Situação',
  debtorDocument: 'CPF/CNPJ',
  debtorName: 'Nome / razão social',
  email: 'E-mail',
  phone: 'Telefone',
  whatsapp: 'WhatsApp',
  street: 'Endereço',
  number: 'Número',
  complement: 'Complemento',
  district: 'Bairro',
  city: 'Cidade',
  uf: 'UF',
  cep: 'CEP',
  tags: 'Etiquetas',
  nossoNumero: 'Nosso número',
  pixTxid: 'Pix txid',
  description: 'Descrição',
};

export function importFieldLabel(field: string): string {
  return IMPORT_FIELD_LABELS[field] ?? field;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Why an import failed, in Portuguese, from its code; the server's English message when the code is unknown. */
export function importFailureMessage(imp: {
  errorCode: string | null;
  errorDetails: Record<string, unknown> | null;
  errorMessage: string | null;
}): string {
  const details = imp.errorDetails ?? {};
  switch (imp.errorCode) {
    case 'empty_file':
      return 'O arquivo está vazio.';
    case 'no_header':
    case 'unreadable_header':
      return 'Não foi possível ler a linha de cabeçalho do arquivo (a primeira linha deve trazer os nomes das colunas).';
    case 'missing_columns': {
      const missing = stringList(details.missing).map(importFieldLabel).join(', ');
      const found = stringList(details.headers).join(', ');
      return `Faltam colunas obrigatórias: ${missing}. Colunas encontradas: ${found || 'nenhuma'}. Renomeie as colunas ou indique-as na tela de importação.`;
    }
    case 'bad_mapping':
      return 'A correspondência de colunas indicada não confere com o cabeçalho do arquivo.';
    case 'no_rows':
      return 'O arquivo tem cabeçalho, mas nenhuma linha de títulos.';
    case 'invalid_json':
      return 'O lote não é um JSON válido.';
    case 'not_a_batch':
      return 'O lote JSON deve ser uma lista de títulos ou um objeto com a lista "receivables".';
    case 'interrupted':
      return 'A importação foi interrompida antes de terminar. Importe o arquivo de novo: o que já entrou não será duplicado.';
    default:
      return imp.errorMessage ?? 'O arquivo não pôde ser processado.';
  }
}

export const ENCODING_LABELS: Record<string, string> = {
  'utf-8': 'UTF-8',
  'windows-1252': 'Windows-1252',
};

const DELIMITER_NAMES: Record<string, string> = {
  ';': 'ponto e vírgula',
  ',': 'vírgula',
  '\t': 'tabulação',
  '|': 'barra vertical',
};

/** `";" (ponto e vírgula)`, `tabulação`… */
export function delimiterLabel(delimiter: string): string {
  if (delimiter === '\t') return 'tabulação';
  const name = DELIMITER_NAMES[delimiter];
  return name ? `"${delimiter}" (${name})` : `"${delimiter}"`;
}

/**
 * Who did something, from the server's actor string ("user:12", "system", "apikey:3"). The API gives
 * ids, not names: the logged-in user is named, others are shown by number.
 */
export function actorLabel(actor: string, me: { id: number; name: string }): string {
  if (actor === 'system' || actor.startsWith('system:')) return 'sistema';
  if (/^debtor:\d+:portal$/.test(actor)) return 'o devedor, pelo portal';
  const match = /^(user|apikey|api_key):(\d+)$/.exec(actor);
  if (!match) return actor;
  if (match[1] === 'user') return Number(match[2]) === me.id ? me.name : `usuário nº ${match[2]}`;
  return `chave de API nº ${match[2]}`;
}

/** How a call went, in the order the outcome form offers them. */
export const TASK_OUTCOMES: readonly TaskOutcome[] = [
  'reached',
  'not_reached',
  'wrong_number',
  'promise',
  'dispute',
  'refused',
];

export const TASK_OUTCOME_LABELS: Record<TaskOutcome, string> = {
  reached: 'Falou com o devedor',
  not_reached: 'Não atendeu',
  wrong_number: 'Número errado',
  promise: 'Promessa de pagamento',
  dispute: 'Contestação',
  refused: 'Recusou-se a pagar',
};

export const TASK_OUTCOME_COLORS: Record<TaskOutcome, string> = {
  reached: 'green',
  not_reached: 'gray',
  wrong_number: 'red',
  promise: 'blue',
  dispute: 'orange',
  refused: 'red',
};

/** What each outcome does to the régua (what the server does when it is recorded). */
export const TASK_OUTCOME_EFFECTS: Record<TaskOutcome, string> = {
  reached: 'A ligação conta como contato feito; a régua segue normalmente.',
  not_reached: 'A ligação fica registrada como não atendida; a régua segue com as próximas etapas.',
  wrong_number:
    'O número é retirado dos contatos do devedor (e do WhatsApp, se for o mesmo): não será mais usado.',
  promise:
    'A régua pausa até a data prometida (nas etapas que pulam promessas); a promessa aparece em “Pausas e promessas” do devedor.',
  dispute:
    'A cobrança fica suspensa — sem mensagens, negativação nem protesto — até alguém encerrar a contestação na página do devedor.',
  refused: 'A recusa fica registrada; a régua segue com as próximas etapas.',
};

export function taskOutcomeLabel(outcome: string | null | undefined): string {
  if (!outcome) return '—';
  return TASK_OUTCOME_LABELS[outcome as TaskOutcome] ?? outcome;
}

export function taskOutcomeColor(outcome: string | null | undefined): string {
  return TASK_OUTCOME_COLORS[outcome as TaskOutcome] ?? 'gray';
}

/** What the debtor sent when it is not plain text (the provider's message type). */
export const REPLY_KIND_LABELS: Record<string, string> = {
  button: 'Resposta por botão',
  interactive: 'Resposta por botão',
  image: 'Imagem',
  audio: 'Áudio',
  voice: 'Áudio',
  video: 'Vídeo',
  document: 'Documento',
  sticker: 'Figurinha',
  location: 'Localização',
  contacts: 'Contato',
  reaction: 'Reação',
  help_request: 'Pedido de ajuda pelo portal',
};

/** A label for a reply's kind, or null for plain text (nothing worth saying). */
export function replyKindLabel(kind: string): string | null {
  if (kind === 'text' || kind === '') return null;
  return REPLY_KIND_LABELS[kind] ?? kind;
}

export const LGPD_STATUS_LABELS: Record<LgpdDebtorStatus, string> = {
  anonymized: 'Anonimizado',
  contacts_erased: 'Contatos apagados',
  kept: 'Mantido',
};

export const LGPD_STATUS_COLORS: Record<LgpdDebtorStatus, string> = {
  anonymized: 'green',
  contacts_erased: 'blue',
  kept: 'yellow',
};

export function lgpdStatusLabel(status: string): string {
  return LGPD_STATUS_LABELS[status as LgpdDebtorStatus] ?? status;
}

export function lgpdStatusColor(status: string): string {
  return LGPD_STATUS_COLORS[status as LgpdDebtorStatus] ?? 'gray';
}

export const PAYMENT_STATUS_LABELS: Record<PaymentStatus, string> = {
  allocated: 'Conciliado',
  partially_allocated: 'Com crédito',
  unallocated: 'Para conciliar',
  rejected: 'Rejeitado',
};

export const PAYMENT_STATUS_COLORS: Record<PaymentStatus, string> = {
  allocated: 'green',
  partially_allocated: 'blue',
  unallocated: 'orange',
  rejected: 'gray',
};

/** What each payment status means, for the badge's tooltip. */
export const PAYMENT_STATUS_HELP: Record<PaymentStatus, string> = {
  allocated: 'O valor pago foi todo lançado nos títulos do devedor.',
  partially_allocated:
    'Pagou mais do que devia: os títulos foram quitados e a sobra fica como crédito do devedor.',
  unallocated: 'Não foi possível identificar o devedor: alguém precisa conciliar este pagamento.',
  rejected:
    'Não era pagamento de devedor (uma tarifa, uma transferência): saiu da fila sem pagar título, com o motivo registrado.',
};

export function paymentStatusLabel(status: string): string {
  return PAYMENT_STATUS_LABELS[status as PaymentStatus] ?? status;
}

export function paymentStatusColor(status: string): string {
  return PAYMENT_STATUS_COLORS[status as PaymentStatus] ?? 'gray';
}

export function paymentStatusHelp(status: string): string | null {
  return PAYMENT_STATUS_HELP[status as PaymentStatus] ?? null;
}

const DECIDED_BY =
  /^(conciliado|rejeitado) por ((?:user|apikey|api_key):\d+|debtor:\d+:portal|system(?::[\w.-]+)?)(?=$|: )/;

/**
 * How a payment was matched, with the person who decided named: "conciliado por user:12: o filho
 * pagou" reads "conciliado por Ana: o filho pagou". Anything else (a reference, the automatic
 * "conciliação automática (confiança 93%)") is shown as the server wrote it.
 */
export function matchedByLabel(matchedBy: string, me: { id: number; name: string }): string {
  const decided = DECIDED_BY.exec(matchedBy);
  if (!decided) return matchedBy;
  return `${decided[1]} por ${actorLabel(decided[2] ?? '', me)}${matchedBy.slice(decided[0].length)}`;
}

/** The kinds of payment file, as people at a BPO call them. */
export const PAYMENT_FORMAT_LABELS: Record<string, string> = {
  cnab240: 'Retorno CNAB 240',
  cnab400: 'Retorno CNAB 400',
  ofx: 'Extrato OFX',
};

export function paymentFormatLabel(format: string): string {
  return PAYMENT_FORMAT_LABELS[format] ?? format;
}

export const CHARGE_KIND_LABELS: Record<ChargeKind, string> = {
  principal: 'Valor original',
  correcao: 'Correção monetária',
  multa: 'Multa',
  juros: 'Juros de mora',
  desconto: 'Desconto',
};

export function chargeKindLabel(kind: string): string {
  return CHARGE_KIND_LABELS[kind as ChargeKind] ?? kind;
}

/** "À vista" or "Entrada + N parcelas": an offer's `installments` are the payments after the entrada. */
export function offerTitle(offer: Pick<NegotiationOffer, 'kind' | 'installments'>): string {
  if (offer.kind === 'cash') return 'À vista';
  return `Entrada + ${plural(offer.installments.length, 'parcela', 'parcelas')}`;
}
