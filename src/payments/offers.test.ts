import Big from 'big.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CalendarDate } from '../shared/dates.ts';
import { addDays, addMonths, daysBetween } from '../shared/dates.ts';
import { chargeAsOf } from './charges.ts';
import type { DebtItem, DiscountBucket, NegotiationPolicy, Offer, OfferRequest } from './offers.ts';
import {
  DEFAULT_POLICY,
  debtBreakdownFromCharges,
  OfferRequestError,
  priceSchedule,
  proposeOffers,
  validatePolicy,
} from './offers.ts';

const TODAY: CalendarDate = '2025-01-31';

function debt(principalCents: number, chargesCents: number, daysLate: number, receivableId = 'r1'): DebtItem {
  return { receivableId, principalCents, chargesCents, daysLate };
}

function offersFor(items: DebtItem[], policy: Partial<NegotiationPolicy> = {}, today = TODAY): Offer[] {
  return proposeOffers({ debtBreakdown: items, policy: { ...DEFAULT_POLICY, ...policy }, today });
}

function offer(offers: Offer[], key: string): Offer {
  const found = offers.find((o) => o.key === key);
  if (found === undefined) throw new Error(`no offer ${key} in ${offers.map((o) => o.key).join(', ')}`);
  return found;
}

/** formatBrl writes a no-break space after R$; compare explanations with plain spaces. */
function lines(o: Offer): string[] {
  return o.explanation.map((line) => line.replace(/\u00a0/g, ' '));
}

function amounts(o: Offer): number[] {
  return o.installments.map((i) => i.amountCents);
}

function paid(o: Offer): number {
  return o.downPaymentCents + amounts(o).reduce((sum, cents) => sum + cents, 0);
}

function problemsOf(request: OfferRequest): string[] {
  try {
    proposeOffers(request);
  } catch (error) {
    if (error instanceof OfferRequestError) return error.problems;
    throw error;
  }
  return [];
}

describe('priceSchedule (Tabela Price)', () => {
  it('R$ 1.000,00 at 1,99% a.m. in 6x: PMT = PV·i/(1-(1+i)^-n) = 178,4655..., truncated, the rest on the last', () => {
    // Independent check of the formula with big.js, written the way the textbook writes it.
    const i = Big('0.0199');
    const pmt = Big(100_000)
      .times(i)
      .div(Big(1).minus(Big(1).div(i.plus(1).pow(6))));
    expect(pmt.toFixed(6)).toBe('17846.556885');

    const schedule = priceSchedule(100_000, '1.99', 6);
    expect(schedule.exactPaymentCents.startsWith('17846.55688513992031349')).toBe(true);
    expect(schedule.regularCents).toBe(17_846); // R$ 178,46
    expect(schedule.totalCents).toBe(107_079); // 6 × 178,4655688... = 1.070,7934... → R$ 1.070,79
    expect(schedule.amountsCents).toEqual([17_846, 17_846, 17_846, 17_846, 17_846, 17_849]);
    expect(schedule.amountsCents.reduce((a, b) => a + b, 0)).toBe(schedule.totalCents);
  });

  it.each([
    // PV, rate, n, regular, last, total
    { pv: 100_000, rate: '1,99', n: 6, regular: 17_846, last: 17_849, total: 107_079 },
    { pv: 50_000, rate: '1', n: 12, regular: 4_442, last: 4_447, total: 53_309 },
    { pv: 123_456, rate: '3.5', n: 10, regular: 14_844, last: 14_849, total: 148_445 },
    { pv: 100_000, rate: '1.99', n: 1, regular: 101_990, last: 101_990, total: 101_990 },
    // One installment: 517,45 × 1,0199 = 527,746755 → R$ 527,75 (half-up, the only rounding).
    { pv: 51_745, rate: '1.99', n: 1, regular: 52_775, last: 52_775, total: 52_775 },
  ])(
    'PV $pv at $rate% a.m. in $n: regular $regular, last $last, total $total',
    ({ pv, rate, n, regular, last, total }) => {
      const schedule = priceSchedule(pv, rate, n);
      expect(schedule).toMatchObject({ regularCents: regular, lastCents: last, totalCents: total });
      expect(schedule.amountsCents).toHaveLength(n);
      expect(schedule.amountsCents.reduce((a, b) => a + b, 0)).toBe(total);
    },
  );

  it.each([
    { pv: 100_000, n: 3, expected: [33_333, 33_333, 33_334] },
    { pv: 100, n: 3, expected: [33, 33, 34] },
    { pv: 2_000, n: 3, expected: [666, 666, 668] },
    { pv: 100_000, n: 4, expected: [25_000, 25_000, 25_000, 25_000] },
    { pv: 2, n: 3, expected: [0, 0, 2] },
  ])('at zero rate, $pv in $n splits evenly with the remainder on the last', ({ pv, n, expected }) => {
    const schedule = priceSchedule(pv, '0', n);
    expect(schedule.amountsCents).toEqual(expected);
    expect(schedule.totalCents).toBe(pv);
  });
});

describe('proposeOffers', () => {
  const GOLDEN = [debt(100_000, 4_521, 45)];

  it('proposes cash plus 3x, 6x and 12x for R$ 1.045,21, 45 days late, under the default policy', () => {
    const offers = offersFor(GOLDEN);
    expect(offers.map((o) => o.key)).toEqual(['avista', 'parcelado-3', 'parcelado-6', 'parcelado-12']);

    const cash = offer(offers, 'avista');
    expect(cash).toMatchObject({
      kind: 'cash',
      totalCents: 100_000,
      discountCents: 4_521,
      downPaymentCents: 0,
      downPaymentDueDate: null,
      installments: [{ number: 1, dueDate: '2025-02-03', amountCents: 100_000 }],
      monthlyRatePercent: '0',
    });
    expect(lines(cash)).toEqual([
      'Valor atualizado em 31/01/2025 de 1 título: R$ 1.045,21 (principal R$ 1.000,00 e encargos R$ 45,21)',
      'Maior atraso entre os títulos: 45 dias (faixa de até 90 dias da política)',
      'Desconto de 100% dos encargos (multa, juros e correção) por pagamento à vista: R$ 45,21',
      'Pagamento à vista de R$ 1.000,00 até 03/02/2025',
    ]);
  });

  it('6x: the entrada matches the installments when that is above the 10% minimum', () => {
    const six = offer(offersFor(GOLDEN), 'parcelado-6');
    // Level entrada: 104.521 / (1 + a(5) at 1,99%) = 18.289,44 → up to R$ 182,90; PV = R$ 862,31.
    expect(six).toMatchObject({
      kind: 'installments',
      discountCents: 0,
      downPaymentCents: 18_290,
      downPaymentDueDate: '2025-02-03',
      monthlyRatePercent: '1.99',
      totalCents: 109_737,
    });
    expect(amounts(six)).toEqual([18_289, 18_289, 18_289, 18_289, 18_291]);
    expect(six.installments.map((i) => i.dueDate)).toEqual([
      '2025-03-03',
      '2025-04-03',
      '2025-05-03',
      '2025-06-03',
      '2025-07-03',
    ]);
    expect(paid(six)).toBe(six.totalCents);
    expect(lines(six)).toEqual([
      'Valor atualizado em 31/01/2025 de 1 título: R$ 1.045,21 (principal R$ 1.000,00 e encargos R$ 45,21)',
      'Entrada de R$ 182,90 e 5 parcelas de R$ 182,89 com juros de 1,99% ao mês (Tabela Price)',
      'Entrada até 03/02/2025, calculada para não ser menor que as parcelas (o mínimo da política é 10% do valor atualizado, R$ 104,53)',
      'Saldo financiado de R$ 862,31, parcelas mensais de 03/03/2025 a 03/07/2025',
      'A última parcela é de R$ 182,91 (ajuste de arredondamento de R$ 0,02)',
      'Juros do parcelamento: R$ 52,16; total a pagar: R$ 1.097,37, sem desconto no parcelamento',
    ]);
  });

  it('12x: the entrada is the policy minimum (10%, rounded up) when that is above the installments', () => {
    const twelve = offer(offersFor(GOLDEN), 'parcelado-12');
    expect(twelve.downPaymentCents).toBe(10_453); // 10% of 104.521 = 10.452,1 → up
    expect(amounts(twelve)).toEqual([...Array(10).fill(9_606), 9_608]);
    expect(twelve.totalCents).toBe(116_121);
    expect(paid(twelve)).toBe(twelve.totalCents);
    expect(lines(twelve)[1]).toBe(
      'Entrada de R$ 104,53 e 11 parcelas de R$ 96,06 com juros de 1,99% ao mês (Tabela Price)',
    );
    expect(lines(twelve)[2]).toBe('Entrada até 03/02/2025: 10% do valor atualizado, o mínimo da política');
  });

  it('at zero interest the plan total is the updated total and the remainder lands on the last installment', () => {
    const offers = offersFor([debt(100_000, 0, 5)], {
      installmentMonthlyRatePercent: '0',
      downPaymentPercent: '50',
      installmentOptions: [4],
    });
    const four = offer(offers, 'parcelado-4');
    expect(four.downPaymentCents).toBe(50_000);
    expect(amounts(four)).toEqual([16_666, 16_666, 16_668]);
    expect(four.totalCents).toBe(100_000);
    expect(four.monthlyRatePercent).toBe('0');
    expect(lines(four)[1]).toBe('Entrada de R$ 500,00 e 3 parcelas de R$ 166,66 sem juros');
  });

  it('the minimum installment excludes 12x for a R$ 500,00 debt and the cash offer says why', () => {
    const offers = offersFor([debt(50_000, 0, 10)]);
    expect(offers.map((o) => o.key)).toEqual(['avista', 'parcelado-3', 'parcelado-6']);
    // 12x: entrada R$ 50,00 (10%), PV R$ 450,00 over 11 → PMT 45,9539... → R$ 45,95.
    expect(lines(offer(offers, 'avista'))).toContain(
      'Parcelamento em 12x indisponível: a parcela de R$ 45,95 ficaria abaixo do mínimo de R$ 50,00',
    );
  });

  it('a debt too small for any plan gets only the cash offer, with the reasons', () => {
    const offers = offersFor([debt(6_000, 0, 10)]);
    expect(offers.map((o) => o.key)).toEqual(['avista']);
    const explanation = lines(offer(offers, 'avista'));
    expect(explanation.filter((line) => line.includes('indisponível'))).toHaveLength(3);
    expect(explanation.at(-1)).toBe('Nenhum parcelamento cabe neste valor: apenas pagamento à vista');
  });

  it('options above the maximum number of payments are not offered, and are explained', () => {
    const offers = offersFor(GOLDEN, { maxInstallments: 6 });
    expect(offers.map((o) => o.key)).toEqual(['avista', 'parcelado-3', 'parcelado-6']);
    expect(lines(offer(offers, 'avista'))).toContain(
      'Parcelamento em 12x indisponível: acima do máximo de 6 pagamentos da política',
    );
  });

  it('a policy without installment options offers cash only and says so', () => {
    const offers = offersFor(GOLDEN, { installmentOptions: [] });
    expect(offers.map((o) => o.key)).toEqual(['avista']);
    expect(lines(offer(offers, 'avista')).at(-1)).toBe('A política do credor não prevê parcelamento');
  });

  it('plans come in ascending number of payments whatever the order of the options', () => {
    const offers = offersFor(GOLDEN, { installmentOptions: [12, 2, 6] });
    expect(offers.map((o) => o.key)).toEqual(['avista', 'parcelado-2', 'parcelado-6', 'parcelado-12']);
    expect(lines(offer(offers, 'parcelado-2'))[1]).toBe(
      'Entrada de R$ 527,76 e 1 parcela de R$ 527,75 com juros de 1,99% ao mês (Tabela Price)',
    );
    expect(lines(offer(offers, 'parcelado-2')).some((line) => line.startsWith('A última parcela'))).toBe(
      false,
    );
  });

  it('due dates keep the day of month of the first due date, clamped to short months', () => {
    const three = offer(offersFor(GOLDEN, { firstDueInDays: 3 }, '2025-01-28'), 'parcelado-6');
    expect(three.downPaymentDueDate).toBe('2025-01-31');
    expect(three.installments.map((i) => i.dueDate)).toEqual([
      '2025-02-28',
      '2025-03-31',
      '2025-04-30',
      '2025-05-31',
      '2025-06-30',
    ]);
  });

  it('shows the date the debt was updated to when asOf is given', () => {
    const [cash] = proposeOffers({
      debtBreakdown: GOLDEN,
      policy: DEFAULT_POLICY,
      today: TODAY,
      asOf: '2025-02-03',
    });
    expect(cash?.explanation[0]).toMatch(/^Valor atualizado em 03\/02\/2025 de 1 título/);
  });
});

describe('cash discount by the oldest receivable', () => {
  it.each([
    // principal R$ 1.000,00 and encargos R$ 100,00; default buckets 30/90/180/365
    { daysLate: 0, discount: 5_000, line: 'Desconto de 50% dos encargos' },
    { daysLate: 30, discount: 5_000, line: 'Desconto de 50% dos encargos' },
    { daysLate: 31, discount: 10_000, line: 'Desconto de 100% dos encargos' },
    { daysLate: 90, discount: 10_000, line: 'Desconto de 100% dos encargos' },
    { daysLate: 91, discount: 11_000, line: 'Desconto de 10% do valor atualizado' },
    { daysLate: 180, discount: 11_000, line: 'Desconto de 10% do valor atualizado' },
    { daysLate: 181, discount: 22_000, line: 'Desconto de 20% do valor atualizado' },
    { daysLate: 365, discount: 22_000, line: 'Desconto de 20% do valor atualizado' },
    { daysLate: 366, discount: 22_000, line: 'Desconto de 20% do valor atualizado' },
    { daysLate: 2_000, discount: 22_000, line: 'Desconto de 20% do valor atualizado' },
  ])('$daysLate days late: $discount centavos off', ({ daysLate, discount, line }) => {
    const cash = offer(offersFor([debt(100_000, 10_000, daysLate)]), 'avista');
    expect(cash.discountCents).toBe(discount);
    expect(cash.totalCents).toBe(110_000 - discount);
    expect(lines(cash).some((l) => l.startsWith(line))).toBe(true);
  });

  it('beyond the last bucket, the last bucket applies and the explanation says so', () => {
    const cash = offer(offersFor([debt(100_000, 10_000, 400)]), 'avista');
    expect(lines(cash)[1]).toBe(
      'Maior atraso entre os títulos: 400 dias (acima de 365 dias, última faixa da política)',
    );
  });

  it('the oldest receivable picks the bucket for the whole selection', () => {
    const cash = offer(offersFor([debt(60_000, 1_000, 10, 'a'), debt(40_000, 9_000, 100, 'b')]), 'avista');
    expect(cash.discountCents).toBe(11_000); // 10% of R$ 1.100,00 (91-180 days)
    expect(lines(cash)[0]).toBe(
      'Valor atualizado em 31/01/2025 de 2 títulos: R$ 1.100,00 (principal R$ 1.000,00 e encargos R$ 100,00)',
    );
  });

  it('rounds the discount down so it never exceeds the maximum percentage', () => {
    const cash = offer(offersFor([debt(100_000, 333, 10)]), 'avista'); // 50% of 3,33 = 1,665
    expect(cash.discountCents).toBe(166);
    expect(cash.totalCents).toBe(100_167);
  });

  it.each([
    {
      name: 'no buckets',
      buckets: [] as DiscountBucket[],
      line: 'Sem desconto para pagamento à vista: a política do credor não prevê desconto',
    },
    {
      name: 'a 0% bucket',
      buckets: [{ maxDaysLate: 1000, maxDiscountPercent: '0', appliesTo: 'total' }] as DiscountBucket[],
      line: 'Sem desconto para pagamento à vista nesta faixa de atraso',
    },
  ])('with $name there is no discount', ({ buckets, line }) => {
    const cash = offer(offersFor([debt(100_000, 10_000, 50)], { discountByDaysLate: buckets }), 'avista');
    expect(cash.discountCents).toBe(0);
    expect(cash.totalCents).toBe(110_000);
    expect(lines(cash)).toContain(line);
  });
});

describe('validatePolicy', () => {
  it('accepts the default policy', () => {
    expect(validatePolicy(DEFAULT_POLICY)).toEqual([]);
  });

  it.each([
    {
      change: {
        discountByDaysLate: [
          { maxDaysLate: 90, maxDiscountPercent: '10', appliesTo: 'charges' },
          { maxDaysLate: 30, maxDiscountPercent: '10', appliesTo: 'charges' },
        ],
      } as Partial<NegotiationPolicy>,
      problem: 'Faixa de desconto 2: as faixas devem estar em ordem crescente de dias de atraso, sem repetir',
    },
    {
      change: {
        discountByDaysLate: [{ maxDaysLate: 30, maxDiscountPercent: '101', appliesTo: 'charges' }],
      } as Partial<NegotiationPolicy>,
      problem: 'Faixa de desconto 1: desconto máximo inválido (101), de 0 a 100%',
    },
    {
      change: {
        discountByDaysLate: [{ maxDaysLate: -1, maxDiscountPercent: 'dez', appliesTo: 'charges' }],
      } as Partial<NegotiationPolicy>,
      problem: 'Faixa de desconto 1: dias de atraso inválidos (-1)',
    },
    { change: { maxInstallments: 0 }, problem: 'Número máximo de parcelas inválido (0): de 1 a 120' },
    { change: { maxInstallments: 2.5 }, problem: 'Número máximo de parcelas inválido (2.5): de 1 a 120' },
    {
      change: { minInstallmentCents: 0 },
      problem: 'Parcela mínima inválida (0): centavos inteiros, ao menos 1',
    },
    {
      change: { downPaymentPercent: '100' },
      problem: 'Entrada mínima inválida (100): de 0 a menos de 100% do valor',
    },
    {
      change: { downPaymentPercent: '-5' },
      problem: 'Entrada mínima inválida (-5): de 0 a menos de 100% do valor',
    },
    {
      change: { installmentMonthlyRatePercent: '1.99%' },
      problem: 'Juros do parcelamento inválidos (1.99%): de 0 a 100% ao mês',
    },
    { change: { installmentOptions: [3, 6, 9, 12] }, problem: 'No máximo 3 opções de parcelamento' },
    {
      change: { installmentOptions: [1] },
      problem: 'Opção de parcelamento inválida (1): de 2 a 120 pagamentos, entrada incluída',
    },
    { change: { installmentOptions: [6, 6] }, problem: 'Opção de parcelamento repetida: 6x' },
    {
      change: { firstDueInDays: -1 },
      problem: 'Prazo do primeiro vencimento inválido (-1): de 0 a 365 dias',
    },
  ])('reports: $problem', ({ change, problem }) => {
    expect(validatePolicy({ ...DEFAULT_POLICY, ...change })).toContain(problem);
  });

  it('accepts comma decimals and a zero rate', () => {
    expect(
      validatePolicy({ ...DEFAULT_POLICY, downPaymentPercent: '12,5', installmentMonthlyRatePercent: '0' }),
    ).toEqual([]);
  });
});

describe('proposeOffers refuses invalid requests', () => {
  const request = (change: Partial<OfferRequest>): OfferRequest => ({
    debtBreakdown: [debt(100_000, 0, 10)],
    policy: DEFAULT_POLICY,
    today: TODAY,
    ...change,
  });

  it.each([
    { change: { debtBreakdown: [] }, problem: 'Selecione ao menos um título para negociar' },
    {
      change: { debtBreakdown: [debt(0, 0, 10)] },
      problem: 'Nada a negociar: os títulos selecionados não têm valor em aberto',
    },
    { change: { debtBreakdown: [debt(-1, 0, 10)] }, problem: 'Título r1: principal inválido (-1)' },
    { change: { debtBreakdown: [debt(100.5, 0, 10)] }, problem: 'Título r1: principal inválido (100.5)' },
    { change: { debtBreakdown: [debt(100, -3, 10)] }, problem: 'Título r1: encargos inválidos (-3)' },
    { change: { debtBreakdown: [debt(100, 0, -2)] }, problem: 'Título r1: dias de atraso inválidos (-2)' },
    {
      change: { debtBreakdown: [debt(100, 0, 1), debt(100, 0, 1)] },
      problem: 'Título r1: selecionado mais de uma vez',
    },
    {
      change: { debtBreakdown: [debt(Number.MAX_SAFE_INTEGER, 0, 1)] },
      problem: 'Valor total fora do intervalo calculável',
    },
    { change: { today: '2025-02-30' }, problem: 'Data de hoje inválida: 2025-02-30' },
    { change: { asOf: '31/01/2025' }, problem: 'Data de atualização inválida: 31/01/2025' },
    {
      change: { policy: { ...DEFAULT_POLICY, maxInstallments: 0 } },
      problem: 'Número máximo de parcelas inválido (0): de 1 a 120',
    },
  ])('$problem', ({ change, problem }) => {
    expect(problemsOf(request(change))).toContain(problem);
  });
});

describe('debtBreakdownFromCharges', () => {
  it('takes principal, encargos and days late from chargeAsOf', () => {
    const result = chargeAsOf(
      [
        {
          receivableId: 'a',
          principalCents: 100_000,
          dueDate: '2025-01-15',
          debtorKind: 'person',
          terms: { multaPercent: '2', jurosMonthlyPercent: '1', correction: 'none' },
        },
        {
          receivableId: 'b',
          principalCents: 100_000,
          dueDate: '2025-01-15',
          debtorKind: 'person',
          terms: {
            multaPercent: '2',
            jurosMonthlyPercent: '1',
            correction: 'none',
            discount: { kind: 'fixed', value: 5_000 },
          },
        },
      ],
      '2025-03-01',
    );
    if (!result.ok) throw new Error('charges failed');
    // a: multa R$ 20,00 + juros 1% a.m. × 45 dias = R$ 15,00; b: the same minus R$ 50,00 of desconto.
    expect(debtBreakdownFromCharges(result.receivables)).toEqual([
      { receivableId: 'a', principalCents: 100_000, chargesCents: 3_500, daysLate: 45 },
      { receivableId: 'b', principalCents: 98_500, chargesCents: 0, daysLate: 45 },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const hundredths = (max: number) =>
  fc.integer({ min: 0, max }).map((n) => `${Math.trunc(n / 100)}.${String(n % 100).padStart(2, '0')}`);

const bucketsArb = fc.uniqueArray(fc.integer({ min: 0, max: 1_000 }), { maxLength: 5 }).chain((days) =>
  fc.tuple(
    ...[...days]
      .sort((a, b) => a - b)
      .map((maxDaysLate) =>
        fc.record({
          maxDaysLate: fc.constant(maxDaysLate),
          maxDiscountPercent: hundredths(10_000),
          appliesTo: fc.constantFrom<'charges' | 'total'>('charges', 'total'),
        }),
      ),
  ),
);

const policyArb: fc.Arbitrary<NegotiationPolicy> = fc.record({
  discountByDaysLate: bucketsArb,
  maxInstallments: fc.integer({ min: 1, max: 24 }),
  minInstallmentCents: fc.integer({ min: 1, max: 50_000 }),
  downPaymentPercent: hundredths(9_999),
  installmentMonthlyRatePercent: fc.oneof(fc.constant('0'), hundredths(1_000)),
  installmentOptions: fc.uniqueArray(fc.integer({ min: 2, max: 24 }), { maxLength: 3 }),
  firstDueInDays: fc.integer({ min: 0, max: 30 }),
});

const debtArb = fc
  .uniqueArray(
    fc.record({
      receivableId: fc.string({ minLength: 1, maxLength: 8 }),
      principalCents: fc.integer({ min: 0, max: 5_000_000 }),
      chargesCents: fc.integer({ min: 0, max: 500_000 }),
      daysLate: fc.integer({ min: 0, max: 1_500 }),
    }),
    { minLength: 1, maxLength: 5, selector: (item) => item.receivableId },
  )
  .filter((items) => items.some((i) => i.principalCents + i.chargesCents > 0));

const todayArb = fc.integer({ min: 0, max: 3_650 }).map((n) => addDays('2024-01-01', n));

/** The bucket of the oldest receivable, written independently of the implementation. */
function expectedMaxDiscount(items: readonly DebtItem[], policy: NegotiationPolicy): Big {
  const oldest = Math.max(...items.map((i) => i.daysLate));
  const buckets = policy.discountByDaysLate;
  const bucket = buckets.find((b) => b.maxDaysLate >= oldest) ?? buckets[buckets.length - 1];
  if (bucket === undefined) return Big(0);
  const charges = items.reduce((sum, i) => sum + i.chargesCents, 0);
  const total = items.reduce((sum, i) => sum + i.principalCents + i.chargesCents, 0);
  return Big(bucket.appliesTo === 'charges' ? charges : total)
    .times(bucket.maxDiscountPercent)
    .div(100);
}

describe('offer properties', () => {
  it('random policies are valid and every offer adds up, stays within the policy and runs monthly', () => {
    fc.assert(
      fc.property(debtArb, policyArb, todayArb, (items, policy, today) => {
        expect(validatePolicy(policy)).toEqual([]);
        const offers = proposeOffers({ debtBreakdown: items, policy, today });
        const updated = items.reduce((sum, i) => sum + i.principalCents + i.chargesCents, 0);
        const firstDue = addDays(today, policy.firstDueInDays);

        expect(offers.length).toBeGreaterThanOrEqual(1);
        expect(offers.length).toBeLessThanOrEqual(4);
        expect(offers[0]?.key).toBe('avista');
        expect(new Set(offers.map((o) => o.key)).size).toBe(offers.length);

        for (const o of offers) {
          // Exact sums, integer centavos only.
          expect(paid(o)).toBe(o.totalCents);
          for (const cents of [o.totalCents, o.discountCents, o.downPaymentCents, ...amounts(o)]) {
            expect(Number.isSafeInteger(cents)).toBe(true);
            expect(cents).toBeGreaterThanOrEqual(0);
          }
          expect(o.explanation.length).toBeGreaterThan(0);
          expect(o.explanation.join('\n')).not.toMatch(/NaN|undefined|Infinity/);
        }

        const cash = offers[0];
        if (cash === undefined) throw new Error('no cash offer');
        expect(cash.totalCents).toBeLessThanOrEqual(updated);
        expect(cash.totalCents + cash.discountCents).toBe(updated);
        expect(Big(cash.discountCents).lte(expectedMaxDiscount(items, policy))).toBe(true);
        expect(cash.installments).toEqual([{ number: 1, dueDate: firstDue, amountCents: cash.totalCents }]);

        const offered = new Set<number>();
        for (const plan of offers.slice(1)) {
          const payments = Number(plan.key.replace('parcelado-', ''));
          offered.add(payments);
          expect(plan.kind).toBe('installments');
          expect(policy.installmentOptions).toContain(payments);
          expect(payments).toBeLessThanOrEqual(policy.maxInstallments);
          expect(plan.installments).toHaveLength(payments - 1);
          expect(plan.discountCents).toBe(0);
          if (Big(policy.installmentMonthlyRatePercent).eq(0)) expect(plan.totalCents).toBe(updated);
          else expect(plan.totalCents).toBeGreaterThanOrEqual(updated);

          // Entrada: at least the policy minimum and never smaller than the regular installment.
          expect(
            Big(plan.downPaymentCents).times(100).gte(Big(updated).times(policy.downPaymentPercent)),
          ).toBe(true);
          // Every payment, the last installment included, respects the minimum installment.
          const all = amounts(plan);
          const regular = all[0] ?? 0;
          const last = all[all.length - 1] ?? 0;
          for (const cents of [plan.downPaymentCents, ...all]) {
            expect(cents).toBeGreaterThanOrEqual(policy.minInstallmentCents);
          }
          expect(all.slice(0, -1).every((cents) => cents === regular)).toBe(true);
          expect(plan.downPaymentCents).toBeGreaterThanOrEqual(regular);
          expect(last).toBeGreaterThanOrEqual(regular);
          expect(last - regular).toBeLessThanOrEqual(all.length);

          // The installments add up to k × PMT (textbook formula) rounded once, half-up. The oracle
          // divides once, at 60 decimal places: PMT = PV·i·g / (g − 1), g = (1 + i)^k exact, so a total
          // that is exactly half a centavo is not pushed below it by rounding inside the formula.
          const k = all.length;
          const financed = updated - plan.downPaymentCents;
          const Exact = Big();
          Exact.DP = 60;
          const i = Exact(policy.installmentMonthlyRatePercent).div(100);
          const g = i.plus(1).pow(k);
          const expectedSum = i.eq(0)
            ? Exact(financed)
            : Exact(financed).times(i).times(g).times(k).div(g.minus(1)).round(0, Big.roundHalfUp);
          expect(plan.totalCents - plan.downPaymentCents).toBe(expectedSum.toNumber());

          // Monthly due dates from the first due date, strictly increasing.
          expect(plan.downPaymentDueDate).toBe(firstDue);
          let previous = firstDue;
          plan.installments.forEach((installment, index) => {
            expect(installment.number).toBe(index + 1);
            expect(installment.dueDate).toBe(addMonths(firstDue, index + 1));
            const gap = daysBetween(previous, installment.dueDate);
            expect(gap).toBeGreaterThanOrEqual(28);
            expect(gap).toBeLessThanOrEqual(31);
            previous = installment.dueDate;
          });
        }
        const cashText = cash.explanation.join('\n');
        for (const option of policy.installmentOptions) {
          if (!offered.has(option)) expect(cashText).toContain(`Parcelamento em ${option}x indisponível`);
        }
      }),
      { numRuns: 300 },
    );
  });
});
