/**
 * Reconciliation candidates (conciliação): for a payment that no reference matched (an OFX statement
 * line, a Pix without our txid, a CNAB line with an unknown nosso número), which open receivables it
 * probably pays, each with a confidence from 0 to 1 and the reasons in pt-BR, and what to do with it:
 * allocate it (`auto`), show it to a person (`suggest`) or leave it (`none`). Pure: a function of the
 * line and the candidates; no clock, no I/O. The database side that fetches candidates is
 * ./candidates.ts; the golden set in ./fixtures/reconciliation-golden.json measures it.
 *
 * How the confidence is reckoned: each piece of evidence adds log-odds to a prior that a receivable
 * picked at random is not the one paid (`WEIGHTS.prior`), and the sum goes through the logistic
 * function, so the result is always strictly between 0 and 1 and more supporting evidence never lowers
 * it. The evidence, and its weight:
 *
 * - Amount (the strongest that applies): equal to the open balance, to the updated total with charges
 *   as of the day paid, or to the sum of several open receivables of one debtor; between the balance
 *   and the updated total (charges worked out on another day, an updated boleto paid later); within a
 *   small tolerance (a bank fee taken from the credit, rounding); less than the balance (a partial
 *   payment: no weight); more than is owed (weighs against).
 * - Who paid (the strongest of the payer's document and name, plus a little when both agree): the
 *   same CPF/CNPJ; the same CNPJ root (another branch of the same company); a similar name (accents,
 *   case, company suffixes and bank noise ignored; typos, truncation and initials tolerated). A payer
 *   document of someone else, or a name with nothing in common, weighs a little against: relatives
 *   and companies do pay for debtors.
 * - The memo cites the receivable's external id or document number.
 * - Paid near the due date.
 * - The line reads like a bank entry (yield, redemption, reversal, transfer between own accounts):
 *   weighs strongly against every candidate.
 */
import type { CalendarDate } from '../shared/dates.ts';
import { daysBetween } from '../shared/dates.ts';
import type { Cents } from '../shared/money.ts';
import { formatBrl } from '../shared/money.ts';
import { type ChargeTables, type ChargeTerms, calculateCharges, type DebtorKind } from './charges.ts';

// ---------------------------------------------------------------------------------------------
// Thresholds and weights
// ---------------------------------------------------------------------------------------------

/**
 * Decision thresholds, chosen on the golden set (reconcile.test.ts prints auto precision and recall on
 * a grid of them); the weights below were set beforehand from what each piece of evidence is worth and
 * were not fitted to it. `auto` needs a confidence of at least AUTO_THRESHOLD and a lead of AUTO_MARGIN
 * over the best candidate of any other debtor (candidates of the same debtor do not compete: equal
 * installments of one debtor leave the debtor certain, and allocation then runs oldest first).
 *
 * - 0.90 is the lowest threshold of the grid with no wrong auto decision: at 0.85 a clinic payment that
 *   included charges Régua could not work out went automatically to the wrong consultation. It also
 *   keeps approximate amounts (a fee deducted, a boleto updated on another day) with a matching name,
 *   which score 0.78 to 0.89 on the golden set, in front of a person.
 * - The margin: two homonyms owing the same amount tie; at margin 0 the tie went automatic and was right
 *   only by the order of ids. Margins from 0.10 to 0.20 give the same precision on the golden set;
 *   0.15 is the middle.
 */
export const AUTO_THRESHOLD = 0.9;
export const AUTO_MARGIN = 0.15;
/**
 * Below this, the best candidate is not worth a person's time. An exact amount and nothing else scores
 * 0.50 to 0.62 and is shown; with a payer name that has nothing to do with the debtor it falls to 0.48
 * at most,
 * and bank entries (yield, reversal, own transfer) fall far below: on the golden set 39 of 42 lines that
 * are not collections are left alone.
 */
export const SUGGEST_THRESHOLD = 0.5;

/** How many candidates are shown for a line. */
export const TOP_CANDIDATES = 3;

/** A payment differing from what is owed by up to this is "about the same amount": max(R$ 5,00, 0,5%). */
export const AMOUNT_TOLERANCE_MIN_CENTS = 500;
export const AMOUNT_TOLERANCE_BASIS_POINTS = 50;

/** Log-odds of each piece of evidence (see the module comment). */
export const WEIGHTS = {
  prior: -3,
  amountExact: 3,
  amountExactSum: 2.6,
  amountBetweenOpenAndUpdated: 1.8,
  amountNear: 1.5,
  amountPartial: 0,
  amountOver: -1,
  document: 4,
  documentRoot: 2,
  documentOther: -0.8,
  /** Times the name similarity (0..1), when it is at least NAME_MIN_SIMILARITY. */
  name: 3,
  nameMismatch: -0.6,
  /** Added to the strongest identity evidence when a second one agrees. */
  identityCorroborated: 0.5,
  memoReference: 3.5,
  dueDateNear: 0.5,
  dueDateClose: 0.25,
  notACollection: -4,
} as const;

/** Names at least this similar count as evidence; below NAME_MISMATCH_BELOW they count against. */
export const NAME_MIN_SIMILARITY = 0.3;
const NAME_MISMATCH_BELOW = 0.15;
const NAME_MATCH = 0.85;
const NAME_SIMILAR = 0.6;
/** Days from the due date counted as "near" and as "close". */
const DUE_NEAR_DAYS = 10;
const DUE_CLOSE_BEFORE_DAYS = 30;
const DUE_CLOSE_AFTER_DAYS = 60;
/** A debtor with up to this many open receivables has every combination tried as "paid together". */
const MAX_EXHAUSTIVE_GROUP = 6;
/** Beyond that, pairs are tried among this many of the oldest. */
const MAX_PAIRED = 40;

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/** A payment as the statement shows it. */
export type StatementLine = {
  amountCents: Cents;
  paidOn: CalendarDate;
  payerDocument?: string | null;
  payerName?: string | null;
  memo?: string | null;
};

/** An open receivable that the line may pay, with its debtor. */
export type OpenReceivable = {
  id: number;
  debtorId: number;
  debtorDocument: string;
  debtorName: string;
  openCents: Cents;
  /** What the creditor's terms make it cost on the day paid (multa, juros, correction); null if unknown. */
  updatedCents?: Cents | null;
  dueDate: CalendarDate;
  externalId: string;
  documentNumber?: string | null;
};

/** One answer: a receivable, or several of one debtor paid together. */
export type Candidate = {
  receivableIds: number[];
  debtorId: number;
  /** 0..1 */
  confidence: number;
  /** Why, in pt-BR, strongest first. */
  reasons: string[];
};

export type DecisionKind = 'auto' | 'suggest' | 'none';

export type Reconciliation = {
  decision: DecisionKind;
  /** Best first, at most `top`. */
  candidates: Candidate[];
};

// ---------------------------------------------------------------------------------------------
// Use cases
// ---------------------------------------------------------------------------------------------

/**
 * The line's candidates, best first, and the decision: `auto` when the best is confident and clearly
 * ahead of every other debtor's, `suggest` when it is worth showing, `none` otherwise.
 */
export function reconcile(
  line: StatementLine,
  receivables: readonly OpenReceivable[],
  options: { top?: number } = {},
): Reconciliation {
  const ranked = rank(line, receivables);
  return {
    decision: decide(ranked),
    candidates: ranked.slice(0, options.top ?? TOP_CANDIDATES).map(describe),
  };
}

/** Every candidate (single receivables and groups paid together), best first, in a stable order. */
export function scoreCandidates(line: StatementLine, receivables: readonly OpenReceivable[]): Candidate[] {
  return rank(line, receivables).map(describe);
}

export type Thresholds = { auto: number; margin: number; suggest: number };

export const THRESHOLDS: Thresholds = {
  auto: AUTO_THRESHOLD,
  margin: AUTO_MARGIN,
  suggest: SUGGEST_THRESHOLD,
};

/** The decision for candidates sorted best first (see AUTO_THRESHOLD). */
export function decide(
  candidates: readonly Pick<Candidate, 'debtorId' | 'confidence'>[],
  thresholds: Thresholds = THRESHOLDS,
): DecisionKind {
  const best = candidates[0];
  if (!best || best.confidence < thresholds.suggest) return 'none';
  const rival = candidates.find((c) => c.debtorId !== best.debtorId)?.confidence ?? 0;
  return best.confidence >= thresholds.auto && best.confidence - rival >= thresholds.margin
    ? 'auto'
    : 'suggest';
}

/**
 * The updated total of a receivable on the day it was paid, by the creditor's terms; the open balance
 * when it was not overdue; null when the charges cannot be worked out (a rate table missing).
 */
export function updatedTotalCents(
  input: { openCents: Cents; dueDate: CalendarDate; debtorKind: DebtorKind; terms: ChargeTerms },
  paidOn: CalendarDate,
  tables: ChargeTables,
): Cents | null {
  if (paidOn <= input.dueDate) return input.openCents;
  const charge = calculateCharges(
    {
      principalCents: input.openCents,
      dueDate: input.dueDate,
      asOf: paidOn,
      debtorKind: input.debtorKind,
      terms: input.terms,
    },
    tables,
  );
  return charge.ok ? charge.totalCents : null;
}

// ---------------------------------------------------------------------------------------------
// Names, documents and references
// ---------------------------------------------------------------------------------------------

/** Words that say what a company is, not which. */
const COMPANY_WORDS = new Set([
  'LTDA',
  'ME',
  'EPP',
  'EIRELI',
  'SA',
  'MEI',
  'CIA',
  'SS',
  'SLU',
  'FILIAL',
  'MATRIZ',
  'LOJA',
  'UNIDADE',
]);
const CONNECTORS = new Set(['DA', 'DE', 'DO', 'DAS', 'DOS', 'E', 'EM', 'Y']);
/** What banks write around a payer's name in a statement. */
const BANK_NOISE = new Set([
  'PIX',
  'TED',
  'DOC',
  'TEV',
  'TRANSF',
  'TRANSFERENCIA',
  'RECEBIDO',
  'RECEBIDA',
  'RECEB',
  'REC',
  'CRED',
  'CREDITO',
  'DEP',
  'DEPOSITO',
  'PGTO',
  'PAGTO',
  'PAGAMENTO',
  'REMETENTE',
  'ORIGEM',
  'DE',
]);

/** Uppercase, no accents, `&` as E, S/A and S.A. as SA, punctuation as spaces. */
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/\bS\s*[./]\s*A\b\.?/g, ' SA ')
    .replace(/&/g, ' E ')
    .replace(/[^0-9A-Z]+/g, ' ')
    .trim();
}

/** The words of a name that tell who it is: no accents, connectors, company suffixes or bank noise. */
export function nameTokens(name: string): string[] {
  const words = fold(name).split(' ');
  return words.filter(
    (w, i) =>
      w !== '' &&
      !/^\d+$/.test(w) &&
      !CONNECTORS.has(w) &&
      !BANK_NOISE.has(w) &&
      !(i > 0 && COMPANY_WORDS.has(w)),
  );
}

/** How Portuguese names sound alike: CH/X, TH/T, PH/F, Y/I, Z/S, W/V, doubled letters. */
function soundKey(word: string): string {
  return word
    .replace(/CH/g, 'X')
    .replace(/TH/g, 'T')
    .replace(/PH/g, 'F')
    .replace(/Y/g, 'I')
    .replace(/Z/g, 'S')
    .replace(/W/g, 'V')
    .replace(/(.)\1+/g, '$1');
}

/**
 * Edit distance with adjacent transpositions (optimal string alignment), or `limit + 1` as soon as it
 * is known to exceed `limit`.
 */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before = new Int32Array(b.length + 1);
  let previous = Int32Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowBest = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, (before[j - 2] ?? 0) + 1);
      current[j] = best;
      if (best < rowBest) rowBest = best;
    }
    if (rowBest > limit) return limit + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length] ?? limit + 1;
}

/** A word of a name with how it sounds, worked out once. */
type NameWord = { text: string; sound: string };

function nameWords(name: string): NameWord[] {
  return nameTokens(name).map((text) => ({ text, sound: soundKey(text) }));
}

/**
 * How well a word of the payer's name stands for a word of the debtor's: 1 the same, 0.9 the same
 * sound, 0.85 a typo, 0.8 a truncation, 0.5 an initial, else 0. Fernando and Fernanda are different
 * people, not a typo.
 */
function wordMatch(payerWord: NameWord, debtorWord: NameWord): number {
  const payer = payerWord.text;
  const debtor = debtorWord.text;
  if (payer === debtor) return 1;
  if (payer.length === 1) return debtor.startsWith(payer) ? 0.5 : 0;
  const genderPair =
    payer.length === debtor.length &&
    payer.slice(0, -1) === debtor.slice(0, -1) &&
    /[AO]/.test(payer.slice(-1)) &&
    /[AO]/.test(debtor.slice(-1));
  if (genderPair) return 0;
  if (payerWord.sound === debtorWord.sound) return 0.9;
  const shorter = Math.min(payer.length, debtor.length);
  if (
    shorter >= 4 &&
    editDistance(payerWord.sound, debtorWord.sound, shorter >= 7 ? 2 : 1) <= (shorter >= 7 ? 2 : 1)
  )
    return 0.85;
  if (payer.length >= 3 && debtor.startsWith(payer)) return 0.8;
  return 0;
}

/**
 * Similarity of a payer's name to a debtor's, 0..1: how much of the shorter name is found in the
 * other (weighted down when the first names differ: a relative shares the surname, not the first
 * name), blended with the overlap of both.
 */
export function nameSimilarity(payerName: string, debtorName: string): number {
  return wordsSimilarity(nameWords(payerName), nameWords(debtorName));
}

function wordsSimilarity(payer: readonly NameWord[], debtor: readonly NameWord[]): number {
  if (payer.length === 0 || debtor.length === 0) return 0;
  const used = new Set<number>();
  let matched = 0;
  let firstMatches = false;
  payer.forEach((word, i) => {
    let best = 0;
    let bestAt = -1;
    debtor.forEach((candidate, j) => {
      if (used.has(j)) return;
      const m = wordMatch(word, candidate);
      if (m > best) {
        best = m;
        bestAt = j;
      }
    });
    if (bestAt >= 0) {
      used.add(bestAt);
      matched += best;
      if (i === 0 && bestAt === 0 && best >= 0.8) firstMatches = true;
    }
  });
  const containment = matched / Math.min(payer.length, debtor.length);
  const overlap = (2 * matched) / (payer.length + debtor.length);
  const similarity = 0.6 * containment * (firstMatches ? 1 : 0.55) + 0.4 * overlap;
  return Math.min(1, Math.max(0, similarity));
}

/** A CPF/CNPJ as stored: digits and letters, uppercase. */
export function normalizeDocument(document: string | null | undefined): string {
  return (document ?? '').toUpperCase().replace(/[^0-9A-Z]/g, '');
}

/** A reference in its comparable form: letters and digits only, uppercase, no leading zeros. */
function compactReference(reference: string): string {
  return fold(reference)
    .replace(/ /g, '')
    .replace(/^0+(?=\d)/, '');
}

/** The runs of one to three adjacent words of a memo, each compacted, for comparing with references. */
function memoRuns(memo: string): Set<string> {
  const words = fold(memo).split(' ').filter(Boolean);
  const runs = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    for (let size = 1; size <= 3 && i + size <= words.length; size++) {
      runs.add(
        words
          .slice(i, i + size)
          .join('')
          .replace(/^0+(?=\d)/, ''),
      );
    }
  }
  return runs;
}

/** Whether a memo cites a reference (external id or document number) distinctive enough to count. */
function cites(runs: Set<string>, reference: string | null | undefined): boolean {
  if (!reference) return false;
  const compact = compactReference(reference);
  if (compact.length < 3 || !/\d/.test(compact)) return false;
  if (runs.has(compact)) return true;
  // "NF 45880" and "45880" both cite NF-45880 when the number alone is long enough to be distinctive.
  const digits = /(\d+)$/.exec(compact)?.[1]?.replace(/^0+/, '') ?? '';
  return digits.length >= 4 && digits !== compact && runs.has(digits);
}

/**
 * The strings of a memo that may be a receivable's external id or document number as stored
 * ("CBE 7771" may be CBE-7771), for an indexed lookup; the scoring itself is more lenient.
 */
export function referenceTokens(memo: string | null | undefined, limit = 30): string[] {
  if (!memo) return [];
  const words = fold(memo).split(' ').filter(Boolean);
  const tokens = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    for (let size = 1; size <= 3 && i + size <= words.length; size++) {
      const run = words.slice(i, i + size);
      const split = size === 1 ? /^([A-Z]+)(\d+)$/.exec(run[0] ?? '') : null;
      const joinedForms = [run.join('-'), run.join('')];
      // "NF45915" may be stored as NF-45915.
      if (split) joinedForms.push(`${split[1]}-${split[2]}`);
      for (const joined of joinedForms) {
        if (joined.length >= 3 && joined.length <= 40 && /\d/.test(joined)) tokens.add(joined);
      }
    }
  }
  return [...tokens].slice(0, limit);
}

/** Entries a bank writes that are not a debtor paying. */
const NOT_A_COLLECTION = [
  /\bREND(IMENTO)?S?\b/,
  /\bRESGATE\b/,
  /\bESTORNO\b/,
  /\bTARIFA\b/,
  /\bAPLIC(ACAO)?\b/,
  /\bMESMA TITULARIDADE\b/,
  /\bENTRE CONTAS\b/,
  /\bDEVOLUCAO\b/,
  /\bDEV (TED|DOC|PIX)\b/,
  /\bANTECIPACAO\b/,
  /\bJUROS S SALDO\b/,
  /\bIOF\b/,
  /\bCASHBACK\b/,
  /\bAPORTE\b/,
  /\bSINISTRO\b/,
  /\bCAPITAL PROPRIO\b/,
  /\bDIVIDENDOS?\b/,
  /\bLIQ(UIDACAO)? COBRANCA\b/,
  /\bLIQUIDACAO TITULOS\b/,
  /\b(CIELO|REDECARD|GETNET|STONE|PAGSEGURO)\b/,
  /\bEMPRESTIMO\b/,
  /\bDESBLOQUEIO JUDICIAL\b/,
];

function isBankEntry(text: string): boolean {
  const folded = fold(text);
  return NOT_A_COLLECTION.some((pattern) => pattern.test(folded));
}

// ---------------------------------------------------------------------------------------------
// Scoring
// ---------------------------------------------------------------------------------------------

type LineContext = {
  line: StatementLine;
  document: string;
  words: NameWord[];
  runs: Set<string>;
  bankEntry: boolean;
};

function lineContext(line: StatementLine): LineContext {
  const text = `${line.payerName ?? ''} ${line.memo ?? ''}`;
  return {
    line,
    document: normalizeDocument(line.payerDocument),
    words: nameWords(line.payerName ?? ''),
    runs: memoRuns(text),
    bankEntry: isBankEntry(text),
  };
}

export function toleranceCents(target: Cents): Cents {
  return Math.max(AMOUNT_TOLERANCE_MIN_CENTS, Math.floor((target * AMOUNT_TOLERANCE_BASIS_POINTS) / 10_000));
}

const brl = (cents: Cents) => formatBrl(cents);

/** A piece of evidence: its weight, and its reason in pt-BR, written only for the candidates shown. */
type Evidence = { weight: number; reason: () => string };

function amountEvidence(amount: Cents, group: readonly OpenReceivable[]): Evidence {
  const open = group.reduce((sum, r) => sum + r.openCents, 0);
  const updatedKnown = group.every((r) => r.updatedCents !== null && r.updatedCents !== undefined);
  const updated = group.reduce((sum, r) => sum + Math.max(r.openCents, r.updatedCents ?? r.openCents), 0);
  const charged = updatedKnown && updated > open;
  const several = group.length > 1;
  if (amount === open) {
    return several
      ? {
          weight: WEIGHTS.amountExactSum,
          reason: () => `valor igual à soma de ${group.length} títulos em aberto do devedor (${brl(open)})`,
        }
      : { weight: WEIGHTS.amountExact, reason: () => `valor igual ao saldo em aberto (${brl(open)})` };
  }
  if (charged && amount === updated) {
    return several
      ? {
          weight: WEIGHTS.amountExactSum,
          reason: () =>
            `valor igual à soma dos totais atualizados de ${group.length} títulos do devedor (${brl(updated)})`,
        }
      : {
          weight: WEIGHTS.amountExact,
          reason: () => `valor igual ao total atualizado com multa e juros (${brl(updated)})`,
        };
  }
  if (charged && amount > open && amount < updated) {
    return {
      weight: WEIGHTS.amountBetweenOpenAndUpdated,
      reason: () =>
        `valor entre o saldo (${brl(open)}) e o total atualizado (${brl(updated)}): encargos de outra data`,
    };
  }
  const nearOpen = Math.abs(amount - open) <= toleranceCents(open);
  const nearUpdated = charged && Math.abs(amount - updated) <= toleranceCents(updated);
  if (nearOpen || nearUpdated) {
    const target = nearOpen ? open : updated;
    return {
      weight: WEIGHTS.amountNear,
      reason: () =>
        `valor próximo do ${nearOpen ? 'saldo em aberto' : 'total atualizado'} (diferença de ${brl(Math.abs(amount - target))})`,
    };
  }
  if (amount < open) {
    return {
      weight: WEIGHTS.amountPartial,
      reason: () => `valor menor que o saldo (${brl(open)}): pagamento parcial`,
    };
  }
  return {
    weight: WEIGHTS.amountOver,
    reason: () => `valor maior que o devido (${brl(charged ? updated : open)})`,
  };
}

/** Who paid, against one debtor: the same for every receivable of the debtor. */
function identityEvidence(context: LineContext, debtor: OpenReceivable): Evidence[] {
  const found: Evidence[] = [];
  const against: Evidence[] = [];
  const debtorDocument = normalizeDocument(debtor.debtorDocument);
  const label = context.document.length === 11 ? 'CPF' : 'CNPJ';
  if (context.document !== '') {
    if (context.document === debtorDocument) {
      found.push({ weight: WEIGHTS.document, reason: () => `${label} do pagador confere` });
    } else if (
      context.document.length === 14 &&
      debtorDocument.length === 14 &&
      context.document.slice(0, 8) === debtorDocument.slice(0, 8)
    ) {
      found.push({
        weight: WEIGHTS.documentRoot,
        reason: () => 'raiz do CNPJ confere (mesma empresa, outro estabelecimento)',
      });
    } else {
      against.push({ weight: WEIGHTS.documentOther, reason: () => `${label} do pagador é de outra pessoa` });
    }
  }
  if (context.words.length > 0) {
    const similarity = wordsSimilarity(context.words, nameWords(debtor.debtorName));
    const percent = Math.round(similarity * 100);
    if (similarity >= NAME_MIN_SIMILARITY) {
      found.push({
        weight: WEIGHTS.name * similarity,
        reason: () =>
          similarity >= NAME_MATCH
            ? 'nome do pagador confere'
            : similarity >= NAME_SIMILAR
              ? `nome do pagador parecido (${percent}%)`
              : `nome do pagador em parte igual (${percent}%): parente ou empresa ligada?`,
      });
    } else if (similarity < NAME_MISMATCH_BELOW && context.words.length >= 2) {
      against.push({
        weight: WEIGHTS.nameMismatch,
        reason: () => 'nome do pagador sem relação com o devedor',
      });
    }
  }
  found.sort((a, b) => b.weight - a.weight);
  const [strongest, second] = found;
  if (!strongest) return against;
  const result: Evidence[] = [strongest];
  if (second) result.push({ weight: WEIGHTS.identityCorroborated, reason: second.reason });
  return [...result, ...against];
}

function dueDateEvidence(paidOn: CalendarDate, group: readonly OpenReceivable[]): Evidence | null {
  let nearest: number | null = null;
  for (const r of group) {
    const days = daysBetween(r.dueDate, paidOn);
    if (nearest === null || Math.abs(days) < Math.abs(nearest)) nearest = days;
  }
  if (nearest === null) return null;
  const days = nearest;
  const when = () =>
    days === 0
      ? 'pago no vencimento'
      : days > 0
        ? `pago ${days} dia(s) após o vencimento`
        : `pago ${-days} dia(s) antes do vencimento`;
  if (Math.abs(nearest) <= DUE_NEAR_DAYS) return { weight: WEIGHTS.dueDateNear, reason: when };
  if (nearest >= -DUE_CLOSE_BEFORE_DAYS && nearest <= DUE_CLOSE_AFTER_DAYS)
    return { weight: WEIGHTS.dueDateClose, reason: when };
  return null;
}

type Scored = {
  receivableIds: number[];
  debtorId: number;
  confidence: number;
  dueDate: CalendarDate;
  evidence: Evidence[];
};

function score(
  context: LineContext,
  group: readonly OpenReceivable[],
  identity: readonly Evidence[],
): Scored {
  const first = group[0];
  if (!first) throw new Error('a candidate needs a receivable');
  const evidence: Evidence[] = [amountEvidence(context.line.amountCents, group), ...identity];
  const cited = group.filter(
    (r) => cites(context.runs, r.externalId) || cites(context.runs, r.documentNumber),
  );
  if (cited.length > 0) {
    evidence.push({
      weight: WEIGHTS.memoReference,
      reason: () =>
        `histórico cita o título ${cited.map((r) => r.documentNumber ?? r.externalId).join(', ')}`,
    });
  }
  const due = dueDateEvidence(context.line.paidOn, group);
  if (due) evidence.push(due);
  if (context.bankEntry) {
    evidence.push({
      weight: WEIGHTS.notACollection,
      reason: () =>
        'histórico de lançamento bancário (rendimento, resgate, estorno, transferência), não de pagamento',
    });
  }
  const logOdds = evidence.reduce<number>((sum, e) => sum + e.weight, WEIGHTS.prior);
  return {
    receivableIds: group.map((r) => r.id),
    debtorId: first.debtorId,
    confidence: 1 / (1 + Math.exp(-logOdds)),
    dueDate: first.dueDate,
    evidence,
  };
}

/** Every candidate scored, best first: higher confidence, then fewer receivables, older, lower ids. */
function rank(line: StatementLine, receivables: readonly OpenReceivable[]): Scored[] {
  const context = lineContext(line);
  const unique = new Map<number, OpenReceivable>();
  for (const r of receivables) if (r.openCents > 0) unique.set(r.id, r);
  const byDebtor = new Map<number, OpenReceivable[]>();
  for (const r of unique.values()) {
    const list = byDebtor.get(r.debtorId);
    if (list) list.push(r);
    else byDebtor.set(r.debtorId, [r]);
  }
  const scored: Scored[] = [];
  for (const list of byDebtor.values()) {
    list.sort(byDueDate);
    const first = list[0];
    if (!first) continue;
    const identity = identityEvidence(context, first);
    for (const r of list) scored.push(score(context, [r], identity));
    for (const group of groupsPaying(context, list)) scored.push(score(context, group, identity));
  }
  return scored.sort(
    (a, b) =>
      b.confidence - a.confidence ||
      a.receivableIds.length - b.receivableIds.length ||
      (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0) ||
      compareIds(a.receivableIds, b.receivableIds),
  );
}

/** A scored candidate with its reasons, strongest first. */
function describe({ receivableIds, debtorId, confidence, evidence }: Scored): Candidate {
  const reasons = [...evidence].sort((a, b) => b.weight - a.weight).map((e) => e.reason());
  return { receivableIds, debtorId, confidence, reasons };
}

/** Combinations of a debtor's receivables (two or more) whose sum is about the amount paid. */
function groupsPaying(context: LineContext, list: readonly OpenReceivable[]): OpenReceivable[][] {
  if (list.length < 2) return [];
  const amount = context.line.amountCents;
  const combinations: OpenReceivable[][] = [];
  if (list.length <= MAX_EXHAUSTIVE_GROUP) {
    for (let mask = 1; mask < 1 << list.length; mask++) {
      if ((mask & (mask - 1)) === 0) continue;
      combinations.push(list.filter((_, i) => (mask >> i) & 1));
    }
  } else {
    // Many open receivables: the oldest ones first, as a debtor catching up pays, and any two of the
    // oldest MAX_PAIRED.
    for (let size = 2; size <= list.length; size++) combinations.push(list.slice(0, size));
    const paired = Math.min(list.length, MAX_PAIRED);
    for (let i = 0; i < paired; i++) {
      for (let j = i + 1; j < paired; j++) {
        const a = list[i];
        const b = list[j];
        if (a && b && !(i === 0 && j === 1)) combinations.push([a, b]);
      }
    }
  }
  return combinations.filter((group) => {
    const open = group.reduce((sum, r) => sum + r.openCents, 0);
    const updated = group.reduce((sum, r) => sum + Math.max(r.openCents, r.updatedCents ?? r.openCents), 0);
    return (
      Math.abs(amount - open) <= toleranceCents(open) ||
      Math.abs(amount - updated) <= toleranceCents(updated) ||
      (amount > open && amount < updated)
    );
  });
}

function byDueDate(a: OpenReceivable, b: OpenReceivable): number {
  return a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.id - b.id;
}

function compareIds(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}
