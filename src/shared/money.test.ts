import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { centsToDecimal, formatBrl, parseAmount } from './money.ts';

describe('parseAmount', () => {
  it.each([
    ['1.234,56', 123456],
    ['1234,56', 123456],
    ['1234.56', 123456],
    ['1,234.56', 123456],
    ['R$ 1.234,56', 123456],
    ['1.234', 123400],
    ['1.234.567', 123456700],
    ['10', 1000],
    ['0,5', 50],
    ['0.05', 5],
    ['1.000.000,00', 100000000],
    ['-10,00', -1000],
    ['(10,00)', -1000],
  ])('reads %s as %i centavos', (text, cents) => {
    expect(parseAmount(text)).toEqual({ ok: true, cents });
  });

  it.each(['', 'abc', '1,234', '1.2.3,4', '12,345', '1,2,3', '10,001', '1e5', '12..5'])(
    'refuses %j',
    (text) => {
      expect(parseAmount(text).ok).toBe(false);
    },
  );

  it('reads back every amount it writes, in both Brazilian and dot notation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), (cents) => {
        const dot = centsToDecimal(cents);
        expect(parseAmount(dot)).toEqual({ ok: true, cents });
        const brl = formatBrl(cents).replace(/^R\$\s/, '');
        expect(parseAmount(brl)).toEqual({ ok: true, cents });
      }),
    );
  });
});

describe('formatBrl', () => {
  it('formats centavos the Brazilian way', () => {
    expect(formatBrl(123456).replace(/\s/, ' ')).toBe('R$ 1.234,56');
    expect(formatBrl(5).replace(/\s/, ' ')).toBe('R$ 0,05');
  });
});
