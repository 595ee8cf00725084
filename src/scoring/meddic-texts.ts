// MEDDIC's criterion names for HubSpot's property labels (English, as the other property labels); the texts scoring
// writes (evidence, summary) are in the catalogue (src/scoring/messages.ts, keys meddic.*).
import type { MeddicCriterion } from './meddic-schema.ts';

export const MEDDIC_LABELS: Record<MeddicCriterion, string> = {
  metrics: 'Metrics',
  economic_buyer: 'Economic buyer',
  decision_criteria: 'Decision criteria',
  decision_process: 'Decision process',
  identify_pain: 'Identify pain',
  champion: 'Champion',
};
