import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createOrganization } from '../src/access/accounts.ts';
import { loadConfig } from '../src/config.ts';
import { withTenant } from '../src/db/tenant.ts';
import { signPortalLink, verifyPortalLink } from '../src/portal/links.ts';
import { sendCode, verifyCode } from '../src/portal/portal.ts';
import { startRegua } from '../src/server.ts';
import { enginesFrom, openEngine } from './engines.ts';

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * Load on the debtor portal's main page with autocannon: `GET /api/portal/me` for a signed-in debtor
 * with three late receivables (charges explained, the Pix with its QR code, the offers), and the
 * link page a message opens first. Aim (issue 3): 1,000 requests/s with p99 under 50 ms on PostgreSQL.
 */
export async function portalBenchmark(args: string[]): Promise<void> {
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
    `portal: a signed-in debtor's main page, ${connections} connections for ${seconds} s (autocannon)`,
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
        REGUA_PORTAL_RATE_PER_MINUTE: '0',
      }),
      secretKey,
    };
    const running = await startRegua(config, { db, logger: false });
    try {
      const org = await createOrganization(db, { slug: 'bench', name: 'Bench' });
      const debtorId = await withTenant(db, org.id, async (tx) => {
        const [creditor] = await tx.query<{ id: number }>(
          `insert into creditors (org_id, cnpj, legal_name, trade_name, pix_key, city)
           values ($1, '11222333000181', 'Credor Bench Ltda', 'Credor Bench', '11222333000181', 'São Paulo') returning id`,
          [org.id],
        );
        const [debtor] = await tx.query<{ id: number }>(
          `insert into debtors (org_id, creditor_id, kind, document, name, emails, uf)
           values ($1, $2, 'person', '52998224725', 'Maria da Silva', '{maria@example.com}', 'SP') returning id`,
          [org.id, creditor?.id],
        );
        await tx.query(
          `insert into receivables (org_id, creditor_id, debtor_id, external_id, due_date, original_cents, open_cents, status)
           select $1, $2, $3, 'NF-' || n, current_date - 30 * n, 10000 * n, 10000 * n, 'open' from generate_series(1, 3) n`,
          [org.id, creditor?.id, debtor?.id],
        );
        return debtor?.id ?? 0;
      });
      const token = signPortalLink(secretKey, { orgId: org.id, debtorId });
      const check = verifyPortalLink(secretKey, token);
      if (!check.ok) throw new Error(check.message);
      const sent = await sendCode(db, secretKey, check.link, 'email:0');
      const [message] = await withTenant(db, org.id, (tx) =>
        tx.query<{ body: string }>('select body from outbound_messages where idempotency_key = $1', [
          `portal-code:${sent.checkId}`,
        ]),
      );
      const code = /é (\d{6})\./.exec(message?.body ?? '')?.[1] ?? '';
      const session = await verifyCode(db, secretKey, check.link, {
        checkId: sent.checkId,
        document: '529.982.247-25',
        code,
      });
      const cookie = `regua_portal=${session.token}`;
      const probe = await fetch(`${running.url}/api/portal/me`, { headers: { cookie } });
      if (probe.status !== 200) throw new Error(`the portal answered ${probe.status}: ${await probe.text()}`);
      if (process.env.PORTAL_PROBE) {
        for (let i = 0; i < 10; i++) {
          const t = performance.now();
          await (await fetch(`${running.url}/api/portal/me`, { headers: { cookie } })).text();
          console.log(`  one request: ${(performance.now() - t).toFixed(1)} ms`);
        }
      }
      for (const [label, path, headers] of [
        ['main page (GET /api/portal/me)', '/api/portal/me', { cookie }],
        ['link page (GET /api/portal/links/{token})', `/api/portal/links/${token}`, {}],
      ] as const) {
        const result = await run({ url: `${running.url}${path}`, connections, duration: seconds, headers });
        console.log(
          `  ${engine.padEnd(8)} ${label}: ${Math.round(result.requests.average).toLocaleString('en')} requests/s, p99 ${result.latency.p99} ms, p50 ${result.latency.p50} ms; ${result['2xx'].toLocaleString('en')} ok, ${result.non2xx} other, ${result.errors} errors`,
        );
      }
    } finally {
      await running.stop();
      await cleanup();
    }
  }
}
