import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret } from '../shared/secrets.ts';
import { base32Decode, base32Encode, hotp, matchTotp, stepAt } from './totp.ts';

describe('TOTP', () => {
  // RFC 6238 appendix B (SHA-1, seed "12345678901234567890"), last 6 of the 8 digits.
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
  ])('gives the RFC 6238 code at t=%i', (t, code) => {
    expect(hotp(Buffer.from('12345678901234567890'), stepAt(t))).toBe(code);
  });

  it('round-trips base32', () => {
    const bytes = Buffer.from('12345678901234567890');
    expect(base32Encode(bytes)).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32Decode('gezd gnbv gy3t qojq gezd gnbv gy3t qojq')).toEqual(bytes);
  });

  it('accepts one step of clock drift and refuses a step already used', () => {
    const secret = base32Encode(Buffer.from('12345678901234567890'));
    const t = 1111111111;
    const code = hotp(Buffer.from('12345678901234567890'), stepAt(t));
    expect(matchTotp(secret, code, t + 30, null)).toBe(stepAt(t));
    expect(matchTotp(secret, code, t + 90, null)).toBeNull();
    expect(matchTotp(secret, code, t, stepAt(t))).toBeNull();
    expect(matchTotp(secret, 'abcdef', t, null)).toBeNull();
  });

  it('keeps secrets encrypted, and a changed byte fails instead of decrypting wrong', () => {
    const key = Buffer.alloc(32, 7);
    const stored = encryptSecret('GEZDGNBVGY3TQOJQ', key);
    expect(stored).not.toContain('GEZDGNBVGY3TQOJQ');
    expect(decryptSecret(stored, key)).toBe('GEZDGNBVGY3TQOJQ');
    const raw = Buffer.from(stored.slice(3), 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(() => decryptSecret(`v1:${raw.toString('base64')}`, key)).toThrow();
    expect(() => decryptSecret(stored, Buffer.alloc(32, 8))).toThrow();
  });
});
