import { createHmac, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createOrganization } from '../src/access/accounts.ts';
import { scopeFor } from '../src/access/scope.ts';
import { setProvider } from '../src/channels/providers.ts';
import { loadConfig } from '../src/config.ts';
import { startRegua } from '../src/server.ts';
import { enginesFrom, openEngine } from './engines.ts';

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * Load on the public webhook endpoints with autocannon: signed WhatsApp status callbacks (the busiest
 * webhook: several per message), each verified with HMAC-SHA256 and applied in PostgreSQL. The debtor
 * portal joins this benchmark when it exists (issue 6).
 */
export async function webhooksBenchmark(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      seconds: { type: 'string', default: '10' },
      connections: { type: 'string', default: '20' },
      engine: { type: 'string' },
    },
    strict: false,
  });
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  console.log(
    `webhooks: signed WhatsApp status callbacks, ${connections} connections for ${seconds} s (autocannon)`,
  );
  for (const engine of enginesFrom(values.engine)) {
    const { db, cleanup } = await openEngine(engine);
    const secretKey = randomBytes(32);
    const config = {
      ...loadConfig({
        PORT: '0',
        REGUA_DEMO: 'false',
        LOG_LEVEL: 'error',
        REGUA_WORKER: 'false',
        REGUA_WEBHOOK_RATE_PER_MINUTE: '0',
      }),
      secretKey,
    };
    const running = await startRegua(config, { db, logger: false });
    try {
      const org = await createOrganization(db, { slug: 'bench', name: 'Bench' });
      const scope = scopeFor({
        orgId: org.id,
        role: 'admin',
        creditorIds: [],
        userId: null,
        timeZone: org.timeZone,
      });
      await setProvider(db, scope, secretKey, {
        channel: 'whatsapp',
        provider: 'whatsapp_cloud',
        settings: { phoneNumberId: '1234567', templateName: 'cobranca_lembrete' },
        secrets: { accessToken: 't', appSecret: 'bench-secret', verifyToken: 'v' },
      });
      const body = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: 'W',
            changes: [
              {
                field: 'messages',
                value: { statuses: [{ id: 'wamid.unknown', status: 'delivered', timestamp: '1700000000' }] },
              },
            ],
          },
        ],
      });
      const signature = `sha256=${createHmac('sha256', 'bench-secret').update(body).digest('hex')}`;
      const result = await run({
        url: `${running.url}/webhooks/whatsapp/${org.id}`,
        method: 'POST',
        connections,
        duration: seconds,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
        body,
      });
      // The per-address limit is off here: one load generator is one address.
      const limited = result.statusCodeStats?.['429']?.count ?? 0;
      console.log(
        `  ${engine.padEnd(8)} ${Math.round(result.requests.average).toLocaleString('en')} requests/s, p99 ${result.latency.p99} ms, p50 ${result.latency.p50} ms; ${result['2xx'].toLocaleString('en')} accepted, ${limited.toLocaleString('en')} rate-limited, ${result.errors} errors`,
      );
    } finally {
      await running.stop();
      await cleanup();
    }
  }
}
