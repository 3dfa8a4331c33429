import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, startTestApp } from '../support/app.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
let smtp: SMTPServer;
const mails: string[] = [];
const post = (path: string, body: unknown) =>
  fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push(Buffer.concat(chunks).toString());
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  app = await startTestApp({
    worker: false,
    config: {
      systemSmtpUrl: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
      mailFrom: 'Régua <nao-responda@regua.test>',
    },
  });
});
afterAll(async () => {
  await app?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

async function linkFromLastMail(): Promise<string> {
  const mail = await simpleParser(mails.at(-1) ?? '');
  const match = /(http\S+\/redefinir-senha\?token=[\w-]+)/.exec(mail.text ?? '');
  if (!match?.[1]) throw new Error('no reset link in the e-mail');
  return match[1];
}

describe('password reset by e-mail', () => {
  it('answers the same for a known and an unknown address, and e-mails only the known one', async () => {
    const unknown = await post('/api/v1/password-reset', { email: 'nobody@nowhere.test' });
    expect(unknown.status).toBe(202);
    expect(mails).toHaveLength(0);
    const known = await post('/api/v1/password-reset', { email: 'MANAGER@alfa.test' });
    expect(known.status).toBe(202);
    expect(await known.json()).toEqual(
      await unknown
        .clone()
        .json()
        .catch(() => ({ status: 'sent' })),
    );
    expect(mails).toHaveLength(1);
    const mail = await simpleParser(mails[0] ?? '');
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('manager@alfa.test');
    expect(mail.subject).toBe('Redefinição de senha do Régua');
    expect(mail.text).toContain('vale por 1 hora');
  });

  it('the link sets a new password once, ends the sessions, and refuses weak passwords', async () => {
    const manager = await loginAs(app.url, app.seeded.users.manager);
    expect((await manager('/api/v1/session')).status).toBe(200);
    const token = new URL(await linkFromLastMail()).searchParams.get('token') ?? '';
    const weak = await post('/api/v1/password-reset/confirm', { token, password: 'curta' });
    expect(weak.status).toBe(400);
    expect(((await weak.json()) as { detail: string }).detail).toContain('at least 10 characters');
    expect(
      (await post('/api/v1/password-reset/confirm', { token, password: 'uma-senha-nova-longa' })).status,
    ).toBe(204);
    expect((await manager('/api/v1/session')).status).toBe(401);
    await loginAs(app.url, app.seeded.users.manager, 'uma-senha-nova-longa');
    const again = await post('/api/v1/password-reset/confirm', { token, password: 'outra-senha-longa-1' });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { detail: string }).detail).toContain('invalid, expired or already used');
    const [audit] = await app.db.query<{ n: number }>(
      `select count(*)::int as n from audit_log where action = 'user.password_reset'`,
    );
    expect(audit?.n).toBe(1);
  });

  it('a forged token is refused, and the form cannot be used to flood a mailbox', async () => {
    expect(
      (
        await post('/api/v1/password-reset/confirm', {
          token: 'x'.repeat(43),
          password: 'uma-senha-qualquer',
        })
      ).status,
    ).toBe(400);
    const before = mails.length;
    for (let i = 0; i < 5; i++) await post('/api/v1/password-reset', { email: 'collector@alfa.test' });
    // Three links an hour per person; later requests answer the same but send nothing.
    expect(mails.length - before).toBe(3);
    const limited = await post('/api/v1/password-reset', { email: 'collector@alfa.test' });
    expect(limited.status).toBe(429);
  });
});
