import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { type Seeded, seedTwoOrganizations } from '../../test/support/seed.ts';
import { type FeatureRow, featuresSql, featureVector, LABEL_DAYS, rawOf } from './features.ts';
import { enqueueDailyScoring, SCORE_JOB, scoreJobHandler } from './jobs.ts';
import { predict, standardize } from './model.ts';
import { currentModel, debtorScore, trainAll, trainCreditor } from './scoring.ts';
import { writeSyntheticHistory } from './synthetic.ts';

const TODAY = '2026-11-14';
let test: TestDatabase;
let seeded: Seeded;

beforeAll(async () => {
  test = await createTestDatabase();
  seeded = await seedTwoOrganizations(test.db);
  await writeSyntheticHistory(test.db, {
    orgId: seeded.a.scope.orgId,
    creditorId: seeded.a.creditorId,
    receivables: 4_000,
    today: TODAY,
  });
}, 120_000);
afterAll(() => test.drop());

describe('the payment model of a creditor', () => {
  it('learns from the creditor’s own history: AUC on held-out debtors well above chance, stored once per day', async () => {
    const { model, scored } = await trainCreditor(test.db, seeded.a.scope, seeded.a.creditorId, {
      asOf: TODAY,
    });
    expect(model.kind).toBe('model');
    expect(model.reason).toBeNull();
    expect(model.nTrain).toBeGreaterThan(1_000);
    expect(model.nTest).toBeGreaterThan(200);
    expect(model.auc).toBeGreaterThan(0.7);
    expect(model.positiveRate).toBeGreaterThan(0.05);
    expect(model.positiveRate).toBeLessThan(0.95);
    expect(scored).toBeGreaterThan(100);
    // Paying late in the past lowers the chance; answering contacts raises it.
    const coef = (key: string) => model.coefficients[model.features.indexOf(key)] ?? 0;
    expect(coef('avg_late_days')).toBeLessThan(0);
    expect(coef('response_rate')).toBeGreaterThan(0);

    // A re-run of the same day replaces that day's model and scores: nothing twice.
    const again = await trainCreditor(test.db, seeded.a.scope, seeded.a.creditorId, { asOf: TODAY });
    expect(again.model.coefficients).toEqual(model.coefficients);
    expect(again.scored).toBe(scored);
    const [rows] = await test.db.query<{ models: number; scores: number }>(
      `select (select count(*)::int from score_models where creditor_id = $1) as models,
              (select count(*)::int from debtor_scores where creditor_id = $1) as scores`,
      [seeded.a.creditorId],
    );
    expect(rows).toEqual({ models: 1, scores: scored });
  }, 120_000);

  it('scores in SQL exactly as the model predicts, with the expected recovery rounded once and named factors', async () => {
    const model = await currentModel(test.db, seeded.a.scope, seeded.a.creditorId);
    if (!model) throw new Error('no model');
    const rows = await test.db.query<FeatureRow>(`${featuresSql({ label: true })} order by 2 limit 25`, [
      seeded.a.scope.orgId,
      seeded.a.creditorId,
      [model.asOf],
      seeded.a.scope.timeZone,
      LABEL_DAYS,
      1024,
    ]);
    expect(rows.length).toBe(25);
    for (const row of rows) {
      const p = predict(model, standardize(featureVector(rawOf(row)), model));
      const score = await debtorScore(test.db, seeded.a.scope, row.debtorId);
      expect(score?.probability).toBeCloseTo(p, 9);
      expect(score?.expectedRecoveryCents).toBe(Math.round(p * Number(row.open_cents)));
      expect(score?.openCents).toBe(Number(row.open_cents));
      expect(score?.factors.length).toBeGreaterThan(0);
      expect(score?.factors.length).toBeLessThanOrEqual(3);
      for (const f of score?.factors ?? []) expect(f.label).toMatch(/\S/);
      expect(score?.model).toMatchObject({ kind: 'model', auc: model.auc });
    }
  });

  it('falls back to the documented rules for a creditor with no history, and says why', async () => {
    const [result] = await trainAll(test.db, seeded.a.scope, {
      asOf: TODAY,
      creditorId: seeded.a.otherCreditorId,
    });
    expect(result?.model.kind).toBe('rules');
    expect(result?.model.auc).toBeNull();
    // One debtor, past due at each of the eight cuts: far too few cases.
    expect(result?.model.nTrain).toBeLessThan(10);
    expect(result?.model.reason).toBe(
      `Sem histórico suficiente para treinar: ${result?.model.nTrain} casos (mínimo 200); usando regras.`,
    );
    // Its one past-due debtor is still scored, by the rules.
    expect(result?.scored).toBe(1);
    const [debtor] = await test.db.query<{ id: number }>(
      'select id from debtors where org_id = $1 and creditor_id = $2',
      [seeded.a.scope.orgId, seeded.a.otherCreditorId],
    );
    const score = await debtorScore(test.db, seeded.a.scope, debtor?.id ?? 0);
    expect(score?.model.kind).toBe('rules');
    expect(score?.model.reason).toContain('usando regras');
    expect(score?.probability).toBeGreaterThan(0);
    expect(score?.probability).toBeLessThan(1);
  });

  it('never counts another organization’s history, and hides other creditors from a client viewer', async () => {
    const before = await trainCreditor(test.db, seeded.a.scope, seeded.a.creditorId, {
      asOf: TODAY,
      evaluate: true,
    });
    await writeSyntheticHistory(test.db, {
      orgId: seeded.b.scope.orgId,
      creditorId: seeded.b.creditorId,
      receivables: 2_000,
      today: TODAY,
      seed: 7,
    });
    const after = await trainCreditor(test.db, seeded.a.scope, seeded.a.creditorId, {
      asOf: TODAY,
      evaluate: true,
    });
    expect(after.model).toEqual(before.model);
    // Organization b trains on its own and scores only its debtors.
    const [b] = await trainAll(test.db, seeded.b.scope, { asOf: TODAY });
    expect(b?.model.kind).toBe('model');
    const [leak] = await test.db.query<{ n: number }>(
      `select count(*)::int as n from debtor_scores s join debtors d on d.org_id = s.org_id and d.id = s.debtor_id
        where s.org_id <> d.org_id or d.creditor_id <> s.creditor_id`,
    );
    expect(leak?.n).toBe(0);
    const client = {
      ...seeded.a.scope,
      role: 'client_viewer' as const,
      creditorIds: [seeded.a.otherCreditorId],
    };
    await expect(currentModel(test.db, client, seeded.a.creditorId)).rejects.toMatchObject({ status: 404 });
    await expect(currentModel(test.db, seeded.a.scope, seeded.b.creditorId)).rejects.toMatchObject({
      status: 404,
    });
  }, 120_000);

  it('is refreshed by one job per organization and business day, for every creditor', async () => {
    const { orgId } = seeded.a.scope;
    expect(await enqueueDailyScoring(test.db, orgId, '2026-11-16')).toBe(true);
    expect(await enqueueDailyScoring(test.db, orgId, '2026-11-16')).toBe(false);
    const [job] = await test.db.query<{ id: number; payload: Record<string, unknown> }>(
      'select id, payload from jobs where org_id = $1 and kind = $2',
      [orgId, SCORE_JOB],
    );
    if (!job) throw new Error('no job');
    await scoreJobHandler(test.db).run(
      { id: job.id, orgId, kind: SCORE_JOB, payload: job.payload, attempts: 1, maxAttempts: 3 },
      { extendLease: async () => {} },
    );
    const models = await test.db.query<{ creditorId: number; kind: string }>(
      `select creditor_id as "creditorId", kind from score_models where org_id = $1 and as_of = '2026-11-16' order by 1`,
      [orgId],
    );
    expect(models).toEqual([
      { creditorId: seeded.a.creditorId, kind: 'model' },
      { creditorId: seeded.a.otherCreditorId, kind: 'rules' },
    ]);
  }, 120_000);
});
