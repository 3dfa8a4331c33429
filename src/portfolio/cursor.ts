import { badRequest } from '../shared/problem.ts';

/** Opaque keyset cursors: base64url of a JSON array of the sort key of the last row returned. */
export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T extends (string | number)[]>(
  cursor: string,
  shape: ('string' | 'number')[],
): T {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === shape.length &&
      value.every((v, i) => typeof v === shape[i])
    ) {
      return value as T;
    }
  } catch {
    // fall through
  }
  throw badRequest('the cursor is not one this API returned; start again without it');
}
