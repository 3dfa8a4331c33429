import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_LIMITS } from '../../src/access/accounts.ts';
import { startTestApp } from '../support/app.ts';
import { PASSWORD } from '../support/seed.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const attempt = (email: string, password: string) =>
  fetch(`${app.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });

describe('login throttling', () => {
  it('pauses an e-mail after repeated failures, even for the right password, and says when to retry', async () => {
    const email = app.seeded.users.manager;
    expect((await attempt(email, PASSWORD)).status).toBe(200);
    for (let i = 0; i < LOGIN_LIMITS.perEmail; i++) expect((await attempt(email, 'wrong')).status).toBe(401);
    const locked = await attempt(email, PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(LOGIN_LIMITS.windowMinutes * 60 - 30);
    expect(await locked.json()).toMatchObject({
      status: 429,
      detail: expect.stringMatching(/try again in 15 minute/),
    });
    // Another account is not affected.
    expect((await attempt(app.seeded.users.client, PASSWORD)).status).toBe(200);
    // Once the failures are older than the window, the right password works again.
    await app.db.query(`update login_attempts set at = at - interval '16 minutes' where email = $1`, [email]);
    expect((await attempt(email, PASSWORD)).status).toBe(200);
  });

  it('answers the same for an e-mail that has no account, so lockouts reveal nothing', async () => {
    for (let i = 0; i < LOGIN_LIMITS.perEmail; i++)
      expect((await attempt('nobody@nowhere.test', 'x')).status).toBe(401);
    expect((await attempt('nobody@nowhere.test', 'x')).status).toBe(429);
  });

  it('pauses an address that tries many accounts', async () => {
    await app.db.query('delete from login_attempts');
    for (let i = 0; i < LOGIN_LIMITS.perAddress; i++)
      expect((await attempt(`guess${i}@spray.test`, 'x')).status).toBe(401);
    expect((await attempt(app.seeded.users.collector, PASSWORD)).status).toBe(429);
  });
});
