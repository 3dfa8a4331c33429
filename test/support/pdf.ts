import { inflateSync } from 'node:zlib';

/**
 * The text a PDF made by pdfkit shows: its content streams inflated, and the hex strings of the text
 * operators decoded, one line per text operation.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  let text = '';
  for (const match of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(match[1] ?? '', 'latin1')).toString('latin1');
    } catch {
      continue;
    }
    for (const line of content.split('\n')) {
      const strings = [...line.matchAll(/<([0-9a-fA-F]+)>/g)].map((m) =>
        Buffer.from(m[1] ?? '', 'hex').toString('latin1'),
      );
      if (strings.length > 0) text += `${strings.join('')}\n`;
    }
  }
  return text;
}
