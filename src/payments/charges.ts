/**
 * Charges (encargos): the updated amount of a receivable as of a date, as the sum of named
 * components (principal, correção monetária, multa, juros de mora, desconto), each with a
 * one-line pt-BR explanation a debtor can check by hand. Pure: a function of plain data, the
 * rate tables and a date; no clock, no I/O.
 *
 * Rules: /work/shared/reference/BRAZIL.md, "Money" and "Business days". Conventions chosen here:
 *
 * - Money is integer centavos. Rates are decimal strings in percent ('2', '0,5', '1.25') and are
 *   computed with big.js (`Dec`, a private constructor with 40 decimal places for divisions).
 * - ROUNDING: each component is computed exactly and rounded ONCE, in `toCents`, to whole
 *   centavos, half-up (ROUND_HALF_UP: 0,5 centavo goes up), the usual Brazilian banking practice.
 *   The total is the sum of the rounded components, never rounded on its own, so the
 *   explanations always add up to the total to the centavo.
 * - Nothing is due up to the due date. When the due date is a bank non-business day, paying up to
 *   the next bank business day (`nextBankBusinessDay`) carries no charges; later than that,
 *   charges run from the ORIGINAL due date. Days late = calendar days from the due date to
 *   `asOf` (the day after the due date is day 1).
 * - Multa: one time, a percentage of the principal, capped at 2% for persons (CDC art. 52 §1º)
 *   and at the creditor's cap for companies (`multaCapPercentForCompanies`, default 2%, at most
 *   100%: CC art. 412). It is charged on the principal, not on the corrected principal.
 * - Juros de mora, agreed rate: simple interest, pro rata die on a 30-day commercial month
 *   (daily rate = monthly rate / 30, as in boleto and Pix cobv "percentual ao mês"), so 1% a.m.
 *   for 45 days is 1,5%.
 * - Juros de mora without an agreed rate (`jurosMonthlyPercent: null`): the taxa legal (CC art.
 *   406, Lei 14.905/2024, Res. CMN 5.171/2024, BCB SGS 29543), in force from 2024-08-30. Simple
 *   interest; each late day accrues its month's rate divided by the number of calendar days of
 *   that month (a full month accrues exactly that month's rate). A negative rate counts as zero
 *   (CC art. 406 §3º). A late period starting before 2024-08-30 is refused, not guessed.
 * - Juros are charged on the corrected principal (principal + the rounded correção component,
 *   Res. CMN 5.171/2024 art. 7º), so "sobre R$ X" in the explanation is a value the debtor sees.
 * - Correção monetária IPCA (CC art. 389): principal × (product of (1 + monthly variation) − 1)
 *   over the FULL calendar months inside the late period (first day after the due date to
 *   `asOf`, both inclusive). Partial months at either end are not corrected and there is no pro
 *   rata: this can only under-charge, never over-charge (CDC art. 42). Deflation months enter
 *   the product, but a factor below 1 gives zero correction (the nominal amount is preserved).
 *   A month missing from the table is an error listing the months, never an estimate. Note that
 *   IBGE publishes a month's IPCA around the 10th of the next month.
 * - Desconto: applied last, to the subtotal of the other components; a percentage is of that
 *   subtotal; never more than the subtotal, so the total is never negative. The component's
 *   cents are negative. Whether a discount is in force on `asOf` is the caller's decision.
 */
import Big from 'big.js';
import { nextBankBusinessDay } from '../dunning/calendar.ts';
import type { CalendarDate } from '../shared/dates.ts';
import { addDays, daysBetween, isCalendarDate } from '../shared/dates.ts';
import type { Cents } from '../shared/money.ts';
import { formatBrl } from '../shared/money.ts';
import type { MonthlyRates, YearMonth } from './ipca.ts';
import { daysInYearMonth, firstDayOf, lastDayOf, nextYearMonth, yearMonthOf } from './ipca.ts';

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/** Multa cap for consumers (pessoa física), CDC art. 52 §1º; also the default creditor cap. */
export const CONSUMER_MULTA_CAP_PERCENT = '2';
/** First day on which the taxa legal applies when no rate was agreed (Lei 14.905/2024). */
export const TAXA_LEGAL_FROM: CalendarDate = '2024-08-30';
/** Commercial month for the agreed juros rate: daily rate = monthly rate / 30. */
export const JUROS_DAYS_PER_MONTH = 30;

export type DebtorKind = 'person' | 'company';

/** `percent`: a decimal string, e.g. '10' (10% of the subtotal); `fixed`: centavos. */
export type ChargeDiscount = { kind: 'percent'; value: string } | { kind: 'fixed'; value: Cents };

export type ChargeTerms = {
  /** Agreed multa, percent of the principal, e.g. '2'. */
  multaPercent: string;
  /** Agreed juros de mora, percent per month, e.g. '1'; null = no agreed rate: taxa legal. */
  jurosMonthlyPercent: string | null;
  correction: 'none' | 'ipca';
  discount?: ChargeDiscount;
  /** Creditor setting: multa cap for companies, percent; default '2' (the consumer cap). */
  multaCapPercentForCompanies?: string;
};

export type ChargeInput = {
  /** The open amount, net of partial payments. */
  principalCents: Cents;
  dueDate: CalendarDate;
  asOf: CalendarDate;
  debtorKind: DebtorKind;
  terms: ChargeTerms;
};

/** Monthly rate tables (see ./ipca.ts for the CSV format). Only the ones the terms use are needed. */
export type ChargeTables = { ipca?: MonthlyRates; taxaLegal?: MonthlyRates };

export type MonthRate = { month: YearMonth; percent: string };
export type MonthShare = MonthRate & { days: number; daysInMonth: number };

export type PrincipalBasis = {
  dueDate: CalendarDate;
  /** The due date rolled to the next bank business day: payable without charges up to here. */
  payableWithoutChargesUntil: CalendarDate;
  daysLate: number;
};
export type CorrecaoBasis = {
  index: 'ipca';
  baseCents: Cents;
  months: MonthRate[];
  /** Exact accumulated factor, product of (1 + variation). */
  factor: string;
  /** True when the factor is below 1 (deflation) and the correction was set to zero. */
  nominalPreserved: boolean;
};
export type MultaBasis = { baseCents: Cents; agreedPercent: string; capPercent: string; percent: string };
export type JurosBasis = {
  source: 'agreed' | 'taxa_legal';
  baseCents: Cents;
  /** The agreed monthly rate; null for the taxa legal (see `months`). */
  monthlyPercent: string | null;
  from: CalendarDate;
  to: CalendarDate;
  days: number;
  /** Taxa legal only: each month's rate and the late days in it. */
  months: MonthShare[];
};
export type DescontoBasis = {
  subtotalCents: Cents;
  discount: ChargeDiscount;
  requestedCents: Cents;
  /** True when the discount was larger than the subtotal and was reduced to it. */
  cappedAtSubtotal: boolean;
};

type Component<K extends string, B> = { kind: K; cents: Cents; explanation: string; basis: B };

export type ChargeComponent =
  | Component<'principal', PrincipalBasis>
  | Component<'correcao', CorrecaoBasis>
  | Component<'multa', MultaBasis>
  | Component<'juros', JurosBasis>
  | Component<'desconto', DescontoBasis>;

export type ChargeErrorCode =
  | 'invalid_input'
  | 'missing_ipca'
  | 'missing_taxa_legal'
  | 'taxa_legal_not_in_force';

export type ChargeError = { code: ChargeErrorCode; message: string; months: YearMonth[] };

export type Charges = { totalCents: Cents; components: ChargeComponent[] };

export type ChargeResult = ({ ok: true } & Charges) | { ok: false; error: ChargeError };

// ---------------------------------------------------------------------------------------------
// Decimal arithmetic and the one rounding point
// ---------------------------------------------------------------------------------------------

/** Private big.js constructor: settings isolated from any other user of big.js. */
const Dec = Big();
Dec.DP = 40;
Dec.RM = Big.roundHalfUp;

const HUNDRED = Dec(100);

/** 28 × 29 × 30 × 31, a common multiple of every month length, so taxa legal fractions share one denominator. */
const MONTH_LENGTHS_MULTIPLE = 28 * 29 * 30 * 31;

/**
 * THE rounding point: an exact amount in centavos to whole centavos, half-up (ROUND_HALF_UP).
 * Every component goes through here exactly once.
 */
function toCents(exact: Big): Cents {
  return exact.round(0, Big.roundHalfUp).toNumber();
}

const PERCENT = /^\d+(?:[.,]\d+)?$/;

function parsePercent(value: string): Big | null {
  const text = value.trim();
  return PERCENT.test(text) ? Dec(text.replace(',', '.')) : null;
}

// ---------------------------------------------------------------------------------------------
// pt-BR formatting for explanations (display only)
// ---------------------------------------------------------------------------------------------

function formatDate(date: CalendarDate): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}

function formatMonth(month: YearMonth): string {
  return `${month.slice(5, 7)}/${month.slice(0, 4)}`;
}

function formatPercent(value: Big): string {
  return value.toFixed().replace('.', ',');
}

function formatFactor(value: Big): string {
  return value.toFixed(6, Big.roundHalfUp).replace('.', ',');
}

function dias(count: number): string {
  return count === 1 ? '1 dia' : `${count} dias`;
}

// ---------------------------------------------------------------------------------------------
// Components
// ---------------------------------------------------------------------------------------------

function fail(
  code: ChargeErrorCode,
  message: string,
  months: YearMonth[] = [],
): { ok: false; error: ChargeError } {
  return { ok: false, error: { code, message, months } };
}

function principalComponent(
  input: ChargeInput,
  payableUntil: CalendarDate,
  daysLate: number,
): ChargeComponent {
  const { principalCents: cents, dueDate, asOf } = input;
  const amount = formatBrl(cents);
  let explanation: string;
  if (daysLate > 0) {
    explanation = `Valor em aberto, vencido em ${formatDate(dueDate)}, ${dias(daysLate)} de atraso: ${amount}`;
  } else if (asOf > dueDate) {
    explanation = `Valor em aberto, vencimento em ${formatDate(dueDate)} (dia não útil), pagável sem encargos até ${formatDate(payableUntil)}: ${amount}`;
  } else {
    explanation = `Valor em aberto, vencimento em ${formatDate(dueDate)}: ${amount}`;
  }
  return {
    kind: 'principal',
    cents,
    explanation,
    basis: { dueDate, payableWithoutChargesUntil: payableUntil, daysLate },
  };
}

/** Full calendar months inside [from, to]: no partial months at either end. */
export function fullMonthsBetween(from: CalendarDate, to: CalendarDate): YearMonth[] {
  const months: YearMonth[] = [];
  for (let month = yearMonthOf(from); firstDayOf(month) <= to; month = nextYearMonth(month)) {
    if (firstDayOf(month) >= from && lastDayOf(month) <= to) months.push(month);
  }
  return months;
}

type Built = { ok: true; component: ChargeComponent } | { ok: false; error: ChargeError };

function correcaoComponent(
  principalCents: Cents,
  from: CalendarDate,
  to: CalendarDate,
  ipca: MonthlyRates,
): Built {
  const months = fullMonthsBetween(from, to);
  const missing = months.filter((month) => !ipca.has(month));
  if (missing.length > 0) {
    return fail(
      'missing_ipca',
      `IPCA ausente da tabela para ${missing.map(formatMonth).join(', ')}: sem ele não há como calcular a correção monetária`,
      missing,
    );
  }
  const rates: MonthRate[] = months.map((month) => ({ month, percent: ipca.get(month) ?? '0' }));
  let factor = Dec(1);
  for (const { percent } of rates) factor = factor.times(Dec(1).plus(Dec(percent).times('0.01')));
  const nominalPreserved = factor.lt(1);
  const cents = nominalPreserved ? 0 : toCents(Dec(principalCents).times(factor.minus(1)));
  const base = formatBrl(principalCents);
  const first = months[0];
  const last = months[months.length - 1];
  let explanation: string;
  if (first === undefined || last === undefined) {
    explanation = `Correção monetária pelo IPCA: nenhum mês completo de atraso, sem correção: ${formatBrl(cents)}`;
  } else {
    const span = first === last ? formatMonth(first) : `${formatMonth(first)} a ${formatMonth(last)}`;
    const count = months.length === 1 ? '1 mês completo' : `${months.length} meses completos`;
    explanation = nominalPreserved
      ? `Correção monetária pelo IPCA de ${span} (${count}, fator ${formatFactor(factor)}): deflação acumulada, valor nominal de ${base} preservado: ${formatBrl(cents)}`
      : `Correção monetária pelo IPCA de ${span} (${count}, fator ${formatFactor(factor)}) sobre ${base}: ${formatBrl(cents)}`;
  }
  return {
    ok: true,
    component: {
      kind: 'correcao',
      cents,
      explanation,
      basis: {
        index: 'ipca',
        baseCents: principalCents,
        months: rates,
        factor: factor.toFixed(),
        nominalPreserved,
      },
    },
  };
}

function multaComponent(input: ChargeInput, agreed: Big, companyCap: Big): ChargeComponent {
  const cap = input.debtorKind === 'person' ? Dec(CONSUMER_MULTA_CAP_PERCENT) : companyCap;
  const capped = agreed.gt(cap);
  const percent = capped ? cap : agreed;
  const base = input.principalCents;
  const cents = toCents(Dec(base).times(percent).div(HUNDRED));
  const limit =
    input.debtorKind === 'person'
      ? 'limitada pelo CDC art. 52 §1º'
      : 'limitada ao teto do credor para empresas';
  const note = capped ? ` (contrato: ${formatPercent(agreed)}%, ${limit})` : '';
  return {
    kind: 'multa',
    cents,
    explanation: `Multa de ${formatPercent(percent)}%${note} sobre ${formatBrl(base)}: ${formatBrl(cents)}`,
    basis: {
      baseCents: base,
      agreedPercent: agreed.toFixed(),
      capPercent: cap.toFixed(),
      percent: percent.toFixed(),
    },
  };
}

function agreedJurosComponent(
  baseCents: Cents,
  monthly: Big,
  from: CalendarDate,
  to: CalendarDate,
  days: number,
): ChargeComponent {
  const cents = toCents(Dec(baseCents).times(monthly).times(days).div(HUNDRED.times(JUROS_DAYS_PER_MONTH)));
  return {
    kind: 'juros',
    cents,
    explanation: `Juros de mora de ${formatPercent(monthly)}% ao mês, pro rata die, por ${dias(days)} sobre ${formatBrl(baseCents)}: ${formatBrl(cents)}`,
    basis: { source: 'agreed', baseCents, monthlyPercent: monthly.toFixed(), from, to, days, months: [] },
  };
}

function taxaLegalJurosComponent(
  baseCents: Cents,
  from: CalendarDate,
  to: CalendarDate,
  days: number,
  taxaLegal: MonthlyRates,
): Built {
  if (from < TAXA_LEGAL_FROM) {
    return fail(
      'taxa_legal_not_in_force',
      `Sem taxa de juros contratada, a taxa legal só vale a partir de ${formatDate(TAXA_LEGAL_FROM)} e o atraso começa em ${formatDate(from)}: informe a taxa contratada`,
    );
  }
  const shares: MonthShare[] = [];
  const missing: YearMonth[] = [];
  for (let month = yearMonthOf(from); firstDayOf(month) <= to; month = nextYearMonth(month)) {
    const start = firstDayOf(month) > from ? firstDayOf(month) : from;
    const end = lastDayOf(month) < to ? lastDayOf(month) : to;
    const percent = taxaLegal.get(month);
    if (percent === undefined) missing.push(month);
    else
      shares.push({ month, percent, days: daysBetween(start, end) + 1, daysInMonth: daysInYearMonth(month) });
  }
  if (missing.length > 0) {
    return fail(
      'missing_taxa_legal',
      `Taxa legal ausente da tabela para ${missing.map(formatMonth).join(', ')}: sem ela não há como calcular os juros de mora`,
      missing,
    );
  }
  // Sum of rate × days / daysInMonth over the months, on the common denominator MONTH_LENGTHS_MULTIPLE,
  // so the only division is the last one. Negative rates count as zero (CC art. 406 §3º).
  let numerator = Dec(0);
  for (const share of shares) {
    const rate = Dec(share.percent);
    if (rate.gt(0))
      numerator = numerator.plus(rate.times(share.days * (MONTH_LENGTHS_MULTIPLE / share.daysInMonth)));
  }
  const cents = toCents(Dec(baseCents).times(numerator).div(HUNDRED.times(MONTH_LENGTHS_MULTIPLE)));
  const detail = shares
    .map(
      (share) =>
        `${formatMonth(share.month)}: ${formatPercent(Dec(share.percent))}% a.m. por ${share.days}/${share.daysInMonth} dias`,
    )
    .join('; ');
  return {
    ok: true,
    component: {
      kind: 'juros',
      cents,
      explanation: `Juros de mora pela taxa legal (CC art. 406), pro rata die, por ${dias(days)} sobre ${formatBrl(baseCents)} (${detail}): ${formatBrl(cents)}`,
      basis: { source: 'taxa_legal', baseCents, monthlyPercent: null, from, to, days, months: shares },
    },
  };
}

/** A validated discount: a percentage as a decimal, or centavos. */
type ResolvedDiscount = { kind: 'percent'; percent: Big } | { kind: 'fixed'; cents: Cents };

function descontoComponent(
  subtotalCents: Cents,
  discount: ChargeDiscount,
  resolved: ResolvedDiscount,
): ChargeComponent {
  const requested =
    resolved.kind === 'fixed'
      ? resolved.cents
      : toCents(Dec(subtotalCents).times(resolved.percent).div(HUNDRED));
  const cappedAtSubtotal = requested > subtotalCents;
  const applied = cappedAtSubtotal ? subtotalCents : requested;
  const cents = 0 - applied; // 0 - 0 is +0, never -0
  const what =
    resolved.kind === 'fixed'
      ? `Desconto de ${formatBrl(requested)}`
      : `Desconto de ${formatPercent(resolved.percent)}% sobre ${formatBrl(subtotalCents)}`;
  const cap = cappedAtSubtotal ? ', limitado ao valor devido' : '';
  return {
    kind: 'desconto',
    cents,
    explanation: `${what}${cap}: ${formatBrl(cents)}`,
    basis: { subtotalCents, discount, requestedCents: requested, cappedAtSubtotal },
  };
}

function sumCents(components: readonly ChargeComponent[]): Cents {
  let total = 0;
  for (const component of components) total += component.cents;
  return total;
}

// ---------------------------------------------------------------------------------------------
// Use cases
// ---------------------------------------------------------------------------------------------

/**
 * The updated amount of one receivable as of `input.asOf`, as components that add up exactly to
 * `totalCents`. Refuses (ok: false) invalid input and missing rate-table months; never guesses.
 */
export function calculateCharges(input: ChargeInput, tables: ChargeTables = {}): ChargeResult {
  const { principalCents, dueDate, asOf, terms } = input;
  if (!Number.isSafeInteger(principalCents) || principalCents < 0) {
    return fail(
      'invalid_input',
      `Valor principal inválido: ${principalCents} (centavos inteiros, não negativos)`,
    );
  }
  if (!isCalendarDate(dueDate)) return fail('invalid_input', `Data de vencimento inválida: ${dueDate}`);
  if (!isCalendarDate(asOf)) return fail('invalid_input', `Data de cálculo inválida: ${asOf}`);
  if (input.debtorKind !== 'person' && input.debtorKind !== 'company') {
    return fail('invalid_input', `Tipo de devedor inválido: ${String(input.debtorKind)}`);
  }
  const multaPercent = parsePercent(terms.multaPercent);
  if (multaPercent === null)
    return fail('invalid_input', `Percentual de multa inválido: ${terms.multaPercent}`);
  const companyCapText = terms.multaCapPercentForCompanies ?? CONSUMER_MULTA_CAP_PERCENT;
  const companyCap = parsePercent(companyCapText);
  if (companyCap === null || companyCap.gt(100)) {
    return fail(
      'invalid_input',
      `Teto de multa para empresas inválido: ${companyCapText} (de 0 a 100%, CC art. 412)`,
    );
  }
  let jurosMonthly: Big | null = null;
  if (terms.jurosMonthlyPercent !== null) {
    jurosMonthly = parsePercent(terms.jurosMonthlyPercent);
    if (jurosMonthly === null) {
      return fail('invalid_input', `Taxa de juros inválida: ${terms.jurosMonthlyPercent}`);
    }
  }
  if (terms.correction !== 'none' && terms.correction !== 'ipca') {
    return fail('invalid_input', `Correção monetária inválida: ${String(terms.correction)}`);
  }
  let discount: ResolvedDiscount | null = null;
  if (terms.discount !== undefined) {
    if (terms.discount.kind === 'percent') {
      const percent = parsePercent(terms.discount.value);
      if (percent === null)
        return fail('invalid_input', `Percentual de desconto inválido: ${terms.discount.value}`);
      discount = { kind: 'percent', percent };
    } else if (terms.discount.kind === 'fixed') {
      const cents = terms.discount.value;
      if (!Number.isSafeInteger(cents) || cents < 0) {
        return fail('invalid_input', `Desconto inválido: ${cents} (centavos inteiros, não negativos)`);
      }
      discount = { kind: 'fixed', cents };
    } else {
      return fail('invalid_input', 'Tipo de desconto inválido');
    }
  }

  const payableUntil = nextBankBusinessDay(dueDate);
  const daysLate = asOf > payableUntil ? daysBetween(dueDate, asOf) : 0;
  const components: ChargeComponent[] = [principalComponent(input, payableUntil, daysLate)];

  if (daysLate > 0) {
    const from = addDays(dueDate, 1);
    let jurosBase = principalCents;
    if (terms.correction === 'ipca') {
      const correcao = correcaoComponent(principalCents, from, asOf, tables.ipca ?? new Map());
      if (!correcao.ok) return correcao;
      components.push(correcao.component);
      jurosBase += correcao.component.cents;
    }
    components.push(multaComponent(input, multaPercent, companyCap));
    if (jurosMonthly === null) {
      const juros = taxaLegalJurosComponent(jurosBase, from, asOf, daysLate, tables.taxaLegal ?? new Map());
      if (!juros.ok) return juros;
      components.push(juros.component);
    } else {
      components.push(agreedJurosComponent(jurosBase, jurosMonthly, from, asOf, daysLate));
    }
  }

  if (terms.discount !== undefined && discount !== null) {
    components.push(descontoComponent(sumCents(components), terms.discount, discount));
  }

  const totalCents = sumCents(components);
  if (!Number.isSafeInteger(totalCents) || !components.every((c) => Number.isSafeInteger(c.cents))) {
    return fail('invalid_input', 'Valores fora do intervalo calculável');
  }
  return { ok: true, totalCents, components };
}

export type ReceivableChargeInput = Omit<ChargeInput, 'asOf'> & { receivableId: string };

export type ReceivableCharges = Charges & { receivableId: string };

export type ReceivablesChargeResult =
  | { ok: true; asOf: CalendarDate; totalCents: Cents; receivables: ReceivableCharges[] }
  | { ok: false; asOf: CalendarDate; errors: Array<{ receivableId: string; error: ChargeError }> };

/**
 * The updated amount of several receivables as of one date: each computed on its own by
 * `calculateCharges`, the total the sum of their totals. Any receivable that cannot be computed
 * fails the whole call (with every failure listed), so a total is never silently partial.
 */
export function chargeAsOf(
  receivables: readonly ReceivableChargeInput[],
  asOf: CalendarDate,
  tables: ChargeTables = {},
): ReceivablesChargeResult {
  const computed: ReceivableCharges[] = [];
  const errors: Array<{ receivableId: string; error: ChargeError }> = [];
  let totalCents = 0;
  for (const { receivableId, ...rest } of receivables) {
    const result = calculateCharges({ ...rest, asOf }, tables);
    if (result.ok) {
      computed.push({ receivableId, totalCents: result.totalCents, components: result.components });
      totalCents += result.totalCents;
    } else {
      errors.push({ receivableId, error: result.error });
    }
  }
  if (errors.length > 0) return { ok: false, asOf, errors };
  return { ok: true, asOf, totalCents, receivables: computed };
}
