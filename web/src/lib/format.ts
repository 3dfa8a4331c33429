const brl = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });
const integer = new Intl.NumberFormat('pt-BR');

/** Integer centavos → "R$ 1.234,56" (display only; never do arithmetic on the result). */
export function formatCents(cents: number | null | undefined): string {
  if (cents === null || cents === undefined || !Number.isFinite(cents)) return '—';
  return brl.format(cents / 100);
}

export function formatInteger(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return integer.format(value);
}

/** 'YYYY-MM-DD' → 'dd/mm/aaaa' by string manipulation (no Date, so no time-zone shift). */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return value;
  const [, year, month, day] = match;
  return `${day}/${month}/${year}`;
}

/** ISO timestamp → 'dd/mm/aaaa hh:mm' in the organization's time zone. */
export function formatDateTime(value: string | null | undefined, timeZone?: string): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  try {
    return new Intl.DateTimeFormat('pt-BR', {
      timeZone,
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    }).format(date);
  } catch {
    // Unknown time zone: fall back to the browser's.
    return new Intl.DateTimeFormat('pt-BR', { dateStyle: 'short', timeStyle: 'short' }).format(date);
  }
}

function normalizeDocument(value: string): string {
  return value.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
}

/** 11 digits → 000.000.000-00 */
export function formatCpf(value: string): string {
  const d = normalizeDocument(value);
  if (!/^\d{11}$/.test(d)) return value;
  return `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6, 9)}-${d.slice(9)}`;
}

/** 14 characters (numeric or the 2026 alphanumeric CNPJ) → 00.000.000/0000-00 */
export function formatCnpj(value: string): string {
  const d = normalizeDocument(value);
  if (!/^[0-9A-Z]{12}\d{2}$/.test(d)) return value;
  return `${d.slice(0, 2)}.${d.slice(2, 5)}.${d.slice(5, 8)}/${d.slice(8, 12)}-${d.slice(12)}`;
}

/** CPF or CNPJ, chosen by length. Anything else is returned as given. */
export function formatDocument(value: string | null | undefined): string {
  if (!value) return '—';
  const d = normalizeDocument(value);
  if (d.length === 11 && /^\d+$/.test(d)) return formatCpf(d);
  if (d.length === 14) return formatCnpj(d);
  return value;
}

export function formatCep(value: string | null | undefined): string {
  if (!value) return '';
  const d = value.replace(/\D/g, '');
  return d.length === 8 ? `${d.slice(0, 5)}-${d.slice(5)}` : value;
}

/** E.164 Brazilian numbers → "(11) 98765-4321"; other countries are shown as given. */
export function formatPhone(value: string | null | undefined): string {
  if (!value) return '—';
  const match = /^\+55(\d{2})(\d{8,9})$/.exec(value.replace(/[\s()-]/g, ''));
  if (!match) return value;
  const [, ddd = '', number = ''] = match;
  const split = number.length - 4;
  return `(${ddd}) ${number.slice(0, split)}-${number.slice(split)}`;
}

export interface AddressLike {
  street?: string | null;
  number?: string | null;
  complement?: string | null;
  district?: string | null;
  city?: string | null;
  uf?: string | null;
  cep?: string | null;
}

/** Two-line postal address: "Rua X, 100 - Sala 2" / "Bairro — Cidade/UF — CEP 00000-000". */
export function formatAddressLines(address: AddressLike | null | undefined): string[] {
  if (!address) return [];
  const first = [address.street, address.number].filter(Boolean).join(', ');
  const line1 = address.complement ? `${first}${first ? ' - ' : ''}${address.complement}` : first;
  const cityUf = [address.city, address.uf].filter(Boolean).join('/');
  const cep = address.cep ? `CEP ${formatCep(address.cep)}` : '';
  const line2 = [address.district, cityUf, cep].filter(Boolean).join(' — ');
  return [line1, line2].filter((line) => line !== '');
}

export function formatPercent(fraction: number): string {
  return new Intl.NumberFormat('pt-BR', { style: 'percent', maximumFractionDigits: 0 }).format(fraction);
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 ? 0 : 1;
  return `${new Intl.NumberFormat('pt-BR', { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

/** Basis points → "2,5%". */
export function formatBasisPoints(bp: number | null | undefined): string {
  if (bp === null || bp === undefined) return '—';
  return new Intl.NumberFormat('pt-BR', { style: 'percent', maximumFractionDigits: 2 }).format(bp / 10000);
}

/** "1 linha" / "2 linhas" (pt-BR: 0 takes the plural). */
export function plural(count: number, one: string, many: string): string {
  return `${formatInteger(count)} ${count === 1 ? one : many}`;
}

/** Today's date ('YYYY-MM-DD') in a time zone (the organization's), without a date library. */
export function todayInZone(timeZone: string, now: Date = new Date()): string {
  try {
    // en-CA formats as YYYY-MM-DD.
    return new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/** Whole days from `from` to `to` (both 'YYYY-MM-DD' or ISO timestamps: only the date part counts). */
export function daysBetween(from: string, to: string): number {
  const a = Date.parse(`${from.slice(0, 10)}T00:00:00Z`);
  const b = Date.parse(`${to.slice(0, 10)}T00:00:00Z`);
  return Math.round((b - a) / 86_400_000);
}
