/**
 * Bank payment files: CNAB 240 and CNAB 400 retorno (cobrança), plus the types every payment-file
 * reader returns and the detection of which format a file is. Pure functions of the bytes: a bad line
 * never aborts the file, it is reported with its physical line number and the good part goes in.
 * Positions in comments and layouts are 1-based and inclusive, as the bank manuals print them.
 */
import { detectEncoding } from '../imports/csv.ts';
import type { CalendarDate } from '../shared/dates.ts';
import { isValidCalendarDate } from '../shared/dates.ts';
import type { Cents } from '../shared/money.ts';
import bradescoJson from './layouts/bradesco.json' with { type: 'json' };
import itauJson from './layouts/itau.json' with { type: 'json' };
import { parseOfx } from './ofx.ts';

export type PaymentFileFormat = 'cnab240' | 'cnab400' | 'ofx';

/** Money that arrived, as one payment file tells it. */
export type ParsedPayment = {
  source: PaymentFileFormat;
  /** Identifies this payment across imports (unique per organization): a file read twice adds nothing. */
  naturalKey: string;
  bankCode?: string;
  nossoNumero?: string;
  seuNumero?: string;
  /** CPF (11 digits) or CNPJ (14 digits), digits only. */
  payerDocument?: string;
  payerName?: string;
  /** What the payer paid, always > 0. */
  paidCents: Cents;
  /** What the bank credited, when the file says. */
  netCents?: Cents;
  feeCents?: Cents;
  /** Juros and multa. */
  interestCents?: Cents;
  discountCents?: Cents;
  paidOn: CalendarDate;
  creditedOn?: CalendarDate;
  /** The bank's movement/occurrence code (CNAB) or the OFX TRNTYPE. */
  movement?: string;
  description?: string;
  /** The physical lines (1-based) it was read from: segments T and U for CNAB 240. */
  lines: number[];
};

/** A line that was read but is not a payment (`ignored`) or could not be read (`errors`). Line 0 is the file. */
export type LineNote = { line: number; reason: string };

export type ParseResult = {
  payments: ParsedPayment[];
  ignored: LineNote[];
  errors: LineNote[];
  format: PaymentFileFormat;
};

// ---------------------------------------------------------------------------------------------
// Shared by the fixed-width readers

/** Text of a payment file: UTF-8 unless the bytes are not valid UTF-8, then Windows-1252. */
export function decodePaymentText(input: Uint8Array | string): string {
  if (typeof input === 'string') return input;
  return new TextDecoder(detectEncoding(input)).decode(input);
}

/** Physical lines without their CRLF, LF or CR; a final newline and a DOS end-of-file mark (^Z) end the file. */
export function splitLines(text: string): string[] {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x1a) end--;
  const lines = text.slice(0, end).split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** The characters at 1-based inclusive positions `start`..`end`. */
function cut(line: string, start: number, end: number): string {
  return line.slice(start - 1, end);
}

/** A fixed-width line of `width` characters; extra characters are accepted only when they are all blank. */
function fixedWidth(line: string, width: number): { ok: true; line: string } | { ok: false; reason: string } {
  if (line.length === width) return { ok: true, line };
  if (line.length > width && line.slice(width).trim() === '') return { ok: true, line: line.slice(0, width) };
  return { ok: false, reason: `line has ${line.length} characters, a CNAB ${width} line has ${width}` };
}

/** Zero-filled digits as centavos (the last two digits are the centavos); a blank field is zero. */
function readCents(raw: string): Cents | null {
  if (raw.trim() === '') return 0;
  if (!/^\d+$/.test(raw) || raw.length > 15) return null;
  return Number(raw);
}

/** DDMMAAAA or DDMMAA; zeros or blanks mean "no date" (undefined); anything else invalid is null. */
function readDate(raw: string): CalendarDate | undefined | null {
  if (/^[0 ]*$/.test(raw)) return undefined;
  const match = /^(\d{2})(\d{2})(\d{2}|\d{4})$/.exec(raw);
  if (!match) return null;
  const day = Number(match[1]);
  const month = Number(match[2]);
  let year = Number(match[3]);
  // Two-digit years: CNAB 400 retornos are all from this century.
  if ((match[3] ?? '').length === 2) year += year < 70 ? 2000 : 1900;
  if (!isValidCalendarDate(year, month, day)) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function showDate(raw: string): string {
  return JSON.stringify(raw);
}

/** CPF or CNPJ from a zero-filled field and its kind (1 = CPF, 2 = CNPJ); anything else is undefined. */
function payerDocument(kind: string, raw: string): string | undefined {
  const digits = raw.trim();
  if (!/^\d+$/.test(digits) || /^0+$/.test(digits)) return undefined;
  const size = kind === '1' ? 11 : kind === '2' ? 14 : 0;
  if (size === 0) return undefined;
  if (digits.length > size && !/^0+$/.test(digits.slice(0, digits.length - size))) return undefined;
  return digits.slice(-size).padStart(size, '0');
}

function text(raw: string): string | undefined {
  const value = raw.trim();
  return value === '' ? undefined : value;
}

/** An identifier field: undefined when blank or all zeros. */
function reference(raw: string): string | undefined {
  const value = text(raw);
  return value === undefined || /^0+$/.test(value) ? undefined : value;
}

/** Zero-filled identifiers (nosso número, agency, account) compared without their leading zeros. */
function identifier(raw: string): string {
  return raw
    .trim()
    .replace(/\s+/g, '')
    .replace(/^0+(?=.)/, '');
}

function positive(cents: Cents): Cents | undefined {
  return cents > 0 ? cents : undefined;
}

function emptyResult(format: PaymentFileFormat): ParseResult {
  return { payments: [], ignored: [], errors: [], format };
}

/**
 * Adds a payment unless its natural key was already seen in this file: a repeat is ignored when it
 * says the same thing and an error when it says something else under the same key.
 */
function addPayment(result: ParseResult, seen: Map<string, ParsedPayment>, payment: ParsedPayment): void {
  const first = seen.get(payment.naturalKey);
  if (!first) {
    seen.set(payment.naturalKey, payment);
    result.payments.push(payment);
    return;
  }
  const same = first.paidCents === payment.paidCents && first.paidOn === payment.paidOn;
  const where = first.lines.join('/');
  for (const line of payment.lines) {
    if (same) result.ignored.push({ line, reason: `repeats the payment at line ${where}` });
    else {
      result.errors.push({
        line,
        reason: `same identification as the payment at line ${where} but a different amount or date`,
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// CNAB 240

/** FEBRABAN código de movimento retorno (segment T 16-17). */
export const CNAB240_MOVEMENTS: Readonly<Record<string, string>> = {
  '02': 'Entrada confirmada',
  '03': 'Entrada rejeitada',
  '04': 'Transferência de carteira/entrada',
  '05': 'Transferência de carteira/baixa',
  '06': 'Liquidação',
  '07': 'Confirmação do recebimento da instrução de desconto',
  '08': 'Confirmação do recebimento do cancelamento do desconto',
  '09': 'Baixa',
  '11': 'Títulos em carteira (em ser)',
  '12': 'Confirmação do recebimento da instrução de abatimento',
  '13': 'Confirmação do recebimento da instrução de cancelamento do abatimento',
  '14': 'Confirmação do recebimento da instrução de alteração de vencimento',
  '15': 'Franco de pagamento',
  '17': 'Liquidação após baixa ou liquidação de título não registrado',
  '19': 'Confirmação do recebimento da instrução de protesto',
  '20': 'Confirmação do recebimento da instrução de sustação/cancelamento de protesto',
  '23': 'Remessa a cartório (aponte em cartório)',
  '24': 'Retirada de cartório e manutenção em carteira',
  '25': 'Protestado e baixado (baixa por ter sido protestado)',
  '26': 'Instrução rejeitada',
  '27': 'Confirmação do pedido de alteração de outros dados',
  '28': 'Débito de tarifas/custas',
  '29': 'Ocorrências do pagador',
  '30': 'Alteração de dados rejeitada',
  '44': 'Título pago com cheque devolvido',
  '45': 'Título pago com cheque compensado',
  '50': 'Título pago com cheque pendente de liquidação',
};

/** Movements that mean the boleto was paid (liquidação). */
export const CNAB240_PAID_MOVEMENTS: readonly string[] = ['06', '17'];

function movementMeaning(table: Readonly<Record<string, string>>, code: string): string {
  return table[code] ?? 'code not in the table';
}

type Cnab240Line = { number: number; text: string };

/**
 * Reads a CNAB 240 retorno: header de arquivo (143 = `2`), lotes of segments T and U (a T followed by
 * its U, sequence numbers consecutive), trailers. Movements 06 and 17 are payments; the others are
 * ignored with what they mean.
 */
export function parseCnab240(input: Uint8Array | string): ParseResult {
  const result = emptyResult('cnab240');
  const seen = new Map<string, ParsedPayment>();
  const lines = splitLines(decodePaymentText(input));
  let headerBank: string | undefined;
  let sawHeader = false;
  let sawTrailer = false;
  let counted = 0;
  let pendingT: Cnab240Line | null = null;

  const orphanT = () => {
    if (pendingT) {
      result.errors.push({
        line: pendingT.number,
        reason: 'segment T without the segment U that must follow it',
      });
    }
    pendingT = null;
  };

  for (const [index, raw] of lines.entries()) {
    const number = index + 1;
    if (raw.trim() === '') {
      result.ignored.push({ line: number, reason: 'blank line' });
      continue;
    }
    counted++;
    const width = fixedWidth(raw, 240);
    if (!width.ok) {
      orphanT();
      result.errors.push({ line: number, reason: width.reason });
      continue;
    }
    const line = width.line;
    const recordType = cut(line, 8, 8);
    if (recordType !== '3') orphanT();
    switch (recordType) {
      case '0': {
        sawHeader = true;
        counted = 1;
        const bank = cut(line, 1, 3);
        const problems: string[] = [];
        if (/^\d{3}$/.test(bank)) headerBank = bank;
        else problems.push(`bank code (1-3) ${JSON.stringify(bank)} is not three digits`);
        const kind = cut(line, 143, 143);
        if (kind === '1') problems.push('this is a remessa (143 = 1), not a retorno');
        else if (kind !== '2') problems.push(`position 143 is ${JSON.stringify(kind)}, a retorno has 2`);
        if (problems.length > 0) result.errors.push({ line: number, reason: problems.join('; ') });
        else {
          const name = text(cut(line, 103, 132)) ?? 'unnamed bank';
          result.ignored.push({
            line: number,
            reason: `header de arquivo: retorno of bank ${bank} (${name})`,
          });
        }
        break;
      }
      case '1':
        result.ignored.push({ line: number, reason: 'header de lote' });
        break;
      case '5':
        result.ignored.push({ line: number, reason: 'trailer de lote' });
        break;
      case '9': {
        sawTrailer = true;
        const declared = cut(line, 24, 29);
        if (/^\d{6}$/.test(declared) && Number(declared) !== counted) {
          result.errors.push({
            line: number,
            reason: `trailer de arquivo counts ${Number(declared)} records but the file has ${counted}: lines are missing or extra`,
          });
        } else result.ignored.push({ line: number, reason: 'trailer de arquivo' });
        break;
      }
      case '3': {
        const segment = cut(line, 14, 14);
        if (segment === 'T') {
          orphanT();
          pendingT = { number, text: line };
        } else if (segment === 'U') {
          const t: Cnab240Line | null = pendingT;
          pendingT = null;
          if (!t) result.errors.push({ line: number, reason: 'segment U without a segment T before it' });
          else readTU(result, seen, t, { number, text: line }, headerBank);
        } else {
          orphanT();
          result.ignored.push({ line: number, reason: `segment ${JSON.stringify(segment)} not read` });
        }
        break;
      }
      default:
        result.errors.push({
          line: number,
          reason: `record type (position 8) ${JSON.stringify(recordType)} is not 0, 1, 3, 5 or 9`,
        });
    }
  }
  orphanT();
  if (lines.length > 0 && !sawHeader) result.errors.push({ line: 0, reason: 'no header de arquivo' });
  if (lines.length > 0 && !sawTrailer) {
    result.errors.push({ line: 0, reason: 'no trailer de arquivo: the file may be truncated' });
  }
  return result;
}

function readTU(
  result: ParseResult,
  seen: Map<string, ParsedPayment>,
  t: Cnab240Line,
  u: Cnab240Line,
  headerBank: string | undefined,
): void {
  const fail = (reason: string) => {
    result.errors.push({ line: t.number, reason });
    result.errors.push({ line: u.number, reason: `segment U of line ${t.number}: ${reason}` });
  };
  const T = t.text;
  const U = u.text;
  const tSeq = cut(T, 9, 13);
  const uSeq = cut(U, 9, 13);
  if (
    cut(T, 1, 7) !== cut(U, 1, 7) ||
    !/^\d{5}$/.test(tSeq) ||
    !/^\d{5}$/.test(uSeq) ||
    Number(uSeq) !== Number(tSeq) + 1
  ) {
    fail(`segments T (${cut(T, 1, 13)}) and U (${cut(U, 1, 13)}) are not one bank, lote and sequence apart`);
    return;
  }
  const bank = cut(T, 1, 3);
  if (headerBank !== undefined && bank !== headerBank) {
    fail(`bank ${bank} differs from the header's ${headerBank}`);
    return;
  }
  const movement = cut(T, 16, 17);
  const uMovement = cut(U, 16, 17);
  if (uMovement.trim() !== '' && uMovement !== movement) {
    fail(`movement ${movement} on segment T but ${uMovement} on segment U`);
    return;
  }
  if (!CNAB240_PAID_MOVEMENTS.includes(movement)) {
    const meaning = movementMeaning(CNAB240_MOVEMENTS, movement);
    result.ignored.push({ line: t.number, reason: `movement ${movement}: ${meaning}` });
    result.ignored.push({ line: u.number, reason: `segment U of movement ${movement}: ${meaning}` });
    return;
  }

  const problems: string[] = [];
  const amount = (line: string, start: number, end: number, name: string): Cents => {
    const cents = readCents(cut(line, start, end));
    if (cents === null) {
      problems.push(`${name} (${start}-${end}) ${JSON.stringify(cut(line, start, end))} is not a number`);
      return 0;
    }
    return cents;
  };
  const date = (line: string, start: number, end: number, name: string): CalendarDate | undefined => {
    const raw = cut(line, start, end);
    const value = readDate(raw);
    if (value === null) problems.push(`${name} (${start}-${end}) ${showDate(raw)} is not a DDMMAAAA date`);
    return value ?? undefined;
  };
  const fee = amount(T, 199, 213, 'tarifa');
  const interest = amount(U, 18, 32, 'juros/multa');
  const discount = amount(U, 33, 47, 'desconto');
  const paid = amount(U, 78, 92, 'valor pago');
  const net = amount(U, 93, 107, 'valor líquido');
  const paidOn = date(U, 138, 145, 'data da ocorrência');
  const creditedOn = date(U, 146, 153, 'data do crédito');
  if (problems.length === 0 && paid <= 0) problems.push('valor pago (78-92) is zero');
  if (problems.length === 0 && paidOn === undefined) problems.push('no data da ocorrência (138-145)');
  const nossoNumero = reference(cut(T, 38, 57));
  const seuNumero = reference(cut(T, 59, 73));
  if (nossoNumero === undefined && seuNumero === undefined) problems.push('no nosso número nor seu número');
  if (problems.length > 0 || paidOn === undefined) {
    fail(problems.join('; '));
    return;
  }
  const account = identifier(cut(T, 18, 37));
  const title = nossoNumero !== undefined ? identifier(nossoNumero) : `seu:${seuNumero ?? ''}`;
  addPayment(result, seen, {
    source: 'cnab240',
    naturalKey: `cnab240:${bank}:${account}:${title}:${paidOn}:${movement}`,
    bankCode: bank,
    nossoNumero,
    seuNumero,
    payerDocument: payerDocument(cut(T, 133, 133), cut(T, 134, 148)),
    payerName: text(cut(T, 149, 188)),
    paidCents: paid,
    netCents: positive(net),
    feeCents: fee,
    interestCents: interest,
    discountCents: discount,
    paidOn,
    creditedOn,
    movement,
    description: movementMeaning(CNAB240_MOVEMENTS, movement),
    lines: [t.number, u.number],
  });
}

// ---------------------------------------------------------------------------------------------
// CNAB 400: one layout per bank, held as data (src/payments/layouts/*.json)

export type Cnab400FieldType = 'text' | 'cents' | 'ddmmyy';
/** [start, end, type], 1-based inclusive positions on the detail record (type 1). */
export type Cnab400Field = readonly [start: number, end: number, type: Cnab400FieldType];

const FIELD_TYPES = {
  wallet: 'text',
  agency: 'text',
  account: 'text',
  companyControl: 'text',
  nossoNumero: 'text',
  seuNumero: 'text',
  occurrence: 'text',
  occurrenceDate: 'ddmmyy',
  dueDate: 'ddmmyy',
  creditDate: 'ddmmyy',
  faceValue: 'cents',
  fee: 'cents',
  abatement: 'cents',
  discount: 'cents',
  paid: 'cents',
  net: 'cents',
  interest: 'cents',
  payerName: 'text',
  payerDocumentKind: 'text',
  payerDocument: 'text',
} as const satisfies Record<string, Cnab400FieldType>;

export type Cnab400FieldName = keyof typeof FIELD_TYPES;
const REQUIRED_FIELDS = ['occurrence', 'occurrenceDate', 'paid', 'nossoNumero'] as const;

export type Cnab400Layout = {
  /** Bank code as in header positions 77-79, e.g. `237`. */
  bankCode: string;
  bankName: string;
  detail: Partial<Record<Cnab400FieldName, Cnab400Field>> &
    Record<(typeof REQUIRED_FIELDS)[number], Cnab400Field>;
  /** Occurrence codes (109-110 for most banks) that mean the boleto was paid. */
  paidOccurrences: readonly string[];
  /** What each occurrence code means, for the ignored lines. */
  occurrences: Readonly<Record<string, string>>;
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFieldName(name: string): name is Cnab400FieldName {
  return Object.hasOwn(FIELD_TYPES, name);
}

/** Checks a layout read from JSON: known field names, positions inside 1..400, the types each field needs. */
export function parseCnab400Layout(
  json: unknown,
): { ok: true; layout: Cnab400Layout } | { ok: false; reason: string } {
  if (!isRecord(json)) return { ok: false, reason: 'a layout is an object' };
  const { bankCode, bankName, detail, paidOccurrences, occurrences } = json;
  if (typeof bankCode !== 'string' || !/^\d{3}$/.test(bankCode)) {
    return { ok: false, reason: 'bankCode must be three digits' };
  }
  if (typeof bankName !== 'string' || bankName === '') return { ok: false, reason: 'bankName is required' };
  if (!isRecord(detail)) return { ok: false, reason: 'detail must map field names to [start, end, type]' };
  const fields: Partial<Record<Cnab400FieldName, Cnab400Field>> = {};
  for (const [name, spec] of Object.entries(detail)) {
    if (!isFieldName(name)) return { ok: false, reason: `unknown field ${name}` };
    if (!Array.isArray(spec) || spec.length !== 3) {
      return { ok: false, reason: `${name} must be [start, end, type]` };
    }
    const [start, end, type] = spec;
    if (
      typeof start !== 'number' ||
      typeof end !== 'number' ||
      !Number.isInteger(start) ||
      !Number.isInteger(end) ||
      start < 1 ||
      end > 400 ||
      start > end
    ) {
      return { ok: false, reason: `${name} positions must be integers with 1 <= start <= end <= 400` };
    }
    if (type !== FIELD_TYPES[name])
      return { ok: false, reason: `${name} must have type ${FIELD_TYPES[name]}` };
    fields[name] = [start, end, type];
  }
  const { occurrence, occurrenceDate, paid, nossoNumero } = fields;
  if (!occurrence || !occurrenceDate || !paid || !nossoNumero) {
    return { ok: false, reason: `detail needs ${REQUIRED_FIELDS.join(', ')}` };
  }
  if (!Array.isArray(paidOccurrences) || !paidOccurrences.every((code) => typeof code === 'string')) {
    return { ok: false, reason: 'paidOccurrences must be a list of codes' };
  }
  if (!isRecord(occurrences) || !Object.values(occurrences).every((v) => typeof v === 'string')) {
    return { ok: false, reason: 'occurrences must map codes to their meaning' };
  }
  return {
    ok: true,
    layout: {
      bankCode,
      bankName,
      detail: { ...fields, occurrence, occurrenceDate, paid, nossoNumero },
      paidOccurrences: paidOccurrences.map(String),
      occurrences: Object.fromEntries(Object.entries(occurrences).map(([k, v]) => [k, String(v)])),
    },
  };
}

function bundled(json: unknown): Cnab400Layout {
  const parsed = parseCnab400Layout(json);
  // A broken bundled layout is a programming error, caught by the tests.
  if (!parsed.ok) throw new Error(`bundled CNAB 400 layout: ${parsed.reason}`);
  return parsed.layout;
}

/** The bundled CNAB 400 layouts: Bradesco (237) and Itaú (341). */
export const CNAB400_LAYOUTS: readonly Cnab400Layout[] = [bundled(bradescoJson), bundled(itauJson)];

export type Cnab400Options = {
  /** Layouts to choose from by the header's bank code; the bundled ones by default. */
  layouts?: readonly Cnab400Layout[];
  /** Bank to assume when the file has no readable header. */
  bankCode?: string;
};

/**
 * Reads a CNAB 400 retorno: header (type 0, `2` at 2, bank code at 77-79) choosing the bank's layout,
 * details (type 1) read through the layout, trailer (type 9). Occurrences the layout lists as paid are
 * payments; the others are ignored with what they mean.
 */
export function parseCnab400(input: Uint8Array | string, options: Cnab400Options = {}): ParseResult {
  const result = emptyResult('cnab400');
  const seen = new Map<string, ParsedPayment>();
  const layouts = options.layouts ?? CNAB400_LAYOUTS;
  const layoutFor = (bank: string) => layouts.find((l) => l.bankCode === bank);
  let bank = options.bankCode;
  let layout = bank === undefined ? undefined : layoutFor(bank);
  let sawHeader = false;
  let sawTrailer = false;
  const lines = splitLines(decodePaymentText(input));

  for (const [index, raw] of lines.entries()) {
    const number = index + 1;
    if (raw.trim() === '') {
      result.ignored.push({ line: number, reason: 'blank line' });
      continue;
    }
    const width = fixedWidth(raw, 400);
    if (!width.ok) {
      result.errors.push({ line: number, reason: width.reason });
      continue;
    }
    const line = width.line;
    const recordType = cut(line, 1, 1);
    if (recordType === '0') {
      sawHeader = true;
      const problems: string[] = [];
      const kind = cut(line, 2, 2);
      if (kind === '1') problems.push('this is a remessa (position 2 = 1), not a retorno');
      else if (kind !== '2') problems.push(`position 2 is ${JSON.stringify(kind)}, a retorno has 2`);
      bank = cut(line, 77, 79);
      layout = layoutFor(bank);
      if (!layout) {
        const known = layouts.map((l) => l.bankCode).join(', ');
        problems.push(`no CNAB 400 layout for bank ${JSON.stringify(bank)} (77-79); known: ${known}`);
      }
      if (problems.length > 0) result.errors.push({ line: number, reason: problems.join('; ') });
      else result.ignored.push({ line: number, reason: `header: retorno of ${layout?.bankName} (${bank})` });
    } else if (recordType === '1') {
      if (!layout || bank === undefined) {
        result.errors.push({
          line: number,
          reason:
            bank === undefined
              ? 'no header naming the bank before this detail'
              : `no layout to read this detail: the header names bank ${JSON.stringify(bank)}`,
        });
      } else readCnab400Detail(result, seen, layout, bank, line, number);
    } else if (recordType === '9') {
      sawTrailer = true;
      result.ignored.push({ line: number, reason: 'trailer' });
    } else {
      result.ignored.push({ line: number, reason: `record type ${JSON.stringify(recordType)} not read` });
    }
  }
  if (lines.length > 0 && !sawHeader) result.errors.push({ line: 0, reason: 'no header (record type 0)' });
  if (lines.length > 0 && !sawTrailer) {
    result.errors.push({ line: 0, reason: 'no trailer (record type 9): the file may be truncated' });
  }
  return result;
}

function readCnab400Detail(
  result: ParseResult,
  seen: Map<string, ParsedPayment>,
  layout: Cnab400Layout,
  bank: string,
  line: string,
  number: number,
): void {
  const { detail } = layout;
  const raw = (field: Cnab400Field | undefined): string => (field ? cut(line, field[0], field[1]) : '');
  const occurrence = raw(detail.occurrence);
  if (!layout.paidOccurrences.includes(occurrence)) {
    result.ignored.push({
      line: number,
      reason: `occurrence ${occurrence}: ${movementMeaning(layout.occurrences, occurrence)}`,
    });
    return;
  }
  const problems: string[] = [];
  const where = (field: Cnab400Field) => `${field[0]}-${field[1]}`;
  const amount = (name: Cnab400FieldName): Cents | undefined => {
    const field = detail[name];
    if (!field) return undefined;
    const cents = readCents(raw(field));
    if (cents === null)
      problems.push(`${name} (${where(field)}) ${JSON.stringify(raw(field))} is not a number`);
    return cents ?? undefined;
  };
  const date = (name: Cnab400FieldName): CalendarDate | undefined => {
    const field = detail[name];
    if (!field) return undefined;
    const value = readDate(raw(field));
    if (value === null)
      problems.push(`${name} (${where(field)}) ${showDate(raw(field))} is not a DDMMAA date`);
    return value ?? undefined;
  };
  const paid = amount('paid') ?? 0;
  const net = amount('net');
  const fee = amount('fee');
  const interest = amount('interest');
  const discount = amount('discount');
  const paidOn = date('occurrenceDate');
  const creditedOn = date('creditDate');
  if (problems.length === 0 && paid <= 0) problems.push(`valor pago (${where(detail.paid)}) is zero`);
  if (problems.length === 0 && paidOn === undefined) problems.push('no occurrence date');
  const nossoNumero = reference(raw(detail.nossoNumero));
  const seuNumero = reference(raw(detail.seuNumero)) ?? reference(raw(detail.companyControl));
  if (nossoNumero === undefined && seuNumero === undefined) problems.push('no nosso número nor seu número');
  if (problems.length > 0 || paidOn === undefined) {
    result.errors.push({ line: number, reason: problems.join('; ') });
    return;
  }
  const account = `${identifier(raw(detail.agency))}-${identifier(raw(detail.account))}`;
  const wallet = identifier(raw(detail.wallet));
  const title = nossoNumero !== undefined ? identifier(nossoNumero) : `seu:${seuNumero ?? ''}`;
  addPayment(result, seen, {
    source: 'cnab400',
    naturalKey: `cnab400:${bank}:${account}:${wallet}/${title}:${paidOn}:${occurrence}`,
    bankCode: bank,
    nossoNumero,
    seuNumero,
    payerDocument: payerDocument(raw(detail.payerDocumentKind), raw(detail.payerDocument)),
    payerName: text(raw(detail.payerName)),
    paidCents: paid,
    netCents: net === undefined ? undefined : positive(net),
    feeCents: fee,
    interestCents: interest,
    discountCents: discount,
    paidOn,
    creditedOn,
    movement: occurrence,
    description: movementMeaning(layout.occurrences, occurrence),
    lines: [number],
  });
}

// ---------------------------------------------------------------------------------------------
// Detection

/** Which payment-file format the bytes are, from their start; null when none. */
export function detectPaymentFile(input: Uint8Array | string): PaymentFileFormat | null {
  const head =
    typeof input === 'string'
      ? input.slice(0, 16 * 1024)
      : new TextDecoder(detectEncoding(input.subarray(0, 16 * 1024))).decode(input.subarray(0, 16 * 1024));
  const start = head.replace(/^\uFEFF/, '').trimStart();
  if (/^(OFXHEADER\s*:|<\?xml[^>]*>\s*<\?OFX|<\?OFX|<OFX>)/i.test(start)) return 'ofx';
  const lines = splitLines(head)
    .filter((line) => line.trim() !== '')
    .slice(0, 5);
  const first = lines[0];
  if (first === undefined) return null;
  const is240 = (line: string) => fixedWidth(line, 240).ok && /^\d{3}\d{4}[01359]/.test(line);
  const is400 = (line: string) => fixedWidth(line, 400).ok && /^[019]/.test(line);
  if (is240(first) && cut(first, 8, 8) === '0') return 'cnab240';
  if (is400(first) && cut(first, 1, 1) === '0') return 'cnab400';
  if (lines.filter(is240).length * 2 > lines.length) return 'cnab240';
  if (lines.filter(is400).length * 2 > lines.length) return 'cnab400';
  if (/<OFX>/i.test(head)) return 'ofx';
  return null;
}

/** Detects the format and reads the file; null when it is no payment file this module knows. */
export function parsePaymentFile(
  input: Uint8Array | string,
  options: Cnab400Options = {},
): ParseResult | null {
  switch (detectPaymentFile(input)) {
    case 'cnab240':
      return parseCnab240(input);
    case 'cnab400':
      return parseCnab400(input, options);
    case 'ofx':
      return parseOfx(input);
    default:
      return null;
  }
}
