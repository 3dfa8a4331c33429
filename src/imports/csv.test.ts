import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CsvEvent, decodeText, detectDelimiter, detectEncoding, readCsv } from './csv.ts';

async function parse(text: string, chunkSize = 7): Promise<CsvEvent[]> {
  const chunks = (async function* () {
    for (let i = 0; i < text.length; i += chunkSize) yield text.slice(i, i + chunkSize);
  })();
  const events: CsvEvent[] = [];
  for await (const event of readCsv(chunks)) events.push(event);
  return events;
}

const records = (events: CsvEvent[]) =>
  events.flatMap((e) => (e.kind === 'record' ? [[e.line, e.cells]] : []));

describe('readCsv', () => {
  it('splits on the delimiter of the header and keeps physical line numbers', async () => {
    const events = await parse('a;b;c\r\n1;2;3\r\n\r\n4;5;6\n');
    expect(records(events)).toEqual([
      [1, ['a', 'b', 'c']],
      [2, ['1', '2', '3']],
      [4, ['4', '5', '6']],
    ]);
  });

  it('follows RFC 4180 quoting, including delimiters, doubled quotes and line breaks inside quotes', async () => {
    const events = await parse('a,b\n"x, y","say ""hi"""\n"two\nlines",z\nlast,1\n');
    expect(records(events)).toEqual([
      [1, ['a', 'b']],
      [2, ['x, y', 'say "hi"']],
      [3, ['two\nlines', 'z']],
      [5, ['last', '1']],
    ]);
  });

  it('reports a quote that is never closed and still reads the lines after it', async () => {
    const events = await parse('a;b\n1;ok\n"2;broken\n3;fine\n4;also fine\n');
    expect(events.filter((e) => e.kind === 'problem').map((e) => e.line)).toEqual([3]);
    expect(records(events).map(([line]) => line)).toEqual([1, 2, 4, 5]);
  });

  it('takes a stray quote inside an unquoted value literally', async () => {
    expect(records(await parse('a;b\n12" TV;x\n'))).toEqual([
      [1, ['a', 'b']],
      [2, ['12" TV', 'x']],
    ]);
  });

  it('reads back any table it is given, whatever the chunking', async () => {
    const cell = fc.string({ maxLength: 12 }).map((s) => s.replace(/\r/g, ''));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 50 }),
        async (rows, chunk) => {
          const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
          const text = ['h1;h2;h3', ...rows.map((r) => r.map(quote).join(';'))].join('\n');
          const got = records(await parse(text, chunk)).map(([, cells]) => cells);
          expect(got).toEqual([['h1', 'h2', 'h3'], ...rows]);
        },
      ),
    );
  });
});

describe('encoding and delimiter detection', () => {
  it('tells Windows-1252 from UTF-8', async () => {
    const latin = Buffer.from('nome;cidade\nJosé;São Paulo\n', 'latin1');
    expect(detectEncoding(latin)).toBe('windows-1252');
    expect(detectEncoding(Buffer.from('nome;cidade\nJosé;São Paulo\n', 'utf8'))).toBe('utf-8');
    let text = '';
    for await (const chunk of decodeText(
      (async function* () {
        yield latin;
      })(),
    ))
      text += chunk;
    expect(text).toBe('nome;cidade\nJosé;São Paulo\n');
  });

  it('drops a UTF-8 byte order mark', async () => {
    let text = '';
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('id;nome\n')]);
    for await (const chunk of decodeText(
      (async function* () {
        yield bytes;
      })(),
    ))
      text += chunk;
    expect(text).toBe('id;nome\n');
  });

  it('picks the delimiter that splits the header most', () => {
    expect(detectDelimiter('id;nome;valor')).toBe(';');
    expect(detectDelimiter('id,nome,valor')).toBe(',');
    expect(detectDelimiter('id\tnome\tvalor')).toBe('\t');
    expect(detectDelimiter('"a;b",c,d')).toBe(',');
  });
});
