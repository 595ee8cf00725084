// The company properties of docs/contract.md section 3a (account qualification) as HubSpot property definitions, in the
// company property group `bant_scoring` (docs/hubspot-platform.md §4.2 for the valid type/fieldType pairs; docs/hubspot-platform.md).
import { CRITERIA, CRITERION_STATES, GRADES, PRIORITIES, QUALIFICATIONS, TIERS } from '../scoring/types.ts';
import { DEFAULT_LANGUAGE, type Language } from '../scoring/catalogue.ts';
import { MESSAGES } from '../scoring/messages.ts';
import { appOutputProperty, optionsOf, type PropertyDefinition, type PropertyOption } from './bant-properties.ts';
import { PROPERTY_TEXTS, type PropertyTextKey } from './property-texts.ts';

/** The company properties with their texts in `language`; names, types and option values never change. */
export function companyPropertiesIn(language: Language): PropertyDefinition[] {
  const say = PROPERTY_TEXTS.in(language);
  const output = (name: string, type: PropertyDefinition['type'], fieldType: PropertyDefinition['fieldType'], opts?: PropertyOption[], description?: string): PropertyDefinition =>
    appOutputProperty(name, say(`${name}.label` as PropertyTextKey), `${description ?? say(`${name}.description` as PropertyTextKey)} ${say('app.company')}`, type, fieldType, opts);
  return [
    output('bant_account_fit_grade', 'enumeration', 'select', optionsOf(GRADES)),
    output('bant_account_engagement_score', 'number', 'number'),
    output('bant_account_engagement_tier', 'enumeration', 'select', optionsOf(TIERS.map(String))),
    output('bant_account_priority', 'enumeration', 'select', optionsOf(PRIORITIES)),
    ...CRITERIA.map((c) =>
      output(
        `bant_account_${c}`,
        'enumeration',
        'select',
        optionsOf(CRITERION_STATES, (s) => say(`state.${s}` as PropertyTextKey)),
        say('bant_account_criterion.description', { criterion: MESSAGES.in(language)(`criterionInText.${c}`) }),
      ),
    ),
    output('bant_account_qualification', 'enumeration', 'select', optionsOf(QUALIFICATIONS, (q) => say(`qualification.${q}` as PropertyTextKey))),
    output('bant_account_lead_score', 'number', 'number'),
    output('bant_buying_center', 'string', 'textarea'),
    output('bant_account_score_reasons', 'string', 'textarea'),
    output('bant_account_scored_at', 'datetime', 'date'),
  ];
}

export const COMPANY_PROPERTIES: PropertyDefinition[] = companyPropertiesIn(DEFAULT_LANGUAGE);

export const COMPANY_OUTPUT_NAMES: string[] = COMPANY_PROPERTIES.map((p) => p.name);
