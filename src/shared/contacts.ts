import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export const UFS = [
  'AC',
  'AL',
  'AP',
  'AM',
  'BA',
  'CE',
  'DF',
  'ES',
  'GO',
  'MA',
  'MT',
  'MS',
  'MG',
  'PA',
  'PB',
  'PR',
  'PE',
  'PI',
  'RJ',
  'RN',
  'RS',
  'RO',
  'RR',
  'SC',
  'SP',
  'SE',
  'TO',
] as const;
export type Uf = (typeof UFS)[number];

const UF_SET: ReadonlySet<string> = new Set(UFS);

export function parseUf(input: string): Uf | null {
  const value = input.trim().toUpperCase();
  return UF_SET.has(value) ? (value as Uf) : null;
}

/** Phone in E.164 (+5511987654321), or null when it is not a valid number. Brazil is the default country. */
export function parsePhone(input: string): string | null {
  const phone = parsePhoneNumberFromString(input.trim(), 'BR');
  if (!phone?.isValid()) return null;
  return phone?.number ?? null;
}

export function isMobilePhone(e164: string): boolean {
  const phone = parsePhoneNumberFromString(e164);
  const type = phone?.getType();
  return type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE';
}

const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function parseEmail(input: string): string | null {
  const value = input.trim();
  if (value.length > 254 || !EMAIL.test(value)) return null;
  const at = value.lastIndexOf('@');
  return `${value.slice(0, at)}@${value.slice(at + 1).toLowerCase()}`;
}

/** Splits a cell holding several values ("a@x.com; b@y.com", "11 9999-0000 / 11 3333-0000"). */
export function splitMulti(input: string): string[] {
  return input
    .split(/[;,|/\n]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

export function parseCep(input: string): string | null {
  const digits = input.replace(/[.\-\s]/g, '');
  return /^\d{8}$/.test(digits) ? digits : /^\d{7}$/.test(digits) ? `0${digits}` : null;
}
