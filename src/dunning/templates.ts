/**
 * Message templates of the régua (dunning cadence): pt-BR text with typed `{{variables}}`, rendering
 * against a debtor's context, SMS segment counting and the checks a manager sees while editing a step.
 * Pure: no I/O, no clock (the context carries `asOf`).
 */
import type { CalendarDate } from '../shared/dates.ts';
import { daysBetween } from '../shared/dates.ts';
import type { DocumentKind } from '../shared/documents.ts';
import { formatTaxId } from '../shared/documents.ts';
import type { Cents } from '../shared/money.ts';
import type { StepChannel } from './definition.ts';

// ---------------------------------------------------------------------------------------------
// Variables

type VariableInfo = { readonly description: string; readonly example: string };

export const TEMPLATE_VARIABLES = {
  'debtor.name': { description: 'Nome completo do devedor', example: 'Maria da Silva Santos' },
  'debtor.firstName': { description: 'Primeiro nome do devedor (ex.: "Maria")', example: 'Maria' },
  'debtor.document': { description: 'CPF ou CNPJ do devedor, formatado', example: '529.982.247-25' },
  'creditor.name': {
    description: 'Nome do credor (nome fantasia, ou a razão social se não houver)',
    example: 'Comercial Santos Ltda',
  },
  'creditor.cnpj': { description: 'CNPJ do credor, formatado', example: '12.345.678/0001-95' },
  'creditor.address': {
    description: 'Endereço do credor, em uma linha',
    example: 'Rua das Flores, 123, Centro, Campinas/SP, 13010-000',
  },
  'creditor.phone': { description: 'Telefone do credor', example: '(19) 3234-5678' },
  'creditor.email': { description: 'E-mail do credor', example: 'financeiro@comercialsantos.com.br' },
  receivables: {
    description: 'Lista dos títulos em aberto, um por linha, com valor e vencimento',
    example:
      '- NF 1234: R$ 150,00, vencimento 10/03/2025 (5 dias em atraso)\n- NF 1235: R$ 150,00, vence em 10/04/2025',
  },
  'receivables.count': { description: 'Quantidade de títulos em aberto', example: '2' },
  total: { description: 'Soma dos valores em aberto (R$)', example: 'R$ 300,00' },
  dueDate: { description: 'Vencimento mais antigo dos títulos (dd/mm/aaaa)', example: '10/03/2025' },
  daysLate: { description: 'Maior atraso entre os títulos, em dias (0 se nenhum venceu)', example: '5' },
  paymentLink: {
    description: 'Link de pagamento (portal do devedor)',
    example: 'https://pague.regua.app/p/Ab3dE9xK',
  },
  'pix.copiaECola': {
    description: 'Código Pix copia e cola',
    example:
      '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D',
  },
  'boleto.linhaDigitavel': {
    description: 'Linha digitável do boleto',
    example: '23790.12345 60000.123456 78901.234567 8 91230000030000',
  },
} as const satisfies Record<string, VariableInfo>;

export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;

const VARIABLE_NAMES = Object.keys(TEMPLATE_VARIABLES) as TemplateVariable[];

export function isTemplateVariable(name: string): name is TemplateVariable {
  return Object.hasOwn(TEMPLATE_VARIABLES, name);
}

// ---------------------------------------------------------------------------------------------
// Parsing

type Part = { kind: 'text'; text: string } | { kind: 'variable'; name: string };
type Parsed = { parts: Part[]; malformed: string[] };

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/** Splits a template into text and `{{ name }}` parts; stray `{{`/`}}` and `{{ }}` are malformed. */
function parse(text: string): Parsed {
  const parts: Part[] = [];
  const malformed: string[] = [];
  const literal = (from: number, to: number) => {
    const chunk = text.slice(from, to);
    if (chunk === '') return;
    for (const m of chunk.matchAll(/\{\{|\}\}/g)) {
      const at = m.index;
      const after = chunk.slice(at, at + 30).split(/\s/)[0] ?? '';
      const before =
        chunk
          .slice(Math.max(0, at - 28), at)
          .split(/\s/)
          .pop() ?? '';
      malformed.push(m[0] === '{{' ? after : `${before}}}`);
    }
    parts.push({ kind: 'text', text: chunk });
  };
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    literal(last, m.index);
    const name = (m[1] ?? '').trim();
    if (name === '') malformed.push(m[0]);
    else parts.push({ kind: 'variable', name });
    last = m.index + m[0].length;
  }
  literal(last, text.length);
  return { parts, malformed };
}

/** The variable names a text uses, known or not, each once, in order of first use. */
export function templateVariables(text: string): string[] {
  const names: string[] = [];
  for (const part of parse(text).parts)
    if (part.kind === 'variable' && !names.includes(part.name)) names.push(part.name);
  return names;
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** `YYYY-MM-DD` -> `dd/mm/aaaa`. */
export function formatBrDate(date: CalendarDate): string {
  const [y, m, d] = date.split('-');
  return `${d ?? ''}/${m ?? ''}/${y ?? ''}`;
}

/** Integer with pt-BR thousands dots: 1234567 -> "1.234.567". */
export function formatInteger(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(Math.trunc(n))).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/**
 * Centavos as `R$ 1.234,56` with a plain space, by integer arithmetic only. The shared `formatBrl`
 * uses Intl, which puts a no-break space after `R$`: that character is not in the GSM alphabet and
 * would turn every SMS carrying an amount into UCS-2 (70 characters a part instead of 160).
 */
export function formatBrlText(cents: Cents): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(cents));
  return `${sign}R$ ${formatInteger(Math.trunc(abs / 100))},${String(abs % 100).padStart(2, '0')}`;
}

/**
 * A CPF (`529.982.247-25`) or CNPJ (`12.ABC.345/01DE-35`, alphanumeric allowed) in its usual mask.
 * Anything that is neither is returned trimmed, as given.
 */
export function formatDocument(doc: string): string {
  const raw = doc
    .trim()
    .toUpperCase()
    .replace(/[.\-/\s]/g, '');
  if (/^\d{11}$/.test(raw) || /^[0-9A-Z]{12}\d{2}$/.test(raw)) return formatTaxId(raw);
  return doc.trim();
}

function capitalise(word: string): string {
  const lower = word.toLocaleLowerCase('pt-BR');
  const first = lower.codePointAt(0);
  if (first === undefined) return '';
  const head = String.fromCodePoint(first);
  return head.toLocaleUpperCase('pt-BR') + lower.slice(head.length);
}

/** "MARIA DA SILVA" -> "Maria"; "ANA-LUÍSA SOUZA" -> "Ana-Luísa". */
export function firstName(name: string): string {
  const word = name.trim().split(/\s+/)[0] ?? '';
  return word
    .split(/([-'’])/)
    .map((piece, i) => (i % 2 === 1 ? piece : capitalise(piece)))
    .join('');
}

// ---------------------------------------------------------------------------------------------
// Rendering

export type TemplateReceivable = {
  externalId: string;
  documentNumber: string | null;
  dueDate: CalendarDate;
  openCents: Cents;
};

export type TemplateContext = {
  debtor: { name: string; document: string; kind: DocumentKind };
  creditor: {
    legalName: string;
    tradeName: string | null;
    cnpj: string;
    address: string | null;
    phone: string | null;
    email: string | null;
  };
  receivables: readonly TemplateReceivable[];
  asOf: CalendarDate;
  paymentLink: string | null;
  pixCopiaECola: string | null;
  linhaDigitavel: string | null;
};

export type MessageTemplate = { subject?: string | null; body: string };

export type RenderResult =
  | { ok: true; subject: string | null; body: string }
  /** `missing`: variables with no value (or unknown); `malformed`: stray `{{`, `}}` or `{{ }}`. */
  | { ok: false; missing: string[]; malformed: string[] };

/** One line of text: blanks become null, runs of whitespace (newlines included) one space. */
function line(value: string | null): string | null {
  if (value === null) return null;
  const text = value.replace(/\s+/g, ' ').trim();
  return text === '' ? null : text;
}

function receivableLine(r: TemplateReceivable, asOf: CalendarDate): string {
  const id = line(r.documentNumber) ?? line(r.externalId) ?? '';
  const late = daysBetween(r.dueDate, asOf);
  const when =
    late > 0
      ? `vencimento ${formatBrDate(r.dueDate)} (${late} ${late === 1 ? 'dia' : 'dias'} em atraso)`
      : late === 0
        ? 'vence hoje'
        : `vence em ${formatBrDate(r.dueDate)}`;
  return `- ${id}: ${formatBrlText(r.openCents)}, ${when}`;
}

/** The value of every variable for a context; null when not available (no Pix, no address, ...). */
export function templateValues(ctx: TemplateContext): Record<TemplateVariable, string | null> {
  const receivables = [...ctx.receivables].sort((a, b) =>
    a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0,
  );
  const earliest = receivables[0];
  const name = line(ctx.debtor.name);
  let daysLate = 0;
  let total = 0;
  for (const r of receivables) {
    daysLate = Math.max(daysLate, daysBetween(r.dueDate, ctx.asOf));
    total += r.openCents;
  }
  const creditorName = line(ctx.creditor.tradeName) ?? line(ctx.creditor.legalName);
  const cnpj = line(ctx.creditor.cnpj);
  const document = line(ctx.debtor.document);
  return {
    'debtor.name': name,
    'debtor.firstName': name === null ? null : ctx.debtor.kind === 'company' ? name : firstName(name),
    'debtor.document': document === null ? null : formatDocument(document),
    'creditor.name': creditorName,
    'creditor.cnpj': cnpj === null ? null : formatDocument(cnpj),
    'creditor.address': line(ctx.creditor.address),
    'creditor.phone': line(ctx.creditor.phone),
    'creditor.email': line(ctx.creditor.email),
    receivables:
      receivables.length === 0 ? null : receivables.map((r) => receivableLine(r, ctx.asOf)).join('\n'),
    'receivables.count': String(receivables.length),
    total: formatBrlText(total),
    dueDate: earliest === undefined ? null : formatBrDate(earliest.dueDate),
    daysLate: String(daysLate),
    paymentLink: line(ctx.paymentLink),
    'pix.copiaECola': line(ctx.pixCopiaECola),
    'boleto.linhaDigitavel': line(ctx.linhaDigitavel),
  };
}

/** Breaks any `{{` a value brought in (alone or next to a literal `{`), so none reaches the debtor. */
function defuse(text: string): string {
  return text.replace(/\{(?=\{)/g, '{ ');
}

function fill(parsed: Parsed, value: (name: string) => string | null, missing: string[]): string {
  let out = '';
  for (const part of parsed.parts) {
    if (part.kind === 'text') {
      out += part.text;
      continue;
    }
    const v = value(part.name);
    if (v === null) {
      if (!missing.includes(part.name)) missing.push(part.name);
    } else out += v;
  }
  return defuse(out);
}

/**
 * Fills a template for one debtor. Fails, listing them, when a variable used has no value (e.g. the
 * body uses `{{pix.copiaECola}}` and there is no Pix) or is unknown, or when the text has stray braces.
 */
export function renderTemplate(template: MessageTemplate, ctx: TemplateContext): RenderResult {
  return renderWithValues(template, templateValues(ctx));
}

/** renderTemplate with the variables' values already worked out (see templateValues). */
export function renderWithValues(
  template: MessageTemplate,
  values: Record<TemplateVariable, string | null>,
): RenderResult {
  const value = (name: string) => (isTemplateVariable(name) ? values[name] : null);
  const subject = template.subject ?? null;
  const parsedSubject = subject === null ? null : parse(subject);
  const parsedBody = parse(template.body);
  const missing: string[] = [];
  const renderedSubject = parsedSubject === null ? null : fill(parsedSubject, value, missing);
  const body = fill(parsedBody, value, missing);
  const malformed = [...(parsedSubject?.malformed ?? []), ...parsedBody.malformed];
  if (missing.length > 0 || malformed.length > 0) return { ok: false, missing, malformed };
  return { ok: true, subject: renderedSubject, body };
}

/** The text with each known variable replaced by its example value (unknown ones left as written). */
export function renderExample(text: string): string {
  const parsed = parse(text);
  let out = '';
  for (const part of parsed.parts) {
    if (part.kind === 'text') out += part.text;
    else out += isTemplateVariable(part.name) ? TEMPLATE_VARIABLES[part.name].example : `{{${part.name}}}`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// SMS

/** GSM 03.38 default alphabet (3GPP TS 23.038), without the escape code. */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** GSM 03.38 extension table: each is sent as ESC + character, two septets. */
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

export type SmsEncoding = 'GSM-7' | 'UCS-2';
export type SmsMeasure = { encoding: SmsEncoding; characters: number; segments: number };

const SMS_LIMITS = {
  'GSM-7': { single: 160, part: 153 },
  'UCS-2': { single: 70, part: 67 },
} as const;

/** Characters of a text outside the GSM alphabet (each once), i.e. the ones that force UCS-2. */
export function nonGsmCharacters(text: string): string[] {
  const found: string[] = [];
  for (const ch of text)
    if (!GSM_BASIC.has(ch) && !GSM_EXTENSION.has(ch) && !found.includes(ch)) found.push(ch);
  return found;
}

/**
 * How an SMS is sent: GSM-7 when every character is in the GSM alphabet (extension characters count
 * two septets), UCS-2 otherwise (characters outside the BMP, such as emoji, count two code units).
 * One part holds 160 septets / 70 units; a multipart message 153 / 67 per part, and an escape pair or
 * a surrogate pair is never split between parts.
 */
export function smsSegments(text: string): SmsMeasure {
  const gsm = nonGsmCharacters(text).length === 0;
  const encoding: SmsEncoding = gsm ? 'GSM-7' : 'UCS-2';
  const weights: number[] = [];
  for (const ch of text) weights.push(gsm ? (GSM_EXTENSION.has(ch) ? 2 : 1) : ch.length);
  const characters = weights.reduce((a, b) => a + b, 0);
  const limits = SMS_LIMITS[encoding];
  if (characters <= limits.single) return { encoding, characters, segments: 1 };
  let segments = 1;
  let used = 0;
  for (const w of weights) {
    if (used + w > limits.part) {
      segments += 1;
      used = 0;
    }
    used += w;
  }
  return { encoding, characters, segments };
}

// ---------------------------------------------------------------------------------------------
// Channel rules and checks

export type BodyLimit = { unit: 'characters'; max: number } | { unit: 'smsSegments'; max: number };

export type ChannelRule = {
  /** pt-BR name, for messages. */
  label: string;
  subjectRequired: boolean;
  /**
   * Characters are counted on the template as written; SMS parts on the template with each variable
   * replaced by its example value.
   */
  maxBody: BodyLimit;
  /** CDC art. 42-A: the creditor's name and CNPJ in every collection document. */
  creditorIdentificationRequired: boolean;
};

export const CHANNEL_RULES: Readonly<Record<StepChannel, ChannelRule>> = {
  email: {
    label: 'e-mail',
    subjectRequired: true,
    maxBody: { unit: 'characters', max: 20_000 },
    creditorIdentificationRequired: true,
  },
  sms: {
    label: 'SMS',
    subjectRequired: false,
    maxBody: { unit: 'smsSegments', max: 3 },
    creditorIdentificationRequired: true,
  },
  whatsapp: {
    label: 'WhatsApp',
    subjectRequired: false,
    maxBody: { unit: 'characters', max: 1024 },
    creditorIdentificationRequired: true,
  },
  // An internal call script for the collector, never shown to the debtor.
  phone: {
    label: 'roteiro de ligação',
    subjectRequired: false,
    maxBody: { unit: 'characters', max: 2000 },
    creditorIdentificationRequired: false,
  },
  letter: {
    label: 'carta',
    subjectRequired: true,
    maxBody: { unit: 'characters', max: 20_000 },
    creditorIdentificationRequired: true,
  },
  portal: {
    label: 'portal do devedor',
    subjectRequired: false,
    maxBody: { unit: 'characters', max: 20_000 },
    creditorIdentificationRequired: true,
  },
  negativacao: {
    label: 'negativação',
    subjectRequired: false,
    maxBody: { unit: 'characters', max: 20_000 },
    creditorIdentificationRequired: true,
  },
  protest: {
    label: 'protesto',
    subjectRequired: false,
    maxBody: { unit: 'characters', max: 20_000 },
    creditorIdentificationRequired: true,
  },
};

export type TemplateProblemCode =
  | 'empty_body'
  | 'subject_required'
  | 'malformed_placeholder'
  | 'unknown_variable'
  | 'missing_creditor_identification'
  | 'abusive_language'
  | 'too_long';

export type TemplateProblem = { code: TemplateProblemCode; message: string };

/** Portuguese words managers reach for, mapped to the variable-name piece they mean. */
const ALIASES: Record<string, string> = {
  devedor: 'debtor',
  cliente: 'debtor',
  credor: 'creditor',
  nome: 'name',
  primeironome: 'firstName',
  documento: 'document',
  cpf: 'document',
  endereco: 'address',
  telefone: 'phone',
  fone: 'phone',
  titulos: 'receivables',
  faturas: 'receivables',
  quantidade: 'count',
  valor: 'total',
  vencimento: 'dueDate',
  atraso: 'daysLate',
  diasatraso: 'daysLate',
  link: 'paymentLink',
  linkpagamento: 'paymentLink',
  pix: 'pix.copiaECola',
  boleto: 'boleto.linhaDigitavel',
  linhadigitavel: 'boleto.linhaDigitavel',
};

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(
        Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The known variable closest to an unknown name, if any is close enough to be a likely typo. */
export function suggestVariable(name: string): TemplateVariable | null {
  const folded = fold(name).replace(/[\s_-]+/g, '');
  const translated = folded
    .split('.')
    .map((piece) => ALIASES[piece] ?? piece)
    .join('.');
  let best: TemplateVariable | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of VARIABLE_NAMES) {
    const target = candidate.toLowerCase();
    const distance = Math.min(levenshtein(folded, target), levenshtein(translated.toLowerCase(), target));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === null) return null;
  return bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : null;
}

export type AbuseKind = 'threat' | 'shame' | 'third_party' | 'insult';

/**
 * Threatening, shaming or coercive wording (CDC arts. 42 and 71), as regular expressions over the
 * text folded to lower case without accents; a space stands for any run of whitespace. Ordinary
 * collection vocabulary (débito, atraso, cobrança, negativação, protesto, SPC, Serasa, ação judicial)
 * is deliberately absent: a prior notice must be able to name the legal consequences.
 */
const ABUSIVE: ReadonlyArray<readonly [AbuseKind, string]> = [
  // Threats of prison, police or criminal process.
  ['threat', 'pris(ao|oes)|pres[oa]s?|prender\\w*|cadeia|encarcer\\w*'],
  ['threat', 'policia(l|is)?|delegacia|boletim de ocorrencia'],
  [
    'threat',
    'process(o|ar|aremos) criminal(mente)?|acao penal|queixa[-\\s]crime|crimes?|criminos[oa]s?|criminal',
  ],
  ['threat', 'estelionat\\w*'],
  ['threat', 'amea[cs]\\w*'],
  ['threat', '(vai|vao|ira|irao) se arrepender|se arrependera\\w*'],
  ['threat', '(medidas|providencias|atitudes) (drasticas|extremas|severas|duras)'],
  ['threat', 'oficia(l|is) (de|da) justica'],
  ['threat', 'bloque\\w* (\\w+ ){0,2}salario|salario bloqueado|penhor\\w*|confisc\\w*'],
  ['threat', '(tomar|tomaremos|levar|levaremos|apreender|apreenderemos) (\\w+ ){0,2}bens'],
  [
    'threat',
    'ultim[oa] (aviso|chance|oportunidade) antes (de|da|do|das|dos) (\\w+ ){0,3}' +
      '(prisao|policia|delegacia|processo criminal|acao penal|penhora|bloqueio|oficial de justica|visita|' +
      'expor|exposicao|medidas drasticas|medidas extremas|medidas severas|providencias drasticas)',
  ],
  // Shame and exposure, including reaching third parties.
  ['shame', 'vergonh\\w*|envergonh\\w*|vexame\\w*|vexatori\\w*|humilh\\w*|constrang\\w*|ridicul\\w*'],
  ['shame', 'expor(emos|ei|ao|em|ia|iamos)?|expo-l[oa]s?|exposicao'],
  ['shame', '(?<!(conforme|acima|ja|o|foi) )expost[oa]s?(?! acima)'],
  ['shame', 'divulg\\w* (\\w+ ){0,3}(divida|debito|calote|nome|situacao)'],
  ['shame', 'nome sujo|suj(ar|aremos|ara|o) (\\w+ ){0,2}nome|nome na lama'],
  [
    'third_party',
    '(vamos|iremos|vou|irei|podemos|poderemos|vai|ira) (contar|avisar|ligar|informar|comunicar|procurar|' +
      'notificar|contatar|contactar|falar|acionar|visitar) (\\w+ ){0,4}' +
      '(empregador\\w*|chefe|chefes|patra[oa]|familia|familiares|vizinh\\w*|parentes|colegas|amigos)',
  ],
  ['third_party', 'empregador\\w*|(seu|sua|seus|suas|ao|a|o) (chefe|chefes|patrao|patroa)'],
  [
    'third_party',
    '(sua|seus|suas) (familia|familiares|parentes|vizinhos|colegas)|familiares|vizinh(os|as|anca)',
  ],
  // Insults.
  [
    'insult',
    'calote\\w*|vigarist\\w*|ladr(ao|oes|a|as)|safad\\w*|vagabund\\w*|desonest\\w*|picaret\\w*|trapaceir\\w*|' +
      'irresponsave(l|is)|mau[-\\s]carater',
  ],
];

const ABUSIVE_PATTERNS = ABUSIVE.map(
  ([kind, source]) => [kind, new RegExp(`\\b(?:${source.replace(/ /g, '\\s+')})\\b`, 'g')] as const,
);

/** Folds a text (lower case, no accents) keeping, for each folded index, its index in the text. */
function foldWithOrigin(text: string): { folded: string; origin: number[] } {
  let folded = '';
  const origin: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = fold(ch);
    for (let k = 0; k < f.length; k++) origin.push(i);
    folded += f;
    i += ch.length;
  }
  origin.push(text.length);
  return { folded, origin };
}

/** Abusive phrases in a text, as written, in order, without overlaps (the longer match wins). */
export function abusivePhrases(input: string): Array<{ kind: AbuseKind; phrase: string }> {
  const text = input.normalize('NFC');
  const { folded, origin } = foldWithOrigin(text);
  const hits: Array<{ kind: AbuseKind; start: number; end: number }> = [];
  for (const [kind, pattern] of ABUSIVE_PATTERNS)
    for (const m of folded.matchAll(pattern)) hits.push({ kind, start: m.index, end: m.index + m[0].length });
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: typeof hits = [];
  for (const hit of hits) {
    const previous = kept[kept.length - 1];
    if (previous && hit.start < previous.end) {
      if (hit.end - hit.start > previous.end - previous.start) kept[kept.length - 1] = hit;
      continue;
    }
    kept.push(hit);
  }
  return kept.map((h) => ({
    kind: h.kind,
    phrase: text.slice(origin[h.start] ?? 0, origin[h.end] ?? text.length),
  }));
}

const ABUSE_MESSAGE: Record<AbuseKind, (phrase: string) => string> = {
  threat: (p) =>
    `O trecho "${p}" soa como ameaça ou intimidação, proibidas na cobrança (CDC, arts. 42 e 71). Reescreva informando apenas o débito, como pagar e as consequências previstas em lei (por exemplo, a negativação após o aviso prévio).`,
  shame: (p) =>
    `O trecho "${p}" expõe o devedor a ridículo ou constrangimento, o que o CDC proíbe na cobrança (arts. 42 e 71). Remova o trecho.`,
  third_party: (p) =>
    `O trecho "${p}" envolve terceiros (família, empregador, vizinhos) na cobrança, o que expõe o devedor e é proibido pelo CDC (arts. 42 e 71). Remova o trecho: a cobrança se dirige só ao devedor.`,
  insult: (p) => `O trecho "${p}" ofende o devedor (CDC, arts. 42 e 71). Remova o trecho.`,
};

/** Problems a manager must fix before a template can be used on a channel; empty when it is fine. */
export function checkTemplate(channel: StepChannel, template: MessageTemplate): TemplateProblem[] {
  const rule = CHANNEL_RULES[channel];
  const problems: TemplateProblem[] = [];
  const add = (code: TemplateProblemCode, message: string) => problems.push({ code, message });
  // Only channels with a subject line (e-mail, letter) look at the subject.
  const subject = rule.subjectRequired ? (template.subject ?? '') : '';
  const body = template.body;

  if (rule.subjectRequired && subject.trim() === '')
    add('subject_required', `Informe o assunto: é obrigatório para ${rule.label}.`);
  if (body.trim() === '') {
    add('empty_body', 'O texto da mensagem está vazio.');
    return problems;
  }

  const texts = [subject, body];
  for (const fragment of texts.flatMap((t) => parse(t).malformed))
    add(
      'malformed_placeholder',
      /^\{\{\s*\}\}$/.test(fragment)
        ? `O marcador ${fragment} não tem nome de variável: remova-o ou escreva, por exemplo, {{debtor.firstName}}.`
        : `As chaves em "${fragment}" não fecham uma variável: escreva as variáveis entre chaves duplas, como {{debtor.name}}.`,
    );

  const used = templateVariables(`${subject}\n${body}`);
  for (const name of used) {
    if (isTemplateVariable(name)) continue;
    const suggestion = suggestVariable(name);
    add(
      'unknown_variable',
      suggestion === null
        ? `A variável {{${name}}} não existe. Use uma das variáveis disponíveis.`
        : `A variável {{${name}}} não existe. Você quis dizer {{${suggestion}}}?`,
    );
  }

  if (rule.creditorIdentificationRequired) {
    const lacking = (['creditor.name', 'creditor.cnpj'] as const).filter((v) => !used.includes(v));
    if (lacking.length > 0)
      add(
        'missing_creditor_identification',
        `Toda cobrança precisa identificar o credor pelo nome e pelo CNPJ (CDC, art. 42-A). Inclua ${lacking
          .map((v) => `{{${v}}}`)
          .join(' e ')} no texto.`,
      );
  }

  for (const text of texts)
    for (const { kind, phrase } of abusivePhrases(text)) add('abusive_language', ABUSE_MESSAGE[kind](phrase));

  const limit = rule.maxBody;
  if (limit.unit === 'smsSegments') {
    const sample = renderExample(body);
    const sms = smsSegments(sample);
    if (sms.segments > limit.max) {
      const forcing = nonGsmCharacters(sample);
      const gsmOnly = smsSegments([...sample].map((c) => (forcing.includes(c) ? '?' : c)).join('')).segments;
      add(
        'too_long',
        `O SMS teria ${sms.segments} partes; o máximo é ${limit.max}. Medido com os valores de exemplo das variáveis: ${formatInteger(sms.characters)} caracteres em ${sms.encoding}.` +
          (forcing.length > 0
            ? ` Os caracteres ${forcing.map((c) => `"${c}"`).join(', ')} obrigam a codificação UCS-2 (70 caracteres por SMS em vez de 160); sem eles o SMS teria ${gsmOnly} ${gsmOnly === 1 ? 'parte' : 'partes'}.`
            : ' Encurte o texto.'),
      );
    }
  } else {
    const length = [...body].length;
    if (length > limit.max)
      add(
        'too_long',
        `O texto para ${rule.label} tem ${formatInteger(length)} caracteres; o máximo é ${formatInteger(limit.max)}.`,
      );
  }
  return problems;
}
