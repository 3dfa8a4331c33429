import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Unsubscribe links: `<orgId>.<messageId>.<signature>`, signed with a key derived from
 * REGUA_SECRET_KEY, so a link cannot be guessed or altered, and names the message (and so the debtor
 * and channel) it came with.
 */
function signingKey(secretKey: Buffer): Buffer {
  return createHash('sha256').update('regua:unsubscribe:v1').update(secretKey).digest();
}

export function unsubscribeToken(secretKey: Buffer, orgId: number, messageId: number): string {
  const payload = `${orgId}.${messageId}`;
  const signature = createHmac('sha256', signingKey(secretKey))
    .update(payload)
    .digest('base64url')
    .slice(0, 32);
  return `${payload}.${signature}`;
}

export function readUnsubscribeToken(
  secretKey: Buffer,
  token: string,
): { orgId: number; messageId: number } | null {
  const match = /^(\d{1,15})\.(\d{1,15})\.([A-Za-z0-9_-]{32})$/.exec(token);
  if (!match) return null;
  const orgId = Number(match[1]);
  const messageId = Number(match[2]);
  const expected = Buffer.from(unsubscribeToken(secretKey, orgId, messageId));
  const given = Buffer.from(token);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return { orgId, messageId };
}
