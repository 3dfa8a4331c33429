/**
 * Streaming CSV reading for ERP exports: detects UTF-8 vs Windows-1252 and the delimiter, follows
 * RFC 4180 quoting (a quoted field may span lines), keeps physical line numbers, and recovers from an
 * unclosed quote by reporting it and resuming at the next line. Memory stays bounded by one record.
 */

export type CsvRecord = { kind: 'record'; line: number; cells: string[] };
export type CsvProblem = { kind: 'problem'; line: number; code: 'malformed_csv'; reason: string };
export type CsvEvent = CsvRecord | CsvProblem;

export type Encoding = 'utf-8' | 'windows-1252';

const MAX_RECORD_LINES = 50;
const MAX_RECORD_CHARS = 64 * 1024;

/** UTF-8 unless the sample holds bytes that are not valid UTF-8 (an incomplete sequence at the end is fine). */
export function detectEncoding(sample: Uint8Array): Encoding {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

/** The delimiter that splits the header line into the most fields: `;`, `,`, tab or `|`. */
export function detectDelimiter(headerLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const candidate of [';', ',', '\t', '|']) {
    let count = 0;
    let quoted = false;
    for (const char of headerLine) {
      if (char === '"') quoted = !quoted;
      else if (char === candidate && !quoted) count++;
    }
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

/** Decodes a byte stream to text chunks, choosing the encoding from the first 64 KiB. */
export async function* decodeText(
  bytes: AsyncIterable<Uint8Array>,
  onEncoding?: (encoding: Encoding) => void,
): AsyncGenerator<string> {
  let decoder: TextDecoder | null = null;
  const pending: Uint8Array[] = [];
  let pendingSize = 0;
  for await (const chunk of bytes) {
    if (!decoder) {
      pending.push(chunk);
      pendingSize += chunk.byteLength;
      if (pendingSize < 64 * 1024) continue;
      decoder = start(Buffer.concat(pending));
      yield decoder.decode(Buffer.concat(pending), { stream: true });
      continue;
    }
    yield decoder.decode(chunk, { stream: true });
  }
  if (!decoder) {
    decoder = start(Buffer.concat(pending));
    yield decoder.decode(Buffer.concat(pending), { stream: true });
  }
  yield decoder.decode();

  function start(sample: Uint8Array): TextDecoder {
    const encoding = detectEncoding(sample);
    onEncoding?.(encoding);
    // ignoreBOM false: a UTF-8 byte order mark is dropped.
    return new TextDecoder(encoding);
  }
}

/** Splits text chunks into physical lines (without their \r\n or \n). */
async function* lines(text: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of text) {
    rest += chunk;
    let start = 0;
    let end = rest.indexOf('\n', start);
    while (end !== -1) {
      yield rest.charCodeAt(end - 1) === 13 ? rest.slice(start, end - 1) : rest.slice(start, end);
      start = end + 1;
      end = rest.indexOf('\n', start);
    }
    rest = rest.slice(start);
  }
  if (rest !== '') yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}

type Partial = { cells: string[]; field: string; quoted: boolean };

/**
 * Parses one physical line, continuing `state` when a quoted field spans lines. Returns the state:
 * `quoted` true means the record continues on the next line.
 */
function parseLine(line: string, delimiter: string, state: Partial): Partial {
  let { field, quoted } = state;
  const cells = state.cells;
  let i = 0;
  if (quoted) field += '\n';
  else if (!line.includes('"')) {
    const parts = line.split(delimiter);
    parts[0] = field + (parts[0] ?? '');
    const last = parts.pop() ?? '';
    cells.push(...parts);
    return { cells, field: last, quoted: false };
  }
  let atFieldStart = !quoted && field === '';
  while (i < line.length) {
    const char = line[i];
    if (quoted) {
      if (char === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      const next = line.indexOf('"', i);
      if (next === -1) {
        field += line.slice(i);
        i = line.length;
      } else {
        field += line.slice(i, next);
        i = next;
      }
      continue;
    }
    if (char === delimiter) {
      cells.push(field);
      field = '';
      atFieldStart = true;
      i++;
      continue;
    }
    if (char === '"' && atFieldStart) {
      quoted = true;
      atFieldStart = false;
      i++;
      continue;
    }
    // A quote inside an unquoted field, or text after a closing quote, is taken literally.
    field += char;
    atFieldStart = false;
    i++;
  }
  return { cells, field, quoted };
}

/** Reads CSV records from text. The first record is the header. */
export async function* readCsv(
  text: AsyncIterable<string>,
  delimiterHint?: string,
): AsyncGenerator<CsvEvent> {
  let delimiter = delimiterHint;
  let lineNumber = 0;
  let state: Partial | null = null;
  let recordStart = 0;
  let buffered: string[] = [];
  let size = 0;
  const replay: string[] = [];

  const source = lines(text)[Symbol.asyncIterator]();
  const next = async (): Promise<string | null> => {
    const queued = replay.shift();
    if (queued !== undefined) return queued;
    const result = await source.next();
    return result.done ? null : result.value;
  };

  const unclosed = (line: number): CsvProblem => ({
    kind: 'problem',
    line,
    code: 'malformed_csv',
    reason: 'a quote (") opened on this line is never closed',
  });

  for (;;) {
    const line = await next();
    if (line === null && state === null) break;
    if (
      line === null ||
      (state !== null && (buffered.length >= MAX_RECORD_LINES || size > MAX_RECORD_CHARS))
    ) {
      // Unclosed quote: report it and resume with the lines after the one that opened it.
      yield unclosed(recordStart);
      if (line !== null) buffered.push(line);
      replay.unshift(...buffered.slice(1));
      lineNumber = recordStart;
      state = null;
      continue;
    }
    lineNumber++;
    if (delimiter === undefined) delimiter = detectDelimiter(line);
    if (state === null) {
      if (line.trim() === '') continue;
      recordStart = lineNumber;
      buffered = [];
      size = 0;
    }
    buffered.push(line);
    size += line.length;
    state = parseLine(line, delimiter, state ?? { cells: [], field: '', quoted: false });
    if (!state.quoted) {
      yield { kind: 'record', line: recordStart, cells: [...state.cells, state.field] };
      state = null;
    }
  }
}
