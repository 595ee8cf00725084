// L2-regularised logistic regression on binary features (each example: the list of features that fire), fitted
// by L-BFGS; the intercept is not penalised. Small and dependency-free so src/scoring stays pure; sparse rows
// keep 100,000 examples × hundreds of candidate rules within memory and seconds.

/** Examples as compressed sparse rows: features of example i are cols[rowStart[i] … rowStart[i+1]-1]. */
export interface SparseDesign {
  rows: number;
  features: number;
  rowStart: Int32Array;
  cols: Int32Array;
}

export interface LogisticFit {
  intercept: number;
  weights: Float64Array;
  iterations: number;
}

export interface FitOptions {
  lambda: number;
  /** Only these rows (indexes); default all. */
  subset?: Int32Array;
  /** Warm start. */
  start?: LogisticFit;
  maxIterations?: number;
  /** Stop when no gradient component exceeds this (per example on average). */
  tolerance?: number;
}

/** Σ log(1 + e^z): numerically stable. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** Linear predictor of example i. */
export function predictorOf(design: SparseDesign, intercept: number, weights: ArrayLike<number>, i: number): number {
  let z = intercept;
  for (let k = design.rowStart[i]!; k < design.rowStart[i + 1]!; k++) z += weights[design.cols[k]!]!;
  return z;
}

/**
 * Penalised negative log-likelihood and its gradient at `x` (x[0] intercept, x[1 + j] weight j).
 * Writes the gradient into `grad`; returns the objective.
 */
function evaluate(design: SparseDesign, y: Uint8Array, rows: Int32Array, lambda: number, x: Float64Array, grad: Float64Array): number {
  grad.fill(0);
  let f = 0;
  const { rowStart, cols } = design;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    let z = x[0]!;
    const from = rowStart[i]!;
    const to = rowStart[i + 1]!;
    for (let k = from; k < to; k++) z += x[1 + cols[k]!]!;
    // One exponential for both the loss and its derivative: e = e^-|z|.
    const e = Math.exp(-Math.abs(z));
    f += Math.max(z, 0) + Math.log1p(e) - (y[i]! ? z : 0);
    const residual = (z >= 0 ? 1 / (1 + e) : e / (1 + e)) - y[i]!;
    grad[0] = grad[0]! + residual;
    for (let k = from; k < to; k++) {
      const j = 1 + cols[k]!;
      grad[j] = grad[j]! + residual;
    }
  }
  for (let j = 1; j < x.length; j++) {
    f += 0.5 * lambda * x[j]! * x[j]!;
    grad[j] = grad[j]! + lambda * x[j]!;
  }
  return f;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function allRows(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** Minimises the penalised log-loss by L-BFGS (memory 10) with a backtracking Armijo line search. */
export function fitLogistic(design: SparseDesign, y: Uint8Array, options: FitOptions): LogisticFit {
  const rows = options.subset ?? allRows(design.rows);
  const dim = design.features + 1;
  const x = new Float64Array(dim);
  if (options.start) {
    x[0] = options.start.intercept;
    x.set(options.start.weights, 1);
  } else {
    let won = 0;
    for (let r = 0; r < rows.length; r++) won += y[rows[r]!]!;
    const rate = Math.min(Math.max(won / Math.max(1, rows.length), 1e-6), 1 - 1e-6);
    x[0] = Math.log(rate / (1 - rate));
  }
  const maxIterations = options.maxIterations ?? 500;
  const tolerance = (options.tolerance ?? 1e-4) * Math.max(1, rows.length);
  const memory = 10;
  const s: Float64Array[] = [];
  const t: Float64Array[] = [];
  const rho: number[] = [];
  let grad = new Float64Array(dim);
  let f = evaluate(design, y, rows, options.lambda, x, grad);
  const direction = new Float64Array(dim);
  const alpha = new Float64Array(memory);
  const trial = new Float64Array(dim);
  let trialGrad = new Float64Array(dim);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    let gmax = 0;
    for (let j = 0; j < dim; j++) gmax = Math.max(gmax, Math.abs(grad[j]!));
    if (gmax <= tolerance) break;
    // Two-loop recursion: direction = -H·grad.
    direction.set(grad);
    for (let k = s.length - 1; k >= 0; k--) {
      alpha[k] = rho[k]! * dot(s[k]!, direction);
      for (let j = 0; j < dim; j++) direction[j] = direction[j]! - alpha[k]! * t[k]![j]!;
    }
    if (s.length > 0) {
      const last = s.length - 1;
      const gamma = dot(s[last]!, t[last]!) / dot(t[last]!, t[last]!);
      for (let j = 0; j < dim; j++) direction[j] = direction[j]! * gamma;
    } else {
      // First step: a gradient step scaled to the problem (the curvature of the log-loss is at most n/4).
      const scale = 4 / Math.max(1, rows.length);
      for (let j = 0; j < dim; j++) direction[j] = direction[j]! * scale;
    }
    for (let k = 0; k < s.length; k++) {
      const beta = rho[k]! * dot(t[k]!, direction);
      for (let j = 0; j < dim; j++) direction[j] = direction[j]! + s[k]![j]! * (alpha[k]! - beta);
    }
    for (let j = 0; j < dim; j++) direction[j] = -direction[j]!;
    let slope = dot(grad, direction);
    if (!(slope < 0)) {
      // Not a descent direction: restart from the gradient.
      s.length = 0;
      t.length = 0;
      rho.length = 0;
      const scale = 4 / Math.max(1, rows.length);
      for (let j = 0; j < dim; j++) direction[j] = -grad[j]! * scale;
      slope = dot(grad, direction);
    }
    let step = 1;
    let fTrial = Number.POSITIVE_INFINITY;
    for (let tries = 0; tries < 40; tries++) {
      for (let j = 0; j < dim; j++) trial[j] = x[j]! + step * direction[j]!;
      fTrial = evaluate(design, y, rows, options.lambda, trial, trialGrad);
      if (fTrial <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fTrial < f)) break;
    const sk = new Float64Array(dim);
    const tk = new Float64Array(dim);
    for (let j = 0; j < dim; j++) {
      sk[j] = trial[j]! - x[j]!;
      tk[j] = trialGrad[j]! - grad[j]!;
    }
    const sy = dot(sk, tk);
    if (sy > 1e-12) {
      if (s.length === memory) {
        s.shift();
        t.shift();
        rho.shift();
      }
      s.push(sk);
      t.push(tk);
      rho.push(1 / sy);
    }
    x.set(trial);
    [grad, trialGrad] = [trialGrad, grad];
    const relative = (f - fTrial) / Math.max(1, Math.abs(f));
    f = fTrial;
    if (relative < 1e-10) break;
  }
  return { intercept: x[0]!, weights: x.slice(1), iterations };
}

/** Mean log-loss of a fit on `rows`. */
export function logLoss(design: SparseDesign, y: Uint8Array, fit: LogisticFit, rows: Int32Array): number {
  let total = 0;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    const z = predictorOf(design, fit.intercept, fit.weights, i);
    total += softplus(z) - (y[i]! ? z : 0);
  }
  return total / Math.max(1, rows.length);
}
