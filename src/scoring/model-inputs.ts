// The HubSpot properties the engine reads: the webhook pipeline rescores only when one of them changes.
import { answerProperty } from './assess-bant.ts';
import { MEDDIC_CRITERIA, MEDDIC_OUTPUT_PROPERTIES, meddicAnswerProperty } from './meddic-schema.ts';
import type { ScoringModel } from './model-schema.ts';
import { CRITERIA } from './types.ts';

const CONTACT = [
  'email',
  'firstname',
  'lastname',
  'company',
  'jobtitle',
  'hs_buying_role',
  'numemployees',
  'annualrevenue',
  'industry',
  'hubspot_owner_id',
  ...CRITERIA.map(answerProperty),
];
const COMPANY = ['name', 'domain', 'numberofemployees', 'industry', 'annualrevenue'];

/**
 * The properties every model reads, plus those its signal rules name (any contact or company property). A MEDDIC model
 * also reads its answer properties, and names its own outputs (`outputs`), read back only to diff the write-back.
 */
export function modelInputs(model: ScoringModel): { contact: string[]; company: string[]; outputs?: string[] } {
  const contact = new Set(CONTACT);
  const company = new Set(COMPANY);
  for (const rule of model.signals.rules) {
    if (rule.kind !== 'property') continue;
    (rule.object === 'company' ? company : contact).add(rule.property);
  }
  if (model.framework !== 'meddic') return { contact: [...contact], company: [...company] };
  for (const criterion of MEDDIC_CRITERIA) contact.add(meddicAnswerProperty(criterion));
  return { contact: [...contact], company: [...company], outputs: [...MEDDIC_OUTPUT_PROPERTIES] };
}

/**
 * Properties calibration in the app may learn from by default (issue 13: the model's inputs plus HubSpot's source,
 * firmographic and form properties that portals commonly fill); the admin may add others. The CLI uses every
 * property in its file instead.
 */
export const COMMON_CANDIDATE_PROPERTIES = [
  'hs_analytics_source',
  'hs_analytics_source_data_1',
  'hs_latest_source',
  'hs_latest_source_data_1',
  'country',
  'state',
  'city',
  'industry',
  'numemployees',
  'numberofemployees',
  'annualrevenue',
  'hs_persona',
  'jobtitle',
  'hs_buying_role',
  'hs_analytics_num_page_views',
  'hs_analytics_num_visits',
  'hs_analytics_last_visit_timestamp',
  'num_conversion_events',
  'num_unique_conversion_events',
  'first_conversion_event_name',
  'recent_conversion_event_name',
  'hs_email_open',
  'hs_email_click',
  'type',
] as const;

export function defaultCandidateProperties(model: ScoringModel): string[] {
  const inputs = modelInputs(model);
  return [...new Set([...inputs.contact, ...inputs.company, ...COMMON_CANDIDATE_PROPERTIES])];
}
