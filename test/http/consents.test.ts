import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantQuery } from '../../src/db/tenant.ts';
import { loginAs, startTestApp } from '../support/app.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
let debtorId = 0;
beforeAll(async () => {
  app = await startTestApp();
  const [maria] = await app.db.query<{ id: number }>(
    `select id from debtors where org_id = $1 and name = 'Maria da Silva'`,
    [app.seeded.a.scope.orgId],
  );
  debtorId = maria?.id ?? 0;
});
afterAll(() => app.close());

const record = (call: Awaited<ReturnType<typeof loginAs>>, body: Record<string, string>) =>
  call(`/api/v1/debtors/${debtorId}/consents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('consent and opt-out ledger', () => {
  it('records what a collector hears, keeps every event, and derives the current preferences', async () => {
    const collector = await loginAs(app.url, app.seeded.users.collector);
    expect((await record(collector, { channel: 'whatsapp', event: 'opt_out', source: 'phone' })).status).toBe(
      201,
    );
    let debtor = (await (await collector(`/api/v1/debtors/${debtorId}`)).json()) as {
      channelPreferences: Record<string, { optedOutAt?: string; consentAt?: string; source?: string }>;
    };
    expect(debtor.channelPreferences.whatsapp).toMatchObject({
      optedOutAt: expect.any(String),
      source: 'phone',
    });

    expect(
      (await record(collector, { channel: 'whatsapp', event: 'opt_in', source: 'whatsapp' })).status,
    ).toBe(201);
    debtor = (await (await collector(`/api/v1/debtors/${debtorId}`)).json()) as typeof debtor;
    expect(debtor.channelPreferences.whatsapp).not.toHaveProperty('optedOutAt');
    expect(debtor.channelPreferences.whatsapp).toMatchObject({
      consentAt: expect.any(String),
      source: 'whatsapp',
    });

    const ledger = (await (await collector(`/api/v1/debtors/${debtorId}/consents`)).json()) as {
      items: { event: string; actor: string }[];
    };
    expect(ledger.items.map((e) => e.event)).toEqual(['opt_out', 'opt_in']);
    expect(ledger.items[0]?.actor).toMatch(/^user:\d+$/);

    expect((await record(collector, { channel: 'fax', event: 'opt_out', source: 'phone' })).status).toBe(400);
    const client = await loginAs(app.url, app.seeded.users.client);
    expect((await record(client, { channel: 'sms', event: 'opt_out', source: 'phone' })).status).toBe(403);
    const otherOrg = await loginAs(app.url, app.seeded.users.otherOrg);
    expect((await record(otherOrg, { channel: 'sms', event: 'opt_out', source: 'phone' })).status).toBe(404);
  });

  it('cannot be rewritten by tenant work', async () => {
    await expect(
      tenantQuery(
        app.db,
        app.seeded.a.scope,
        `update consent_events set event = 'consent' where org_id = $1`,
        [app.seeded.a.scope.orgId],
      ),
    ).rejects.toThrow(/permission denied/);
    await expect(
      tenantQuery(app.db, app.seeded.a.scope, 'delete from consent_events where org_id = $1', [
        app.seeded.a.scope.orgId,
      ]),
    ).rejects.toThrow(/permission denied/);
  });
});
