import { FIELD_NAMES, FIELDS, type Field, REQUIRED, suggestColumns } from './columns.ts';
import { decodeText, detectDelimiter, type Encoding, readCsv } from './csv.ts';

export type ImportPreview = {
  encoding: Encoding;
  delimiter: string;
  headers: string[];
  /** field -> header of the column that will be read for it */
  mapping: Partial<Record<Field, string>>;
  missing: Field[];
  sample: string[][];
  fields: { field: Field; required: boolean; aliases: string[] }[];
};

/**
 * Reads the start of a CSV file (the header and a few rows) and says how it would be imported: the
 * encoding and delimiter found and which column feeds each field, so a person can fix the mapping
 * before sending the whole file.
 */
export async function previewCsv(
  bytes: AsyncIterable<Uint8Array>,
  mapping: Record<string, string> = {},
  sampleRows = 5,
): Promise<ImportPreview | null> {
  let encoding: Encoding = 'utf-8';
  let delimiter = ',';
  let headers: string[] | null = null;
  const sample: string[][] = [];
  const text = decodeText(bytes, (e) => {
    encoding = e;
  });
  async function* sniff() {
    let first = true;
    for await (const chunk of text) {
      if (first && chunk !== '') {
        delimiter = detectDelimiter(chunk.split('\n', 1)[0] ?? '');
        first = false;
      }
      yield chunk;
    }
  }
  for await (const event of readCsv(sniff())) {
    if (event.kind !== 'record') continue;
    if (!headers) headers = event.cells.map((c) => c.trim());
    else sample.push(event.cells);
    if (sample.length >= sampleRows) break;
  }
  if (!headers) return null;
  const { columns, missing } = suggestColumns(headers, mapping);
  const found = headers;
  return {
    encoding,
    delimiter,
    headers,
    mapping: Object.fromEntries(Object.entries(columns).map(([field, index]) => [field, found[index] ?? ''])),
    missing,
    sample,
    fields: FIELD_NAMES.map((field) => ({
      field,
      required: REQUIRED.includes(field) || field === 'externalId',
      aliases: [...FIELDS[field]],
    })),
  };
}
