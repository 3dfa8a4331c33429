import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchBatch } from '../../src/channels/dispatcher.ts';
import { providerResolver } from '../../src/channels/providers.ts';
import { DEFAULT_SETTINGS } from '../../src/dunning/definition.ts';
import { loginAs, startTestApp } from '../support/app.ts';
import { importCsv } from '../support/seed.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
let manager: Awaited<ReturnType<typeof loginAs>>;
let collector: Awaited<ReturnType<typeof loginAs>>;

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
type Task = {
  id: number;
  debtorName: string;
  phone: string;
  script: string;
  priority: number;
  openCents: number;
  assignedTo: number | null;
  status: string;
};

beforeAll(async () => {
  app = await startTestApp({ worker: false });
  manager = await loginAs(app.url, app.seeded.users.manager);
  collector = await loginAs(app.url, app.seeded.users.collector);
  await importCsv(
    app.db,
    app.seeded.a.scope,
    app.creditor.id,
    'id;cpf_cnpj;nome;telefone;uf;vencimento;valor\nX-2;390.533.447-05;José Souza;(11) 97777-6666;SP;2026-02-02;300,00\n',
  );
  const step = (key: string, offsetDays: number, channel: string) => ({
    key,
    offsetDays,
    channel,
    template:
      channel === 'phone'
        ? { body: 'Ligar para {{debtor.name}}: {{total}} em aberto.' }
        : { subject: 'Aviso', body: '{{total}} em aberto. {{creditor.name}} {{creditor.cnpj}}' },
  });
  const created = await manager(
    `/api/v1/creditors/${app.creditor.id}/cadences`,
    json({
      name: 'Ligações',
      definition: {
        settings: DEFAULT_SETTINGS,
        segments: [
          {
            key: 'todos',
            name: 'Todos',
            rules: {},
            steps: [step('ligar-d1', 1, 'phone'), step('email-d3', 3, 'email')],
          },
        ],
      },
    }),
  );
  const version = (await created.json()) as { id: number };
  await manager(`/api/v1/cadence-versions/${version.id}/activate`, { method: 'POST' });
  await manager('/api/v1/plan/run', json({ date: '2026-02-03' }));
  const channels = providerResolver(app.db, { secretKey: null, publicUrl: app.url });
  await dispatchBatch(app.db, { workerId: 'test', channels, now: () => new Date('2030-03-12T13:00:00Z') });
  channels.close();
});
afterAll(() => app.close());

describe('the collectors’ worklist', () => {
  it('turns phone steps into calls ordered by priority, with the script filled in', async () => {
    const list = (await (await collector('/api/v1/worklist')).json()) as { items: Task[] };
    expect(list.items.map((t) => [t.debtorName, t.phone])).toEqual([
      ['Maria da Silva', '+5511987654321'],
      ['José Souza', '+5511977776666'],
    ]);
    // The script covers the receivables of the step; the task also shows all the debtor owes.
    expect(list.items[0]?.script).toBe('Ligar para Maria da Silva: R$ 1.234,56 em aberto.');
    expect(list.items[0]?.openCents).toBe(143_456);
    expect(list.items[0]?.priority).toBeGreaterThan(list.items[1]?.priority ?? 0);
    const other = await loginAs(app.url, app.seeded.users.otherOrg);
    expect(((await (await other('/api/v1/worklist')).json()) as { items: unknown[] }).items).toEqual([]);
    const client = await loginAs(app.url, app.seeded.users.client);
    expect((await client('/api/v1/worklist')).status).toBe(403);
  });

  it('a collector takes a call, and nobody else can take it', async () => {
    const [first] = ((await (await collector('/api/v1/worklist')).json()) as { items: Task[] }).items;
    const taken = await collector(`/api/v1/tasks/${first?.id}/claim`, json({}));
    expect(taken.status).toBe(200);
    expect(((await taken.json()) as Task).assignedTo).not.toBeNull();
    expect((await manager(`/api/v1/tasks/${first?.id}/claim`, json({}))).status).toBe(409);
    const mine = (await (await collector('/api/v1/worklist?assigned=me')).json()) as { items: Task[] };
    expect(mine.items.map((t) => t.id)).toEqual([first?.id]);
  });

  it('a promise needs a date and an amount, then holds the cadence until that date', async () => {
    const [maria] = ((await (await collector('/api/v1/worklist')).json()) as { items: Task[] }).items;
    const incomplete = await collector(`/api/v1/tasks/${maria?.id}/outcome`, json({ outcome: 'promise' }));
    expect(incomplete.status).toBe(400);
    const done = await collector(
      `/api/v1/tasks/${maria?.id}/outcome`,
      json({ outcome: 'promise', promiseDate: '2030-04-10', promiseCents: 143_456, note: 'Paga no dia 10' }),
    );
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({
      status: 'done',
      outcome: 'promise',
      promiseDate: '2030-04-10',
    });
    expect((await collector(`/api/v1/tasks/${maria?.id}/outcome`, json({ outcome: 'reached' }))).status).toBe(
      409,
    );
    const [debtor] = await app.db.query<{ id: number }>(
      `select id from debtors where name = 'Maria da Silva' and org_id = $1`,
      [app.seeded.a.scope.orgId],
    );
    const holds = (await (await collector(`/api/v1/debtors/${debtor?.id}/holds`)).json()) as {
      items: Array<{ kind: string; untilDate: string; reason: string }>;
    };
    expect(holds.items[0]).toMatchObject({
      kind: 'promise',
      untilDate: '2030-04-10',
      reason: 'Paga no dia 10',
    });
    const messages = (await (await manager(`/api/v1/messages?debtorId=${debtor?.id}`)).json()) as {
      items: Array<{ channel: string; status: string; task: { outcome: string } | null }>;
    };
    expect(messages.items[0]).toMatchObject({
      channel: 'phone',
      status: 'delivered',
      task: { outcome: 'promise' },
    });
    await manager('/api/v1/plan/run', json({ date: '2026-02-05' }));
    const skips = (await (await manager('/api/v1/plan/skips?date=2026-02-05')).json()) as {
      items: Array<{ externalId: string; reason: string }>;
    };
    expect(skips.items).toContainEqual(
      expect.objectContaining({ externalId: 'T-1', reason: 'hold_promise' }),
    );
  });

  it('a wrong number is removed from the debtor’s contacts', async () => {
    const [jose] = ((await (await collector('/api/v1/worklist')).json()) as { items: Task[] }).items;
    const done = await collector(
      `/api/v1/tasks/${jose?.id}/outcome`,
      json({ outcome: 'wrong_number', note: 'Não conhece' }),
    );
    expect(done.status).toBe(200);
    const [debtor] = await app.db.query<{ phones: string[] }>(
      `select phones from debtors where document = '39053344705' and org_id = $1`,
      [app.seeded.a.scope.orgId],
    );
    expect(debtor?.phones).toEqual([]);
    const open = (await (await collector('/api/v1/worklist')).json()) as { items: Task[] };
    expect(open.items).toEqual([]);
    const history = (await (await collector('/api/v1/worklist?status=done')).json()) as {
      items: Array<{ outcome: string }>;
    };
    expect(history.items.map((t) => t.outcome)).toEqual(['wrong_number', 'promise']);
  });
});
