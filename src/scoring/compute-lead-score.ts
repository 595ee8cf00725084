// The one number that ranks (docs/contract.md section 3, bant_lead_score), as the model's `leadScore` block says:
// `points` blends fit and engagement (plus signal points) on 0-100; `logistic` turns the signal points into a
// conversion probability in percent, which is what a model calibrated from outcomes produces.
import type { LeadScoreSpec } from './model-schema.ts';

export interface LeadScoreInput {
  fitScore: number;
  engagementScore: number;
  signalPoints: number;
  disqualified: boolean;
}

/** 1 / (1 + e^-z), without overflow for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** 0–100 with one decimal. */
export function computeLeadScore(spec: LeadScoreSpec, input: LeadScoreInput): number {
  let value: number;
  if (spec.method === 'logistic') {
    value = 100 * sigmoid(spec.intercept + input.signalPoints / spec.pointsPerLogOdds);
  } else {
    if (input.disqualified && spec.zeroWhenDisqualified) return 0;
    const engagement = Math.min(100, (100 * Math.max(0, input.engagementScore)) / spec.engagementFull);
    value = spec.fitWeight * input.fitScore + spec.engagementWeight * engagement + input.signalPoints;
  }
  return Math.round(Math.min(100, Math.max(0, value)) * 10) / 10;
}
