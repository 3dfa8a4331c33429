/**
 * E-mail over SMTP, against a real SMTP server started by the test (smtp-server): the provider is set
 * through the API with its password encrypted, the planned contact is dispatched, the MIME the server
 * received is checked, a refused recipient fails its message, and the unsubscribe link records the
 * opt-out that the next plan honours.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../src/access/accounts.ts';
import { dispatchBatch } from '../../src/channels/dispatcher.ts';
import { providerResolver } from '../../src/channels/providers.ts';
import { DEFAULT_SETTINGS } from '../../src/dunning/definition.ts';
import { loginAs, startTestApp } from '../support/app.ts';
import { importCsv, PASSWORD } from '../support/seed.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
let admin: Awaited<ReturnType<typeof loginAs>>;
let smtp: SMTPServer;
let smtpPort = 0;
const received: Array<{ to: string[]; raw: string }> = [];
const TUESDAY = new Date('2030-03-12T13:00:00Z');

const json = (method: string, body: unknown) => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: false,
    disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, callback) {
      if (auth.username === 'regua' && auth.password === 's3cret-smtp')
        return callback(null, { user: 'regua' });
      return callback(new Error('invalid credentials'));
    },
    onRcptTo(address, _session, callback) {
      if (address.address === 'bounce@example.com') {
        const error = new Error('mailbox unavailable') as Error & { responseCode: number };
        error.responseCode = 550;
        return callback(error);
      }
      return callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString(),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;

  app = await startTestApp({ worker: false });
  await addMember(app.db, {
    orgId: app.seeded.a.scope.orgId,
    email: 'admin@alfa.test',
    name: 'Admin Alfa',
    password: PASSWORD,
    role: 'admin',
  });
  admin = await loginAs(app.url, 'admin@alfa.test');
  await importCsv(
    app.db,
    app.seeded.a.scope,
    app.creditor.id,
    'id;cpf_cnpj;nome;email;uf;vencimento;valor\nX-1;390.533.447-05;José Bounce;bounce@example.com;SP;2026-02-02;80,00\n',
  );
  const email = (key: string, offsetDays: number) => ({
    key,
    offsetDays,
    channel: 'email',
    template: {
      subject: '{{creditor.name}}: pendência',
      body: 'Olá, {{debtor.firstName}}.\n\nEm aberto:\n{{receivables}}\n\nTotal: {{total}}.\n\n{{creditor.name}} · CNPJ {{creditor.cnpj}}',
    },
  });
  const created = await admin(
    `/api/v1/creditors/${app.creditor.id}/cadences`,
    json('POST', {
      name: 'E-mail',
      definition: {
        settings: DEFAULT_SETTINGS,
        segments: [
          { key: 'todos', name: 'Todos', rules: {}, steps: [email('email-d1', 1), email('email-d3', 3)] },
        ],
      },
    }),
  );
  const version = (await created.json()) as { id: number };
  expect((await admin(`/api/v1/cadence-versions/${version.id}/activate`, { method: 'POST' })).status).toBe(
    200,
  );
});
afterAll(async () => {
  await app?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

const resolver = () => providerResolver(app.db, { secretKey: app.config.secretKey, publicUrl: app.url });

async function statusOf(document: string, planDate: string) {
  const [row] = await app.db.query<{
    status: string;
    provider: string | null;
    lastError: string | null;
    providerMessageId: string | null;
    id: number;
  }>(
    `select m.id, m.status, m.provider, m.last_error as "lastError", m.provider_message_id as "providerMessageId"
       from outbound_messages m join debtors d on d.org_id = m.org_id and d.id = m.debtor_id
      where d.document = $1 and m.plan_date = $2 and m.channel = 'email'`,
    [document, planDate],
  );
  return row;
}

describe('e-mail over SMTP', () => {
  it('keeps the provider password encrypted and never shows it', async () => {
    const response = await admin(
      '/api/v1/channel-providers/email',
      json('PUT', {
        provider: 'smtp',
        settings: {
          host: '127.0.0.1',
          port: smtpPort,
          security: 'none',
          username: 'regua',
          fromAddress: 'cobranca@clienteum.example',
          fromName: 'Cliente Um',
        },
        password: 's3cret-smtp',
      }),
    );
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain('s3cret-smtp');
    expect(JSON.parse(text)).toMatchObject({ channel: 'email', provider: 'smtp', hasSecret: true });
    const listed = await (await admin('/api/v1/channel-providers')).text();
    expect(listed).not.toContain('s3cret-smtp');
    const [stored] = await app.db.query<{ secret: string }>(`select secret from channel_providers`);
    expect(stored?.secret.startsWith('v1:')).toBe(true);
    expect(stored?.secret).not.toContain('s3cret');
    const manager = await loginAs(app.url, app.seeded.users.manager);
    expect((await manager('/api/v1/channel-providers')).status).toBe(403);
    const wrong = await admin(
      '/api/v1/channel-providers/sms',
      json('PUT', { provider: 'smtp', settings: {} }),
    );
    expect(wrong.status).toBe(400);
  });

  it('sends the planned e-mail with text and HTML parts and a one-click unsubscribe; a refused recipient fails', async () => {
    expect(
      await (await admin('/api/v1/plan/run', json('POST', { date: '2026-02-03' }))).json(),
    ).toMatchObject({
      planned: 2,
      byChannel: { email: 2 },
    });
    const channels = resolver();
    const outcome = await dispatchBatch(app.db, { workerId: 'test', channels, now: () => TUESDAY });
    channels.close();
    expect(outcome).toMatchObject({ claimed: 2, sent: 1, failed: 1 });
    expect(received).toHaveLength(1);
    const mail = await simpleParser(received[0]?.raw ?? '');
    expect(received[0]?.to).toEqual(['maria@example.com']);
    expect(mail.from?.value[0]).toMatchObject({ address: 'cobranca@clienteum.example', name: 'Cliente Um' });
    expect(mail.subject).toBe('Cliente Um: pendência');
    expect(mail.text).toContain('Olá, Maria.');
    expect(mail.text).toContain('- NF-100: R$ 1.234,56, vencimento 31/01/2026');
    expect(mail.text).toContain('CNPJ 11.222.333/0001-81');
    expect(mail.html).toContain('<p>Olá, Maria.</p>');
    expect(mail.html).toContain('Cancelar o recebimento');
    // The raw header, unfolded, as a mail client reads it.
    const unsubscribe =
      /^List-Unsubscribe:(.*(?:\r\n[ \t].*)*)/m
        .exec(received[0]?.raw ?? '')?.[1]
        ?.replace(/\r\n[ \t]+/g, ' ')
        .trim() ?? '';
    expect(unsubscribe).toMatch(
      /<http:\/\/127\.0\.0\.1:\d+\/u\/[\d.A-Za-z_-]+>, <mailto:cobranca@clienteum\.example\?subject=unsubscribe>/,
    );
    expect(received[0]?.raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    const maria = await statusOf('52998224725', '2026-02-03');
    expect(maria).toMatchObject({ status: 'sent', provider: 'smtp' });
    expect(maria?.providerMessageId).toBe(mail.messageId);
    expect(await statusOf('39053344705', '2026-02-03')).toMatchObject({
      status: 'failed',
      lastError: expect.stringContaining('550'),
    });
  });

  it('the unsubscribe link asks first, then records the opt-out, which the next plan honours', async () => {
    const url = /List-Unsubscribe:\s*<(http[^>]+)>/.exec(received[0]?.raw ?? '')?.[1] ?? '';
    const path = new URL(url).pathname;
    const shown = await fetch(`${app.url}${path}`);
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('Cliente Um');
    const [before] = await app.db.query<{ n: number }>(`select count(*)::int as n from consent_events`);
    expect(before?.n).toBe(0);
    const posted = await fetch(`${app.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(posted.status).toBe(200);
    expect(await posted.text()).toContain('não receberá mais e-mails');
    // A second click changes nothing.
    await fetch(`${app.url}${path}`, { method: 'POST' });
    const events = await app.db.query<{ channel: string; event: string; source: string; actor: string }>(
      'select channel, event, source, actor from consent_events',
    );
    expect(events).toEqual([
      { channel: 'email', event: 'opt_out', source: 'email_unsubscribe', actor: 'debtor:unsubscribe-link' },
    ]);
    const tampered = path.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await fetch(`${app.url}${tampered}`, { method: 'POST' })).status).toBe(404);
    await admin('/api/v1/plan/run', json('POST', { date: '2026-02-05' }));
    const skips = (await (await admin('/api/v1/plan/skips?date=2026-02-05')).json()) as {
      items: Array<{ externalId: string; reason: string }>;
    };
    expect(skips.items).toContainEqual(expect.objectContaining({ externalId: 'T-1', reason: 'opted_out' }));
  });

  it('an SMTP server that cannot be reached is retried later, not failed', async () => {
    await admin(
      '/api/v1/channel-providers/email',
      json('PUT', {
        provider: 'smtp',
        settings: {
          host: '127.0.0.1',
          port: 1,
          security: 'none',
          username: 'regua',
          fromAddress: 'cobranca@clienteum.example',
        },
      }),
    );
    const channels = resolver();
    const outcome = await dispatchBatch(app.db, { workerId: 'test', channels, now: () => TUESDAY });
    channels.close();
    expect(outcome).toMatchObject({ claimed: 1, retrying: 1 });
    expect(await statusOf('39053344705', '2026-02-05')).toMatchObject({
      status: 'queued',
      lastError: expect.stringContaining('ECONNREFUSED'),
    });
  });
});
