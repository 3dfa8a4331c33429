import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CNAB400_LAYOUTS,
  type Cnab400Layout,
  detectPaymentFile,
  type ParseResult,
  parseCnab240,
  parseCnab400,
  parseCnab400Layout,
  parsePaymentFile,
  splitLines,
} from './cnab.ts';
import bradescoJson from './layouts/bradesco.json' with { type: 'json' };
import itauJson from './layouts/itau.json' with { type: 'json' };

function fixture(name: string): Buffer {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
}

/** The fixture's lines as text (CNAB fixtures are ASCII or Windows-1252: one byte, one character). */
function fixtureLines(name: string): string[] {
  return splitLines(fixture(name).toString('latin1'));
}

/** `line` with `value` written at 1-based position `start`. */
function put(line: string, start: number, value: string): string {
  return line.slice(0, start - 1) + value + line.slice(start - 1 + value.length);
}

/** Characters at 1-based inclusive positions. */
function at(line: string, start: number, end: number): string {
  return line.slice(start - 1, end);
}

/** How many times each physical line (1..count) was accounted for; file-level notes (line 0) aside. */
function tally(result: ParseResult, count: number): number[] {
  const seen = Array.from({ length: count + 1 }, () => 0);
  const mark = (line: number) => {
    if (line > 0) seen[line] = (seen[line] ?? 0) + 1;
  };
  for (const payment of result.payments) for (const line of payment.lines) mark(line);
  for (const note of [...result.ignored, ...result.errors]) mark(note.line);
  return seen.slice(1);
}

function expectEveryLineOnce(result: ParseResult, count: number): void {
  expect(tally(result, count)).toEqual(Array.from({ length: count }, () => 1));
}

function expectSafeAmounts(result: ParseResult): void {
  for (const payment of result.payments) {
    expect(Number.isSafeInteger(payment.paidCents)).toBe(true);
    expect(payment.paidCents).toBeGreaterThan(0);
    for (const cents of [payment.netCents, payment.feeCents, payment.interestCents, payment.discountCents]) {
      if (cents !== undefined) expect(Number.isSafeInteger(cents) && cents >= 0).toBe(true);
    }
    expect(payment.paidOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  }
}

describe('fixtures are byte-exact', () => {
  it.each([
    ['itau-240.ret', 240, [5]],
    ['bradesco-400.ret', 400, []],
    ['itau-400.ret', 400, []],
  ])('%s has lines of %i bytes (except the deliberately broken ones)', (name, width, broken) => {
    const lines = fixtureLines(name);
    lines.forEach((line, index) => {
      if (!broken.includes(index + 1)) expect(line.length).toBe(width);
    });
  });

  it('places the CNAB 240 fields where FEBRABAN says', () => {
    const [header, , t, u] = fixtureLines('itau-240.ret');
    expect(at(header ?? '', 143, 143)).toBe('2');
    expect(at(t ?? '', 14, 14)).toBe('T');
    expect(at(t ?? '', 16, 17)).toBe('06');
    expect(at(t ?? '', 38, 57).trim()).toBe('12345678');
    expect(at(t ?? '', 199, 213)).toBe('000000000000250');
    expect(at(u ?? '', 18, 32)).toBe('000000000000300');
    expect(at(u ?? '', 78, 92)).toBe('000000000015300');
    expect(at(u ?? '', 138, 145)).toBe('21112026');
  });

  it('places the CNAB 400 fields where the bank layouts say', () => {
    const [header, detail] = fixtureLines('bradesco-400.ret');
    expect(at(header ?? '', 77, 79)).toBe('237');
    expect(at(detail ?? '', 109, 110)).toBe('06');
    expect(at(detail ?? '', 254, 266)).toBe('0000000020400');
    expect(at(detail ?? '', 296, 301)).toBe('231126');
  });
});

describe('CNAB 240 retorno', () => {
  it('reads the paid pair with juros, ignores the entry confirmation and reports the broken line', () => {
    const result = parseCnab240(fixture('itau-240.ret'));
    expect(result.format).toBe('cnab240');
    expect(result.payments).toEqual([
      {
        source: 'cnab240',
        naturalKey: 'cnab240:341:12340000000123456:12345678:2026-11-21:06',
        bankCode: '341',
        nossoNumero: '12345678',
        seuNumero: 'NF-1001',
        payerDocument: '12345678909',
        payerName: 'JOAO DA SILVA',
        paidCents: 15300,
        netCents: 15050,
        feeCents: 250,
        interestCents: 300,
        discountCents: 0,
        paidOn: '2026-11-21',
        creditedOn: '2026-11-23',
        movement: '06',
        description: 'Liquidação',
        lines: [3, 4],
      },
    ]);
    expect(result.ignored).toContainEqual({ line: 6, reason: 'movement 02: Entrada confirmada' });
    expect(result.ignored.map((note) => note.line)).toEqual([1, 2, 6, 7, 8, 9]);
    expect(result.errors).toEqual([{ line: 5, reason: 'line has 239 characters, a CNAB 240 line has 240' }]);
    expectEveryLineOnce(result, 9);
  });

  it('reads the same file with LF endings, trailing blanks after position 240 and a ^Z the same way', () => {
    const lines = fixtureLines('itau-240.ret');
    const text = `${lines.map((line, i) => (i === 2 ? `${line}   ` : line)).join('\n')}\n\u001a`;
    const result = parseCnab240(text);
    expect(result.payments.map((p) => p.paidCents)).toEqual([15300]);
    expect(result.errors.map((e) => e.line)).toEqual([5]);
  });

  const lines = fixtureLines('itau-240.ret');
  const header = lines[0] ?? '';
  const t1 = lines[2] ?? '';
  const u1 = lines[3] ?? '';
  const trailer = (count: number) => put(lines[8] ?? '', 24, String(count).padStart(6, '0'));
  const file = (...body: string[]) => [header, ...body, trailer(body.length + 2)].join('\r\n');

  it.each([
    ['a remessa header', [put(header, 143, '1')], 1, /remessa/],
    ['a header whose bank code is not digits', [put(header, 1, 'ABC')], 1, /bank code/],
    ['a segment U with no T before it', [u1], 2, /segment U without a segment T/],
    ['a segment T whose U is missing', [t1], 2, /segment T without the segment U/],
    ['a T and U that are not consecutive', [t1, put(u1, 9, '00009')], 2, /not one bank, lote and sequence/],
    ['a T and U of different movements', [t1, put(u1, 16, '09')], 2, /movement 06 on segment T but 09/],
    [
      'a T of another bank than the header',
      [put(t1, 1, '001'), put(u1, 1, '001')],
      2,
      /differs from the header/,
    ],
    ['a valor pago that is not a number', [t1, put(u1, 78, '00000000001530X')], 2, /valor pago \(78-92\)/],
    [
      'a zero valor pago on a liquidação',
      [t1, put(u1, 78, '0'.repeat(15))],
      2,
      /valor pago \(78-92\) is zero/,
    ],
    ['an impossible occurrence date', [t1, put(u1, 138, '31022026')], 2, /data da ocorrência/],
    ['a liquidação without occurrence date', [t1, put(u1, 138, '00000000')], 2, /no data da ocorrência/],
    ['an unknown record type', [put(t1, 8, '7')], 2, /record type/],
  ])('reports %s as an error on its line', (_name, body, line, reason) => {
    const text =
      body[0] !== undefined && at(body[0], 8, 8) === '0'
        ? [body[0], t1, u1, trailer(4)].join('\n')
        : file(...body);
    const result = parseCnab240(text);
    const note = result.errors.find((e) => e.line === line);
    expect(note?.reason).toMatch(reason);
    expectEveryLineOnce(result, splitLines(text).length);
  });

  it('takes movement 17 (liquidação após baixa) as a payment', () => {
    const result = parseCnab240(file(put(t1, 16, '17'), put(u1, 16, '17')));
    expect(result.payments.map((p) => [p.movement, p.paidCents])).toEqual([['17', 15300]]);
  });

  it.each(['02', '03', '09', '23', '25'])('ignores movement %s with its meaning', (code) => {
    const result = parseCnab240(file(put(t1, 16, code), put(u1, 16, code)));
    expect(result.payments).toEqual([]);
    expect(result.ignored.find((n) => n.line === 2)?.reason).toMatch(new RegExp(`^movement ${code}: \\S`));
  });

  it('reads a blank segment-U movement as the T movement', () => {
    const result = parseCnab240(file(t1, put(u1, 16, '  ')));
    expect(result.payments).toHaveLength(1);
  });

  it('reports the same payment twice in a file once', () => {
    const t2 = put(t1, 9, '00003');
    const u2 = put(u1, 9, '00004');
    const result = parseCnab240(file(t1, u1, t2, u2));
    expect(result.payments).toHaveLength(1);
    expect(result.ignored.filter((n) => /repeats the payment at line 2\/3/.test(n.reason))).toHaveLength(2);
  });

  it('says when the trailer does not count the lines the file has', () => {
    const text = [header, t1, u1, trailer(9)].join('\n');
    const result = parseCnab240(text);
    expect(result.errors).toEqual([
      { line: 4, reason: expect.stringMatching(/counts 9 records but the file has 4/) },
    ]);
  });

  it('says when the header and trailer are missing, and still reads the pair', () => {
    const result = parseCnab240([t1, u1].join('\n'));
    expect(result.payments).toHaveLength(1);
    expect(result.errors.map((e) => e.reason)).toEqual([
      'no header de arquivo',
      'no trailer de arquivo: the file may be truncated',
    ]);
  });

  it('keeps a CNPJ payer as 14 digits', () => {
    const t = put(put(t1, 133, '2'), 134, '011222333000181');
    expect(parseCnab240(file(t, u1)).payments[0]?.payerDocument).toBe('11222333000181');
  });

  it('reads an empty file as nothing', () => {
    expect(parseCnab240(new Uint8Array())).toEqual({
      payments: [],
      ignored: [],
      errors: [],
      format: 'cnab240',
    });
  });
});

describe('CNAB 400 retorno, per-bank layouts as data', () => {
  it('reads Bradesco liquidações 06 and 17 and ignores the entry confirmation', () => {
    const result = parseCnab400(fixture('bradesco-400.ret'));
    expect(result.errors).toEqual([]);
    expect(result.payments).toEqual([
      {
        source: 'cnab400',
        naturalKey: 'cnab400:237:1234-123456:9/12345P:2026-11-21:06',
        bankCode: '237',
        nossoNumero: '00000012345P',
        seuNumero: 'NF-2001',
        paidCents: 20400,
        feeCents: 195,
        interestCents: 400,
        discountCents: 0,
        paidOn: '2026-11-21',
        creditedOn: '2026-11-23',
        movement: '06',
        description: 'Liquidação normal',
        lines: [2],
      },
      expect.objectContaining({
        seuNumero: 'REC-2000', // número do documento blank: the participant's control number instead
        paidCents: 9500,
        discountCents: 500,
        paidOn: '2026-11-22',
        movement: '17',
        lines: [4],
      }),
    ]);
    expect(result.ignored).toContainEqual({ line: 3, reason: 'occurrence 02: Entrada confirmada' });
    expectEveryLineOnce(result, 5);
  });

  it('reads Itaú (Windows-1252 payer names) liquidações 06 and 08 and ignores the baixa', () => {
    const result = parseCnab400(fixture('itau-400.ret'));
    expect(result.errors).toEqual([]);
    expect(result.payments).toEqual([
      {
        source: 'cnab400',
        naturalKey: 'cnab400:341:57-123456:109/12345678:2026-11-21:06',
        bankCode: '341',
        nossoNumero: '12345678',
        seuNumero: 'NF-3001',
        payerName: 'JOSÉ CONCEIÇÃO',
        paidCents: 29000,
        feeCents: 250,
        interestCents: 0,
        discountCents: 1000,
        paidOn: '2026-11-21',
        creditedOn: '2026-11-22',
        movement: '06',
        description: 'Liquidação normal',
        lines: [2],
      },
      expect.objectContaining({
        nossoNumero: '12345680',
        paidCents: 41234,
        interestCents: 1234,
        movement: '08',
      }),
    ]);
    expect(result.ignored).toContainEqual({ line: 3, reason: 'occurrence 09: Baixa simples' });
    expectEveryLineOnce(result, 5);
  });

  it.each([
    ['Bradesco', bradescoJson, ['06', '15', '17']],
    ['Itaú', itauJson, ['06', '07', '08', '10']],
  ])('the bundled %s layout is valid data with its liquidação codes', (_name, json, paid) => {
    const parsed = parseCnab400Layout(json);
    expect(parsed.ok && parsed.layout.paidOccurrences).toEqual(paid);
    expect(parsed.ok && parsed.layout.detail.paid).toEqual([254, 266, 'cents']);
    expect(parsed.ok && parsed.layout.detail.occurrence).toEqual([109, 110, 'text']);
    expect(parsed.ok && parsed.layout.detail.creditDate).toEqual([296, 301, 'ddmmyy']);
  });

  it.each([
    ['not an object', []],
    ['a bank code of two digits', { ...bradescoJson, bankCode: '37' }],
    ['an unknown field', { ...bradescoJson, detail: { ...bradescoJson.detail, colour: [1, 2, 'text'] } }],
    [
      'a position past 400',
      { ...bradescoJson, detail: { ...bradescoJson.detail, paid: [254, 401, 'cents'] } },
    ],
    [
      'a start after the end',
      { ...bradescoJson, detail: { ...bradescoJson.detail, paid: [266, 254, 'cents'] } },
    ],
    ['a wrong type', { ...bradescoJson, detail: { ...bradescoJson.detail, paid: [254, 266, 'text'] } }],
    ['a missing required field', { ...bradescoJson, detail: { occurrence: [109, 110, 'text'] } }],
    ['paid codes that are not a list', { ...bradescoJson, paidOccurrences: '06' }],
  ])('refuses a layout with %s', (_name, json) => {
    expect(parseCnab400Layout(json).ok).toBe(false);
  });

  it('reads another bank from a layout given as data, without code changes', () => {
    const parsed = parseCnab400Layout({
      ...bradescoJson,
      bankCode: '999',
      bankName: 'Banco Exemplo',
      paidOccurrences: ['21'],
    });
    if (!parsed.ok) throw new Error(parsed.reason);
    const [header, detail, , , trailer] = fixtureLines('bradesco-400.ret');
    const text = [put(header ?? '', 77, '999'), put(detail ?? '', 109, '21'), trailer].join('\n');
    const layouts: Cnab400Layout[] = [...CNAB400_LAYOUTS, parsed.layout];
    const result = parseCnab400(text, { layouts });
    expect(result.payments.map((p) => [p.bankCode, p.movement, p.paidCents])).toEqual([['999', '21', 20400]]);
    expect(parseCnab400(text).errors.map((e) => e.line)).toEqual([1, 2]);
  });

  const bradesco = fixtureLines('bradesco-400.ret');
  const bHeader = bradesco[0] ?? '';
  const bDetail = bradesco[1] ?? '';
  const bTrailer = bradesco[4] ?? '';

  it.each([
    ['a remessa header', [put(bHeader, 2, '1'), bDetail, bTrailer], 1, /remessa/],
    ['a bank without a layout', [put(bHeader, 77, '001'), bDetail, bTrailer], 2, /no layout/],
    ['a short detail', [bHeader, bDetail.slice(0, 399), bTrailer], 2, /399 characters/],
    [
      'a valor pago with letters',
      [bHeader, put(bDetail, 254, '00000000204OO'), bTrailer],
      2,
      /paid \(254-266\)/,
    ],
    [
      'an impossible credit date',
      [bHeader, put(bDetail, 296, '310226'), bTrailer],
      2,
      /creditDate \(296-301\)/,
    ],
    [
      'a liquidação without nosso nor seu número',
      [bHeader, blankIds(bDetail), bTrailer],
      2,
      /no nosso número/,
    ],
  ])('reports %s as an error on its line', (_name, body, line, reason) => {
    const text = body.join('\r\n');
    const result = parseCnab400(text);
    expect(result.errors.find((e) => e.line === line)?.reason).toMatch(reason);
    expectEveryLineOnce(result, body.length);
  });

  it('reads the bank from the options when the header is lost', () => {
    const result = parseCnab400([bDetail, bTrailer].join('\n'), { bankCode: '237' });
    expect(result.payments).toHaveLength(1);
    expect(result.errors).toEqual([{ line: 0, reason: 'no header (record type 0)' }]);
  });
});

function blankIds(detail: string): string {
  return put(put(put(detail, 38, ' '.repeat(25)), 71, '0'.repeat(12)), 117, ' '.repeat(10));
}

describe('detectPaymentFile', () => {
  it.each([
    ['itau-240.ret', 'cnab240'],
    ['bradesco-400.ret', 'cnab400'],
    ['itau-400.ret', 'cnab400'],
    ['bradesco-ofx1-cp1252.ofx', 'ofx'],
    ['itau-ofx2.ofx', 'ofx'],
  ])('knows %s is %s', (name, format) => {
    expect(detectPaymentFile(fixture(name))).toBe(format);
    expect(parsePaymentFile(fixture(name))?.format).toBe(format);
  });

  it.each([
    ['an empty file', ''],
    ['a CSV', 'documento;valor\n123;10,00\n'],
    ['a short line', '0'.repeat(100)],
  ])('knows %s is no payment file', (_name, text) => {
    expect(detectPaymentFile(new TextEncoder().encode(text))).toBeNull();
    expect(parsePaymentFile(text)).toBeNull();
  });

  it('finds CNAB 240 when the header line is damaged but the rest is 240 wide', () => {
    const lines = fixtureLines('itau-240.ret');
    expect(detectPaymentFile(['garbage', ...lines.slice(1)].join('\n'))).toBe('cnab240');
  });
});

describe('hostile input', () => {
  const lines240 = fixtureLines('itau-240.ret');
  const lines400 = [...fixtureLines('bradesco-400.ret'), ...fixtureLines('itau-400.ret')];

  /** A real line, maybe with a few characters overwritten and maybe cut short or lengthened. */
  const mutated = (pool: string[]) =>
    fc
      .record({
        line: fc.constantFrom(...pool),
        edits: fc.array(
          fc.tuple(
            fc.nat(),
            fc.constantFrom('0', '9', ' ', 'X', '1', '2', '3', '6', '7', 'T', 'U', '\u00e7'),
          ),
          { maxLength: 4 },
        ),
        cut: fc.option(fc.nat(), { nil: undefined }),
      })
      .map(({ line, edits, cut }) => {
        let text = line;
        for (const [position, char] of edits) {
          const i = position % text.length;
          text = text.slice(0, i) + char + text.slice(i + 1);
        }
        return cut === undefined ? text : text.slice(0, cut % (text.length + 1));
      });
  const anyLine = fc.string({ maxLength: 300 }).map((s) => s.replace(/[\r\n]/g, ''));

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        for (const result of [parseCnab240(bytes), parseCnab400(bytes), parsePaymentFile(bytes)]) {
          if (result) expectSafeAmounts(result);
        }
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['CNAB 240', lines240, parseCnab240],
    ['CNAB 400', lines400, (text: string) => parseCnab400(text)],
  ])('puts every %s line in exactly one of payments, ignored or errors', (_name, pool, parse) => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 4, arbitrary: mutated(pool) }, { weight: 1, arbitrary: anyLine }), {
          maxLength: 30,
        }),
        fc.constantFrom('\n', '\r\n'),
        (lines, newline) => {
          const text = lines.join(newline);
          const result = parse(text);
          expectEveryLineOnce(result, splitLines(text).length);
          expectSafeAmounts(result);
          const keys = result.payments.map((p) => p.naturalKey);
          expect(new Set(keys).size).toBe(keys.length);
        },
      ),
      { numRuns: 400 },
    );
  });
});
