/**
 * Pix BR Code (EMV MPM, "Manual de Padrões para Iniciação do Pix"): the "copia e cola" payload
 * behind a Pix QR code, its parser and its QR rendering.
 *
 * A payload is a run of TLV objects: 2-digit ID, 2-digit length, value. We write them in this
 * order: 00 format indicator, 01 point of initiation (only `12`, single-use dynamic), 26 merchant
 * account (00 GUI, 01 key or 25 PSP location, 02 description), 52 category, 53 currency, 54 amount,
 * 58 country, 59 name, 60 city, 61 CEP, 62 additional data (05 txid), 63 CRC-16/CCITT-FALSE.
 */
import { isValidCnpj, isValidCpf } from '@brazilian-utils/brazilian-utils';
import QRCode from 'qrcode';
import { type Cents, centsToDecimal } from '../shared/money.ts';

export const PIX_GUI = 'br.gov.bcb.pix';
/** The TLV template of field 26 holds at most 99 characters. */
export const MERCHANT_ACCOUNT_MAX = 99;
export const NAME_MAX = 25;
export const CITY_MAX = 15;
/** Field 54 holds at most 13 characters, so `9999999999.99`. */
export const AMOUNT_MAX_CENTS: Cents = 999_999_999_999;
/** The EMV QR code specification caps the whole payload at 512 characters. */
const PAYLOAD_MAX = 512;
const NO_TXID = '***';

/** Invalid input to `staticPix` / `dynamicPix`; `field` names the offending parameter. */
export class PixInputError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'PixInputError';
    this.field = field;
  }
}

// ---------------------------------------------------------------------------------------------
// CRC

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor) of the UTF-8 bytes, as 4 uppercase hex digits. */
export function crc16(text: string): string {
  let crc = 0xffff;
  for (const byte of new TextEncoder().encode(text)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

// ---------------------------------------------------------------------------------------------
// Pix keys

export type PixKeyType = 'cpf' | 'cnpj' | 'email' | 'phone' | 'evp';
export type PixKey = { type: PixKeyType; value: string };
export type PixKeyParse = { ok: true; key: PixKey } | { ok: false; error: string };

const EVP = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// DICT e-mail rule (lowercase local part of RFC 5322 atext plus dots, no `%`), tightened to
// refuse leading, trailing and doubled dots, and to require a dotted domain.
const EMAIL_LOCAL = /^[a-z0-9!#$&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const EMAIL_MAX = 77;
/** Brazilian area codes (DDD) in use. */
const DDDS = new Set([
  11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38, 41, 42, 43, 44, 45, 46,
  47, 48, 49, 51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68, 69, 71, 73, 74, 75, 77, 79, 81, 82, 83, 84, 85,
  86, 87, 88, 89, 91, 92, 93, 94, 95, 96, 97, 98, 99,
]);

function parseEmailKey(text: string): PixKeyParse {
  const email = text.toLowerCase();
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const labels = email.slice(at + 1).split('.');
  if (
    EMAIL_LOCAL.test(local) &&
    labels.length >= 2 &&
    labels.every((label) => DOMAIN_LABEL.test(label)) &&
    /[a-z]/.test(labels.at(-1) ?? '')
  ) {
    if (email.length > EMAIL_MAX)
      return { ok: false, error: `e-mail Pix key is longer than ${EMAIL_MAX} characters` };
    return { ok: true, key: { type: 'email', value: email } };
  }
  return { ok: false, error: `"${text}" is not a valid e-mail Pix key` };
}

function parsePhoneKey(text: string): PixKeyParse {
  const phone = text.replace(/[\s().-]/g, '');
  const match = /^\+55(\d{2})(9\d{8})$/.exec(phone);
  if (!match) {
    return {
      ok: false,
      error: `"${text}" is not a valid phone Pix key: expected +55, the area code and a 9-digit mobile number`,
    };
  }
  if (!DDDS.has(Number(match[1])))
    return { ok: false, error: `"${text}" is not a valid phone Pix key: unknown area code ${match[1]}` };
  return { ok: true, key: { type: 'phone', value: phone } };
}

/**
 * Recognizes a Pix key and returns it in the canonical DICT form written into a BR Code:
 * CPF as 11 digits, CNPJ as 14 characters (alphanumeric CNPJ in uppercase), e-mail in lowercase
 * (at most 77 characters), phone as `+55` + area code + 9-digit mobile number, EVP as a lowercase
 * UUID. Masks (`529.982.247-25`, `+55 (11) 94321-4321`) are accepted. A phone key must carry
 * `+55`: eleven bare digits are read as a CPF only.
 */
export function parsePixKey(input: string): PixKeyParse {
  const text = input.trim();
  if (text === '') return { ok: false, error: 'Pix key is empty' };
  if (EVP.test(text)) return { ok: true, key: { type: 'evp', value: text.toLowerCase() } };
  if (text.includes('@')) return parseEmailKey(text);
  if (text.startsWith('+')) return parsePhoneKey(text);
  const doc = text.replace(/[\s./-]/g, '').toUpperCase();
  if (/^\d{11}$/.test(doc)) {
    if (isValidCpf(doc)) return { ok: true, key: { type: 'cpf', value: doc } };
    return { ok: false, error: `"${text}" is not a valid CPF Pix key: check digits do not match` };
  }
  if (/^[0-9A-Z]{12}\d{2}$/.test(doc)) {
    if (isValidCnpj(doc, { version: 2 })) return { ok: true, key: { type: 'cnpj', value: doc } };
    return { ok: false, error: `"${text}" is not a valid CNPJ Pix key: check digits do not match` };
  }
  return {
    ok: false,
    error: `"${text}" is not a Pix key: expected a CPF, a CNPJ, an e-mail, a +55 phone number or a random key (EVP)`,
  };
}

// ---------------------------------------------------------------------------------------------
// Generation

export type StaticPixInput = {
  /** Pix key of the receiver (CPF, CNPJ, e-mail, +55 phone or EVP); masks are accepted. */
  key: string;
  /** Receiver name; folded to ASCII, whitespace collapsed, truncated to 25 characters. */
  name: string;
  /** Receiver city; folded to ASCII, whitespace collapsed, truncated to 15 characters. */
  city: string;
  /** Omit to let the payer type the amount. */
  amountCents?: Cents;
  /** 1 to 25 characters of `[A-Za-z0-9]`, or `***` (the default) for none. */
  txid?: string;
  /** Free text shown to the payer, folded to ASCII; must fit in field 26 (99 characters in all). */
  description?: string;
  /** Receiver CEP, 8 digits (`01310-100` is accepted). */
  cep?: string;
};

export type DynamicPixInput = {
  /** PSP location without the scheme, e.g. `pix.example.com/qr/v2/9d36b84f`. */
  url: string;
  name: string;
  city: string;
  /** Informative only: the payer's bank takes the amount from the PSP location. */
  amountCents?: Cents;
  /** Writes 01 = `12`: the code can be paid only once. */
  singleUse: boolean;
};

function tlv(id: string, value: string): string {
  if (value.length < 1 || value.length > 99)
    throw new Error(`TLV ${id} value must be 1-99 characters long, got ${value.length}`);
  return `${id}${String(value.length).padStart(2, '0')}${value}`;
}

/**
 * Folds text to the printable ASCII a BR Code carries: accents and other marks are dropped
 * (`ã` -> `a`, `ç` -> `c`, `º` -> `o`), characters without an ASCII form are removed, runs of
 * whitespace become one space, and the result is trimmed and cut to `max` characters.
 */
export function toPixText(text: string, max: number): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/ {2,}/g, ' ')
    .trim()
    .slice(0, max)
    .trimEnd();
}

function requiredText(field: string, value: string, max: number): string {
  const folded = toPixText(value, max);
  if (folded === '')
    throw new PixInputError(field, `${field} is required (and must have letters or digits in ASCII)`);
  return folded;
}

function amountField(amountCents: Cents | undefined): string {
  if (amountCents === undefined) return '';
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0 || amountCents > AMOUNT_MAX_CENTS) {
    throw new PixInputError(
      'amountCents',
      `amountCents must be a whole number of centavos from 1 to ${AMOUNT_MAX_CENTS}, got ${amountCents}`,
    );
  }
  return tlv('54', centsToDecimal(amountCents));
}

function cepField(cep: string | undefined): string {
  if (cep === undefined) return '';
  const digits = cep.trim().replace(/[.-]/g, '');
  if (!/^\d{8}$/.test(digits)) throw new PixInputError('cep', `cep must have 8 digits, got "${cep}"`);
  return tlv('61', digits);
}

function merchantAccount(keyOrUrl: string, description: string | undefined): string {
  let template = tlv('00', PIX_GUI) + keyOrUrl;
  if (description !== undefined) {
    const text = toPixText(description, 99);
    if (text !== '') {
      const room = MERCHANT_ACCOUNT_MAX - template.length - 4;
      if (text.length > room) {
        throw new PixInputError(
          'description',
          `description is ${text.length} characters but only ${Math.max(room, 0)} fit next to this key ` +
            `(field 26 holds at most ${MERCHANT_ACCOUNT_MAX} characters)`,
        );
      }
      template += tlv('02', text);
    }
  }
  if (template.length > MERCHANT_ACCOUNT_MAX) {
    throw new PixInputError(
      'url',
      `merchant account information (field 26) would be ${template.length} characters; the limit is ${MERCHANT_ACCOUNT_MAX}`,
    );
  }
  return tlv('26', template);
}

function assemble(parts: {
  singleUse: boolean;
  account: string;
  amount: string;
  name: string;
  city: string;
  cep: string;
  txid: string;
}): string {
  const body =
    tlv('00', '01') +
    (parts.singleUse ? tlv('01', '12') : '') +
    parts.account +
    tlv('52', '0000') +
    tlv('53', '986') +
    parts.amount +
    tlv('58', 'BR') +
    tlv('59', parts.name) +
    tlv('60', parts.city) +
    parts.cep +
    tlv('62', tlv('05', parts.txid)) +
    '6304';
  return body + crc16(body);
}

/** A static Pix BR Code ("copia e cola") for a key; throws `PixInputError` on invalid input. */
export function staticPix(input: StaticPixInput): string {
  const key = parsePixKey(input.key);
  if (!key.ok) throw new PixInputError('key', key.error);
  const txid = input.txid ?? NO_TXID;
  if (txid !== NO_TXID && !/^[A-Za-z0-9]{1,25}$/.test(txid)) {
    throw new PixInputError('txid', `txid must be 1 to 25 characters of [A-Za-z0-9] or "***", got "${txid}"`);
  }
  return assemble({
    singleUse: false,
    account: merchantAccount(tlv('01', key.key.value), input.description),
    amount: amountField(input.amountCents),
    name: requiredText('name', input.name, NAME_MAX),
    city: requiredText('city', input.city, CITY_MAX),
    cep: cepField(input.cep),
    txid,
  });
}

const HOST_LABEL = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
/** Host with at least one dot, then an optional RFC 3986 path (pchar and percent-escapes). */
const PSP_LOCATION = new RegExp(
  `^${HOST_LABEL}(?:\\.${HOST_LABEL})+(?:/(?:%[0-9a-f]{2}|[a-z0-9._~!$&'()*+,;=:@-])*)*$`,
  'i',
);

/** A dynamic Pix BR Code pointing at a PSP location; throws `PixInputError` on invalid input. */
export function dynamicPix(input: DynamicPixInput): string {
  const url = input.url.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url))
    throw new PixInputError('url', `url must be given without the scheme (drop "${url.split('//')[0]}//")`);
  if (!PSP_LOCATION.test(url))
    throw new PixInputError(
      'url',
      `url "${input.url}" is not a host and path like pix.example.com/qr/v2/abc`,
    );
  return assemble({
    singleUse: input.singleUse,
    account: merchantAccount(tlv('25', url), undefined),
    amount: amountField(input.amountCents),
    name: requiredText('name', input.name, NAME_MAX),
    city: requiredText('city', input.city, CITY_MAX),
    cep: '',
    txid: NO_TXID,
  });
}

// ---------------------------------------------------------------------------------------------
// Parsing

export type PixFields = {
  key?: string;
  url?: string;
  name: string;
  city: string;
  amountCents?: Cents;
  /** Absent when the payload carries `***`. */
  txid?: string;
  description?: string;
  cep?: string;
  /** 01 = `12`. */
  singleUse: boolean;
};

export type PixParse = { ok: true; fields: PixFields } | { ok: false; error: string };

type TlvRead = { ok: true; objects: Map<string, string>; order: string[] } | { ok: false; error: string };

/** Splits a TLV run; every length must be two digits, 01-99, and the objects must cover the text exactly. */
function readTlv(text: string, where: string): TlvRead {
  const objects = new Map<string, string>();
  const order: string[] = [];
  let at = 0;
  while (at < text.length) {
    const head = text.slice(at, at + 4);
    if (!/^\d{4}$/.test(head))
      return { ok: false, error: `${where}: malformed TLV header at position ${at}` };
    const id = head.slice(0, 2);
    const length = Number(head.slice(2));
    if (length === 0) return { ok: false, error: `${where}: object ${id} has length 00` };
    const end = at + 4 + length;
    if (end > text.length) {
      return {
        ok: false,
        error: `${where}: object ${id} declares ${length} characters but only ${text.length - at - 4} remain`,
      };
    }
    if (objects.has(id)) return { ok: false, error: `${where}: object ${id} appears twice` };
    objects.set(id, text.slice(at + 4, end));
    order.push(id);
    at = end;
  }
  return { ok: true, objects, order };
}

function parseAmountField(value: string): Cents | undefined {
  const match = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(value);
  if (!match) return undefined;
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return cents > 0 ? cents : undefined;
}

type Account = { key?: string; url?: string; description?: string };

function findPixAccount(
  objects: Map<string, string>,
): { ok: true; account: Account } | { ok: false; error: string } {
  for (let id = 26; id <= 51; id++) {
    const value = objects.get(String(id));
    if (value === undefined) continue;
    const inner = readTlv(value, `field ${id}`);
    if (!inner.ok) return inner;
    if (inner.objects.get('00')?.toLowerCase() !== PIX_GUI) continue;
    const key = inner.objects.get('01');
    const url = inner.objects.get('25');
    if (value.length > MERCHANT_ACCOUNT_MAX)
      return { ok: false, error: `field ${id} is longer than ${MERCHANT_ACCOUNT_MAX} characters` };
    if (key !== undefined && url !== undefined)
      return { ok: false, error: `field ${id} carries both a key (01) and a PSP location (25)` };
    if (key === undefined && url === undefined)
      return { ok: false, error: `field ${id} carries neither a key (01) nor a PSP location (25)` };
    const account: Account = {};
    if (key !== undefined) account.key = key;
    if (url !== undefined) account.url = url;
    const description = inner.objects.get('02');
    if (description !== undefined) account.description = description;
    return { ok: true, account };
  }
  return { ok: false, error: `no merchant account (fields 26-51) carries the GUI ${PIX_GUI}` };
}

/**
 * Parses and verifies a Pix BR Code: printable ASCII only, every TLV length (top level and inside
 * 26-51 and 62) adds up exactly, 00 first and 63 last, CRC matches (hex case ignored), the
 * required objects are present (00 `01`, Pix merchant account with GUI `br.gov.bcb.pix` and
 * exactly one of key / PSP location, 52, 53 `986`, 58 `BR`, 59, 60), 01 is `11` or `12` when
 * present, 54 is a positive amount. Name, city and txid lengths are not enforced (issuers in the
 * wild overrun them) and neither is the key format (a static code may outlive its key).
 */
export function parsePix(payload: string): PixParse {
  if (payload.length > PAYLOAD_MAX)
    return { ok: false, error: `payload is longer than ${PAYLOAD_MAX} characters` };
  if (!/^[\x20-\x7e]*$/.test(payload))
    return { ok: false, error: 'payload has characters outside printable ASCII' };
  const top = readTlv(payload, 'payload');
  if (!top.ok) return top;
  const { objects, order } = top;
  if (order[0] !== '00' || objects.get('00') !== '01')
    return { ok: false, error: 'payload must start with the format indicator 000201' };
  const crc = objects.get('63');
  if (order.at(-1) !== '63' || crc === undefined || crc.length !== 4)
    return { ok: false, error: 'payload must end with the CRC object 6304 and 4 hex digits' };
  if (!/^[0-9A-Fa-f]{4}$/.test(crc)) return { ok: false, error: 'CRC is not 4 hex digits' };
  const expected = crc16(payload.slice(0, -4));
  if (crc.toUpperCase() !== expected)
    return { ok: false, error: `CRC mismatch: payload says ${crc}, computed ${expected}` };

  const pointOfInitiation = objects.get('01');
  if (pointOfInitiation !== undefined && pointOfInitiation !== '11' && pointOfInitiation !== '12')
    return { ok: false, error: `point of initiation (01) must be 11 or 12, got ${pointOfInitiation}` };
  const account = findPixAccount(objects);
  if (!account.ok) return account;
  if (!/^\d{4}$/.test(objects.get('52') ?? ''))
    return { ok: false, error: 'merchant category code (52) missing or not 4 digits' };
  if (objects.get('53') !== '986') return { ok: false, error: 'currency (53) must be 986 (BRL)' };
  if (objects.get('58') !== 'BR') return { ok: false, error: 'country code (58) must be BR' };
  const name = objects.get('59');
  if (name === undefined || name.trim() === '') return { ok: false, error: 'merchant name (59) is missing' };
  const city = objects.get('60');
  if (city === undefined || city.trim() === '') return { ok: false, error: 'merchant city (60) is missing' };

  const fields: PixFields = { ...account.account, name, city, singleUse: pointOfInitiation === '12' };
  const amount = objects.get('54');
  if (amount !== undefined) {
    const cents = parseAmountField(amount);
    if (cents === undefined)
      return { ok: false, error: `amount (54) "${amount}" is not a positive amount like 123.45` };
    fields.amountCents = cents;
  }
  const cep = objects.get('61');
  if (cep !== undefined) fields.cep = cep;
  const additional = objects.get('62');
  if (additional !== undefined) {
    const inner = readTlv(additional, 'field 62');
    if (!inner.ok) return inner;
    const txid = inner.objects.get('05');
    if (txid !== undefined && txid !== NO_TXID) fields.txid = txid;
  }
  return { ok: true, fields };
}

// ---------------------------------------------------------------------------------------------
// QR code

const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 2 } as const;

/** The payload as a PNG QR code (error correction M, 2-module quiet zone). */
export function pixQrPng(payload: string): Promise<Buffer> {
  return QRCode.toBuffer(payload, { ...QR_OPTIONS, type: 'png' });
}

const SVG_CACHE_SIZE = 2_000;
const svgCache = new Map<string, Promise<string>>();

/**
 * The payload as an SVG QR code (error correction M, 2-module quiet zone). Drawing one costs
 * milliseconds and the same payload is asked for again and again (a debtor's portal page on each
 * visit), so the most recent ones are kept.
 */
export function pixQrSvg(payload: string): Promise<string> {
  const cached = svgCache.get(payload);
  if (cached) {
    svgCache.delete(payload);
    svgCache.set(payload, cached);
    return cached;
  }
  const drawn = QRCode.toString(payload, { ...QR_OPTIONS, type: 'svg' });
  drawn.catch(() => svgCache.delete(payload));
  svgCache.set(payload, drawn);
  if (svgCache.size > SVG_CACHE_SIZE) {
    const oldest = svgCache.keys().next().value;
    if (oldest !== undefined) svgCache.delete(oldest);
  }
  return drawn;
}

/** The txid of the Pix for all a debtor owes on a date: `RG{debtor}D{yyyymmdd}` (allocate.ts reads it back). */
export function debtorTxid(debtorId: number, date: string): string {
  return `RG${debtorId}D${date.replace(/-/g, '')}`;
}

/**
 * The static Pix a message asks the debtor to pay with: the creditor's key, name and city and the
 * amount the message states; null when the creditor has no Pix key (the template variable is then
 * unavailable and a message using it is not sent).
 */
export function creditorPix(
  creditor: { pixKey: string | null; name: string; city: string | null },
  amountCents: number,
  txid: string,
): string | null {
  if (!creditor.pixKey || amountCents <= 0) return null;
  try {
    return staticPix({
      key: creditor.pixKey,
      name: creditor.name,
      city: creditor.city ?? 'SAO PAULO',
      amountCents,
      txid,
    });
  } catch {
    return null;
  }
}
