/**
 * Bounces that come after the SMTP conversation: each e-mail leaves with a signed VERP envelope
 * sender, and a delivery status notification sent back to it fails the message it names.
 */
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../src/access/accounts.ts';
import { bounceAddress, startBounceServer } from '../../src/channels/bounces.ts';
import { dispatchBatch } from '../../src/channels/dispatcher.ts';
import { providerResolver } from '../../src/channels/providers.ts';
import { DEFAULT_SETTINGS } from '../../src/dunning/definition.ts';
import { loginAs, startTestApp } from '../support/app.ts';
import { PASSWORD } from '../support/seed.ts';

const DOMAIN = 'bounces.regua.test';
let app: Awaited<ReturnType<typeof startTestApp>>;
let relay: SMTPServer;
let bounces: { port: number; close(): Promise<void> };
const envelopes: string[] = [];

const json = (method: string, body: unknown) => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

function dsn(to: string, status: string) {
  return [
    `From: MAILER-DAEMON@mx.example.com`,
    `To: ${to}`,
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
    '',
    '--B',
    'Content-Type: text/plain',
    '',
    'Your message could not be delivered.',
    '--B',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.com',
    '',
    'Final-Recipient: rfc822; maria@example.com',
    'Action: failed',
    `Status: ${status}`,
    'Diagnostic-Code: smtp; 550 5.1.1 <maria@example.com>: Recipient address rejected: User unknown',
    '--B--',
    '',
  ].join('\r\n');
}

beforeAll(async () => {
  relay = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, session, callback) {
      envelopes.push(session.envelope.mailFrom ? session.envelope.mailFrom.address : '');
      stream.on('data', () => {});
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  app = await startTestApp({ worker: false });
  const secretKey = app.config.secretKey ?? Buffer.alloc(32);
  bounces = await startBounceServer(app.db, { port: 0, host: '127.0.0.1', secretKey });
  await addMember(app.db, {
    orgId: app.seeded.a.scope.orgId,
    email: 'admin@alfa.test',
    name: 'Admin',
    password: PASSWORD,
    role: 'admin',
  });
  const admin = await loginAs(app.url, 'admin@alfa.test');
  await admin(
    '/api/v1/channel-providers/email',
    json('PUT', {
      provider: 'smtp',
      settings: {
        host: '127.0.0.1',
        port: (relay.server.address() as AddressInfo).port,
        security: 'none',
        fromAddress: 'cobranca@clienteum.example',
      },
    }),
  );
  const created = await admin(
    `/api/v1/creditors/${app.creditor.id}/cadences`,
    json('POST', {
      name: 'E-mail',
      definition: {
        settings: DEFAULT_SETTINGS,
        segments: [
          {
            key: 'todos',
            name: 'Todos',
            rules: {},
            steps: [
              {
                key: 'email-d1',
                offsetDays: 1,
                channel: 'email',
                template: { subject: 'Aviso', body: '{{total}} {{creditor.name}} {{creditor.cnpj}}' },
              },
            ],
          },
        ],
      },
    }),
  );
  await admin(`/api/v1/cadence-versions/${((await created.json()) as { id: number }).id}/activate`, {
    method: 'POST',
  });
  await admin('/api/v1/plan/run', json('POST', { date: '2026-02-03' }));
  const channels = providerResolver(app.db, { secretKey, publicUrl: app.url, bounceDomain: DOMAIN });
  await dispatchBatch(app.db, { workerId: 'test', channels, now: () => new Date('2030-03-12T13:00:00Z') });
  channels.close();
});
afterAll(async () => {
  await bounces?.close();
  await app?.close();
  await new Promise<void>((resolve) => relay.close(() => resolve()));
});

const message = async () =>
  (
    await app.db.query<{ id: number; status: string; lastError: string | null }>(
      `select id, status, last_error as "lastError" from outbound_messages where channel = 'email'`,
    )
  )[0];

function sendTo(to: string, raw: string) {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: bounces.port,
    secure: false,
    ignoreTLS: true,
  });
  return transport.sendMail({ envelope: { from: '', to }, raw }).finally(() => transport.close());
}

describe('e-mail bounces', () => {
  it('sends with a signed VERP envelope sender naming the message', async () => {
    const sent = await message();
    expect(sent?.status).toBe('sent');
    expect(envelopes).toEqual([
      bounceAddress(
        app.config.secretKey ?? Buffer.alloc(32),
        DOMAIN,
        app.seeded.a.scope.orgId,
        sent?.id ?? 0,
      ),
    ]);
  });

  it('a delay changes nothing; a permanent failure fails the message with the reason', async () => {
    const to = envelopes[0] ?? '';
    await sendTo(to, dsn(to, '4.4.7'));
    expect((await message())?.status).toBe('sent');
    await sendTo(to, dsn(to, '5.1.1'));
    expect(await message()).toMatchObject({
      status: 'failed',
      lastError: expect.stringContaining('bounced 5.1.1: 550 5.1.1'),
    });
  });

  it('refuses bounces to forged addresses', async () => {
    const forged = `bounces+${app.seeded.a.scope.orgId}.1.000000000000@${DOMAIN}`;
    await expect(sendTo(forged, dsn(forged, '5.1.1'))).rejects.toThrow(/550/);
  });
});
