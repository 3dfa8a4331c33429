/**
 * Several dispatcher processes share one outbox on PostgreSQL: three `regua worker` processes send
 * 3,000 messages with no message handed over twice; then a worker is killed with SIGKILL mid-batch and,
 * after restart, every message is sent and none reaches the sandbox inbox twice.
 * PGlite is one process per data directory, so this runs on PostgreSQL only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization } from '../../src/access/accounts.ts';
import { scopeFor } from '../../src/access/scope.ts';
import { activateCadenceVersion, createCadence } from '../../src/dunning/cadences.ts';
import { DEFAULT_SETTINGS } from '../../src/dunning/definition.ts';
import { planDay } from '../../src/dunning/planner.ts';
import { createCreditor } from '../../src/portfolio/creditors.ts';
import { createTestDatabase, ENGINE, type TestDatabase } from '../support/db.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MESSAGES = 3_000;
const postgresOnly = ENGINE === 'postgres' ? describe : describe.skip;

let pg: TestDatabase;
let orgId = 0;
const children: ChildProcess[] = [];

/** A portfolio of `count` debtors, each with one receivable 7 days late, planned into letters. */
async function planLetters(date: string, count: number, prefix: string) {
  await pg.db.query(
    `with d as (
       insert into debtors (org_id, creditor_id, kind, document, name, street, city, uf, cep)
       select $1, c.id, 'person', lpad(($4::bigint * 1000000 + g)::text, 11, '0'), 'Devedor ' || g,
              'Rua ' || g, 'São Paulo', 'SP', '01001000'
         from generate_series(1, $2) g, creditors c where c.org_id = $1
       returning id, creditor_id
     )
     insert into receivables (org_id, creditor_id, debtor_id, external_id, due_date, original_cents, open_cents, status)
     select $1, d.creditor_id, d.id, $3 || d.id, $5::date - 7, 10000, 10000, 'open' from d`,
    [orgId, count, prefix, prefix === 'a' ? 1 : 2, date],
  );
  const result = await planDay(pg.db, orgId, date);
  expect(result.byChannel).toEqual({ letter: count });
}

function startWorker(extra: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ['src/cli/main.ts', 'worker'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: pg.url ?? '',
      REGUA_SCHEDULER: 'false',
      REGUA_DISPATCH_BATCH: '50',
      LOG_LEVEL: 'warn',
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

async function waitUntilSent(count: number, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await pg.db.query<{ sent: number }>(
      `select count(*)::int as sent from outbound_messages where org_id = $1 and status = 'delivered'`,
      [orgId],
    );
    if ((row?.sent ?? 0) >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${row?.sent} of ${count} messages were sent`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

beforeAll(async () => {
  if (ENGINE !== 'postgres') return;
  pg = await createTestDatabase('postgres');
  const org = await createOrganization(pg.db, { slug: 'alfa', name: 'Alfa' });
  await createOrganization(pg.db, { slug: 'beta', name: 'Beta' });
  orgId = org.id;
  const scope = scopeFor({ orgId, role: 'admin', creditorIds: [], userId: null, timeZone: org.timeZone });
  const creditor = await createCreditor(pg.db, scope, {
    cnpj: '11.222.333/0001-81',
    legalName: 'Credora Ltda',
    tradeName: null,
    segment: null,
    address: { street: 'Av. Paulista', number: '1000', city: 'São Paulo', uf: 'SP', cep: '01310100' },
  });
  const version = await createCadence(pg.db, scope, {
    creditorId: creditor.id,
    name: 'Cartas',
    definition: {
      settings: structuredClone(DEFAULT_SETTINGS),
      segments: [
        {
          key: 'todos',
          name: 'Todos',
          rules: {},
          steps: [
            {
              key: 'carta-d7',
              offsetDays: 7,
              channel: 'letter',
              template: {
                subject: 'Aviso',
                body: '{{debtor.name}}: {{receivables}}\n{{creditor.name}} CNPJ {{creditor.cnpj}}',
              },
            },
          ],
        },
      ],
    },
  });
  await activateCadenceVersion(pg.db, scope, version.id);
}, 120_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await pg?.drop();
});

postgresOnly('dispatchers in several processes', () => {
  it('three worker processes share 3,000 messages and hand none over twice', async () => {
    await planLetters('2026-03-10', MESSAGES, 'a');
    const workers = [startWorker(), startWorker(), startWorker()];
    await waitUntilSent(MESSAGES);
    await Promise.all(workers.map(stop));
    const [inbox] = await pg.db.query<{ rows: number; keys: number; handedOverTwice: number }>(
      `select count(*)::int as rows, count(distinct idempotency_key)::int as keys,
              count(*) filter (where deliveries > 1)::int as "handedOverTwice" from sandbox_inbox`,
    );
    expect(inbox).toEqual({ rows: MESSAGES, keys: MESSAGES, handedOverTwice: 0 });
    const byWorker = await pg.db.query<{ dispatcher: string; n: number }>(
      `select split_part(dispatched_by, ':', 2) as dispatcher, count(*)::int as n
         from outbound_messages where org_id = $1 group by 1 order by 1`,
      [orgId],
    );
    // Every process took a share of the work.
    expect(byWorker).toHaveLength(3);
    expect(byWorker.reduce((sum, w) => sum + w.n, 0)).toBe(MESSAGES);
    for (const worker of byWorker) expect(worker.n).toBeGreaterThan(100);
  }, 120_000);

  it('a dispatcher killed mid-batch loses nothing and sends nothing twice after restart', async () => {
    await planLetters('2026-03-11', MESSAGES, 'b');
    // A slow provider, so the kill lands while batches are in flight; a short lease, so the
    // messages the dead process held are taken over soon.
    const slow = { REGUA_SANDBOX_LATENCY_MS: '100', REGUA_DISPATCH_LEASE_MS: '2000' };
    const victim = startWorker(slow);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [row] = await pg.db.query<{ sending: number; sent: number }>(
        `select count(*) filter (where status = 'sending')::int as sending,
                count(*) filter (where status = 'delivered' and plan_date = '2026-03-11')::int as sent
           from outbound_messages where org_id = $1`,
        [orgId],
      );
      if ((row?.sending ?? 0) > 0 && (row?.sent ?? 0) > 200) break;
      if (Date.now() > deadline) throw new Error('the worker never got going');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    victim.kill('SIGKILL');
    await new Promise((resolve) => victim.once('exit', resolve));
    const [stuck] = await pg.db.query<{ n: number }>(
      `select count(*)::int as n from outbound_messages where org_id = $1 and status = 'sending'`,
      [orgId],
    );
    expect(stuck?.n).toBeGreaterThan(0);
    const restarted = [startWorker(slow), startWorker(slow)];
    await waitUntilSent(MESSAGES * 2);
    await Promise.all(restarted.map(stop));
    const [inbox] = await pg.db.query<{ rows: number; keys: number }>(
      `select count(*)::int as rows, count(distinct idempotency_key)::int as keys from sandbox_inbox`,
    );
    // Exactly one inbox entry per message: a message handed over again after the crash is recognised
    // by its idempotency key and received once.
    expect(inbox).toEqual({ rows: MESSAGES * 2, keys: MESSAGES * 2 });
    const [states] = await pg.db.query<{ notDelivered: number }>(
      `select count(*) filter (where status <> 'delivered')::int as "notDelivered" from outbound_messages`,
    );
    expect(states?.notDelivered).toBe(0);
  }, 150_000);
});
