import { ensureWebBuilt as build } from '../../src/cli/web.ts';

/** Builds dist/web when missing or stale, so browser tests test the current web sources. */
export async function ensureWebBuilt(): Promise<void> {
  await build();
}
