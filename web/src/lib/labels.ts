import type { AgingBucketKey, ImportStatus, ReceivableStatus, Role } from '../api/types.ts';

export const RECEIVABLE_STATUS_LABELS: Record<ReceivableStatus, string> = {
  open: 'Em aberto',
  partially_paid: 'Parcialmente pago',
  paid: 'Pago',
  cancelled: 'Cancelado',
  written_off: 'Baixado',
};

export const RECEIVABLE_STATUS_COLORS: Record<ReceivableStatus, string> = {
  open: 'blue',
  partially_paid: 'yellow',
  paid: 'green',
  cancelled: 'gray',
  written_off: 'dark',
};

export const RECEIVABLE_STATUSES = Object.keys(RECEIVABLE_STATUS_LABELS) as ReceivableStatus[];

export function isReceivableStatus(value: string): value is ReceivableStatus {
  return value in RECEIVABLE_STATUS_LABELS;
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

export const CHANNEL_LABELS: Record<string, string> = {
  email: 'E-mail',
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  phone: 'Telefone',
  voice: 'Ligação',
  letter: 'Carta',
  push: 'Push',
};

export function channelLabel(channel: string): string {
  return CHANNEL_LABELS[channel] ?? channel;
}

/** Human text for the import error codes; unknown codes fall back to the server's English `reason`. */
export const IMPORT_ERROR_MESSAGES: Record<string, string> = {
  required: 'Campo obrigatório não preenchido',
  invalid_cpf: 'CPF inválido',
  invalid_cnpj: 'CNPJ inválido',
  invalid_document: 'CPF/CNPJ inválido',
  invalid_date: 'Data inválida',
  invalid_amount: 'Valor inválido',
  negative_amount: 'Valor negativo',
  due_before_issue: 'Vencimento anterior à emissão',
  open_exceeds_original: 'Saldo em aberto maior que o valor original',
  invalid_email: 'E-mail inválido',
  invalid_phone: 'Telefone inválido',
  invalid_uf: 'UF inválida',
  invalid_cep: 'CEP inválido',
  invalid_status: 'Situação inválida',
  status_conflict: 'Situação incompatível com o saldo',
  duplicate_external_id: 'Identificador repetido no arquivo',
  malformed_csv: 'Linha mal formada no CSV',
  invalid_encoding: 'Codificação de caracteres inválida',
  too_long: 'Valor longo demais',
};

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
