// Calibration from outcomes (DESIGN items 13-14): the base model's rules and rules discovered from every
// property and activity become binary features; an L2-regularised logistic regression, its penalty chosen by
// k-fold cross-validation as scikit-learn's LogisticRegressionCV does, gives each rule its weight. The result
// is a normal model whose signal rules carry points (log-odds × POINTS_PER_LOG_ODDS) and whose lead score is the
// conversion probability in percent. Ranking quality is reported on the most recent 20 % of the outcomes,
// which the fit never sees, against the base model on the same part.
import { compileModel } from './compile-model.ts';
import { discoverRules } from './discover-rules.ts';
import { type CalibrationBin, calibrationTable, liftAt, leadScores, rocAuc, round4 } from './evaluate.ts';
import { fitLogistic, type LogisticFit, logLoss, predictorOf, type SparseDesign } from './fit-logistic.ts';
import type { ScoringModel, SignalRule } from './model-schema.ts';
import type { OutcomeExample } from './outcomes.ts';
import { parseIsoTime } from './parse-iso-time.ts';
import { readFacts } from './read-facts.ts';
import { scoreFit } from './score-fit.ts';
import { compileSignals, firingSignals } from './score-signals.ts';
import { prng } from './prng.ts';

export interface CalibrateOptions {
  /** Only these properties (contact or company) may become rules; default every property present. */
  candidateProperties?: string[];
  /** Seeds the cross-validation folds; the same input and seed give the same model. */
  seed?: number;
  /** Time the new model is made (its version and description); default the latest outcome's `at`. */
  now?: string;
}

export interface CalibrationReport {
  /** Outcomes used, won and lost, and the period they cover. */
  n: number;
  won: number;
  lost: number;
  period: { from: string; to: string };
  train: { n: number; won: number };
  /** The held-out part: the most recent outcomes, from `from` on. */
  test: { n: number; won: number; from: string };
  /** Held-out ROC AUC of the base model's and the calibrated model's leadScore. */
  auc: { before: number | null; after: number | null };
  lift: { before: { top10: number | null; top20: number | null }; after: { top10: number | null; top20: number | null } };
  /** The calibrated model's predicted vs observed conversion per held-out decile. */
  calibration: CalibrationBin[];
  /** The chosen L2 penalty and the cross-validated mean log-loss per candidate penalty. */
  penalty: { chosen: number; folds: number; path: Array<{ lambda: number; logLoss: number }> };
  features: { considered: number; rules: number };
  /** True when the calibrated model ranks the held-out outcomes better than the base. */
  improved: boolean;
  warnings: string[];
}

export type CalibrateResult =
  | { ok: true; model: ScoringModel; report: CalibrationReport }
  | { ok: false; reason: string; details: Record<string, unknown> };

export const MIN_OUTCOMES_PER_CLASS = 50;
/** Points per unit of log-odds in calibrated models: +20 points doubles the odds about 2.7 times. */
export const POINTS_PER_LOG_ODDS = 20;
export const TEST_SHARE = 0.2;
export const FOLDS = 5;
/** Candidate L2 penalties, strongest first (warm starts follow the path). */
export const LAMBDAS = [1000, 300, 100, 30, 10, 3, 1, 0.3];
/** Rules whose points round below this are left out of the model. */
const MIN_POINTS = 0.5;

/** Binary features of each example: the candidate rules that fire at its `at`. */
export function encodeExamples(base: ScoringModel, rules: readonly SignalRule[], examples: readonly OutcomeExample[]): SparseDesign {
  const compiledBase = compileModel(base);
  const signals = compileSignals(rules);
  const rowStart = new Int32Array(examples.length + 1);
  let cols = new Int32Array(Math.max(16, examples.length * 16));
  const scratch = new Int32Array(rules.length);
  let nnz = 0;
  examples.forEach((e, i) => {
    const fit = scoreFit(readFacts(e.profile), compiledBase);
    const k = firingSignals(signals, e.profile, parseIsoTime(e.at), { position: fit.positionGrade, size: fit.sizeGrade, industry: fit.industryGrade }, scratch);
    if (nnz + k > cols.length) {
      const grown = new Int32Array(Math.max(cols.length * 2, nnz + k));
      grown.set(cols);
      cols = grown;
    }
    cols.set(scratch.subarray(0, k), nnz);
    nnz += k;
    rowStart[i + 1] = nnz;
  });
  return { rows: examples.length, features: rules.length, rowStart, cols: cols.slice(0, nnz) };
}

/** Rules that fire for at least `minCount` and at most rows − minCount examples, without exact duplicates. */
export function usableRules(design: SparseDesign, minCount: number): Int32Array {
  const counts = new Int32Array(design.features);
  const hash = new Float64Array(design.features);
  for (let i = 0; i < design.rows; i++) {
    // A column's fingerprint: the sum of pseudo-random values of the rows it fires for.
    const h = Math.sin(i * 12.9898 + 78.233) * 43_758.5453;
    const token = h - Math.floor(h);
    for (let k = design.rowStart[i]!; k < design.rowStart[i + 1]!; k++) {
      counts[design.cols[k]!]!++;
      hash[design.cols[k]!] = hash[design.cols[k]!]! + token;
    }
  }
  const seen = new Set<string>();
  const keep: number[] = [];
  for (let j = 0; j < design.features; j++) {
    if (counts[j]! < minCount || design.rows - counts[j]! < minCount) continue;
    const key = `${counts[j]}:${hash[j]!.toFixed(9)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    keep.push(j);
  }
  return Int32Array.from(keep);
}

/** Keeps only the columns in `keep` (renumbered 0 … keep.length − 1). */
export function selectColumns(design: SparseDesign, keep: Int32Array): SparseDesign {
  const map = new Int32Array(design.features).fill(-1);
  keep.forEach((j, k) => {
    map[j] = k;
  });
  const rowStart = new Int32Array(design.rows + 1);
  const cols = new Int32Array(design.cols.length);
  let nnz = 0;
  for (let i = 0; i < design.rows; i++) {
    for (let k = design.rowStart[i]!; k < design.rowStart[i + 1]!; k++) {
      const c = map[design.cols[k]!]!;
      if (c >= 0) cols[nnz++] = c;
    }
    rowStart[i + 1] = nnz;
  }
  return { rows: design.rows, features: keep.length, rowStart, cols: cols.slice(0, nnz) };
}

/** Stratified folds: each class shuffled by the seed, then dealt round-robin. */
function assignFolds(y: Uint8Array, rows: Int32Array, folds: number, seed: number): Int32Array {
  const rnd = prng(seed);
  const fold = new Int32Array(y.length).fill(-1);
  for (const cls of [0, 1]) {
    const members = Array.from(rows).filter((i) => y[i] === cls);
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    members.forEach((i, k) => {
      fold[i] = k % folds;
    });
  }
  return fold;
}

export interface CrossValidation {
  chosen: number;
  path: Array<{ lambda: number; logLoss: number }>;
}

/** Mean held-out log-loss per penalty over the folds; the penalty with the lowest wins (ties: the stronger). */
export function crossValidate(design: SparseDesign, y: Uint8Array, rows: Int32Array, seed: number, lambdas = LAMBDAS, folds = FOLDS): CrossValidation {
  const fold = assignFolds(y, rows, folds, seed);
  const losses = new Float64Array(lambdas.length);
  for (let f = 0; f < folds; f++) {
    const train = rows.filter((i) => fold[i] !== f);
    const valid = rows.filter((i) => fold[i] === f);
    let start: LogisticFit | undefined;
    lambdas.forEach((lambda, l) => {
      start = fitLogistic(design, y, { lambda, subset: train, ...(start ? { start } : {}) });
      losses[l] = losses[l]! + (logLoss(design, y, start, valid) * valid.length) / rows.length;
    });
  }
  let best = 0;
  for (let l = 1; l < lambdas.length; l++) if (losses[l]! < losses[best]! - 1e-12) best = l;
  return { chosen: lambdas[best]!, path: lambdas.map((lambda, l) => ({ lambda, logLoss: round4(losses[l]!) })) };
}

/** The intercept that makes the mean prediction on `rows` equal the share won, given fixed points. */
function refitIntercept(design: SparseDesign, y: Uint8Array, rows: Int32Array, weights: Float64Array, start: number): number {
  let b = start;
  for (let it = 0; it < 50; it++) {
    let g = 0;
    let h = 0;
    for (let r = 0; r < rows.length; r++) {
      const i = rows[r]!;
      const p = 1 / (1 + Math.exp(-predictorOf(design, b, weights, i)));
      g += p - y[i]!;
      h += p * (1 - p);
    }
    if (h <= 0) break;
    const step = g / h;
    b -= step;
    if (Math.abs(step) < 1e-10) break;
  }
  return b;
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0').slice(0, 6);
}

function ranking(scores: Float64Array, won: boolean[]) {
  const auc = rocAuc(scores, won);
  return {
    auc: Number.isFinite(auc) ? round4(auc) : null,
    lift: {
      top10: Number.isFinite(liftAt(scores, won, 0.1)) ? round4(liftAt(scores, won, 0.1)) : null,
      top20: Number.isFinite(liftAt(scores, won, 0.2)) ? round4(liftAt(scores, won, 0.2)) : null,
    },
  };
}

export function calibrateModel(base: ScoringModel, examples: readonly OutcomeExample[], options: CalibrateOptions = {}): CalibrateResult {
  const won = examples.reduce((s, e) => s + (e.outcome === 'won' ? 1 : 0), 0);
  const lost = examples.length - won;
  if (won < MIN_OUTCOMES_PER_CLASS || lost < MIN_OUTCOMES_PER_CLASS) {
    const missing = [won < MIN_OUTCOMES_PER_CLASS ? `${MIN_OUTCOMES_PER_CLASS - won} more won` : '', lost < MIN_OUTCOMES_PER_CLASS ? `${MIN_OUTCOMES_PER_CLASS - lost} more lost` : '']
      .filter(Boolean)
      .join(' and ');
    return {
      ok: false,
      reason: `too little data to calibrate: ${won} won and ${lost} lost outcomes; at least ${MIN_OUTCOMES_PER_CLASS} of each are needed (${missing})`,
      details: { n: examples.length, won, lost, minPerClass: MIN_OUTCOMES_PER_CLASS },
    };
  }

  // Time order: the most recent part is held out, so the test looks like the future (ties keep input order).
  const times = examples.map((e) => parseIsoTime(e.at));
  const order = Array.from(examples.keys()).sort((a, b) => times[a]! - times[b]! || a - b);
  const sorted = order.map((i) => examples[i]!);
  const nTest = Math.max(1, Math.round(sorted.length * TEST_SHARE));
  const nTrain = sorted.length - nTest;
  const training = sorted.slice(0, nTrain);
  const testing = sorted.slice(nTrain);
  const y = Uint8Array.from(sorted, (e) => (e.outcome === 'won' ? 1 : 0));
  const trainWon = training.reduce((s, e) => s + (e.outcome === 'won' ? 1 : 0), 0);
  const testWon = testing.reduce((s, e) => s + (e.outcome === 'won' ? 1 : 0), 0);
  if (trainWon < FOLDS * 2 || nTrain - trainWon < FOLDS * 2) {
    return {
      ok: false,
      reason: `the earlier ${nTrain} outcomes used for fitting hold ${trainWon} won and ${nTrain - trainWon} lost: too few of one kind to fit and cross-validate (the later ${nTest} are held out)`,
      details: { n: examples.length, won, lost, train: { n: nTrain, won: trainWon } },
    };
  }

  const candidates = discoverRules(base, training, options.candidateProperties);
  const full = encodeExamples(base, candidates, sorted);
  const trainRows = Int32Array.from({ length: nTrain }, (_, i) => i);
  const trainDesign: SparseDesign = { ...full, rows: nTrain, rowStart: full.rowStart.subarray(0, nTrain + 1) };
  const keep = usableRules(trainDesign, Math.max(5, Math.ceil(nTrain * 0.002)));
  const design = selectColumns(full, keep);
  const rules = Array.from(keep, (j) => candidates[j]!);

  const cv = crossValidate(design, y, trainRows, options.seed ?? 1);
  const fit = fitLogistic(design, y, { lambda: cv.chosen, subset: trainRows });

  // Points on the model's scale, rounded to tenths; rules that round to (almost) nothing are left out and the
  // intercept is refitted so the rounded model stays calibrated on the training part.
  const weights = new Float64Array(rules.length);
  const kept: SignalRule[] = [];
  rules.forEach((rule, j) => {
    const points = Math.round(fit.weights[j]! * POINTS_PER_LOG_ODDS * 10) / 10;
    if (Math.abs(points) < MIN_POINTS) return;
    weights[j] = points / POINTS_PER_LOG_ODDS;
    kept.push({ ...rule, points });
  });
  kept.sort((a, b) => Math.abs(b.points) - Math.abs(a.points) || (a.id < b.id ? -1 : 1));
  const intercept = Math.round(refitIntercept(design, y, trainRows, weights, fit.intercept) * 10_000) / 10_000;

  const from = sorted[0]!.at;
  const to = sorted[sorted.length - 1]!.at;
  const made = options.now ?? to;
  const day = made.slice(0, 10);
  const fingerprint = fnv1a(JSON.stringify([base.version, intercept, kept.map((r) => [r.id, r.points])]));
  const signalsDescription = `Learned from ${examples.length} outcomes (${won} won, ${lost} lost) between ${from.slice(0, 10)} and ${to.slice(0, 10)}: fitted on the earlier ${nTrain}, checked on the latest ${nTest}; L2 penalty ${cv.chosen} by ${FOLDS}-fold cross-validation.`;
  const model: ScoringModel = {
    ...structuredClone(base),
    version: `cal-${day}-${fingerprint}`,
    description: `Calibrated on ${day} from ${base.version}. ${signalsDescription}`,
    signals: { description: signalsDescription, rules: kept },
    leadScore: {
      method: 'logistic',
      intercept,
      pointsPerLogOdds: POINTS_PER_LOG_ODDS,
      description: `Conversion probability in percent: 100 × sigmoid(${intercept} + signal points / ${POINTS_PER_LOG_ODDS}).`,
    },
  };
  delete (model as { $schema?: string }).$schema;

  const testWonFlags = testing.map((e) => e.outcome === 'won');
  const before = ranking(leadScores(base, testing), testWonFlags);
  const afterScores = leadScores(model, testing);
  const after = ranking(afterScores, testWonFlags);
  const improved = after.auc !== null && (before.auc === null || after.auc > before.auc);
  const warnings: string[] = [];
  if (after.auc !== null && after.auc < 0.6) {
    warnings.push(
      `held-out AUC ${after.auc} is close to 0.5 (a coin): the outcomes barely follow anything in the profiles; check that outcomes are recorded correctly before using this model`,
    );
  }
  if (!improved) warnings.push(`the calibrated model does not rank the held-out outcomes better than ${base.version} (AUC ${after.auc} vs ${before.auc}): keep the current model`);
  if (testWon === 0 || testWon === nTest) warnings.push(`the held-out part holds only ${testWon === 0 ? 'lost' : 'won'} outcomes, so its AUC cannot be measured`);

  return {
    ok: true,
    model,
    report: {
      n: examples.length,
      won,
      lost,
      period: { from, to },
      train: { n: nTrain, won: trainWon },
      test: { n: nTest, won: testWon, from: testing[0]!.at },
      auc: { before: before.auc, after: after.auc },
      lift: { before: before.lift, after: after.lift },
      calibration: calibrationTable(
        Array.from(afterScores, (s) => s / 100),
        testWonFlags,
      ),
      penalty: { chosen: cv.chosen, folds: FOLDS, path: cv.path },
      features: { considered: rules.length, rules: kept.length },
      improved,
      warnings,
    },
  };
}
