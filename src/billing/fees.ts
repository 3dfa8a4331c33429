/**
 * BPO fees (honorários), the pure part: validating fee terms, picking a line's rate by days late, and
 * the success fee of a statement, exact and rounded once. docs/BILLING.md gives the definitions and a
 * worked example (checked by fees.test.ts).
 */
import Big from 'big.js';
import type { CalendarDate } from '../shared/dates.ts';
import type { Cents } from '../shared/money.ts';
import type { FeeTier } from './schema.ts';

export type { FeeTier };

/** 'YYYY-MM': a calendar month. */
export type Month = string;

export type FeeTerms = {
  monthlyFeeCents: Cents;
  /** The one rate for every recovery, when there are no tiers. */
  successFeeBasisPoints: number | null;
  /** By days late at recovery; when present they decide the rate. */
  tiers: FeeTier[];
};

export const MAX_TIERS = 10;
/** 1 000 000 000,00: no monthly fee is larger. */
export const MAX_MONTHLY_FEE_CENTS = 100_000_000_000;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(value: string): boolean {
  return MONTH.test(value);
}

/** '2026-03' → '2026-03-01'. */
export function monthStart(month: Month): CalendarDate {
  return `${month}-01`;
}

/** '2026-02' → '2026-02-28'. */
export function monthEnd(month: Month): CalendarDate {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${month}-${String(last).padStart(2, '0')}`;
}

export function monthOf(date: CalendarDate): Month {
  return date.slice(0, 7);
}

export function addMonthsTo(month: Month, n: number): Month {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * Where a month stands on `today` (in the organization's time zone): `closed` once its last day has
 * ended, `open` while it runs, `future` before it starts. Only a closed month can be issued.
 */
export function monthState(month: Month, today: CalendarDate): 'closed' | 'open' | 'future' {
  if (today > monthEnd(month)) return 'closed';
  if (today >= monthStart(month)) return 'open';
  return 'future';
}

/** 1250 → '12,5%' (pt-BR, for people). */
export function formatBasisPoints(bp: number): string {
  return `${new Big(bp).div(100).toFixed().replace('.', ',')}%`;
}

/** Every problem with a set of fee terms, in pt-BR; none means they are sound. */
export function validateFeeTerms(terms: FeeTerms): string[] {
  const problems: string[] = [];
  const { monthlyFeeCents, successFeeBasisPoints, tiers } = terms;
  if (
    !Number.isSafeInteger(monthlyFeeCents) ||
    monthlyFeeCents < 0 ||
    monthlyFeeCents > MAX_MONTHLY_FEE_CENTS
  )
    problems.push('Mensalidade inválida: informe um valor em reais de 0 a 1 bilhão.');
  const validRate = (bp: number) => Number.isInteger(bp) && bp >= 0 && bp <= 10_000;
  if (tiers.length === 0) {
    if (successFeeBasisPoints === null)
      problems.push('Informe a taxa de êxito (percentual sobre o valor recuperado) ou as faixas por atraso.');
    else if (!validRate(successFeeBasisPoints))
      problems.push('Taxa de êxito inválida: use um percentual de 0% a 100%, com até duas casas decimais.');
    return problems;
  }
  if (successFeeBasisPoints !== null)
    problems.push('Com faixas por atraso, a taxa de êxito é a de cada faixa: deixe a taxa única em branco.');
  if (tiers.length > MAX_TIERS) problems.push(`No máximo ${MAX_TIERS} faixas por atraso.`);
  tiers.forEach((tier, index) => {
    const label = `Faixa ${index + 1}`;
    const last = index === tiers.length - 1;
    if (!Number.isInteger(tier.fromDays) || tier.fromDays < 1)
      problems.push(`${label}: o início deve ser um número inteiro de dias de atraso, a partir de 1.`);
    if (tier.toDays !== null && (!Number.isInteger(tier.toDays) || tier.toDays < tier.fromDays))
      problems.push(
        `${label}: o fim (${tier.toDays} dias) deve ser maior ou igual ao início (${tier.fromDays}).`,
      );
    if (!validRate(tier.basisPoints))
      problems.push(`${label}: taxa inválida; use um percentual de 0% a 100%, com até duas casas decimais.`);
    if (index === 0 && tier.fromDays !== 1)
      problems.push(
        `${label}: a primeira faixa deve começar em 1 dia de atraso (começa em ${tier.fromDays}).`,
      );
    const previous = tiers[index - 1];
    if (previous) {
      if (previous.toDays === null)
        problems.push(`${label}: a faixa anterior não tem fim, então nenhuma faixa pode vir depois dela.`);
      else if (tier.fromDays <= previous.toDays)
        problems.push(
          `${label}: sobrepõe a faixa ${index} (começa em ${tier.fromDays}, a anterior vai até ${previous.toDays}).`,
        );
      else if (tier.fromDays !== previous.toDays + 1)
        problems.push(
          `${label}: deixa um intervalo sem taxa (de ${previous.toDays + 1} a ${tier.fromDays - 1} dias); as faixas devem ser contínuas.`,
        );
    }
    if (last && tier.toDays !== null)
      problems.push(`${label}: a última faixa deve ficar sem fim ("ou mais"), para cobrir todo atraso.`);
  });
  return problems;
}

/** The rate of a recovery `daysLate` days late (≥ 1), and the tier that gave it (null: the single rate). */
export function rateFor(terms: FeeTerms, daysLate: number): { basisPoints: number; tier: FeeTier | null } {
  if (terms.tiers.length === 0) return { basisPoints: terms.successFeeBasisPoints ?? 0, tier: null };
  const tier = terms.tiers.find((t) => daysLate >= t.fromDays && (t.toDays === null || daysLate <= t.toDays));
  if (!tier) throw new Error(`no tier covers ${daysLate} days late: the terms were not validated`);
  return { basisPoints: tier.basisPoints, tier };
}

/** A recovery's share of the success fee before rounding: cents × bp / 10 000 (at most 4 decimals). */
export function exactFee(cents: Cents, basisPoints: number): Big {
  return new Big(cents).times(basisPoints).div(10_000);
}

export type FeeComputation = {
  recoveredCents: Cents;
  /** Σ exact line fees, unrounded, as a decimal string ('1234.5678'). */
  exactTotal: string;
  /** The success fee: the exact total rounded half-up to the centavo, once (`roundSuccessFee`). */
  successFeeCents: Cents;
  lines: Array<{ exact: string; feeCents: Cents }>;
};

/**
 * THE rounding of the success fee, and the only one: the exact sum of the lines' fees, half-up to the
 * centavo.
 */
export function roundSuccessFee(exactTotal: Big): Cents {
  return Number(exactTotal.round(0, Big.roundHalfUp).toFixed(0));
}

/**
 * The success fee of a statement's lines. The total is rounded once (roundSuccessFee); each line's fee
 * in centavos is its exact fee cut down to the centavo, and the centavos the cuts left over go one each
 * to the lines with the largest cut-off fraction (the earlier line on a tie). Line fees therefore add
 * up to the total exactly, and each is within one centavo of its exact fee.
 */
export function computeFees(lines: ReadonlyArray<{ cents: Cents; basisPoints: number }>): FeeComputation {
  const exact = lines.map((l) => exactFee(l.cents, l.basisPoints));
  const exactTotal = exact.reduce((sum, e) => sum.plus(e), new Big(0));
  const successFeeCents = roundSuccessFee(exactTotal);
  const floors = exact.map((e) => Number(e.round(0, Big.roundDown).toFixed(0)));
  let left = successFeeCents - floors.reduce((s, f) => s + f, 0);
  const order = exact
    .map((e, index) => ({ index, fraction: e.minus(floors[index] ?? 0) }))
    .filter((x) => x.fraction.gt(0))
    .sort((a, b) => b.fraction.cmp(a.fraction) || a.index - b.index);
  const fees = [...floors];
  for (const { index } of order) {
    if (left <= 0) break;
    fees[index] = (fees[index] ?? 0) + 1;
    left -= 1;
  }
  if (left !== 0) throw new Error('success fee apportionment did not add up');
  return {
    recoveredCents: lines.reduce((s, l) => s + l.cents, 0),
    exactTotal: exactTotal.toFixed(),
    successFeeCents,
    lines: exact.map((e, index) => ({ exact: e.toFixed(4), feeCents: fees[index] ?? 0 })),
  };
}
