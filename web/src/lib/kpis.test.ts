import { describe, expect, it } from 'vitest';
import { currentMonth, previousMonth, previousPeriod } from './kpis.ts';

describe('Indicadores periods', () => {
  it('"mês atual" runs from the 1st to today, and compares with the same days of last month', () => {
    expect(currentMonth('2026-03-31')).toEqual({ from: '2026-03-01', to: '2026-03-31' });
    expect(previousPeriod({ from: '2026-03-01', to: '2026-03-15' })).toEqual({
      from: '2026-02-01',
      to: '2026-02-15',
    });
  });

  it('"mês anterior" is the whole of last month, compared with the whole month before', () => {
    expect(previousMonth('2026-03-10')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(previousMonth('2026-01-10')).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(previousPeriod({ from: '2026-03-01', to: '2026-03-31' })).toEqual({
      from: '2026-02-01',
      to: '2026-02-28',
    });
  });

  it('a free period compares with the as-long period just before', () => {
    expect(previousPeriod({ from: '2026-03-10', to: '2026-03-19' })).toEqual({
      from: '2026-02-28',
      to: '2026-03-09',
    });
  });
});
