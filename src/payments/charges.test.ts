import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CalendarDate } from '../shared/dates.ts';
import { addDays } from '../shared/dates.ts';
import type { ChargeComponent, ChargeInput, ChargeResult, ChargeTables, ChargeTerms } from './charges.ts';
import { calculateCharges, chargeAsOf, fullMonthsBetween } from './charges.ts';
import type { MonthlyRates } from './ipca.ts';
import { nextYearMonth, parseMonthlyRatesCsv } from './ipca.ts';

function rates(text: string): MonthlyRates {
  const parsed = parseMonthlyRatesCsv(text);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.rates;
}

const IPCA_SAMPLE = rates(readFileSync(new URL('./data/ipca-sample.csv', import.meta.url), 'utf8'));

/** Two made-up months with different rates (not BCB figures), enough to test the month split. */
const TAXA_LEGAL = rates('mes;taxa_percentual\n2025-01;0,5\n2025-02;0,7\n');

const AGREED: ChargeTerms = { multaPercent: '2', jurosMonthlyPercent: '1', correction: 'none' };

type Overrides = Omit<Partial<ChargeInput>, 'terms'> & { terms?: Partial<ChargeTerms> };

function input(overrides: Overrides = {}): ChargeInput {
  const { terms, ...rest } = overrides;
  return {
    principalCents: 100_000,
    dueDate: '2025-01-15',
    asOf: '2025-03-01',
    debtorKind: 'person',
    ...rest,
    terms: { ...AGREED, ...terms },
  };
}

function ok(result: ChargeResult): { totalCents: number; components: ChargeComponent[] } {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result;
}

function cents(result: ChargeResult): Record<string, number> {
  return Object.fromEntries(ok(result).components.map((c) => [c.kind, c.cents]));
}

/** formatBrl writes a no-break space after R$; compare explanations with plain spaces. */
function explanation(result: ChargeResult, kind: ChargeComponent['kind']): string {
  return (ok(result).components.find((c) => c.kind === kind)?.explanation ?? '').replace(/\u00a0/g, ' ');
}

describe('parseMonthlyRatesCsv', () => {
  it("reads Régua's shape with comments, comma decimals, negative values and CRLF", () => {
    const parsed = parseMonthlyRatesCsv(
      '\uFEFF# IPCA\r\nmes;variacao_percentual\r\n2024-08;-0,02\r\n\r\n2024-09;0.44\r\n',
    );
    expect(parsed).toEqual({
      ok: true,
      rates: new Map([
        ['2024-08', '-0.02'],
        ['2024-09', '0.44'],
      ]),
    });
  });

  it('reads the BCB SGS download as is', () => {
    const parsed = parseMonthlyRatesCsv('"data";"valor"\n"01/01/2025";"0,16"\n"01/02/2025";"1,31"\n');
    expect(parsed).toEqual({
      ok: true,
      rates: new Map([
        ['2025-01', '0.16'],
        ['2025-02', '1.31'],
      ]),
    });
  });

  it('reads the sample table shipped for tests', () => {
    expect(IPCA_SAMPLE.size).toBe(18);
    expect(IPCA_SAMPLE.get('2025-02')).toBe('1.31');
  });

  it.each([
    ['a missing header', '2025-01;0,16\n', 'linha 1'],
    ['a bad month', 'mes;variacao_percentual\n2025-13;0,16\n', 'linha 2: mês inválido'],
    ['a bad value', 'mes;variacao_percentual\n2025-01;0,16%\n', 'linha 2: percentual inválido'],
    ['a thousands separator', 'mes;variacao_percentual\n2025-01;1.000,5\n', 'linha 2: percentual inválido'],
    [
      'a repeated month',
      'mes;variacao_percentual\n2025-01;0,16\n2025-01;0,17\n',
      'linha 3: mês 2025-01 repetido',
    ],
    ['a SGS date not on the 1st', 'data;valor\n15/01/2025;0,16\n', 'linha 2: mês inválido'],
    ['an empty text', '# nada\n', 'tabela vazia'],
  ])('refuses %s', (_name, text, message) => {
    const parsed = parseMonthlyRatesCsv(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.errors.join('\n')).toContain(message);
  });
});

describe('calculateCharges: exact examples', () => {
  it.each<[string, Overrides, Record<string, number>, number]>([
    [
      'R$ 1.000,00, 2% multa, 1% a.m., 45 days late',
      {},
      { principal: 100_000, multa: 2_000, juros: 1_500 },
      103_500,
    ],
    [
      'a consumer pays at most 2% multa even if the terms say 10%',
      { terms: { multaPercent: '10' } },
      { principal: 100_000, multa: 2_000, juros: 1_500 },
      103_500,
    ],
    [
      "a company pays the terms' multa up to the creditor's cap",
      { debtorKind: 'company', terms: { multaPercent: '10', multaCapPercentForCompanies: '5' } },
      { principal: 100_000, multa: 5_000, juros: 1_500 },
      106_500,
    ],
    [
      "a company pays the terms' multa when it is under the creditor's cap",
      { debtorKind: 'company', terms: { multaPercent: '3', multaCapPercentForCompanies: '5' } },
      { principal: 100_000, multa: 3_000, juros: 1_500 },
      104_500,
    ],
    [
      'a company without a creditor cap gets the consumer default of 2%',
      { debtorKind: 'company', terms: { multaPercent: '10' } },
      { principal: 100_000, multa: 2_000, juros: 1_500 },
      103_500,
    ],
    [
      'one day late: juros of 1/30 of the monthly rate',
      { asOf: '2025-01-16' },
      { principal: 100_000, multa: 2_000, juros: 33 },
      102_033,
    ],
    [
      'juros round half-up once: R$ 10,05 × 1% × 15/30 = 5,025 centavos -> 5',
      { principalCents: 1_005, asOf: '2025-01-30' },
      { principal: 1_005, multa: 20, juros: 5 },
      1_030,
    ],
    [
      'multa rounds half-up: 2% of R$ 0,25 = 0,5 centavo -> 1',
      { principalCents: 25, terms: { jurosMonthlyPercent: '0' } },
      { principal: 25, multa: 1, juros: 0 },
      26,
    ],
    [
      'decimal rates with a comma: 0,5% a.m. for 45 days',
      { terms: { jurosMonthlyPercent: '0,5' } },
      { principal: 100_000, multa: 2_000, juros: 750 },
      102_750,
    ],
    ['on the due date nothing is charged', { asOf: '2025-01-15' }, { principal: 100_000 }, 100_000],
    ['before the due date nothing is charged', { asOf: '2025-01-02' }, { principal: 100_000 }, 100_000],
  ])('%s', (_name, overrides, expected, total) => {
    const result = calculateCharges(input(overrides));
    expect(cents(result)).toEqual(expected);
    expect(ok(result).totalCents).toBe(total);
  });

  it('explains each component in one pt-BR line', () => {
    const result = calculateCharges(input());
    expect(explanation(result, 'principal')).toBe(
      'Valor em aberto, vencido em 15/01/2025, 45 dias de atraso: R$ 1.000,00',
    );
    expect(explanation(result, 'multa')).toBe('Multa de 2% sobre R$ 1.000,00: R$ 20,00');
    expect(explanation(result, 'juros')).toBe(
      'Juros de mora de 1% ao mês, pro rata die, por 45 dias sobre R$ 1.000,00: R$ 15,00',
    );
  });

  it('says when and why the multa was capped', () => {
    expect(explanation(calculateCharges(input({ terms: { multaPercent: '10' } })), 'multa')).toBe(
      'Multa de 2% (contrato: 10%, limitada pelo CDC art. 52 §1º) sobre R$ 1.000,00: R$ 20,00',
    );
    const company = input({
      debtorKind: 'company',
      terms: { multaPercent: '10', multaCapPercentForCompanies: '5' },
    });
    expect(explanation(calculateCharges(company), 'multa')).toBe(
      'Multa de 5% (contrato: 10%, limitada ao teto do credor para empresas) sobre R$ 1.000,00: R$ 50,00',
    );
  });
});

describe('calculateCharges: due date on a non-business day', () => {
  // 2025-03-15 is a Saturday; Monday 2025-03-17 is a bank business day.
  const saturday = { dueDate: '2025-03-15' };

  it.each<[string, CalendarDate, Record<string, number>]>([
    ['paid on Sunday: no charges', '2025-03-16', { principal: 100_000 }],
    ['paid on Monday, the next business day: no charges', '2025-03-17', { principal: 100_000 }],
    [
      'paid on Tuesday: charges run from Saturday (3 days)',
      '2025-03-18',
      { principal: 100_000, multa: 2_000, juros: 100 },
    ],
  ])('%s', (_name, asOf, expected) => {
    expect(cents(calculateCharges(input({ ...saturday, asOf })))).toEqual(expected);
  });

  it('explains that the due date rolled to the next business day', () => {
    const result = calculateCharges(input({ ...saturday, asOf: '2025-03-17' }));
    expect(explanation(result, 'principal')).toBe(
      'Valor em aberto, vencimento em 15/03/2025 (dia não útil), pagável sem encargos até 17/03/2025: R$ 1.000,00',
    );
    const principal = ok(result).components[0];
    expect(principal?.basis).toEqual({
      dueDate: '2025-03-15',
      payableWithoutChargesUntil: '2025-03-17',
      daysLate: 0,
    });
  });

  it('rolls over Carnival: due Saturday 2025-03-01, Monday and Tuesday are bank holidays', () => {
    expect(cents(calculateCharges(input({ dueDate: '2025-03-01', asOf: '2025-03-05' })))).toEqual({
      principal: 100_000,
    });
    expect(cents(calculateCharges(input({ dueDate: '2025-03-01', asOf: '2025-03-06' })))).toEqual({
      principal: 100_000,
      multa: 2_000,
      juros: 167,
    });
  });
});

describe('calculateCharges: taxa legal (no agreed rate)', () => {
  const legal = { jurosMonthlyPercent: null };

  it('accrues each month at its own rate, pro rata by the days of that month', () => {
    // 2025-01-21..31: 11 of 31 days at 0,5%; 2025-02-01..14: 14 of 28 days at 0,7%.
    // R$ 1.000,00 × (0,5 × 11/31 + 0,7 × 14/28)% = R$ 5,2741... -> R$ 5,27
    const result = calculateCharges(input({ dueDate: '2025-01-20', asOf: '2025-02-14', terms: legal }), {
      taxaLegal: TAXA_LEGAL,
    });
    expect(cents(result)).toEqual({ principal: 100_000, multa: 2_000, juros: 527 });
    expect(explanation(result, 'juros')).toBe(
      'Juros de mora pela taxa legal (CC art. 406), pro rata die, por 25 dias sobre R$ 1.000,00 ' +
        '(01/2025: 0,5% a.m. por 11/31 dias; 02/2025: 0,7% a.m. por 14/28 dias): R$ 5,27',
    );
  });

  it('a full month accrues exactly that month’s rate', () => {
    const result = calculateCharges(input({ dueDate: '2025-01-31', asOf: '2025-02-28', terms: legal }), {
      taxaLegal: TAXA_LEGAL,
    });
    expect(cents(result).juros).toBe(700);
  });

  it('treats a negative rate as zero (CC art. 406 §3º)', () => {
    const table = rates('mes;taxa_percentual\n2025-01;-0,2\n');
    const result = calculateCharges(input({ dueDate: '2025-01-10', asOf: '2025-01-20', terms: legal }), {
      taxaLegal: table,
    });
    expect(cents(result).juros).toBe(0);
  });

  it('refuses to guess a missing month', () => {
    const result = calculateCharges(input({ dueDate: '2025-01-20', asOf: '2025-04-02', terms: legal }), {
      taxaLegal: TAXA_LEGAL,
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'missing_taxa_legal', months: ['2025-03', '2025-04'] },
    });
  });

  it('refuses a late period that starts before the taxa legal was in force (2024-08-30)', () => {
    const result = calculateCharges(input({ dueDate: '2024-08-28', asOf: '2024-09-10', terms: legal }), {
      taxaLegal: rates('mes;taxa_percentual\n2024-08;0,6\n2024-09;0,6\n'),
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'taxa_legal_not_in_force' } });
  });
});

describe('calculateCharges: correção monetária IPCA', () => {
  const ipca = { correction: 'ipca' as const };
  const tables: ChargeTables = { ipca: IPCA_SAMPLE };

  it('corrects by the full months inside the late period and charges juros on the corrected value', () => {
    // Late from 2025-01-16 to 2025-04-10: full months 02/2025 (1,31%) and 03/2025 (0,56%).
    // Factor 1,0131 × 1,0056 = 1,01877336 -> correção R$ 18,77336 -> R$ 18,77.
    // Juros 1% a.m. × 85/30 on R$ 1.018,77 = R$ 28,86515 -> R$ 28,87. Multa on the principal.
    const result = calculateCharges(input({ asOf: '2025-04-10', terms: ipca }), tables);
    expect(cents(result)).toEqual({ principal: 100_000, correcao: 1_877, multa: 2_000, juros: 2_887 });
    expect(ok(result).totalCents).toBe(106_764);
    expect(explanation(result, 'correcao')).toBe(
      'Correção monetária pelo IPCA de 02/2025 a 03/2025 (2 meses completos, fator 1,018773) sobre R$ 1.000,00: R$ 18,77',
    );
    expect(explanation(result, 'juros')).toBe(
      'Juros de mora de 1% ao mês, pro rata die, por 85 dias sobre R$ 1.018,77: R$ 28,87',
    );
  });

  it('a 2024 debt corrected over the whole of 2024 by the sample table (4,83% in the year)', () => {
    const result = calculateCharges(
      input({ dueDate: '2023-12-31', asOf: '2024-12-31', terms: ipca }),
      tables,
    );
    // 1,04831295791859600600... × R$ 1.000,00 -> R$ 48,31
    expect(cents(result).correcao).toBe(4_831);
  });

  it.each<[string, CalendarDate, CalendarDate, string[]]>([
    ['no full month: nothing to correct', '2025-01-15', '2025-02-10', []],
    [
      'due on the last day of a month: the next month counts once it ends',
      '2025-01-31',
      '2025-02-28',
      ['2025-02'],
    ],
    ['a month ending the day before asOf counts', '2025-01-15', '2025-03-01', ['2025-02']],
    ['a partial month at either end does not count', '2025-01-02', '2025-03-30', ['2025-02']],
  ])('%s', (_name, dueDate, asOf, months) => {
    expect(fullMonthsBetween(addDays(dueDate, 1), asOf)).toEqual(months);
  });

  it('shows a zero correction when no full month has passed', () => {
    const result = calculateCharges(input({ asOf: '2025-02-10', terms: ipca }), tables);
    expect(cents(result).correcao).toBe(0);
  });

  it('preserves the nominal value when the accumulated IPCA is negative', () => {
    // 08/2024 alone: -0,02%.
    const result = calculateCharges(
      input({ dueDate: '2024-07-31', asOf: '2024-09-05', terms: ipca }),
      tables,
    );
    expect(cents(result).correcao).toBe(0);
    const correcao = ok(result).components.find((c) => c.kind === 'correcao');
    expect(correcao?.basis).toMatchObject({ nominalPreserved: true, factor: '0.9998' });
  });

  it('returns an error naming the missing months instead of making up numbers', () => {
    const result = calculateCharges(input({ asOf: '2025-09-15', terms: ipca }), tables);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'missing_ipca', months: ['2025-07', '2025-08'] },
    });
    expect(calculateCharges(input({ asOf: '2025-04-10', terms: ipca }))).toMatchObject({
      ok: false,
      error: { code: 'missing_ipca' },
    });
  });
});

describe('calculateCharges: desconto', () => {
  it.each<[string, ChargeTerms['discount'], number, number]>([
    ['a percentage of the subtotal, applied last', { kind: 'percent', value: '10' }, -10_350, 93_150],
    ['a fixed amount', { kind: 'fixed', value: 5_000 }, -5_000, 98_500],
    [
      'a fixed amount larger than the total stops at zero',
      { kind: 'fixed', value: 999_999_999 },
      -103_500,
      0,
    ],
    ['more than 100% stops at zero', { kind: 'percent', value: '150' }, -103_500, 0],
  ])('%s', (_name, discount, discountCents, total) => {
    const result = calculateCharges(input({ terms: { discount } }));
    expect(cents(result).desconto).toBe(discountCents);
    expect(ok(result).totalCents).toBe(total);
  });

  it('explains a capped discount', () => {
    const result = calculateCharges(input({ terms: { discount: { kind: 'fixed', value: 200_000 } } }));
    expect(explanation(result, 'desconto')).toBe(
      'Desconto de R$ 2.000,00, limitado ao valor devido: -R$ 1.035,00',
    );
  });
});

describe('calculateCharges: invalid input', () => {
  it.each<[string, Overrides]>([
    ['negative principal', { principalCents: -1 }],
    ['fractional principal', { principalCents: 10.5 }],
    ['bad due date', { dueDate: '2025-02-30' }],
    ['bad asOf', { asOf: '15/01/2025' }],
    ['bad multa', { terms: { multaPercent: '2%' } }],
    ['negative juros', { terms: { jurosMonthlyPercent: '-1' } }],
    ['company cap over 100%', { terms: { multaCapPercentForCompanies: '101' } }],
    ['fractional fixed discount', { terms: { discount: { kind: 'fixed', value: 1.5 } } }],
  ])('refuses %s', (_name, overrides) => {
    expect(calculateCharges(input(overrides))).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});

describe('chargeAsOf', () => {
  it('sums the receivables, each computed on its own', () => {
    const { asOf: _asOf, ...base } = input();
    const result = chargeAsOf(
      [
        { ...base, receivableId: 'a' },
        { ...base, receivableId: 'b', principalCents: 50_000, dueDate: '2025-02-14' },
      ],
      '2025-03-01',
    );
    // b: 15 days late on R$ 500,00: multa R$ 10,00, juros R$ 2,50.
    expect(result).toMatchObject({
      ok: true,
      totalCents: 103_500 + 51_250,
      receivables: [
        { receivableId: 'a', totalCents: 103_500 },
        { receivableId: 'b', totalCents: 51_250 },
      ],
    });
  });

  it('fails as a whole, listing every receivable that could not be computed', () => {
    const { asOf: _asOf, ...base } = input();
    const result = chargeAsOf(
      [
        { ...base, receivableId: 'a' },
        { ...base, receivableId: 'b', terms: { ...AGREED, correction: 'ipca' } },
      ],
      '2025-03-01',
    );
    expect(result).toMatchObject({
      ok: false,
      errors: [{ receivableId: 'b', error: { code: 'missing_ipca' } }],
    });
  });

  it('an empty list totals zero', () => {
    expect(chargeAsOf([], '2025-03-01')).toEqual({
      ok: true,
      asOf: '2025-03-01',
      totalCents: 0,
      receivables: [],
    });
  });
});

describe('calculateCharges: properties', () => {
  /** Synthetic non-negative monthly tables from 2024-08 to 2035-12 (made-up rates, not IBGE/BCB). */
  function syntheticTable(percents: readonly string[]): MonthlyRates {
    const table = new Map<string, string>();
    let month = '2024-08';
    for (let i = 0; month <= '2035-12'; i += 1, month = nextYearMonth(month)) {
      table.set(month, percents[i % percents.length] ?? '0');
    }
    return table;
  }

  const percent = fc
    .tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 9999 }))
    .map(([whole, fraction]) => `${whole},${String(fraction).padStart(4, '0')}`);
  const monthlyPercent = fc
    .integer({ min: 0, max: 300 })
    .map((hundredths) => `${Math.trunc(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`);

  const scenario = fc.record({
    principalCents: fc.oneof(
      fc.integer({ min: 0, max: 1_000 }),
      fc.integer({ min: 0, max: 100_000_000_000 }),
    ),
    dueOffset: fc.integer({ min: 0, max: 1_500 }),
    daysLate: fc.integer({ min: 0, max: 900 }),
    debtorKind: fc.constantFrom('person' as const, 'company' as const),
    multaPercent: percent,
    cap: percent,
    juros: fc.option(monthlyPercent, { nil: null }),
    correction: fc.constantFrom('none' as const, 'ipca' as const),
    ipcaRates: fc.array(monthlyPercent, { minLength: 1, maxLength: 12 }),
    taxaRates: fc.array(monthlyPercent, { minLength: 1, maxLength: 12 }),
  });

  type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

  function run(s: Scenario, daysLate: number, discount?: ChargeTerms['discount']): ChargeResult {
    const dueDate = addDays('2024-09-02', s.dueOffset);
    return calculateCharges(
      {
        principalCents: s.principalCents,
        dueDate,
        asOf: addDays(dueDate, daysLate),
        debtorKind: s.debtorKind,
        terms: {
          multaPercent: s.multaPercent,
          jurosMonthlyPercent: s.juros,
          correction: s.correction,
          multaCapPercentForCompanies: s.cap,
          ...(discount ? { discount } : {}),
        },
      },
      { ipca: syntheticTable(s.ipcaRates), taxaLegal: syntheticTable(s.taxaRates) },
    );
  }

  const discount = fc.option(
    fc.oneof(
      percent.map((value) => ({ kind: 'percent' as const, value })),
      fc.integer({ min: 0, max: 100_000_000_000 }).map((value) => ({ kind: 'fixed' as const, value })),
    ),
    { nil: undefined },
  );

  it('components always add up to the total, as safe non-negative integers (the discount excepted)', () => {
    fc.assert(
      fc.property(scenario, discount, (s, d) => {
        const result = ok(run(s, s.daysLate, d));
        let sum = 0;
        for (const component of result.components) {
          expect(Number.isSafeInteger(component.cents)).toBe(true);
          expect(Object.is(component.cents, -0)).toBe(false);
          if (component.kind !== 'desconto') expect(component.cents).toBeGreaterThanOrEqual(0);
          expect(component.explanation).not.toMatch(/NaN|undefined|e[+-]\d|\n/);
          sum += component.cents;
        }
        expect(result.totalCents).toBe(sum);
        expect(result.totalCents).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('the total never decreases as the debt gets later (without a discount)', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 1, max: 400 }), (s, more) => {
        const earlier = ok(run(s, s.daysLate)).totalCents;
        const later = ok(run(s, s.daysLate + more)).totalCents;
        expect(later).toBeGreaterThanOrEqual(earlier);
      }),
    );
  });

  it('a zero principal has zero everything', () => {
    fc.assert(
      fc.property(scenario, discount, (s, d) => {
        const result = ok(run({ ...s, principalCents: 0 }, s.daysLate, d));
        expect(result.totalCents).toBe(0);
        for (const component of result.components) expect(component.cents).toBe(0);
      }),
    );
  });

  it('a consumer never pays more than 2% multa', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const result = ok(run({ ...s, debtorKind: 'person' }, s.daysLate + 10));
        const multa = result.components.find((c) => c.kind === 'multa');
        // Half-up rounding of 2% of the principal: multa × 100 <= principal × 2 + 50.
        expect((multa?.cents ?? 0) * 100).toBeLessThanOrEqual(s.principalCents * 2 + 50);
      }),
    );
  });
});
