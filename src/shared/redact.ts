/**
 * Masks personal data in text meant for logs (LGPD): CPF and CNPJ (numeric and alphanumeric, with or
 * without punctuation), e-mail addresses and phone numbers. Keeps enough to tell values apart in a
 * log (the last two characters) and nothing that identifies a person.
 */
const PATTERNS: [RegExp, (match: string) => string][] = [
  // e-mail: keep the domain's top level only
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.([A-Za-z]{2,})/g, (m) => `***@***.${m.split('.').pop()}`],
  // CNPJ, numeric or alphanumeric, formatted (12.ABC.345/01DE-35) or not
  [/\b[0-9A-Z]{2}\.?[0-9A-Z]{3}\.?[0-9A-Z]{3}\/?[0-9A-Z]{4}-?\d{2}\b/g, (m) => `**CNPJ**${m.slice(-2)}`],
  // CPF, formatted or 11 digits
  [/\b\d{3}\.?\d{3}\.?\d{3}-?\d{2}\b/g, (m) => `**CPF**${m.slice(-2)}`],
  // phones: E.164 or Brazilian national format with area code
  [/(\+\d{10,15}\b)|(\(?\b\d{2}\)?\s?9?\d{4}-?\d{4}\b)/g, (m) => `**PHONE**${m.slice(-2)}`],
];

export function redactText(text: string): string {
  let result = text;
  for (const [pattern, mask] of PATTERNS) result = result.replace(pattern, mask);
  return result;
}

/** Redacts every string inside a log object (bounded depth), leaving other values alone. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return {
      type: value.name,
      message: redactText(value.message),
      stack: value.stack ? redactText(value.stack) : undefined,
    };
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = redactValue(v, depth + 1);
  return out;
}
