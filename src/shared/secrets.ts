import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Secrets at rest (TOTP seeds, provider credentials) are encrypted with AES-256-GCM under a key from
 * the environment (REGUA_SECRET_KEY, 32 bytes in base64). The stored form is `v1:` + base64 of
 * nonce, tag and ciphertext; a changed byte fails decryption instead of yielding a wrong secret.
 */
export function encryptSecret(plaintext: string, key: Buffer): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `v1:${Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64')}`;
}

export function decryptSecret(stored: string, key: Buffer): string {
  if (!stored.startsWith('v1:')) throw new Error('unknown secret format');
  const raw = Buffer.from(stored.slice(3), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

export function parseSecretKey(text: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32)
    throw new Error('REGUA_SECRET_KEY must be 32 bytes in base64 (openssl rand -base64 32)');
  return key;
}

/**
 * For the embedded database without REGUA_SECRET_KEY: a key kept in a file beside the data directory
 * (mode 0600), created on first use, so `npm start` works with no setup. Production sets the variable.
 */
export function embeddedSecretKey(dataDir: string): Buffer {
  const path = `${resolve(dataDir)}.secret-key`;
  if (!existsSync(path)) writeFileSync(path, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  return parseSecretKey(readFileSync(path, 'utf8'));
}
