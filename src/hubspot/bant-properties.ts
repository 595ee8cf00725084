// The contact properties of docs/contract.md section 3 as HubSpot property definitions (docs/hubspot-platform.md §4.2 for the valid
// type/fieldType pairs). Labels and descriptions are what an admin sees in HubSpot's property settings.
import { CRITERION_STATES, DISQUALIFY_REASONS, GRADES, LIFECYCLE_STAGES, PRIORITIES, QUALIFICATIONS, TIERS } from '../scoring/types.ts';

export const PROPERTY_GROUP = { name: 'bant_scoring', label: 'BANT lead scoring', displayOrder: -1 } as const;

export interface PropertyOption {
  label: string;
  value: string;
  displayOrder: number;
  hidden: boolean;
  description?: string;
}

export interface PropertyDefinition {
  name: string;
  label: string;
  description: string;
  groupName: string;
  type: 'number' | 'enumeration' | 'string' | 'datetime';
  fieldType: 'number' | 'select' | 'text' | 'textarea' | 'date';
  formField: boolean;
  options?: PropertyOption[];
}

const APP = 'Set by the BANT lead scoring app; changes made by hand are overwritten at the next scoring.';

function options(entries: ReadonlyArray<readonly [string, string]>): PropertyOption[] {
  return entries.map(([value, label], displayOrder) => ({ label, value, displayOrder, hidden: false }));
}

function output(name: string, label: string, description: string, type: PropertyDefinition['type'], fieldType: PropertyDefinition['fieldType'], opts?: PropertyOption[]): PropertyDefinition {
  return { name, label, description: `${description} ${APP}`, groupName: PROPERTY_GROUP.name, type, fieldType, formField: false, ...(opts ? { options: opts } : {}) };
}

function answer(name: string, label: string, description: string, opts: PropertyOption[]): PropertyDefinition {
  return { name, label, description, groupName: PROPERTY_GROUP.name, type: 'enumeration', fieldType: 'select', formField: true, options: opts };
}

const GRADE_LABELS: Record<string, string> = { A: 'A (best fit)', B: 'B (good fit)', C: 'C (weak fit)', D: 'D (poor fit)' };
const TIER_LABELS: Record<string, string> = { '1': '1 (hottest)', '2': '2 (warm)', '3': '3 (cool)', '4': '4 (coldest)' };
const STATE_LABELS: Record<string, string> = { met: 'Met', partial: 'Partly met', not_met: 'Not met', unknown: 'Unknown' };
const QUALIFICATION_LABELS: Record<string, string> = {
  disqualified: 'Disqualified',
  nurture: 'Nurture',
  mql: 'Marketing qualified (MQL)',
  sql: 'Sales qualified (SQL)',
};
const REASON_LABELS: Record<string, string> = {
  competitor: 'Competitor',
  student: 'Student',
  applicant: 'Job applicant',
  no_need: 'No need',
  no_fit: 'No fit',
  other: 'Other',
};
const STAGE_LABELS: Record<string, string> = {
  subscriber: 'Subscriber',
  lead: 'Lead',
  marketingqualifiedlead: 'Marketing qualified lead',
  salesqualifiedlead: 'Sales qualified lead',
};

const criterion = (key: 'budget' | 'authority' | 'need' | 'timeline', what: string) =>
  output(
    `bant_${key}`,
    `BANT ${key}`,
    `Whether the ${what} criterion is met, partly met, not met or still unknown, from answers, properties and activity.`,
    'enumeration',
    'select',
    options(CRITERION_STATES.map((s) => [s, STATE_LABELS[s] ?? s] as const)),
  );

export const OUTPUT_PROPERTIES: PropertyDefinition[] = [
  output('bant_fit_score', 'BANT fit score', 'How well the contact and its company match the ideal customer profile, 0 to 100.', 'number', 'number'),
  output('bant_fit_grade', 'BANT fit grade', 'The fit score as a grade: A is the best fit, D the poorest.', 'enumeration', 'select', options(GRADES.map((g) => [g, GRADE_LABELS[g] ?? g] as const))),
  output('bant_engagement_score', 'BANT engagement score', 'Points for recent activity (visits, forms, emails, meetings, calls); older activity counts less.', 'number', 'number'),
  output('bant_engagement_tier', 'BANT engagement tier', 'The engagement score as a tier: 1 is the hottest, 4 the coldest.', 'enumeration', 'select', options(TIERS.map((t) => [String(t), TIER_LABELS[String(t)] ?? String(t)] as const))),
  output('bant_priority', 'BANT priority', 'Fit grade and engagement tier together: A1 is the best-fitting, most engaged contact, D4 the least.', 'enumeration', 'select', options(PRIORITIES.map((p) => [p, p] as const))),
  criterion('budget', 'budget'),
  criterion('authority', 'authority (buying power)'),
  criterion('need', 'need'),
  criterion('timeline', 'timeline'),
  output('bant_criteria_met', 'BANT criteria met', 'How many of the four BANT criteria (budget, authority, need, timeline) are met, 0 to 4.', 'number', 'number'),
  output('bant_qualification', 'BANT qualification', 'The outcome: disqualified, nurture, marketing qualified (MQL) or sales qualified (SQL).', 'enumeration', 'select', options(QUALIFICATIONS.map((q) => [q, QUALIFICATION_LABELS[q] ?? q] as const))),
  output('bant_disqualify_reason', 'BANT disqualify reason', 'Why the contact is disqualified; empty unless it is.', 'enumeration', 'select', options(DISQUALIFY_REASONS.map((r) => [r, REASON_LABELS[r] ?? r] as const))),
  output('bant_score_reasons', 'BANT score reasons', 'The main contributions to the scores, one per line, largest first (e.g. "+25 webinar registration (3 d ago)").', 'string', 'textarea'),
  output('bant_scored_at', 'BANT scored at', 'When these BANT values were computed.', 'datetime', 'date'),
  output('bant_model_version', 'BANT model version', 'The version of the scoring model that computed these values.', 'string', 'text'),
  output('bant_lifecycle_stage', 'BANT recommended lifecycle stage', 'The lifecycle stage the scoring recommends (the app moves the real lifecycle stage only forward, if enabled).', 'enumeration', 'select', options(LIFECYCLE_STAGES.map((s) => [s, STAGE_LABELS[s] ?? s] as const))),
  output('bant_lead_score', 'BANT lead score', 'The one number that ranks contacts by how likely they are to become customers, 0 to 100; for a model calibrated from outcomes, the estimated conversion probability in percent. Sort views by it.', 'number', 'number'),
  output('bant_became_mql_at', 'BANT became MQL at', 'When the contact first became marketing qualified (MQL) or better under this app; kept when it later leaves that outcome.', 'datetime', 'date'),
  output('bant_became_sql_at', 'BANT became SQL at', 'When the contact first became sales qualified (SQL) under this app; kept when it later leaves that outcome.', 'datetime', 'date'),
];

export const ANSWER_PROPERTIES: PropertyDefinition[] = [
  answer('bant_budget_answer', 'BANT budget (answer)', 'What the contact said about budget; reps fill it in during calls, forms can ask it.', options([['approved', 'Budget approved'], ['planned', 'Budget planned'], ['none', 'No budget']])),
  answer('bant_authority_answer', 'BANT authority (answer)', 'The contact\'s role in the buying decision; reps fill it in during calls, forms can ask it.', options([['decision_maker', 'Decision maker'], ['influencer', 'Influencer'], ['none', 'No say in the decision']])),
  answer('bant_need_answer', 'BANT need (answer)', 'How pressing the contact\'s need is; reps fill it in during calls, forms can ask it.', options([['acute', 'Acute need'], ['latent', 'Latent need'], ['none', 'No need']])),
  answer('bant_timeline_answer', 'BANT timeline (answer)', 'When the contact plans to buy; reps fill it in during calls, forms can ask it.', options([['lt_3_months', 'Within 3 months'], ['3_6_months', 'In 3 to 6 months'], ['6_12_months', 'In 6 to 12 months'], ['gt_12_months', 'In more than 12 months']])),
];

/** Sales feedback (seed 002): reps say what became of a lead, which criterion failed and against which competitor. */
export const FEEDBACK_PROPERTIES: PropertyDefinition[] = [
  answer('bant_feedback', 'Sales feedback on this lead', 'What sales made of this lead: accepted (being worked), rejected (not a real lead now), won or lost. The scoring app learns from it.', options([['accepted', 'Accepted: we work this lead'], ['rejected', 'Rejected: not a real lead now'], ['won', 'Won'], ['lost', 'Lost']])),
  answer('bant_feedback_criterion', 'Sales feedback: what failed', 'For a rejected or lost lead: what was missing. A BANT criterion named here counts as not met until its answer property says otherwise.', options([['budget', 'Budget'], ['authority', 'Authority (no decision maker)'], ['need', 'Need'], ['timeline', 'Timeline'], ['fit', 'Poor fit'], ['pseudo_lead', 'Not a real lead (student, applicant, spam)'], ['competitor', 'Went with a competitor'], ['other', 'Other']])),
  { name: 'bant_feedback_competitor', label: 'Sales feedback: competitor', description: 'For a lost lead: the competitor it went to.', groupName: PROPERTY_GROUP.name, type: 'string', fieldType: 'text', formField: false },
];

export const FEEDBACK_PROPERTY_NAMES: string[] = FEEDBACK_PROPERTIES.map((p) => p.name);

export const ALL_PROPERTIES: PropertyDefinition[] = [...OUTPUT_PROPERTIES, ...ANSWER_PROPERTIES, ...FEEDBACK_PROPERTIES];

export const OUTPUT_PROPERTY_NAMES: string[] = OUTPUT_PROPERTIES.map((p) => p.name);
