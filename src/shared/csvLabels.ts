/**
 * pt-BR words for the codes CSV exports write (the same wording as the web app's labels,
 * web/src/lib/labels.ts, which imports the tables it shares from here). An unknown code is written as is.
 */

const label =
  (labels: Record<string, string>) =>
  (code: string | null | undefined): string | null =>
    code === null || code === undefined ? null : (labels[code] ?? code);

export const channelPt = label({
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
});

/** pt-BR names of the outbox statuses (also the monthly report's). */
export const MESSAGE_STATUS_LABELS: Record<string, string> = {
  queued: 'Na fila',
  sending: 'Enviando',
  sent: 'Enviada',
  delivered: 'Entregue',
  read: 'Lida',
  failed: 'Falhou',
  cancelled: 'Cancelada',
};

export const messageStatusPt = label(MESSAGE_STATUS_LABELS);

export const purposePt = label({
  reminder: 'Lembrete',
  prior_notice: 'Notificação prévia',
  negativacao: 'Negativação',
  protest: 'Protesto',
});

export const skipReasonPt = label({
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
});

export const importStatusPt = label({
  queued: 'Na fila',
  running: 'Processando',
  completed: 'Concluída',
  failed: 'Falhou',
});

/** pt-BR text of the import error codes (the web app shows the same, web/src/lib/labels.ts). */
export const IMPORT_ERROR_LABELS: Record<string, string> = {
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

export const importErrorPt = label(IMPORT_ERROR_LABELS);

export const paymentStatusPt = label({
  allocated: 'Conciliado',
  partially_allocated: 'Com crédito',
  unallocated: 'Para conciliar',
  rejected: 'Rejeitado',
});

export const paymentFormatPt = label({
  cnab240: 'Retorno CNAB 240',
  cnab400: 'Retorno CNAB 400',
  ofx: 'Extrato OFX',
});

export const recoveryReasonPt = label({
  paid: 'Pagou tudo',
  agreement_completed: 'Acordo concluído',
});

export const verdictPt = label({
  winner: 'Vencedora',
  not_yet: 'Ainda sem conclusão',
  no_difference: 'Sem diferença',
});
