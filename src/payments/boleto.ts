import { addDays, type CalendarDate, daysBetween, isCalendarDate, todayIn } from '../shared/dates.ts';
import type { Cents } from '../shared/money.ts';

/**
 * Boleto (FEBRABAN / Carta-Circular BCB 2.926/2000): the 44-digit barcode, the 47-digit linha
 * digitável, their check digits and the fator de vencimento; the 48-digit arrecadação (convênio)
 * line for reading; and one real campo livre layout, Banco do Brasil with a 7-digit convênio.
 *
 * Barcode (cobrança), 1-based: 1-3 bank, 4 currency (9 = real), 5 overall DV (mod 11), 6-9 fator de
 * vencimento, 10-19 value in centavos, 20-44 campo livre (bank-specific).
 * Linha digitável: field 1 = bank + currency + campo livre 1-5 + DV; field 2 = campo livre 6-15 + DV;
 * field 3 = campo livre 16-25 + DV (each DV mod 10); field 4 = the overall DV; field 5 = fator + value.
 */

const DIGITS = /^\d+$/;

/** Mod 10 (FEBRABAN): weights 2,1,2,1... from the right, digits of each product summed, DV = (10 - sum mod 10) mod 10. */
export function mod10(digits: string): number {
  assertDigits(digits, 'mod10');
  let sum = 0;
  let weight = 2;
  for (let i = digits.length - 1; i >= 0; i--) {
    const product = (digits.charCodeAt(i) - 48) * weight;
    sum += product > 9 ? product - 9 : product;
    weight = weight === 2 ? 1 : 2;
  }
  return (10 - (sum % 10)) % 10;
}

/** Weighted sum mod 11 with weights 2..9 repeating from the right. */
function mod11Remainder(digits: string): number {
  let sum = 0;
  let weight = 2;
  for (let i = digits.length - 1; i >= 0; i--) {
    sum += (digits.charCodeAt(i) - 48) * weight;
    weight = weight === 9 ? 2 : weight + 1;
  }
  return sum % 11;
}

/**
 * The barcode's overall DV (position 5), over the other 43 digits: weights 2..9 from the right,
 * DV = 11 - (sum mod 11), and 0, 10 and 11 become 1 (so the DV is never 0).
 */
export function mod11Barcode(digits: string): number {
  assertDigits(digits, 'mod11Barcode');
  const dv = 11 - mod11Remainder(digits);
  return dv === 10 || dv === 11 ? 1 : dv;
}

/** Mod 11 as the arrecadação layout uses it: remainders 0 and 1 give DV 0, otherwise 11 - remainder. */
export function mod11Arrecadacao(digits: string): number {
  assertDigits(digits, 'mod11Arrecadacao');
  const remainder = mod11Remainder(digits);
  return remainder <= 1 ? 0 : 11 - remainder;
}

function assertDigits(value: string, what: string, length?: number): void {
  if (!DIGITS.test(value) || (length !== undefined && value.length !== length)) {
    throw new RangeError(`${what}: expected ${length ?? 'only'} digits, got ${JSON.stringify(value)}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Fator de vencimento

/** Day 0 of the fator de vencimento. */
export const FACTOR_BASE_DATE: CalendarDate = '1997-10-07';
/** 9999 = 2025-02-21 is the last day of the first cycle; 2025-02-22 is 1000 again. */
const FIRST_CYCLE_END = 9999;
const CYCLE_DAYS = 9000;

/**
 * The fator de vencimento of a due date: days since 1997-10-07 up to 9999 (2025-02-21); from
 * 2025-02-22 it restarts at 1000 and runs every 9000 days (the second cycle ends at 9999 on
 * 2049-10-13, then starts over at 1000). Dates on or before the base date have no factor.
 */
export function dueFactor(date: CalendarDate): number {
  if (!isCalendarDate(date)) throw new RangeError(`dueFactor: not a calendar date: ${date}`);
  const days = daysBetween(FACTOR_BASE_DATE, date);
  if (days < 1) throw new RangeError(`dueFactor: ${date} is on or before ${FACTOR_BASE_DATE}`);
  if (days <= FIRST_CYCLE_END) return days;
  return ((days - FIRST_CYCLE_END - 1) % CYCLE_DAYS) + 1000;
}

/**
 * The due date a factor denotes, in the cycle nearest `reference` (a tie, 4500 days either way,
 * goes to the later date). 0 means "no due date" (à vista / contra apresentação) and gives null.
 * Factors below 1000 only ever occurred in the first cycle (1997-10-08 to 2000-07-02).
 */
export function dateFromFactor(factor: number, reference: CalendarDate): CalendarDate | null {
  if (!Number.isInteger(factor) || factor < 0 || factor > 9999) {
    throw new RangeError(`dateFromFactor: factor must be 0..9999, got ${factor}`);
  }
  if (factor === 0) return null;
  if (factor < 1000) return addDays(FACTOR_BASE_DATE, factor);
  const referenceDays = daysBetween(FACTOR_BASE_DATE, reference);
  const cycle = Math.max(0, Math.round((referenceDays - factor) / CYCLE_DAYS));
  return addDays(FACTOR_BASE_DATE, factor + cycle * CYCLE_DAYS);
}

// ---------------------------------------------------------------------------------------------------
// Barcode and linha digitável (cobrança)

export type BarcodeInput = {
  /** COMPE bank code, 3 digits ('001' Banco do Brasil). */
  bank: string;
  /** Currency code: 9 is the real. */
  currency: '9';
  /** Null for a boleto without due date (factor 0000). */
  dueDate: CalendarDate | null;
  /** 0 to 9,999,999,999 centavos; 0 leaves the amount to be filled in at payment. */
  amountCents: Cents;
  /** The 25-digit campo livre, in the bank's own layout (see `bancoDoBrasilFreeField`). */
  freeField: string;
};

export const MAX_BOLETO_CENTS: Cents = 9_999_999_999;

/** The 44-digit barcode of a cobrança boleto. */
export function buildBarcode(input: BarcodeInput): string {
  assertDigits(input.bank, 'buildBarcode bank', 3);
  if (input.currency !== '9') throw new RangeError('buildBarcode: currency must be 9 (real)');
  assertDigits(input.freeField, 'buildBarcode freeField', 25);
  if (!Number.isSafeInteger(input.amountCents) || input.amountCents < 0) {
    throw new RangeError(`buildBarcode: amount must be a non-negative integer of centavos`);
  }
  if (input.amountCents > MAX_BOLETO_CENTS) throw new RangeError('buildBarcode: amount over 10 digits');
  const factor = input.dueDate === null ? 0 : dueFactor(input.dueDate);
  const body =
    input.bank +
    input.currency +
    String(factor).padStart(4, '0') +
    String(input.amountCents).padStart(10, '0') +
    input.freeField;
  return body.slice(0, 4) + String(mod11Barcode(body)) + body.slice(4);
}

/** Adds its mod-10 DV to a field of the linha digitável. */
const withMod10 = (field: string) => field + String(mod10(field));

/**
 * The linha digitável of a barcode: 47 digits for cobrança, 48 for arrecadação (a barcode
 * starting with 8, cut into four blocks of 11 digits each followed by its DV).
 */
export function barcodeToLine(barcode: string): string {
  assertDigits(barcode, 'barcodeToLine', 44);
  if (barcode.startsWith('8')) {
    const dv = arrecadacaoModulus(barcode);
    if (dv === null) throw new RangeError('barcodeToLine: arrecadação barcode with unknown value identifier');
    return [0, 11, 22, 33]
      .map((at) => barcode.slice(at, at + 11))
      .map((b) => b + String(dv(b)))
      .join('');
  }
  return (
    withMod10(barcode.slice(0, 4) + barcode.slice(19, 24)) +
    withMod10(barcode.slice(24, 34)) +
    withMod10(barcode.slice(34, 44)) +
    barcode.slice(4, 5) +
    barcode.slice(5, 19)
  );
}

/** The barcode inside a linha digitável (47 cobrança or 48 arrecadação digits); no DV is checked. */
export function lineToBarcode(line: string): string {
  const digits = stripMask(line);
  if (digits.length === 48 && digits.startsWith('8')) {
    return [0, 12, 24, 36].map((at) => digits.slice(at, at + 11)).join('');
  }
  assertDigits(digits, 'lineToBarcode', 47);
  return (
    digits.slice(0, 4) +
    digits.slice(32, 33) +
    digits.slice(33, 47) +
    digits.slice(4, 9) +
    digits.slice(10, 20) +
    digits.slice(21, 31)
  );
}

/**
 * The line in its printed form: `00190.00009 01149.718601 68524.522114 6 75860000102656` for
 * cobrança, `84610000000-5 24610029110-2 00546033900-4 69589506108-0` for arrecadação.
 * Anything else is returned as given.
 */
export function formatLine(line: string): string {
  const d = stripMask(line);
  if (d.length === 48 && /^\d+$/.test(d)) {
    return [0, 12, 24, 36].map((at) => `${d.slice(at, at + 11)}-${d.slice(at + 11, at + 12)}`).join(' ');
  }
  if (d.length !== 47 || !/^\d+$/.test(d)) return line;
  return [
    `${d.slice(0, 5)}.${d.slice(5, 10)}`,
    `${d.slice(10, 15)}.${d.slice(15, 21)}`,
    `${d.slice(21, 26)}.${d.slice(26, 32)}`,
    d.slice(32, 33),
    d.slice(33, 47),
  ].join(' ');
}

/** Removes the usual mask characters (spaces, dots, hyphens). */
function stripMask(value: string): string {
  return value.replace(/[\s.-]/g, '');
}

// ---------------------------------------------------------------------------------------------------
// Parsing

export type ParsedBoleto =
  | {
      ok: true;
      kind: 'cobranca';
      /** COMPE bank code. */
      bank: string;
      /** 0 when the boleto leaves the amount open. */
      amountCents: Cents;
      /** Null when the factor is 0000 (no due date). */
      dueDate: CalendarDate | null;
      dueFactor: number;
      barcode: string;
      line: string;
      /** The 25-digit campo livre. */
      freeField: string;
    }
  | {
      ok: true;
      kind: 'arrecadacao';
      /** Arrecadação slips carry no bank code. */
      bank: null;
      /** Null when the value field is a reference quantity rather than an amount in reais. */
      amountCents: Cents | null;
      dueDate: null;
      /** 1 prefeituras, 2 saneamento, 3 energia/gás, 4 telecom, 5 órgãos governamentais, 6 carnês, 7 multas, 9 uso do banco. */
      segment: number;
      /** The company/agency id: 8 digits (CNPJ root) for segment 6, 4 otherwise. */
      company: string;
      barcode: string;
      line: string;
      /** Positions 16-44 of the barcode: company id and the biller's free field. */
      freeField: string;
    }
  | { ok: false; error: string };

/**
 * Reads a linha digitável (47 or 48 digits) or a barcode (44 digits), masked or not, checking
 * every DV. The fator de vencimento is decoded to the cycle nearest `reference` (by default today
 * in America/Sao_Paulo; pass it for a stable answer).
 *
 * Note that one check digit cannot catch everything: because remainders 0 and 1 both give DV 1,
 * a barcode whose DV is 1 can take a one-digit change in positions guarded only by the mod 11
 * (all of a bare barcode; fator and value in a line) that turns remainder 0 into 1 or back.
 */
export function parseBoleto(lineOrBarcode: string, reference?: CalendarDate): ParsedBoleto {
  const digits = stripMask(lineOrBarcode);
  if (!DIGITS.test(digits)) return { ok: false, error: 'a boleto has only digits' };
  if (digits.startsWith('8') && (digits.length === 48 || digits.length === 44)) {
    return parseArrecadacao(digits);
  }
  let barcode: string;
  if (digits.length === 47) {
    const fields = [digits.slice(0, 10), digits.slice(10, 21), digits.slice(21, 32)];
    for (const [i, field] of fields.entries()) {
      if (mod10(field.slice(0, -1)) !== Number(field.slice(-1))) {
        return { ok: false, error: `wrong check digit in field ${i + 1} of the linha digitável` };
      }
    }
    barcode = lineToBarcode(digits);
  } else if (digits.length === 44) {
    barcode = digits;
  } else {
    return {
      ok: false,
      error: `a boleto has 47 digits (linha digitável), 48 (arrecadação) or 44 (barcode), got ${digits.length}`,
    };
  }
  if (mod11Barcode(barcode.slice(0, 4) + barcode.slice(5)) !== Number(barcode[4])) {
    return { ok: false, error: 'wrong overall check digit (mod 11)' };
  }
  if (barcode[3] !== '9') return { ok: false, error: `currency code ${barcode[3]} is not 9 (real)` };
  const factor = Number(barcode.slice(5, 9));
  return {
    ok: true,
    kind: 'cobranca',
    bank: barcode.slice(0, 3),
    amountCents: Number(barcode.slice(9, 19)),
    dueDate: dateFromFactor(factor, reference ?? todayIn('America/Sao_Paulo')),
    dueFactor: factor,
    barcode,
    line: digits.length === 47 ? digits : barcodeToLine(barcode),
    freeField: barcode.slice(19),
  };
}

/** Position 3 of an arrecadação barcode picks the DV module: 6/7 mod 10, 8/9 mod 11. */
function arrecadacaoModulus(barcode: string): ((digits: string) => number) | null {
  const id = barcode[2];
  if (id === '6' || id === '7') return mod10;
  if (id === '8' || id === '9') return mod11Arrecadacao;
  return null;
}

function parseArrecadacao(digits: string): ParsedBoleto {
  const barcode = digits.length === 48 ? lineToBarcode(digits) : digits;
  const dv = arrecadacaoModulus(barcode);
  if (dv === null)
    return { ok: false, error: `arrecadação value identifier ${barcode[2]} is not 6, 7, 8 or 9` };
  if (digits.length === 48) {
    for (let block = 0; block < 4; block++) {
      const at = block * 12;
      if (dv(digits.slice(at, at + 11)) !== Number(digits[at + 11])) {
        return { ok: false, error: `wrong check digit in block ${block + 1} of the arrecadação line` };
      }
    }
  }
  if (dv(barcode.slice(0, 3) + barcode.slice(4)) !== Number(barcode[3])) {
    return { ok: false, error: 'wrong overall check digit of the arrecadação barcode' };
  }
  const segment = Number(barcode[1]);
  if (segment === 0 || segment === 8) return { ok: false, error: `unknown arrecadação segment ${segment}` };
  const effective = barcode[2] === '6' || barcode[2] === '8';
  return {
    ok: true,
    kind: 'arrecadacao',
    bank: null,
    amountCents: effective ? Number(barcode.slice(4, 15)) : null,
    dueDate: null,
    segment,
    company: barcode.slice(15, segment === 6 ? 23 : 19),
    barcode,
    line: digits.length === 48 ? digits : barcodeToLine(barcode),
    freeField: barcode.slice(15),
  };
}

// ---------------------------------------------------------------------------------------------------
// Banco do Brasil, convênio de 7 dígitos

/**
 * Banco do Brasil, "Layout do código de barras, convênio de 7 posições" (carteiras 16, 17, 18...):
 *
 *   campo livre (25) = '000000' + convênio (7) + complemento do nosso número (10) + carteira (2)
 *   nosso número (17) = convênio (7) + complemento (10), printed without DV
 *
 * The complemento is the beneficiary's own sequence, unique per convênio. The boleto carries the
 * bank code 001 and the bank's DV 9 ("001-9").
 */
export const BANCO_DO_BRASIL = { code: '001', digit: '9', name: 'Banco do Brasil S.A.' } as const;

const MAX_BB_SEQUENCE = 9_999_999_999;

/** The 17-digit nosso número of the `sequence`-th boleto of a 7-digit convênio. */
export function bancoDoBrasilNossoNumero(convenio: string, sequence: number): string {
  assertDigits(convenio, 'bancoDoBrasilNossoNumero convênio', 7);
  if (!Number.isSafeInteger(sequence) || sequence < 1 || sequence > MAX_BB_SEQUENCE) {
    throw new RangeError(`bancoDoBrasilNossoNumero: sequence must be 1..${MAX_BB_SEQUENCE}, got ${sequence}`);
  }
  return convenio + String(sequence).padStart(10, '0');
}

/** The campo livre of a Banco do Brasil boleto under a 7-digit convênio. */
export function bancoDoBrasilFreeField(input: { nossoNumero: string; carteira: string }): string {
  assertDigits(input.nossoNumero, 'bancoDoBrasilFreeField nosso número', 17);
  assertDigits(input.carteira, 'bancoDoBrasilFreeField carteira', 2);
  return `000000${input.nossoNumero}${input.carteira}`;
}

/** Reads a Banco do Brasil 7-digit-convênio campo livre back (null if it is not one). */
export function readBancoDoBrasilFreeField(
  freeField: string,
): { convenio: string; nossoNumero: string; carteira: string } | null {
  if (!/^000000\d{19}$/.test(freeField)) return null;
  return {
    convenio: freeField.slice(6, 13),
    nossoNumero: freeField.slice(6, 23),
    carteira: freeField.slice(23, 25),
  };
}

export type IssuedBoleto = { nossoNumero: string; barcode: string; line: string };

/** Everything a Banco do Brasil (convênio 7) boleto needs printed: nosso número, barcode and line. */
export function issueBancoDoBrasilBoleto(input: {
  convenio: string;
  carteira: string;
  sequence: number;
  dueDate: CalendarDate | null;
  amountCents: Cents;
}): IssuedBoleto {
  const nossoNumero = bancoDoBrasilNossoNumero(input.convenio, input.sequence);
  const barcode = buildBarcode({
    bank: BANCO_DO_BRASIL.code,
    currency: '9',
    dueDate: input.dueDate,
    amountCents: input.amountCents,
    freeField: bancoDoBrasilFreeField({ nossoNumero, carteira: input.carteira }),
  });
  return { nossoNumero, barcode, line: barcodeToLine(barcode) };
}
