import { canSeeCreditor, type Scope } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database, SqlExecutor } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { addDays, type CalendarDate, todayIn } from '../shared/dates.ts';
import { notFound } from '../shared/problem.ts';
import { type Factor, type NamedFactor, nameFactors } from './factors.ts';
import {
  FEATURE_KEYS,
  FEATURES,
  type FeatureKey,
  type FeatureRow,
  featuresSql,
  featureVector,
  LABEL_DAYS,
  labelOf,
  rawOf,
} from './features.ts';
import { auc, type Example, fitLogistic, isHeldOut, predict, standardization, standardize } from './model.ts';

/** Training cuts: this many month-spaced dates, the latest LABEL_DAYS before the as-of date. */
export const CUTS = 8;
export const CUT_SPACING_DAYS = 30;
/** A model needs this many training cases, with at least MIN_CLASS paid and MIN_CLASS unpaid. */
export const MIN_EXAMPLES = 200;
export const MIN_CLASS = 20;
/** Above this many debtors, training reads a deterministic sample of them (by a hash of their id). */
export const MAX_TRAINING_DEBTORS = 60_000;
/** The L2 penalty on standardized coefficients. */
export const LAMBDA = 1;
/** How many factors are kept with each score. */
export const TOP_FACTORS = 3;

/**
 * The rules used when a creditor has too little history: fixed log-odds weights on the same inputs
 * (unstandardized). Paying late, promises and agreements broken and long delays lower the chance;
 * answering contacts and promises kept raise it. docs/SCORING.md explains each.
 */
export const RULES: { intercept: number; coefficients: Record<FeatureKey, number> } = {
  intercept: 1,
  coefficients: {
    days_late: -0.35,
    open_amount: -0.05,
    open_count: -0.2,
    paid_history: 0.15,
    avg_late_days: -0.2,
    late_share: -0.8,
    broken_promises: -0.5,
    kept_promises: 0.4,
    broken_agreements: -0.7,
    contacts: -0.1,
    response_rate: 1.2,
    company: 0.2,
  },
};

export type ScoreModel = {
  id: number | null;
  creditorId: number;
  asOf: CalendarDate;
  kind: 'model' | 'rules';
  features: string[];
  intercept: number;
  coefficients: number[];
  means: number[];
  scales: number[];
  auc: number | null;
  nTrain: number;
  nTest: number;
  positives: number;
  positiveRate: number | null;
  labelDays: number;
  reason: string | null;
  trainedAt: Date | null;
};

export function trainingCuts(asOf: CalendarDate): CalendarDate[] {
  return Array.from({ length: CUTS }, (_, k) => addDays(asOf, -LABEL_DAYS - k * CUT_SPACING_DAYS));
}

/** Builds the model from examples (pure): a fitted logistic regression, or the rules with the reason. */
export function buildModel(
  creditorId: number,
  asOf: CalendarDate,
  examples: Example[],
): Omit<ScoreModel, 'id' | 'trainedAt'> {
  const train = examples.filter((e) => !isHeldOut(e.debtorId));
  const test = examples.filter((e) => isHeldOut(e.debtorId));
  const positives = train.filter((e) => e.y === 1).length;
  const base = {
    creditorId,
    asOf,
    features: FEATURE_KEYS,
    nTrain: train.length,
    nTest: test.length,
    positives,
    positiveRate: train.length > 0 ? positives / train.length : null,
    labelDays: LABEL_DAYS,
  };
  const negatives = train.length - positives;
  if (train.length < MIN_EXAMPLES || positives < MIN_CLASS || negatives < MIN_CLASS) {
    const why =
      train.length < MIN_EXAMPLES
        ? `${train.length.toLocaleString('pt-BR')} casos (mínimo ${MIN_EXAMPLES})`
        : `${positives.toLocaleString('pt-BR')} pagos e ${negatives.toLocaleString('pt-BR')} não pagos (mínimo ${MIN_CLASS} de cada)`;
    return {
      ...base,
      kind: 'rules',
      intercept: RULES.intercept,
      coefficients: FEATURE_KEYS.map((k) => RULES.coefficients[k]),
      means: FEATURE_KEYS.map(() => 0),
      scales: FEATURE_KEYS.map(() => 1),
      auc: null,
      reason: `Sem histórico suficiente para treinar: ${why}; usando regras.`,
    };
  }
  const s = standardization(
    train.map((e) => e.x),
    FEATURE_KEYS.length,
  );
  const fitted = fitLogistic(
    train.map((e) => standardize(e.x, s)),
    train.map((e) => e.y),
    { lambda: LAMBDA },
  );
  const scores = test.map((e) => predict(fitted, standardize(e.x, s)));
  return {
    ...base,
    kind: 'model',
    intercept: fitted.intercept,
    coefficients: fitted.coefficients,
    means: s.means,
    scales: s.scales,
    auc: auc(
      scores,
      test.map((e) => e.y),
    ),
    reason: null,
  };
}

/**
 * Runs whole-creditor statements with nested-loop joins disabled: they join large sets, and on tables
 * whose statistics are stale (PGlite has no autovacuum) the planner would otherwise pick nested loops
 * over them. The setting lasts for the statement only.
 */
async function withHashJoins<T>(tx: SqlExecutor, work: () => Promise<T>): Promise<T> {
  await tx.query(`select set_config('enable_nestloop', 'off', true)`);
  try {
    return await work();
  } finally {
    await tx.query(`select set_config('enable_nestloop', 'on', true)`);
  }
}

/** The training examples of a creditor: its open cases at each cut, labelled by what they paid after. */
export async function trainingExamples(
  tx: SqlExecutor,
  orgId: number,
  creditorId: number,
  asOf: CalendarDate,
  timeZone: string,
): Promise<Example[]> {
  const [count] = await tx.query<{ n: number }>(
    'select count(*)::int as n from debtors where org_id = $1 and creditor_id = $2',
    [orgId, creditorId],
  );
  const debtors = count?.n ?? 0;
  const sample =
    debtors > MAX_TRAINING_DEBTORS ? Math.max(1, Math.floor((1024 * MAX_TRAINING_DEBTORS) / debtors)) : 1024;
  const rows = await withHashJoins(tx, () =>
    tx.query<FeatureRow>(`${featuresSql({ label: true })} order by 1, 2`, [
      orgId,
      creditorId,
      trainingCuts(asOf),
      timeZone,
      LABEL_DAYS,
      sample,
    ]),
  );
  return rows.map((row) => ({
    debtorId: Number(row.debtorId),
    x: featureVector(rawOf(row)),
    y: labelOf(row),
  }));
}

/**
 * Scores every open case of the creditor as of `asOf` with the model, in one statement: the features,
 * the probability, the expected recovery (rounded once, to centavos) and the top factors, computed by
 * PostgreSQL from the stored coefficients. Cases no longer open lose their score. Returns how many.
 */
export async function scoreCases(
  tx: SqlExecutor,
  orgId: number,
  model: ScoreModel & { id: number },
  timeZone: string,
): Promise<number> {
  const contributions = FEATURES.map(
    (f, i) => `($7::float8[])[${i + 1}] * ((${f.sql}) - ($8::float8[])[${i + 1}]) / ($9::float8[])[${i + 1}]`,
  );
  const shown = FEATURES.map((f) => `(${f.shown})::float8`);
  const shownOf = FEATURES.map((f) => (f.shownOf ? `(${f.shownOf})::float8` : 'null::float8'));
  const [done] = await withHashJoins(tx, () =>
    tx.query<{ n: number }>(
      `with f as (${featuresSql({ label: false })}),
     s as (
       select f."debtorId" as debtor_id, f.open_cents, f.days_late,
              array[${contributions.join(', ')}] as contrib,
              array[${shown.join(', ')}] as shown, array[${shownOf.join(', ')}] as shown_of
         from f
     ),
     p as (
       select s.*, 1 / (1 + exp(-least(greatest($10::float8 + (select sum(c) from unnest(s.contrib) c), -30), 30))) as probability
         from s
     ),
     saved as (
       insert into debtor_scores (org_id, debtor_id, creditor_id, model_id, probability, open_cents, expected_recovery_cents,
                                  max_days_late, factors, as_of, scored_at)
       select $1, p.debtor_id, $2, $11, p.probability, p.open_cents::bigint,
              round(p.probability::numeric * p.open_cents::numeric)::bigint, p.days_late,
              coalesce((select jsonb_agg(jsonb_build_object('feature', u.k, 'value', u.v, 'of', u.o,
                                                            'contribution', round(u.c::numeric, 4)) order by abs(u.c) desc)
                          from (select * from unnest($12::text[], p.contrib, p.shown, p.shown_of) u(k, c, v, o)
                                 where abs(u.c) >= 0.005 order by abs(u.c) desc, u.k limit ${TOP_FACTORS}) u), '[]'::jsonb),
              $13::date, now()
         from p
       on conflict (org_id, debtor_id) do update
          set creditor_id = excluded.creditor_id, model_id = excluded.model_id, probability = excluded.probability,
              open_cents = excluded.open_cents, expected_recovery_cents = excluded.expected_recovery_cents,
              max_days_late = excluded.max_days_late, factors = excluded.factors, as_of = excluded.as_of,
              scored_at = excluded.scored_at
       returning 1
     ),
     stale as (
       delete from debtor_scores x where x.org_id = $1 and x.creditor_id = $2
          and not exists (select 1 from p where p.debtor_id = x.debtor_id)
     )
     select count(*)::int as n from saved`,
      [
        orgId,
        model.creditorId,
        [model.asOf],
        timeZone,
        LABEL_DAYS,
        1024,
        model.coefficients,
        model.means,
        model.scales,
        model.intercept,
        model.id,
        FEATURE_KEYS,
        model.asOf,
      ],
    ),
  );
  return done?.n ?? 0;
}

const MODEL_COLUMNS = `id, creditor_id as "creditorId", as_of::text as "asOf", kind, features, intercept, coefficients, means,
  scales, auc, n_train as "nTrain", n_test as "nTest", positives, positive_rate as "positiveRate", label_days as "labelDays",
  reason, trained_at as "trainedAt"`;

async function saveModel(
  tx: SqlExecutor,
  orgId: number,
  m: Omit<ScoreModel, 'id' | 'trainedAt'>,
): Promise<ScoreModel & { id: number }> {
  const [row] = await tx.query<ScoreModel & { id: number }>(
    `insert into score_models (org_id, creditor_id, as_of, kind, features, intercept, coefficients, means, scales, auc,
                               n_train, n_test, positives, positive_rate, label_days, reason)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
     on conflict (org_id, creditor_id, as_of) do update
        set kind = excluded.kind, features = excluded.features, intercept = excluded.intercept,
            coefficients = excluded.coefficients, means = excluded.means, scales = excluded.scales, auc = excluded.auc,
            n_train = excluded.n_train, n_test = excluded.n_test, positives = excluded.positives,
            positive_rate = excluded.positive_rate, label_days = excluded.label_days, reason = excluded.reason,
            trained_at = now()
     returning ${MODEL_COLUMNS}`,
    [
      orgId,
      m.creditorId,
      m.asOf,
      m.kind,
      m.features,
      m.intercept,
      m.coefficients,
      m.means,
      m.scales,
      m.auc,
      m.nTrain,
      m.nTest,
      m.positives,
      m.positiveRate,
      m.labelDays,
      m.reason,
    ],
  );
  if (!row) throw new Error('score model insert returned nothing');
  return row;
}

export type TrainResult = {
  model: ScoreModel;
  scored: number | null;
  seconds: { train: number; score: number };
};

/**
 * Trains a creditor's model on its own history as of `asOf` (default: today in the organization's time
 * zone), stores it (replacing that date's) and scores its open cases; with `evaluate` it only reports the
 * model and stores nothing.
 */
export async function trainCreditor(
  db: Database,
  scope: Scope,
  creditor: number,
  options: { asOf?: CalendarDate; evaluate?: boolean } = {},
): Promise<TrainResult> {
  if (!canSeeCreditor(scope, creditor)) throw notFound(`creditor ${creditor}`);
  const asOf = options.asOf ?? todayIn(scope.timeZone);
  return withTenant(db, scope.orgId, async (tx) => {
    const [exists] = await tx.query('select 1 from creditors where org_id = $1 and id = $2', [
      scope.orgId,
      creditor,
    ]);
    if (!exists) throw notFound(`creditor ${creditor}`);
    const started = performance.now();
    const examples = await trainingExamples(tx, scope.orgId, creditor, asOf, scope.timeZone);
    const built = buildModel(creditor, asOf, examples);
    const trained = performance.now();
    if (options.evaluate)
      return {
        model: { ...built, id: null, trainedAt: null },
        scored: null,
        seconds: { train: (trained - started) / 1000, score: 0 },
      };
    const model = await saveModel(tx, scope.orgId, built);
    const scored = await scoreCases(tx, scope.orgId, model, scope.timeZone);
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'score.train',
      entity: 'creditor',
      entityId: creditor,
      before: null,
      after: {
        modelId: model.id,
        asOf,
        kind: model.kind,
        auc: model.auc,
        nTrain: model.nTrain,
        nTest: model.nTest,
        reason: model.reason,
        scored,
      },
    });
    return {
      model,
      scored,
      seconds: { train: (trained - started) / 1000, score: (performance.now() - trained) / 1000 },
    };
  });
}

/** Trains and scores every creditor of the organization the scope sees (the daily job, `regua score`). */
export async function trainAll(
  db: Database,
  scope: Scope,
  options: { asOf?: CalendarDate; evaluate?: boolean; creditorId?: number } = {},
): Promise<TrainResult[]> {
  const creditors = await withTenant(db, scope.orgId, (tx) =>
    tx.query<{ id: number }>(
      `select id from creditors where org_id = $1 and ($2::bigint[] is null or id = any($2)) and ($3::bigint is null or id = $3)
        order by id`,
      [scope.orgId, scope.creditorIds, options.creditorId ?? null],
    ),
  );
  if (options.creditorId !== undefined && creditors.length === 0)
    throw notFound(`creditor ${options.creditorId}`);
  const results: TrainResult[] = [];
  for (const c of creditors) results.push(await trainCreditor(db, scope, c.id, options));
  return results;
}

/** The creditor's current model (the latest date's), or null when none was trained yet. */
export async function currentModel(db: Database, scope: Scope, creditor: number): Promise<ScoreModel | null> {
  if (!canSeeCreditor(scope, creditor)) throw notFound(`creditor ${creditor}`);
  return withTenant(db, scope.orgId, async (tx) => {
    const [exists] = await tx.query('select 1 from creditors where org_id = $1 and id = $2', [
      scope.orgId,
      creditor,
    ]);
    if (!exists) throw notFound(`creditor ${creditor}`);
    const [row] = await tx.query<ScoreModel>(
      `select ${MODEL_COLUMNS} from score_models where org_id = $1 and creditor_id = $2 order by as_of desc limit 1`,
      [scope.orgId, creditor],
    );
    return row ?? null;
  });
}

export type DebtorScore = {
  debtorId: number;
  creditorId: number;
  probability: number;
  openCents: number;
  expectedRecoveryCents: number;
  maxDaysLate: number;
  asOf: CalendarDate;
  scoredAt: Date;
  factors: NamedFactor[];
  model: Pick<ScoreModel, 'kind' | 'auc' | 'asOf' | 'reason' | 'nTrain' | 'nTest' | 'labelDays'> & {
    id: number;
    /** ISO timestamp (from JSON). */
    trainedAt: string;
  };
};

/** A debtor's current score with its named factors and the model behind it; null when it has none (nothing past due). */
export async function debtorScore(db: Database, scope: Scope, debtorId: number): Promise<DebtorScore | null> {
  return withTenant(db, scope.orgId, async (tx) => {
    const [debtor] = await tx.query<{ creditorId: number }>(
      'select creditor_id as "creditorId" from debtors where org_id = $1 and id = $2',
      [scope.orgId, debtorId],
    );
    if (!debtor || !canSeeCreditor(scope, debtor.creditorId)) throw notFound(`debtor ${debtorId}`);
    const [row] = await tx.query<Omit<DebtorScore, 'factors'> & { factors: Factor[] }>(
      `select s.debtor_id as "debtorId", s.creditor_id as "creditorId", s.probability, s.open_cents as "openCents",
              s.expected_recovery_cents as "expectedRecoveryCents", s.max_days_late as "maxDaysLate", s.as_of::text as "asOf",
              s.scored_at as "scoredAt", s.factors,
              jsonb_build_object('id', m.id, 'kind', m.kind, 'auc', m.auc, 'trainedAt', m.trained_at, 'asOf', m.as_of::text,
                                 'reason', m.reason, 'nTrain', m.n_train, 'nTest', m.n_test, 'labelDays', m.label_days) as model
         from debtor_scores s join score_models m on m.org_id = s.org_id and m.id = s.model_id
        where s.org_id = $1 and s.debtor_id = $2`,
      [scope.orgId, debtorId],
    );
    if (!row) return null;
    return {
      ...row,
      openCents: Number(row.openCents),
      expectedRecoveryCents: Number(row.expectedRecoveryCents),
      factors: nameFactors(row.factors),
    };
  });
}
