import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMonthsTo,
  computeFees,
  type FeeTerms,
  formatBasisPoints,
  monthEnd,
  monthState,
  rateFor,
  validateFeeTerms,
} from './fees.ts';

const TIERED: FeeTerms = {
  monthlyFeeCents: 150_000,
  successFeeBasisPoints: null,
  tiers: [
    { fromDays: 1, toDays: 30, basisPoints: 500 },
    { fromDays: 31, toDays: 90, basisPoints: 1000 },
    { fromDays: 91, toDays: null, basisPoints: 1500 },
  ],
};

describe('months', () => {
  it.each([
    ['2026-02', '2026-02-28'],
    ['2024-02', '2024-02-29'],
    ['2026-12', '2026-12-31'],
    ['2026-04', '2026-04-30'],
  ])('the month %s ends on %s', (month, end) => expect(monthEnd(month)).toBe(end));

  it('adds months across years', () => {
    expect(addMonthsTo('2026-01', -1)).toBe('2025-12');
    expect(addMonthsTo('2025-12', 1)).toBe('2026-01');
  });

  it.each([
    ['2026-03', '2026-03-31', 'open'],
    ['2026-03', '2026-04-01', 'closed'],
    ['2026-03', '2026-02-28', 'future'],
    ['2026-03', '2026-03-01', 'open'],
  ] as const)('%s is %s on %s… (%s)', (month, today, state) => expect(monthState(month, today)).toBe(state));
});

describe('fee terms validation (pt-BR problems)', () => {
  it('accepts a single rate and contiguous tiers ending open', () => {
    expect(validateFeeTerms({ monthlyFeeCents: 0, successFeeBasisPoints: 1250, tiers: [] })).toEqual([]);
    expect(validateFeeTerms(TIERED)).toEqual([]);
  });

  it.each([
    [
      'a gap between tiers',
      [
        { fromDays: 1, toDays: 30, basisPoints: 500 },
        { fromDays: 40, toDays: null, basisPoints: 1000 },
      ],
      'deixa um intervalo sem taxa (de 31 a 39 dias)',
    ],
    [
      'overlapping tiers',
      [
        { fromDays: 1, toDays: 30, basisPoints: 500 },
        { fromDays: 20, toDays: null, basisPoints: 1000 },
      ],
      'sobrepõe a faixa 1',
    ],
    ['a first tier not starting at 1', [{ fromDays: 5, toDays: null, basisPoints: 500 }], 'começar em 1 dia'],
    [
      'a closed last tier',
      [{ fromDays: 1, toDays: 30, basisPoints: 500 }],
      'última faixa deve ficar sem fim',
    ],
    ['a rate above 100%', [{ fromDays: 1, toDays: null, basisPoints: 10_001 }], 'taxa inválida'],
    ['a negative rate', [{ fromDays: 1, toDays: null, basisPoints: -1 }], 'taxa inválida'],
    [
      'an end before the start',
      [
        { fromDays: 1, toDays: 0, basisPoints: 500 },
        { fromDays: 1, toDays: null, basisPoints: 500 },
      ],
      'deve ser maior ou igual ao início',
    ],
  ])('refuses %s', (_name, tiers, problem) => {
    const problems = validateFeeTerms({ monthlyFeeCents: 100, successFeeBasisPoints: null, tiers });
    expect(problems.join(' ')).toContain(problem);
  });

  it('refuses a missing rate, a single rate beside tiers, and a negative monthly fee, all at once', () => {
    expect(validateFeeTerms({ monthlyFeeCents: -1, successFeeBasisPoints: null, tiers: [] })).toEqual([
      'Mensalidade inválida: informe um valor em reais de 0 a 1 bilhão.',
      'Informe a taxa de êxito (percentual sobre o valor recuperado) ou as faixas por atraso.',
    ]);
    expect(validateFeeTerms({ ...TIERED, successFeeBasisPoints: 1000 })).toEqual([
      'Com faixas por atraso, a taxa de êxito é a de cada faixa: deixe a taxa única em branco.',
    ]);
  });
});

describe('rate by days late at recovery', () => {
  it.each([
    [1, 500],
    [30, 500],
    [31, 1000],
    [90, 1000],
    [91, 1500],
    [5000, 1500],
  ])('%i days late → %i basis points', (days, bp) => expect(rateFor(TIERED, days).basisPoints).toBe(bp));

  it('without tiers every recovery takes the single rate', () => {
    expect(rateFor({ monthlyFeeCents: 0, successFeeBasisPoints: 1250, tiers: [] }, 400)).toEqual({
      basisPoints: 1250,
      tier: null,
    });
  });

  it('formats basis points as a pt-BR percentage', () => {
    expect(formatBasisPoints(1250)).toBe('12,5%');
    expect(formatBasisPoints(1000)).toBe('10%');
    expect(formatBasisPoints(7)).toBe('0,07%');
  });
});

describe('the success fee, rounded once', () => {
  it('the worked example of docs/BILLING.md', () => {
    // 333,33 × 5% = 1666,65 ¢; 1.234,57 × 10% = 12345,7 ¢; 999,99 × 15% = 14999,85 ¢; 250,05 × 15% = 3750,75 ¢.
    const fees = computeFees([
      { cents: 33_333, basisPoints: 500 },
      { cents: 123_457, basisPoints: 1000 },
      { cents: 99_999, basisPoints: 1500 },
      { cents: 25_005, basisPoints: 1500 },
    ]);
    expect(fees.exactTotal).toBe('32762.95');
    expect(fees.successFeeCents).toBe(32_763);
    // Floors 1666 + 12345 + 14999 + 3750 = 32760; 3 centavos left go to .85, .75, .70.
    expect(fees.lines.map((l) => l.feeCents)).toEqual([1666, 12_346, 15_000, 3751]);
    expect(fees.lines.map((l) => l.exact)).toEqual(['1666.6500', '12345.7000', '14999.8500', '3750.7500']);
    expect(fees.recoveredCents).toBe(281_794);
  });

  it('half a centavo in total rounds up; nothing makes no fee', () => {
    expect(computeFees([{ cents: 1, basisPoints: 5000 }]).successFeeCents).toBe(1);
    expect(computeFees([{ cents: 1, basisPoints: 4999 }]).successFeeCents).toBe(0);
    expect(computeFees([])).toEqual({ recoveredCents: 0, exactTotal: '0', successFeeCents: 0, lines: [] });
  });

  it('many small lines whose fractions add up are charged on the total, not line by line', () => {
    // 3 × (1 ¢ × 50%) = 1,5 ¢ → 2 ¢, where rounding each line would charge 3 ¢.
    const fees = computeFees([1, 1, 1].map((cents) => ({ cents, basisPoints: 5000 })));
    expect(fees.successFeeCents).toBe(2);
    expect(fees.lines.map((l) => l.feeCents)).toEqual([1, 1, 0]);
  });

  const lineArb = fc.record({
    cents: fc.integer({ min: 1, max: 1_000_000_000_00 }),
    basisPoints: fc.integer({ min: 0, max: 10_000 }),
  });

  it('line fees always add up to the total, each within a centavo of its exact fee (property)', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 60 }), (lines) => {
        const fees = computeFees(lines);
        expect(fees.lines.reduce((s, l) => s + l.feeCents, 0)).toBe(fees.successFeeCents);
        fees.lines.forEach((l, i) => {
          const exact = Number(l.exact);
          expect(l.feeCents).toBeGreaterThanOrEqual(Math.floor(exact));
          expect(l.feeCents).toBeLessThanOrEqual(Math.ceil(exact));
          expect(Number.isInteger(l.feeCents)).toBe(true);
          expect(lines[i]).toBeDefined();
        });
      }),
    );
  });

  it('the total is the exact sum rounded half-up, computed in integers (property)', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 60 }), (lines) => {
        // Σ cents × bp is an integer: the fee in 1/10 000 of a centavo.
        const scaled = lines.reduce((s, l) => s + BigInt(l.cents) * BigInt(l.basisPoints), 0n);
        const expected = (scaled + 5_000n) / 10_000n;
        expect(BigInt(computeFees(lines).successFeeCents)).toBe(expected);
      }),
    );
  });

  it('tiers pick by days late: a later day never takes an earlier tier (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 100_000 }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const index = (d: number) => {
          const tier = rateFor(TIERED, d).tier;
          return tier === null ? -1 : TIERED.tiers.indexOf(tier);
        };
        expect(index(lo)).toBeLessThanOrEqual(index(hi));
        const tier = rateFor(TIERED, lo).tier;
        expect(tier && lo >= tier.fromDays && (tier.toDays === null || lo <= tier.toDays)).toBe(true);
      }),
    );
  });
});
