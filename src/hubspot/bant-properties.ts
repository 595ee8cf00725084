// The contact properties of docs/contract.md section 3 as HubSpot property definitions (docs/hubspot-platform.md §4.2 for the valid
// type/fieldType pairs). Labels and descriptions are what an admin sees in HubSpot's property settings, in the installation's
// language (src/hubspot/property-texts.ts).
import { DEFAULT_LANGUAGE, type Language } from '../scoring/catalogue.ts';
import { MESSAGES, type OptionKey } from '../scoring/messages.ts';
import { CRITERION_STATES, DISQUALIFY_REASONS, GRADES, LIFECYCLE_STAGES, PRIORITIES, QUALIFICATIONS, TIERS } from '../scoring/types.ts';
import { PROPERTY_TEXTS, type PropertyTextKey } from './property-texts.ts';

export interface PropertyGroup {
  name: string;
  label: string;
  displayOrder: number;
}

/** The app's property group (contacts and companies) with its label in `language`; the name never changes. */
export function propertyGroupIn(language: Language): PropertyGroup {
  return { name: 'bant_scoring', label: PROPERTY_TEXTS.in(language)('group.label'), displayOrder: -1 };
}

export const PROPERTY_GROUP: PropertyGroup = propertyGroupIn(DEFAULT_LANGUAGE);

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

function options(entries: ReadonlyArray<readonly [string, string]>): PropertyOption[] {
  return entries.map(([value, label], displayOrder) => ({ label, value, displayOrder, hidden: false }));
}

/** Options from values in their order, each labelled by `label` (by default the value itself). */
export function optionsOf(values: readonly string[], label: (value: string) => string = (value) => value): PropertyOption[] {
  return options(values.map((value) => [value, label(value)] as const));
}

/** One of the app's output properties (contacts, companies, leads, MEDDIC): in the app's group, set by the app, never a form field. */
export function appOutputProperty(
  name: string,
  label: string,
  description: string,
  type: PropertyDefinition['type'],
  fieldType: PropertyDefinition['fieldType'],
  opts?: PropertyOption[],
): PropertyDefinition {
  return { name, label, description, groupName: PROPERTY_GROUP.name, type, fieldType, formField: false, ...(opts ? { options: opts } : {}) };
}

/** The contact properties with their texts in `language`; names, types and option values are the same in every language. */
export function contactPropertiesIn(language: Language): { output: PropertyDefinition[]; answers: PropertyDefinition[]; feedback: PropertyDefinition[] } {
  const say = PROPERTY_TEXTS.in(language);
  const sayMessage = MESSAGES.in(language);
  const text = (name: string, key: 'label' | 'description') => say(`${name}.${key}` as PropertyTextKey);
  const output = (name: string, type: PropertyDefinition['type'], fieldType: PropertyDefinition['fieldType'], opts?: PropertyOption[]): PropertyDefinition =>
    appOutputProperty(name, text(name, 'label'), `${text(name, 'description')} ${say('app.contact')}`, type, fieldType, opts);
  const answer = (name: string, opts: PropertyOption[]): PropertyDefinition => ({
    name,
    label: text(name, 'label'),
    description: text(name, 'description'),
    groupName: PROPERTY_GROUP.name,
    type: 'enumeration',
    fieldType: 'select',
    formField: true,
    options: opts,
  });
  /** The app's answer options, labelled as reasons and the card label them (src/scoring/messages.ts). */
  const answerOptions = (name: string, values: readonly string[]) => options(values.map((v) => [v, sayMessage(`option.${name}.${v}` as OptionKey)] as const));
  const feedbackOptions = (name: string, values: readonly string[]) => options(values.map((v) => [v, say(`${name}.option.${v}` as PropertyTextKey)] as const));
  const states = options(CRITERION_STATES.map((s) => [s, say(`state.${s}`)] as const));
  return {
    output: [
      output('bant_fit_score', 'number', 'number'),
      output('bant_fit_grade', 'enumeration', 'select', options(GRADES.map((g) => [g, say(`grade.${g}`)] as const))),
      output('bant_engagement_score', 'number', 'number'),
      output('bant_engagement_tier', 'enumeration', 'select', options(TIERS.map((t) => [String(t), say(`tier.${t}`)] as const))),
      output('bant_priority', 'enumeration', 'select', options(PRIORITIES.map((p) => [p, p] as const))),
      output('bant_budget', 'enumeration', 'select', states),
      output('bant_authority', 'enumeration', 'select', states),
      output('bant_need', 'enumeration', 'select', states),
      output('bant_timeline', 'enumeration', 'select', states),
      output('bant_criteria_met', 'number', 'number'),
      output('bant_qualification', 'enumeration', 'select', options(QUALIFICATIONS.map((q) => [q, say(`qualification.${q}`)] as const))),
      output('bant_disqualify_reason', 'enumeration', 'select', options(DISQUALIFY_REASONS.map((r) => [r, say(`reason.${r}`)] as const))),
      output('bant_score_reasons', 'string', 'textarea'),
      output('bant_scored_at', 'datetime', 'date'),
      output('bant_model_version', 'string', 'text'),
      output('bant_lifecycle_stage', 'enumeration', 'select', options(LIFECYCLE_STAGES.map((s) => [s, say(`stage.${s}`)] as const))),
      output('bant_lead_score', 'number', 'number'),
      output('bant_became_mql_at', 'datetime', 'date'),
      output('bant_became_sql_at', 'datetime', 'date'),
    ],
    answers: [
      answer('bant_budget_answer', answerOptions('bant_budget_answer', ['approved', 'planned', 'none'])),
      answer('bant_authority_answer', answerOptions('bant_authority_answer', ['decision_maker', 'influencer', 'none'])),
      answer('bant_need_answer', answerOptions('bant_need_answer', ['acute', 'latent', 'none'])),
      answer('bant_timeline_answer', answerOptions('bant_timeline_answer', ['lt_3_months', '3_6_months', '6_12_months', 'gt_12_months'])),
    ],
    /** Sales feedback (seed 002): reps say what became of a lead, which criterion failed and against which competitor. */
    feedback: [
      answer('bant_feedback', feedbackOptions('bant_feedback', ['accepted', 'rejected', 'won', 'lost'])),
      answer(
        'bant_feedback_criterion',
        feedbackOptions('bant_feedback_criterion', ['budget', 'authority', 'need', 'timeline', 'fit', 'pseudo_lead', 'competitor', 'other']),
      ),
      {
        name: 'bant_feedback_competitor',
        label: text('bant_feedback_competitor', 'label'),
        description: text('bant_feedback_competitor', 'description'),
        groupName: PROPERTY_GROUP.name,
        type: 'string',
        fieldType: 'text',
        formField: false,
      },
    ],
  };
}

/** Every contact property of the app, with its texts in `language`. */
export function allPropertiesIn(language: Language): PropertyDefinition[] {
  const { output, answers, feedback } = contactPropertiesIn(language);
  return [...output, ...answers, ...feedback];
}

const ENGLISH = contactPropertiesIn(DEFAULT_LANGUAGE);
export const OUTPUT_PROPERTIES: PropertyDefinition[] = ENGLISH.output;
export const ANSWER_PROPERTIES: PropertyDefinition[] = ENGLISH.answers;
export const FEEDBACK_PROPERTIES: PropertyDefinition[] = ENGLISH.feedback;

export const FEEDBACK_PROPERTY_NAMES: string[] = FEEDBACK_PROPERTIES.map((p) => p.name);

export const ALL_PROPERTIES: PropertyDefinition[] = [...OUTPUT_PROPERTIES, ...ANSWER_PROPERTIES, ...FEEDBACK_PROPERTIES];

export const OUTPUT_PROPERTY_NAMES: string[] = OUTPUT_PROPERTIES.map((p) => p.name);
