import { describe, expect, it } from 'vitest';
import { HeaderError, matchColumns } from './columns.ts';
import { type RawRow, validateRow } from './rows.ts';

const base = {
  externalId: 'T-1',
  debtorDocument: '529.982.247-25',
  debtorName: 'Maria',
  dueDate: '31/01/2026',
  originalAmount: '100,00',
};

function row(values: Record<string, string>): RawRow {
  return { line: 7, values: { ...base, ...values }, columnNames: {} };
}

function codes(values: Record<string, string>) {
  const result = validateRow(row(values));
  return 'errors' in result ? result.errors.map((e) => e.code) : [];
}

describe('validateRow', () => {
  it('normalizes a good row: CPF digits, E.164 phones, lowercased email domain, ISO dates, centavos', () => {
    const result = validateRow(
      row({
        email: 'Maria@Example.COM; m2@example.com',
        phone: '(11) 98765-4321',
        uf: 'sp',
        cep: '01310-200',
        issueDate: '2026-01-01',
      }),
    );
    expect('row' in result && result.row).toMatchObject({
      line: 7,
      externalId: 'T-1',
      dueDate: '2026-01-31',
      issueDate: '2026-01-01',
      originalCents: 10000,
      openCents: 10000,
      status: 'open',
      debtor: {
        kind: 'person',
        document: '52998224725',
        emails: ['Maria@example.com', 'm2@example.com'],
        phones: ['+5511987654321'],
        uf: 'SP',
        cep: '01310200',
      },
    });
  });

  it.each([
    [{ debtorDocument: '111.111.111-12' }, 'invalid_cpf'],
    [{ debtorDocument: '11.222.333/0001-80' }, 'invalid_cnpj'],
    [{ debtorDocument: '' }, 'required'],
    [{ dueDate: '31/02/2026' }, 'invalid_date'],
    [{ originalAmount: '-5,00' }, 'negative_amount'],
    [{ originalAmount: 'dez reais' }, 'invalid_amount'],
    [{ originalAmount: '0,00' }, 'invalid_amount'],
    [{ issueDate: '01/03/2026' }, 'due_before_issue'],
    [{ openAmount: '200,00' }, 'open_exceeds_original'],
    [{ email: 'not-an-email' }, 'invalid_email'],
    [{ phone: '123' }, 'invalid_phone'],
    [{ uf: 'XX' }, 'invalid_uf'],
    [{ cep: '123' }, 'invalid_cep'],
    [{ status: 'talvez' }, 'invalid_status'],
    [{ status: 'pago', openAmount: '10,00' }, 'status_conflict'],
    [{ debtorName: 'x'.repeat(201) }, 'too_long'],
    [{ debtorName: 'Jos\uFFFD' }, 'invalid_encoding'],
  ])('rejects %j with %s', (values, code) => {
    expect(codes(values)).toContain(code);
  });

  it('derives the status from the open balance and reads ERP status words', () => {
    const status = (values: Record<string, string>) => {
      const result = validateRow(row(values));
      return 'row' in result ? result.row.status : null;
    };
    expect(status({ openAmount: '0' })).toBe('paid');
    expect(status({ openAmount: '40,00' })).toBe('partially_paid');
    expect(status({ status: 'Liquidado' })).toBe('paid');
    expect(status({ status: 'CANCELADO' })).toBe('cancelled');
    expect(status({ status: 'Baixado', openAmount: '100,00' })).toBe('written_off');
  });

  it('uses document number and installment as the id when the file has no id column', () => {
    const result = validateRow({
      line: 2,
      values: { ...base, externalId: undefined, documentNumber: 'NF-9', installmentNumber: '2/3' },
      columnNames: {},
    });
    expect('row' in result && result.row.externalId).toBe('NF-9/2');
  });

  it('names the column as written in the file in its errors', () => {
    const result = validateRow({
      line: 3,
      values: { ...base, dueDate: 'ontem' },
      columnNames: { dueDate: 'Data Vencto' },
    });
    expect('errors' in result && result.errors[0]).toMatchObject({
      line: 3,
      column: 'Data Vencto',
      value: 'ontem',
      code: 'invalid_date',
    });
  });
});

describe('matchColumns', () => {
  it('recognizes common ERP headers with accents, spaces and case', () => {
    const columns = matchColumns([
      'Cód. Título',
      'CPF/CNPJ',
      'Razão Social',
      'Data de Vencimento',
      'Valor Original',
      'Saldo Devedor',
    ]);
    expect(columns).toEqual({
      externalId: 0,
      debtorDocument: 1,
      debtorName: 2,
      dueDate: 3,
      originalAmount: 4,
      openAmount: 5,
    });
  });

  it('lets a mapping name the columns', () => {
    const columns = matchColumns(['CHAVE_X', 'DOC', 'CLI', 'DT', 'VLR_FACE'], {
      externalId: 'CHAVE_X',
      debtorDocument: 'DOC',
      debtorName: 'CLI',
      dueDate: 'DT',
      originalAmount: 'VLR_FACE',
    });
    expect(columns.originalAmount).toBe(4);
  });

  it('says which required columns are missing', () => {
    expect(() => matchColumns(['id', 'nome'])).toThrow(HeaderError);
    expect(() => matchColumns(['id', 'nome'])).toThrow(/debtorDocument.*dueDate.*originalAmount/);
  });
});

describe('previewCsv', () => {
  it('says how a file would be read and which required columns it lacks', async () => {
    const { previewCsv } = await import('./preview.ts');
    const file = Buffer.from(
      'COD;Cliente;CPF/CNPJ;Data Combinada;Vlr Face\nA;José;529.982.247-25;01/02/2026;10,00\n',
      'latin1',
    );
    const preview = await previewCsv(
      (async function* () {
        yield file;
      })(),
    );
    expect(preview).toMatchObject({
      encoding: 'windows-1252',
      delimiter: ';',
      headers: ['COD', 'Cliente', 'CPF/CNPJ', 'Data Combinada', 'Vlr Face'],
      mapping: { externalId: 'COD', debtorName: 'Cliente', debtorDocument: 'CPF/CNPJ' },
      missing: ['dueDate', 'originalAmount'],
      sample: [['A', 'José', '529.982.247-25', '01/02/2026', '10,00']],
    });
    const mapped = await previewCsv(
      (async function* () {
        yield file;
      })(),
      { dueDate: 'Data Combinada', originalAmount: 'Vlr Face' },
    );
    expect(mapped?.missing).toEqual([]);
  });
});
