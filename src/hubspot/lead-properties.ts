// The app's properties on HubSpot's Leads object (docs/contract.md section 3b), in the leads property group `bant_scoring`:
// the contact's priority and lead score, a one-line BANT summary, and the reason when the app disqualified the lead.
import { DISQUALIFY_REASONS, PRIORITIES } from '../scoring/types.ts';
import { PROPERTY_GROUP, type PropertyDefinition, type PropertyOption } from './bant-properties.ts';

const APP = "Set by the BANT lead scoring app from the lead's contact; changes made by hand are overwritten at the next scoring.";

function options(values: readonly string[]): PropertyOption[] {
  return values.map((value, displayOrder) => ({ label: value, value, displayOrder, hidden: false }));
}

function output(name: string, label: string, description: string, type: PropertyDefinition['type'], fieldType: PropertyDefinition['fieldType'], opts?: PropertyOption[]): PropertyDefinition {
  return { name, label, description: `${description} ${APP}`, groupName: PROPERTY_GROUP.name, type, fieldType, formField: false, ...(opts ? { options: opts } : {}) };
}

export const LEAD_PROPERTIES: PropertyDefinition[] = [
  output('bant_priority', 'BANT priority', "The contact's fit grade and engagement tier together, A1 (best) to D4.", 'enumeration', 'select', options(PRIORITIES)),
  output('bant_lead_score', 'BANT lead score', "The contact's lead score, 0 to 100: sort the lead workspace by it.", 'number', 'number'),
  output('bant_summary', 'BANT summary', 'Budget, authority, need and timeline in one line, e.g. "Budget met · Authority unknown · Need met · Timeline partly met".', 'string', 'text'),
  output('bant_disqualify_reason', 'BANT disqualify reason', 'Why the app moved this lead to the disqualified stage; empty otherwise.', 'enumeration', 'select', options(DISQUALIFY_REASONS)),
];

export const LEAD_PROPERTY_NAMES: string[] = LEAD_PROPERTIES.map((p) => p.name);
