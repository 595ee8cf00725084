// The app's properties on HubSpot's Leads object (docs/contract.md section 3b), in the leads property group `bant_scoring`:
// the contact's priority and lead score, a one-line BANT summary, and the reason when the app disqualified the lead.
import { DEFAULT_LANGUAGE, type Language } from '../scoring/catalogue.ts';
import { DISQUALIFY_REASONS, type DisqualifyReason, PRIORITIES } from '../scoring/types.ts';
import { PROPERTY_TEXTS } from './property-texts.ts';
import { PROPERTY_GROUP, type PropertyDefinition, type PropertyOption } from './bant-properties.ts';

function options(values: readonly string[], label: (value: string) => string = (value) => value): PropertyOption[] {
  return values.map((value, displayOrder) => ({ label: label(value), value, displayOrder, hidden: false }));
}

/** The lead properties with labels and descriptions in the installation's language (names and values never change). */
export function leadPropertyDefinitions(language: Language = DEFAULT_LANGUAGE): PropertyDefinition[] {
  const say = PROPERTY_TEXTS.in(language);
  const output = (name: LeadPropertyName, type: PropertyDefinition['type'], fieldType: PropertyDefinition['fieldType'], opts?: PropertyOption[]): PropertyDefinition => ({
    name,
    label: say(`lead.${name}.label`),
    description: `${say(`lead.${name}.description`)} ${say('lead.app')}`,
    groupName: PROPERTY_GROUP.name,
    type,
    fieldType,
    formField: false,
    ...(opts ? { options: opts } : {}),
  });
  return [
    output('bant_priority', 'enumeration', 'select', options(PRIORITIES)),
    output('bant_lead_score', 'number', 'number'),
    output('bant_summary', 'string', 'text'),
    output('bant_disqualify_reason', 'enumeration', 'select', options(DISQUALIFY_REASONS, (reason) => say(`reason.${reason as DisqualifyReason}`))),
  ];
}

type LeadPropertyName = 'bant_priority' | 'bant_lead_score' | 'bant_summary' | 'bant_disqualify_reason';

export const LEAD_PROPERTY_NAMES: string[] = leadPropertyDefinitions().map((p) => p.name);
