import { describe, expect, it } from 'vitest';
import { brToIso } from '../components/DateField.tsx';
import {
  formatAddressLines,
  formatCents,
  formatCep,
  formatCnpj,
  formatCpf,
  formatDate,
  formatDocument,
  formatPhone,
} from './format.ts';

const nbsp = (text: string) => text.replace(/\u00a0/g, ' ');

describe('web formatting', () => {
  it('formats centavos as BRL', () => {
    expect(nbsp(formatCents(123456))).toBe('R$ 1.234,56');
    expect(nbsp(formatCents(5))).toBe('R$ 0,05');
    expect(nbsp(formatCents(-1990))).toBe('-R$ 19,90');
    expect(formatCents(null)).toBe('—');
  });

  it('formats calendar dates without time-zone shifts', () => {
    expect(formatDate('2025-01-01')).toBe('01/01/2025');
    expect(formatDate('2024-02-29')).toBe('29/02/2024');
    expect(formatDate(null)).toBe('—');
    expect(formatDate('garbage')).toBe('garbage');
  });

  it('masks CPF and CNPJ, including the alphanumeric CNPJ', () => {
    expect(formatCpf('52998224725')).toBe('529.982.247-25');
    expect(formatCnpj('11222333000181')).toBe('11.222.333/0001-81');
    expect(formatCnpj('12abc34501de35')).toBe('12.ABC.345/01DE-35');
    expect(formatDocument('529.982.247-25')).toBe('529.982.247-25');
    expect(formatDocument('12ABC34501DE35')).toBe('12.ABC.345/01DE-35');
    expect(formatDocument('123')).toBe('123');
  });

  it('formats Brazilian phones, CEP and addresses', () => {
    expect(formatPhone('+5511987654321')).toBe('(11) 98765-4321');
    expect(formatPhone('+551134567890')).toBe('(11) 3456-7890');
    expect(formatPhone('+14155550100')).toBe('+14155550100');
    expect(formatCep('01310100')).toBe('01310-100');
    expect(
      formatAddressLines({
        street: 'Av. Paulista',
        number: '1000',
        complement: null,
        district: 'Bela Vista',
        city: 'São Paulo',
        uf: 'SP',
        cep: '01310100',
      }),
    ).toEqual(['Av. Paulista, 1000', 'Bela Vista — São Paulo/SP — CEP 01310-100']);
    expect(formatAddressLines(null)).toEqual([]);
  });

  it('reads dd/mm/aaaa typed in the date filters', () => {
    expect(brToIso('31/03/2025')).toBe('2025-03-31');
    expect(brToIso('29/02/2025')).toBeNull();
    expect(brToIso('29/02/2024')).toBe('2024-02-29');
    expect(brToIso('1/2/2025')).toBeNull();
  });
});

describe('importFailureMessage', () => {
  it('explains a missing-columns failure in Portuguese with the field names and the headers found', async () => {
    const { importFailureMessage } = await import('./labels.ts');
    expect(
      importFailureMessage({
        errorCode: 'missing_columns',
        errorDetails: { missing: ['dueDate', 'originalAmount'], headers: ['id', 'nome'] },
        errorMessage: 'the header line lacks required columns',
      }),
    ).toBe(
      'Faltam colunas obrigatórias: Vencimento, Valor original. Colunas encontradas: id, nome. Renomeie as colunas ou indique-as na tela de importação.',
    );
    expect(
      importFailureMessage({ errorCode: 'something_new', errorDetails: null, errorMessage: 'raw' }),
    ).toBe('raw');
  });
});
