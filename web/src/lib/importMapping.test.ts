import { describe, expect, it } from 'vitest';
import type { ImportPreviewField } from '../api/types.ts';
import { headerChoices, isJsonFile, mappingToSend, missingFields, repeatedHeaders } from './importMapping.ts';

const fields: ImportPreviewField[] = [
  { field: 'externalId', required: true, aliases: ['id', 'chave'] },
  { field: 'documentNumber', required: false, aliases: ['documento', 'numdoc'] },
  { field: 'dueDate', required: true, aliases: ['vencimento', 'dtvenc'] },
  { field: 'originalAmount', required: true, aliases: ['valor'] },
  { field: 'debtorDocument', required: true, aliases: ['cpfcnpj'] },
  { field: 'debtorName', required: true, aliases: ['nome', 'cliente'] },
  { field: 'email', required: false, aliases: ['email'] },
];

describe('import column mapping', () => {
  it('lists the required fields no column feeds, in field order', () => {
    expect(missingFields(fields, { debtorName: 'CLIENTE', dueDate: 'DT VENC' })).toEqual([
      'externalId',
      'originalAmount',
      'debtorDocument',
    ]);
    expect(missingFields(fields, { externalId: '', dueDate: 'x', originalAmount: 'y' })).toEqual([
      'externalId',
      'debtorDocument',
      'debtorName',
    ]);
  });

  it('does not ask for the identifier when the document number is mapped', () => {
    const mapping = {
      documentNumber: 'NF',
      dueDate: 'a',
      originalAmount: 'b',
      debtorDocument: 'c',
      debtorName: 'd',
    };
    expect(missingFields(fields, mapping)).toEqual([]);
  });

  it('sends the mapped fields and stops auto-matching of the ones left out', () => {
    const headers = ['CHAVE', 'Cliente', 'E-mail', 'DOC'];
    expect(mappingToSend(fields, headers, { externalId: 'CHAVE', debtorDocument: 'DOC' })).toEqual({
      externalId: 'CHAVE',
      debtorDocument: 'DOC',
      debtorName: '',
      email: '',
    });
  });

  it('offers each header once, skipping blanks and headers that normalize alike', () => {
    expect(headerChoices(['Valor', ' ', 'VALOR', 'Vencimento', 'vencimento '])).toEqual([
      'Valor',
      'Vencimento',
    ]);
  });

  it('notices a column chosen for two fields', () => {
    expect(repeatedHeaders({ externalId: 'DOC', documentNumber: 'DOC', dueDate: 'VENC', email: '' })).toEqual(
      ['DOC'],
    );
  });

  it('tells JSON batches from CSV files', () => {
    expect(isJsonFile({ name: 'lote.JSON', type: '' })).toBe(true);
    expect(isJsonFile({ name: 'lote', type: 'application/json' })).toBe(true);
    expect(isJsonFile({ name: 'titulos.csv', type: 'text/csv' })).toBe(false);
  });
});
