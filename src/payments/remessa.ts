/**
 * CNAB 240 remessa de cobrança (FEBRABAN "Layout Padrão 240 posições" v10.11, §3.2.2 Títulos em
 * Cobrança): registers boletos with the bank (movimento 01), asks for baixa (02) or moves the due date
 * (06). One file = header de arquivo (0), one lote (header 1, segments P + Q [+ R] per title, trailer
 * 5), trailer de arquivo (9).
 *
 * The positions live as data in layouts/remessa-240.json: the FEBRABAN records, plus per-bank
 * overrides (Banco do Brasil 001, Bradesco 237, Itaú 341) for the convênio, carteira, nosso número and
 * the other places where a bank departs from the padrão. Banks without a profile get the padrão.
 *
 * Pure: nothing is read from the clock or the database. Every title is checked before a single line is
 * written; a title with a problem is refused as a whole (with every problem, in pt-BR, naming its seu
 * número and the field) and the file is built from the others, or not at all. Positions in comments are
 * 1-based and inclusive, as the manuals print them.
 */
import type { CalendarDate } from '../shared/dates.ts';
import { addDays, isCalendarDate } from '../shared/dates.ts';
import { parseTaxId } from '../shared/documents.ts';
import type { Cents } from '../shared/money.ts';
import { MAX_BOLETO_CENTS } from './boleto.ts';
import layoutJson from './layouts/remessa-240.json' with { type: 'json' };

export const CNAB240_WIDTH = 240;
export const CRLF = '\r\n';

// ---------------------------------------------------------------------------------------------
// Input

/** C004 código de movimento remessa, the ones Régua sends. */
export type RemessaMovement = '01' | '02' | '06';

export const REMESSA_MOVEMENTS: Readonly<Record<RemessaMovement, string>> = {
  '01': 'Entrada de títulos',
  '02': 'Pedido de baixa',
  '06': 'Alteração de vencimento',
};

/** The beneficiário (our creditor) and its agreement (convênio) with the bank. */
export type RemessaCreditor = {
  /** COMPE code of the bank: '001', '237' and '341' have profiles; any other gets the FEBRABAN padrão. */
  bankCode: string;
  /** Printed at header 103-132 for banks without a profile (a profile brings its own name). */
  bankName?: string;
  /** CPF or CNPJ of the beneficiário, punctuation allowed. */
  document: string;
  name: string;
  agency: string;
  agencyDigit?: string;
  account: string;
  accountDigit?: string;
  /** G012, for banks with a two-position DV; empty for BB, Bradesco and Itaú. */
  agencyAccountDigit?: string;
  /** BB: the 7-digit convênio; Bradesco: código do convênio; padrão: G007 as the bank gives it. */
  convenio?: string;
  /** BB '17', Bradesco '09', Itaú '109'. */
  carteira?: string;
  /** BB variação da carteira, e.g. '019'. */
  carteiraVariation?: string;
  /** C006 at P 58: '1' cobrança simples (default); BB carteira 17 simples is '7'. */
  walletCode?: string;
  /** C009 at P 61: '2' cliente emite (default, Régua prints the boleto) or '1' banco emite. */
  emission?: '1' | '2';
  /** C010 at P 62: '2' cliente distribui (default) or '1' banco distribui. */
  distribution?: '1' | '2';
  /** C015 espécie for titles that do not say: default '02' (DM). */
  species?: string;
  /** Multa cap in basis points (1% = 100): CDC art. 52 §1 caps consumer fines at 2%, the default. */
  maxFineBasisPoints?: number;
};

export type RemessaPayer = {
  /** CPF or CNPJ (alphanumeric CNPJ accepted), punctuation allowed. */
  document: string;
  name: string;
  /** Logradouro, número and complemento in one line (40 positions). */
  address: string;
  /** Bairro (15 positions); may be empty. */
  district?: string;
  /** 8 digits, '01310-100' accepted. */
  cep: string;
  city: string;
  uf: string;
};

/** Juros de mora (P 118-141). Absent = isento (code 3). `from` defaults to the day after the due date. */
export type RemessaInterest =
  | { kind: 'daily'; cents: Cents; from?: CalendarDate }
  | { kind: 'monthlyRate'; basisPoints: number; from?: CalendarDate };

/** Desconto até uma data (codes 1 and 2 of C021). */
export type RemessaDiscount =
  | { kind: 'amount'; cents: Cents; until: CalendarDate }
  | { kind: 'percent'; basisPoints: number; until: CalendarDate };

/** Multa (R 66-89, G073): code 2 percentual or 1 valor fixo. `from` defaults to the day after the due date. */
export type RemessaFine =
  | { kind: 'percent'; basisPoints: number; from?: CalendarDate }
  | { kind: 'amount'; cents: Cents; from?: CalendarDate };

export type RemessaTitle = {
  movement: RemessaMovement;
  /** As issued: BB 17 digits (convênio + sequence); Bradesco 11 + DV; Itaú 8 + DAC. */
  nossoNumero: string;
  /** Our reference (C011), comes back in the retorno: upper-case letters, digits, '.', '-', '/'. */
  seuNumero: string;
  /** For movimento 06, the new due date. */
  dueDate: CalendarDate;
  amountCents: Cents;
  issueDate: CalendarDate;
  /** C015, two digits; default the creditor's, else '02'. */
  species?: string;
  /** C016: 'N' (default) or 'A'. */
  acceptance?: 'A' | 'N';
  interest?: RemessaInterest;
  discount?: RemessaDiscount;
  /** Desconto 2 (segment R 18-41): same kind as the first, a later date. */
  secondDiscount?: RemessaDiscount;
  fine?: RemessaFine;
  /**
   * Automatic protest N days after the due date (C026 1 corridos / 2 úteis). Only for titles whose
   * protest gate (notice sent, waiting period passed) is already satisfied; absent = 3 não protestar.
   */
  protest?: { days: number; businessDays?: boolean };
  /** Baixa/devolução N days after the due date (C028 1); absent = 2 não baixar. */
  writeOff?: { days: number };
  /** G072 uso da empresa (P 196-220), comes back in the retorno; defaults to the seu número. */
  companyUse?: string;
  payer: RemessaPayer;
};

export type Remessa240Input = {
  creditor: RemessaCreditor;
  titles: readonly RemessaTitle[];
  /** NSA (G018), 1..999999, one more than the last file sent to this bank under this convênio. */
  nsa: number;
  /** When the file is generated; its date and time in `timeZone` go to header 144-157. */
  generatedAt: Date;
  /** Default America/Sao_Paulo. */
  timeZone?: string;
};

export type RefusedTitle = {
  /** Position of the title in the input. */
  index: number;
  seuNumero: string;
  /** Each as "título 123: CEP do pagador inválido". */
  problems: string[];
};

export type Remessa240Totals = { lines: number; titles: number; totalCents: Cents };

export type Remessa240Result =
  | {
      ok: true;
      /** The file: 240 ASCII characters per line, each line ended by CRLF. */
      text: string;
      /** The same, as bytes (ASCII, so also valid Latin-1 and UTF-8). */
      bytes: Uint8Array;
      /** Titles in the file, in input order. */
      accepted: RemessaTitle[];
      refused: RefusedTitle[];
      totals: Remessa240Totals;
    }
  | {
      ok: false;
      /** Problems that stop the whole file (beneficiário, NSA, no valid title...). */
      problems: string[];
      refused: RefusedTitle[];
    };

// ---------------------------------------------------------------------------------------------
// Layout as data

export type RemessaRecordName =
  | 'fileHeader'
  | 'lotHeader'
  | 'segmentP'
  | 'segmentQ'
  | 'segmentR'
  | 'lotTrailer'
  | 'fileTrailer';

const RECORD_NAMES: readonly RemessaRecordName[] = [
  'fileHeader',
  'lotHeader',
  'segmentP',
  'segmentQ',
  'segmentR',
  'lotTrailer',
  'fileTrailer',
];

export type RemessaFieldType = 'num' | 'alpha' | 'id' | 'doc';
const FIELD_TYPES: readonly RemessaFieldType[] = ['num', 'alpha', 'id', 'doc'];

/** Every value a layout may name, with how it is called in a problem message. */
const SOURCE_LABELS = {
  'bank.code': 'código do banco',
  'bank.name': 'nome do banco',
  'bank.fileLayoutVersion': 'versão do layout do arquivo',
  'bank.lotLayoutVersion': 'versão do layout do lote',
  'bank.density': 'densidade',
  'creditor.documentKind': 'tipo de inscrição do beneficiário',
  'creditor.document': 'CPF/CNPJ do beneficiário',
  'creditor.convenio': 'convênio',
  'creditor.agency': 'agência',
  'creditor.agencyDigit': 'dígito da agência',
  'creditor.account': 'conta',
  'creditor.accountDigit': 'dígito da conta',
  'creditor.agencyAccountDigit': 'dígito agência/conta',
  'creditor.name': 'nome do beneficiário',
  'creditor.carteira': 'carteira',
  'creditor.carteiraVariation': 'variação da carteira',
  'creditor.walletCode': 'código da carteira',
  'creditor.emission': 'emissão do boleto',
  'creditor.distribution': 'distribuição do boleto',
  'file.date': 'data de geração',
  'file.time': 'hora de geração',
  'file.nsa': 'NSA',
  'file.lotCount': 'quantidade de lotes',
  'file.recordCount': 'quantidade de registros do arquivo',
  'lot.number': 'número do lote',
  'lot.recordCount': 'quantidade de registros do lote',
  'lot.titleCount': 'quantidade de títulos',
  'lot.totalCents': 'valor total dos títulos',
  'record.sequence': 'número do registro no lote',
  'record.movement': 'código de movimento',
  'title.nossoNumero': 'nosso número',
  'title.seuNumero': 'seu número',
  'title.dueDate': 'vencimento',
  'title.amountCents': 'valor',
  'title.species': 'espécie',
  'title.acceptance': 'aceite',
  'title.issueDate': 'data de emissão',
  'title.interestCode': 'código de juros',
  'title.interestDate': 'data dos juros',
  'title.interestValue': 'juros',
  'title.discountCode': 'código do desconto',
  'title.discountDate': 'data do desconto',
  'title.discountValue': 'desconto',
  'title.companyUse': 'uso da empresa',
  'title.protestCode': 'código de protesto',
  'title.protestDays': 'prazo de protesto',
  'title.writeOffCode': 'código de baixa',
  'title.writeOffDays': 'prazo de baixa',
  'title.discount2Code': 'código do desconto 2',
  'title.discount2Date': 'data do desconto 2',
  'title.discount2Value': 'desconto 2',
  'title.fineCode': 'código da multa',
  'title.fineDate': 'data da multa',
  'title.fineValue': 'multa',
  'payer.documentKind': 'tipo de inscrição do pagador',
  'payer.document': 'CPF/CNPJ do pagador',
  'payer.name': 'nome do pagador',
  'payer.address': 'endereço do pagador',
  'payer.district': 'bairro do pagador',
  'payer.cep': 'CEP do pagador',
  'payer.cepSuffix': 'sufixo do CEP do pagador',
  'payer.city': 'cidade do pagador',
  'payer.uf': 'UF do pagador',
} as const;

export type RemessaSource = keyof typeof SOURCE_LABELS;
type Values = Partial<Record<RemessaSource, string>>;

function isSource(name: string): name is RemessaSource {
  return Object.hasOwn(SOURCE_LABELS, name);
}

/** One field: 1-based inclusive positions, how it is written, and where its value comes from. */
export type RemessaField = {
  start: number;
  end: number;
  type: RemessaFieldType;
  /** A value name, or a constant when `constant` is set; neither = filler. */
  source?: RemessaSource;
  constant?: string;
};

const RULE_NAMES = [
  'agency',
  'agencyDigit',
  'account',
  'accountDigit',
  'agencyAccountDigit',
  'convenio',
  'carteira',
  'carteiraVariation',
  'nossoNumero',
  'seuNumero',
] as const;
export type RemessaRuleName = (typeof RULE_NAMES)[number];

/** A bank's remessa profile: the FEBRABAN records with its overrides merged, and its own rules. */
export type RemessaBankProfile = {
  /** '001', '237', '341', or null for the FEBRABAN padrão. */
  bankCode: string | null;
  name: string;
  fileLayoutVersion: string;
  lotLayoutVersion: string;
  density: string;
  interestKinds: readonly RemessaInterest['kind'][];
  discountKinds: readonly RemessaDiscount['kind'][];
  /** Patterns the creditor's and titles' identifiers must match, with a pt-BR hint. */
  rules: Partial<Record<RemessaRuleName, { pattern: RegExp; hint: string }>>;
  nossoNumeroStartsWithConvenio: boolean;
  records: Readonly<Record<RemessaRecordName, readonly RemessaField[]>>;
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readFields(json: unknown, where: string): RemessaField[] {
  if (!Array.isArray(json)) throw new Error(`${where}: a list of [start, end, type, source]`);
  return json.map((spec, i) => {
    if (!Array.isArray(spec) || spec.length !== 4)
      throw new Error(`${where}[${i}]: [start, end, type, source]`);
    const [start, end, type, source] = spec;
    if (
      typeof start !== 'number' ||
      typeof end !== 'number' ||
      !Number.isInteger(start) ||
      !Number.isInteger(end) ||
      start < 1 ||
      end > CNAB240_WIDTH ||
      start > end
    ) {
      throw new Error(`${where}[${i}]: positions must be integers with 1 <= start <= end <= 240`);
    }
    if (typeof type !== 'string' || !FIELD_TYPES.includes(type as RemessaFieldType)) {
      throw new Error(`${where}[${i}]: type must be one of ${FIELD_TYPES.join(', ')}`);
    }
    if (typeof source !== 'string') throw new Error(`${where}[${i}]: source must be a string`);
    const field: RemessaField = { start, end, type: type as RemessaFieldType };
    if (source.startsWith('=')) {
      field.constant = source.slice(1);
      if (field.constant.length > end - start + 1)
        throw new Error(`${where}[${i}]: constant wider than field`);
    } else if (source !== '') {
      if (!isSource(source)) throw new Error(`${where}[${i}]: unknown source ${source}`);
      field.source = source;
    }
    return field;
  });
}

/** Replaces every base field an override overlaps, then checks the record covers 1..240 exactly once. */
export function mergeFields(
  base: readonly RemessaField[],
  overrides: readonly RemessaField[],
  where: string,
): RemessaField[] {
  const overlaps = (a: RemessaField, b: RemessaField) => a.start <= b.end && b.start <= a.end;
  const kept = base.filter((field) => !overrides.some((o) => overlaps(field, o)));
  const merged = [...kept, ...overrides].sort((a, b) => a.start - b.start);
  let next = 1;
  for (const field of merged) {
    if (field.start !== next) {
      throw new Error(
        `${where}: position ${next} is ${field.start < next ? 'covered twice' : 'not covered'}`,
      );
    }
    next = field.end + 1;
  }
  if (next !== CNAB240_WIDTH + 1) throw new Error(`${where}: fields end at ${next - 1}, not 240`);
  return merged;
}

function readProfile(
  json: unknown,
  bankCode: string | null,
  base: Record<RemessaRecordName, RemessaField[]>,
): RemessaBankProfile {
  const where = bankCode ?? 'default';
  if (!isRecord(json)) throw new Error(`${where}: a profile is an object`);
  const text = (key: string, pattern: RegExp): string => {
    const value = json[key];
    if (typeof value !== 'string' || !pattern.test(value)) throw new Error(`${where}.${key}: ${pattern}`);
    return value;
  };
  const kinds = <K extends string>(key: string, allowed: readonly K[]): K[] => {
    const value = json[key];
    if (!Array.isArray(value) || !value.every((k) => allowed.includes(k))) {
      throw new Error(`${where}.${key}: a list of ${allowed.join(', ')}`);
    }
    return value as K[];
  };
  const rulesJson = json.rules;
  if (!isRecord(rulesJson)) throw new Error(`${where}.rules: an object`);
  const rules: RemessaBankProfile['rules'] = {};
  for (const [name, rule] of Object.entries(rulesJson)) {
    if (!(RULE_NAMES as readonly string[]).includes(name))
      throw new Error(`${where}.rules: unknown rule ${name}`);
    if (!Array.isArray(rule) || typeof rule[0] !== 'string' || typeof rule[1] !== 'string') {
      throw new Error(`${where}.rules.${name}: [pattern, hint]`);
    }
    rules[name as RemessaRuleName] = { pattern: new RegExp(rule[0]), hint: rule[1] };
  }
  const overridesJson = json.overrides ?? {};
  if (!isRecord(overridesJson)) throw new Error(`${where}.overrides: an object`);
  for (const name of Object.keys(overridesJson)) {
    if (!(RECORD_NAMES as readonly string[]).includes(name))
      throw new Error(`${where}.overrides: unknown record ${name}`);
  }
  const records = Object.fromEntries(
    RECORD_NAMES.map((name) => {
      const overrides = readFields(overridesJson[name] ?? [], `${where}.overrides.${name}`);
      return [name, mergeFields(base[name], overrides, `${where}.${name}`)];
    }),
  ) as Record<RemessaRecordName, RemessaField[]>;
  return {
    bankCode,
    name: text('name', /^.{1,30}$/),
    fileLayoutVersion: text('fileLayoutVersion', /^\d{3}$/),
    lotLayoutVersion: text('lotLayoutVersion', /^\d{3}$/),
    density: text('density', /^\d{5}$/),
    interestKinds: kinds('interest', ['daily', 'monthlyRate'] as const),
    discountKinds: kinds('discount', ['amount', 'percent'] as const),
    rules,
    nossoNumeroStartsWithConvenio: json.nossoNumeroStartsWithConvenio === true,
    records,
  };
}

/** Reads layouts/remessa-240.json (or a replacement with the same shape); throws on anything malformed. */
export function parseRemessaLayouts(json: unknown): {
  padrao: RemessaBankProfile;
  banks: ReadonlyMap<string, RemessaBankProfile>;
} {
  if (!isRecord(json) || !isRecord(json.febraban) || !isRecord(json.banks)) {
    throw new Error('remessa layouts: { febraban, default, banks }');
  }
  const febraban = json.febraban;
  const base = Object.fromEntries(
    RECORD_NAMES.map((name) => {
      const fields = readFields(febraban[name], `febraban.${name}`);
      return [name, mergeFields(fields, [], `febraban.${name}`)];
    }),
  ) as Record<RemessaRecordName, RemessaField[]>;
  const banks = new Map<string, RemessaBankProfile>();
  for (const [code, profile] of Object.entries(json.banks)) {
    if (!/^\d{3}$/.test(code)) throw new Error(`banks: ${code} is not a 3-digit bank code`);
    banks.set(code, readProfile(profile, code, base));
  }
  return { padrao: readProfile(json.default, null, base), banks };
}

const BUNDLED = parseRemessaLayouts(layoutJson);

/** The bundled profiles: Banco do Brasil (001), Bradesco (237), Itaú (341). */
export const REMESSA_240_BANKS: ReadonlyMap<string, RemessaBankProfile> = BUNDLED.banks;
/** The FEBRABAN padrão, for banks without a profile. */
export const REMESSA_240_PADRAO: RemessaBankProfile = BUNDLED.padrao;

/** The profile used for a bank: its own, or the FEBRABAN padrão. */
export function remessa240Profile(bankCode: string): RemessaBankProfile {
  return REMESSA_240_BANKS.get(bankCode) ?? REMESSA_240_PADRAO;
}

// ---------------------------------------------------------------------------------------------
// Text and fields

/**
 * Text as a CNAB alpha field takes it: accents and cedilla removed (NFKD, so º becomes O), upper case,
 * anything outside printable ASCII replaced by a space, runs of spaces collapsed, trimmed.
 */
export function cnabText(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^\x20-\x7e]/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

type FieldProblem = { source: RemessaSource | null; message: string };

function render(fields: readonly RemessaField[], values: Values): { line: string; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  let line = '';
  for (const field of fields) {
    const width = field.end - field.start + 1;
    const raw = field.constant ?? (field.source ? (values[field.source] ?? '') : '');
    const label = field.source ? SOURCE_LABELS[field.source] : `posições ${field.start}-${field.end}`;
    const fail = (message: string) => {
      problems.push({ source: field.source ?? null, message });
      line += (field.type === 'num' || field.type === 'doc' ? '0' : ' ').repeat(width);
    };
    switch (field.type) {
      case 'num':
      case 'doc': {
        const allowed = field.type === 'num' ? /^\d*$/ : /^[0-9A-Z]*$/;
        if (!allowed.test(raw)) fail(`${label} tem caracteres que não são dígitos`);
        else if (raw.length > width)
          fail(`${label} tem ${raw.length} dígitos, cabem ${width} (${field.start}-${field.end})`);
        else line += raw.padStart(width, '0');
        break;
      }
      case 'alpha':
        line += cnabText(raw).slice(0, width).padEnd(width, ' ');
        break;
      case 'id':
        if (cnabText(raw) !== raw)
          fail(`${label} só pode ter letras maiúsculas sem acento, dígitos e sinais ASCII`);
        else if (raw.length > width) {
          fail(`${label} tem ${raw.length} caracteres, cabem ${width} (${field.start}-${field.end})`);
        } else line += raw.padEnd(width, ' ');
        break;
    }
  }
  return { line, problems };
}

// ---------------------------------------------------------------------------------------------
// Values

const UFS = new Set(
  'AC AL AP AM BA CE DF ES GO MA MT MS MG PA PB PR PE PI RJ RN RS RO RR SC SP SE TO'.split(' '),
);

/** C015 espécies do título. */
const SPECIES = new Set([...Array.from({ length: 32 }, (_, i) => String(i + 1).padStart(2, '0')), '99']);

const SEU_NUMERO = /^[0-9A-Z./-]+$/;

function ddmmyyyy(date: CalendarDate | undefined): string {
  if (date === undefined) return '';
  return `${date.slice(8, 10)}${date.slice(5, 7)}${date.slice(0, 4)}`;
}

function localDateTime(at: Date, timeZone: string): { date: CalendarDate; time: string } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '00';
  return {
    date: `${part('year')}-${part('month')}-${part('day')}`,
    time: `${part('hour')}${part('minute')}${part('second')}`,
  };
}

function isCents(value: unknown): value is Cents {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function digitsOnly(value: string): string {
  return value.replace(/[\s.\-/]/g, '');
}

function brl(cents: Cents): string {
  const reais = Math.floor(cents / 100);
  return `R$ ${reais.toLocaleString('pt-BR')},${String(cents % 100).padStart(2, '0')}`;
}

function percent(basisPoints: number): string {
  return `${Math.floor(basisPoints / 100)},${String(basisPoints % 100).padStart(2, '0')}%`;
}

type Prepared = { title: RemessaTitle; values: Values; segments: RemessaRecordName[] };

function creditorValues(creditor: RemessaCreditor, profile: RemessaBankProfile, problems: string[]): Values {
  const say = (message: string) => problems.push(`beneficiário: ${message}`);
  if (!/^\d{3}$/.test(creditor.bankCode)) say(`código do banco "${creditor.bankCode}" não tem 3 dígitos`);
  const bankName = profile.bankCode === null ? (creditor.bankName ?? '') : profile.name;
  if (cnabText(bankName) === '') say('nome do banco obrigatório para banco sem perfil próprio');
  const taxId = parseTaxId(creditor.document ?? '');
  if (!taxId.ok) say(`CPF/CNPJ inválido (${taxId.reason})`);
  if (cnabText(creditor.name ?? '') === '') say('nome obrigatório');
  const ruleValues: Partial<Record<RemessaRuleName, string>> = {
    agency: creditor.agency ?? '',
    agencyDigit: creditor.agencyDigit ?? '',
    account: creditor.account ?? '',
    accountDigit: creditor.accountDigit ?? '',
    agencyAccountDigit: creditor.agencyAccountDigit ?? '',
    convenio: creditor.convenio ?? '',
    carteira: creditor.carteira ?? '',
    carteiraVariation: creditor.carteiraVariation ?? '',
  };
  const ruleLabels: Partial<Record<RemessaRuleName, string>> = {
    agency: 'agência',
    agencyDigit: 'dígito da agência',
    account: 'conta',
    accountDigit: 'dígito da conta',
    agencyAccountDigit: 'dígito agência/conta',
    convenio: 'convênio',
    carteira: 'carteira',
    carteiraVariation: 'variação da carteira',
  };
  for (const [name, value] of Object.entries(ruleValues) as [RemessaRuleName, string][]) {
    const rule = profile.rules[name];
    if (rule && !rule.pattern.test(value)) {
      say(`${ruleLabels[name]} "${value}" não confere com o banco ${creditor.bankCode}: ${rule.hint}`);
    }
  }
  const walletCode = creditor.walletCode ?? '1';
  if (!/^[1-7]$/.test(walletCode)) say(`código da carteira (C006) "${walletCode}" deve ser de 1 a 7`);
  const emission = creditor.emission ?? '2';
  const distribution = creditor.distribution ?? '2';
  if (emission !== '1' && emission !== '2') say('emissão do boleto deve ser 1 (banco) ou 2 (cliente)');
  if (distribution !== '1' && distribution !== '2')
    say('distribuição do boleto deve ser 1 (banco) ou 2 (cliente)');
  if (creditor.species !== undefined && !SPECIES.has(creditor.species)) {
    say(`espécie "${creditor.species}" não está na tabela C015`);
  }
  const cap = creditor.maxFineBasisPoints;
  if (cap !== undefined && (!Number.isSafeInteger(cap) || cap < 0 || cap > 10_000)) {
    say('limite de multa deve ser de 0 a 10000 pontos-base');
  }
  return {
    'bank.code': creditor.bankCode,
    'bank.name': bankName,
    'bank.fileLayoutVersion': profile.fileLayoutVersion,
    'bank.lotLayoutVersion': profile.lotLayoutVersion,
    'bank.density': profile.density,
    'creditor.documentKind': taxId.ok ? (taxId.taxId.kind === 'person' ? '1' : '2') : '',
    'creditor.document': taxId.ok ? taxId.taxId.value : '',
    'creditor.convenio': creditor.convenio ?? '',
    'creditor.agency': creditor.agency ?? '',
    'creditor.agencyDigit': creditor.agencyDigit ?? '',
    'creditor.account': creditor.account ?? '',
    'creditor.accountDigit': creditor.accountDigit ?? '',
    'creditor.agencyAccountDigit': creditor.agencyAccountDigit ?? '',
    'creditor.name': creditor.name ?? '',
    'creditor.carteira': creditor.carteira ?? '',
    'creditor.carteiraVariation': creditor.carteiraVariation ?? '',
    'creditor.walletCode': walletCode,
    'creditor.emission': emission,
    'creditor.distribution': distribution,
  };
}

/** Checks one title and turns it into field values; every problem goes to `problems`, unprefixed. */
function titleValues(
  title: RemessaTitle,
  creditor: RemessaCreditor,
  profile: RemessaBankProfile,
  fileDate: CalendarDate,
  problems: string[],
): Values {
  const say = (message: string) => problems.push(message);
  const values: Values = { 'record.movement': title.movement };
  if (!Object.hasOwn(REMESSA_MOVEMENTS, title.movement)) {
    say(`código de movimento "${String(title.movement)}" não é 01, 02 nem 06`);
  }

  // Identification
  const seu = typeof title.seuNumero === 'string' ? title.seuNumero : '';
  if (seu === '') say('seu número obrigatório');
  else if (!SEU_NUMERO.test(seu))
    say('seu número só pode ter letras maiúsculas sem acento, dígitos, ".", "-" e "/"');
  const seuRule = profile.rules.seuNumero;
  if (seu !== '' && seuRule && !seuRule.pattern.test(seu)) say(`seu número: ${seuRule.hint}`);
  values['title.seuNumero'] = seu;
  const nosso = typeof title.nossoNumero === 'string' ? title.nossoNumero : '';
  const nossoRule = profile.rules.nossoNumero;
  if (nosso === '') say('nosso número obrigatório');
  else if (nossoRule && !nossoRule.pattern.test(nosso))
    say(`nosso número "${nosso}" inválido: ${nossoRule.hint}`);
  else if (profile.nossoNumeroStartsWithConvenio && !nosso.startsWith(creditor.convenio ?? '')) {
    say(`nosso número "${nosso}" não começa com o convênio ${creditor.convenio ?? ''}`);
  }
  values['title.nossoNumero'] = nosso;
  const companyUse = title.companyUse ?? seu;
  if (title.companyUse !== undefined && !SEU_NUMERO.test(companyUse)) {
    say('uso da empresa só pode ter letras maiúsculas sem acento, dígitos, ".", "-" e "/"');
  }
  values['title.companyUse'] = companyUse;

  // Dates and amount
  const dateOk = (date: unknown, label: string): date is CalendarDate => {
    if (typeof date === 'string' && isCalendarDate(date)) return true;
    say(`${label} "${String(date)}" não é uma data AAAA-MM-DD válida`);
    return false;
  };
  const due = dateOk(title.dueDate, 'vencimento') ? title.dueDate : undefined;
  const issued = dateOk(title.issueDate, 'data de emissão') ? title.issueDate : undefined;
  if (due && issued && issued > due) say('data de emissão posterior ao vencimento');
  if (due && title.movement !== '02' && due < fileDate) {
    say(`vencimento ${ddmmyyyyShow(due)} anterior à data do arquivo ${ddmmyyyyShow(fileDate)}`);
  }
  if (issued && issued > fileDate) say(`data de emissão ${ddmmyyyyShow(issued)} posterior à data do arquivo`);
  values['title.dueDate'] = ddmmyyyy(due);
  values['title.issueDate'] = ddmmyyyy(issued);
  const amount = title.amountCents;
  if (!isCents(amount) || amount <= 0) say('valor deve ser um número inteiro de centavos maior que zero');
  else if (amount > MAX_BOLETO_CENTS)
    say(`valor ${brl(amount)} acima do máximo de um boleto (${brl(MAX_BOLETO_CENTS)})`);
  values['title.amountCents'] = isCents(amount) ? String(amount) : '';

  const species = title.species ?? creditor.species ?? '02';
  if (!SPECIES.has(species)) say(`espécie "${species}" não está na tabela C015`);
  values['title.species'] = species;
  const acceptance = title.acceptance ?? 'N';
  if (acceptance !== 'A' && acceptance !== 'N') say('aceite deve ser A ou N');
  values['title.acceptance'] = acceptance;

  // Juros (P 118-141, C018-C020): 1 valor por dia, 2 taxa mensal, 3 isento.
  const interest = title.interest;
  values['title.interestCode'] = '3';
  if (interest) {
    if (!profile.interestKinds.includes(interest.kind)) {
      say(
        `juros "${interest.kind}" não aceitos por este banco (aceita: ${profile.interestKinds.join(', ')})`,
      );
    }
    const value = interest.kind === 'daily' ? interest.cents : interest.basisPoints;
    if (!isCents(value) || value <= 0) say('juros devem ser um inteiro maior que zero');
    else if (interest.kind === 'daily' && isCents(amount) && value >= amount)
      say('juros por dia não podem ser maiores que o valor');
    const from = interest.from ?? (due ? addDays(due, 1) : undefined);
    if (
      interest.from !== undefined &&
      dateOk(interest.from, 'data dos juros') &&
      due &&
      interest.from <= due
    ) {
      say('data dos juros deve ser posterior ao vencimento (C019)');
    }
    values['title.interestCode'] = interest.kind === 'daily' ? '1' : '2';
    values['title.interestDate'] = ddmmyyyy(from);
    values['title.interestValue'] = isCents(value) ? String(value) : '';
  }

  // Descontos (P 142-165, R 18-41, C021-C023): 1 valor fixo até a data, 2 percentual até a data.
  const discount = (
    d: RemessaDiscount | undefined,
    which: string,
    code: RemessaSource,
    date: RemessaSource,
    v: RemessaSource,
  ) => {
    values[code] = '0';
    if (!d) return;
    if (!profile.discountKinds.includes(d.kind)) {
      say(`${which} "${d.kind}" não aceito por este banco (aceita: ${profile.discountKinds.join(', ')})`);
    }
    const value = d.kind === 'amount' ? d.cents : d.basisPoints;
    if (!isCents(value) || value <= 0) say(`${which} deve ser um inteiro maior que zero`);
    else if (d.kind === 'amount' && isCents(amount) && value >= amount)
      say(`${which} não pode ser igual ou maior que o valor`);
    else if (d.kind === 'percent' && value >= 10_000) say(`${which} não pode ser de 100% ou mais`);
    if (dateOk(d.until, `data do ${which}`) && due && d.until > due)
      say(`data do ${which} posterior ao vencimento`);
    values[code] = d.kind === 'amount' ? '1' : '2';
    values[date] = ddmmyyyy(isCalendarDate(d.until) ? d.until : undefined);
    values[v] = isCents(value) ? String(value) : '';
  };
  discount(title.discount, 'desconto', 'title.discountCode', 'title.discountDate', 'title.discountValue');
  const second = title.secondDiscount;
  discount(second, 'desconto 2', 'title.discount2Code', 'title.discount2Date', 'title.discount2Value');
  if (second) {
    if (!title.discount) say('desconto 2 sem o primeiro desconto');
    else {
      if (second.kind !== title.discount.kind)
        say('desconto 2 deve ser do mesmo tipo do primeiro (valor ou percentual, C021)');
      if (second.until <= title.discount.until)
        say('data do desconto 2 deve ser posterior à do primeiro desconto');
    }
  }

  // Multa (R 66-89, G073-G075): 2 percentual, 1 valor fixo.
  const fine = title.fine;
  values['title.fineCode'] = '0';
  if (fine) {
    const cap = creditor.maxFineBasisPoints ?? 200;
    if (fine.kind === 'percent') {
      if (!isCents(fine.basisPoints) || fine.basisPoints <= 0)
        say('multa deve ser um inteiro de pontos-base maior que zero');
      else if (fine.basisPoints > cap)
        say(`multa de ${percent(fine.basisPoints)} acima do limite de ${percent(cap)}`);
    } else if (!isCents(fine.cents) || fine.cents <= 0) {
      say('multa deve ser um inteiro de centavos maior que zero');
    } else if (isCents(amount) && fine.cents * 10_000 > amount * cap) {
      say(`multa de ${brl(fine.cents)} acima do limite de ${percent(cap)} do valor`);
    }
    if (fine.from !== undefined && dateOk(fine.from, 'data da multa') && due && fine.from <= due) {
      say('data da multa deve ser posterior ao vencimento');
    }
    const value = fine.kind === 'percent' ? fine.basisPoints : fine.cents;
    values['title.fineCode'] = fine.kind === 'percent' ? '2' : '1';
    values['title.fineDate'] = ddmmyyyy(fine.from ?? (due ? addDays(due, 1) : undefined));
    values['title.fineValue'] = isCents(value) ? String(value) : '';
  }

  // Protesto (P 221-223, C026-C027) and baixa/devolução (P 224-227, C028-C029).
  values['title.protestCode'] = '3';
  values['title.protestDays'] = '0';
  const protest = title.protest;
  if (protest) {
    if (!Number.isSafeInteger(protest.days) || protest.days < 1 || protest.days > 99) {
      say('prazo de protesto deve ser de 1 a 99 dias');
    }
    values['title.protestCode'] = protest.businessDays ? '2' : '1';
    values['title.protestDays'] = String(protest.days);
  }
  values['title.writeOffCode'] = '2';
  values['title.writeOffDays'] = '0';
  const writeOff = title.writeOff;
  if (writeOff) {
    if (!Number.isSafeInteger(writeOff.days) || writeOff.days < 1 || writeOff.days > 999) {
      say('prazo de baixa deve ser de 1 a 999 dias');
    } else if (protest && writeOff.days < protest.days) {
      say('prazo de baixa menor que o de protesto (37.3P/39.3P não podem conflitar)');
    }
    values['title.writeOffCode'] = '1';
    values['title.writeOffDays'] = String(writeOff.days);
  }

  // Pagador (Q 18-153).
  const payer = isRecord(title.payer) ? title.payer : ({} as RemessaPayer);
  const payerId = parseTaxId(payer.document ?? '');
  if (!payerId.ok) say(`CPF/CNPJ do pagador inválido (${payerId.reason})`);
  values['payer.documentKind'] = payerId.ok ? (payerId.taxId.kind === 'person' ? '1' : '2') : '';
  values['payer.document'] = payerId.ok ? payerId.taxId.value : '';
  const required = (value: string | undefined, label: string, source: RemessaSource) => {
    if (cnabText(value ?? '') === '') say(`${label} obrigatório`);
    values[source] = value ?? '';
  };
  required(payer.name, 'nome do pagador', 'payer.name');
  required(payer.address, 'endereço do pagador', 'payer.address');
  required(payer.city, 'cidade do pagador', 'payer.city');
  values['payer.district'] = payer.district ?? '';
  const cep = digitsOnly(payer.cep ?? '');
  if (!/^\d{8}$/.test(cep) || cep === '00000000') say('CEP do pagador inválido');
  values['payer.cep'] = /^\d{8}$/.test(cep) ? cep.slice(0, 5) : '';
  values['payer.cepSuffix'] = /^\d{8}$/.test(cep) ? cep.slice(5) : '';
  const uf = (payer.uf ?? '').trim().toUpperCase();
  if (!UFS.has(uf)) say('UF do pagador inválida');
  values['payer.uf'] = uf;
  return values;
}

function ddmmyyyyShow(date: CalendarDate): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}

/** The segments a title takes: P and Q always; R for an entrada with multa or a second desconto. */
function segmentsOf(title: RemessaTitle): RemessaRecordName[] {
  const needsR = title.movement === '01' && (title.fine !== undefined || title.secondDiscount !== undefined);
  return needsR ? ['segmentP', 'segmentQ', 'segmentR'] : ['segmentP', 'segmentQ'];
}

function who(title: unknown, index: number): string {
  const seu = isRecord(title) && typeof title.seuNumero === 'string' ? title.seuNumero.trim() : '';
  return seu === '' ? `título nº ${index + 1} (sem seu número)` : `título ${seu}`;
}

// ---------------------------------------------------------------------------------------------
// Validation and generation

const MAX_DETAILS = 99_999;

export type Remessa240Check = {
  /** Problems that stop the whole file. */
  problems: string[];
  accepted: RemessaTitle[];
  refused: RefusedTitle[];
};

type Checked = Remessa240Check & { prepared: Prepared[]; header: Values; profile: RemessaBankProfile };

function check(input: Remessa240Input): Checked {
  const problems: string[] = [];
  const creditor = isRecord(input.creditor) ? input.creditor : ({} as RemessaCreditor);
  const profile = remessa240Profile(creditor.bankCode ?? '');
  if (!Number.isSafeInteger(input.nsa) || input.nsa < 1 || input.nsa > 999_999) {
    problems.push('arquivo: NSA (número sequencial do arquivo) deve ser de 1 a 999999');
  }
  let when: { date: CalendarDate; time: string } = { date: '1900-01-01', time: '000000' };
  try {
    if (!(input.generatedAt instanceof Date) || Number.isNaN(input.generatedAt.getTime()))
      throw new RangeError();
    when = localDateTime(input.generatedAt, input.timeZone ?? 'America/Sao_Paulo');
  } catch {
    problems.push('arquivo: data/hora de geração ou fuso horário inválido');
  }
  const header: Values = {
    ...creditorValues(creditor, profile, problems),
    'file.date': ddmmyyyy(when.date),
    'file.time': when.time,
    'file.nsa': Number.isSafeInteger(input.nsa) ? String(input.nsa) : '',
    'lot.number': '1',
    'file.lotCount': '1',
  };
  // Creditor values that do not fit their fields stop the file: render the header records once.
  for (const name of ['fileHeader', 'lotHeader'] as const) {
    for (const p of render(profile.records[name], header).problems) {
      const label = p.source ? SOURCE_LABELS[p.source] : p.message;
      const said = problems.some(
        (m) => m.startsWith(`beneficiário: ${label}`) || m.startsWith(`arquivo: ${label}`),
      );
      if (!said) problems.push(`beneficiário: ${p.message}`);
    }
  }

  const prepared: Prepared[] = [];
  const refused: RefusedTitle[] = [];
  const titles: readonly RemessaTitle[] = Array.isArray(input.titles) ? input.titles : [];
  const isTitle = (value: unknown): value is RemessaTitle => typeof value === 'object' && value !== null;
  if (titles.length === 0) problems.push('arquivo: nenhum título informado');
  const byNosso = new Map<string, number[]>();
  const bySeu = new Map<string, number[]>();
  for (const [index, title] of titles.entries()) {
    if (!isTitle(title)) continue;
    const push = (map: Map<string, number[]>, key: unknown) => {
      if (typeof key !== 'string' || key === '') return;
      map.set(key, [...(map.get(key) ?? []), index]);
    };
    push(byNosso, title.nossoNumero);
    push(bySeu, title.seuNumero);
  }
  for (const [index, title] of titles.entries()) {
    const own: string[] = [];
    if (!isTitle(title)) {
      refused.push({ index, seuNumero: '', problems: [`título nº ${index + 1}: não é um objeto`] });
      continue;
    }
    const values = titleValues(title, creditor, profile, when.date, own);
    const others = (map: Map<string, number[]>, key: string) =>
      (map.get(key) ?? []).filter((i) => i !== index).map((i) => who(titles[i], i));
    const sameNosso = others(byNosso, title.nossoNumero);
    if (sameNosso.length > 0)
      own.push(`nosso número repetido no arquivo (também em ${sameNosso.join(', ')})`);
    const sameSeu = others(bySeu, title.seuNumero);
    if (sameSeu.length > 0) own.push(`seu número repetido no arquivo (também em ${sameSeu.join(', ')})`);
    const segments = segmentsOf(title);
    // Widths and characters, field by field, with the real values (sequence and lot do not vary in
    // width); a field whose value was already found wrong above is not reported twice.
    const all = { ...header, ...values, 'record.sequence': '1' };
    for (const segment of segments) {
      for (const p of render(profile.records[segment], all).problems) {
        if (!p.source || !(p.source.startsWith('title.') || p.source.startsWith('payer.'))) continue;
        // The uso da empresa defaults to the seu número, whose own problems are already reported.
        if (p.source === 'title.companyUse' && title.companyUse === undefined) continue;
        const label = SOURCE_LABELS[p.source];
        if (!own.some((m) => m.startsWith(label))) own.push(p.message);
      }
    }
    if (own.length > 0) {
      const name = who(title, index);
      refused.push({
        index,
        seuNumero: typeof title.seuNumero === 'string' ? title.seuNumero : '',
        problems: own.map((p) => `${name}: ${p}`),
      });
    } else prepared.push({ title, values, segments });
  }
  const details = prepared.reduce((n, p) => n + p.segments.length, 0);
  if (details > MAX_DETAILS) {
    problems.push(
      `arquivo: ${details} registros de detalhe, um lote comporta ${MAX_DETAILS}; divida em mais arquivos`,
    );
  }
  if (titles.length > 0 && prepared.length === 0) problems.push('arquivo: nenhum título válido para enviar');
  return { problems, accepted: prepared.map((p) => p.title), refused, prepared, header, profile };
}

/** Checks a remessa without building it: what would stop the file, and which titles would be refused. */
export function validateRemessa240(input: Remessa240Input): Remessa240Check {
  const { problems, accepted, refused } = check(input);
  return { problems, accepted, refused };
}

/**
 * Builds the remessa from the titles that pass every check; refused titles are listed with their
 * problems so the caller can send the good part and report the rest. When something stops the whole
 * file (beneficiário, NSA, no valid title) nothing is built.
 */
export function buildRemessa240(input: Remessa240Input): Remessa240Result {
  const checked = check(input);
  const { problems, refused, prepared, header, profile } = checked;
  if (problems.length > 0) return { ok: false, problems, refused };

  const lines: string[] = [];
  const emit = (record: RemessaRecordName, values: Values) => {
    const { line, problems: renderProblems } = render(profile.records[record], values);
    // Every value was rendered during the checks; a problem here is a bug, and no file is returned.
    if (renderProblems.length > 0 || line.length !== CNAB240_WIDTH || !/^[\x20-\x7e]*$/.test(line)) {
      throw new Error(
        `remessa: ${record} could not be written: ${renderProblems.map((p) => p.message).join('; ')}`,
      );
    }
    lines.push(line);
  };
  emit('fileHeader', header);
  emit('lotHeader', header);
  let sequence = 0;
  let totalCents = 0;
  for (const { title, values, segments } of prepared) {
    for (const segment of segments) {
      sequence++;
      emit(segment, { ...header, ...values, 'record.sequence': String(sequence) });
    }
    totalCents += title.amountCents;
  }
  const lotRecords = sequence + 2;
  emit('lotTrailer', {
    ...header,
    'lot.recordCount': String(lotRecords),
    'lot.titleCount': String(prepared.length),
    'lot.totalCents': String(totalCents),
  });
  emit('fileTrailer', { ...header, 'file.recordCount': String(lotRecords + 2) });
  const text = lines.map((line) => line + CRLF).join('');
  return {
    ok: true,
    text,
    bytes: new TextEncoder().encode(text),
    accepted: checked.accepted,
    refused,
    totals: { lines: lines.length, titles: prepared.length, totalCents },
  };
}
