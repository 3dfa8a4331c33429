/**
 * CSV exports of the other table views over HTTP (outbox, skips, sandbox inbox, imports and their
 * errors, payments, creditors, letters, remessas, recovered, A/B results): every row of the list with
 * its filters, the list's permission and scope (a client viewer only its creditor, another organization
 * never), and the audit entry for those with personal data.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../src/access/accounts.ts';
import { dispatchBatch } from '../../src/channels/dispatcher.ts';
import { providerResolver } from '../../src/channels/providers.ts';
import { DEFAULT_SETTINGS } from '../../src/dunning/definition.ts';
import { importPaymentFile } from '../../src/payments/intake.ts';
import { cpfFromBase } from '../../src/shared/documents.ts';
import { loginAs, startTestApp } from '../support/app.ts';
import { importCsv, PASSWORD } from '../support/seed.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
let admin: Awaited<ReturnType<typeof loginAs>>;
let manager: Awaited<ReturnType<typeof loginAs>>;
let client: Awaited<ReturnType<typeof loginAs>>;
let otherOrg: Awaited<ReturnType<typeof loginAs>>;
let bulkImportId = 0;

const PLAN_DATE = '2026-02-03';
const BULK_DEBTORS = 2_100;
const REJECTED = 2_100;

const json = (method: string, body: unknown) => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

beforeAll(async () => {
  app = await startTestApp({ worker: false });
  await addMember(app.db, {
    orgId: app.seeded.a.scope.orgId,
    email: 'admin@alfa.test',
    name: 'Admin',
    password: PASSWORD,
    role: 'admin',
  });
  admin = await loginAs(app.url, 'admin@alfa.test');
  manager = await loginAs(app.url, app.seeded.users.manager);
  client = await loginAs(app.url, app.seeded.users.client);
  otherOrg = await loginAs(app.url, app.seeded.users.otherOrg);

  // Half the bulk debtors have an e-mail (planned), half not (skipped: no address); plus rejected rows.
  const lines = ['id;cpf_cnpj;nome;email;vencimento;valor'];
  for (let d = 0; d < BULK_DEBTORS; d++) {
    const cpf = cpfFromBase(String(200_000_000 + d * 11).slice(0, 9));
    const email = d % 2 === 0 ? `bk${d}@example.com` : '';
    lines.push(`BV-${d}-0;${cpf};Bulk ${d};${email};10/01/2026;50,00`);
    lines.push(`BV-${d}-1;${cpf};Bulk ${d};${email};15/01/2026;25,00`);
  }
  for (let r = 0; r < REJECTED; r++) lines.push(`BAD-${r};000.000.000-00;Ruim ${r};;10/01/2026;1,00`);
  const done = await importCsv(app.db, app.seeded.a.scope, app.seeded.a.creditorId, lines.join('\n'));
  expect(done.rejected).toBe(REJECTED);
  bulkImportId = done.id;

  const created = await admin(
    `/api/v1/creditors/${app.seeded.a.creditorId}/cadences`,
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
                key: 'lembrete',
                offsetDays: 1,
                channel: 'email',
                template: {
                  subject: 'Lembrete',
                  body: 'Olá {{debtor.name}}, total {{total}}. {{creditor.name}} · CNPJ {{creditor.cnpj}}',
                },
              },
            ],
          },
        ],
      },
    }),
  );
  expect(created.status, await created.clone().text()).toBe(201);
  const version = (await created.json()) as { id: number };
  await admin(`/api/v1/cadence-versions/${version.id}/activate`, { method: 'POST' });
  expect((await admin('/api/v1/plan/run', json('POST', { date: PLAN_DATE }))).status).toBe(200);
  const channels = providerResolver(app.db, { secretKey: null, publicUrl: app.url });
  for (let i = 0; i < 20; i++) {
    const outcome = await dispatchBatch(app.db, {
      workerId: 'test',
      channels,
      batchSize: 500,
      // A plan run by hand is due from the moment it runs; a Tuesday morning later on sends it.
      now: () => new Date('2030-03-12T13:00:00Z'),
    });
    if (outcome.claimed === 0) break;
  }
  channels.close();
  await importPaymentFile(app.db, app.seeded.a.scope, {
    filename: 'itau-240.ret',
    bytes: readFileSync(new URL('../../src/payments/fixtures/itau-240.ret', import.meta.url)),
  });
}, 240_000);

afterAll(async () => {
  await app?.close();
});

type Fetcher = typeof manager;

async function csvOf(as: Fetcher, path: string) {
  const response = await as(path);
  // Buffer, not response.text(): a UTF-8 decoder would drop the BOM this checks.
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = bytes.toString('utf8');
  const ok = response.status === 200;
  if (ok) {
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  }
  const records = ok
    ? (parse(text, { delimiter: ';', bom: true, record_delimiter: '\r\n' }) as string[][])
    : [];
  const header = records[0] ?? [];
  return {
    status: response.status,
    header,
    rows: records.slice(1),
    column: (name: string) => {
      const at = header.indexOf(name);
      expect(at, `column ${name}`).toBeGreaterThanOrEqual(0);
      return records.slice(1).map((r) => r[at] ?? '');
    },
  };
}

/** Every item of an array-answering list, following a keyset built from the last item. */
async function listAll<T>(as: Fetcher, path: string, next: (last: T) => string): Promise<T[]> {
  const items: T[] = [];
  let after = '';
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const response = await as(`${path}${sep}limit=500${after}`);
    expect(response.status).toBe(200);
    const page = ((await response.json()) as { items: T[] }).items;
    items.push(...page);
    const last = page[page.length - 1];
    if (page.length < 500 || !last) return items;
    after = `&${next(last)}`;
  }
}

async function exportsAudited(view: string): Promise<number> {
  const [row] = await app.db.query<{ n: number }>(
    `select count(*)::int as n from audit_log where org_id = $1 and action = 'export.csv' and entity = $2`,
    [app.seeded.a.scope.orgId, view],
  );
  return row?.n ?? 0;
}

describe('outbox and plan', () => {
  it('exports every contact of the outbox with the list’s filters, audited', async () => {
    const list = await listAll<{ id: number }>(
      manager,
      `/api/v1/messages?date=${PLAN_DATE}`,
      (m) => `before=${m.id}`,
    );
    expect(list.length).toBeGreaterThan(BULK_DEBTORS / 2);
    const before = await exportsAudited('messages');
    const csv = await csvOf(manager, `/api/v1/messages/export.csv?date=${PLAN_DATE}`);
    expect(csv.status).toBe(200);
    expect(csv.column('ID do contato').map(Number)).toEqual(list.map((m) => m.id));
    expect(new Set(csv.column('Canal'))).toEqual(new Set(['E-mail']));
    expect(csv.column('Data do plano')[0]).toBe('03/02/2026');
    expect(await exportsAudited('messages')).toBe(before + 1);
    const none = await csvOf(manager, '/api/v1/messages/export.csv?date=2026-02-04');
    expect(none.rows).toEqual([]);
  });

  it('exports every skipped receivable across pages of the list', async () => {
    const list = await listAll<{ planDate: string; receivableId: number }>(
      manager,
      `/api/v1/plan/skips?date=${PLAN_DATE}`,
      (s) => `after=${s.planDate}:${s.receivableId}`,
    );
    expect(list.length).toBeGreaterThan(500);
    const csv = await csvOf(manager, `/api/v1/plan/skips/export.csv?date=${PLAN_DATE}`);
    expect(csv.column('ID do título').map(Number)).toEqual(list.map((s) => s.receivableId));
    expect(csv.column('Motivo')).toContain('Sem contato para o canal');
    const filtered = await csvOf(manager, `/api/v1/plan/skips/export.csv?date=${PLAN_DATE}&reason=nope`);
    expect(filtered.rows).toEqual([]);
  });

  it('exports the sandbox inbox: what the sandbox received, newest first', async () => {
    const [count] = await app.db.query<{ n: number }>(
      'select count(*)::int as n from sandbox_inbox where org_id = $1',
      [app.seeded.a.scope.orgId],
    );
    expect(count?.n).toBeGreaterThan(0);
    const csv = await csvOf(manager, '/api/v1/sandbox/inbox/export.csv?channel=email');
    expect(csv.rows.length).toBe(count?.n);
    expect(csv.column('Mensagem')[0]).toMatch(/^Olá .*, total R\$/);
  });

  it('gives a client viewer only its creditor’s contacts and another organization none', async () => {
    const mine = await csvOf(client, `/api/v1/messages/export.csv?date=${PLAN_DATE}`);
    expect(new Set(mine.column('ID do credor').map(Number))).toEqual(new Set([app.seeded.a.creditorId]));
    const other = await csvOf(otherOrg, `/api/v1/messages/export.csv?date=${PLAN_DATE}`);
    expect(other.rows).toEqual([]);
    const otherSkips = await csvOf(otherOrg, `/api/v1/plan/skips/export.csv?date=${PLAN_DATE}`);
    expect(otherSkips.rows).toEqual([]);
    const otherInbox = await csvOf(otherOrg, '/api/v1/sandbox/inbox/export.csv');
    expect(otherInbox.rows).toEqual([]);
  });
});

describe('imports', () => {
  it('exports every rejected row of an import in file order, across pages, audited', async () => {
    const before = await exportsAudited('import_errors');
    const csv = await csvOf(manager, `/api/v1/imports/${bulkImportId}/errors/export.csv`);
    expect(csv.status).toBe(200);
    expect(csv.rows.length).toBe(REJECTED);
    const lines = csv.column('Linha').map(Number);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(lines[0]).toBe(BULK_DEBTORS * 2 + 2);
    expect(csv.column('Problema')[0]).toBe('CPF inválido');
    expect(await exportsAudited('import_errors')).toBe(before + 1);
  });

  it('answers 404 for another organization’s import, before any CSV', async () => {
    const response = await otherOrg(`/api/v1/imports/${bulkImportId}/errors/export.csv`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('exports the imports list; a client viewer sees only its creditor’s', async () => {
    const all = await csvOf(manager, '/api/v1/imports/export.csv');
    expect(all.column('ID da importação').map(Number)).toContain(bulkImportId);
    expect(new Set(all.column('ID do credor').map(Number))).toEqual(
      new Set([app.seeded.a.creditorId, app.seeded.a.otherCreditorId]),
    );
    const mine = await csvOf(client, '/api/v1/imports/export.csv');
    expect(new Set(mine.column('ID do credor').map(Number))).toEqual(new Set([app.seeded.a.creditorId]));
    const row = all.rows[all.column('ID da importação').map(Number).indexOf(bulkImportId)];
    expect(row?.[all.header.indexOf('Rejeitados')]).toBe(String(REJECTED));
  });
});

describe('payments, creditors and the rest', () => {
  it('exports every payment with its filters; a client viewer only those of its creditor', async () => {
    const list = await listAll<{ id: number }>(manager, '/api/v1/payments', (p) => `before=${p.id}`);
    expect(list.length).toBeGreaterThan(0);
    const csv = await csvOf(manager, '/api/v1/payments/export.csv');
    expect(csv.column('ID do pagamento').map(Number)).toEqual(list.map((p) => p.id));
    for (const cell of csv.column('Valor (R$)')) expect(cell).toMatch(/^\d+,\d{2}$/);
    const queue = await csvOf(manager, '/api/v1/payments/export.csv?status=unallocated');
    expect(new Set(queue.column('Situação'))).toEqual(
      queue.rows.length ? new Set(['Para conciliar']) : new Set(),
    );
    const mine = await csvOf(client, '/api/v1/payments/export.csv');
    const clientList = await listAll<{ id: number }>(client, '/api/v1/payments', (p) => `before=${p.id}`);
    expect(mine.column('ID do pagamento').map(Number)).toEqual(clientList.map((p) => p.id));
    expect((await csvOf(otherOrg, '/api/v1/payments/export.csv')).rows).toEqual([]);
  });

  it('exports the creditors with their totals, each viewer its own', async () => {
    const all = await csvOf(manager, '/api/v1/creditors/export.csv');
    expect(all.column('Razão social').sort()).toEqual(['Cliente Dois SA', 'Cliente Um Ltda']);
    expect(all.column('CNPJ')).toContain('11.222.333/0001-81');
    const mine = await csvOf(client, '/api/v1/creditors/export.csv');
    expect(mine.column('Razão social')).toEqual(['Cliente Um Ltda']);
    const other = await csvOf(otherOrg, '/api/v1/creditors/export.csv');
    expect(other.column('Razão social')).toEqual(['Cliente da Beta Ltda']);
  });

  it('letters, remessas, recovered customers and A/B results export with their list’s permission', async () => {
    const letters = await csvOf(admin, `/api/v1/letters/export.csv?date=${PLAN_DATE}`);
    expect(letters.status).toBe(200);
    expect(letters.header.slice(0, 3)).toEqual(['Destinatário', 'CPF/CNPJ', 'Tipo']);
    expect((await manager(`/api/v1/letters/export.csv?date=${PLAN_DATE}`)).status).toBe(200);
    expect((await client(`/api/v1/letters/export.csv?date=${PLAN_DATE}`)).status).toBe(403);

    const remessas = await csvOf(admin, `/api/v1/creditors/${app.seeded.a.creditorId}/remessas/export.csv`);
    expect(remessas.status).toBe(200);
    expect(remessas.header[0]).toBe('NSA');
    // As the list: another organization's creditor id finds none of this one's files.
    const otherRemessas = await csvOf(
      otherOrg,
      `/api/v1/creditors/${app.seeded.a.creditorId}/remessas/export.csv`,
    );
    expect(otherRemessas.rows).toEqual([]);
    expect((await client(`/api/v1/creditors/${app.seeded.a.creditorId}/remessas/export.csv`)).status).toBe(
      403,
    );

    const recovered = await csvOf(manager, '/api/v1/recovered/export.csv');
    expect(recovered.status).toBe(200);
    expect(recovered.header.slice(0, 3)).toEqual(['Devedor', 'Credor', 'Recuperado em']);

    const ab = await csvOf(manager, `/api/v1/creditors/${app.seeded.a.creditorId}/experiments/export.csv`);
    expect(ab.status).toBe(200);
    expect(ab.header).toContain('Variante');
    expect(
      (await client(`/api/v1/creditors/${app.seeded.a.otherCreditorId}/experiments/export.csv`)).status,
    ).toBe(404);
  });
});
