import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIELD_NAMES, type Field } from './columns.ts';
import { decodeText, readCsv } from './csv.ts';
import { previewCsv } from './preview.ts';
import { validateRow } from './rows.ts';

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    "'; drop table receivables; --",
    '=HYPERLINK("http://evil")',
    '\u0000\u0001',
    '9'.repeat(400),
    '-0,00',
    '1e308',
    'NaN',
    '31/12/9999',
    '"',
    '\uFEFF',
    'R$ -1.000,00',
    '١٢٣', // Arabic-Indic digits
  ),
);

describe('hostile input', () => {
  it('reads any bytes, in any chunking, without throwing and with increasing line numbers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2000 }),
        fc.integer({ min: 1, max: 64 }),
        async (bytes, size) => {
          let last = 0;
          for await (const event of readCsv(decodeText(chunks(bytes, size)))) {
            expect(event.line).toBeGreaterThanOrEqual(last);
            last = event.line;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('validates any cell values without throwing: a row is either taken whole or explained', () => {
    const row = fc.record(
      Object.fromEntries(FIELD_NAMES.map((f) => [f, nasty])) as Record<Field, fc.Arbitrary<string>>,
      {
        requiredKeys: [],
      },
    );
    fc.assert(
      fc.property(row, (values) => {
        const result = validateRow({ line: 2, values, columnNames: {} });
        if ('errors' in result) {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const error of result.errors) expect(error.reason).not.toBe('');
        } else {
          expect(result.row.originalCents).toBeGreaterThan(0);
          expect(result.row.openCents).toBeGreaterThanOrEqual(0);
          expect(result.row.openCents).toBeLessThanOrEqual(result.row.originalCents);
          expect(Number.isSafeInteger(result.row.originalCents)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('previews any bytes without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 1000 }), async (bytes) => {
        await previewCsv(chunks(bytes, 100));
      }),
      { numRuns: 200 },
    );
  });
});
