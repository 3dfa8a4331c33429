import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../src/access/accounts.ts';
import { writeSyntheticHistory } from '../../src/scoring/synthetic.ts';
import { todayIn } from '../../src/shared/dates.ts';
import { loginAs, startTestApp } from '../support/app.ts';
import { PASSWORD } from '../support/seed.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
let manager: Awaited<ReturnType<typeof loginAs>>;

const post = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

type Model = { kind: string; auc: number | null; reason: string | null; nTrain: number; nTest: number };
type Score = {
  probability: number;
  openCents: number;
  expectedRecoveryCents: number;
  factors: Array<{ label: string; effect: string; contribution: number }>;
  model: { kind: string; auc: number | null; reason: string | null };
};

beforeAll(async () => {
  app = await startTestApp({ worker: false });
  manager = await loginAs(app.url, app.seeded.users.manager);
  await writeSyntheticHistory(app.db, {
    orgId: app.seeded.a.scope.orgId,
    creditorId: app.seeded.a.creditorId,
    receivables: 3_000,
    today: todayIn(app.seeded.a.scope.timeZone),
  });
}, 120_000);
afterAll(() => app.close());

describe('the behavioural score over HTTP', () => {
  it('a manager trains a creditor’s model; its debtors then have a score with factors and the model’s AUC', async () => {
    const id = app.seeded.a.creditorId;
    expect(await (await manager(`/api/v1/creditors/${id}/score-model`)).json()).toEqual({ model: null });
    const trained = await manager(`/api/v1/creditors/${id}/score-model/train`, post({}));
    expect(trained.status).toBe(200);
    const { model, scored } = (await trained.json()) as { model: Model; scored: number };
    expect(model.kind).toBe('model');
    expect(model.auc).toBeGreaterThan(0.65);
    expect(scored).toBeGreaterThan(50);
    const current = (await (await manager(`/api/v1/creditors/${id}/score-model`)).json()) as { model: Model };
    expect(current.model).toMatchObject({ kind: 'model', auc: model.auc, nTrain: model.nTrain });

    const [debtor] = await app.db.query<{ debtorId: number }>(
      'select debtor_id as "debtorId" from debtor_scores where org_id = $1 and creditor_id = $2 order by debtor_id limit 1',
      [app.seeded.a.scope.orgId, id],
    );
    const { score } = (await (await manager(`/api/v1/debtors/${debtor?.debtorId}/score`)).json()) as {
      score: Score;
    };
    expect(score.probability).toBeGreaterThan(0);
    expect(score.probability).toBeLessThan(1);
    expect(score.expectedRecoveryCents).toBe(Math.round(score.probability * score.openCents));
    expect(score.factors.length).toBeGreaterThan(0);
    expect(score.model).toMatchObject({ kind: 'model', auc: model.auc, reason: null });

    // The other creditor of the organization has no history: the rules, and the reason, are shown.
    const rules = await manager(
      `/api/v1/creditors/${app.seeded.a.otherCreditorId}/score-model/train`,
      post({}),
    );
    const fallback = (await rules.json()) as { model: Model };
    expect(fallback.model.kind).toBe('rules');
    expect(fallback.model.reason).toMatch(
      /^Sem histórico suficiente para treinar: \d+ casos .*; usando regras\.$/,
    );
  }, 120_000);

  it('the data subject’s LGPD export carries the automated assessment, with its factors and model', async () => {
    await addMember(app.db, {
      orgId: app.seeded.a.scope.orgId,
      email: 'dpo@alfa.test',
      name: 'DPO',
      password: PASSWORD,
      role: 'admin',
    });
    const dpo = await loginAs(app.url, 'dpo@alfa.test');
    const data = (await (await dpo('/api/v1/lgpd/subjects/529.982.247-25/export')).json()) as {
      controllers: { creditor: { legalName: string }; scores: Record<string, unknown>[] }[];
    };
    const um = data.controllers.find((c) => c.creditor.legalName === 'Cliente Um Ltda');
    expect(um?.scores).toEqual([
      expect.objectContaining({
        model_kind: 'model',
        probability: expect.any(Number),
        factors: expect.any(Array),
      }),
    ]);
    const pdf = await dpo('/api/v1/lgpd/subjects/529.982.247-25/export.pdf');
    expect(pdf.status).toBe(200);
  });

  it('exports the worklist queue as CSV with probability, expected value and factors', async () => {
    const collector = await loginAs(app.url, app.seeded.users.collector);
    const response = await collector('/api/v1/worklist/export.csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const [header] = (await response.text()).replace(/^\uFEFF/, '').split('\r\n');
    expect(header).toContain('Probabilidade de pagamento;Valor esperado (R$);Fatores');
  });

  it('a client viewer sees only its creditors’ scores and models (404 otherwise), and cannot train', async () => {
    const client = await loginAs(app.url, app.seeded.users.client);
    expect((await client(`/api/v1/creditors/${app.seeded.a.creditorId}/score-model`)).status).toBe(200);
    expect((await client(`/api/v1/creditors/${app.seeded.a.otherCreditorId}/score-model`)).status).toBe(404);
    const [other] = await app.db.query<{ id: number }>(
      'select id from debtors where org_id = $1 and creditor_id = $2 limit 1',
      [app.seeded.a.scope.orgId, app.seeded.a.otherCreditorId],
    );
    expect((await client(`/api/v1/debtors/${other?.id}/score`)).status).toBe(404);
    expect(
      (await client(`/api/v1/creditors/${app.seeded.a.creditorId}/score-model/train`, post({}))).status,
    ).toBe(403);
    const collector = await loginAs(app.url, app.seeded.users.collector);
    expect(
      (await collector(`/api/v1/creditors/${app.seeded.a.creditorId}/score-model/train`, post({}))).status,
    ).toBe(403);
    // Another organization's creditor does not exist for this one.
    const otherOrg = await loginAs(app.url, app.seeded.users.otherOrg);
    expect((await otherOrg(`/api/v1/creditors/${app.seeded.a.creditorId}/score-model`)).status).toBe(404);
  });
});
