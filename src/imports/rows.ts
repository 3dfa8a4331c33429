import type { ReceivableStatus } from '../portfolio/schema.ts';
import { parseCep, parseEmail, parsePhone, parseUf, splitMulti } from '../shared/contacts.ts';
import { parseCalendarDate } from '../shared/dates.ts';
import { parseTaxId } from '../shared/documents.ts';
import { parseAmount } from '../shared/money.ts';
import type { Field } from './columns.ts';

export type ErrorCode =
  | 'required'
  | 'invalid_cpf'
  | 'invalid_cnpj'
  | 'invalid_document'
  | 'invalid_date'
  | 'invalid_amount'
  | 'negative_amount'
  | 'due_before_issue'
  | 'open_exceeds_original'
  | 'invalid_email'
  | 'invalid_phone'
  | 'invalid_uf'
  | 'invalid_cep'
  | 'invalid_status'
  | 'status_conflict'
  | 'invalid_number'
  | 'duplicate_external_id'
  | 'malformed_csv'
  | 'invalid_encoding'
  | 'too_long'
  | 'file';

export type RowError = {
  line: number;
  column: string;
  value: string;
  code: ErrorCode;
  reason: string;
  /** The row's CPF/CNPJ, normalized, so data in rejected rows can be found for a data subject's request. */
  subject?: string | null;
};

export type ImportDebtor = {
  kind: 'person' | 'company';
  document: string;
  name: string;
  emails: string[];
  phones: string[];
  whatsapp: string | null;
  street: string | null;
  number: string | null;
  complement: string | null;
  district: string | null;
  city: string | null;
  uf: string | null;
  cep: string | null;
  tags: string[];
};

export type ImportRow = {
  line: number;
  externalId: string;
  documentNumber: string | null;
  installmentNumber: number | null;
  installmentCount: number | null;
  issueDate: string | null;
  dueDate: string;
  originalCents: number;
  openCents: number;
  status: ReceivableStatus;
  nossoNumero: string | null;
  pixTxid: string | null;
  description: string | null;
  debtor: ImportDebtor;
};

/** A row as read: the text of each field present in the file (absent fields are undefined). */
export type RawRow = {
  line: number;
  values: Partial<Record<Field, string>>;
  columnNames: Partial<Record<Field, string>>;
};

const STATUS_WORDS: Record<string, ReceivableStatus> = {
  aberto: 'open',
  emaberto: 'open',
  open: 'open',
  pendente: 'open',
  avencer: 'open',
  vencido: 'open',
  atrasado: 'open',
  pago: 'paid',
  paga: 'paid',
  liquidado: 'paid',
  liquidada: 'paid',
  quitado: 'paid',
  quitada: 'paid',
  paid: 'paid',
  recebido: 'paid',
  parcial: 'partially_paid',
  pagoparcial: 'partially_paid',
  pagoparcialmente: 'partially_paid',
  partiallypaid: 'partially_paid',
  parcialmentepago: 'partially_paid',
  cancelado: 'cancelled',
  cancelada: 'cancelled',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  estornado: 'cancelled',
  baixado: 'written_off',
  baixada: 'written_off',
  perda: 'written_off',
  writtenoff: 'written_off',
  prescrito: 'written_off',
};

const LIMITS: Partial<Record<Field, number>> = {
  externalId: 100,
  documentNumber: 60,
  debtorName: 200,
  nossoNumero: 40,
  pixTxid: 35,
  description: 500,
};
const DEFAULT_LIMIT = 200;

function key(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

/** The row's document as stored for a subject: normalized when valid, else upper-case alphanumerics. */
function subjectOf(text: string | undefined): string | null {
  if (!text) return null;
  const parsed = parseTaxId(text);
  if (parsed.ok) return parsed.taxId.value;
  const raw = text.toUpperCase().replace(/[^0-9A-Z]/g, '');
  return raw === '' ? null : raw.slice(0, 20);
}

/**
 * Validates one row. Returns the row ready to store, or every problem found in it (a row is taken
 * whole or not at all).
 */
export function validateRow(raw: RawRow): { row: ImportRow } | { errors: RowError[] } {
  const errors: RowError[] = [];
  const { line } = raw;
  const fail = (field: Field, code: ErrorCode, reason: string) =>
    errors.push({
      line,
      column: raw.columnNames[field] ?? field,
      value: raw.values[field] ?? '',
      code,
      reason,
    });
  const text = (field: Field): string | null => {
    const value = raw.values[field]?.trim() ?? '';
    if (value === '') return null;
    if (value.includes('\uFFFD')) {
      fail(
        field,
        'invalid_encoding',
        'the text has bytes that are not valid in the file encoding (save it as UTF-8 or Windows-1252)',
      );
      return null;
    }
    const limit = LIMITS[field] ?? DEFAULT_LIMIT;
    if (value.length > limit) {
      fail(field, 'too_long', `longer than ${limit} characters`);
      return null;
    }
    return value;
  };
  const required = (field: Field, what: string): string | null => {
    const value = text(field);
    if (value === null && !errors.some((e) => e.column === (raw.columnNames[field] ?? field))) {
      fail(field, 'required', `${what} is required`);
    }
    return value;
  };
  const amount = (field: Field, what: string): number | null => {
    const value = text(field);
    if (value === null) return null;
    const parsed = parseAmount(value);
    if (!parsed.ok) {
      fail(field, 'invalid_amount', `${what} is not an amount (${parsed.reason}); use 1.234,56 or 1234.56`);
      return null;
    }
    if (parsed.cents < 0) {
      fail(field, 'negative_amount', `${what} cannot be negative`);
      return null;
    }
    return parsed.cents;
  };
  const date = (field: Field, what: string, value: string | null): string | null => {
    if (value === null) return null;
    const parsed = parseCalendarDate(value);
    if (!parsed) fail(field, 'invalid_date', `${what} is not a valid date; use dd/mm/aaaa or aaaa-mm-dd`);
    return parsed;
  };
  const smallInt = (field: Field): number | null => {
    const value = text(field);
    if (value === null) return null;
    const match = /^(\d{1,4})(?:\s*(?:\/|de)\s*\d{1,4})?$/.exec(value);
    if (!match) {
      fail(field, 'invalid_number', 'must be a whole number (e.g. 3 or 3/12)');
      return null;
    }
    return Number(match[1]);
  };

  // Debtor
  const documentText = required('debtorDocument', 'the CPF/CNPJ');
  let kind: 'person' | 'company' = 'person';
  let document = '';
  if (documentText !== null) {
    const parsed = parseTaxId(documentText);
    if (parsed.ok) {
      kind = parsed.taxId.kind;
      document = parsed.taxId.value;
    } else fail('debtorDocument', parsed.code, parsed.reason);
  }
  const name = required('debtorName', "the debtor's name");
  const emails: string[] = [];
  const emailText = text('email');
  if (emailText !== null) {
    for (const part of splitMulti(emailText)) {
      const email = parseEmail(part);
      if (email) emails.push(email);
      else fail('email', 'invalid_email', `"${part}" is not a valid e-mail address`);
    }
  }
  const phones: string[] = [];
  const phoneText = text('phone');
  if (phoneText !== null) {
    for (const part of phoneText
      .split(/[;,|/\n]+/)
      .map((p) => p.trim())
      .filter(Boolean)) {
      const phone = parsePhone(part);
      if (phone) phones.push(phone);
      else fail('phone', 'invalid_phone', `"${part}" is not a valid phone number (include the area code)`);
    }
  }
  let whatsapp: string | null = null;
  const whatsappText = text('whatsapp');
  if (whatsappText !== null) {
    whatsapp = parsePhone(whatsappText);
    if (!whatsapp)
      fail(
        'whatsapp',
        'invalid_phone',
        `"${whatsappText}" is not a valid WhatsApp number (include the area code)`,
      );
  }
  let uf: string | null = null;
  const ufText = text('uf');
  if (ufText !== null) {
    uf = parseUf(ufText);
    if (!uf) fail('uf', 'invalid_uf', `"${ufText}" is not a Brazilian state abbreviation (UF)`);
  }
  let cep: string | null = null;
  const cepText = text('cep');
  if (cepText !== null) {
    cep = parseCep(cepText);
    if (!cep) fail('cep', 'invalid_cep', 'a CEP has 8 digits');
  }
  const tagsText = text('tags');
  const tags = tagsText === null ? [] : [...new Set(splitMulti(tagsText).map((t) => t.toLowerCase()))];

  // Receivable
  const documentNumber = text('documentNumber');
  const installmentNumber = smallInt('installmentNumber');
  const installmentCount = smallInt('installmentCount');
  let externalId = text('externalId');
  if (externalId === null && raw.values.externalId === undefined && documentNumber !== null) {
    externalId = installmentNumber === null ? documentNumber : `${documentNumber}/${installmentNumber}`;
  }
  if (externalId === null) required('externalId', 'the receivable id');
  const dueDate = date('dueDate', 'the due date', required('dueDate', 'the due date'));
  const issueDate = date('issueDate', 'the issue date', text('issueDate'));
  const originalCents = amount('originalAmount', 'the amount');
  if (
    originalCents === null &&
    !errors.some((e) => e.column === (raw.columnNames.originalAmount ?? 'originalAmount'))
  ) {
    fail('originalAmount', 'required', 'the amount is required');
  } else if (originalCents === 0)
    fail('originalAmount', 'invalid_amount', 'the amount must be greater than zero');
  let openCents = amount('openAmount', 'the open balance');
  const statusText = text('status');
  let status: ReceivableStatus | null = null;
  if (statusText !== null) {
    status = STATUS_WORDS[key(statusText)] ?? null;
    if (!status)
      fail(
        'status',
        'invalid_status',
        `"${statusText}" is not a known status (aberto, pago, parcial, cancelado, baixado)`,
      );
  }
  if (dueDate && issueDate && issueDate > dueDate) {
    fail('dueDate', 'due_before_issue', `the due date ${dueDate} is before the issue date ${issueDate}`);
  }
  if (originalCents !== null && originalCents > 0) {
    if (openCents === null) openCents = status === 'paid' ? 0 : originalCents;
    if (openCents > originalCents) {
      fail('openAmount', 'open_exceeds_original', 'the open balance is larger than the original amount');
    } else if (status === null) {
      status = openCents === 0 ? 'paid' : openCents < originalCents ? 'partially_paid' : 'open';
    } else if (
      (status === 'paid' && openCents > 0) ||
      ((status === 'open' || status === 'partially_paid') && openCents === 0)
    ) {
      fail('status', 'status_conflict', `status "${statusText}" does not match the open balance`);
    } else if (status === 'open' && openCents < originalCents) status = 'partially_paid';
  }

  const optional = {
    nossoNumero: text('nossoNumero'),
    pixTxid: text('pixTxid'),
    description: text('description'),
    street: text('street'),
    number: text('number'),
    complement: text('complement'),
    district: text('district'),
    city: text('city'),
  };
  if (errors.length > 0) {
    const subject = subjectOf(raw.values.debtorDocument);
    return { errors: errors.map((e) => ({ ...e, subject })) };
  }
  if (
    externalId === null ||
    dueDate === null ||
    originalCents === null ||
    openCents === null ||
    status === null ||
    name === null
  ) {
    // Unreachable: each of these records an error when missing.
    return { errors: [{ line, column: '', value: '', code: 'required', reason: 'incomplete row' }] };
  }
  return {
    row: {
      line,
      externalId,
      documentNumber,
      installmentNumber,
      installmentCount,
      issueDate,
      dueDate,
      originalCents,
      openCents,
      status,
      nossoNumero: optional.nossoNumero,
      pixTxid: optional.pixTxid,
      description: optional.description,
      debtor: {
        kind,
        document,
        name,
        emails,
        phones,
        whatsapp,
        street: optional.street,
        number: optional.number,
        complement: optional.complement,
        district: optional.district,
        city: optional.city,
        uf,
        cep,
        tags,
      },
    },
  };
}
