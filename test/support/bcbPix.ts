/**
 * A local PSP speaking the Banco Central "API Pix" contract, v2 (bacen/pix-api openapi.yaml 2.8.1
 * plus the 2.9.0 alphanumeric CNPJ), for tests: node:http on 127.0.0.1, an ephemeral port.
 *
 * Implemented: `POST /oauth/token` (client_credentials, HTTP Basic), a Bearer check and scope check
 * on every API call, `PUT|PATCH|GET /v2/cob/{txid}`, `PUT|PATCH|GET /v2/cobv/{txid}`,
 * `PUT|GET|DELETE /v2/webhook/{chave}`, `GET /v2/pix` (paginated) and `GET /v2/pix/{e2eid}`.
 * Errors are RFC 7807 problem+json with the contract's `type` URIs and `violacoes`.
 *
 * Test-only: `pay(txid)` plays the payer's bank (marks the charge CONCLUIDA, records the Pix and
 * POSTs it to the registered webhook URL + `/pix`), `failNext` injects 5xx or dropped connections,
 * `revokeTokens` forces a 401, `requests` logs every call.
 *
 * Choices the contract leaves open (documented, not guessed silently):
 * - 401 for a missing/expired bearer token is answered RFC 6750 style (`WWW-Authenticate` and
 *   `{"error":"invalid_token"}`): the API Pix lists no 401 body (it relies on mTLS + OAuth).
 * - `calendario` of a cob is optional (the contract marks it required but its own examples omit it;
 *   `expiracao` defaults to 86400). `modalidade` is accepted as an integer (the schema) or a digit
 *   string (the contract's examples).
 * - A PUT on an existing ATIVA txid with the same body answers 201 with the same `revisao`; with a
 *   changed body it increments `revisao` (the contract lists only 201 for PUT).
 * - Payment does not increment `revisao` (only changes by the receiver do); paying does not check
 *   expiry, `validadeAposVencimento` or business days.
 * - The webhook URL may be http (the contract wants https with mTLS; tests use plain http).
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dynamicPix, parsePixKey } from '../../src/payments/pix.ts';
import { isCalendarDate, todayIn } from '../../src/shared/dates.ts';

const ERROR = 'https://pix.bcb.gov.br/api/v2/error/';
const TXID = /^[a-zA-Z0-9]{26,35}$/;
const VALOR = /^\d{1,10}\.\d{2}$/;
const CPF = /^\d{11}$/;
/** 2.9.0: CNPJ fields accept the alphanumeric CNPJ (IN RFB 2.229/2024). */
const CNPJ = /^[0-9A-Z]{12}\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ALL_SCOPES = [
  'cob.write',
  'cob.read',
  'cobv.write',
  'cobv.read',
  'pix.read',
  'pix.write',
  'webhook.read',
  'webhook.write',
  'payloadlocation.read',
  'payloadlocation.write',
];

type Json = Record<string, unknown>;
type Violacao = { razao: string; propriedade: string; valor?: string };
type Kind = 'cob' | 'cobv';
type Status = 'ATIVA' | 'CONCLUIDA' | 'REMOVIDA_PELO_USUARIO_RECEBEDOR' | 'REMOVIDA_PELO_PSP';

export type PixRecord = {
  endToEndId: string;
  txid: string;
  valor: string;
  chave: string;
  horario: string;
  infoPagador?: string;
  componentesValor?: Record<string, { valor: string }>;
  pagador?: { cpf?: string; cnpj?: string; nome?: string };
};

type Charge = {
  kind: Kind;
  txid: string;
  revisao: number;
  status: Status;
  criacao: string;
  /** The body as last accepted, and its canonical JSON (to tell a replay from a revision). */
  body: Json;
  canonical: string;
  history: Map<number, { body: Json; status: Status }>;
  loc: { id: number; location: string; tipoCob: Kind; criacao: string };
  pixCopiaECola: string;
  pix: PixRecord[];
};

export type Recebedor = {
  nome: string;
  cnpj: string;
  logradouro: string;
  cidade: string;
  uf: string;
  cep: string;
};

export type BcbPixServerOptions = {
  clientId?: string;
  clientSecret?: string;
  /** `expires_in` of issued tokens; default 3600. */
  tokenTtlSeconds?: number;
  /** ISPB of this PSP, the 8 digits after `E` in endToEndIds; default 12345678. */
  ispb?: string;
  /** Host written into locations (the contract's `pix.example.com/qr/v2/...`); default pix.example.com. */
  locationHost?: string;
  /** The receiving user (`recebedor` of a cobv and the name/city of the BR Code). */
  recebedor?: Partial<Recebedor>;
  /** Pix keys owned by the receiving user; when set, any other key is refused. Default: any valid key. */
  chaves?: string[];
  /** Server clock (token expiry, `criacao`, "due date before creation"); default the real clock. */
  now?: () => Date;
};

export type LoggedRequest = { method: string; path: string; status: number };
export type WebhookDelivery = {
  url: string;
  status: number | null;
  error?: string;
  body: { pix: Array<Omit<PixRecord, 'componentesValor'>> };
};
export type FailureOptions = {
  /** HTTP status to answer; default 503 (ServicoIndisponivel). */
  status?: number;
  /** Drop the connection instead of answering (a network error for the client). */
  reset?: boolean;
  /** Which requests count: the API under /v2 (default) or the token endpoint. */
  target?: 'api' | 'token';
};

export type BcbPixServer = {
  /** Root URL, e.g. http://127.0.0.1:43210 (token at /oauth/token, API under /v2). */
  url: string;
  clientId: string;
  clientSecret: string;
  requests: LoggedRequest[];
  webhookDeliveries: WebhookDelivery[];
  /** The next `count` matching requests fail (5xx problem+json or a dropped connection). */
  failNext(count: number, options?: FailureOptions): void;
  /** Every token issued so far stops working: the next API call gets 401. */
  revokeTokens(): void;
  /** Plays the payer's bank paying a charge: CONCLUIDA, a Pix recorded, the webhook called (awaited). */
  pay(
    txid: string,
    payment?: {
      amountCents?: number;
      paidAt?: Date;
      infoPagador?: string;
      pagador?: { cpf?: string; cnpj?: string; nome?: string };
    },
  ): Promise<{ pix: PixRecord; delivery: WebhookDelivery | null }>;
  /** The charge as stored, for assertions. */
  charge(txid: string): { kind: Kind; status: Status; revisao: number } | undefined;
  close(): Promise<void>;
};

// ---------------------------------------------------------------------------------------------
// Helpers

class HttpProblem extends Error {
  readonly status: number;
  readonly tipo: string;
  readonly title: string;
  readonly detail: string;
  readonly violacoes: Violacao[];
  constructor(status: number, tipo: string, title: string, detail: string, violacoes: Violacao[] = []) {
    super(detail);
    this.status = status;
    this.tipo = tipo;
    this.title = title;
    this.detail = detail;
    this.violacoes = violacoes;
  }
}

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** JSON with sorted keys, to compare two bodies regardless of key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

const cents = (valor: string) => {
  const [reais = '0', centavos = '0'] = valor.split('.');
  return Number(reais) * 100 + Number(centavos);
};
const valorOf = (c: number) => `${(c - (c % 100)) / 100}.${String(c % 100).padStart(2, '0')}`;

function modalidade(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return null;
}

const canonicalKey = (chave: string) => {
  const key = parsePixKey(chave);
  return key.ok ? key.key.value : null;
};

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let raw = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      raw += chunk;
    });
    request.on('end', () => resolve(raw));
    request.on('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------
// Validation (violations named as the contract names them: `cob.valor.original`, ...)

function validateDevedor(devedor: unknown, prefix: string, required: boolean, out: Violacao[]) {
  if (devedor === undefined) {
    if (required)
      out.push({
        razao: `O objeto ${prefix}.devedor não respeita o schema.`,
        propriedade: `${prefix}.devedor`,
      });
    return;
  }
  const bad = (razao: string) => out.push({ razao, propriedade: `${prefix}.devedor` });
  if (!isRecord(devedor)) return bad(`O objeto ${prefix}.devedor não respeita o schema.`);
  const { cpf, cnpj, nome } = devedor;
  if (cpf !== undefined && cnpj !== undefined)
    return bad(`O objeto ${prefix}.devedor não pode ter cpf e cnpj ao mesmo tempo.`);
  if (cpf === undefined && cnpj === undefined) return bad(`O objeto ${prefix}.devedor deve ter cpf ou cnpj.`);
  if (cpf !== undefined && (typeof cpf !== 'string' || !CPF.test(cpf)))
    out.push({
      razao: `O campo ${prefix}.devedor.cpf não respeita o schema.`,
      propriedade: `${prefix}.devedor.cpf`,
      valor: String(cpf),
    });
  if (cnpj !== undefined && (typeof cnpj !== 'string' || !CNPJ.test(cnpj)))
    out.push({
      razao: `O campo ${prefix}.devedor.cnpj não respeita o schema.`,
      propriedade: `${prefix}.devedor.cnpj`,
      valor: String(cnpj),
    });
  if (typeof nome !== 'string' || nome.trim() === '' || nome.length > 200)
    out.push({
      razao: `O campo ${prefix}.devedor.nome não respeita o schema.`,
      propriedade: `${prefix}.devedor.nome`,
    });
}

function validateCommon(body: Json, prefix: string, owned: Set<string> | null, out: Violacao[]) {
  const { chave, solicitacaoPagador, infoAdicionais } = body;
  const key = typeof chave === 'string' ? canonicalKey(chave) : null;
  if (typeof chave !== 'string' || chave.length > 77 || !key)
    out.push({
      razao: `O campo ${prefix}.chave não respeita o schema.`,
      propriedade: `${prefix}.chave`,
      valor: String(chave),
    });
  else if (owned && !owned.has(key))
    out.push({
      razao: `O campo ${prefix}.chave corresponde a uma conta que não pertence a este usuário recebedor.`,
      propriedade: `${prefix}.chave`,
      valor: chave,
    });
  if (
    solicitacaoPagador !== undefined &&
    (typeof solicitacaoPagador !== 'string' || solicitacaoPagador.length > 140)
  )
    out.push({
      razao: 'O campo solicitacaoPagador não respeita o schema.',
      propriedade: `${prefix}.solicitacaoPagador`,
    });
  if (infoAdicionais !== undefined) {
    const ok =
      Array.isArray(infoAdicionais) &&
      infoAdicionais.length <= 50 &&
      infoAdicionais.every(
        (i) =>
          isRecord(i) &&
          typeof i.nome === 'string' &&
          i.nome.length <= 50 &&
          typeof i.valor === 'string' &&
          i.valor.length <= 200,
      );
    if (!ok)
      out.push({
        razao: 'O objeto infoAdicionais não respeita o schema.',
        propriedade: `${prefix}.infoAdicionais`,
      });
  }
}

function validateOriginal(
  valor: unknown,
  prefix: string,
  out: Violacao[],
  zeroAllowed: boolean,
): number | null {
  if (!isRecord(valor) || typeof valor.original !== 'string' || !VALOR.test(valor.original)) {
    out.push({
      razao: `O campo ${prefix}.valor.original não respeita o schema.`,
      propriedade: `${prefix}.valor.original`,
      valor: isRecord(valor) ? String(valor.original) : undefined,
    });
    return null;
  }
  const original = cents(valor.original);
  if (original === 0 && !zeroAllowed) {
    out.push({
      razao: `O campo ${prefix}.valor.original é zero.`,
      propriedade: `${prefix}.valor.original`,
      valor: valor.original,
    });
    return null;
  }
  return original;
}

function validateCob(body: Json, owned: Set<string> | null): Violacao[] {
  const out: Violacao[] = [];
  const { calendario, valor } = body;
  if (calendario !== undefined) {
    const expiracao = isRecord(calendario) ? calendario.expiracao : null;
    if (
      !isRecord(calendario) ||
      (expiracao !== undefined && (!Number.isInteger(expiracao) || (expiracao as number) <= 0))
    )
      out.push({
        razao: 'O campo cob.calendario.expiracao é igual ou menor que zero.',
        propriedade: 'cob.calendario.expiracao',
      });
  }
  const alteravel = isRecord(valor) && modalidade(valor.modalidadeAlteracao) === 1;
  if (
    isRecord(valor) &&
    valor.modalidadeAlteracao !== undefined &&
    ![0, 1].includes(modalidade(valor.modalidadeAlteracao) ?? -1)
  )
    out.push({
      razao: 'O campo cob.valor.modalidadeAlteracao não respeita o schema.',
      propriedade: 'cob.valor.modalidadeAlteracao',
    });
  validateOriginal(valor, 'cob', out, alteravel);
  validateDevedor(body.devedor, 'cob', false, out);
  validateCommon(body, 'cob', owned, out);
  return out;
}

function validateCobv(body: Json, owned: Set<string> | null, creationDate: string): Violacao[] {
  const out: Violacao[] = [];
  const { calendario, valor } = body;
  const due = isRecord(calendario) ? calendario.dataDeVencimento : undefined;
  if (typeof due !== 'string' || !isCalendarDate(due))
    out.push({
      razao: 'O campo cobv.calendario.dataDeVencimento não respeita o schema.',
      propriedade: 'cobv.calendario.dataDeVencimento',
      valor: String(due),
    });
  else if (due < creationDate)
    out.push({
      razao: 'O campo cobv.calendario.dataDeVencimento é anterior à data de criação da cobrança.',
      propriedade: 'cobv.calendario.dataDeVencimento',
      valor: due,
    });
  const validade = isRecord(calendario) ? calendario.validadeAposVencimento : undefined;
  if (validade !== undefined && (!Number.isInteger(validade) || (validade as number) < 0))
    out.push({
      razao: 'O campo cobv.calendario.validadeAposVencimento é menor do que zero.',
      propriedade: 'cobv.calendario.validadeAposVencimento',
    });
  validateDevedor(body.devedor, 'cobv', true, out);
  validateCommon(body, 'cobv', owned, out);
  const original = validateOriginal(valor, 'cobv', out, false);
  if (!isRecord(valor)) return out;

  const modal = (name: string, max: number) => {
    const entry = valor[name];
    if (entry === undefined) return null;
    const m = isRecord(entry) ? modalidade(entry.modalidade) : null;
    const perc = isRecord(entry) ? entry.valorPerc : undefined;
    if (!isRecord(entry) || m === null || m < 1 || m > max || typeof perc !== 'string' || !VALOR.test(perc)) {
      out.push({
        razao: `O objeto cobv.valor.${name} não respeita o schema.`,
        propriedade: `cobv.valor.${name}`,
      });
      return null;
    }
    return { m, perc };
  };
  modal('multa', 2);
  modal('juros', 8);
  const abatimento = modal('abatimento', 2);
  if (abatimento && original !== null) {
    const tooMuch =
      abatimento.m === 1 ? cents(abatimento.perc) >= original : cents(abatimento.perc) >= 10_000;
    if (tooMuch)
      out.push({
        razao:
          'O objeto cobv.valor.abatimento representa um valor maior ou igual ao valor da cobrança original ou maior ou igual a 100%.',
        propriedade: 'cobv.valor.abatimento',
      });
  }

  const desconto = valor.desconto;
  if (desconto !== undefined) {
    const bad = (razao: string) => out.push({ razao, propriedade: 'cobv.valor.desconto' });
    const m = isRecord(desconto) ? modalidade(desconto.modalidade) : null;
    if (!isRecord(desconto) || m === null || m < 1 || m > 6) {
      bad('O objeto cobv.valor.desconto não respeita o schema.');
    } else if (m <= 2) {
      const fixed = desconto.descontoDataFixa;
      if (desconto.valorPerc !== undefined)
        bad(
          'O objeto cobv.valor.desconto apresenta modalidade no valor 1 ou 2, porém cobv.valor.desconto.valorPerc encontra-se preenchido.',
        );
      if (!Array.isArray(fixed) || fixed.length === 0) {
        bad(
          'O objeto cobv.valor.desconto apresenta modalidade no valor 1 ou 2, porém o array cobv.valor.desconto.descontoDataFixa está vazio ou nulo.',
        );
      } else if (fixed.length > 3) {
        bad('O objeto cobv.valor.desconto não respeita o schema.');
      } else {
        for (const item of fixed) {
          const data = isRecord(item) ? item.data : undefined;
          const perc = isRecord(item) ? item.valorPerc : undefined;
          if (
            typeof data !== 'string' ||
            !isCalendarDate(data) ||
            typeof perc !== 'string' ||
            !VALOR.test(perc)
          ) {
            bad('O objeto cobv.valor.desconto não respeita o schema.');
            continue;
          }
          if (typeof due === 'string' && data > due)
            bad(
              'O objeto cobv.valor.desconto apresenta algum elemento cuja data seja posterior à data de vencimento representada por calendario.dataDeVencimento.',
            );
          if (original !== null && (m === 1 ? cents(perc) >= original : cents(perc) >= 10_000))
            bad(
              'O objeto cobv.valor.desconto apresenta algum elemento de desconto que representa um valor maior ou igual ao valor da cobrança original ou maior ou igual a 100%.',
            );
        }
      }
    } else {
      if (typeof desconto.valorPerc !== 'string' || !VALOR.test(desconto.valorPerc))
        bad(
          'O objeto cobv.valor.desconto apresenta modalidade nos valores de 3 a 6, porém o elemento cobv.valor.desconto.valorPerc não está preenchido.',
        );
      if (desconto.descontoDataFixa !== undefined && desconto.descontoDataFixa !== null)
        bad(
          'O objeto cobv.valor.desconto apresenta modalidade nos valores de 3 a 6, porém o elemento cobv.valor.desconto.descontoDataFixa está preenchido ou não nulo.',
        );
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Server

export async function startBcbPixServer(options: BcbPixServerOptions = {}): Promise<BcbPixServer> {
  const clientId = options.clientId ?? 'regua-client';
  const clientSecret = options.clientSecret ?? 'regua-secret';
  const tokenTtl = options.tokenTtlSeconds ?? 3600;
  const ispb = options.ispb ?? '12345678';
  const locationHost = options.locationHost ?? 'pix.example.com';
  const now = options.now ?? (() => new Date());
  const recebedor: Recebedor = {
    nome: 'Regua Cobrancas Ltda',
    cnpj: '11222333000181',
    logradouro: 'Avenida Paulista, 1000',
    cidade: 'Sao Paulo',
    uf: 'SP',
    cep: '01310100',
    ...options.recebedor,
  };
  const owned = options.chaves
    ? new Set(options.chaves.map((c) => canonicalKey(c)).filter((c): c is string => c !== null))
    : null;

  const tokens = new Map<string, { expiresAt: number; scopes: Set<string> }>();
  const charges = new Map<string, Charge>();
  const webhooks = new Map<string, { webhookUrl: string; chave: string; criacao: string }>();
  const pixList: PixRecord[] = [];
  const requests: LoggedRequest[] = [];
  const webhookDeliveries: WebhookDelivery[] = [];
  const failures: Array<Required<Omit<FailureOptions, 'reset'>> & { reset: boolean }> = [];
  let nextLocId = 1;
  const createdOn = (charge: Charge) => todayIn('America/Sao_Paulo', new Date(charge.criacao));

  const problem = (status: number, tipo: string, title: string, detail: string, violacoes: Violacao[] = []) =>
    new HttpProblem(status, tipo, title, detail, violacoes);
  const notFound = (tipo: string, what: string) =>
    problem(404, tipo, 'Não Encontrado', `${what} não encontrada para o identificador informado.`);

  function send(response: ServerResponse, status: number, body: unknown, type = 'application/json') {
    response.statusCode = status;
    if (body === undefined) return response.end();
    response.setHeader('content-type', type);
    response.end(JSON.stringify(body));
  }

  function issueToken(request: IncomingMessage, raw: string, response: ServerResponse) {
    const header = request.headers.authorization ?? '';
    const decoded = header.startsWith('Basic ')
      ? Buffer.from(header.slice(6), 'base64').toString('utf8')
      : '';
    if (decoded !== `${clientId}:${clientSecret}`)
      return send(response, 401, {
        error: 'invalid_client',
        error_description: 'Credenciais do cliente inválidas.',
      });
    const form = new URLSearchParams(raw);
    if (form.get('grant_type') !== 'client_credentials')
      return send(response, 400, { error: 'unsupported_grant_type' });
    const asked = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
    const unknown = asked.filter((s) => !ALL_SCOPES.includes(s));
    if (unknown.length > 0)
      return send(response, 400, { error: 'invalid_scope', error_description: unknown.join(' ') });
    const scopes = new Set(asked.length > 0 ? asked : ALL_SCOPES);
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, { expiresAt: now().getTime() + tokenTtl * 1000, scopes });
    send(response, 200, {
      access_token: token,
      token_type: 'Bearer',
      expires_in: tokenTtl,
      scope: [...scopes].join(' '),
    });
  }

  function authorize(request: IncomingMessage, scope: string) {
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? tokens.get(header.slice(7)) : undefined;
    if (!token || token.expiresAt <= now().getTime()) return 'unauthorized' as const;
    if (!token.scopes.has(scope))
      throw problem(
        403,
        'AcessoNegado',
        'Acesso Negado',
        `Requisição de participante autenticado que viola alguma regra de autorização (escopo ${scope}).`,
      );
    return 'ok' as const;
  }

  function view(charge: Charge, snapshot?: { body: Json; status: Status }, revisao?: number): Json {
    const body = snapshot?.body ?? charge.body;
    const calendarioIn = isRecord(body.calendario) ? body.calendario : {};
    const calendario: Json =
      charge.kind === 'cob'
        ? { criacao: charge.criacao, expiracao: calendarioIn.expiracao ?? 86_400 }
        : {
            criacao: charge.criacao,
            dataDeVencimento: calendarioIn.dataDeVencimento,
            validadeAposVencimento: calendarioIn.validadeAposVencimento ?? 30,
          };
    const out: Json = {
      calendario,
      txid: charge.txid,
      revisao: revisao ?? charge.revisao,
      loc: charge.loc,
      location: charge.loc.location,
      status: snapshot?.status ?? charge.status,
    };
    if (body.devedor !== undefined) out.devedor = body.devedor;
    if (charge.kind === 'cobv') out.recebedor = recebedor;
    out.valor = body.valor;
    out.chave = body.chave;
    if (body.solicitacaoPagador !== undefined) out.solicitacaoPagador = body.solicitacaoPagador;
    if (body.infoAdicionais !== undefined) out.infoAdicionais = body.infoAdicionais;
    out.pixCopiaECola = charge.pixCopiaECola;
    if (charge.pix.length > 0) out.pix = charge.pix;
    return out;
  }

  function putCharge(kind: Kind, txid: string, body: unknown): Json {
    const prefix = kind;
    const tipo = kind === 'cob' ? 'CobOperacaoInvalida' : 'CobVOperacaoInvalida';
    const title = 'Cobrança inválida.';
    const detail =
      kind === 'cob'
        ? 'A requisição que busca alterar ou criar uma cobrança para pagamento imediato não respeita o schema ou está semanticamente errada.'
        : 'A requisição que busca alterar ou criar uma cobrança com vencimento não respeita o schema ou está semanticamente errada.';
    if (!TXID.test(txid))
      throw problem(400, tipo, title, detail, [
        { razao: 'O campo txid não respeita o schema.', propriedade: `${prefix}.txid`, valor: txid },
      ]);
    if (!isRecord(body))
      throw problem(400, 'RequisicaoInvalida', 'Requisição inválida.', 'O corpo deve ser um objeto JSON.');
    const existing = charges.get(txid);
    if (existing && existing.kind !== kind)
      throw problem(400, tipo, title, detail, [
        {
          razao: `O txid ${txid} já está em uso por outra cobrança deste usuário recebedor.`,
          propriedade: `${prefix}.txid`,
          valor: txid,
        },
      ]);
    const today = todayIn('America/Sao_Paulo', now());
    const violacoes =
      kind === 'cob'
        ? validateCob(body, owned)
        : validateCobv(body, owned, existing ? createdOn(existing) : today);
    if (violacoes.length > 0) throw problem(400, tipo, title, detail, violacoes);
    const text = canonical(body);
    if (existing) {
      if (existing.canonical === text && existing.status === 'ATIVA') return view(existing);
      if (existing.status !== 'ATIVA')
        throw problem(
          400,
          tipo,
          'Operação inválida.',
          'A cobrança já existe, não está no status ATIVA, e a presente requisição busca alterá-la.',
        );
      existing.body = body;
      existing.canonical = text;
      existing.revisao += 1;
      existing.history.set(existing.revisao, { body, status: existing.status });
      existing.pixCopiaECola = brCode(kind, existing.loc.location, body);
      return view(existing);
    }
    const criacao = now().toISOString();
    const location = `${locationHost}/qr/v2/${kind === 'cobv' ? 'cobv/' : ''}${randomUUID().replace(/-/g, '')}`;
    const charge: Charge = {
      kind,
      txid,
      revisao: 0,
      status: 'ATIVA',
      criacao,
      body,
      canonical: text,
      history: new Map([[0, { body, status: 'ATIVA' as Status }]]),
      loc: { id: nextLocId++, location, tipoCob: kind, criacao },
      pixCopiaECola: brCode(kind, location, body),
      pix: [],
    };
    charges.set(txid, charge);
    return view(charge);
  }

  /**
   * A dynamic BR Code pointing at the location; the amount is written for a cob only (a cobv's varies).
   * Point of initiation 12 (single use) for both, from memory of the Manual de Padrões para Iniciação.
   */
  function brCode(kind: Kind, location: string, body: Json): string {
    const original =
      isRecord(body.valor) && typeof body.valor.original === 'string' ? cents(body.valor.original) : 0;
    return dynamicPix({
      url: location,
      name: recebedor.nome,
      city: recebedor.cidade,
      singleUse: true,
      ...(kind === 'cob' && original > 0 ? { amountCents: original } : {}),
    });
  }

  function patchCharge(kind: Kind, txid: string, body: unknown): Json {
    const tipo = kind === 'cob' ? 'CobOperacaoInvalida' : 'CobVOperacaoInvalida';
    const charge = charges.get(txid);
    if (!charge || charge.kind !== kind)
      throw notFound(kind === 'cob' ? 'CobNaoEncontrado' : 'CobVNaoEncontrada', 'Cobrança');
    if (!isRecord(body))
      throw problem(400, 'RequisicaoInvalida', 'Requisição inválida.', 'O corpo deve ser um objeto JSON.');
    if (charge.status !== 'ATIVA')
      throw problem(
        400,
        tipo,
        'Operação inválida.',
        'Cobrança não encontra-se mais com o status ATIVA, somente cobranças ativas podem ser revisadas.',
      );
    const { status, ...changes } = body;
    if (status !== undefined) {
      if (status !== 'REMOVIDA_PELO_USUARIO_RECEBEDOR')
        throw problem(400, tipo, 'Operação inválida.', 'O campo status não respeita o schema.', [
          {
            razao: `O campo ${kind}.status não respeita o schema.`,
            propriedade: `${kind}.status`,
            valor: String(status),
          },
        ]);
      if (Object.keys(changes).length > 0)
        throw problem(
          400,
          tipo,
          'Operação inválida.',
          'A cobrança está ATIVA, e a presente requisição propõe alterar seu status para REMOVIDA_PELO_USUARIO_RECEBEDOR juntamente com outras alterações.',
        );
      charge.status = 'REMOVIDA_PELO_USUARIO_RECEBEDOR';
      charge.revisao += 1;
      charge.history.set(charge.revisao, { body: charge.body, status: charge.status });
      return view(charge);
    }
    const merged: Json = { ...charge.body };
    for (const [key, value] of Object.entries(changes)) {
      merged[key] = isRecord(value) && isRecord(merged[key]) ? { ...(merged[key] as Json), ...value } : value;
    }
    const violacoes =
      kind === 'cob' ? validateCob(merged, owned) : validateCobv(merged, owned, createdOn(charge));
    if (violacoes.length > 0)
      throw problem(400, tipo, 'Cobrança inválida.', 'A revisão não respeita o schema.', violacoes);
    const text = canonical(merged);
    if (text !== charge.canonical) {
      charge.body = merged;
      charge.canonical = text;
      charge.revisao += 1;
      charge.history.set(charge.revisao, { body: merged, status: charge.status });
      charge.pixCopiaECola = brCode(kind, charge.loc.location, merged);
    }
    return view(charge);
  }

  function getCharge(kind: Kind, txid: string, query: URLSearchParams): Json {
    const charge = charges.get(txid);
    if (!charge || charge.kind !== kind)
      throw notFound(kind === 'cob' ? 'CobNaoEncontrado' : 'CobVNaoEncontrada', 'Cobrança');
    const revisao = query.get('revisao');
    if (revisao === null) return view(charge);
    const snapshot = /^\d+$/.test(revisao) ? charge.history.get(Number(revisao)) : undefined;
    if (!snapshot)
      throw problem(
        400,
        kind === 'cob' ? 'CobConsultaInvalida' : 'CobVConsultaInvalida',
        'Consulta inválida.',
        'O parâmetro revisao corresponde a uma revisão inexistente para a cobrança apontada pelo parâmetro txid.',
      );
    return view(charge, snapshot, Number(revisao));
  }

  function listPix(query: URLSearchParams): Json {
    const bad = (razao: string, propriedade: string) =>
      problem(
        400,
        'PixConsultaInvalida',
        'Consulta inválida.',
        'Os parâmetros de consulta não respeitam o schema.',
        [{ razao, propriedade }],
      );
    const inicio = query.get('inicio');
    const fim = query.get('fim');
    if (!inicio || !DATE_TIME.test(inicio) || Number.isNaN(Date.parse(inicio)))
      throw bad('O parâmetro inicio não respeita o schema.', 'inicio');
    if (!fim || !DATE_TIME.test(fim) || Number.isNaN(Date.parse(fim)))
      throw bad('O parâmetro fim não respeita o schema.', 'fim');
    if (Date.parse(fim) < Date.parse(inicio))
      throw bad(
        'O timestamp representado pelo parâmetro fim é anterior ao timestamp representado pelo parâmetro inicio.',
        'fim',
      );
    const pageText = query.get('paginacao.paginaAtual') ?? '0';
    const sizeText = query.get('paginacao.itensPorPagina') ?? '100';
    if (!/^\d+$/.test(pageText))
      throw bad('O parâmetro paginacao.paginaAtual é negativo.', 'paginacao.paginaAtual');
    if (!/^\d+$/.test(sizeText) || Number(sizeText) < 1 || Number(sizeText) > 1000)
      throw bad('O parâmetro paginacao.itensPorPagina não respeita o schema.', 'paginacao.itensPorPagina');
    const page = Number(pageText);
    const size = Number(sizeText);
    const txid = query.get('txid');
    const from = Date.parse(inicio);
    const to = Date.parse(fim);
    const matching = pixList
      .filter((p) => Date.parse(p.horario) >= from && Date.parse(p.horario) <= to)
      .filter((p) => !txid || p.txid === txid)
      .sort((a, b) => a.horario.localeCompare(b.horario) || a.endToEndId.localeCompare(b.endToEndId));
    const parametros: Json = {
      inicio,
      fim,
      paginacao: {
        paginaAtual: page,
        itensPorPagina: size,
        quantidadeDePaginas: Math.max(1, Math.ceil(matching.length / size)),
        quantidadeTotalDeItens: matching.length,
      },
    };
    if (txid) parametros.txid = txid;
    return { parametros, pix: matching.slice(page * size, page * size + size) };
  }

  function putWebhook(chave: string, body: unknown): void {
    const invalid = (razao: string, propriedade: string) =>
      problem(
        400,
        'WebhookOperacaoInvalida',
        'Webhook inválido.',
        'A presente requisição busca criar um webhook sem respeitar o schema ou, ainda, com sentido semanticamente inválido.',
        [{ razao, propriedade }],
      );
    const key = canonicalKey(chave);
    if (!key || chave.length > 77)
      throw invalid('O parâmetro chave não corresponde a uma chave DICT válida.', 'chave');
    if (owned && !owned.has(key))
      throw invalid(
        'O parâmetro chave não corresponde a uma chave DICT pertencente a este usuário recebedor.',
        'chave',
      );
    const url = isRecord(body) ? body.webhookUrl : undefined;
    let parsed: URL | null = null;
    try {
      parsed = typeof url === 'string' ? new URL(url) : null;
    } catch {
      parsed = null;
    }
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || typeof url !== 'string')
      throw invalid('Campo webhook.webhookUrl não respeita o schema.', 'webhook.webhookUrl');
    webhooks.set(key, { webhookUrl: url, chave, criacao: now().toISOString() });
  }

  async function route(request: IncomingMessage, raw: string, response: ServerResponse, url: URL) {
    const method = request.method ?? 'GET';
    const path = url.pathname;
    if (path === '/oauth/token' && method === 'POST') return issueToken(request, raw, response);
    if (!path.startsWith('/v2/'))
      throw problem(404, 'NaoEncontrado', 'Não Encontrado', 'Entidade não encontrada.');

    let body: unknown;
    if (raw.trim() !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        throw problem(
          400,
          'RequisicaoInvalida',
          'Requisição inválida.',
          'O corpo da requisição não é um JSON válido.',
        );
      }
    }
    const segments = path.slice('/v2/'.length).split('/').map(decodeURIComponent);
    const [resource, id, extra] = segments;
    const scopeFor = (what: string) => `${what}.${method === 'GET' ? 'read' : 'write'}`;
    const guard = (scope: string) => authorize(request, scope) === 'ok';
    const unauthorized = () => {
      response.setHeader('www-authenticate', 'Bearer error="invalid_token"');
      send(response, 401, {
        error: 'invalid_token',
        error_description: 'Token de acesso ausente, inválido ou expirado.',
      });
    };

    if ((resource === 'cob' || resource === 'cobv') && id !== undefined && extra === undefined) {
      if (!guard(scopeFor(resource))) return unauthorized();
      if (method === 'PUT') return send(response, 201, putCharge(resource, id, body));
      if (method === 'PATCH') return send(response, 200, patchCharge(resource, id, body));
      if (method === 'GET') return send(response, 200, getCharge(resource, id, url.searchParams));
    }
    if (resource === 'webhook' && id !== undefined && extra === undefined) {
      if (!guard(scopeFor('webhook'))) return unauthorized();
      const key = canonicalKey(id);
      if (method === 'PUT') {
        putWebhook(id, body);
        return send(response, 200, undefined);
      }
      const hook = key ? webhooks.get(key) : undefined;
      if (!hook) throw notFound('WebhookNaoEncontrado', 'Webhook');
      if (method === 'GET')
        return send(response, 200, { webhookUrl: hook.webhookUrl, chave: hook.chave, criacao: hook.criacao });
      if (method === 'DELETE') {
        webhooks.delete(key ?? '');
        return send(response, 204, undefined);
      }
    }
    if (resource === 'pix' && method === 'GET' && extra === undefined) {
      if (!guard('pix.read')) return unauthorized();
      if (id === undefined) return send(response, 200, listPix(url.searchParams));
      const pix = pixList.find((p) => p.endToEndId === id);
      if (!pix) throw notFound('PixNaoEncontrado', 'Pix');
      return send(response, 200, pix);
    }
    throw problem(404, 'NaoEncontrado', 'Não Encontrado', 'Entidade não encontrada.');
  }

  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const raw = await readBody(request);
      const method = request.method ?? 'GET';
      const target = url.pathname === '/oauth/token' ? 'token' : 'api';
      const failure = failures[0];
      if (failure && failure.target === target) {
        failures.shift();
        requests.push({
          method,
          path: `${url.pathname}${url.search}`,
          status: failure.reset ? 0 : failure.status,
        });
        if (failure.reset) {
          request.socket.destroy();
          return;
        }
        return send(
          response,
          failure.status,
          {
            type: `${ERROR}ServicoIndisponivel`,
            title: 'Serviço Indisponível',
            status: failure.status,
            detail:
              'Serviço não está disponível no momento. Serviço solicitado pode estar em manutenção ou fora da janela de funcionamento.',
          },
          'application/problem+json',
        );
      }
      try {
        await route(request, raw, response, url);
      } catch (error) {
        if (error instanceof HttpProblem) {
          send(
            response,
            error.status,
            {
              type: `${ERROR}${error.tipo}`,
              title: error.title,
              status: error.status,
              detail: error.detail,
              ...(error.violacoes.length > 0 ? { violacoes: error.violacoes } : {}),
            },
            'application/problem+json',
          );
        } else {
          send(
            response,
            500,
            {
              type: `${ERROR}ErroInternoDoServidor`,
              title: 'Erro Interno do Servidor',
              status: 500,
              detail: error instanceof Error ? error.message : String(error),
            },
            'application/problem+json',
          );
        }
      }
      requests.push({ method, path: `${url.pathname}${url.search}`, status: response.statusCode });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  async function deliver(chave: string, pix: PixRecord): Promise<WebhookDelivery | null> {
    const key = canonicalKey(chave);
    const hook = key ? webhooks.get(key) : undefined;
    if (!hook) return null;
    // The PSP appends /pix to the registered URL (callback `{webhookUrl}/pix`).
    const target = `${hook.webhookUrl.replace(/\/+$/, '')}/pix`;
    const { componentesValor: _components, ...notice } = pix;
    const body = { pix: [notice] };
    const delivery: WebhookDelivery = { url: target, status: null, body };
    try {
      const answer = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5_000),
      });
      await answer.body?.cancel();
      delivery.status = answer.status;
    } catch (error) {
      delivery.error = error instanceof Error ? error.message : String(error);
    }
    webhookDeliveries.push(delivery);
    return delivery;
  }

  return {
    url: `http://127.0.0.1:${port}`,
    clientId,
    clientSecret,
    requests,
    webhookDeliveries,
    failNext(count, failure = {}) {
      for (let i = 0; i < count; i++)
        failures.push({
          status: failure.status ?? 503,
          reset: failure.reset ?? false,
          target: failure.target ?? 'api',
        });
    },
    revokeTokens() {
      tokens.clear();
    },
    async pay(txid, payment = {}) {
      const charge = charges.get(txid);
      if (!charge) throw new Error(`no charge with txid ${txid}`);
      if (charge.status !== 'ATIVA') throw new Error(`charge ${txid} is ${charge.status}, it cannot be paid`);
      const valor = isRecord(charge.body.valor) ? charge.body.valor : {};
      const original = cents(String(valor.original));
      const amount = payment.amountCents ?? original;
      if (!Number.isSafeInteger(amount) || amount <= 0) throw new Error(`invalid amount ${amount}`);
      if (charge.kind === 'cob' && modalidade(valor.modalidadeAlteracao) !== 1 && amount !== original)
        throw new Error(`cob ${txid} is for ${valor.original}; its amount cannot be changed`);
      const paidAt = payment.paidAt ?? now();
      // endToEndId: E + ISPB (8) + yyyyMMddHHmm + 11 alphanumerics = 32 characters. The schema only
      // says [a-zA-Z0-9]{32}; the layout and the UTC time are from memory of the SPI catalogue.
      const stamp = paidAt.toISOString().replace(/\D/g, '').slice(0, 12);
      let tail = '';
      while (tail.length < 11) tail += ALNUM.charAt(randomInt(ALNUM.length));
      const pix: PixRecord = {
        endToEndId: `E${ispb}${stamp}${tail}`,
        txid,
        valor: valorOf(amount),
        chave: String(charge.body.chave),
        horario: paidAt.toISOString(),
      };
      if (amount === original) pix.componentesValor = { original: { valor: valorOf(original) } };
      if (payment.infoPagador !== undefined) pix.infoPagador = payment.infoPagador;
      if (payment.pagador !== undefined) pix.pagador = payment.pagador;
      charge.status = 'CONCLUIDA';
      charge.pix.push(pix);
      pixList.push(pix);
      return { pix, delivery: await deliver(String(charge.body.chave), pix) };
    },
    charge(txid) {
      const charge = charges.get(txid);
      return charge ? { kind: charge.kind, status: charge.status, revisao: charge.revisao } : undefined;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
