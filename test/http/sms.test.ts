/**
 * SMS through Twilio's Programmable Messaging contract, against a local server that speaks it, and
 * Twilio's signed webhooks: delivery receipts and incoming messages (STOP words).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../src/access/accounts.ts';
import { dispatchBatch } from '../../src/channels/dispatcher.ts';
import { providerResolver } from '../../src/channels/providers.ts';
import { twilioSignature } from '../../src/channels/sms.ts';
import { DEFAULT_SETTINGS } from '../../src/dunning/definition.ts';
import { loginAs, startTestApp } from '../support/app.ts';
import { importCsv, PASSWORD } from '../support/seed.ts';

const ACCOUNT = `AC${'0123456789abcdef'.repeat(2)}`;
let app: Awaited<ReturnType<typeof startTestApp>>;
let admin: Awaited<ReturnType<typeof loginAs>>;
let twilio: Server;
let twilioUrl = '';
const requests: Array<{ path: string; auth: string | undefined; form: Record<string, string> }> = [];

const json = (method: string, body: unknown) => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

function signedPost(path: string, params: Record<string, string>, token = 'tw-token') {
  return fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(token, `${app.config.publicUrl}${path}`, params),
    },
    body: new URLSearchParams(params),
  });
}

async function dispatch() {
  const channels = providerResolver(app.db, {
    secretKey: app.config.secretKey,
    publicUrl: app.config.publicUrl,
  });
  const outcome = await dispatchBatch(app.db, {
    workerId: 'test',
    channels,
    now: () => new Date('2030-03-12T13:00:00Z'),
  });
  channels.close();
  return outcome;
}

const smsMessages = () =>
  app.db.query<{
    to: string;
    status: string;
    purpose: string;
    costCents: number | null;
    lastError: string | null;
    sid: string | null;
  }>(
    `select to_address as "to", status, purpose, cost_cents as "costCents", last_error as "lastError", provider_message_id as sid
       from outbound_messages where channel = 'sms' order by id`,
  );

beforeAll(async () => {
  let n = 0;
  twilio = createServer((request, response) => {
    let raw = '';
    request.on('data', (c) => {
      raw += c;
    });
    request.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(raw));
      requests.push({ path: request.url ?? '', auth: request.headers.authorization, form });
      response.setHeader('content-type', 'application/json');
      if (
        request.headers.authorization !== `Basic ${Buffer.from(`${ACCOUNT}:tw-token`).toString('base64')}`
      ) {
        response.statusCode = 401;
        return response.end(JSON.stringify({ code: 20003, message: 'Authenticate', status: 401 }));
      }
      if (form.To === '+5511900000000') {
        response.statusCode = 400;
        return response.end(
          JSON.stringify({
            code: 21211,
            message: "The 'To' number +5511900000000 is not a valid phone number.",
            status: 400,
          }),
        );
      }
      n++;
      const segments = (form.Body ?? '').length > 160 ? 2 : 1;
      response.statusCode = 201;
      response.end(
        JSON.stringify({
          sid: `SM${String(n).padStart(32, '0')}`,
          status: 'queued',
          num_segments: String(segments),
          to: form.To,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => twilio.listen(0, '127.0.0.1', resolve));
  twilioUrl = `http://127.0.0.1:${(twilio.address() as AddressInfo).port}`;

  app = await startTestApp({ worker: false });
  await addMember(app.db, {
    orgId: app.seeded.a.scope.orgId,
    email: 'admin@alfa.test',
    name: 'Admin',
    password: PASSWORD,
    role: 'admin',
  });
  admin = await loginAs(app.url, 'admin@alfa.test');
  await importCsv(
    app.db,
    app.seeded.a.scope,
    app.creditor.id,
    'id;cpf_cnpj;nome;telefone;uf;vencimento;valor\nX-5;390.533.447-05;José Souza;(11) 90000-0000;SP;2026-01-31;70,00\n',
  );
  const created = await admin(
    `/api/v1/creditors/${app.creditor.id}/cadences`,
    json('POST', {
      name: 'SMS',
      definition: {
        settings: DEFAULT_SETTINGS,
        segments: [
          {
            key: 'todos',
            name: 'Todos',
            rules: {},
            steps: [
              {
                key: 'sms-d0',
                offsetDays: 0,
                channel: 'sms',
                template: {
                  body: '{{creditor.name}} CNPJ {{creditor.cnpj}}: {{debtor.firstName}}, {{total}} vence hoje.',
                },
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
});
afterAll(async () => {
  await app?.close();
  await new Promise<void>((resolve) => twilio.close(() => resolve()));
});

describe('SMS through Twilio', () => {
  it('sends to Twilio with the account’s credentials and a status callback, and records the cost per segment', async () => {
    const saved = await admin(
      '/api/v1/channel-providers/sms',
      json('PUT', {
        provider: 'twilio',
        settings: {
          apiBaseUrl: twilioUrl,
          accountSid: ACCOUNT,
          from: '+5511999990000',
          costCentsPerSegment: 7,
        },
        secrets: { authToken: 'tw-token' },
      }),
    );
    expect(saved.status).toBe(200);
    await admin('/api/v1/plan/run', json('POST', { date: '2026-02-02' }));
    expect(await dispatch()).toMatchObject({ sent: 1, failed: 1 });
    const maria = requests.find((r) => r.form.To === '+5511987654321');
    expect(maria?.path).toBe(`/2010-04-01/Accounts/${ACCOUNT}/Messages.json`);
    expect(maria?.form).toEqual({
      To: '+5511987654321',
      From: '+5511999990000',
      Body: 'Cliente Um CNPJ 11.222.333/0001-81: Maria, R$ 1.234,56 vence hoje.',
      StatusCallback: `${app.config.publicUrl}/webhooks/sms/${app.seeded.a.scope.orgId}/status`,
    });
    const messages = await smsMessages();
    expect(messages.find((m) => m.to === '+5511987654321')).toMatchObject({ status: 'sent', costCents: 7 });
    expect(messages.find((m) => m.to === '+5511900000000')).toMatchObject({
      status: 'failed',
      lastError: expect.stringContaining('21211'),
    });
  });

  it('takes signed delivery receipts, and refuses unsigned ones', async () => {
    const [maria] = (await smsMessages()).filter((m) => m.status === 'sent');
    const path = `/webhooks/sms/${app.seeded.a.scope.orgId}/status`;
    const receipt = { MessageSid: maria?.sid ?? '', MessageStatus: 'delivered', AccountSid: ACCOUNT };
    expect((await signedPost(path, receipt, 'wrong-token')).status).toBe(403);
    expect((await smsMessages()).find((m) => m.sid === maria?.sid)?.status).toBe('sent');
    const ok = await signedPost(path, receipt);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('<Response>');
    expect((await signedPost(path, { ...receipt, MessageStatus: 'sent' })).status).toBe(200);
    expect((await smsMessages()).find((m) => m.sid === maria?.sid)?.status).toBe('delivered');
  });

  it('a STOP word opts the number out of SMS, confirmed once', async () => {
    const path = `/webhooks/sms/${app.seeded.a.scope.orgId}/inbound`;
    const reply = (sid: string, body: string) =>
      signedPost(path, {
        MessageSid: sid,
        From: '+5511987654321',
        To: '+5511999990000',
        Body: body,
        AccountSid: ACCOUNT,
      });
    expect((await reply('SMin1', 'PARAR')).status).toBe(200);
    expect((await reply('SMin1', 'PARAR')).status).toBe(200); // a replay
    expect((await reply('SMin2', 'parar')).status).toBe(200);
    const [events] = await app.db.query<{ n: number }>(
      `select count(*)::int as n from consent_events where channel = 'sms' and event = 'opt_out'`,
    );
    expect(events?.n).toBe(1);
    const confirmations = (await smsMessages()).filter((m) => m.purpose === 'opt_out_confirmation');
    expect(confirmations).toHaveLength(1);
    expect(await dispatch()).toMatchObject({ sent: 1 });
    expect(requests.at(-1)?.form.Body).toContain('nao recebera mais SMS');
  });
});
