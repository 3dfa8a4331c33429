import { getBoletoInfo, isValidBoleto } from '@brazilian-utils/brazilian-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pdfText } from '../../test/support/pdf.ts';
import { addDays, type CalendarDate, daysBetween } from '../shared/dates.ts';
import {
  BANCO_DO_BRASIL,
  bancoDoBrasilFreeField,
  bancoDoBrasilNossoNumero,
  barcodeToLine,
  buildBarcode,
  dateFromFactor,
  dueFactor,
  formatLine,
  issueBancoDoBrasilBoleto,
  lineToBarcode,
  mod10,
  mod11Arrecadacao,
  mod11Barcode,
  parseBoleto,
  readBancoDoBrasilFreeField,
} from './boleto.ts';
import { type BoletoPdfData, boletoPdf } from './boletoPdf.ts';

// BRAZIL.md vectors
const LINE = '00190000090114971860168524522114675860000102656';
const BARCODE = '00196758600001026560000001149718606852452211';
const FREE_FIELD = '0000001149718606852452211';
const LINE_1000 = '00190000090114971860168524522114210000000102656';
const BARCODE_1000 = '00192100000001026560000001149718606852452211';
const ARRECADACAO = '846100000005246100291102005460339004695895061080';
const ARRECADACAO_BARCODE = '84610000000246100291100054603390069589506108';

const digitString = (length: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((d) => d.join(''));
const dateBetween = (from: CalendarDate, to: CalendarDate) =>
  fc.integer({ min: 0, max: daysBetween(from, to) }).map((n) => addDays(from, n));
const boletoInput = fc.record({
  bank: digitString(3).filter((b) => !b.startsWith('8')),
  dueDate: fc.option(dateBetween('2000-07-03', '2049-10-13'), { nil: null }),
  amountCents: fc.integer({ min: 0, max: 9_999_999_999 }),
  freeField: digitString(25),
});
const build = (input: {
  bank: string;
  dueDate: CalendarDate | null;
  amountCents: number;
  freeField: string;
}) => buildBarcode({ ...input, currency: '9' });
const mutations = (digits: string) =>
  [...digits].flatMap((original, i) =>
    '0123456789'
      .split('')
      .filter((d) => d !== original)
      .map((d) => ({ at: i, mutated: digits.slice(0, i) + d + digits.slice(i + 1) })),
  );
/** brazilian-utils gives local-time Dates. */
const localDate = (date: Date | null | undefined) =>
  date
    ? `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`
    : null;

describe('check digits', () => {
  it.each([
    ['001900000', 9],
    ['0114971860', 1],
    ['6852452211', 4],
    ['84610000000', 5],
    ['24610029110', 2],
    ['00546033900', 4],
    ['69589506108', 0],
  ])('mod10(%s) = %i', (digits, dv) => {
    expect(mod10(digits)).toBe(dv);
  });

  it.each([
    ['0019758600001026560000001149718606852452211', 6],
    ['0019100000001026560000001149718606852452211', 2],
    ['1', 9], // 2 mod 11 = 2 -> 9
    ['0', 1], // remainder 0 -> 11 -> 1
    ['5', 1], // 10 mod 11 = 10 -> 1
    ['6', 1], // 12 mod 11 = 1 -> 10 -> 1
  ])('mod11Barcode(%s) = %i', (digits, dv) => {
    expect(mod11Barcode(digits)).toBe(dv);
  });

  it.each([
    ['0', 0],
    ['6', 0],
    ['5', 1],
    ['1', 9],
  ])('mod11Arrecadacao(%s) = %i', (digits, dv) => {
    expect(mod11Arrecadacao(digits)).toBe(dv);
  });

  it('refuses non-digits', () => {
    expect(() => mod10('12a')).toThrow(RangeError);
    expect(() => mod11Barcode('')).toThrow(RangeError);
  });
});

describe('fator de vencimento', () => {
  it.each([
    ['1997-10-08', 1],
    ['2000-07-03', 1000],
    ['2018-07-15', 7586],
    ['2025-02-21', 9999],
    ['2025-02-22', 1000],
    ['2025-02-23', 1001],
    ['2049-10-13', 9999],
    ['2049-10-14', 1000],
  ])('%s has factor %i', (date, factor) => {
    expect(dueFactor(date)).toBe(factor);
  });

  it('has no factor on or before the base date', () => {
    expect(() => dueFactor('1997-10-07')).toThrow(RangeError);
    expect(() => dueFactor('2025-02-30')).toThrow(RangeError);
  });

  it.each([
    [7586, '2018-07-01', '2018-07-15'],
    [7586, '2030-01-01', '2018-07-15'],
    [7586, '2040-01-01', '2043-03-06'],
    [9999, '2025-02-01', '2025-02-21'],
    [1000, '2025-03-01', '2025-02-22'],
    [1000, '2001-01-01', '2000-07-03'],
    [1000, '1990-01-01', '2000-07-03'],
    [9999, '2049-01-01', '2049-10-13'],
    [1000, '2049-10-01', '2049-10-14'],
    [500, '2030-01-01', '1999-02-19'],
    [0, '2030-01-01', null],
  ])('factor %i near %s is %s', (factor, reference, date) => {
    expect(dateFromFactor(factor, reference)).toBe(date);
  });

  it('breaks a tie (4500 days either way) towards the later date', () => {
    expect(dateFromFactor(1000, addDays('2000-07-03', 4500))).toBe('2025-02-22');
  });

  it('reads back every due date from a reference less than 4500 days away', () => {
    fc.assert(
      fc.property(
        dateBetween('1997-10-08', '2075-12-31'),
        fc.integer({ min: -4499, max: 4499 }),
        (date, offset) => {
          expect(dateFromFactor(dueFactor(date), addDays(date, offset))).toBe(date);
        },
      ),
    );
  });

  it('reads back due dates across the 2025 reset', () => {
    fc.assert(
      fc.property(
        dateBetween('2024-06-01', '2025-12-31'),
        fc.integer({ min: -400, max: 400 }),
        (date, offset) => {
          const factor = dueFactor(date);
          expect(factor).toBeGreaterThanOrEqual(1000);
          expect(dateFromFactor(factor, addDays(date, offset))).toBe(date);
        },
      ),
    );
  });
});

describe('barcode and linha digitável', () => {
  it.each([
    ['2018-07-15', BARCODE, LINE],
    ['2025-02-22', BARCODE_1000, LINE_1000],
  ])('builds the BRAZIL.md boleto due %s', (dueDate, barcode, line) => {
    const built = buildBarcode({
      bank: '001',
      currency: '9',
      dueDate,
      amountCents: 102656,
      freeField: FREE_FIELD,
    });
    expect(built).toBe(barcode);
    expect(barcodeToLine(built)).toBe(line);
    expect(lineToBarcode(line)).toBe(barcode);
  });

  it('writes factor 0000 for a boleto without due date', () => {
    const barcode = buildBarcode({
      bank: '001',
      currency: '9',
      dueDate: null,
      amountCents: 0,
      freeField: FREE_FIELD,
    });
    expect(barcode.slice(5, 19)).toBe('00000000000000');
    expect(parseBoleto(barcode, '2030-01-01')).toMatchObject({ ok: true, dueDate: null, amountCents: 0 });
  });

  it.each([
    [{ bank: '01' }],
    [{ freeField: '123' }],
    [{ amountCents: -1 }],
    [{ amountCents: 10.5 }],
    [{ amountCents: 10_000_000_000 }],
    [{ dueDate: '1997-10-07' }],
  ])('refuses to build with %j', (override) => {
    expect(() =>
      buildBarcode({
        bank: '001',
        currency: '9',
        dueDate: '2030-01-01',
        amountCents: 100,
        freeField: FREE_FIELD,
        ...override,
      }),
    ).toThrow(RangeError);
  });

  it.each([
    [LINE, '00190.00009 01149.718601 68524.522114 6 75860000102656'],
    [ARRECADACAO, '84610000000-5 24610029110-2 00546033900-4 69589506108-0'],
    [
      '00190.00009 01149.718601 68524.522114 6 75860000102656',
      '00190.00009 01149.718601 68524.522114 6 75860000102656',
    ],
    ['123', '123'],
  ])('formats %s as %s', (line, formatted) => {
    expect(formatLine(line)).toBe(formatted);
  });

  it('round-trips barcode and line, and parses back what it built', () => {
    fc.assert(
      fc.property(boletoInput, (input) => {
        const barcode = build(input);
        const line = barcodeToLine(barcode);
        expect(line).toHaveLength(47);
        expect(lineToBarcode(line)).toBe(barcode);
        expect(lineToBarcode(formatLine(line))).toBe(barcode);
        const reference = input.dueDate ?? '2030-01-01';
        const expected = {
          ok: true,
          kind: 'cobranca',
          bank: input.bank,
          amountCents: input.amountCents,
          dueDate: input.dueDate,
          barcode,
          line,
          freeField: input.freeField,
        };
        expect(parseBoleto(line, reference)).toMatchObject(expected);
        expect(parseBoleto(barcode, reference)).toMatchObject(expected);
        expect(parseBoleto(formatLine(line), reference)).toMatchObject(expected);
      }),
    );
  });
});

describe('parseBoleto', () => {
  it.each([
    [LINE, '2018-07-01'],
    [formatLine(LINE), '2018-07-01'],
    [BARCODE, '2018-07-01'],
  ])('reads %s', (input, reference) => {
    expect(parseBoleto(input, reference)).toEqual({
      ok: true,
      kind: 'cobranca',
      bank: '001',
      amountCents: 102656,
      dueDate: '2018-07-15',
      dueFactor: 7586,
      barcode: BARCODE,
      line: LINE,
      freeField: FREE_FIELD,
    });
  });

  it('reads the factor-1000 boleto as due 2025-02-22', () => {
    expect(parseBoleto(LINE_1000, '2025-03-10')).toMatchObject({
      ok: true,
      amountCents: 102656,
      dueDate: '2025-02-22',
      dueFactor: 1000,
      barcode: BARCODE_1000,
    });
  });

  it.each([ARRECADACAO, formatLine(ARRECADACAO), ARRECADACAO_BARCODE])(
    'reads the arrecadação %s',
    (input) => {
      expect(parseBoleto(input)).toEqual({
        ok: true,
        kind: 'arrecadacao',
        bank: null,
        amountCents: 2461,
        dueDate: null,
        segment: 4,
        company: '0029',
        barcode: ARRECADACAO_BARCODE,
        line: ARRECADACAO,
        freeField: ARRECADACAO_BARCODE.slice(15),
      });
    },
  );

  // A barcode with currency 0 and otherwise correct check digits.
  const otherCurrency = (() => {
    const body = `0010${BARCODE.slice(5)}`;
    return body.slice(0, 4) + String(mod11Barcode(body)) + body.slice(4);
  })();

  it.each([
    ['', /only digits/],
    ['0019000009011497186016852452211467586000010265', /got 46/],
    ['0019000009011497186016852452211467586000010265x', /only digits/],
    ['00190000080114971860168524522114675860000102656', /field 1/],
    ['00190000090114971860268524522114675860000102656', /field 2/],
    ['00190000090114971860168524522115675860000102656', /field 3/],
    ['00190000090114971860168524522114575860000102656', /overall/],
    ['00196758600001026560000001149718606852452212', /overall/],
    [otherCurrency, /currency/],
    [barcodeToLine(otherCurrency), /currency/],
    ['846100000005246100291102005460339004695895061081', /block 4/],
    ['84630000000246100291100054603390069589506108', /overall/],
    ['845100000005246100291102005460339004695895061080', /value identifier/],
  ])('refuses %j', (input, error) => {
    const parsed = parseBoleto(input, '2018-07-01');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(error);
  });

  it('detects every single-digit change of a line whose overall DV is not 1', () => {
    fc.assert(
      fc.property(
        boletoInput.filter((input) => build(input)[4] !== '1'),
        (input) => {
          const line = barcodeToLine(build(input));
          for (const { mutated } of mutations(line))
            expect(parseBoleto(mutated, '2030-01-01').ok).toBe(false);
        },
      ),
    );
  });

  it('detects every single-digit change of any line, except in fator and value when the DV is 1', () => {
    fc.assert(
      fc.property(boletoInput, (input) => {
        const barcode = build(input);
        for (const { at, mutated } of mutations(barcodeToLine(barcode))) {
          if (parseBoleto(mutated, '2030-01-01').ok) {
            expect(barcode[4]).toBe('1');
            expect(at).toBeGreaterThanOrEqual(33);
          }
        }
      }),
    );
  });

  it('detects every single-digit change of a barcode whose DV is not 1', () => {
    fc.assert(
      fc.property(
        boletoInput.filter((input) => build(input)[4] !== '1'),
        (input) => {
          for (const { at, mutated } of mutations(build(input))) {
            const parsed = parseBoleto(mutated, '2030-01-01');
            // A leading 8 makes it an arrecadação barcode, checked by its own rules.
            if (parsed.ok) expect([at, mutated[0], parsed.kind]).toEqual([0, '8', 'arrecadacao']);
          }
        },
      ),
    );
  });

  it('cannot see a change that turns the mod-11 remainder from 0 to 1 (FEBRABAN maps both to DV 1)', () => {
    const line = '00190000090114971860168524522114175860000102658';
    const tampered = '00190000090114971860168524522114175863000102658';
    expect(parseBoleto(line, '2018-07-01')).toMatchObject({ ok: true, amountCents: 102658 });
    expect(parseBoleto(tampered, '2018-07-01')).toMatchObject({ ok: true, amountCents: 3000102658 });
    expect(isValidBoleto(tampered)).toBe(true);
  });

  it('round-trips arrecadação barcodes of either module and reads their amount', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('1', '2', '3', '4', '5', '6', '7', '9'),
        fc.constantFrom('6', '7', '8', '9'),
        digitString(11),
        digitString(29),
        (segment, valueId, value, rest) => {
          const body = `8${segment}${valueId}${value}${rest}`;
          const dv = valueId === '6' || valueId === '7' ? mod10(body) : mod11Arrecadacao(body);
          const barcode = `${body.slice(0, 3)}${dv}${body.slice(3)}`;
          const line = barcodeToLine(barcode);
          expect(line).toHaveLength(48);
          expect(lineToBarcode(line)).toBe(barcode);
          const effective = valueId === '6' || valueId === '8';
          const expected = {
            ok: true,
            kind: 'arrecadacao',
            barcode,
            line,
            amountCents: effective ? Number(value) : null,
          };
          expect(parseBoleto(line)).toMatchObject(expected);
          expect(parseBoleto(barcode)).toMatchObject(expected);
          expect(isValidBoleto(line)).toBe(true);
          expect(getBoletoInfo(line)?.amount).toBe(Number(value));
        },
      ),
    );
  });
});

describe('agreement with @brazilian-utils', () => {
  it('agrees on the BRAZIL.md vectors', () => {
    expect(isValidBoleto(LINE)).toBe(true);
    expect(isValidBoleto(LINE_1000)).toBe(true);
    expect(isValidBoleto(ARRECADACAO)).toBe(true);
    const info = getBoletoInfo(LINE, { referenceDate: new Date(2018, 6, 1) });
    expect([info?.amount, info?.bankCode, localDate(info?.expirationDate)]).toEqual([
      102656,
      '001',
      '2018-07-15',
    ]);
    const reset = getBoletoInfo(LINE_1000, { referenceDate: new Date(2025, 2, 10) });
    expect(localDate(reset?.expirationDate)).toBe('2025-02-22');
    expect(getBoletoInfo(ARRECADACAO)?.amount).toBe(2461);
  });

  it('agrees on validity of lines and their single-digit changes', () => {
    fc.assert(
      fc.property(boletoInput, fc.nat(422), (input, pick) => {
        const line = barcodeToLine(build(input));
        expect(isValidBoleto(line)).toBe(true);
        const change = mutations(line)[pick];
        if (change) expect(isValidBoleto(change.mutated)).toBe(parseBoleto(change.mutated, '2030-01-01').ok);
      }),
    );
  });

  it('agrees on amount, bank and due date when the due date is 3000 days before to 4499 days after the reference', () => {
    fc.assert(
      fc.property(boletoInput, fc.integer({ min: -4499, max: 3000 }), (input, offset) => {
        const dueDate = input.dueDate ?? '2030-01-01';
        const line = barcodeToLine(build({ ...input, dueDate }));
        const reference = addDays(dueDate, offset);
        const [y, m, d] = reference.split('-').map(Number);
        const info = getBoletoInfo(line, { referenceDate: new Date(y ?? 0, (m ?? 1) - 1, d ?? 1) });
        const ours = parseBoleto(line, reference);
        expect(ours).toMatchObject({ ok: true, dueDate });
        expect([info?.amount, info?.bankCode, localDate(info?.expirationDate)]).toEqual([
          input.amountCents,
          input.bank,
          dueDate,
        ]);
      }),
    );
  });

  // Where they differ (documented, not bugs of ours):
  it('differs: brazilian-utils prefers the later cycle for a due date 3500 to 4500 days past', () => {
    const reference = '2028-06-01'; // 3609 days after 2018-07-15
    expect(parseBoleto(LINE, reference)).toMatchObject({ dueDate: '2018-07-15' });
    const info = getBoletoInfo(LINE, { referenceDate: new Date(2028, 5, 1) });
    expect(localDate(info?.expirationDate)).toBe('2043-03-06');
  });

  it('differs: brazilian-utils gives no date for factors below 1000 and refuses a bare bank barcode', () => {
    const early = barcodeToLine(
      build({ bank: '001', dueDate: '1999-02-19', amountCents: 100, freeField: FREE_FIELD }),
    );
    expect(parseBoleto(early, '1999-02-01')).toMatchObject({ ok: true, dueDate: '1999-02-19' });
    expect(getBoletoInfo(early, { referenceDate: new Date(1999, 1, 1) })?.expirationDate).toBeNull();
    expect(parseBoleto(BARCODE, '2018-07-01').ok).toBe(true);
    expect(isValidBoleto(BARCODE)).toBe(false);
  });
});

describe('Banco do Brasil, convênio de 7 dígitos', () => {
  it('makes the nosso número from the convênio and a 10-digit sequence', () => {
    expect(bancoDoBrasilNossoNumero('1149718', 6068524522)).toBe('11497186068524522');
    expect(bancoDoBrasilNossoNumero('1234567', 42)).toBe('12345670000000042');
  });

  it.each([
    ['123456', 1],
    ['1234567', 0],
    ['1234567', 10_000_000_000],
    ['1234567', 1.5],
  ])('refuses convênio %s with sequence %s', (convenio, sequence) => {
    expect(() => bancoDoBrasilNossoNumero(convenio, sequence)).toThrow(RangeError);
  });

  it('lays out the campo livre as 000000 + convênio + complemento + carteira (the BRAZIL.md boleto is one)', () => {
    expect(bancoDoBrasilFreeField({ nossoNumero: '11497186068524522', carteira: '11' })).toBe(FREE_FIELD);
    expect(readBancoDoBrasilFreeField(FREE_FIELD)).toEqual({
      convenio: '1149718',
      nossoNumero: '11497186068524522',
      carteira: '11',
    });
    expect(readBancoDoBrasilFreeField('1000001149718606852452211')).toBeNull();
  });

  it('issues the BRAZIL.md boleto', () => {
    expect(
      issueBancoDoBrasilBoleto({
        convenio: '1149718',
        carteira: '11',
        sequence: 6068524522,
        dueDate: '2018-07-15',
        amountCents: 102656,
      }),
    ).toEqual({ nossoNumero: '11497186068524522', barcode: BARCODE, line: LINE });
  });
});

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

describe('boletoPdf', () => {
  const data: BoletoPdfData = {
    bank: BANCO_DO_BRASIL,
    barcode: BARCODE,
    beneficiary: {
      name: 'Comércio Alfa Ltda',
      document: '11222333000181',
      address: 'Rua Augusta, 100 - Consolação - São Paulo/SP - CEP 01305-000',
    },
    beneficiaryCode: '1234-5 / 12345-6',
    payer: {
      name: 'José Souza',
      document: '39053344705',
      address: 'Rua das Flores, 10 - Centro - Campinas/SP - CEP 13010-000',
    },
    dueDate: '2018-07-15',
    amountCents: 102656,
    nossoNumero: '11497186068524522',
    documentNumber: 'NF-900',
    documentDate: '2018-07-01',
    processingDate: '2018-07-01',
    carteira: '11',
    instructions: [
      'Após o vencimento, multa de 2% e juros de 1% ao mês pro rata die.',
      'Não receber após 30 dias.',
    ],
    description: 'Parcela 1/3 do acordo 42',
  };

  it('draws the recibo and the ficha de compensação with the line, the parties and the barcode', async () => {
    const pdf = await collect(boletoPdf(data));
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    expect(pdf.toString('latin1')).toMatch(/\/Subtype \/Image/);
    const text = pdfText(pdf);
    for (const expected of [
      '00190.00009 01149.718601 68524.522114 6 75860000102656',
      'Recibo do Pagador',
      '001-9',
      'Comércio Alfa Ltda - CNPJ 11.222.333/0001-81',
      'Rua Augusta, 100 - Consolação - São Paulo/SP - CEP 01305-000',
      'José Souza - CPF 390.533.447-05',
      'Rua das Flores, 10 - Centro - Campinas/SP - CEP 13010-000',
      '15/07/2018',
      'R$ 1.026,56',
      '11497186068524522',
      'Após o vencimento, multa de 2% e juros de 1% ao mês pro rata die.',
      'Parcela 1/3 do acordo 42',
      'Pagável em qualquer banco',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it.each([
    [{ amountCents: 102655 }, /amount/],
    [{ dueDate: '2018-07-16' }, /due date/],
    [{ barcode: BARCODE.replace(/1$/, '2') }, /check digit/],
    [{ barcode: LINE }, /44-digit/],
  ])('refuses %j', (override, error) => {
    expect(() => boletoPdf({ ...data, ...override })).toThrow(error);
  });
});
