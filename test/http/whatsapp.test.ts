/**
 * WhatsApp on the Cloud API contract, against a local HTTP server that speaks it
 * (`POST /v21.0/{phone-number-id}/messages`), and the webhook: the verification handshake, signed
 * statuses and replies, replays, and opt-out by reply.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../src/access/accounts.ts';
import { dispatchBatch } from '../../src/channels/dispatcher.ts';
import { providerResolver } from '../../src/channels/providers.ts';
import { whatsappChannel } from '../../src/channels/whatsapp.ts';
import { DEFAULT_SETTINGS } from '../../src/dunning/definition.ts';
import { loginAs, startTestApp } from '../support/app.ts';
import { PASSWORD } from '../support/seed.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
let admin: Awaited<ReturnType<typeof loginAs>>;
let cloud: Server;
let cloudUrl = '';
const sent: Array<{ path: string; auth: string | undefined; body: Record<string, unknown> }> = [];
let failNext: { status: number; code: number } | null = null;
const APP_SECRET = 'meta-app-secret';
let mariaId = 0;
const TUESDAY = new Date('2030-03-12T13:00:00Z');

const json = (method: string, body: unknown) => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

function webhook(payload: unknown, secret = APP_SECRET) {
  const body = JSON.stringify(payload);
  return fetch(`${app.url}/webhooks/whatsapp/${app.seeded.a.scope.orgId}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
    body,
  });
}

const change = (value: Record<string, unknown>) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: 'WABA',
      changes: [
        {
          field: 'messages',
          value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '1234567' }, ...value },
        },
      ],
    },
  ],
});
const inbound = (id: string, text: string) =>
  change({
    contacts: [{ profile: { name: 'Maria' }, wa_id: '5511987654321' }],
    messages: [
      {
        from: '5511987654321',
        id,
        timestamp: String(Math.floor(Date.now() / 1000)),
        type: 'text',
        text: { body: text },
      },
    ],
  });

async function dispatch() {
  const channels = providerResolver(app.db, { secretKey: app.config.secretKey, publicUrl: app.url });
  const outcome = await dispatchBatch(app.db, { workerId: 'test', channels, now: () => TUESDAY });
  channels.close();
  return outcome;
}

async function messages() {
  return app.db.query<{
    id: number;
    status: string;
    purpose: string;
    providerMessageId: string | null;
    lastError: string | null;
  }>(
    `select id, status, purpose, provider_message_id as "providerMessageId", last_error as "lastError"
       from outbound_messages where channel = 'whatsapp' order by id`,
  );
}

beforeAll(async () => {
  let next = 0;
  cloud = createServer((request, response) => {
    let raw = '';
    request.on('data', (c) => {
      raw += c;
    });
    request.on('end', () => {
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      sent.push({ path: request.url ?? '', auth: request.headers.authorization, body });
      response.setHeader('content-type', 'application/json');
      if (request.headers.authorization !== 'Bearer cloud-token') {
        response.statusCode = 401;
        return response.end(
          JSON.stringify({
            error: { message: 'Invalid OAuth access token', type: 'OAuthException', code: 190 },
          }),
        );
      }
      if (failNext) {
        const { status, code } = failNext;
        failNext = null;
        response.statusCode = status;
        return response.end(JSON.stringify({ error: { message: 'failure', type: 'OAuthException', code } }));
      }
      next++;
      response.end(
        JSON.stringify({
          messaging_product: 'whatsapp',
          contacts: [{ input: body.to, wa_id: body.to }],
          messages: [{ id: `wamid.${next}` }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => cloud.listen(0, '127.0.0.1', resolve));
  cloudUrl = `http://127.0.0.1:${(cloud.address() as AddressInfo).port}/v21.0`;

  app = await startTestApp({ worker: false });
  await addMember(app.db, {
    orgId: app.seeded.a.scope.orgId,
    email: 'admin@alfa.test',
    name: 'Admin',
    password: PASSWORD,
    role: 'admin',
  });
  admin = await loginAs(app.url, 'admin@alfa.test');
  const [maria] = await app.db.query<{ id: number }>(
    `select id from debtors where org_id = $1 and name = 'Maria da Silva'`,
    [app.seeded.a.scope.orgId],
  );
  mariaId = maria?.id ?? 0;
  await admin(
    `/api/v1/debtors/${mariaId}/consents`,
    json('POST', { channel: 'whatsapp', event: 'consent', source: 'cadastro' }),
  );
  const step = (key: string, offsetDays: number) => ({
    key,
    offsetDays,
    channel: 'whatsapp',
    template: {
      body: 'Olá, {{debtor.firstName}}. Em aberto: {{total}}.\n{{creditor.name}} CNPJ {{creditor.cnpj}}',
    },
  });
  const created = await admin(
    `/api/v1/creditors/${app.creditor.id}/cadences`,
    json('POST', {
      name: 'WhatsApp',
      definition: {
        settings: DEFAULT_SETTINGS,
        segments: [{ key: 'todos', name: 'Todos', rules: {}, steps: [step('wa-d3', 3), step('wa-d7', 7)] }],
      },
    }),
  );
  const version = (await created.json()) as { id: number };
  await admin(`/api/v1/cadence-versions/${version.id}/activate`, { method: 'POST' });
});
afterAll(async () => {
  await app?.close();
  await new Promise<void>((resolve) => cloud.close(() => resolve()));
});

describe('WhatsApp on the Cloud API', () => {
  it('stores the tokens encrypted and answers Meta’s verification handshake', async () => {
    const saved = await admin(
      '/api/v1/channel-providers/whatsapp',
      json('PUT', {
        provider: 'whatsapp_cloud',
        settings: {
          apiBaseUrl: cloudUrl,
          phoneNumberId: '1234567',
          templateName: 'cobranca_lembrete',
          costCents: 8,
        },
        secrets: { accessToken: 'cloud-token', appSecret: APP_SECRET, verifyToken: 'verify-me' },
      }),
    );
    expect(saved.status).toBe(200);
    expect(await saved.text()).not.toContain('cloud-token');
    const base = `${app.url}/webhooks/whatsapp/${app.seeded.a.scope.orgId}`;
    const ok = await fetch(`${base}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    expect((await fetch(`${base}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`)).status).toBe(
      403,
    );
    expect(
      (
        await fetch(
          `${app.url}/webhooks/whatsapp/${app.seeded.b.scope.orgId}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1`,
        )
      ).status,
    ).toBe(403);
  });

  it('outside the 24-hour window sends the approved template with its parameters', async () => {
    await admin('/api/v1/plan/run', json('POST', { date: '2026-02-05' }));
    expect(await dispatch()).toMatchObject({ sent: 1 });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.path).toBe('/v21.0/1234567/messages');
    expect(sent[0]?.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '5511987654321',
      type: 'template',
      template: {
        name: 'cobranca_lembrete',
        language: { code: 'pt_BR' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Maria' },
              { type: 'text', text: 'Cliente Um' },
              { type: 'text', text: 'R$ 1.234,56' },
              { type: 'text', text: '31/01/2026' },
            ],
          },
        ],
      },
    });
    expect((await messages())[0]).toMatchObject({ status: 'sent', providerMessageId: 'wamid.1' });
  });

  it('takes signed statuses forward only, refuses a bad signature, and a replay changes nothing', async () => {
    const status = (s: string) =>
      change({
        statuses: [
          {
            id: 'wamid.1',
            status: s,
            timestamp: String(Math.floor(Date.now() / 1000)),
            recipient_id: '5511987654321',
          },
        ],
      });
    expect((await webhook(status('read'), 'not-the-secret')).status).toBe(401);
    expect((await messages())[0]?.status).toBe('sent');
    expect((await webhook(status('delivered'))).status).toBe(200);
    expect((await webhook(status('read'))).status).toBe(200);
    expect((await webhook(status('delivered'))).status).toBe(200); // late and out of order
    expect((await messages())[0]?.status).toBe('read');
    const malformed = await fetch(`${app.url}/webhooks/whatsapp/${app.seeded.a.scope.orgId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': `sha256=${createHmac('sha256', APP_SECRET).update('{"nope":').digest('hex')}`,
      },
      body: '{"nope":',
    });
    expect(malformed.status).toBe(400);
  });

  it('a reply lands on the debtor’s timeline once, and opens the window for free text', async () => {
    const first = await webhook(inbound('wamid.in1', 'Oi, quero negociar'));
    expect(await first.json()).toMatchObject({ messages: 1, duplicates: 0 });
    expect(await (await webhook(inbound('wamid.in1', 'Oi, quero negociar'))).json()).toMatchObject({
      messages: 0,
      duplicates: 1,
    });
    const replies = (await (await admin(`/api/v1/debtors/${mariaId}/replies`)).json()) as {
      items: Array<{ body: string }>;
    };
    expect(replies.items.map((r) => r.body)).toEqual(['Oi, quero negociar']);
    const other = await loginAs(app.url, app.seeded.users.otherOrg);
    expect(
      ((await (await other(`/api/v1/debtors/${mariaId}/replies`)).json()) as { items: unknown[] }).items,
    ).toEqual([]);
    // The assistant answers with its menu; D+7 on 2026-02-09, inside the window, goes as rendered text.
    await admin('/api/v1/plan/run', json('POST', { date: '2026-02-09' }));
    expect(await dispatch()).toMatchObject({ sent: 2 });
    const texts = sent.slice(-2).map((r) => (r.body.text as { body: string }).body);
    expect(
      texts.find((t) => t.startsWith('Olá, Maria! Sou o assistente de cobrança de Cliente Um.')),
    ).toContain('3 - Quero fazer um acordo');
    expect(sent.at(-1)?.body).toMatchObject({
      type: 'text',
      text: {
        preview_url: false,
        body: expect.stringMatching(
          /^Olá, Maria\. Em aberto: R\$ 1\.234,56\.\nCliente Um CNPJ 11\.222\.333\/0001-81$|^Olá, Maria!/,
        ),
      },
    });
  });

  it('a reply from an unknown number is stored, matched to no one, and breaks nothing', async () => {
    const unknown = await webhook(
      change({
        messages: [
          {
            from: '5511900000000',
            id: 'wamid.in-x',
            timestamp: String(Math.floor(Date.now() / 1000)),
            type: 'text',
            text: { body: 'quem é?' },
          },
        ],
      }),
    );
    expect(await unknown.json()).toMatchObject({ messages: 1, unknownNumbers: 1 });
    const [queued] = await app.db.query<{ n: number }>(
      `select count(*)::int as n from outbound_messages where status = 'queued'`,
    );
    expect(queued?.n).toBe(0);
  });

  it('the assistant lists the debts on "1" and hands an agreement request to a collector on "3"', async () => {
    await webhook(inbound('wamid.c1', '1'));
    await webhook(inbound('wamid.c2', 'quero um ACORDO'));
    await webhook(inbound('wamid.c3', 'acordo'));
    await webhook(inbound('wamid.c3', 'acordo')); // a replay answers nothing more
    // Three answers, and the agreement request as a call in the worklist.
    expect(await dispatch()).toMatchObject({ sent: 4, failed: 0 });
    const texts = sent.slice(-3).map((r) => (r.body.text as { body: string }).body);
    const debts = texts.find((t) => t.startsWith('Cliente Um'));
    expect(debts).toMatch(
      /^Cliente Um \(CNPJ 11\.222\.333\/0001-81\):\n- NF-100: R\$ 1\.234,56, vencimento 31\/01\/2026 \(\d+ dias em atraso\)\n- NF-101: R\$ 200,00, vencimento 28\/02\/2026 \(\d+ dias em atraso\)\nTotal: R\$ 1\.434,56\n\nPara pagar ou negociar, responda 2 ou 3\./,
    );
    // Unexpected input gets the menu again.
    expect(texts.filter((t) => t.includes('3 - Quero fazer um acordo'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('montar um acordo'))).toHaveLength(1);
    const tasks = (await (await admin('/api/v1/worklist')).json()) as {
      items: Array<{ debtorName: string; script: string }>;
    };
    expect(tasks.items).toEqual([
      expect.objectContaining({
        debtorName: 'Maria da Silva',
        script: expect.stringContaining('Pediu um acordo pelo WhatsApp'),
      }),
    ]);
  });

  it('"SAIR" opts the debtor out, is confirmed once, and no cadence message follows', async () => {
    expect(await (await webhook(inbound('wamid.in2', 'Sair'))).json()).toMatchObject({ optOuts: 1 });
    expect(await (await webhook(inbound('wamid.in3', 'SAIR!'))).json()).toMatchObject({ optOuts: 0 });
    const consents = (await (await admin(`/api/v1/debtors/${mariaId}/consents`)).json()) as {
      items: Array<{ channel: string; event: string; source: string }>;
    };
    expect(consents.items.at(-1)).toMatchObject({
      channel: 'whatsapp',
      event: 'opt_out',
      source: 'whatsapp',
    });
    const confirmations = (await messages()).filter((m) => m.purpose === 'opt_out_confirmation');
    expect(confirmations).toHaveLength(1);
    failNext = { status: 503, code: 131016 };
    expect(await dispatch()).toMatchObject({ retrying: 1 });
    expect((await messages()).find((m) => m.purpose === 'opt_out_confirmation')).toMatchObject({
      status: 'queued',
      lastError: expect.stringContaining('131016'),
    });
    await app.db.query(
      `update outbound_messages set next_attempt_at = now() - interval '1 minute' where purpose = 'opt_out_confirmation'`,
    );
    expect(await dispatch()).toMatchObject({ sent: 1 });
    expect(sent.at(-1)?.body).toMatchObject({
      type: 'text',
      text: { body: expect.stringContaining('não receberá mais mensagens') },
    });
    expect((await messages()).filter((m) => m.purpose === 'reminder')).toHaveLength(2);
  });

  it('the Cloud API refusing a message (131026, undeliverable) fails it for good; a rate limit is retried', async () => {
    const channel = whatsappChannel(app.db, {
      apiBaseUrl: cloudUrl,
      phoneNumberId: '1234567',
      templateName: 'cobranca_lembrete',
      templateLanguage: 'pt_BR',
      templateParameters: ['debtor.firstName'],
      costCents: 8,
      accessToken: 'cloud-token',
      appSecret: APP_SECRET,
      verifyToken: 'verify-me',
    });
    const message = {
      orgId: app.seeded.a.scope.orgId,
      id: 999,
      idempotencyKey: 'k',
      channel: 'whatsapp',
      purpose: 'reminder',
      to: '+5511911112222',
      subject: null,
      body: 'x',
      variables: { 'debtor.firstName': 'Ana' },
    };
    failNext = { status: 400, code: 131026 };
    expect(await channel.send([message])).toEqual([
      { ok: false, permanent: true, error: 'WhatsApp 400 (131026): failure' },
    ]);
    failNext = { status: 400, code: 130429 };
    expect((await channel.send([message]))[0]).toMatchObject({ ok: false, permanent: false });
    expect((await channel.send([message]))[0]).toMatchObject({ ok: true, costCents: 8 });
  });
});
