import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { SMTPServer } from 'smtp-server';
import { dispatchBatch } from '../src/channels/dispatcher.ts';
import { providerResolver, setProvider } from '../src/channels/providers.ts';
import type { Database } from '../src/db/client.ts';
import { activateCadenceVersion, createCadence } from '../src/dunning/cadences.ts';
import { DEFAULT_SETTINGS, type StepChannel } from '../src/dunning/definition.ts';
import { ensureCalendar, planDay } from '../src/dunning/planner.ts';
import { benchCreditor, enginesFrom, openEngine } from './engines.ts';

const PLAN_DATE = '2026-03-10';
const ACCOUNT = `AC${'0123456789abcdef'.repeat(2)}`;

/** Local servers speaking each provider's contract, answering at once. */
async function providerServers() {
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  let n = 0;
  const http: Server = createServer((request, response) => {
    request.on('data', () => {});
    request.on('end', () => {
      n++;
      response.setHeader('content-type', 'application/json');
      if (request.url?.includes('/Messages.json')) {
        response.statusCode = 201;
        response.end(
          JSON.stringify({ sid: `SM${String(n).padStart(32, '0')}`, status: 'queued', num_segments: '1' }),
        );
      } else {
        response.end(JSON.stringify({ messaging_product: 'whatsapp', messages: [{ id: `wamid.${n}` }] }));
      }
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    smtpPort: (smtp.server.address() as AddressInfo).port,
    httpUrl: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    async close() {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

type Case = {
  channel: StepChannel;
  provider: string;
  settings: Record<string, unknown>;
  secrets?: Record<string, string>;
};

async function run(db: Database, secretKey: Buffer, spec: Case, debtors: number, workers: number) {
  const bench = await benchCreditor(db, { slug: `bench-${spec.channel}`, name: spec.channel });
  const { scope } = bench;
  const org = { id: bench.orgId };
  const creditor = { id: bench.creditorId };
  await db.query(
    `insert into debtors (org_id, creditor_id, kind, document, name, emails, phones, street, city, uf, cep, channel_preferences)
     select $1, $2, 'person', lpad(g::text, 11, '0'), 'Devedor ' || g, array['d' || g || '@example.com'],
            array['+55119' || lpad(g::text, 8, '0')], 'Rua ' || g, 'São Paulo', 'SP', '01001000',
            jsonb_build_object('whatsapp', jsonb_build_object('consentAt', now()))
       from generate_series(1, $3) g`,
    [org.id, creditor.id, debtors],
  );
  await db.query(
    `insert into receivables (org_id, creditor_id, debtor_id, external_id, due_date, original_cents, open_cents, status)
     select org_id, creditor_id, id, 'R-' || id, $2::date - 5, 10000, 10000, 'open' from debtors where org_id = $1`,
    [org.id, PLAN_DATE],
  );
  await db.query('analyze');
  const template =
    spec.channel === 'email' || spec.channel === 'letter'
      ? {
          subject: 'Aviso',
          body: 'Olá {{debtor.firstName}}, {{receivables}} Total {{total}}. {{creditor.name}} {{creditor.cnpj}}',
        }
      : { body: 'Olá {{debtor.firstName}}, {{total}} em aberto. {{creditor.name}} {{creditor.cnpj}}' };
  const version = await createCadence(db, scope, {
    creditorId: creditor.id,
    name: spec.channel,
    definition: {
      settings: structuredClone(DEFAULT_SETTINGS),
      segments: [
        {
          key: 'todos',
          name: 'Todos',
          rules: {},
          steps: [{ key: 'passo', offsetDays: 5, channel: spec.channel, template }],
        },
      ],
    },
  });
  await activateCadenceVersion(db, scope, version.id);
  await setProvider(db, scope, secretKey, {
    channel: spec.channel,
    provider: spec.provider,
    settings: spec.settings,
    secrets: spec.secrets,
  });
  await planDay(db, org.id, PLAN_DATE, { now: new Date(`${PLAN_DATE}T09:00:00Z`) });
  const channels = providerResolver(db, { secretKey, publicUrl: 'http://localhost:3000' });
  const now = new Date(`${PLAN_DATE}T14:00:00Z`);
  let sent = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (;;) {
        const outcome = await dispatchBatch(db, {
          workerId: `bench-${spec.channel}-${w}`,
          channels,
          batchSize: 200,
          now: () => now,
        });
        sent += outcome.sent;
        failed += outcome.failed + outcome.retrying;
        if (outcome.claimed === 0) return;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  channels.close();
  return { sent, failed, seconds };
}

/**
 * Dispatch throughput per channel through each real adapter, against local servers that speak the
 * providers' contracts: SMTP (nodemailer to smtp-server), WhatsApp Cloud API and Twilio (HTTP), the
 * print batch and the collectors' worklist.
 */
export async function channelsBenchmark(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      debtors: { type: 'string', default: '5000' },
      workers: { type: 'string', default: '2' },
      engine: { type: 'string' },
    },
    strict: false,
  });
  const debtors = Number(values.debtors);
  const workers = Number(values.workers);
  const servers = await providerServers();
  const secretKey = randomBytes(32);
  const cases: Case[] = [
    {
      channel: 'email',
      provider: 'smtp',
      settings: {
        host: '127.0.0.1',
        port: servers.smtpPort,
        security: 'none',
        fromAddress: 'cobranca@example.com',
        fromName: 'Bench',
        ratePerSecond: 0,
      },
    },
    {
      channel: 'whatsapp',
      provider: 'whatsapp_cloud',
      settings: {
        apiBaseUrl: `${servers.httpUrl}/v21.0`,
        phoneNumberId: '1234567',
        templateName: 'cobranca_lembrete',
        ratePerSecond: 0,
      },
      secrets: { accessToken: 't', appSecret: 'a', verifyToken: 'v' },
    },
    {
      channel: 'sms',
      provider: 'twilio',
      settings: {
        apiBaseUrl: servers.httpUrl,
        accountSid: ACCOUNT,
        from: '+5511999990000',
        costCentsPerSegment: 7,
        ratePerSecond: 0,
      },
      secrets: { authToken: 't' },
    },
    { channel: 'letter', provider: 'print', settings: { costCents: 290 } },
    { channel: 'phone', provider: 'worklist', settings: {} },
  ];
  console.log(
    `channels: ${debtors.toLocaleString('en')} contacts per channel, ${workers} dispatchers, local provider servers`,
  );
  try {
    for (const engine of enginesFrom(values.engine)) {
      const { db, cleanup } = await openEngine(engine);
      try {
        await ensureCalendar(db, PLAN_DATE);
        for (const spec of cases) {
          const result = await run(db, secretKey, spec, debtors, workers);
          console.log(
            `  ${engine.padEnd(8)} ${spec.channel.padEnd(8)} via ${spec.provider.padEnd(14)} ${result.sent.toLocaleString('en')} sent in ${result.seconds.toFixed(1)} s = ${Math.round(result.sent / result.seconds).toLocaleString('en')} messages/s${result.failed ? ` (${result.failed} not sent)` : ''}`,
          );
        }
      } finally {
        await cleanup();
      }
    }
  } finally {
    await servers.close();
  }
}
