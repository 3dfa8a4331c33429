/**
 * The debtor portal's own client for `/api/portal/...`. Not the staff client: no CSRF header (the
 * portal cookie is HttpOnly, SameSite=Strict and scoped to /api/portal) and no redirect to /login on
 * a 401, which here means the debtor's session is over. Errors come back as ApiError with the
 * server's problem+json, whose pt-BR `detail` the page shows as is.
 */
import { ApiError, NetworkError, toProblem } from '../api/client.ts';
import type { ChargeComponent, NegotiationOffer } from '../api/types.ts';

export interface PortalContact {
  id: string;
  channel: 'email' | 'sms' | 'whatsapp' | string;
  /** 'm***a@example.com', '(**) *****-4321' */
  masked: string;
}

/** GET /api/portal/links/:token: whom the link is for and where a code can go. */
export interface PortalLink {
  creditorName: string;
  debtorFirstName: string;
  documentKind: 'cpf' | 'cnpj';
  contacts: PortalContact[];
}

export interface CodeSent {
  checkId: number;
  sentTo: string;
  expiresAt: string;
}

export interface PortalDebt {
  receivableId: number;
  externalId: string;
  dueDate: string;
  openCents: number;
  totalCents: number;
  components: ChargeComponent[];
}

export interface PortalPix {
  copiaECola: string;
  /** SVG made by our server (trusted), shown as an image. */
  qrSvg: string;
}

export interface PortalInstallment {
  number: number;
  dueDate: string;
  amountCents: number;
  openCents: number;
  status: string;
  pixCopiaECola: string | null;
  qrSvg: string | null;
  nossoNumero: string | null;
  boletoLine: string | null;
}

export interface PortalAgreement {
  id: number;
  status: string;
  totalCents: number;
  paidCents: number;
  explanation: string[];
  installments: PortalInstallment[];
}

/** GET /api/portal/me: everything the signed-in debtor sees. */
export interface PortalMe {
  debtor: { firstName: string; name: string; creditorName: string; creditorCnpj: string };
  asOf: string;
  totalCents: number;
  debts: PortalDebt[];
  /** Why the amounts could not be updated (pt-BR), when they could not. */
  error: string | null;
  pix: PortalPix | null;
  offers: NegotiationOffer[];
  /** Why there are no offers (pt-BR), when there are none. */
  offersNote: string | null;
  agreements: PortalAgreement[];
  contacts: PortalContact[];
  promiseMaxDate: string;
}

export type OptOutChannel = 'email' | 'sms' | 'whatsapp';

const BASE = '/api/portal';

async function call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  const init: RequestInit = { method, credentials: 'same-origin', headers, cache: 'no-store' };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(`${BASE}${path}`, init);
  } catch {
    throw new NetworkError();
  }
  const text = await response.text();
  if (!response.ok)
    throw new ApiError(response.status, toProblem(response.status, response.statusText, text));
  if (text === '') return undefined as T;
  return JSON.parse(text) as T;
}

const link = (token: string) => `/links/${encodeURIComponent(token)}`;

export const portalApi = {
  link: (token: string) => call<PortalLink>('GET', link(token)),
  sendCode: (token: string, contactId: string) =>
    call<CodeSent>('POST', `${link(token)}/code`, { contactId }),
  verify: (token: string, input: { checkId: number; document: string; code: string }) =>
    call<{ ok: boolean }>('POST', `${link(token)}/verify`, input),
  me: () => call<PortalMe>('GET', '/me'),
  accept: (input: { offerKey: string; expectedTotalCents: number; requestKey: string }) =>
    call<{ id: number }>('POST', '/agreements', input),
  promise: (input: { date: string; amountCents: number }) =>
    call<{ ok: boolean; untilDate: string }>('POST', '/promise', input),
  help: (input: { message: string; phone?: string }) => call<{ ok: boolean }>('POST', '/help', input),
  optOut: (channel: OptOutChannel) => call<{ ok: boolean }>('POST', '/opt-out', { channel }),
  leave: () => call<{ ok: boolean }>('DELETE', '/session'),
  boletoUrl: (agreementId: number, number: number) =>
    `${BASE}/agreements/${agreementId}/installments/${number}/boleto.pdf`,
};

/** Messages the server writes in English (rate limit, validation): said again in pt-BR. */
const FALLBACKS: Record<number, string> = {
  400: 'Confira os dados informados e tente de novo.',
  401: 'Sua sessão terminou. Abra de novo o link que você recebeu para entrar.',
  404: 'Não encontramos o que você procurava.',
  429: 'Muitas tentativas em pouco tempo. Aguarde um minuto e tente de novo.',
};

/** Whether the server's text is one of its pt-BR messages (they carry accents or pt-BR words). */
function looksPortuguese(text: string): boolean {
  return /[áàâãéêíóôõúç]|\b(você|não|código|link|tente|peça|sessão|proposta|acordo)\b/i.test(text);
}

/** What to tell the debtor about an error: the server's pt-BR detail as is, else a friendly fallback. */
export function portalMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const detail = error.problem.detail;
    if (detail && looksPortuguese(detail)) return detail;
    if (error.status >= 500) return 'Tivemos um problema do nosso lado. Tente de novo em alguns instantes.';
    return FALLBACKS[error.status] ?? 'Não foi possível concluir. Tente de novo.';
  }
  if (error instanceof NetworkError)
    return 'Sem conexão com a internet. Confira sua conexão e tente de novo.';
  return 'Algo deu errado. Tente de novo.';
}

export function isStatus(error: unknown, status: number): boolean {
  return error instanceof ApiError && error.status === status;
}
