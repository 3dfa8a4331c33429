/**
 * A random id for one confirmation of a write that must happen once (accepting an offer): made when
 * the confirmation opens and sent with every try, so a double click or a retried request makes one
 * agreement. `getRandomValues` works outside secure contexts too, unlike `randomUUID`.
 */
export function newRequestKey(prefix = 'web'): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${prefix}-${hex}`;
}
