import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cnpjFromBase, cpfFromBase, formatTaxId, parseTaxId } from './documents.ts';

describe('parseTaxId', () => {
  it.each([
    ['529.982.247-25', 'person', '52998224725'],
    ['52998224725', 'person', '52998224725'],
    ['11.222.333/0001-81', 'company', '11222333000181'],
    ['12.ABC.345/01DE-35', 'company', '12ABC34501DE35'],
    ['12abc34501de35', 'company', '12ABC34501DE35'],
    // A spreadsheet dropped the leading zero of a CPF
    ['3287592017', 'person', '03287592017'],
  ])('accepts %s as a %s', (text, kind, value) => {
    expect(parseTaxId(text)).toEqual({ ok: true, taxId: { kind, value } });
  });

  it.each([
    ['529.982.247-26', 'invalid_cpf'],
    ['111.111.111-12', 'invalid_cpf'],
    ['11.222.333/0001-82', 'invalid_cnpj'],
    ['12.ABC.345/01DE-36', 'invalid_cnpj'],
    ['abc', 'invalid_document'],
    ['', 'invalid_document'],
  ])('refuses %j with %s', (text, code) => {
    const result = parseTaxId(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.code).toBe(code);
  });

  it('accepts every CPF and CNPJ built with correct check digits, formatted or not', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{8}$/), (base) => {
        const cpf = cpfFromBase(base);
        expect(parseTaxId(formatTaxId(cpf))).toEqual({ ok: true, taxId: { kind: 'person', value: cpf } });
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-Z]{12}$/), (base) => {
        const cnpj = cnpjFromBase(base);
        const parsed = parseTaxId(formatTaxId(cnpj));
        expect(parsed.ok && parsed.taxId.value).toBe(cnpj);
      }),
    );
  });

  it('builds the reference CNPJs of BRAZIL.md', () => {
    expect(cnpjFromBase('12ABC34501DE')).toBe('12ABC34501DE35');
    expect(cnpjFromBase('112223330001')).toBe('11222333000181');
    expect(cpfFromBase('529982247')).toBe('52998224725');
  });
});
