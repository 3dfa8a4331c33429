import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createOrganization } from '../src/access/accounts.ts';
import { withTenant } from '../src/db/tenant.ts';
import { signPortalLink, verifyPortalLink } from '../src/portal/links.ts';
import { sendCode, verifyCode } from '../src/portal/portal.ts';
import { enginesFrom, openEngine } from './engines.ts';
import { closedLoopLoad } from './load.ts';

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server did not start at ${url}`);
}

/**
 * Load on the debtor portal's main page: `GET /api/portal/me` for a signed-in debtor
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
    `portal: a signed-in debtor's main page, ${connections} connections for ${seconds} s (closed-loop keep-alive clients)`,
  );
  for (const engine of enginesFrom(values.engine)) {
    const { db, cleanup, env } = await openEngine(engine);
    const secretKey = randomBytes(32);
    let server: ChildProcess | null = null;
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
      // The server runs in its own process, as in production: the load generator does not share its CPU time.
      await db.close();
      const port = 43_000 + (process.pid % 1000);
      server = spawn(process.execPath, ['src/cli/main.ts', 'start'], {
        env: {
          ...process.env,
          ...env,
          PORT: String(port),
          REGUA_DEMO: 'false',
          REGUA_WORKER: 'false',
          REGUA_SECRET_KEY: secretKey.toString('base64'),
          REGUA_PORTAL_RATE_PER_MINUTE: '0',
          LOG_LEVEL: 'error',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      const url = `http://127.0.0.1:${port}`;
      await waitFor(`${url}/health`);
      const probe = await fetch(`${url}/api/portal/me`, { headers: { cookie } });
      if (probe.status !== 200) throw new Error(`the portal answered ${probe.status}: ${await probe.text()}`);
      for (const [label, path, headers] of [
        ['main page (GET /api/portal/me)', '/api/portal/me', { cookie }],
        ['link page (GET /api/portal/links/{token})', `/api/portal/links/${token}`, {}],
      ] as const) {
        const result = await closedLoopLoad({ url: `${url}${path}`, connections, seconds, headers });
        console.log(
          `  ${engine.padEnd(8)} ${label}: ${Math.round(result.requestsPerSecond).toLocaleString('en')} requests/s, p99 ${result.p99} ms, p50 ${result.p50} ms; ${result.ok.toLocaleString('en')} ok, ${result.other} other, ${result.errors} errors`,
        );
      }
    } finally {
      if (server) {
        server.kill('SIGTERM');
        await new Promise((resolve) => server?.once('exit', resolve));
      }
      await cleanup();
    }
  }
}
