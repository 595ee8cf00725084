// Calibration from outcomes: fits the model's rules and rules discovered from every property and activity,
// by L2-regularised logistic regression with the penalty chosen by cross-validation, and reports on a
// time-ordered held-out part (DESIGN: honest splits). Work in progress: see the commits that follow.
import type { ScoringModel } from './model-schema.ts';
import type { CalibrationBin } from './evaluate.ts';
import type { OutcomeExample } from './outcomes.ts';

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
  test: { n: number; won: number; from: string };
  /** Held-out ROC AUC of the base model's and the calibrated model's leadScore. */
  auc: { before: number | null; after: number | null };
  lift: { before: { top10: number | null; top20: number | null }; after: { top10: number | null; top20: number | null } };
  calibration: CalibrationBin[];
  /** The chosen L2 penalty and the cross-validated log-loss per candidate penalty. */
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

export function calibrateModel(base: ScoringModel, examples: readonly OutcomeExample[], options: CalibrateOptions = {}): CalibrateResult {
  void base;
  void options;
  const won = examples.filter((e) => e.outcome === 'won').length;
  return { ok: false, reason: 'calibration is not implemented yet', details: { n: examples.length, won } };
}
