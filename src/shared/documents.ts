import { isValidCnpj, isValidCpf } from '@brazilian-utils/brazilian-utils';

export type DocumentKind = 'person' | 'company';
export type TaxId = { kind: DocumentKind; value: string };
export type TaxIdParse =
  | { ok: true; taxId: TaxId }
  | { ok: false; code: 'invalid_cpf' | 'invalid_cnpj' | 'invalid_document'; reason: string };

/**
 * Normalizes and validates a CPF or CNPJ (including the alphanumeric CNPJ of IN RFB 2.229/2024).
 * Punctuation is dropped; leading zeros that spreadsheets strip are restored.
 */
export function parseTaxId(input: string): TaxIdParse {
  const raw = input
    .trim()
    .toUpperCase()
    .replace(/[.\-/\s]/g, '');
  if (raw === '') return { ok: false, code: 'invalid_document', reason: 'empty CPF/CNPJ' };
  if (!/^[0-9A-Z]+$/.test(raw)) {
    return {
      ok: false,
      code: 'invalid_document',
      reason: 'CPF/CNPJ has characters other than digits and letters',
    };
  }
  const numeric = /^\d+$/.test(raw);
  if (numeric && raw.length <= 11) {
    const cpf = raw.padStart(11, '0');
    if (isValidCpf(cpf)) return { ok: true, taxId: { kind: 'person', value: cpf } };
    if (raw.length === 11) return { ok: false, code: 'invalid_cpf', reason: 'CPF check digits do not match' };
  }
  if (raw.length <= 14 && (numeric || raw.length === 14)) {
    const cnpj = numeric ? raw.padStart(14, '0') : raw;
    if (isValidCnpj(cnpj, { version: 2 })) return { ok: true, taxId: { kind: 'company', value: cnpj } };
    if (raw.length === 14)
      return { ok: false, code: 'invalid_cnpj', reason: 'CNPJ check digits do not match' };
  }
  if (numeric && raw.length < 11)
    return { ok: false, code: 'invalid_cpf', reason: 'CPF check digits do not match' };
  return { ok: false, code: 'invalid_document', reason: 'not a CPF (11 digits) or CNPJ (14 characters)' };
}

export function formatTaxId(value: string): string {
  if (value.length === 11)
    return `${value.slice(0, 3)}.${value.slice(3, 6)}.${value.slice(6, 9)}-${value.slice(9)}`;
  if (value.length === 14) {
    return `${value.slice(0, 2)}.${value.slice(2, 5)}.${value.slice(5, 8)}/${value.slice(8, 12)}-${value.slice(12)}`;
  }
  return value;
}

function mod11Digit(values: number[], weights: number[]): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i] ?? 0) * (weights[i] ?? 0);
  const rest = sum % 11;
  return rest < 2 ? 0 : 11 - rest;
}

/** Builds a valid CPF from 9 base digits (used by the demo generator and tests). */
export function cpfFromBase(base: string): string {
  const digits = base.split('').map(Number);
  const d1 = mod11Digit(digits, [10, 9, 8, 7, 6, 5, 4, 3, 2]);
  const d2 = mod11Digit([...digits, d1], [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
  return `${base}${d1}${d2}`;
}

/** Builds a valid CNPJ (numeric or alphanumeric) from its 12 base characters. */
export function cnpjFromBase(base: string): string {
  const values = base
    .toUpperCase()
    .split('')
    .map((c) => c.charCodeAt(0) - 48);
  const d1 = mod11Digit(values, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
  const d2 = mod11Digit([...values, d1], [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
  return `${base.toUpperCase()}${d1}${d2}`;
}
