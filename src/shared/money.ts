/** Money is always an integer number of centavos. */
export type Cents = number;

export type AmountParse = { ok: true; cents: Cents } | { ok: false; reason: string };

const THOUSANDS_DOT = /^\d{1,3}(\.\d{3})+$/;

/**
 * Parses an amount as Brazilian ERPs export it: `1.234,56`, `1234,56`, `1234.56`, `1,234.56`,
 * `R$ 10,00`. The decimal separator is the last of `,` or `.` followed by one or two digits;
 * a lone separator followed by exactly three digits in groups (`1.234`) is a thousands separator.
 * Never goes through floating point.
 */
export function parseAmount(input: string): AmountParse {
  let text = input
    .trim()
    .replace(/^R\$\s*/i, '')
    .replace(/\s+/g, '');
  if (text === '') return { ok: false, reason: 'empty amount' };
  let negative = false;
  if (text.startsWith('(') && text.endsWith(')')) {
    negative = true;
    text = text.slice(1, -1);
  }
  if (text.startsWith('-')) {
    negative = true;
    text = text.slice(1);
  } else if (text.endsWith('-')) {
    negative = true;
    text = text.slice(0, -1);
  }
  text = text.replace(/^R\$/i, '');
  if (!/^[\d.,]+$/.test(text)) return { ok: false, reason: 'not a number' };
  let integerPart: string;
  let fraction = '';
  const lastComma = text.lastIndexOf(',');
  const lastDot = text.lastIndexOf('.');
  const decimalAt = Math.max(lastComma, lastDot);
  if (decimalAt === -1) {
    integerPart = text;
  } else if (THOUSANDS_DOT.test(text)) {
    integerPart = text.replace(/\./g, '');
  } else {
    const decimalSeparator = text[decimalAt];
    const thousandsSeparator = decimalSeparator === ',' ? '.' : ',';
    integerPart = text.slice(0, decimalAt);
    fraction = text.slice(decimalAt + 1);
    if (integerPart.includes(decimalSeparator ?? ''))
      return { ok: false, reason: 'more than one decimal separator' };
    if (integerPart.includes(thousandsSeparator)) {
      if (!/^\d{1,3}([.,]\d{3})+$/.test(integerPart))
        return { ok: false, reason: 'misplaced thousands separator' };
      integerPart = integerPart.replace(/[.,]/g, '');
    }
    if (fraction.length === 0 || fraction.length > 2) {
      return { ok: false, reason: 'more than two decimal places' };
    }
  }
  if (integerPart === '') integerPart = '0';
  if (!/^\d+$/.test(integerPart)) return { ok: false, reason: 'not a number' };
  if (integerPart.replace(/^0+/, '').length > 13) return { ok: false, reason: 'amount too large' };
  const cents = Number(integerPart) * 100 + Number(fraction.padEnd(2, '0'));
  return { ok: true, cents: negative ? -cents : cents };
}

/** Parses a JSON number or string amount expressed in reais (e.g. 1234.56 or "1.234,56"). */
export function parseAmountValue(value: unknown): AmountParse {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, reason: 'not a number' };
    // Decimal text of the number, never arithmetic on the float itself.
    return parseAmount(String(value));
  }
  if (typeof value === 'string') return parseAmount(value);
  return { ok: false, reason: 'not a number' };
}

const brl = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });

/** Formats centavos as `R$ 1.234,56` (display only). */
export function formatBrl(cents: Cents): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const reais = Math.trunc(abs / 100);
  const rest = String(abs % 100).padStart(2, '0');
  return `${sign}${brl.format(reais).replace(/,00$/, '')},${rest}`;
}

/** Centavos as a decimal string with a dot, e.g. 123456 -> "1234.56". */
export function centsToDecimal(cents: Cents): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
