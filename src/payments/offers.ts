/**
 * Negotiation offers (propostas de acordo): for the receivables a debtor selects, a cash offer
 * with the discount the creditor's policy allows and up to three installment plans (Tabela
 * Price), each with pt-BR lines a debtor can check by hand. Pure: a function of plain data, the
 * policy and a date; no clock, no I/O.
 *
 * The debt comes in already updated (principal and encargos as of `asOf`), normally from
 * `chargeAsOf` in ./charges.ts through `debtBreakdownFromCharges`.
 *
 * Rules: /work/shared/reference/BRAZIL.md, "Money". Conventions chosen here:
 *
 * - Money is integer centavos; percentages are decimal strings ('1.99' or '1,99') computed with
 *   big.js (`Dec`, a private constructor with 40 decimal places for divisions). Each amount is
 *   rounded ONCE, at one of the four named rounding points below; sums are never re-rounded.
 * - Updated total = Σ (principal + encargos) of the selected receivables.
 * - CASH (`avista`, one payment due today + `firstDueInDays`): the discount bucket is the one of
 *   the OLDEST receivable (largest days late): the first bucket, in ascending `maxDaysLate`, with
 *   `maxDaysLate >= daysLate`; beyond the last bucket the last one applies (it is open-ended).
 *   The maximum percentage applies to the encargos only (`charges`) or to the updated total
 *   (`total`). Rounding point 1, `discountCents`: ROUND_DOWN, so the discount never exceeds the
 *   policy's maximum. No bucket (empty list) means no discount.
 * - INSTALLMENTS (`parcelado-N`): N is the number of payments INCLUDING the down payment
 *   (entrada): the entrada, due on the first due date, then N − 1 monthly installments due on
 *   `addMonths(firstDue, j)` (day of month kept, clamped to the month's end), j = 1 … N − 1. No
 *   discount and interest at the policy's monthly rate.
 *   - Entrada = max(policy minimum, level amount). Policy minimum: `downPaymentPercent` of the
 *     updated total, rounding point 2 `downPaymentCents`: ROUND_UP (never below the minimum).
 *     Level amount: the payment that would make all N payments equal (Price with the first
 *     payment on the first due date, total / (1 + a(N − 1)) where a(k) = (1 − (1+i)^−k) / i),
 *     also ROUND_UP. So the entrada is never smaller than the regular installments (PMT <= level
 *     amount), and is clearly larger only when the policy minimum asks for more.
 *   - Financed balance PV = updated total − entrada; Price payment PMT = PV·i / (1 − (1+i)^−k),
 *     k = N − 1 (PV / k when the rate is 0), kept exact.
 *   - Rounding point 3, `installmentsTotalCents`: the installments add up to k × PMT rounded
 *     ONCE, half-up (exactly PV when the rate is 0).
 *   - Rounding point 4, `regularInstallmentCents`: every installment but the last is PMT
 *     truncated to the centavo (ROUND_DOWN; a single installment is simply the rounded total);
 *     the LAST one is the rest, so it is never smaller than the others and at most k centavos
 *     larger (at zero rate the remainder, PV mod k, lands on it).
 *     Hence entrada + Σ installments = offer total, to the centavo.
 *   - A plan is offered when N <= `maxInstallments`, k >= 1, PV > 0 and the regular installment
 *     >= `minInstallmentCents`. Because the last installment is never smaller than the regular
 *     one and the entrada is never smaller than PMT, EVERY payment of an offered plan (entrada and
 *     last installment included) is >= `minInstallmentCents`.
 * - The result is the cash offer first, then the plans that fit in ascending N (at most 3, since
 *   a policy lists at most 3 options): 1 to 4 offers. Options that do not fit are explained in
 *   the cash offer, so a debt too small for any plan gets only the cash offer and the reason.
 * - Invalid policy or input throws `OfferRequestError` with every problem in pt-BR; callers that
 *   take a policy from a user validate it first with `validatePolicy`.
 */
import Big from 'big.js';
import type { CalendarDate } from '../shared/dates.ts';
import { addDays, addMonths, isCalendarDate } from '../shared/dates.ts';
import type { Cents } from '../shared/money.ts';
import { formatBrl } from '../shared/money.ts';
import type { ReceivableCharges } from './charges.ts';

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

export type DiscountBucket = {
  /** Upper bound (inclusive) of the days-late range; the last bucket also covers everything above. */
  maxDaysLate: number;
  /** Maximum discount for paying cash, percent, e.g. '100'. */
  maxDiscountPercent: string;
  /** `charges`: percent of the encargos (multa, juros, correção); `total`: of principal + encargos. */
  appliesTo: 'charges' | 'total';
};

export type NegotiationPolicy = {
  /** Cash discount by the oldest receivable's days late, ascending `maxDaysLate`. */
  discountByDaysLate: DiscountBucket[];
  /** Largest number of payments of a plan, entrada included. */
  maxInstallments: number;
  /** Smallest installment (and entrada) a plan may have, centavos, at least 1. */
  minInstallmentCents: Cents;
  /** Minimum entrada of an installment plan, percent of the updated total, e.g. '10'. */
  downPaymentPercent: string;
  /** Interest on installment plans, percent per month (Tabela Price), e.g. '1.99'; '0' allowed. */
  installmentMonthlyRatePercent: string;
  /** Plans to propose, as numbers of payments including the entrada, e.g. [3, 6, 12]; at most 3. */
  installmentOptions: number[];
  /** Days from today to the first due date (cash payment or entrada). */
  firstDueInDays: number;
  /** Days an agreement's payment may be late before the agreement breaks; 10 when absent. */
  breakToleranceDays?: number;
};

export const DEFAULT_BREAK_TOLERANCE_DAYS = 10;
export const MAX_BREAK_TOLERANCE_DAYS = 90;

/** A suggested starting point; each creditor tunes its own. */
export const DEFAULT_POLICY: NegotiationPolicy = {
  discountByDaysLate: [
    { maxDaysLate: 30, maxDiscountPercent: '50', appliesTo: 'charges' },
    { maxDaysLate: 90, maxDiscountPercent: '100', appliesTo: 'charges' },
    { maxDaysLate: 180, maxDiscountPercent: '10', appliesTo: 'total' },
    { maxDaysLate: 365, maxDiscountPercent: '20', appliesTo: 'total' },
  ],
  maxInstallments: 12,
  minInstallmentCents: 5_000,
  downPaymentPercent: '10',
  installmentMonthlyRatePercent: '1.99',
  installmentOptions: [3, 6, 12],
  firstDueInDays: 3,
  breakToleranceDays: DEFAULT_BREAK_TOLERANCE_DAYS,
};

/** Upper bounds that keep the arithmetic and the schedule sane. */
export const MAX_INSTALLMENTS_LIMIT = 120;
export const MAX_INSTALLMENT_OPTIONS = 3;
export const MAX_FIRST_DUE_IN_DAYS = 365;

/** One selected receivable, updated as of `asOf`. */
export type DebtItem = {
  receivableId: string;
  principalCents: Cents;
  /** Encargos: multa + juros + correção monetária, net of any contractual desconto. */
  chargesCents: Cents;
  daysLate: number;
};

export type OfferRequest = {
  debtBreakdown: readonly DebtItem[];
  policy: NegotiationPolicy;
  today: CalendarDate;
  /** The date the breakdown was updated to; defaults to `today`. Shown in the explanation. */
  asOf?: CalendarDate;
};

export type OfferKey = 'avista' | `parcelado-${number}`;

export type Installment = { number: number; dueDate: CalendarDate; amountCents: Cents };

export type Offer = {
  key: OfferKey;
  kind: 'cash' | 'installments';
  /** What the debtor pays in all: downPaymentCents + Σ installments. */
  totalCents: Cents;
  /** Discount off the updated total (cash only; 0 for plans). */
  discountCents: Cents;
  /** Entrada (0 for cash). */
  downPaymentCents: Cents;
  /** Due date of the entrada; null when there is none (cash). */
  downPaymentDueDate: CalendarDate | null;
  /** Cash: one payment. Plans: the N − 1 monthly installments after the entrada. */
  installments: Installment[];
  /** Interest per month on the plan, percent, e.g. '1.99'; '0' for cash. */
  monthlyRatePercent: string;
  explanation: string[];
};

export class OfferRequestError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('; '));
    this.name = 'OfferRequestError';
    this.problems = problems;
  }
}

// ---------------------------------------------------------------------------------------------
// Decimal arithmetic and the named rounding points
// ---------------------------------------------------------------------------------------------

/** Private big.js constructor: settings isolated from any other user of big.js. */
const Dec = Big();
Dec.DP = 40;
Dec.RM = Big.roundHalfUp;

const HUNDRED = Dec(100);

function roundTo(exact: Big, mode: Big.RoundingMode): Cents {
  return exact.round(0, mode).toNumber();
}

/** Rounding point 1: the cash discount, down, so it never exceeds the policy's maximum. */
function discountCents(baseCents: Cents, percent: Big): Cents {
  return roundTo(Dec(baseCents).times(percent).div(HUNDRED), Big.roundDown);
}

/** Rounding point 2: the entrada, up, so it is never below the minimum or the level amount. */
function downPaymentCents(exact: Big): Cents {
  return roundTo(exact, Big.roundUp);
}

/** Rounding point 3: the sum of the installments, k × PMT, half-up, once. */
function installmentsTotalCents(exact: Big): Cents {
  return roundTo(exact, Big.roundHalfUp);
}

/** Rounding point 4: a regular installment, PMT truncated; the last installment takes the rest. */
function regularInstallmentCents(exact: Big): Cents {
  return roundTo(exact, Big.roundDown);
}

const PERCENT = /^\d+(?:[.,]\d+)?$/;

function parsePercent(value: unknown): Big | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return PERCENT.test(text) ? Dec(text.replace(',', '.')) : null;
}

/** Present value factor of k monthly payments at rate i: a(k) = (1 − (1+i)^−k) / i (k when i = 0). */
function annuityFactor(rate: Big, count: number): Big {
  if (rate.eq(0)) return Dec(count);
  return Dec(1)
    .minus(Dec(1).div(rate.plus(1).pow(count)))
    .div(rate);
}

export type PriceSchedule = {
  /** Σ installments (rounding point 3). */
  totalCents: Cents;
  /** Every installment but the last (rounding point 4). */
  regularCents: Cents;
  /** The last installment: the rest, never smaller than `regularCents`. */
  lastCents: Cents;
  /** The `count` amounts, in order. */
  amountsCents: Cents[];
  /** The exact Price payment, as a decimal string in centavos (40 decimal places at most). */
  exactPaymentCents: string;
};

/**
 * Tabela Price for a financed balance: `count` monthly payments, the first one month after the
 * balance is financed, PMT = PV·i / (1 − (1+i)^−n). See the module comment for the rounding.
 */
export function priceSchedule(
  principalCents: Cents,
  monthlyRatePercent: string,
  count: number,
): PriceSchedule {
  const rate = parsePercent(monthlyRatePercent);
  if (rate === null) throw new OfferRequestError([`Taxa de juros inválida: ${monthlyRatePercent}`]);
  if (!Number.isSafeInteger(principalCents) || principalCents < 0) {
    throw new OfferRequestError([`Saldo financiado inválido: ${principalCents}`]);
  }
  if (!Number.isInteger(count) || count < 1 || count > MAX_INSTALLMENTS_LIMIT) {
    throw new OfferRequestError([`Número de parcelas inválido: ${count}`]);
  }
  const i = rate.div(HUNDRED);
  const payment = Dec(principalCents).div(annuityFactor(i, count));
  const totalCents = i.eq(0) ? principalCents : installmentsTotalCents(payment.times(count));
  // A single installment is the whole (rounded-once) total: nothing for a "last" to absorb.
  const regularCents = count === 1 ? totalCents : regularInstallmentCents(payment);
  const lastCents = totalCents - regularCents * (count - 1);
  const amountsCents = Array.from({ length: count }, (_, index) =>
    index === count - 1 ? lastCents : regularCents,
  );
  return { totalCents, regularCents, lastCents, amountsCents, exactPaymentCents: payment.toFixed() };
}

// ---------------------------------------------------------------------------------------------
// pt-BR formatting for explanations (display only)
// ---------------------------------------------------------------------------------------------

function formatDate(date: CalendarDate): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}

function formatPercent(value: Big): string {
  return value.toFixed().replace('.', ',');
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}

/** Problems with a policy, in pt-BR; empty when it is valid. */
export function validatePolicy(policy: NegotiationPolicy): string[] {
  const problems: string[] = [];
  if (!Array.isArray(policy.discountByDaysLate)) {
    problems.push('Faixas de desconto por atraso ausentes');
  } else {
    let previous = -1;
    policy.discountByDaysLate.forEach((bucket, index) => {
      const label = `Faixa de desconto ${index + 1}`;
      if (!isIntegerIn(bucket.maxDaysLate, 0, Number.MAX_SAFE_INTEGER)) {
        problems.push(`${label}: dias de atraso inválidos (${String(bucket.maxDaysLate)})`);
      } else {
        if (bucket.maxDaysLate <= previous) {
          problems.push(`${label}: as faixas devem estar em ordem crescente de dias de atraso, sem repetir`);
        }
        previous = bucket.maxDaysLate;
      }
      const percent = parsePercent(bucket.maxDiscountPercent);
      if (percent === null || percent.gt(100)) {
        problems.push(
          `${label}: desconto máximo inválido (${String(bucket.maxDiscountPercent)}), de 0 a 100%`,
        );
      }
      if (bucket.appliesTo !== 'charges' && bucket.appliesTo !== 'total') {
        problems.push(`${label}: o desconto vale sobre os encargos (charges) ou sobre o total (total)`);
      }
    });
  }
  if (!isIntegerIn(policy.maxInstallments, 1, MAX_INSTALLMENTS_LIMIT)) {
    problems.push(
      `Número máximo de parcelas inválido (${String(policy.maxInstallments)}): de 1 a ${MAX_INSTALLMENTS_LIMIT}`,
    );
  }
  if (!isIntegerIn(policy.minInstallmentCents, 1, Number.MAX_SAFE_INTEGER)) {
    problems.push(
      `Parcela mínima inválida (${String(policy.minInstallmentCents)}): centavos inteiros, ao menos 1`,
    );
  }
  const down = parsePercent(policy.downPaymentPercent);
  if (down === null || down.gte(100)) {
    problems.push(
      `Entrada mínima inválida (${String(policy.downPaymentPercent)}): de 0 a menos de 100% do valor`,
    );
  }
  const rate = parsePercent(policy.installmentMonthlyRatePercent);
  if (rate === null || rate.gt(100)) {
    problems.push(
      `Juros do parcelamento inválidos (${String(policy.installmentMonthlyRatePercent)}): de 0 a 100% ao mês`,
    );
  }
  if (!Array.isArray(policy.installmentOptions)) {
    problems.push('Opções de parcelamento ausentes');
  } else {
    if (policy.installmentOptions.length > MAX_INSTALLMENT_OPTIONS) {
      problems.push(`No máximo ${MAX_INSTALLMENT_OPTIONS} opções de parcelamento`);
    }
    const seen = new Set<number>();
    for (const option of policy.installmentOptions) {
      if (!isIntegerIn(option, 2, MAX_INSTALLMENTS_LIMIT)) {
        problems.push(
          `Opção de parcelamento inválida (${String(option)}): de 2 a ${MAX_INSTALLMENTS_LIMIT} pagamentos, entrada incluída`,
        );
      } else if (seen.has(option)) {
        problems.push(`Opção de parcelamento repetida: ${option}x`);
      }
      if (typeof option === 'number') seen.add(option);
    }
  }
  if (
    policy.breakToleranceDays !== undefined &&
    !isIntegerIn(policy.breakToleranceDays, 0, MAX_BREAK_TOLERANCE_DAYS)
  ) {
    problems.push(
      `Tolerância de atraso do acordo inválida (${String(policy.breakToleranceDays)}): de 0 a ${MAX_BREAK_TOLERANCE_DAYS} dias`,
    );
  }
  if (!isIntegerIn(policy.firstDueInDays, 0, MAX_FIRST_DUE_IN_DAYS)) {
    problems.push(
      `Prazo do primeiro vencimento inválido (${String(policy.firstDueInDays)}): de 0 a ${MAX_FIRST_DUE_IN_DAYS} dias`,
    );
  }
  return problems;
}

/** Problems with a whole request (policy, selected receivables, dates), in pt-BR. */
export function validateOfferRequest(request: OfferRequest): string[] {
  const problems = validatePolicy(request.policy);
  const { debtBreakdown, today, asOf } = request;
  if (typeof today !== 'string' || !isCalendarDate(today)) problems.push(`Data de hoje inválida: ${today}`);
  if (asOf !== undefined && (typeof asOf !== 'string' || !isCalendarDate(asOf))) {
    problems.push(`Data de atualização inválida: ${asOf}`);
  }
  if (!Array.isArray(debtBreakdown) || debtBreakdown.length === 0) {
    problems.push('Selecione ao menos um título para negociar');
    return problems;
  }
  const ids = new Set<string>();
  let total = 0;
  for (const item of debtBreakdown) {
    const id = typeof item.receivableId === 'string' ? item.receivableId : '';
    const label = `Título ${id === '' ? '(sem identificador)' : id}`;
    if (id === '') problems.push(`${label}: identificador ausente`);
    else if (ids.has(id)) problems.push(`${label}: selecionado mais de uma vez`);
    ids.add(id);
    if (!isIntegerIn(item.principalCents, 0, Number.MAX_SAFE_INTEGER)) {
      problems.push(`${label}: principal inválido (${String(item.principalCents)})`);
    } else total += item.principalCents;
    if (!isIntegerIn(item.chargesCents, 0, Number.MAX_SAFE_INTEGER)) {
      problems.push(`${label}: encargos inválidos (${String(item.chargesCents)})`);
    } else total += item.chargesCents;
    if (!isIntegerIn(item.daysLate, 0, Number.MAX_SAFE_INTEGER)) {
      problems.push(`${label}: dias de atraso inválidos (${String(item.daysLate)})`);
    }
  }
  // Room for the interest of any valid plan (at most 100% a.m.: k × PMT <= 2 × 120 × the total).
  if (!Number.isSafeInteger(total * 1_000)) problems.push('Valor total fora do intervalo calculável');
  else if (total === 0) problems.push('Nada a negociar: os títulos selecionados não têm valor em aberto');
  return problems;
}

// ---------------------------------------------------------------------------------------------
// From charges to a debt breakdown
// ---------------------------------------------------------------------------------------------

/**
 * The breakdown of receivables updated by `chargeAsOf`: principal = the principal component,
 * encargos = the rest of the total (correção + multa + juros − desconto). A contractual desconto
 * larger than the encargos reduces the principal, so both stay >= 0 and add up to the total.
 */
export function debtBreakdownFromCharges(receivables: readonly ReceivableCharges[]): DebtItem[] {
  return receivables.map(({ receivableId, totalCents, components }) => {
    const principal = components.find((component) => component.kind === 'principal');
    const principalCents = Math.min(principal?.cents ?? 0, totalCents);
    const daysLate = principal?.kind === 'principal' ? principal.basis.daysLate : 0;
    return { receivableId, principalCents, chargesCents: totalCents - principalCents, daysLate };
  });
}

// ---------------------------------------------------------------------------------------------
// Offers
// ---------------------------------------------------------------------------------------------

type Debt = {
  principalCents: Cents;
  chargesCents: Cents;
  totalCents: Cents;
  maxDaysLate: number;
  count: number;
  asOf: CalendarDate;
};

function summarize(request: OfferRequest): Debt {
  let principalCents = 0;
  let chargesCents = 0;
  let maxDaysLate = 0;
  for (const item of request.debtBreakdown) {
    principalCents += item.principalCents;
    chargesCents += item.chargesCents;
    maxDaysLate = Math.max(maxDaysLate, item.daysLate);
  }
  return {
    principalCents,
    chargesCents,
    totalCents: principalCents + chargesCents,
    maxDaysLate,
    count: request.debtBreakdown.length,
    asOf: request.asOf ?? request.today,
  };
}

function debtLine(debt: Debt): string {
  return `Valor atualizado em ${formatDate(debt.asOf)} de ${plural(debt.count, 'título', 'títulos')}: ${formatBrl(debt.totalCents)} (principal ${formatBrl(debt.principalCents)} e encargos ${formatBrl(debt.chargesCents)})`;
}

/** The bucket of the oldest receivable: first with maxDaysLate >= daysLate, else the last one. */
export function discountBucketFor(
  buckets: readonly DiscountBucket[],
  daysLate: number,
): { bucket: DiscountBucket; openEnded: boolean } | null {
  const sorted = [...buckets].sort((a, b) => a.maxDaysLate - b.maxDaysLate);
  const found = sorted.find((bucket) => bucket.maxDaysLate >= daysLate);
  if (found !== undefined) return { bucket: found, openEnded: false };
  const last = sorted[sorted.length - 1];
  return last === undefined ? null : { bucket: last, openEnded: true };
}

function cashOffer(debt: Debt, policy: NegotiationPolicy, dueDate: CalendarDate, notes: string[]): Offer {
  const lines = [debtLine(debt)];
  const found = discountBucketFor(policy.discountByDaysLate, debt.maxDaysLate);
  let discount = 0;
  const atraso = plural(debt.maxDaysLate, 'dia', 'dias');
  if (found === null) {
    lines.push('Sem desconto para pagamento à vista: a política do credor não prevê desconto');
  } else {
    const { bucket, openEnded } = found;
    const percent = parsePercent(bucket.maxDiscountPercent) ?? Dec(0);
    const range = openEnded
      ? `acima de ${plural(bucket.maxDaysLate, 'dia', 'dias')}, última faixa da política`
      : `faixa de até ${plural(bucket.maxDaysLate, 'dia', 'dias')} da política`;
    lines.push(`Maior atraso entre os títulos: ${atraso} (${range})`);
    if (percent.eq(0)) {
      lines.push('Sem desconto para pagamento à vista nesta faixa de atraso');
    } else if (bucket.appliesTo === 'charges') {
      discount = discountCents(debt.chargesCents, percent);
      lines.push(
        `Desconto de ${formatPercent(percent)}% dos encargos (multa, juros e correção) por pagamento à vista: ${formatBrl(discount)}`,
      );
    } else {
      discount = discountCents(debt.totalCents, percent);
      lines.push(
        `Desconto de ${formatPercent(percent)}% do valor atualizado por pagamento à vista: ${formatBrl(discount)}`,
      );
    }
  }
  const totalCents = debt.totalCents - discount;
  lines.push(`Pagamento à vista de ${formatBrl(totalCents)} até ${formatDate(dueDate)}`);
  lines.push(...notes);
  return {
    key: 'avista',
    kind: 'cash',
    totalCents,
    discountCents: discount,
    downPaymentCents: 0,
    downPaymentDueDate: null,
    installments: [{ number: 1, dueDate, amountCents: totalCents }],
    monthlyRatePercent: '0',
    explanation: lines,
  };
}

type Plan = { ok: true; offer: Offer } | { ok: false; reason: string };

function installmentPlan(
  debt: Debt,
  policy: NegotiationPolicy,
  payments: number,
  firstDue: CalendarDate,
): Plan {
  const unavailable = (why: string): Plan => ({
    ok: false,
    reason: `Parcelamento em ${payments}x indisponível: ${why}`,
  });
  if (payments > policy.maxInstallments) {
    return unavailable(`acima do máximo de ${policy.maxInstallments} pagamentos da política`);
  }
  const count = payments - 1;
  const rateText = policy.installmentMonthlyRatePercent;
  const ratePercent = parsePercent(rateText) ?? Dec(0);
  const rate = ratePercent.div(HUNDRED);
  const minPercent = parsePercent(policy.downPaymentPercent) ?? Dec(0);
  const minimumDown = downPaymentCents(Dec(debt.totalCents).times(minPercent).div(HUNDRED));
  const levelDown = downPaymentCents(Dec(debt.totalCents).div(annuityFactor(rate, count).plus(1)));
  const down = Math.max(minimumDown, levelDown);
  const financed = debt.totalCents - down;
  if (financed <= 0) return unavailable('a entrada mínima já cobre todo o valor');
  const schedule = priceSchedule(financed, rateText, count);
  if (schedule.regularCents < policy.minInstallmentCents) {
    return unavailable(
      `a parcela de ${formatBrl(schedule.regularCents)} ficaria abaixo do mínimo de ${formatBrl(policy.minInstallmentCents)}`,
    );
  }
  const installments: Installment[] = schedule.amountsCents.map((amountCents, index) => ({
    number: index + 1,
    dueDate: addMonths(firstDue, index + 1),
    amountCents,
  }));
  const totalCents = down + schedule.totalCents;
  const interest = schedule.totalCents - financed;
  const juros = ratePercent.eq(0)
    ? 'sem juros'
    : `com juros de ${formatPercent(ratePercent)}% ao mês (Tabela Price)`;
  const parcelas = count === 1 ? 'parcela' : 'parcelas';
  const firstInstallment = formatDate(installments[0]?.dueDate ?? firstDue);
  const lastInstallment = formatDate(installments[installments.length - 1]?.dueDate ?? firstDue);
  const lines = [
    debtLine(debt),
    `Entrada de ${formatBrl(down)} e ${count} ${parcelas} de ${formatBrl(schedule.regularCents)} ${juros}`,
    down === minimumDown && minimumDown > levelDown
      ? `Entrada até ${formatDate(firstDue)}: ${formatPercent(minPercent)}% do valor atualizado, o mínimo da política`
      : `Entrada até ${formatDate(firstDue)}, calculada para não ser menor que as parcelas (o mínimo da política é ${formatPercent(minPercent)}% do valor atualizado, ${formatBrl(minimumDown)})`,
    count === 1
      ? `Saldo financiado de ${formatBrl(financed)}, parcela com vencimento em ${firstInstallment}`
      : `Saldo financiado de ${formatBrl(financed)}, parcelas mensais de ${firstInstallment} a ${lastInstallment}`,
  ];
  if (schedule.lastCents !== schedule.regularCents) {
    lines.push(
      `A última parcela é de ${formatBrl(schedule.lastCents)} (ajuste de arredondamento de ${formatBrl(schedule.lastCents - schedule.regularCents)})`,
    );
  }
  lines.push(
    `Juros do parcelamento: ${formatBrl(interest)}; total a pagar: ${formatBrl(totalCents)}, sem desconto no parcelamento`,
  );
  return {
    ok: true,
    offer: {
      key: `parcelado-${payments}`,
      kind: 'installments',
      totalCents,
      discountCents: 0,
      downPaymentCents: down,
      downPaymentDueDate: firstDue,
      installments,
      monthlyRatePercent: ratePercent.toFixed(),
      explanation: lines,
    },
  };
}

/**
 * Offers for the selected receivables: the cash offer first, then each installment plan of the
 * policy that fits, in ascending number of payments. Throws `OfferRequestError` on an invalid
 * policy or input.
 */
export function proposeOffers(request: OfferRequest): Offer[] {
  const problems = validateOfferRequest(request);
  if (problems.length > 0) throw new OfferRequestError(problems);
  const { policy, today } = request;
  const debt = summarize(request);
  const firstDue = addDays(today, policy.firstDueInDays);
  const plans: Offer[] = [];
  const notes: string[] = [];
  const options = [...policy.installmentOptions].sort((a, b) => a - b);
  for (const payments of options) {
    const plan = installmentPlan(debt, policy, payments, firstDue);
    if (plan.ok) plans.push(plan.offer);
    else notes.push(plan.reason);
  }
  if (options.length === 0) notes.push('A política do credor não prevê parcelamento');
  else if (plans.length === 0) notes.push('Nenhum parcelamento cabe neste valor: apenas pagamento à vista');
  return [cashOffer(debt, policy, firstDue, notes), ...plans];
}
