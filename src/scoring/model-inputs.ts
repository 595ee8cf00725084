// The HubSpot properties the engine reads: the webhook pipeline rescores only when one of them changes.
import { answerProperty } from './assess-bant.ts';
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

/** Every model reads the same properties today; the model is a parameter so rules may add their own later. */
export function modelInputs(_model: ScoringModel): { contact: string[]; company: string[] } {
  return { contact: [...CONTACT], company: [...COMPANY] };
}
