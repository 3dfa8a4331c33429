import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  CSV_BOM,
  centsToCsv,
  csvColumns,
  csvFilename,
  csvRow,
  dateToCsv,
  formatCell,
  guardFormula,
  instantToCsv,
  keysetAfter,
  keysetPages,
  offsetPages,
  quoteCell,
  sendCsv,
  toCsv,
} from './csvExport.ts';
import { parseAmount } from './money.ts';

const TZ = 'America/Sao_Paulo';

describe('money cells', () => {
  it.each([
    [0, '0,00'],
    [1, '0,01'],
    [99, '0,99'],
    [100, '1,00'],
    [123456, '1234,56'],
    [-5, '-0,05'],
    [-123456, '-1234,56'],
    [Number.MAX_SAFE_INTEGER, '90071992547409,91'],
  ])('%d centavos are written %s', (cents, text) => {
    expect(centsToCsv(cents)).toBe(text);
  });

  it('writes bigint centavos beyond 2^53 exactly', () => {
    expect(centsToCsv(123456789012345678901n)).toBe('1234567890123456789,01');
  });

  it('refuses a fractional number of centavos instead of rounding it silently', () => {
    expect(() => centsToCsv(12.5)).toThrow(/integer centavos/);
  });

  it('is exact for every safe integer: reading the cell back gives the same centavos', () => {
    fc.assert(
      fc.property(fc.integer({ min: -999_999_999_999_99, max: 999_999_999_999_99 }), (cents) => {
        const text = centsToCsv(cents);
        expect(text).toMatch(/^-?\d+,\d{2}$/);
        const parsed = parseAmount(text);
        expect(parsed).toEqual({ ok: true, cents: cents === 0 ? 0 : cents });
        // And independently of the parser: digits without the comma are the centavos.
        expect(BigInt(text.replace(',', ''))).toBe(BigInt(cents));
      }),
      { numRuns: 2000 },
    );
  });

  it('a money cell is never mistaken for a formula: a negative amount keeps its minus sign', () => {
    expect(formatCell('money', -1050, TZ)).toBe('-10,50');
  });
});

describe('quoting (RFC 4180 with ;)', () => {
  it.each([
    ['plain', 'plain'],
    ['a;b', '"a;b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\r\nlines', '"two\r\nlines"'],
    ['lf\nonly', '"lf\nonly"'],
    ['comma, is fine', 'comma, is fine'],
    ['', ''],
  ])('%j is written %j', (text, cell) => {
    expect(quoteCell(text)).toBe(cell);
  });

  it('any text survives a round trip through an RFC 4180 reader', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'ç', ';', '"', '\r\n', '\n', ' ', 'x') }), {
          minLength: 1,
          maxLength: 5,
        }),
        async (cells) => {
          const columns = cells.map((_, i) => ({ header: `c${i}`, value: (r: string[]) => r[i] }));
          const text = toCsv(columns, [cells], TZ);
          const records = parse(text, { delimiter: ';', bom: true, record_delimiter: '\r\n' }) as string[][];
          // Cells starting like a formula come back with the guard apostrophe.
          expect(records[1]).toEqual(cells.map((c) => guardFormula(c)));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('formula injection guard', () => {
  it.each([
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['+5511999990000', "'+5511999990000"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    ['Maria = boa pagadora', 'Maria = boa pagadora'],
    ['João', 'João'],
  ])('text %j is written %j', (text, cell) => {
    expect(formatCell('text', text, TZ)).toBe(cell);
  });

  it('guards headers too', () => {
    const columns = csvColumns<{ a: string }>([{ header: '=x', value: (r) => r.a }]);
    expect(toCsv(columns, [], TZ)).toBe(`${CSV_BOM}'=x\r\n`);
  });
});

describe('dates and other cells', () => {
  it('writes calendar dates as dd/mm/aaaa without any time zone shift', () => {
    expect(dateToCsv('2026-01-31')).toBe('31/01/2026');
    expect(formatCell('date', '2026-12-01', TZ)).toBe('01/12/2026');
  });

  it('writes instants in the organization’s time zone', () => {
    // 02:30 UTC on 1 Jan is still 31 Dec in São Paulo (UTC-3).
    expect(instantToCsv(new Date('2026-01-01T02:30:05Z'), TZ)).toBe('31/12/2025 23:30:05');
    expect(instantToCsv('2026-06-15T12:00:00Z', 'America/Manaus')).toBe('15/06/2026 08:00:00');
  });

  it('writes empty cells for null and undefined, sim/não for booleans, decimals with a comma', () => {
    expect(formatCell('money', null, TZ)).toBe('');
    expect(formatCell('date', undefined, TZ)).toBe('');
    expect(formatCell('bool', true, TZ)).toBe('sim');
    expect(formatCell('bool', false, TZ)).toBe('não');
    expect(formatCell('decimal', 0.125, TZ, 2)).toBe('0,13');
    expect(formatCell('decimal', 0.5, TZ)).toBe('0,5');
    expect(formatCell('decimal', 3, TZ)).toBe('3');
    expect(formatCell('int', 42, TZ)).toBe('42');
  });
});

describe('documents', () => {
  type Row = { name: string; cents: number; due: string };
  const columns = csvColumns<Row>([
    { header: 'Nome', value: (r) => r.name },
    { header: 'Valor (R$)', kind: 'money', value: (r) => r.cents },
    { header: 'Vencimento', kind: 'date', value: (r) => r.due },
  ]);

  it('starts with a UTF-8 BOM, separates with ; and ends every record with CRLF', () => {
    const text = toCsv(columns, [{ name: 'Padaria; Filial "Centro"', cents: 100050, due: '2026-03-31' }], TZ);
    expect(text).toBe(
      `\uFEFFNome;Valor (R$);Vencimento\r\n"Padaria; Filial ""Centro""";1000,50;31/03/2026\r\n`,
    );
    expect([...Buffer.from(text, 'utf8').subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('one row is one record', () => {
    expect(csvRow(columns, { name: 'A', cents: 1, due: '2026-01-02' }, TZ)).toBe('A;0,01;02/01/2026\r\n');
  });

  it('names files in ASCII', () => {
    expect(csvFilename('recebíveis / ação', '2026-12-06')).toBe('regua-recebiveis-acao-2026-12-06.csv');
  });
});

describe('pages', () => {
  it('keysetPages follows nextCursor until it is null, one page at a time', async () => {
    const calls: (string | undefined)[] = [];
    const pages = keysetPages(async (cursor) => {
      calls.push(cursor);
      if (cursor === undefined) return { items: [1, 2], nextCursor: 'a' };
      if (cursor === 'a') return { items: [3], nextCursor: 'b' };
      return { items: [], nextCursor: null };
    });
    const seen: number[][] = [];
    for await (const page of pages) seen.push(page);
    expect(seen).toEqual([[1, 2], [3]]);
    expect(calls).toEqual([undefined, 'a', 'b']);
  });

  it('keysetAfter reads until an empty page, even from a data function that gives fewer rows than asked', async () => {
    const all = Array.from({ length: 1234 }, (_, i) => ({ id: 1234 - i }));
    const seen: number[] = [];
    const pages = keysetAfter(
      // Newest first by id, capped at 100 a page whatever the limit asked.
      async (before: number | undefined, limit) =>
        all.filter((r) => before === undefined || r.id < before).slice(0, Math.min(limit, 100)),
      (last) => last.id,
      500,
    );
    for await (const page of pages) seen.push(...page.map((r) => r.id));
    expect(seen).toEqual(all.map((r) => r.id));
  });

  it('offsetPages moves by the rows received, so a capped page skips nothing', async () => {
    const all = Array.from({ length: 25 }, (_, i) => i);
    const seen: number[] = [];
    for await (const page of offsetPages(
      async (offset, limit) => all.slice(offset, offset + Math.min(limit, 4)),
      10,
    ))
      seen.push(...page);
    expect(seen).toEqual(all);
  });

  it('offsetPages stops at the first empty page', async () => {
    const all = Array.from({ length: 7 }, (_, i) => i);
    const seen: number[] = [];
    for await (const page of offsetPages(async (offset, limit) => all.slice(offset, offset + limit), 3))
      seen.push(...page);
    expect(seen).toEqual(all);
  });
});

describe('sendCsv over HTTP', () => {
  type Row = { n: number };
  const columns = csvColumns<Row>([{ header: 'N', kind: 'int', value: (r) => r.n }]);

  async function serve(rows: () => AsyncIterable<Row[]>, beforeSend?: () => Promise<void>) {
    const app = Fastify({ logger: false });
    app.get('/x.csv', (_request, reply) =>
      sendCsv(reply, {
        filename: 'x.csv',
        columns,
        rows: rows(),
        timeZone: TZ,
        ...(beforeSend ? { beforeSend } : {}),
      }),
    );
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, close: () => app.close() };
  }

  it('streams every page with its headers, in chunks, after beforeSend', async () => {
    const calls: string[] = [];
    const server = await serve(
      async function* () {
        for (let page = 0; page < 50; page++) {
          calls.push(`page ${page}`);
          yield Array.from({ length: 1000 }, (_, i) => ({ n: page * 1000 + i }));
        }
      },
      async () => {
        calls.push('beforeSend');
      },
    );
    try {
      const response = await fetch(`${server.url}/x.csv`);
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="x.csv"');
      const text = Buffer.from(await response.arrayBuffer()).toString('utf8');
      const lines = text.split('\r\n');
      expect(lines[0]).toBe('\uFEFFN');
      expect(lines.length).toBe(50_000 + 2);
      expect(lines[50_000]).toBe('49999');
      expect(calls.slice(0, 2)).toEqual(['page 0', 'beforeSend']);
    } finally {
      await server.close();
    }
  });

  it('answers an error, not a CSV, when the first page fails', async () => {
    const server = await serve(async function* () {
      yield* [];
      throw new Error('no such creditor');
    });
    try {
      const response = await fetch(`${server.url}/x.csv`);
      expect(response.status).toBe(500);
      expect(response.headers.get('content-type')).not.toContain('text/csv');
    } finally {
      await server.close();
    }
  });

  it('aborts the transfer when a later page fails: the client never gets a complete-looking file', async () => {
    const server = await serve(async function* () {
      yield Array.from({ length: 20_000 }, (_, n) => ({ n }));
      throw new Error('the database went away');
    });
    try {
      const response = await fetch(`${server.url}/x.csv`);
      expect(response.status).toBe(200);
      await expect(response.arrayBuffer()).rejects.toThrow();
    } finally {
      await server.close();
    }
  });

  it('stops reading pages when the client goes away', async () => {
    let pagesRead = 0;
    let finished = false;
    const server = await serve(async function* () {
      try {
        for (let page = 0; page < 100_000; page++) {
          pagesRead++;
          yield Array.from({ length: 1000 }, (_, n) => ({ n }));
        }
      } finally {
        finished = true;
      }
    });
    try {
      const controller = new AbortController();
      const response = await fetch(`${server.url}/x.csv`, { signal: controller.signal });
      const reader = response.body?.getReader();
      await reader?.read();
      controller.abort();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(finished).toBe(true);
      expect(pagesRead).toBeLessThan(1000);
    } finally {
      await server.close();
    }
  });
});
