import { describe, expect, it } from 'vitest';
import {
  basisPointsToPercent,
  exactCentsLabel,
  monthLabel,
  monthsUpTo,
  percentToBasisPoints,
  shiftMonth,
  tierLabel,
} from './billing.ts';

describe('billing helpers', () => {
  it.each([
    ['12,5', 1250],
    ['12.5', 1250],
    ['0,07', 7],
    ['100', 10_000],
    ['5', 500],
    ['100,01', null],
    ['12,345', null],
    ['-1', null],
    ['', null],
  ])('reads %s%% as %s basis points, exactly', (text, bp) => expect(percentToBasisPoints(text)).toBe(bp));

  it('writes basis points back as a pt-BR percentage', () => {
    expect(basisPointsToPercent(1250)).toBe('12,5');
    expect(basisPointsToPercent(7)).toBe('0,07');
    expect(basisPointsToPercent(1000)).toBe('10');
  });

  it('names months and walks back across years', () => {
    expect(monthLabel('2026-03')).toBe('março de 2026');
    expect(shiftMonth('2026-01', -1)).toBe('2025-12');
    expect(monthsUpTo('2026-02', 3)).toEqual(['2026-02', '2026-01', '2025-12']);
  });

  it('shows tiers and exact fees as people read them', () => {
    expect(tierLabel({ fromDays: 91, toDays: null, basisPoints: 1500 })).toBe('91 dias ou mais');
    expect(tierLabel({ fromDays: 1, toDays: 30, basisPoints: 500 })).toBe('1 a 30 dias');
    expect(exactCentsLabel('1666.6500')).toBe('R$ 16,6665');
    expect(exactCentsLabel('12345.7000')).toBe('R$ 123,457');
    expect(exactCentsLabel('5.0000')).toBe('R$ 0,05');
    expect(exactCentsLabel('32762.95')).toBe('R$ 327,6295');
  });
});
