/**
 * Signed portal links: `/p/{token}` where the token carries the organization, the debtor, an expiry and a
 * random nonce, and an HMAC-SHA256 of them under REGUA_SECRET_KEY. Nothing is stored per link, and a
 * link cannot be guessed (128-bit tag), altered (the tag covers every field) or used after it expires.
 * The link only opens the door: the debtor still confirms their CPF/CNPJ and a one-time code.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const DEFAULT_LINK_DAYS = 30;
const TAG_BYTES = 16;

export type PortalLink = { orgId: number; debtorId: number; expiresAt: Date; nonce: string };

export type LinkCheck =
  | { ok: true; link: PortalLink }
  | { ok: false; reason: 'invalid' | 'expired'; message: string };

function tag(key: Buffer, payload: string): Buffer {
  return createHmac('sha256', key).update(`portal-link:${payload}`).digest().subarray(0, TAG_BYTES);
}

/** A link token for the debtor, valid for `days` from `now`. */
export function signPortalLink(
  key: Buffer,
  input: { orgId: number; debtorId: number; now?: Date; days?: number; nonce?: string },
): string {
  const expires = Math.floor(
    ((input.now ?? new Date()).getTime() + (input.days ?? DEFAULT_LINK_DAYS) * 86_400_000) / 1000,
  );
  const nonce = input.nonce ?? randomBytes(6).toString('base64url');
  const payload = `${input.orgId.toString(36)}.${input.debtorId.toString(36)}.${expires.toString(36)}.${nonce}`;
  return `${payload}.${tag(key, payload).toString('base64url')}`;
}

/** Reads a link token back: invalid (tampered, truncated, another key) or expired say so in pt-BR. */
export function verifyPortalLink(key: Buffer, token: string, now: Date = new Date()): LinkCheck {
  const invalid = {
    ok: false,
    reason: 'invalid',
    message: 'Este link não é válido. Confira se ele foi copiado inteiro ou peça um novo.',
  } as const;
  if (token.length > 200) return invalid;
  const parts = token.split('.');
  if (parts.length !== 5) return invalid;
  const [org, debtor, expires, nonce, given] = parts as [string, string, string, string, string];
  if (!/^[0-9a-z]{1,13}$/.test(org) || !/^[0-9a-z]{1,13}$/.test(debtor) || !/^[0-9a-z]{1,10}$/.test(expires))
    return invalid;
  if (!/^[A-Za-z0-9_-]{4,32}$/.test(nonce)) return invalid;
  // Compared as text: base64url's last character has spare bits that decoding would ignore.
  const expected = Buffer.from(tag(key, `${org}.${debtor}.${expires}.${nonce}`).toString('base64url'));
  const received = Buffer.from(given);
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) return invalid;
  const expiresAt = new Date(Number.parseInt(expires, 36) * 1000);
  if (expiresAt.getTime() <= now.getTime())
    return {
      ok: false,
      reason: 'expired',
      message: 'Este link expirou. Peça um novo ao credor ou responda à mensagem que recebeu.',
    };
  const orgId = Number.parseInt(org, 36);
  const debtorId = Number.parseInt(debtor, 36);
  if (!Number.isSafeInteger(orgId) || !Number.isSafeInteger(debtorId) || orgId < 1 || debtorId < 1)
    return invalid;
  return { ok: true, link: { orgId, debtorId, expiresAt, nonce } };
}

/** The full address of a debtor's portal link. */
export function portalUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/p/${token}`;
}
