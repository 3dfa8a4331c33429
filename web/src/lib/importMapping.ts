import { normalizeHeader } from '../../../src/imports/columns.ts';
import type { ImportPreviewField } from '../api/types.ts';

/** field -> header chosen for it; a field left out (or with '') is not imported. */
export type ColumnMapping = Record<string, string>;

// The server's own normalization (no accents, case, spaces or punctuation): one definition for both.
export { normalizeHeader };

/**
 * The headers a person can pick: non-blank, one per normalized name (the server finds a column by its
 * normalized header, so of two headers that normalize alike only the first can be read).
 */
export function headerChoices(headers: readonly string[]): string[] {
  const seen = new Set<string>();
  const choices: string[] = [];
  for (const header of headers) {
    const key = normalizeHeader(header);
    if (header.trim() === '' || seen.has(key)) continue;
    seen.add(key);
    choices.push(header);
  }
  return choices;
}

/**
 * Required fields no column feeds, in the order of `fields`. Same rule as the server: the title's
 * identifier is not needed when the document number is mapped (the id is derived from document number
 * + installment).
 */
export function missingFields(fields: readonly ImportPreviewField[], mapping: ColumnMapping): string[] {
  const mapped = (field: string) => Boolean(mapping[field]);
  return fields
    .filter((f) => f.required && !mapped(f.field))
    .filter((f) => !(f.field === 'externalId' && mapped('documentNumber')))
    .map((f) => f.field);
}

/** Whether the server would match some header of the file to `field` on its own. */
function autoMatchable(field: ImportPreviewField, headers: readonly string[]): boolean {
  const names = new Set([normalizeHeader(field.field), ...field.aliases.map(normalizeHeader)]);
  return headers.some((h) => names.has(normalizeHeader(h)));
}

/**
 * The mapping sent with the file: every field the person mapped, plus '' for each field left unmapped
 * that the server would otherwise match by its header name, so the import reads exactly what was shown.
 */
export function mappingToSend(
  fields: readonly ImportPreviewField[],
  headers: readonly string[],
  mapping: ColumnMapping,
): ColumnMapping {
  const sent: ColumnMapping = {};
  for (const field of fields) {
    const header = mapping[field.field];
    if (header) sent[field.field] = header;
    else if (autoMatchable(field, headers)) sent[field.field] = '';
  }
  return sent;
}

/** Headers chosen for more than one field (allowed, but usually a slip). */
export function repeatedHeaders(mapping: ColumnMapping): string[] {
  const counts = new Map<string, number>();
  for (const header of Object.values(mapping)) {
    if (header) counts.set(header, (counts.get(header) ?? 0) + 1);
  }
  return [...counts].filter(([, count]) => count > 1).map(([header]) => header);
}

/** Files the server takes as JSON batches (no preview or mapping). */
export function isJsonFile(file: Pick<File, 'name' | 'type'>): boolean {
  return /\.json$/i.test(file.name) || file.type === 'application/json';
}
