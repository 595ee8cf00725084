// The app's properties on HubSpot's Leads object (docs/contract.md section 3b), in the leads property group `bant_scoring`:
// the contact's priority and lead score, a one-line BANT summary, and the reason when the app disqualified the lead.
import { DEFAULT_LANGUAGE, type Language } from '../scoring/catalogue.ts';
import { DISQUALIFY_REASONS, type DisqualifyReason, PRIORITIES } from '../scoring/types.ts';
import { PROPERTY_TEXTS } from './property-texts.ts';
import { appOutputProperty, optionsOf, type PropertyDefinition, type PropertyOption } from './bant-properties.ts';

/** The lead properties with labels and descriptions in the installation's language (names and values never change). */
export function leadPropertyDefinitions(language: Language = DEFAULT_LANGUAGE): PropertyDefinition[] {
  const say = PROPERTY_TEXTS.in(language);
  const output = (name: LeadPropertyName, type: PropertyDefinition['type'], fieldType: PropertyDefinition['fieldType'], opts?: PropertyOption[]): PropertyDefinition =>
    appOutputProperty(name, say(`lead.${name}.label`), `${say(`lead.${name}.description`)} ${say('lead.app')}`, type, fieldType, opts);
  return [
    output('bant_priority', 'enumeration', 'select', optionsOf(PRIORITIES)),
    output('bant_lead_score', 'number', 'number'),
    output('bant_summary', 'string', 'text'),
    output('bant_disqualify_reason', 'enumeration', 'select', optionsOf(DISQUALIFY_REASONS, (reason) => say(`reason.${reason as DisqualifyReason}`))),
  ];
}

type LeadPropertyName = 'bant_priority' | 'bant_lead_score' | 'bant_summary' | 'bant_disqualify_reason';

export const LEAD_PROPERTY_NAMES: string[] = leadPropertyDefinitions().map((p) => p.name);
