/**
 * The CPF/CNPJ field of the portal: what is typed or pasted becomes "000.000.000-00" or
 * "00.000.000/0000-00" as it goes (the 2026 CNPJ may carry letters in its first 12 characters).
 */
export type DocumentKind = 'cpf' | 'cnpj';

const LENGTH: Record<DocumentKind, number> = { cpf: 11, cnpj: 14 };

/** Only the characters that count: digits for a CPF, digits and letters (upper case) for a CNPJ. */
export function documentChars(text: string, kind: DocumentKind): string {
  const kept = kind === 'cpf' ? text.replace(/\D/g, '') : text.toUpperCase().replace(/[^0-9A-Z]/g, '');
  return kept.slice(0, LENGTH[kind]);
}

/** Typed text → the mask, filled as far as the characters go. */
export function maskDocument(text: string, kind: DocumentKind): string {
  const c = documentChars(text, kind);
  const cuts = kind === 'cpf' ? [3, 6, 9] : [2, 5, 8, 12];
  const marks = kind === 'cpf' ? ['.', '.', '-'] : ['.', '.', '/', '-'];
  let out = '';
  let from = 0;
  cuts.forEach((cut, i) => {
    if (c.length > cut) {
      out += `${c.slice(from, cut)}${marks[i]}`;
      from = cut;
    }
  });
  return out + c.slice(from);
}

/** Whether the whole document was typed (the server checks that it is the debtor's). */
export function documentComplete(text: string, kind: DocumentKind): boolean {
  const c = documentChars(text, kind);
  return kind === 'cpf' ? /^\d{11}$/.test(c) : /^[0-9A-Z]{12}\d{2}$/.test(c);
}
