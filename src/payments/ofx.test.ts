import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParseResult } from './cnab.ts';
import { parseOfx, parseOfxAmount, parseOfxDate } from './ofx.ts';

function fixture(name: string): Buffer {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
}

/** A minimal OFX 1.x statement around the given transactions (SGML, leaf tags left open). */
function sgml(transactions: string, account = '<BANKID>001<ACCTID>9999-1'): string {
  return [
    'OFXHEADER:100',
    'DATA:OFXSGML',
    'VERSION:102',
    '',
    `<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>BRL<BANKACCTFROM>${account}</BANKACCTFROM><BANKTRANLIST>`,
    transactions,
    '</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>',
  ].join('\n');
}

function trn(fields: Record<string, string>): string {
  return `<STMTTRN>${Object.entries(fields)
    .map(([tag, value]) => `<${tag}>${value}`)
    .join('')}</STMTTRN>`;
}

const credit = { TRNTYPE: 'CREDIT', DTPOSTED: '20261105', TRNAMT: '10,00', FITID: 'F1' };

describe('OFX 1.x SGML', () => {
  it('reads a Windows-1252 statement written on one line, with comma decimals', () => {
    const bytes = fixture('bradesco-ofx1-cp1252.ofx');
    expect(bytes.includes(Buffer.from('Jo\u00e3o', 'latin1'))).toBe(true); // ã is the single byte 0xE3
    const result = parseOfx(bytes);
    expect(result.format).toBe('ofx');
    expect(result.errors).toEqual([]);
    expect(result.payments).toEqual([
      {
        source: 'ofx',
        naturalKey: 'ofx:237:12345-6:20261105001',
        bankCode: '237',
        payerName: 'Pagamento João',
        paidCents: 123456,
        paidOn: '2026-11-05',
        creditedOn: '2026-11-05',
        movement: 'CREDIT',
        description: 'Pagamento João | PIX RECEBIDO | cheque 000001',
        lines: [11],
      },
      {
        source: 'ofx',
        naturalKey: 'ofx:237:12345-6:20261107001',
        bankCode: '237',
        payerName: 'Ação & Cia Ltda',
        paidCents: 15000,
        // 23:59:59 at -3 is still the 7th: the date stays in its own offset.
        paidOn: '2026-11-07',
        creditedOn: '2026-11-07',
        movement: 'CREDIT',
        description: 'Ação & Cia Ltda',
        lines: [11],
      },
    ]);
    expect(result.ignored).toEqual([{ line: 11, reason: 'debit (DEBIT), not a payment' }]);
  });

  it('reads the same statement in UTF-8', () => {
    const utf8 = new TextEncoder().encode(fixture('bradesco-ofx1-cp1252.ofx').toString('latin1'));
    expect(parseOfx(utf8).payments.map((p) => p.payerName)).toEqual(['Pagamento João', 'Ação & Cia Ltda']);
  });

  it.each([
    ['a missing TRNAMT', { ...credit, TRNAMT: '' }, /no TRNAMT/],
    ['an amount with three decimals', { ...credit, TRNAMT: '1.234' }, /more than two decimal places/],
    ['an amount that is not a number', { ...credit, TRNAMT: '12abc' }, /not a number/],
    ['an impossible date', { ...credit, DTPOSTED: '20260230' }, /not an OFX date/],
    ['a missing FITID', { ...credit, FITID: '' }, /no FITID/],
    ['a DEBIT with a positive amount', { ...credit, TRNTYPE: 'DEBIT' }, /credit or debit is unclear/],
  ])('reports %s as an error and keeps the other transactions', (_name, fields, reason) => {
    const text = sgml(`${trn(fields)}\n${trn({ ...credit, FITID: 'F2' })}`);
    const result = parseOfx(text);
    expect(result.errors).toEqual([{ line: 6, reason: expect.stringMatching(reason) }]);
    expect(result.payments.map((p) => p.naturalKey)).toEqual(['ofx:001:9999-1:F2']);
  });

  it('reports a transaction before any account as an error', () => {
    const result = parseOfx(sgml(trn(credit), ''));
    expect(result.errors).toEqual([{ line: 6, reason: expect.stringMatching(/no BANKACCTFROM/) }]);
  });

  it('ends a transaction whose </STMTTRN> is missing at the next one', () => {
    const text = sgml(
      `<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20261105<TRNAMT>1,00<FITID>A\n${trn({ ...credit, FITID: 'B' })}`,
    );
    expect(parseOfx(text).payments.map((p) => [p.naturalKey, p.paidCents])).toEqual([
      ['ofx:001:9999-1:A', 100],
      ['ofx:001:9999-1:B', 1000],
    ]);
  });

  it('keeps each statement on its own account', () => {
    const first = sgml(trn(credit), '<BANKID>001<ACCTID>111');
    const second = sgml(trn(credit), '<BANKID>0341<ACCTID>222');
    const text = `${first}\n${second.split('\n').slice(4).join('\n')}`;
    expect(parseOfx(text).payments.map((p) => p.naturalKey)).toEqual(['ofx:001:111:F1', 'ofx:341:222:F1']);
  });

  it('ignores zero amounts and says it was no OFX when there is no <OFX>', () => {
    expect(parseOfx(sgml(trn({ ...credit, TRNAMT: '0,00' }))).ignored).toEqual([
      { line: 6, reason: 'zero amount' },
    ]);
    expect(parseOfx('hello').errors).toEqual([{ line: 0, reason: 'no <OFX> element: not an OFX statement' }]);
  });
});

describe('OFX 2.x XML', () => {
  it('reads credits, reports the repeated FITID once, ignores the debit and reports the bad date', () => {
    const result = parseOfx(fixture('itau-ofx2.ofx'));
    expect(result.payments).toEqual([
      {
        source: 'ofx',
        naturalKey: 'ofx:341:123456:A1',
        bankCode: '341',
        payerName: 'Maria Souza',
        paidCents: 50000,
        paidOn: '2026-11-10',
        creditedOn: '2026-11-10',
        movement: 'CREDIT',
        description: 'Maria Souza | TED RECEBIDA',
        lines: [26],
      },
      expect.objectContaining({
        naturalKey: 'ofx:341:123456:A2',
        payerName: 'Pix Comércio & Serviços',
        paidCents: 7550,
        movement: 'DEP',
      }),
    ]);
    expect(result.ignored).toEqual([
      { line: 34, reason: 'FITID A1 repeats the transaction at line 26' },
      { line: 49, reason: 'debit (DEBIT), not a payment' },
    ]);
    expect(result.errors).toEqual([{ line: 56, reason: 'DTPOSTED "20261131" is not an OFX date' }]);
  });

  it('reports a FITID reused for a different amount as an error', () => {
    const result = parseOfx(sgml([trn(credit), trn({ ...credit, TRNAMT: '11,00' })].join('\n')));
    expect(result.payments).toHaveLength(1);
    expect(result.errors).toEqual([
      { line: 7, reason: 'FITID F1 was already used at line 6 for a different amount or date' },
    ]);
  });

  it('reads CDATA and numeric character references', () => {
    const text = sgml(trn({ ...credit, NAME: '<![CDATA[A <b> & C]]>', MEMO: 'Jo&#227;o &#x26; filhos' }));
    const [payment] = parseOfx(text).payments;
    expect(payment?.payerName).toBe('A <b> & C');
    expect(payment?.description).toBe('A <b> & C | João & filhos');
  });
});

describe('parseOfxAmount', () => {
  it.each([
    ['1234,56', 123456],
    ['1234.56', 123456],
    ['-89,90', -8990],
    ['+10', 1000],
    ['75.5', 7550],
    ['.5', 50],
    ['-0,00', 0],
    ['100.000', 10000],
    ['1.234,56', 123456],
    ['1,234.56', 123456],
    [' - 5 , 00 ', -500],
    ['9999999999999.99', 999999999999999],
  ])('reads %j as %i centavos', (text, cents) => {
    expect(parseOfxAmount(text)).toEqual({ ok: true, cents });
  });

  it.each(['', '-', 'abc', '1.234', '1,234', '1.2.3', '1,5e3', '12..5', '10000000000000.00'])(
    'refuses %j',
    (text) => {
      expect(parseOfxAmount(text).ok).toBe(false);
    },
  );

  it('reads back any amount written with a dot or a comma, as a safe integer', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -999_999_999_999, max: 999_999_999_999 }),
        fc.boolean(),
        (cents, comma) => {
          const abs = Math.abs(cents);
          const text = `${cents < 0 ? '-' : ''}${Math.trunc(abs / 100)}${comma ? ',' : '.'}${String(abs % 100).padStart(2, '0')}`;
          const parsed = parseOfxAmount(text);
          expect(parsed).toEqual({ ok: true, cents: cents === 0 ? 0 : cents });
        },
      ),
    );
  });
});

describe('parseOfxDate', () => {
  it.each([
    ['20261105', '2026-11-05'],
    ['20261105120000', '2026-11-05'],
    ['20261105235959.000[-3:BRT]', '2026-11-05'],
    ['20261105000000[-03:EST]', '2026-11-05'],
    ['20261105000000[0:GMT]', '2026-11-05'],
    ['20261105100000[-3]', '2026-11-05'],
    ['202611051000', '2026-11-05'],
  ])('reads %s as %s', (text, date) => {
    expect(parseOfxDate(text)).toBe(date);
  });

  it.each(['', '2026110', '20261305', '20260229', '20261105250000', '2026-11-05', '20261105[-3:BRT'])(
    'refuses %j',
    (text) => {
      expect(parseOfxDate(text)).toBeNull();
    },
  );
});

describe('hostile input', () => {
  function transactionCount(text: string): number {
    return (text.match(/<STMTTRN>/gi) ?? []).length;
  }

  function accounted(result: ParseResult): number {
    return result.payments.length + [...result.ignored, ...result.errors].filter((n) => n.line > 0).length;
  }

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        const result = parseOfx(bytes);
        for (const payment of result.payments) expect(Number.isSafeInteger(payment.paidCents)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  const field = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.constantFrom(
      '10,00',
      '-5.5',
      '0',
      '20261105',
      '20261105120000[-3:BRT]',
      'CREDIT',
      'DEBIT',
      '&amp;',
      '<',
    ),
  );
  const transaction = fc
    .record(
      {
        TRNTYPE: field,
        DTPOSTED: field,
        TRNAMT: field,
        FITID: fc.oneof(fc.constantFrom('A', 'B', 'C'), field),
        NAME: field,
        MEMO: field,
      },
      { requiredKeys: [] },
    )
    .map((fields) =>
      trn(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.replace(/</g, '')]))),
    );

  it('accounts for every transaction exactly once: payment, ignored or error', () => {
    fc.assert(
      fc.property(
        fc.array(transaction, { maxLength: 12 }),
        fc.constantFrom('\n', '', '\r\n'),
        (transactions, separator) => {
          const text = sgml(transactions.join(separator));
          const result = parseOfx(text);
          expect(accounted(result)).toBe(transactionCount(text));
          const keys = result.payments.map((p) => p.naturalKey);
          expect(new Set(keys).size).toBe(keys.length);
          for (const payment of result.payments) {
            expect(Number.isSafeInteger(payment.paidCents) && payment.paidCents > 0).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
