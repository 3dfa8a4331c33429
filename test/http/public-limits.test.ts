import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
beforeAll(async () => {
  app = await startTestApp({ worker: false, config: { portalRatePerMinute: 20 } });
});
afterAll(() => app.close());

describe('rate limits on public routes', () => {
  it('an address gets 30 calls a minute on unsubscribe links, then 429 with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await fetch(`${app.url}/u/1.${i}.${'x'.repeat(32)}`)).status);
    expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true);
    const limited = await fetch(`${app.url}/u/1.99.${'x'.repeat(32)}`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    // Webhooks have their own, larger allowance.
    expect(
      (await fetch(`${app.url}/webhooks/whatsapp/${app.seeded.a.scope.orgId}?hub.mode=subscribe`)).status,
    ).toBe(403);
  });

  it('the debtor portal has its own allowance per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await fetch(`${app.url}/api/portal/links/x.${i}`)).status);
    expect(statuses.slice(0, 20).every((s) => s === 404)).toBe(true);
    const limited = statuses[20];
    expect(limited).toBe(429);
    expect((await fetch(`${app.url}/api/portal/me`)).status).toBe(429);
  });
});
