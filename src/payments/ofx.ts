/**
 * OFX bank statements, 1.x (SGML: leaf tags left open, often Windows-1252, comma decimals, sometimes
 * the whole file on one line) and 2.x (XML). Credits are payments; debits are ignored. A transaction
 * that cannot be read is an error on the line its <STMTTRN> opens; the rest of the statement goes in.
 */
import { detectEncoding } from '../imports/csv.ts';
import type { CalendarDate } from '../shared/dates.ts';
import { isValidCalendarDate } from '../shared/dates.ts';
import type { Cents } from '../shared/money.ts';
import type { ParsedPayment, ParseResult } from './cnab.ts';

type Token = { kind: 'open' | 'close'; name: string; value: string; line: number };

/** Tags and the text after each opening tag, with the line each tag is on. Never throws. */
function* tokens(text: string): Generator<Token> {
  let at = 0;
  let counted = 0;
  let line = 1;
  const lineAt = (position: number): number => {
    for (; counted < position; counted++) {
      const code = text.charCodeAt(counted);
      if (code === 10 || (code === 13 && text.charCodeAt(counted + 1) !== 10)) line++;
    }
    return line;
  };
  for (;;) {
    const open = text.indexOf('<', at);
    if (open === -1) return;
    if (text.startsWith('<!--', open)) {
      const end = text.indexOf('-->', open + 4);
      at = end === -1 ? text.length : end + 3;
      continue;
    }
    const close = text.indexOf('>', open + 1);
    if (close === -1) return;
    at = close + 1;
    const inner = text.slice(open + 1, close);
    const match = /^(\/?)\s*([A-Za-z][\w.]*)/.exec(inner);
    if (!match) continue;
    const name = (match[2] ?? '').toUpperCase();
    if (match[1] === '/') {
      yield { kind: 'close', name, value: '', line: lineAt(open) };
      continue;
    }
    let value: string;
    if (inner.endsWith('/')) value = '';
    else if (text.startsWith('<![CDATA[', at)) {
      const end = text.indexOf(']]>', at + 9);
      value = text.slice(at + 9, end === -1 ? text.length : end);
      at = end === -1 ? text.length : end + 3;
    } else {
      const next = text.indexOf('<', at);
      value = decodeEntities(text.slice(at, next === -1 ? text.length : next));
    }
    yield { kind: 'open', name, value: value.trim(), line: lineAt(open) };
  }
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,4});/gi, (whole, entity: string) => {
    if (entity.startsWith('#')) {
      const code =
        entity[1] === 'x' || entity[1] === 'X'
          ? Number.parseInt(entity.slice(2), 16)
          : Number(entity.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

/**
 * An OFX amount as centavos: `-1234.56`, `1234,56`, `+10`, `1.234,56`. Unlike parseAmount (money.ts),
 * a single `.` or `,` is always the decimal separator (OFX has no thousands grouping), so `1.234` is
 * refused rather than read as a thousand; extra decimal places are accepted only when they are zeros.
 */
export function parseOfxAmount(raw: string): { ok: true; cents: Cents } | { ok: false; reason: string } {
  const textValue = raw.replace(/\s+/g, '');
  let sign = '';
  let whole = '';
  let fraction = '';
  const plain = /^([+-]?)(\d*)(?:[.,](\d*))?$/.exec(textValue);
  if (plain) {
    sign = plain[1] ?? '';
    whole = plain[2] ?? '';
    fraction = plain[3] ?? '';
  } else {
    const grouped =
      /^([+-]?)(\d{1,3}(?:\.\d{3})+),(\d*)$/.exec(textValue) ??
      /^([+-]?)(\d{1,3}(?:,\d{3})+)\.(\d*)$/.exec(textValue);
    if (!grouped) return { ok: false, reason: `TRNAMT ${JSON.stringify(raw)} is not a number` };
    sign = grouped[1] ?? '';
    whole = (grouped[2] ?? '').replace(/[.,]/g, '');
    fraction = grouped[3] ?? '';
  }
  if (whole === '' && fraction === '')
    return { ok: false, reason: `TRNAMT ${JSON.stringify(raw)} is not a number` };
  if (/[1-9]/.test(fraction.slice(2))) {
    return { ok: false, reason: `TRNAMT ${JSON.stringify(raw)} has more than two decimal places` };
  }
  const integer = whole.replace(/^0+/, '');
  if (integer.length > 13) return { ok: false, reason: `TRNAMT ${JSON.stringify(raw)} is too large` };
  const cents = Number(integer || '0') * 100 + Number(fraction.slice(0, 2).padEnd(2, '0'));
  return { ok: true, cents: sign === '-' && cents !== 0 ? -cents : cents };
}

/**
 * The calendar date of an OFX datetime `YYYYMMDD[HHMMSS[.XXX]][[offset:TZ]]`, in its own offset: OFX
 * writes the local time of the offset given, so the date is the one written, never moved to UTC.
 */
export function parseOfxDate(raw: string): CalendarDate | null {
  const match =
    /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(?:(\d{2})(?:\.\d{1,6})?)?)?\s*(?:\[\s*[+-]?\d{1,2}(?:[.:]\d{1,2})?\s*(?::\s*[A-Za-z]{0,12}\s*)?\])?$/.exec(
      raw.trim(),
    );
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (Number(match[4] ?? 0) > 23 || Number(match[5] ?? 0) > 59 || Number(match[6] ?? 0) > 60) return null;
  if (!isValidCalendarDate(year, month, day)) return null;
  return `${match[1]}-${match[2]}-${match[3]}`;
}

/** TRNTYPEs that take money out: a positive amount on one of them is contradictory. */
const DEBIT_TYPES = new Set([
  'DEBIT',
  'PAYMENT',
  'CHECK',
  'ATM',
  'POS',
  'FEE',
  'SRVCHG',
  'CASH',
  'DIRECTDEBIT',
  'REPEATPMT',
]);

type Account = { bankId: string; acctId: string };
type Transaction = { line: number; fields: Map<string, string> };

/** Bank codes without their zero padding (`0341` and `341` are Itaú), so keys do not depend on it. */
function bankCode(bankId: string): string {
  return /^\d+$/.test(bankId) ? bankId.replace(/^0+/, '').padStart(3, '0') : bankId;
}

/** Reads an OFX statement (1.x SGML or 2.x XML, UTF-8 or Windows-1252). */
export function parseOfx(input: Uint8Array | string): ParseResult {
  const text = typeof input === 'string' ? input : new TextDecoder(detectEncoding(input)).decode(input);
  const result: ParseResult = { payments: [], ignored: [], errors: [], format: 'ofx' };
  const seen = new Map<string, { line: number; cents: Cents; date: CalendarDate }>();
  let account: Account | null = null;
  let building: Map<string, string> | null = null;
  let transaction: Transaction | null = null;
  let sawOfx = false;

  const closeAccount = () => {
    if (!building) return;
    const acctId = building.get('ACCTID');
    account = acctId ? { bankId: bankCode(building.get('BANKID') ?? ''), acctId } : null;
    building = null;
  };
  const closeTransaction = () => {
    if (transaction) finish(result, seen, account, transaction);
    transaction = null;
  };

  for (const token of tokens(text)) {
    if (token.kind === 'open') {
      switch (token.name) {
        case 'OFX':
          sawOfx = true;
          break;
        case 'STMTRS':
        case 'CCSTMTRS':
          closeTransaction();
          account = null;
          break;
        case 'BANKACCTFROM':
        case 'CCACCTFROM':
          if (!transaction) building = new Map();
          break;
        case 'BANKTRANLIST':
          closeAccount();
          break;
        case 'STMTTRN':
          closeAccount();
          closeTransaction();
          transaction = { line: token.line, fields: new Map() };
          break;
        default:
          if (token.value === '') break;
          if (transaction) {
            if (!transaction.fields.has(token.name)) transaction.fields.set(token.name, token.value);
          } else building?.set(token.name, token.value);
      }
    } else {
      switch (token.name) {
        case 'BANKACCTFROM':
        case 'CCACCTFROM':
          closeAccount();
          break;
        case 'STMTTRN':
        case 'BANKTRANLIST':
        case 'STMTRS':
        case 'CCSTMTRS':
        case 'STMTTRNRS':
        case 'CCSTMTTRNRS':
        case 'OFX':
          closeTransaction();
          break;
      }
    }
  }
  closeTransaction();
  if (!sawOfx) result.errors.push({ line: 0, reason: 'no <OFX> element: not an OFX statement' });
  return result;
}

function finish(
  result: ParseResult,
  seen: Map<string, { line: number; cents: Cents; date: CalendarDate }>,
  account: Account | null,
  transaction: Transaction,
): void {
  const { line, fields } = transaction;
  const problems: string[] = [];
  const amountText = fields.get('TRNAMT');
  const dateText = fields.get('DTPOSTED');
  const fitid = fields.get('FITID');
  let cents: Cents | undefined;
  if (amountText === undefined) problems.push('no TRNAMT');
  else {
    const amount = parseOfxAmount(amountText);
    if (amount.ok) cents = amount.cents;
    else problems.push(amount.reason);
  }
  let date: CalendarDate | undefined;
  if (dateText === undefined) problems.push('no DTPOSTED');
  else {
    date = parseOfxDate(dateText) ?? undefined;
    if (date === undefined) problems.push(`DTPOSTED ${JSON.stringify(dateText)} is not an OFX date`);
  }
  if (fitid === undefined) problems.push('no FITID');
  if (!account) problems.push('no BANKACCTFROM (with ACCTID) before this transaction');
  const type = (fields.get('TRNTYPE') ?? '').toUpperCase();
  if (cents !== undefined && cents > 0 && DEBIT_TYPES.has(type)) {
    problems.push(`TRNTYPE ${type} with a positive TRNAMT: credit or debit is unclear`);
  }
  if (problems.length > 0 || cents === undefined || date === undefined || fitid === undefined || !account) {
    result.errors.push({ line, reason: problems.join('; ') });
    return;
  }
  const naturalKey = `ofx:${account.bankId}:${account.acctId}:${fitid}`;
  const first = seen.get(naturalKey);
  if (first) {
    if (first.cents === cents && first.date === date) {
      result.ignored.push({ line, reason: `FITID ${fitid} repeats the transaction at line ${first.line}` });
    } else {
      result.errors.push({
        line,
        reason: `FITID ${fitid} was already used at line ${first.line} for a different amount or date`,
      });
    }
    return;
  }
  seen.set(naturalKey, { line, cents, date });
  if (cents < 0) {
    result.ignored.push({ line, reason: `debit (${type || 'no TRNTYPE'}), not a payment` });
    return;
  }
  if (cents === 0) {
    result.ignored.push({ line, reason: 'zero amount' });
    return;
  }
  const name = fields.get('NAME');
  const memo = fields.get('MEMO');
  const checkNumber = fields.get('CHECKNUM');
  const description = [
    name,
    memo !== name ? memo : undefined,
    checkNumber ? `cheque ${checkNumber}` : undefined,
  ]
    .filter((part) => part !== undefined && part !== '')
    .join(' | ');
  const payment: ParsedPayment = {
    source: 'ofx',
    naturalKey,
    bankCode: account.bankId === '' ? undefined : account.bankId,
    payerName: name,
    paidCents: cents,
    paidOn: date,
    creditedOn: date,
    movement: type === '' ? undefined : type,
    description: description === '' ? undefined : description,
    lines: [line],
  };
  result.payments.push(payment);
}
