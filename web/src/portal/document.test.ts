import { describe, expect, it } from 'vitest';
import { documentComplete, maskDocument } from './document.ts';

describe('the portal’s CPF/CNPJ mask', () => {
  it.each([
    ['', 'cpf', ''],
    ['529', 'cpf', '529'],
    ['5299', 'cpf', '529.9'],
    ['5299822', 'cpf', '529.982.2'],
    ['529982247', 'cpf', '529.982.247'],
    ['5299822472', 'cpf', '529.982.247-2'],
    ['52998224725', 'cpf', '529.982.247-25'],
    ['529.982.247-25', 'cpf', '529.982.247-25'],
    ['52998224725999', 'cpf', '529.982.247-25'],
    ['abc529x', 'cpf', '529'],
    ['11222333000181', 'cnpj', '11.222.333/0001-81'],
    ['11.222.333/0001-81', 'cnpj', '11.222.333/0001-81'],
    ['12abc34501de35', 'cnpj', '12.ABC.345/01DE-35'],
    ['112', 'cnpj', '11.2'],
    ['11222333', 'cnpj', '11.222.333'],
    ['112223330', 'cnpj', '11.222.333/0'],
  ] as const)('%s as a %s reads %s', (typed, kind, shown) => {
    expect(maskDocument(typed, kind)).toBe(shown);
  });

  it('is complete only with every character, and a CNPJ ends in two digits', () => {
    expect(documentComplete('529.982.247-2', 'cpf')).toBe(false);
    expect(documentComplete('529.982.247-25', 'cpf')).toBe(true);
    expect(documentComplete('12.ABC.345/01DE-35', 'cnpj')).toBe(true);
    expect(documentComplete('12.ABC.345/01DE-3X', 'cnpj')).toBe(false);
  });
});
