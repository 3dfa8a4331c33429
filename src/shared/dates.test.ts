import { describe, expect, it } from 'vitest';
import { addDays, addMonths, daysBetween, parseCalendarDate, todayIn } from './dates.ts';

describe('parseCalendarDate', () => {
  it.each([
    ['31/01/2026', '2026-01-31'],
    ['1/2/2026', '2026-02-01'],
    ['31-01-2026', '2026-01-31'],
    ['31.01.2026', '2026-01-31'],
    ['31/01/26', '2026-01-31'],
    ['2026-01-31', '2026-01-31'],
    ['2026-01-31T00:00:00', '2026-01-31'],
    ['2026-01-31 00:00:00', '2026-01-31'],
    ['20260131', '2026-01-31'],
    ['29/02/2028', '2028-02-29'],
  ])('reads %s as %s', (text, date) => {
    expect(parseCalendarDate(text)).toBe(date);
  });

  it.each(['31/02/2026', '29/02/2026', '00/01/2026', '2026-13-01', 'amanhã', '', '12/31/2026'])(
    'refuses %j',
    (text) => {
      expect(parseCalendarDate(text)).toBeNull();
    },
  );
});

describe('calendar arithmetic', () => {
  it('adds days and months across month ends and leap years', () => {
    expect(addDays('2026-02-27', 2)).toBe('2026-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-03-15', -18)).toBe('2024-09-15');
    expect(daysBetween('2026-01-01', '2026-03-01')).toBe(59);
  });

  it('knows the business date in São Paulo differs from UTC late at night', () => {
    expect(todayIn('America/Sao_Paulo', new Date('2026-11-23T02:30:00Z'))).toBe('2026-11-22');
    expect(todayIn('UTC', new Date('2026-11-23T02:30:00Z'))).toBe('2026-11-23');
  });
});
