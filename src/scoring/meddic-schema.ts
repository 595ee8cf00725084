// MEDDIC as a second framework (issue 16 part 4, seed 003: complex B2B deals with several stakeholders): Metrics,
// Economic buyer, Decision criteria, Decision process, Identify pain, Champion. Each criterion has an answer property
// (`meddic_<criterion>_answer`) whose values map to the same four states as BANT; economic buyer and champion also come
// from the buying centre's roles. A model names its framework; BANT is the default.
import { z } from 'zod';
import { CRITERION_STATES } from './types.ts';

export const FRAMEWORKS = ['bant', 'meddic'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

export const MEDDIC_CRITERIA = ['metrics', 'economic_buyer', 'decision_criteria', 'decision_process', 'identify_pain', 'champion'] as const;
export type MeddicCriterion = (typeof MEDDIC_CRITERIA)[number];

const description = z.string().optional().describe('For admins: what this block means and where its default comes from.');
const answers = z
  .record(z.string().min(1), z.enum(CRITERION_STATES))
  .describe('Answer-property value → criterion state; an answer that is set decides the criterion.');
const question = z.string().min(1).describe('What the rep asks when the criterion is unknown.');
const roles = z.array(z.string().min(1)).describe('hs_buying_role values held by someone in the buying centre that meet the criterion.');

// As BANT's need and timeline: recent activities of these engagement rules make an unanswered criterion partial.
const evidenceRules = z
  .array(z.string().regex(/^[a-z][a-z0-9_]*$/))
  .default([])
  .describe('Engagement rule ids whose recent activities are evidence (makes an unanswered criterion partial).');
const withinDays = z.number().positive().default(90).describe('How recent the evidence must be.');

const answered = z.strictObject({ answers, question, evidenceRules, withinDays, description });
const criteria = z.array(z.enum(MEDDIC_CRITERIA));

const qualification = z
  .strictObject({
    description,
    sqlRequires: criteria
      .min(1)
      .default([...MEDDIC_CRITERIA])
      .describe('sql when each of these criteria is met (and the contact is not disqualified); default: all six.'),
    notReadyWhen: criteria.default([]).describe('nurture when any of these criteria is not_met.'),
  })
  .default({ sqlRequires: [...MEDDIC_CRITERIA], notReadyWhen: [] })
  .describe("MEDDIC's outcome rules; mql still comes from the priority cells (mqlCells).");
const fromBuyingCenter = z.strictObject({ answers, question, buyingRoles: roles.min(1), evidenceRules, withinDays, description });

export const meddicSchema = z
  .strictObject({
    description,
    metrics: answered,
    economic_buyer: fromBuyingCenter,
    decision_criteria: answered,
    decision_process: answered,
    identify_pain: answered,
    champion: fromBuyingCenter,
    qualification,
  })
  .describe('MEDDIC criteria (used when framework is "meddic"): answers per criterion; economic buyer and champion also from buying roles.');

export type MeddicModel = z.infer<typeof meddicSchema>;

export const frameworkSchema = z.enum(FRAMEWORKS).optional().describe('The qualification framework: "bant" (default) or "meddic" (needs the meddic block).');

/** The contact property that carries a criterion's state (docs/contract.md section 3, MEDDIC addition). */
export function meddicStateProperty(criterion: MeddicCriterion): `meddic_${MeddicCriterion}` {
  return `meddic_${criterion}`;
}

/** The contact properties the app writes with a MEDDIC model. */
export const MEDDIC_OUTPUT_PROPERTIES: readonly string[] = [...MEDDIC_CRITERIA.map(meddicStateProperty), 'meddic_criteria_met', 'meddic_summary'];

export function meddicAnswerProperty(criterion: MeddicCriterion): string {
  return `meddic_${criterion}_answer`;
}
