import { createHmac, timingSafeEqual } from 'node:crypto';
import { scopeFor } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { localDateIn } from '../dunning/calendar.ts';
import { type IncomingPayment, type PaymentOutcome, takePayments } from './allocate.ts';

/**
 * The secret path segment of an organization's Pix webhook URL: `/webhooks/pix/{orgId}/{token}` (the
 * PSP appends `/pix`). Derived from REGUA_SECRET_KEY, so it cannot be guessed; the BCB contract
 * authenticates PSPs with mutual TLS, which the reverse proxy in front of Régua enforces.
 */
export function pixWebhookToken(secretKey: Buffer, orgId: number): string {
  return createHmac('sha256', secretKey)
    .update(`regua:pix-webhook:${orgId}`)
    .digest('base64url')
    .slice(0, 32);
}

export function validPixWebhookToken(secretKey: Buffer | null, orgId: number, token: string): boolean {
  if (!secretKey) return false;
  const expected = Buffer.from(pixWebhookToken(secretKey, orgId));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** "123.45" as the API Pix writes money, to centavos, never through floating point. */
export function pixValueToCents(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d{1,10}\.\d{2}$/.test(value)) return null;
  const [reais = '0', cents = '0'] = value.split('.');
  return Number(reais) * 100 + Number(cents);
}

type PixNotice = {
  endToEndId?: string;
  txid?: string;
  valor?: string;
  horario?: string;
  infoPagador?: string;
  pagador?: { cpf?: string; cnpj?: string; nome?: string };
};

/**
 * The Pix webhook (`{"pix": [...]}`, several per call): each Pix is taken in once by its endToEndId and
 * allocated by its txid. Malformed entries are reported and skipped; the rest go in.
 */
export async function receivePixWebhook(
  db: Database,
  orgId: number,
  timeZone: string,
  body: unknown,
): Promise<{ outcomes: PaymentOutcome[]; rejected: Array<{ index: number; reason: string }> }> {
  const list = (body as { pix?: unknown }).pix;
  if (!Array.isArray(list)) throw new Error('not a Pix webhook: no pix array');
  const incoming: IncomingPayment[] = [];
  const rejected: Array<{ index: number; reason: string }> = [];
  for (const [index, raw] of list.entries()) {
    const pix = raw as PixNotice;
    const cents = pixValueToCents(pix.valor);
    const at = pix.horario ? new Date(pix.horario) : null;
    let reason: string | null = null;
    if (!pix.endToEndId || !/^[A-Za-z0-9]{32}$/.test(pix.endToEndId))
      reason = 'endToEndId missing or malformed';
    else if (!cents || cents <= 0) reason = `valor "${pix.valor}" is not an amount like 123.45`;
    else if (!at || Number.isNaN(at.getTime())) reason = 'horario is not a timestamp';
    if (reason || !pix.endToEndId || !cents || !at) {
      rejected.push({ index, reason: reason ?? 'malformed' });
      continue;
    }
    incoming.push({
      source: 'pix',
      naturalKey: `pix:${pix.endToEndId}`,
      amountCents: cents,
      paidOn: localDateIn(at, timeZone),
      payerDocument: pix.pagador?.cpf ?? pix.pagador?.cnpj ?? null,
      payerName: pix.pagador?.nome ?? null,
      txid: pix.txid ?? null,
      memo: pix.infoPagador ?? null,
      raw: { ...pix },
    });
  }
  const scope = scopeFor({
    orgId,
    role: 'admin',
    creditorIds: [],
    userId: null,
    timeZone,
    actor: 'system:pix-webhook',
  });
  const outcomes = incoming.length > 0 ? await takePayments(db, scope, incoming) : [];
  return { outcomes, rejected };
}
