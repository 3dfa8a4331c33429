import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WEB_ROOT } from '../http/server.ts';

const WEB_SOURCE = fileURLToPath(new URL('../../web/', import.meta.url));

function newestChange(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the web app with Vite when dist/web is missing or older than its sources. */
export async function ensureWebBuilt(log: (line: string) => void = () => {}): Promise<void> {
  const index = `${WEB_ROOT}index.html`;
  if (!existsSync(WEB_SOURCE)) return;
  if (existsSync(index) && statSync(index).mtimeMs >= newestChange(WEB_SOURCE)) return;
  log('Building the web app (first start only)...');
  const { build } = await import('vite');
  await build({ configFile: join(WEB_SOURCE, 'vite.config.ts'), logLevel: 'warn' });
}
