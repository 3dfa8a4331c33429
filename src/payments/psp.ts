/**
 * Pix PSP adapter speaking the Banco Central "API Pix" contract, v2 (bacen/pix-api openapi.yaml,
 * checked against 2.8.1 and the 2.9.0 changelog): immediate charges (`/cob/{txid}`), charges with a
 * due date (`/cobv/{txid}`), the Pix webhook (`/webhook/{chave}`) and received Pix (`/pix`).
 *
 * - Auth: OAuth2 client_credentials at `{baseUrl}/oauth/token` (HTTP Basic with client id and
 *   secret), the token cached until shortly before `expires_in` and renewed once when the PSP
 *   answers 401. Real PSPs also demand mutual TLS: pass a `fetch` bound to the client certificate.
 * - Idempotency: charges are created with `PUT` on a txid we choose, so replaying a request after a
 *   lost answer creates nothing twice (the PSP keeps `revisao` when the body is the same).
 * - Retries: network errors and 5xx, a bounded number of attempts with exponential backoff; 4xx is
 *   never retried. Every failure is a `PspError` with the RFC 7807 fields of the API Pix
 *   (`type` https://pix.bcb.gov.br/api/v2/error/<TipoErro>, `title`, `status`, `detail`,
 *   `violacoes`) and a pt-BR message a person can act on.
 * - Money: our amounts are integer centavos; the API writes them as strings `\d{1,10}\.\d{2}`.
 *   Conversion is string arithmetic, never floating point. Percentages (`valorPerc`) follow the
 *   same pattern, so they carry exactly two decimals.
 */
import { randomInt } from 'node:crypto';
import Big from 'big.js';
import { type CalendarDate, isCalendarDate } from '../shared/dates.ts';
import { parseTaxId } from '../shared/documents.ts';
import type { Cents } from '../shared/money.ts';
import type { DebtorKind } from './charges.ts';
import { parsePixKey } from './pix.ts';

/** Stable identifier of this provider. */
export const PSP_PROVIDER_ID = 'bcb_api_pix_v2';

/** `TxId` schema of the API Pix for charges: 26 to 35 characters of `[a-zA-Z0-9]`. */
export const TXID_PATTERN = /^[a-zA-Z0-9]{26,35}$/;
/** Money and percentages in the API Pix: `\d{1,10}\.\d{2}`. */
export const VALOR_PATTERN = /^\d{1,10}\.\d{2}$/;
/** The largest amount the pattern above can write: R$ 9.999.999.999,99. */
export const VALOR_MAX_CENTS: Cents = 999_999_999_999;
export const ERROR_TYPE_PREFIX = 'https://pix.bcb.gov.br/api/v2/error/';
/** `calendario.expiracao` default of the contract, in seconds. */
export const DEFAULT_EXPIRACAO_SECONDS = 86_400;
/** `calendario.validadeAposVencimento` default of the contract, in calendar days. */
export const DEFAULT_VALIDADE_APOS_VENCIMENTO = 30;

// ---------------------------------------------------------------------------------------------
// Contract types (request and response bodies as the API Pix writes them)

export type ChargeStatus = 'ATIVA' | 'CONCLUIDA' | 'REMOVIDA_PELO_USUARIO_RECEBEDOR' | 'REMOVIDA_PELO_PSP';

export type Devedor = { cpf: string; nome: string } | { cnpj: string; nome: string };
export type InfoAdicional = { nome: string; valor: string };
export type PayloadLocation = { id: number; location: string; tipoCob: 'cob' | 'cobv'; criacao: string };

/** Multa: 1 = valor fixo, 2 = percentual. */
export type Multa = { modalidade: 1 | 2; valorPerc: string };
/**
 * Juros: 1 valor (dias corridos), 2 percentual ao dia (dias corridos), 3 percentual ao mês (dias
 * corridos), 4 percentual ao ano (dias corridos), 5-8 the same on business days (dias úteis).
 */
export type Juros = { modalidade: 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8; valorPerc: string };
export type Abatimento = { modalidade: 1 | 2; valorPerc: string };
/**
 * Desconto: 1 valor fixo até a(s) data(s), 2 percentual até a data (both with
 * `descontoDataFixa`, 1 to 3 entries, each on or before the due date); 3-6 per day of anticipation
 * (with `valorPerc`).
 */
export type Desconto =
  | { modalidade: 1 | 2; descontoDataFixa: Array<{ data: CalendarDate; valorPerc: string }> }
  | { modalidade: 3 | 4 | 5 | 6; valorPerc: string };

/** `CobSolicitada`: the body of `PUT /cob/{txid}`. */
export type CobRequest = {
  calendario: { expiracao: number };
  devedor?: Devedor;
  valor: { original: string; modalidadeAlteracao?: 0 | 1 };
  chave: string;
  solicitacaoPagador?: string;
  infoAdicionais?: InfoAdicional[];
};

/** `CobVSolicitada`: the body of `PUT /cobv/{txid}`; build it with `cobvFromTerms`. */
export type CobvRequest = {
  calendario: { dataDeVencimento: CalendarDate; validadeAposVencimento?: number };
  devedor: Devedor;
  valor: {
    original: string;
    multa?: Multa;
    juros?: Juros;
    abatimento?: Abatimento;
    desconto?: Desconto;
  };
  chave: string;
  solicitacaoPagador?: string;
  infoAdicionais?: InfoAdicional[];
};

/** A received Pix (`Pix` schema), as `GET /pix`, `GET /cob/{txid}` and the webhook write it. */
export type PixRecebido = {
  endToEndId: string;
  txid?: string;
  valor: string;
  chave?: string;
  horario: string;
  infoPagador?: string;
  componentesValor?: Record<string, { valor: string }>;
  /** Not in the BCB schema (removed in 2.1); some PSPs still send it. */
  pagador?: { cpf?: string; cnpj?: string; nome?: string };
};

/** `CobCompleta`: an immediate charge as the PSP returns it. */
export type Cob = Omit<CobRequest, 'calendario'> & {
  calendario: { criacao: string; expiracao: number };
  txid: string;
  revisao: number;
  status: ChargeStatus;
  loc?: PayloadLocation;
  location?: string;
  pixCopiaECola?: string;
  pix?: PixRecebido[];
};

/** `CobVCompleta`: a charge with a due date as the PSP returns it. */
export type Cobv = Omit<CobvRequest, 'calendario'> & {
  calendario: { criacao: string; dataDeVencimento: CalendarDate; validadeAposVencimento: number };
  txid: string;
  revisao: number;
  status: ChargeStatus;
  recebedor?: {
    nome: string;
    cpf?: string;
    cnpj?: string;
    logradouro?: string;
    cidade?: string;
    uf?: string;
    cep?: string;
  };
  loc?: PayloadLocation;
  location?: string;
  pixCopiaECola?: string;
  pix?: PixRecebido[];
};

export type Violacao = { razao?: string; propriedade?: string; valor?: string };

// ---------------------------------------------------------------------------------------------
// Errors

/** Input our side refuses before anything reaches the PSP; `field` names the offending parameter. */
export class PspInputError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'PspInputError';
    this.field = field;
  }
}

/**
 * A failed call to the PSP. `status` is the HTTP status (0 when the PSP could not be reached);
 * `type`, `title`, `detail`, `violacoes` and `correlationId` come from the problem+json body;
 * `code` is the last segment of `type` (e.g. `CobVOperacaoInvalida`); `message` is pt-BR.
 */
export class PspError extends Error {
  readonly operation: string;
  readonly status: number;
  readonly type: string | null;
  readonly code: string | null;
  readonly title: string | null;
  readonly detail: string | null;
  readonly violacoes: Violacao[];
  readonly correlationId: string | null;
  /** True for network errors and 5xx: the call may succeed if tried again later. */
  readonly retryable: boolean;
  constructor(fields: {
    operation: string;
    status: number;
    type?: string | null;
    title?: string | null;
    detail?: string | null;
    violacoes?: Violacao[];
    correlationId?: string | null;
    message: string;
  }) {
    super(fields.message);
    this.name = 'PspError';
    this.operation = fields.operation;
    this.status = fields.status;
    this.type = fields.type ?? null;
    this.code = this.type?.startsWith(ERROR_TYPE_PREFIX) ? this.type.slice(ERROR_TYPE_PREFIX.length) : null;
    this.title = fields.title ?? null;
    this.detail = fields.detail ?? null;
    this.violacoes = fields.violacoes ?? [];
    this.correlationId = fields.correlationId ?? null;
    this.retryable = fields.status === 0 || fields.status >= 500;
  }
}

/** The PSP's texts use markdown (`_schema_`); a person reads them without it. */
const plain = (text: string) => text.replace(/_([^_\s][^_]*)_/g, '$1').trim();

function violationsText(violacoes: Violacao[]): string {
  return violacoes
    .map((v) => {
      const reason = v.razao ? plain(v.razao) : 'campo inválido';
      return v.propriedade && !reason.includes(v.propriedade) ? `${reason} (${v.propriedade})` : reason;
    })
    .join('; ');
}

/** The pt-BR sentence for a problem the PSP returned. */
function problemMessage(status: number, code: string | null, detail: string | null, violacoes: Violacao[]) {
  const why = violacoes.length > 0 ? violationsText(violacoes) : detail ? plain(detail) : '';
  const because = why ? `: ${why}` : '.';
  switch (code) {
    case 'CobOperacaoInvalida':
      return `O PSP recusou a cobrança Pix imediata${because}`;
    case 'CobVOperacaoInvalida':
      return `O PSP recusou a cobrança Pix com vencimento${because}`;
    case 'CobNaoEncontrado':
    case 'CobVNaoEncontrada':
      return 'O PSP não encontrou esta cobrança Pix (txid desconhecido).';
    case 'CobConsultaInvalida':
    case 'CobVConsultaInvalida':
    case 'PixConsultaInvalida':
      return `O PSP recusou a consulta${because}`;
    case 'WebhookOperacaoInvalida':
      return `O PSP recusou o webhook Pix${because}`;
    case 'WebhookNaoEncontrado':
      return 'O PSP não tem webhook cadastrado para esta chave Pix.';
    case 'PixNaoEncontrado':
      return 'O PSP não encontrou este Pix (endToEndId desconhecido).';
    case 'AcessoNegado':
      return 'O PSP negou acesso a esta operação: confira os escopos contratados e se a chave Pix pertence a esta conta.';
    case 'ServicoIndisponivel':
      return 'O PSP está indisponível no momento (manutenção ou fora da janela de funcionamento); tente mais tarde.';
    case 'IndisponibilidadePorTempoEsgotado':
      return 'O PSP demorou demais para responder; tente mais tarde.';
    case 'ErroInternoDoServidor':
      return 'O PSP teve um erro interno; tente mais tarde.';
  }
  if (status === 404) return 'O PSP não encontrou o recurso pedido.';
  if (status === 401)
    return 'O PSP recusou o token de acesso mesmo depois de renová-lo; confira as credenciais.';
  if (status === 403) return 'O PSP negou acesso a esta operação; confira os escopos contratados.';
  if (status >= 500) return `O PSP falhou ao processar o pedido (HTTP ${status}); tente mais tarde.`;
  return `O PSP recusou o pedido (HTTP ${status})${because}`;
}

// ---------------------------------------------------------------------------------------------
// Money and percentages

/** Centavos as the API Pix writes money: 123456 -> "1234.56". Exact; refuses what the pattern cannot hold. */
export function centsToValor(cents: Cents): string {
  if (!Number.isSafeInteger(cents) || cents < 0 || cents > VALOR_MAX_CENTS) {
    throw new PspInputError(
      'amountCents',
      `valor deve ser um número inteiro de centavos entre 0 e ${VALOR_MAX_CENTS}; recebido ${cents}`,
    );
  }
  const rest = cents % 100;
  return `${(cents - rest) / 100}.${String(rest).padStart(2, '0')}`;
}

/** "1234.56" -> 123456. Only the API Pix pattern `\d{1,10}\.\d{2}` is accepted. */
export function valorToCents(valor: string): Cents {
  if (!VALOR_PATTERN.test(valor))
    throw new PspInputError('valor', `"${valor}" não é um valor no formato da API Pix (ex.: 123.45)`);
  const [reais = '0', centavos = '0'] = valor.split('.');
  return Number(reais) * 100 + Number(centavos);
}

/**
 * A percentage ('2', '0,5', '1.25') as `valorPerc` ("2.00"). The contract allows two decimals:
 * more precise rates are rounded DOWN (a charge may carry less than agreed, never more: CDC art. 42).
 * Refuses negative, non-numeric and values above `max`.
 */
export function percentToValorPerc(field: string, percent: string, max: number): string {
  const text = percent.trim().replace(',', '.');
  if (!/^\d{1,10}(\.\d+)?$/.test(text))
    throw new PspInputError(field, `${field} deve ser um percentual como 2 ou 0,5; recebido "${percent}"`);
  const value = new Big(text);
  if (value.gt(max)) throw new PspInputError(field, `${field} de ${text}% é maior que o limite de ${max}%`);
  return value.round(2, Big.roundDown).toFixed(2);
}

// ---------------------------------------------------------------------------------------------
// txid

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const TXID_MAX = 35;
const TXID_MIN_RANDOM = 6;

/**
 * A txid for `PUT /cob|cobv/{txid}`: `prefix` followed by a random alphanumeric tail up to the
 * contract's 35 characters. The tail starts with a letter, so a prefix ending in digits stays
 * readable (see `parseReguaTxid`). At least 6 random characters are added.
 */
export function newTxid(prefix: string): string {
  if (!/^[a-zA-Z0-9]*$/.test(prefix) || prefix.length > TXID_MAX - TXID_MIN_RANDOM) {
    throw new PspInputError(
      'prefix',
      `o prefixo do txid deve ter até ${TXID_MAX - TXID_MIN_RANDOM} letras ou dígitos; recebido "${prefix}"`,
    );
  }
  let tail = ALNUM.charAt(randomInt(52));
  while (prefix.length + tail.length < TXID_MAX) tail += ALNUM.charAt(randomInt(ALNUM.length));
  return prefix + tail;
}

export type ReguaTxidParts = { orgId: number; agreementId: number; installment: number };

const positive = (field: string, value: number) => {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new PspInputError(field, `${field} deve ser um inteiro positivo; recebido ${value}`);
  return String(value);
};

/** Régua's txid for an agreement installment: `RG{orgId}A{agreementId}N{installment}` + random tail. */
export function reguaTxid(parts: ReguaTxidParts): string {
  return newTxid(
    `RG${positive('orgId', parts.orgId)}A${positive('agreementId', parts.agreementId)}N${positive('installment', parts.installment)}`,
  );
}

const REGUA_TXID = /^RG([1-9]\d*)A([1-9]\d*)N([1-9]\d*)[A-Za-z][A-Za-z0-9]*$/;

/** The organization, agreement and installment behind a txid made by `reguaTxid`; null for any other txid. */
export function parseReguaTxid(txid: string): ReguaTxidParts | null {
  if (!TXID_PATTERN.test(txid)) return null;
  const match = REGUA_TXID.exec(txid);
  if (!match) return null;
  const [orgId, agreementId, installment] = [match[1], match[2], match[3]].map(Number);
  if (!orgId || !agreementId || !installment) return null;
  if (![orgId, agreementId, installment].every(Number.isSafeInteger)) return null;
  return { orgId, agreementId, installment };
}

function checkTxid(txid: string): string {
  if (!TXID_PATTERN.test(txid))
    throw new PspInputError('txid', `txid deve ter de 26 a 35 letras ou dígitos; recebido "${txid}"`);
  return txid;
}

// ---------------------------------------------------------------------------------------------
// Request bodies (pure)

export type PspDebtor = { document: string; name: string; kind?: DebtorKind };

/** `devedor` from a CPF/CNPJ (masks accepted, check digits verified) and a name (cut to 200). */
export function devedorFrom(debtor: PspDebtor): Devedor {
  const taxId = parseTaxId(debtor.document);
  if (!taxId.ok) throw new PspInputError('debtor.document', `CPF/CNPJ do devedor inválido: ${taxId.reason}`);
  if (debtor.kind && taxId.taxId.kind !== debtor.kind) {
    throw new PspInputError(
      'debtor.document',
      debtor.kind === 'person'
        ? 'o devedor é pessoa física mas o documento é um CNPJ'
        : 'o devedor é pessoa jurídica mas o documento é um CPF',
    );
  }
  const nome = debtor.name.replace(/\s+/g, ' ').trim().slice(0, 200);
  if (nome === '') throw new PspInputError('debtor.name', 'o nome do devedor é obrigatório');
  return taxId.taxId.kind === 'person' ? { cpf: taxId.taxId.value, nome } : { cnpj: taxId.taxId.value, nome };
}

function chaveFrom(chave: string): string {
  const key = parsePixKey(chave);
  if (!key.ok) throw new PspInputError('chave', `chave Pix inválida: ${key.error}`);
  return key.key.value;
}

function extras(input: { solicitacaoPagador?: string; infoAdicionais?: InfoAdicional[] }) {
  const out: { solicitacaoPagador?: string; infoAdicionais?: InfoAdicional[] } = {};
  if (input.solicitacaoPagador !== undefined) {
    const text = input.solicitacaoPagador.trim();
    if (text.length > 140)
      throw new PspInputError('solicitacaoPagador', 'solicitacaoPagador tem no máximo 140 caracteres');
    if (text !== '') out.solicitacaoPagador = text;
  }
  if (input.infoAdicionais !== undefined && input.infoAdicionais.length > 0) {
    if (input.infoAdicionais.length > 50)
      throw new PspInputError('infoAdicionais', 'infoAdicionais tem no máximo 50 itens');
    for (const info of input.infoAdicionais) {
      if (info.nome.length < 1 || info.nome.length > 50 || info.valor.length < 1 || info.valor.length > 200)
        throw new PspInputError(
          'infoAdicionais',
          'cada informação adicional precisa de nome (até 50) e valor (até 200 caracteres)',
        );
    }
    out.infoAdicionais = input.infoAdicionais.map(({ nome, valor }) => ({ nome, valor }));
  }
  return out;
}

export type CobInput = {
  amountCents: Cents;
  /** The receiver's Pix key (CPF, CNPJ, e-mail, +55 phone or EVP); masks accepted. */
  chave: string;
  /** Lifetime in seconds from creation; the contract's default is 86400 (24 h). */
  expiracaoSeconds?: number;
  debtor?: PspDebtor;
  solicitacaoPagador?: string;
  infoAdicionais?: InfoAdicional[];
};

/** The body of `PUT /cob/{txid}` for an immediate charge. */
export function cobRequest(input: CobInput): CobRequest {
  if (input.amountCents <= 0)
    throw new PspInputError('amountCents', 'o valor de uma cobrança Pix deve ser maior que zero');
  const expiracao = input.expiracaoSeconds ?? DEFAULT_EXPIRACAO_SECONDS;
  if (!Number.isSafeInteger(expiracao) || expiracao <= 0 || expiracao > 2_147_483_647)
    throw new PspInputError(
      'expiracaoSeconds',
      'a expiração deve ser um número inteiro positivo de segundos',
    );
  const body: CobRequest = {
    calendario: { expiracao },
    valor: { original: centsToValor(input.amountCents) },
    chave: chaveFrom(input.chave),
    ...extras(input),
  };
  if (input.debtor) body.devedor = devedorFrom(input.debtor);
  return body;
}

export type CobvFromTermsInput = {
  /** The amount due on the due date (valor.original). */
  amountCents: Cents;
  dueDate: CalendarDate;
  debtor: { document: string; name: string; kind: DebtorKind };
  chave: string;
  /**
   * The creditor's terms as stored (percent strings). The consumer multa cap (2%, CDC art. 52 §1º)
   * is the caller's job. `jurosMonthlyPercent: null` (no agreed rate: the taxa legal, which varies
   * month by month) cannot be written into a cobv; pass the rate to use.
   */
  terms: { multaPercent: string; jurosMonthlyPercent: string | null };
  /** A percentage off the original amount when paid up to `untilDate` (on or before the due date). */
  discount?: { untilDate: CalendarDate; percent: string };
  /** Calendar days after the due date during which the charge can still be paid; default 30. */
  validadeAposVencimento?: number;
  solicitacaoPagador?: string;
  infoAdicionais?: InfoAdicional[];
};

/**
 * The body of `PUT /cobv/{txid}` from our creditor terms:
 * - multa → `valor.multa` modalidade 2 (percentual, over valor.original), omitted when zero;
 * - juros % a.m., simple → `valor.juros` modalidade 3 (percentual ao mês, dias corridos: the PSP
 *   accrues rate/30 per calendar day late, as `charges.ts` does), omitted when zero;
 * - discount → `valor.desconto` modalidade 2 (percentual até a data informada).
 * Percentages carry two decimals (rounded down). Refuses negative and absurd values: multa and
 * juros above 100%, a discount of 100% or more (the contract forbids it) or dated after the due date.
 */
export function cobvFromTerms(input: CobvFromTermsInput): CobvRequest {
  if (input.amountCents <= 0)
    throw new PspInputError('amountCents', 'o valor de uma cobrança Pix deve ser maior que zero');
  if (!isCalendarDate(input.dueDate))
    throw new PspInputError('dueDate', `vencimento inválido: "${input.dueDate}" (esperado AAAA-MM-DD)`);
  const validade = input.validadeAposVencimento ?? DEFAULT_VALIDADE_APOS_VENCIMENTO;
  if (!Number.isSafeInteger(validade) || validade < 0 || validade > 3650)
    throw new PspInputError(
      'validadeAposVencimento',
      'validadeAposVencimento deve ser um número inteiro de dias entre 0 e 3650',
    );
  const body: CobvRequest = {
    calendario: { dataDeVencimento: input.dueDate, validadeAposVencimento: validade },
    devedor: devedorFrom(input.debtor),
    valor: { original: centsToValor(input.amountCents) },
    chave: chaveFrom(input.chave),
    ...extras(input),
  };
  const multa = percentToValorPerc('multaPercent', input.terms.multaPercent, 100);
  if (multa !== '0.00') body.valor.multa = { modalidade: 2, valorPerc: multa };
  if (input.terms.jurosMonthlyPercent === null) {
    throw new PspInputError(
      'jurosMonthlyPercent',
      'sem taxa de juros combinada (taxa legal, que muda todo mês) a cobrança com vencimento não pode ' +
        'calcular juros; informe a taxa mensal a usar ou 0',
    );
  }
  const juros = percentToValorPerc('jurosMonthlyPercent', input.terms.jurosMonthlyPercent, 100);
  if (juros !== '0.00') body.valor.juros = { modalidade: 3, valorPerc: juros };
  if (input.discount) {
    const { untilDate, percent } = input.discount;
    if (!isCalendarDate(untilDate))
      throw new PspInputError('discount.untilDate', `data do desconto inválida: "${untilDate}"`);
    if (untilDate > input.dueDate)
      throw new PspInputError(
        'discount.untilDate',
        'a data limite do desconto não pode passar do vencimento',
      );
    const valorPerc = percentToValorPerc('discount.percent', percent, 100);
    if (valorPerc === '100.00')
      throw new PspInputError('discount.percent', 'o desconto deve ser menor que 100%');
    if (valorPerc !== '0.00')
      body.valor.desconto = { modalidade: 2, descontoDataFixa: [{ data: untilDate, valorPerc }] };
  }
  return body;
}

// ---------------------------------------------------------------------------------------------
// Client

export type PspConfig = {
  /** The PSP's root, e.g. https://pix.example.com; the API lives under `apiPath`. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes to ask for (cob.write cob.read cobv.write ...); omitted: the PSP's default. */
  scope?: string;
  /** Path of the versioned API under `baseUrl`; default `/v2` (some PSPs use `/api/v2`). */
  apiPath?: string;
  /** Path of the token endpoint under `baseUrl`; default `/oauth/token`. */
  tokenPath?: string;
  /** A fetch bound to the mTLS client certificate in production; the global fetch otherwise. */
  fetch?: typeof fetch;
  /** Attempts per call for network errors and 5xx (default 3) and the first backoff (default 200 ms, doubling). */
  retry?: { attempts?: number; baseDelayMs?: number };
  /** Per-request timeout; default 15 s. */
  timeoutMs?: number;
  /** Clock in epoch ms, for token expiry; default Date.now. */
  now?: () => number;
};

export type ListPixQuery = {
  /** Start and end of the period (RFC 3339 instants); the PSP filters on `horario`. */
  inicio: Date | string;
  fim: Date | string;
  txid?: string;
  /** Page size, 1 to 1000; default 100. */
  itensPorPagina?: number;
};

export type PspClient = {
  readonly id: typeof PSP_PROVIDER_ID;
  /** `PUT /cob/{txid}`: creates (or, with a changed body, revises) an immediate charge. */
  createCob(txid: string, input: CobInput): Promise<Cob>;
  /** `PUT /cobv/{txid}`: creates (or revises) a charge with a due date; build the body with `cobvFromTerms`. */
  createCobv(txid: string, request: CobvRequest): Promise<Cobv>;
  getCob(txid: string, options?: { revisao?: number }): Promise<Cob>;
  getCobv(txid: string, options?: { revisao?: number }): Promise<Cobv>;
  /** `PATCH /cob/{txid}` status REMOVIDA_PELO_USUARIO_RECEBEDOR; calling it again is harmless. */
  cancelCob(txid: string): Promise<Cob>;
  cancelCobv(txid: string): Promise<Cobv>;
  /** `PUT /webhook/{chave}`: the PSP will POST received Pix to `{webhookUrl}/pix`. */
  setWebhook(chave: string, webhookUrl: string): Promise<void>;
  /** `GET /pix`, every page. */
  listPix(query: ListPixQuery): Promise<PixRecebido[]>;
};

type CachedToken = { value: string; refreshAt: number };

const REMOVED: ChargeStatus = 'REMOVIDA_PELO_USUARIO_RECEBEDOR';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);

function networkError(operation: string, error: unknown): PspError {
  const cause =
    error instanceof Error
      ? error.name === 'TimeoutError'
        ? 'tempo esgotado'
        : error.message
      : String(error);
  return new PspError({
    operation,
    status: 0,
    message: `Não foi possível falar com o PSP (${cause}); tente mais tarde.`,
  });
}

function problemError(operation: string, status: number, body: unknown): PspError {
  const problem = isRecord(body) ? body : {};
  const violacoes = Array.isArray(problem.violacoes)
    ? problem.violacoes.filter(isRecord).map((v) => {
        const out: Violacao = {};
        const razao = text(v.razao);
        const propriedade = text(v.propriedade);
        const valor = text(v.valor);
        if (razao) out.razao = razao;
        if (propriedade) out.propriedade = propriedade;
        if (valor) out.valor = valor;
        return out;
      })
    : [];
  const type = text(problem.type);
  const code = type?.startsWith(ERROR_TYPE_PREFIX) ? type.slice(ERROR_TYPE_PREFIX.length) : null;
  const detail = text(problem.detail);
  return new PspError({
    operation,
    status,
    type,
    title: text(problem.title),
    detail,
    violacoes,
    correlationId: text(problem.correlationId),
    message: problemMessage(status, code, detail, violacoes),
  });
}

/** The OAuth2 token endpoint answers RFC 6749 errors (`{"error": "invalid_client"}`), not problem+json. */
function tokenError(status: number, body: unknown): PspError {
  const error = isRecord(body) ? text(body.error) : null;
  const description = isRecord(body) ? text(body.error_description) : null;
  const operation = 'POST /oauth/token';
  if (status === 401 || error === 'invalid_client') {
    return new PspError({
      operation,
      status,
      title: error,
      detail: description,
      message: 'O PSP recusou as credenciais (client id/secret): confira-as nas configurações do PSP.',
    });
  }
  if (status >= 500) return problemError(operation, status, body);
  return new PspError({
    operation,
    status,
    title: error,
    detail: description,
    message: `O PSP recusou o pedido de token de acesso (HTTP ${status}${error ? `, ${error}` : ''})${
      error === 'invalid_scope' ? ': os escopos pedidos não foram contratados' : ''
    }.`,
  });
}

/** An adapter for one PSP account (one set of credentials) speaking the API Pix v2. */
export function createPspClient(config: PspConfig): PspClient {
  const root = config.baseUrl.replace(/\/+$/, '');
  const api = `${root}${config.apiPath ?? '/v2'}`;
  const tokenUrl = `${root}${config.tokenPath ?? '/oauth/token'}`;
  const doFetch = config.fetch ?? fetch;
  const attempts = Math.max(1, Math.min(config.retry?.attempts ?? 3, 10));
  const baseDelayMs = config.retry?.baseDelayMs ?? 200;
  const timeoutMs = config.timeoutMs ?? 15_000;
  const now = config.now ?? Date.now;
  // RFC 6749 §2.3.1 asks to form-encode id and secret before Base64; PSPs in practice take them raw
  // (from memory of PSP manuals, not the API Pix spec, which only names the clientCredentials flow).
  // Identical for the usual alphanumeric credentials.
  const basic = `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`).toString('base64')}`;

  let cached: CachedToken | null = null;
  let pending: Promise<string> | null = null;

  async function fetchToken(): Promise<string> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (config.scope) form.set('scope', config.scope);
    let response: Response;
    try {
      response = await doFetch(tokenUrl, {
        method: 'POST',
        headers: {
          authorization: basic,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw networkError('POST /oauth/token', error);
    }
    const body = await readJson(response);
    if (!response.ok) throw tokenError(response.status, body);
    const token = isRecord(body) ? text(body.access_token) : null;
    if (!token) {
      throw new PspError({
        operation: 'POST /oauth/token',
        status: response.status,
        message: 'O PSP respondeu ao pedido de token sem access_token.',
      });
    }
    // RFC 6749 makes expires_in optional; without it, assume 5 minutes.
    const raw = isRecord(body) ? body.expires_in : undefined;
    const expiresIn = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
    const lifetime = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 300;
    // Renew shortly before expiry: 10% of the lifetime, at most 60 s.
    const margin = Math.min(60, lifetime / 10);
    cached = { value: token, refreshAt: now() + (lifetime - margin) * 1000 };
    return token;
  }

  function accessToken(): Promise<string> {
    if (cached && now() < cached.refreshAt) return Promise.resolve(cached.value);
    if (!pending) {
      pending = fetchToken().finally(() => {
        pending = null;
      });
    }
    return pending;
  }

  function forget(token: string) {
    if (cached?.value === token) cached = null;
  }

  async function send(operation: string, method: string, url: string, token: string, body: unknown) {
    try {
      return await doFetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw networkError(operation, error);
    }
  }

  /** One attempt: token, request, and on 401 one renewal of the token. */
  async function once(operation: string, method: string, url: string, body: unknown): Promise<unknown> {
    const token = await accessToken();
    let response = await send(operation, method, url, token, body);
    if (response.status === 401) {
      await response.body?.cancel();
      forget(token);
      response = await send(operation, method, url, await accessToken(), body);
    }
    const answer = await readJson(response);
    if (!response.ok) throw problemError(operation, response.status, answer);
    return answer;
  }

  async function call<T>(operation: string, method: string, path: string, body?: unknown): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await once(operation, method, `${api}${path}`, body)) as T;
      } catch (error) {
        const failure = error instanceof PspError ? error : networkError(operation, error);
        if (!failure.retryable || attempt >= attempts) throw failure;
        await sleep(baseDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  const revision = (options?: { revisao?: number }) =>
    options?.revisao === undefined ? '' : `?revisao=${encodeURIComponent(String(options.revisao))}`;

  /** PATCH to REMOVIDA; when the PSP refuses because it already is (e.g. a retry after a lost answer), that is success. */
  async function cancel<T extends { status: ChargeStatus }>(kind: 'cob' | 'cobv', txid: string): Promise<T> {
    const path = `/${kind}/${checkTxid(txid)}`;
    try {
      return await call<T>(`PATCH /${kind}/{txid}`, 'PATCH', path, { status: REMOVED });
    } catch (error) {
      if (!(error instanceof PspError) || error.status !== 400) throw error;
      const current = await call<T>(`GET /${kind}/{txid}`, 'GET', path);
      if (current.status === REMOVED) return current;
      throw error;
    }
  }

  return {
    id: PSP_PROVIDER_ID,
    async createCob(txid, input) {
      return call<Cob>('PUT /cob/{txid}', 'PUT', `/cob/${checkTxid(txid)}`, cobRequest(input));
    },
    async createCobv(txid, request) {
      return call<Cobv>('PUT /cobv/{txid}', 'PUT', `/cobv/${checkTxid(txid)}`, request);
    },
    async getCob(txid, options) {
      return call<Cob>('GET /cob/{txid}', 'GET', `/cob/${checkTxid(txid)}${revision(options)}`);
    },
    async getCobv(txid, options) {
      return call<Cobv>('GET /cobv/{txid}', 'GET', `/cobv/${checkTxid(txid)}${revision(options)}`);
    },
    async cancelCob(txid) {
      return cancel<Cob>('cob', txid);
    },
    async cancelCobv(txid) {
      return cancel<Cobv>('cobv', txid);
    },
    async setWebhook(chave, webhookUrl) {
      let url: URL;
      try {
        url = new URL(webhookUrl);
      } catch {
        throw new PspInputError('webhookUrl', `URL do webhook inválida: "${webhookUrl}"`);
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:')
        throw new PspInputError('webhookUrl', 'a URL do webhook deve ser https');
      await call<unknown>('PUT /webhook/{chave}', 'PUT', `/webhook/${encodeURIComponent(chaveFrom(chave))}`, {
        webhookUrl,
      });
    },
    async listPix(query) {
      const iso = (value: Date | string) => (value instanceof Date ? value.toISOString() : value);
      const size = query.itensPorPagina ?? 100;
      if (!Number.isSafeInteger(size) || size < 1 || size > 1000)
        throw new PspInputError('itensPorPagina', 'itensPorPagina deve estar entre 1 e 1000');
      const all: PixRecebido[] = [];
      // Bounded by the PSP's quantidadeDePaginas; the hard cap only guards against a PSP that never says it.
      for (let page = 0; page < 100_000; page++) {
        const params = new URLSearchParams({ inicio: iso(query.inicio), fim: iso(query.fim) });
        if (query.txid) params.set('txid', query.txid);
        params.set('paginacao.paginaAtual', String(page));
        params.set('paginacao.itensPorPagina', String(size));
        const answer = await call<{
          parametros?: { paginacao?: { quantidadeDePaginas?: number } };
          pix?: PixRecebido[];
        }>('GET /pix', 'GET', `/pix?${params.toString()}`);
        const items = answer?.pix ?? [];
        all.push(...items);
        const pages = answer?.parametros?.paginacao?.quantidadeDePaginas;
        if (typeof pages === 'number' ? page + 1 >= pages : items.length < size) break;
      }
      return all;
    },
  };
}
