import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, hotp, stepAt } from '../../src/access/totp.ts';
import { loginAs, startTestApp } from '../support/app.ts';
import { PASSWORD } from '../support/seed.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const codeAt = (secret: string, offsetSteps = 0) =>
  hotp(base32Decode(secret), stepAt(Date.now() / 1000) + offsetSteps);
const login = (body: Record<string, string>) =>
  fetch(`${app.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('two-step verification', () => {
  it('is turned on with a code, then asked for at every login, and refuses a code used twice', async () => {
    const email = app.seeded.users.collector;
    const session = await loginAs(app.url, email);
    const started = (await (await session('/api/v1/session/totp', { method: 'POST' })).json()) as {
      secret: string;
      otpauthUrl: string;
    };
    expect(started.otpauthUrl).toMatch(
      /^otpauth:\/\/totp\/R%C3%A9gua%3Acollector%40alfa\.test\?secret=[A-Z2-7]+/,
    );
    // The seed is stored encrypted, never as the base32 the app shows.
    const [row] = await app.db.query<{ totp_secret: string }>(
      'select totp_secret from users where email = $1',
      [email],
    );
    expect(row?.totp_secret).toMatch(/^v1:/);
    expect(row?.totp_secret).not.toContain(started.secret);

    const wrong = await session('/api/v1/session/totp/confirm', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: '000000' === codeAt(started.secret) ? '111111' : '000000' }),
    });
    expect(wrong.status).toBe(400);
    const confirmCode = codeAt(started.secret);
    const confirmed = await session('/api/v1/session/totp/confirm', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: confirmCode }),
    });
    expect(confirmed.status).toBe(200);
    expect(((await confirmed.json()) as { user: { totpEnabled: boolean } }).user.totpEnabled).toBe(true);

    const withoutCode = await login({ email, password: PASSWORD });
    expect(withoutCode.status).toBe(401);
    expect(await withoutCode.json()).toMatchObject({
      totpRequired: true,
      detail: expect.stringMatching(/6-digit code/),
    });
    const replayed = await login({ email, password: PASSWORD, code: confirmCode });
    expect(replayed.status).toBe(401);
    expect(await replayed.json()).toMatchObject({
      totpRequired: true,
      detail: expect.stringMatching(/already used/),
    });
    const next = await login({ email, password: PASSWORD, code: codeAt(started.secret, 1) });
    expect(next.status).toBe(200);
    const wrongPassword = await login({ email, password: 'wrong', code: codeAt(started.secret, 1) });
    expect(wrongPassword.status).toBe(401);
    expect(await wrongPassword.json()).not.toHaveProperty('totpRequired');

    const audit = await app.db.query<{ action: string }>(
      `select action from audit_log where action like 'user.totp%'`,
    );
    expect(audit.map((a) => a.action)).toEqual(['user.totp_enabled']);
  });
});
