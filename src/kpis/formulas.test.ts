import { describe, expect, it } from 'vitest';
import {
  AGING_BUCKETS,
  averageDays,
  bucketOf,
  bucketRange,
  centsPer,
  collectionEffectiveness,
  collectorCents,
  countbackDso,
  countbackWindows,
  curveCohorts,
  curvePoints,
  cutDates,
  ratio,
  standardDso,
  trendMonths,
} from './formulas.ts';

describe('aging buckets', () => {
  it.each([
    [-10, 'current'],
    [0, 'current'],
    [1, '0-30'],
    [30, '0-30'],
    [31, '31-60'],
    [60, '31-60'],
    [61, '61-90'],
    [90, '61-90'],
    [91, '91-180'],
    [180, '91-180'],
    [181, '180+'],
    [5000, '180+'],
  ])('%i days past due is %s', (days, bucket) => {
    expect(bucketOf(days)).toBe(bucket);
  });

  it('gives each bucket the range bucketOf puts in it', () => {
    for (const bucket of AGING_BUCKETS) {
      const { min, max } = bucketRange(bucket);
      if (min !== null) expect(bucketOf(min)).toBe(bucket);
      if (max !== null) expect(bucketOf(max)).toBe(bucket);
      if (min !== null) expect(bucketOf(min - 1)).not.toBe(bucket);
      if (max !== null) expect(bucketOf(max + 1)).not.toBe(bucket);
    }
  });
});

describe('ratios', () => {
  it.each([
    [1, 3, 0.3333],
    [2, 3, 0.6667],
    [305_000, 405_000, 0.7531],
    [5, 100_000, 0.0001],
    [4, 100_000, 0],
    [0, 7, 0],
    [3, 0, null],
    [0, 0, null],
  ])('%i / %i rounds half-up to four places: %s', (numerator, denominator, expected) => {
    expect(ratio(numerator, denominator)).toBe(expected);
  });

  it('divides centavos by a count to whole centavos, and says nothing for no count', () => {
    expect(centsPer(412, 3)).toBe(137);
    expect(centsPer(413, 2)).toBe(207); // 206.5 rounds half up
    expect(centsPer(412, 0)).toBeNull();
  });

  it('averages whole days to one decimal', () => {
    expect(averageDays(16, 2)).toBe(8);
    expect(averageDays(10, 3)).toBe(3.3);
    expect(averageDays(0, 0)).toBeNull();
  });

  it('prices collector time from the minutes per task and the hourly cost', () => {
    expect(collectorCents(1, { minutesPerTask: 6, centsPerHour: 3_000 })).toBe(300);
    expect(collectorCents(7, { minutesPerTask: 4, centsPerHour: 2_500 })).toBe(1_167); // 1166.67
    expect(collectorCents(0, { minutesPerTask: 6, centsPerHour: 3_000 })).toBe(0);
  });
});

describe('DSO and CEI', () => {
  it('standard DSO: receivables over credit sales times the days of the period', () => {
    expect(standardDso(405_000, 330_000, 90)).toBe(110.5);
    expect(standardDso(0, 330_000, 90)).toBe(0);
    expect(standardDso(405_000, 0, 90)).toBeNull();
  });

  it('countback DSO: whole months of sales taken off, then the fraction of the month that covers the rest', () => {
    const windows = [
      { days: 31, salesCents: 100_000 },
      { days: 28, salesCents: 30_000 },
      { days: 31, salesCents: 200_000 },
      { days: 31, salesCents: 115_000 },
    ];
    // 31 + 28 + 31 + 75000 / 115000 x 31
    expect(countbackDso(405_000, windows)).toBe(110.2);
    expect(countbackDso(50_000, windows)).toBe(15.5);
    expect(countbackDso(100_000, windows)).toBe(31);
    expect(countbackDso(0, windows)).toBe(0);
    // More outstanding than every window of sales: it cannot be counted back.
    expect(countbackDso(1_000_000, windows)).toBeNull();
    expect(countbackDso(1, [])).toBeNull();
  });

  it('builds month-long countback windows ending at the period end', () => {
    const seen: Array<[string, string]> = [];
    const windows = countbackWindows('2026-03-31', (after, upTo) => {
      seen.push([after, upTo]);
      return 1;
    });
    expect(seen.slice(0, 3)).toEqual([
      ['2026-02-28', '2026-03-31'],
      ['2026-01-31', '2026-02-28'],
      ['2025-12-31', '2026-01-31'],
    ]);
    expect(windows.slice(0, 3).map((w) => w.days)).toEqual([31, 28, 31]);
    expect(windows).toHaveLength(24);
  });

  it('CEI: collected over collectible, in percent', () => {
    expect(
      collectionEffectiveness({
        beginCents: 690_000,
        creditSalesCents: 330_000,
        endCents: 405_000,
        endCurrentCents: 100_000,
      }),
    ).toBe(66.85);
    expect(
      collectionEffectiveness({ beginCents: 0, creditSalesCents: 0, endCents: 0, endCurrentCents: 0 }),
    ).toBeNull();
  });
});

describe('cut dates', () => {
  it('holds the opening, the month ends, the end, the as-of date and the countback boundaries, once each', () => {
    const { cuts, start, monthEnds, countbackBoundaries } = cutDates({
      from: '2026-01-01',
      to: '2026-03-31',
      asOf: '2026-03-15',
    });
    expect(start).toBe('2025-12-31');
    expect(monthEnds).toEqual(['2025-12-31', '2026-01-31', '2026-02-28', '2026-03-31']);
    expect(countbackBoundaries.slice(0, 4)).toEqual(['2026-03-31', '2026-02-28', '2026-01-31', '2025-12-31']);
    expect(cuts).toContain('2026-03-15');
    expect(cuts).toEqual([...new Set(cuts)].sort());
    expect(cuts[0]).toBe('2024-03-31');
  });

  it('takes only the month ends inside a period that starts mid-month', () => {
    expect(cutDates({ from: '2026-01-15', to: '2026-03-10', asOf: '2026-03-10' }).monthEnds).toEqual([
      '2026-01-31',
      '2026-02-28',
    ]);
  });
});

describe('curveCohorts', () => {
  it.each([
    // as of a month end, that month is the last cohort
    [
      '2026-03-31',
      2,
      [
        ['2026-02', 31],
        ['2026-03', 0],
      ],
    ],
    // a month still running has no cohort yet
    [
      '2026-03-15',
      2,
      [
        ['2026-01', 43],
        ['2026-02', 15],
      ],
    ],
    // followed for at most 180 days
    ['2026-12-31', 1, [['2026-12', 0]]],
    [
      '2026-07-31',
      7,
      [
        ['2026-01', 180],
        ['2026-02', 153],
        ['2026-03', 122],
        ['2026-04', 92],
        ['2026-05', 61],
        ['2026-06', 31],
        ['2026-07', 0],
      ],
    ],
  ] as const)('as of %s, %i months: %j', (asOf, months, expected) => {
    expect(curveCohorts(asOf, months).map((c) => [c.month, c.observedDays])).toEqual(expected);
  });
});

describe('curvePoints', () => {
  it.each([
    ['nothing owed: no curve', 0, [], 3, []],
    ['nothing recovered', 1000, [], 2, [0, 0, 0]],
    [
      'cumulative, rounded once per day',
      3000,
      [
        { day: 1, cents: 1000 },
        { day: 3, cents: 1000 },
        { day: 3, cents: 500 },
      ],
      3,
      [0, 0.3333, 0.3333, 0.8333],
    ],
    ['a day beyond the observed days is not shown', 1000, [{ day: 5, cents: 1000 }], 2, [0, 0, 0]],
  ] as const)('%s', (_name, owed, recovered, days, shares) => {
    expect(curvePoints(owed, recovered, days).map((p) => p.share)).toEqual(shares);
  });
});

describe('trendMonths', () => {
  it('ends with the month of `to`, cut at `to`', () => {
    expect(trendMonths('2026-03-15', 3)).toEqual([
      { month: '2026-01', from: '2026-01-01', to: '2026-01-31', before: '2025-12-31' },
      { month: '2026-02', from: '2026-02-01', to: '2026-02-28', before: '2026-01-31' },
      { month: '2026-03', from: '2026-03-01', to: '2026-03-15', before: '2026-02-28' },
    ]);
  });
});
