/**
 * The behavioural score over HTTP: a debtor's score with its factors, a creditor's current model, and
 * training it again now. Reads go through the caller's Scope (a client viewer sees only its creditors:
 * 404 otherwise); training needs monitoring:manage (admins and managers).
 */
import { Type } from '@sinclair/typebox';
import { requireScope } from '../http/auth.ts';
import type { App, AppContext } from '../http/types.ts';
import { currentModel, debtorScore, type ScoreModel, trainCreditor } from './scoring.ts';

const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const Timestamp = Type.Unsafe<Date>({ type: 'string', format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.Number>>(t: T) => Type.Union([t, Type.Null()]);

export const ScoreFactor = Type.Object({
  feature: Type.String(),
  value: Type.Number({ description: 'the figure shown (days, centavos, counts, shares)' }),
  of: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  contribution: Type.Number({ description: 'signed contribution to the log-odds of paying' }),
  label: Type.String({ description: 'the factor in pt-BR' }),
  effect: Type.Union([Type.Literal('raises'), Type.Literal('lowers')]),
});

const ModelKind = Type.Union([Type.Literal('model'), Type.Literal('rules')]);

const ModelSchema = Type.Object({
  id: Type.Union([Type.Integer(), Type.Null()]),
  creditorId: Type.Integer(),
  asOf: Type.String(),
  kind: ModelKind,
  features: Type.Array(Type.String()),
  intercept: Type.Number(),
  coefficients: Type.Array(Type.Number()),
  means: Type.Array(Type.Number()),
  scales: Type.Array(Type.Number()),
  auc: Nullable(Type.Number({ description: 'area under the ROC curve on held-out debtors' })),
  nTrain: Type.Integer(),
  nTest: Type.Integer(),
  positives: Type.Integer(),
  positiveRate: Nullable(Type.Number()),
  labelDays: Type.Integer(),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'why the rules are used' }),
  trainedAt: Type.Union([Timestamp, Type.Null()]),
});

const DebtorScoreSchema = Type.Object({
  debtorId: Type.Integer(),
  creditorId: Type.Integer(),
  probability: Type.Number(),
  openCents: Type.Integer(),
  expectedRecoveryCents: Type.Integer(),
  maxDaysLate: Type.Integer(),
  asOf: Type.String(),
  scoredAt: Timestamp,
  factors: Type.Array(ScoreFactor),
  model: Type.Object({
    id: Type.Integer(),
    kind: ModelKind,
    auc: Nullable(Type.Number()),
    trainedAt: Type.String(),
    asOf: Type.String(),
    reason: Type.Union([Type.String(), Type.Null()]),
    nTrain: Type.Integer(),
    nTest: Type.Integer(),
    labelDays: Type.Integer(),
  }),
});

export function scoringRoutes(app: App, { db }: AppContext) {
  app.get(
    '/api/v1/debtors/:id/score',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['scoring'],
        summary:
          'A debtor’s probability of payment, expected recovery and top factors, with the model behind it (score null when nothing is past due or not scored yet)',
        params: Type.Object({ id: Id }),
        response: { 200: Type.Object({ score: Type.Union([DebtorScoreSchema, Type.Null()]) }) },
      },
    },
    async (request) => ({ score: await debtorScore(db, requireScope(request), request.params.id) }),
  );

  app.get(
    '/api/v1/creditors/:id/score-model',
    {
      config: { permission: 'portfolio:read' },
      schema: {
        tags: ['scoring'],
        summary:
          'The creditor’s current payment model: kind (model or rules, with the reason), held-out AUC, sizes, coefficients',
        params: Type.Object({ id: Id }),
        response: { 200: Type.Object({ model: Type.Union([ModelSchema, Type.Null()]) }) },
      },
    },
    async (request) => ({
      model: await currentModel(db, requireScope(request), request.params.id),
    }),
  );

  app.post(
    '/api/v1/creditors/:id/score-model/train',
    {
      config: { permission: 'monitoring:manage' },
      schema: {
        tags: ['scoring'],
        summary:
          'Train the creditor’s model on its history now (replacing today’s) and score its open cases; rules when the history is too small',
        params: Type.Object({ id: Id }),
        body: Type.Optional(Type.Object({ evaluate: Type.Optional(Type.Boolean()) })),
        response: {
          200: Type.Object({ model: ModelSchema, scored: Type.Union([Type.Integer(), Type.Null()]) }),
        },
      },
    },
    async (request) => {
      const result = await trainCreditor(db, requireScope(request), request.params.id, {
        evaluate: request.body?.evaluate ?? false,
      });
      const model: ScoreModel = result.model;
      return { model, scored: result.scored };
    },
  );
}
