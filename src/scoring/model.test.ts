import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatBrl } from '../shared/money.ts';
import { scoreLine } from './cli.ts';
import { factorLabel, nameFactors } from './factors.ts';
import { FEATURE_KEYS } from './features.ts';
import {
  auc,
  fitLogistic,
  isHeldOut,
  predict,
  sigmoid,
  solveSpd,
  standardization,
  standardize,
} from './model.ts';
import { orderQueue, QUEUE_ROUND, QUEUE_WEIGHTS, type QueueItem, queueBucket } from './queue.ts';
import { buildModel, MIN_EXAMPLES } from './scoring.ts';

/** A deterministic pseudo-random stream (mulberry32). */
function stream(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('AUC', () => {
  it('matches hand-computed values, ties counting one half', () => {
    // Positives 0.8 and 0.4, negatives 0.6 and 0.2: pairs (0.8>0.6) (0.8>0.2) (0.4<0.6) (0.4>0.2) → 3/4.
    expect(auc([0.8, 0.4, 0.6, 0.2], [1, 1, 0, 0])).toBe(0.75);
    // One tie out of four pairs: (0.5=0.5) counts 1/2; (0.5>0.1) (0.9>0.5) (0.9>0.1) → 3.5/4.
    expect(auc([0.5, 0.9, 0.5, 0.1], [1, 1, 0, 0])).toBe(0.875);
    expect(auc([0.3, 0.3, 0.3], [1, 0, 0])).toBe(0.5);
    expect(auc([0.1, 0.2], [1, 1])).toBeNull();
  });

  it('is 1 for a perfect ranker, 0 for a reversed one, and 0.5 when every score ties', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()), { minLength: 2 }),
        (pairs) => {
          const labels = pairs.map(([, y]) => (y ? 1 : 0) as 0 | 1);
          if (!labels.includes(1) || !labels.includes(0)) return;
          const perfect = labels.map((y, i) => y + i * 1e-9);
          expect(auc(perfect, labels)).toBe(1);
          expect(
            auc(
              perfect.map((s) => -s),
              labels,
            ),
          ).toBe(0);
          expect(
            auc(
              labels.map(() => 0.42),
              labels,
            ),
          ).toBe(0.5);
          const scores = pairs.map(([s]) => s);
          const value = auc(scores, labels) ?? Number.NaN;
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1);
          // Reversing the scores mirrors the AUC.
          expect(
            (auc(
              scores.map((s) => -s),
              labels,
            ) ?? 0) + value,
          ).toBeCloseTo(1, 12);
        },
      ),
    );
  });
});

describe('logistic regression', () => {
  it('solves a linear system', () => {
    expect(
      solveSpd(
        [
          [4, 2],
          [2, 3],
        ],
        [2, 1],
      ).map((v) => Number(v.toFixed(12))),
    ).toEqual([0.5, 0]);
  });

  it('separates a separable set (the penalty keeps the coefficients finite) and ranks it perfectly', () => {
    const rows: number[][] = [];
    const labels: (0 | 1)[] = [];
    for (let i = 0; i < 200; i++) {
      const x = i / 100 - 1;
      rows.push([x, 0.5]);
      labels.push(x > 0 ? 1 : 0);
    }
    const s = standardization(rows, 2);
    expect(s.scales[1]).toBe(1); // a constant column
    const fitted = fitLogistic(
      rows.map((r) => standardize(r, s)),
      labels,
    );
    expect(Number.isFinite(fitted.coefficients[0])).toBe(true);
    expect(fitted.coefficients[0]).toBeGreaterThan(3);
    expect(fitted.coefficients[1]).toBeCloseTo(0, 9);
    const scores = rows.map((r) => predict(fitted, standardize(r, s)));
    expect(auc(scores, labels)).toBe(1);
  });

  it('recovers the signs and rough size of the true weights on a noisy set, the same every run', () => {
    const random = stream(7);
    const rows: number[][] = [];
    const labels: (0 | 1)[] = [];
    for (let i = 0; i < 4000; i++) {
      const x = [random() * 2 - 1, random() * 2 - 1, random() * 2 - 1];
      const z = 0.3 + 2 * (x[0] ?? 0) - 1 * (x[1] ?? 0);
      rows.push(x);
      labels.push(random() < sigmoid(z) ? 1 : 0);
    }
    const fit = fitLogistic(rows, labels, { lambda: 0.01 });
    expect(fit.intercept).toBeCloseTo(0.3, 0);
    expect(fit.coefficients[0]).toBeGreaterThan(1.6);
    expect(fit.coefficients[0]).toBeLessThan(2.4);
    expect(fit.coefficients[1]).toBeLessThan(-0.7);
    expect(Math.abs(fit.coefficients[2] ?? 1)).toBeLessThan(0.2);
    expect(fitLogistic(rows, labels, { lambda: 0.01 })).toEqual(fit);
    const value = auc(
      rows.map((r) => predict(fit, r)),
      labels,
    );
    expect(value).toBeGreaterThan(0.7);
    expect(value).toBeLessThan(0.9);
  });

  it('holds out about one debtor in five, always the same ones', () => {
    const held = Array.from({ length: 10_000 }, (_, i) => isHeldOut(i + 1)).filter(Boolean).length;
    expect(held).toBeGreaterThan(1_850);
    expect(held).toBeLessThan(2_150);
    expect(isHeldOut(12345)).toBe(isHeldOut(12345));
  });
});

describe('the model or the rules', () => {
  it('falls back to the rules, saying why, below the minimum history or without both outcomes', () => {
    const few = Array.from({ length: 50 }, (_, i) => ({
      debtorId: i,
      x: FEATURE_KEYS.map(() => i),
      y: (i % 2) as 0 | 1,
    }));
    const rules = buildModel(1, '2026-11-14', few);
    expect(rules.kind).toBe('rules');
    expect(rules.reason).toBe(
      `Sem histórico suficiente para treinar: ${rules.nTrain} casos (mínimo ${MIN_EXAMPLES}); usando regras.`,
    );
    const allPaid = Array.from({ length: 600 }, (_, i) => ({
      debtorId: i,
      x: FEATURE_KEYS.map(() => i % 7),
      y: 1 as const,
    }));
    const onlyPaid = buildModel(1, '2026-11-14', allPaid);
    expect(onlyPaid.kind).toBe('rules');
    expect(onlyPaid.reason).toMatch(/pagos e 0 não pagos \(mínimo 20 de cada\); usando regras\.$/);
  });
});

describe('regua score', () => {
  it('prints the rules and their reason, or the held-out AUC with the sizes', () => {
    const rules = buildModel(1, '2026-11-14', []);
    expect(
      scoreLine('demo', 'Nuvem', {
        model: { ...rules, id: 1, trainedAt: null },
        scored: 3,
        seconds: { train: 0.1, score: 0.2 },
      }),
    ).toBe(
      'demo · Nuvem (as of 2026-11-14): rules — Sem histórico suficiente para treinar: 0 casos (mínimo 200); usando regras. (0 training / 0 held-out cases, paid —); 3 open cases scored [train 0.10 s, score 0.20 s]',
    );
    const model = {
      ...rules,
      kind: 'model' as const,
      auc: 0.8123,
      nTrain: 1000,
      nTest: 250,
      positiveRate: 0.1,
      reason: null,
    };
    expect(
      scoreLine('demo', 'Nuvem', {
        model: { ...model, id: null, trainedAt: null },
        scored: null,
        seconds: { train: 1.5, score: 0 },
      }),
    ).toBe(
      'demo · Nuvem (as of 2026-11-14): model AUC 0.812 on held-out debtors (1,000 training / 250 held-out cases, paid 10.0%) [1.50 s]',
    );
  });
});

describe('factor names (pt-BR)', () => {
  it('say what the collector sees', () => {
    expect(factorLabel({ feature: 'broken_promises', value: 3, contribution: -0.8 })).toBe(
      '3 promessas quebradas',
    );
    expect(factorLabel({ feature: 'broken_promises', value: 1, contribution: -0.3 })).toBe(
      '1 promessa quebrada',
    );
    expect(factorLabel({ feature: 'response_rate', value: 2, of: 5, contribution: 0.4 })).toBe(
      'respondeu a 2 de 5 contatos',
    );
    expect(factorLabel({ feature: 'avg_late_days', value: 41.6, of: 4, contribution: -0.5 })).toBe(
      'atraso médio de 42 dias ao pagar',
    );
    expect(factorLabel({ feature: 'avg_late_days', value: 0, of: 0, contribution: -0.1 })).toBe(
      'sem histórico de pagamentos',
    );
    expect(factorLabel({ feature: 'late_share', value: 0.75, of: 4, contribution: -0.5 })).toBe(
      'pagou com atraso 3 de 4 títulos',
    );
    expect(factorLabel({ feature: 'days_late', value: 1, contribution: -0.1 })).toBe('atraso de 1 dia');
    expect(factorLabel({ feature: 'open_amount', value: 123456, contribution: -0.1 })).toBe(
      `${formatBrl(123456)} em atraso`,
    );
    expect(factorLabel({ feature: 'company', value: 1, contribution: 0.1 })).toBe('pessoa jurídica');
    expect(factorLabel({ feature: 'broken_agreements', value: 0, contribution: 0.1 })).toBe(
      'nenhum acordo quebrado',
    );
  });
});

describe('named factors', () => {
  it('merge two factors that read the same, adding their contributions, strongest first', () => {
    const named = nameFactors([
      { feature: 'avg_late_days', value: 0, of: 0, contribution: -0.5 },
      { feature: 'late_share', value: 0, of: 0, contribution: 0.2 },
      { feature: 'broken_promises', value: 2, contribution: -0.4 },
    ]);
    expect(named.map((f) => [f.label, Number(f.contribution.toFixed(6)), f.effect])).toEqual([
      ['2 promessas quebradas', -0.4, 'lowers'],
      ['sem histórico de pagamentos', -0.3, 'lowers'],
    ]);
  });
});

describe('the queue order', () => {
  it('puts early-bucket cases near the top even when late big tickets dominate expected value', () => {
    const late: QueueItem[] = Array.from({ length: 100 }, (_, i) => ({
      id: i + 1,
      daysLate: 200 + i,
      expectedCents: 5_000_000 + i,
      priority: 1,
    }));
    const early: QueueItem[] = Array.from({ length: 4 }, (_, i) => ({
      id: 1_000 + i,
      daysLate: 5,
      expectedCents: 2_000 + i,
      priority: 1,
    }));
    const queue = orderQueue([...late, ...early]).map((t) => t.id);
    // By value alone the early cases would be 101st to 104th; the rounds bring them up.
    expect(queue.slice(0, 4)).toEqual([100, 1_003, 1_002, 1_001]);
    expect(queue.indexOf(1_000)).toBe(5);
  });

  it('never starves a bucket: its k-th case is at most at position ceil(k / weight) × round', () => {
    const item = fc.record({
      id: fc.integer({ min: 1, max: 1_000_000 }),
      daysLate: fc.integer({ min: -10, max: 400 }),
      expectedCents: fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: null }),
      priority: fc.integer({ min: 0, max: 1_000 }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(item, { selector: (t) => t.id, maxLength: 120 }), (items) => {
        const queue = orderQueue(items);
        expect(queue).toHaveLength(items.length);
        const seen = new Map<string, number>();
        queue.forEach((task, position) => {
          const bucket = queueBucket(task.daysLate);
          const k = (seen.get(bucket) ?? 0) + 1;
          seen.set(bucket, k);
          expect(position + 1).toBeLessThanOrEqual(Math.ceil(k / QUEUE_WEIGHTS[bucket]) * QUEUE_ROUND);
        });
        // Inside a bucket, higher expected value first.
        for (const bucket of Object.keys(QUEUE_WEIGHTS)) {
          const values = queue.filter((t) => queueBucket(t.daysLate) === bucket && t.expectedCents !== null);
          for (let i = 1; i < values.length; i++)
            expect(values[i - 1]?.expectedCents ?? 0).toBeGreaterThanOrEqual(values[i]?.expectedCents ?? 0);
        }
      }),
    );
  });
});
