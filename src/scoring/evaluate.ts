// How well a score ranks leads, measured on outcomes: ROC AUC (ties count half), lift in the top deciles,
// a calibration table, and conversion per priority cell and per qualification (seed 000: "vom Lead zum Auftrag").
import type { ScoringModel } from './model-schema.ts';
import type { OutcomeExample } from './outcomes.ts';
import { parseIsoTime } from './parse-iso-time.ts';
import { score } from './score.ts';
import { PRIORITIES, QUALIFICATIONS } from './types.ts';

/** Indexes 0 … n-1 ordered by score, highest first; ties keep input order. */
function rankDescending(scores: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order;
}

/**
 * ROC AUC by the Mann–Whitney U statistic: the chance that a random won lead scores above a random lost one,
 * ties counting half (average ranks). NaN when either class is empty.
 */
export function rocAuc(scores: ArrayLike<number>, won: ArrayLike<boolean>): number {
  const n = scores.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    // Ranks i+1 … j+1 share their average.
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) {
      if (won[order[k]!]) {
        positives++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Lift of the top `fraction` by score: their conversion rate over the overall rate. The top is
 * round(fraction × n) leads (at least one); a group of tied scores that straddles the cut counts in
 * proportion, so the order of ties cannot flatter the score. NaN without any won lead.
 */
export function liftAt(scores: ArrayLike<number>, won: ArrayLike<boolean>, fraction: number): number {
  const n = scores.length;
  if (n === 0) return Number.NaN;
  let total = 0;
  for (let i = 0; i < n; i++) if (won[i]) total++;
  if (total === 0) return Number.NaN;
  const k = Math.max(1, Math.round(fraction * n));
  const order = rankDescending(scores);
  let taken = 0;
  let wonInTop = 0;
  for (let i = 0; i < n && taken < k; ) {
    let j = i;
    let groupWon = 0;
    while (j < n && scores[order[j]!] === scores[order[i]!]) {
      if (won[order[j]!]) groupWon++;
      j++;
    }
    const size = j - i;
    const take = Math.min(size, k - taken);
    wonInTop += (groupWon * take) / size;
    taken += take;
    i = j;
  }
  return wonInTop / k / (total / n);
}

export interface CalibrationBin {
  /** 1 = lowest predicted tenth. */
  decile: number;
  n: number;
  /** Mean predicted probability (0–1). */
  predicted: number;
  /** Share won (0–1). */
  observed: number;
}

/** Predicted vs observed per tenth of the leads ordered by prediction (ties in input order). */
export function calibrationTable(predicted: ArrayLike<number>, won: ArrayLike<boolean>, bins = 10): CalibrationBin[] {
  const n = predicted.length;
  const order = rankDescending(predicted).reverse();
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const from = Math.floor((b * n) / bins);
    const to = Math.floor(((b + 1) * n) / bins);
    if (to <= from) continue;
    let p = 0;
    let w = 0;
    for (let i = from; i < to; i++) {
      p += predicted[order[i]!]!;
      if (won[order[i]!]) w++;
    }
    out.push({ decile: b + 1, n: to - from, predicted: round4(p / (to - from)), observed: round4(w / (to - from)) });
  }
  return out;
}

export interface Conversion {
  n: number;
  won: number;
  /** won / n, 0 … 1. */
  rate: number;
}

/** Conversion per key, keys in `order` first (those with no lead left out), then any others as met. */
export function conversionBy(keys: readonly string[], won: ArrayLike<boolean>, order: readonly string[] = []): Record<string, Conversion> {
  const counts = new Map<string, { n: number; won: number }>(order.map((k) => [k, { n: 0, won: 0 }]));
  keys.forEach((key, i) => {
    let c = counts.get(key);
    if (!c) {
      c = { n: 0, won: 0 };
      counts.set(key, c);
    }
    c.n++;
    if (won[i]) c.won++;
  });
  const out: Record<string, Conversion> = {};
  for (const [key, c] of counts) if (c.n > 0) out[key] = { n: c.n, won: c.won, rate: round4(c.won / c.n) };
  return out;
}

export function round4(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 10_000) / 10_000 : x;
}

export interface EvaluationReport {
  n: number;
  won: number;
  lost: number;
  /** Earliest and latest `at` of the outcomes. */
  period: { from: string; to: string } | null;
  /** ROC AUC of leadScore; null when only one outcome occurs. */
  auc: number | null;
  lift: { top10: number | null; top20: number | null };
  /** Conversion per priority cell (A1 … D4) and per qualification, as scored at each outcome's `at`. */
  priority: Record<string, Conversion>;
  qualification: Record<string, Conversion>;
  /** leadScore / 100 against the share won, per decile (meaningful as probabilities for logistic models). */
  calibration: CalibrationBin[];
  modelVersion: string;
}

function orNull(x: number): number | null {
  return Number.isFinite(x) ? round4(x) : null;
}

/** The model's leadScore per example, scored at each example's own time. */
export function leadScores(model: ScoringModel, examples: readonly OutcomeExample[]): Float64Array {
  const out = new Float64Array(examples.length);
  examples.forEach((e, i) => {
    out[i] = score(e.profile, model, e.at).leadScore;
  });
  return out;
}

/** The model scored on each outcome's profile as of its `at`: ranking quality and conversion per cell. */
export function evaluateOutcomes(model: ScoringModel, examples: readonly OutcomeExample[]): EvaluationReport {
  const n = examples.length;
  const scores = new Float64Array(n);
  const won = new Array<boolean>(n);
  const priorities = new Array<string>(n);
  const qualifications = new Array<string>(n);
  let wonCount = 0;
  let from = '';
  let to = '';
  let fromMs = Number.POSITIVE_INFINITY;
  let toMs = Number.NEGATIVE_INFINITY;
  examples.forEach((e, i) => {
    const r = score(e.profile, model, e.at);
    scores[i] = r.leadScore;
    priorities[i] = r.priority;
    qualifications[i] = r.qualification;
    won[i] = e.outcome === 'won';
    if (won[i]) wonCount++;
    const atMs = parseIsoTime(e.at);
    if (atMs < fromMs) {
      fromMs = atMs;
      from = e.at;
    }
    if (atMs > toMs) {
      toMs = atMs;
      to = e.at;
    }
  });
  return {
    n,
    won: wonCount,
    lost: n - wonCount,
    period: n > 0 ? { from, to } : null,
    auc: orNull(rocAuc(scores, won)),
    lift: { top10: orNull(liftAt(scores, won, 0.1)), top20: orNull(liftAt(scores, won, 0.2)) },
    priority: conversionBy(priorities, won, PRIORITIES),
    qualification: conversionBy(qualifications, won, QUALIFICATIONS),
    calibration: calibrationTable(
      Array.from(scores, (s) => s / 100),
      won,
    ),
    modelVersion: model.version,
  };
}
