/** Route/query parameter → positive integer id, or null when absent or malformed. */
export function parseId(value: string | null | undefined): number | null {
  if (!value || !/^\d+$/.test(value)) return null;
  const id = Number(value);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/**
 * Edits the query string. react-router's functional setSearchParams hands over the params of the last
 * render, so two quick edits (e.g. two filters typed in a row) would lose the first one; the address bar
 * is always current, so start from it.
 */
export function editSearchParams(
  setParams: (next: URLSearchParams, options: { replace: boolean }) => void,
  mutate: (params: URLSearchParams) => void,
): void {
  const next = new URLSearchParams(window.location.search);
  mutate(next);
  setParams(next, { replace: true });
}
