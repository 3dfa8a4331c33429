import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchBatch } from '../../src/channels/dispatcher.ts';
import { sandboxRegistry } from '../../src/channels/sandbox.ts';
import { defaultCadence } from '../../src/dunning/defaults.ts';
import { loginAs, startTestApp } from '../support/app.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
let manager: Awaited<ReturnType<typeof loginAs>>;
let versionId = 0;
let cadenceId = 0;
let mariaId = 0;

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

beforeAll(async () => {
  // No background dispatcher: the test dispatches itself, on the plan date's clock.
  app = await startTestApp({ worker: false });
  manager = await loginAs(app.url, app.seeded.users.manager);
  const [maria] = await app.db.query<{ id: number }>(
    `select id from debtors where org_id = $1 and name = 'Maria da Silva'`,
    [app.seeded.a.scope.orgId],
  );
  mariaId = maria?.id ?? 0;
});
afterAll(() => app.close());

describe('cadences over HTTP', () => {
  it('creates the default régua as a draft, refuses an invalid edit saying which step and why, and activates a version', async () => {
    const created = await manager(
      `/api/v1/creditors/${app.creditor.id}/cadences`,
      json({ name: 'Régua padrão' }),
    );
    expect(created.status).toBe(201);
    const v1 = (await created.json()) as { id: number; cadenceId: number; version: number; status: string };
    expect(v1).toMatchObject({ version: 1, status: 'draft' });
    cadenceId = v1.cadenceId;

    const broken = defaultCadence();
    const steps = broken.segments[0]?.steps ?? [];
    const [first, second] = steps;
    if (!first || !second) throw new Error('the default régua lost its steps');
    second.offsetDays = first.offsetDays;
    second.channel = first.channel;
    second.template = { subject: 'Oi', body: 'Olá {{debtor.nome}} {{creditor.name}} {{creditor.cnpj}}' };
    broken.segments[0]?.steps.splice(5, 1); // the prior-notice letter: negativação loses its notice
    const refused = await manager(`/api/v1/cadences/${cadenceId}/versions`, json({ definition: broken }));
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await refused.json()) as { problems: Array<{ path: string; message: string }> };
    const at = (path: string) =>
      problem.problems.filter((p) => p.path.startsWith(path)).map((p) => p.message);
    expect(at('segments[0].steps[1].offsetDays').join()).toContain('no mesmo dia');
    expect(at('segments[0].steps[1].template').join()).toContain('debtor.nome');
    expect(at('segments[0].steps[1].template').join()).toContain('debtor.name');
    expect(
      problem.problems.some((p) => /negativação exige antes uma carta de notificação prévia/.test(p.message)),
    ).toBe(true);

    const validated = await manager('/api/v1/cadences/validate', json({ definition: broken }));
    expect(((await validated.json()) as { problems: unknown[] }).problems.length).toBe(
      problem.problems.length,
    );

    const v2 = await manager(
      `/api/v1/cadences/${cadenceId}/versions`,
      json({ definition: defaultCadence(), note: 'sem mudanças' }),
    );
    expect(v2.status).toBe(201);
    versionId = ((await v2.json()) as { id: number }).id;
    const activated = await manager(`/api/v1/cadence-versions/${versionId}/activate`, { method: 'POST' });
    expect(activated.status).toBe(200);
    const list = (await (await manager(`/api/v1/creditors/${app.creditor.id}/cadences`)).json()) as {
      items: Array<{ versions: Array<{ version: number; status: string }> }>;
    };
    expect(list.items[0]?.versions.map((v) => [v.version, v.status])).toEqual([
      [2, 'active'],
      [1, 'draft'],
    ]);
  });

  it('a client viewer and another organization see nothing of it, and cannot write', async () => {
    const client = await loginAs(app.url, app.seeded.users.client);
    expect((await client(`/api/v1/creditors/${app.seeded.a.otherCreditorId}/cadences`)).status).toBe(404);
    expect((await client(`/api/v1/cadence-versions/${versionId}/activate`, { method: 'POST' })).status).toBe(
      403,
    );
    const other = await loginAs(app.url, app.seeded.users.otherOrg);
    expect((await other(`/api/v1/cadence-versions/${versionId}`)).status).toBe(404);
    expect((await other(`/api/v1/creditors/${app.creditor.id}/cadences`)).status).toBe(404);
  });

  it('previews a template with a real debtor, counting SMS parts', async () => {
    const response = await manager(
      '/api/v1/templates/preview',
      json({
        debtorId: mariaId,
        channel: 'sms',
        asOf: '2026-02-10',
        template: {
          body: '{{creditor.name}} CNPJ {{creditor.cnpj}}: {{debtor.firstName}}, total {{total}}.',
        },
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      subject: null,
      body: 'Cliente Um CNPJ 11.222.333/0001-81: Maria, total R$ 1.434,56.',
      missing: [],
      problems: [],
      sms: { encoding: 'GSM-7', characters: 61, segments: 1 },
    });
  });

  it('plans a day over HTTP, shows why, and the sandbox receives what the dispatcher sends', async () => {
    // 2026-01-31 is a Saturday: Maria's T-1 rolls to Monday 2026-02-02, its D0.
    const run = await manager('/api/v1/plan/run', json({ date: '2026-02-02' }));
    expect(await run.json()).toMatchObject({
      date: '2026-02-02',
      businessDay: true,
      planned: 1,
      byChannel: { sms: 1 },
    });
    expect(await (await manager('/api/v1/plan/run', json({ date: '2026-02-02' }))).json()).toMatchObject({
      planned: 0,
    });
    const summary = await (await manager('/api/v1/plan?date=2026-02-02')).json();
    expect(summary).toMatchObject({ planned: 1, byChannel: { sms: 1 }, byStatus: { queued: 1 } });
    const messages = (await (await manager('/api/v1/messages?date=2026-02-02')).json()) as {
      items: Array<{
        debtorName: string;
        stepKey: string;
        why: Record<string, unknown>;
        receivables: unknown[];
      }>;
    };
    expect(messages.items).toHaveLength(1);
    expect(messages.items[0]).toMatchObject({
      debtorName: 'Maria da Silva',
      stepKey: 'pf-vencimento-d0',
      why: { offsetDays: 0, daysLate: 0, cadenceVersion: 2, segment: 'pessoa-fisica' },
    });

    const outcome = await dispatchBatch(app.db, {
      workerId: 'test',
      channels: sandboxRegistry(app.db),
      // A plan run by hand is due from the moment it runs; a Tuesday morning later on sends it.
      now: () => new Date('2030-03-12T13:00:00Z'),
    });
    const [state] = await app.db.query('select status, last_error, next_attempt_at from outbound_messages');
    expect({ outcome, state }).toMatchObject({ outcome: { sent: 1 } });
    const inbox = (await (await manager('/api/v1/sandbox/inbox')).json()) as {
      items: Array<{ channel: string; toAddress: string; body: string }>;
    };
    expect(inbox.items).toEqual([
      expect.objectContaining({
        channel: 'sms',
        toAddress: '+5511987654321',
        body: 'Cliente Um (CNPJ 11.222.333/0001-81): Maria, sua fatura de R$ 1.234,56 vence hoje. Se ja pagou, desconsidere.',
      }),
    ]);
    const other = await loginAs(app.url, app.seeded.users.otherOrg);
    expect(((await (await other('/api/v1/sandbox/inbox')).json()) as { items: unknown[] }).items).toEqual([]);
    expect(((await (await other('/api/v1/messages')).json()) as { items: unknown[] }).items).toEqual([]);
  });

  it('a collector records a promise, which holds the cadence until its date, and ends it', async () => {
    const collector = await loginAs(app.url, app.seeded.users.collector);
    const placed = await collector(
      `/api/v1/debtors/${mariaId}/holds`,
      json({ kind: 'promise', untilDate: '2026-02-20', reason: 'Prometeu pagar no dia 20' }),
    );
    expect(placed.status).toBe(201);
    const hold = (await placed.json()) as { id: number };
    // D+3 falls on 2026-02-05: held by the promise.
    await manager('/api/v1/plan/run', json({ date: '2026-02-05' }));
    const skips = (await (await manager('/api/v1/plan/skips?date=2026-02-05')).json()) as {
      items: Array<{ externalId: string; reason: string }>;
    };
    expect(skips.items).toContainEqual(
      expect.objectContaining({ externalId: 'T-1', reason: 'hold_promise' }),
    );
    expect((await collector(`/api/v1/holds/${hold.id}/release`, { method: 'POST' })).status).toBe(200);
    const holds = (await (await collector(`/api/v1/debtors/${mariaId}/holds`)).json()) as {
      items: Array<{ releasedAt: string | null }>;
    };
    expect(holds.items[0]?.releasedAt).not.toBeNull();
    const missingDate = await collector(
      `/api/v1/debtors/${mariaId}/holds`,
      json({ kind: 'promise', reason: 'x' }),
    );
    expect(missingDate.status).toBe(400);
  });

  it('reports the A/B test of the default régua, and simulates without touching real data', async () => {
    const experiments = (await (
      await manager(`/api/v1/creditors/${app.creditor.id}/experiments`)
    ).json()) as {
      items: Array<{ stepKey: string; verdict: string; variants: Array<{ key: string; weight: number }> }>;
    };
    expect(experiments.items).toContainEqual(
      expect.objectContaining({
        stepKey: 'pf-whatsapp-d3',
        verdict: 'not_yet',
        variants: [
          expect.objectContaining({ key: 'a', weight: 50 }),
          expect.objectContaining({ key: 'b', weight: 50 }),
        ],
      }),
    );
    const count = async () =>
      (
        await app.db.query<{ n: number }>(
          'select (select count(*) from outbound_messages) + (select count(*) from receivables where status = $1) as n',
          ['paid'],
        )
      )[0]?.n;
    const before = await count();
    const simulated = await manager(
      `/api/v1/creditors/${app.creditor.id}/simulations`,
      json({ days: 60, startDate: '2026-01-20' }),
    );
    expect(simulated.status).toBe(200);
    const result = (await simulated.json()) as {
      series: Array<{ cumulativeRecoveredCents: number }>;
      totals: { contacts: number; recoveredCents: number };
      receivables: number;
      model: { source: string };
    };
    expect(result.series).toHaveLength(60);
    expect(result.receivables).toBe(3);
    expect(result.totals.contacts).toBeGreaterThan(0);
    expect(result.model.source).toBe('default');
    expect(result.series.at(-1)?.cumulativeRecoveredCents).toBe(result.totals.recoveredCents);
    // The same seed gives the same run.
    const again = await (
      await manager(
        `/api/v1/creditors/${app.creditor.id}/simulations`,
        json({ days: 60, startDate: '2026-01-20' }),
      )
    ).json();
    expect((again as typeof result).totals).toEqual(result.totals);
    expect(await count()).toBe(before);
  });
});
