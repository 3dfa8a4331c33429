import { describe, expect, it } from 'vitest';
import { judge, normalCdf, twoProportionPValue, type VariantResult } from './experiments.ts';

const variant = (key: string, mature: number, paid30: number): VariantResult => ({
  key,
  weight: 50,
  contacted: mature,
  mature,
  paid7: 0,
  paid30,
  recoveredCents: 0,
});

describe('the A/B verdict', () => {
  it('the normal distribution matches its table', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 5);
    expect(normalCdf(-1.644854)).toBeCloseTo(0.05, 5);
  });

  it('the two-proportion test gives the textbook p-value', () => {
    // 120/1000 against 90/1000: z = 2.19, p = 0.029.
    expect(twoProportionPValue(120, 1000, 90, 1000)).toBeCloseTo(0.0286, 3);
    expect(twoProportionPValue(0, 0, 1, 10)).toBeNull();
    expect(twoProportionPValue(0, 10, 0, 10)).toBe(1);
  });

  it.each([
    { name: 'too few judged contacts', a: [50, 5], b: [50, 20], verdict: 'not_yet', winner: null },
    { name: 'a clear winner', a: [1000, 90], b: [1000, 130], verdict: 'winner', winner: 'b' },
    { name: 'the control wins', a: [1000, 150], b: [1000, 100], verdict: 'winner', winner: 'a' },
    { name: 'not significant yet', a: [300, 30], b: [300, 36], verdict: 'not_yet', winner: null },
    {
      name: 'no difference with plenty of data',
      a: [2000, 200],
      b: [2000, 204],
      verdict: 'no_difference',
      winner: null,
    },
  ] as const)('$name', ({ a, b, verdict, winner }) => {
    const result = judge([variant('a', a[0], a[1]), variant('b', b[0], b[1])]);
    expect(result.verdict).toBe(verdict);
    expect(result.winner).toBe(winner);
    expect(result.explanation.length).toBeGreaterThan(10);
  });

  it('corrects for several challengers (Bonferroni)', () => {
    // p ≈ 0.042 would win alone, but not against a threshold of 0.05 / 2.
    expect(judge([variant('a', 800, 72), variant('b', 800, 97)]).verdict).toBe('winner');
    const result = judge([variant('a', 800, 72), variant('b', 800, 97), variant('c', 800, 73)]);
    expect(result.verdict).toBe('not_yet');
  });
});
