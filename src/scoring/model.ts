/**
 * The model itself, pure and deterministic: standardization, an L2-regularized logistic regression fitted
 * by Newton's method (IRLS) with a fixed iteration cap, the area under the ROC curve, and the split of
 * examples by debtor. Same examples in, same coefficients out.
 */

export type Example = { debtorId: number; x: number[]; y: 0 | 1 };

export type Standardization = { means: number[]; scales: number[] };

export type Fitted = { intercept: number; coefficients: number[]; iterations: number };

/** Mean and standard deviation of each column; a constant column gets scale 1 (its standardized value is 0). */
export function standardization(rows: number[][], width: number): Standardization {
  const means = new Array<number>(width).fill(0);
  const scales = new Array<number>(width).fill(1);
  if (rows.length === 0) return { means, scales };
  for (const row of rows) for (let j = 0; j < width; j++) means[j] = (means[j] ?? 0) + (row[j] ?? 0);
  for (let j = 0; j < width; j++) means[j] = (means[j] ?? 0) / rows.length;
  const sums = new Array<number>(width).fill(0);
  for (const row of rows)
    for (let j = 0; j < width; j++) sums[j] = (sums[j] ?? 0) + ((row[j] ?? 0) - (means[j] ?? 0)) ** 2;
  for (let j = 0; j < width; j++) {
    const sd = Math.sqrt((sums[j] ?? 0) / rows.length);
    scales[j] = sd > 1e-9 ? sd : 1;
  }
  return { means, scales };
}

export function standardize(x: number[], s: Standardization): number[] {
  return x.map((v, j) => (v - (s.means[j] ?? 0)) / (s.scales[j] ?? 1));
}

export const sigmoid = (z: number): number =>
  z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));

/** Solves A·x = b for a symmetric positive definite A (Cholesky); A and b are not modified. */
export function solveSpd(a: number[][], b: number[]): number[] {
  const n = b.length;
  const l: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]?.[j] ?? 0;
      for (let k = 0; k < j; k++) sum -= (l[i]?.[k] ?? 0) * (l[j]?.[k] ?? 0);
      const li = l[i] as number[];
      if (i === j) li[j] = Math.sqrt(Math.max(sum, 1e-12));
      else li[j] = sum / (l[j]?.[j] ?? 1);
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = b[i] ?? 0;
    for (let k = 0; k < i; k++) sum -= (l[i]?.[k] ?? 0) * (y[k] ?? 0);
    y[i] = sum / (l[i]?.[i] ?? 1);
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i] ?? 0;
    for (let k = i + 1; k < n; k++) sum -= (l[k]?.[i] ?? 0) * (x[k] ?? 0);
    x[i] = sum / (l[i]?.[i] ?? 1);
  }
  return x;
}

/**
 * Logistic regression with an L2 penalty `lambda`·|w|²/2 on the coefficients (not the intercept), on
 * rows already standardized. Newton–Raphson (IRLS): at most `maxIterations` steps, stopping early when
 * no parameter moves by more than 1e-8. The log-likelihood is concave and the penalty makes it strictly
 * so, so the answer does not depend on the starting point.
 */
export function fitLogistic(
  rows: number[][],
  labels: (0 | 1)[],
  options: { lambda?: number; maxIterations?: number } = {},
): Fitted {
  const lambda = options.lambda ?? 1;
  const maxIterations = options.maxIterations ?? 30;
  const p = (rows[0]?.length ?? 0) + 1;
  // beta[0] is the intercept.
  let beta = new Array<number>(p).fill(0);
  let iterations = 0;
  for (; iterations < maxIterations; ) {
    iterations++;
    const gradient = new Array<number>(p).fill(0);
    const hessian: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as number[];
      let z = beta[0] ?? 0;
      for (let j = 1; j < p; j++) z += (beta[j] ?? 0) * (row[j - 1] ?? 0);
      const mu = sigmoid(z);
      const w = Math.max(mu * (1 - mu), 1e-10);
      const r = (labels[i] ?? 0) - mu;
      for (let j = 0; j < p; j++) {
        const xj = j === 0 ? 1 : (row[j - 1] ?? 0);
        gradient[j] = (gradient[j] ?? 0) + r * xj;
        const hj = hessian[j] as number[];
        for (let k = 0; k <= j; k++) hj[k] = (hj[k] ?? 0) + w * xj * (k === 0 ? 1 : (row[k - 1] ?? 0));
      }
    }
    for (let j = 0; j < p; j++) {
      const hj = hessian[j] as number[];
      for (let k = 0; k < j; k++) (hessian[k] as number[])[j] = hj[k] ?? 0;
      if (j > 0) {
        gradient[j] = (gradient[j] ?? 0) - lambda * (beta[j] ?? 0);
        hj[j] = (hj[j] ?? 0) + lambda;
      }
    }
    // A tiny ridge on the intercept keeps the system solvable when every label is the same.
    (hessian[0] as number[])[0] = (hessian[0]?.[0] ?? 0) + 1e-6;
    const step = solveSpd(hessian, gradient);
    const next = beta.map((b, j) => b + (step[j] ?? 0));
    const moved = Math.max(...step.map(Math.abs));
    beta = next;
    if (moved < 1e-8) break;
  }
  return { intercept: beta[0] ?? 0, coefficients: beta.slice(1), iterations };
}

export function predict(fitted: Pick<Fitted, 'intercept' | 'coefficients'>, standardized: number[]): number {
  let z = fitted.intercept;
  for (let j = 0; j < fitted.coefficients.length; j++)
    z += (fitted.coefficients[j] ?? 0) * (standardized[j] ?? 0);
  return sigmoid(z);
}

/**
 * Area under the ROC curve: the probability that a random positive is scored above a random negative,
 * ties counting one half (Mann–Whitney U with mid-ranks). Null when either class is missing.
 */
export function auc(scores: number[], labels: (0 | 1)[]): number | null {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[a] ?? 0) - (scores[b] ?? 0));
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1] as number] === scores[order[i] as number]) j++;
    // Ranks i+1 .. j+1 share their mean.
    const midRank = (i + 1 + (j + 1)) / 2;
    for (let k = i; k <= j; k++) {
      if (labels[order[k] as number] === 1) {
        positives++;
        rankSum += midRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Which side of the split a debtor is on: a fixed integer hash of its id (so the same debtor is never
 * on both sides, whatever the cut date), one debtor in five held out.
 */
export function isHeldOut(debtorId: number): boolean {
  let h = Math.imul(debtorId ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % 5 === 0;
}
