// The company properties of docs/contract.md section 3a (account qualification) as HubSpot property definitions, in the
// company property group `bant_scoring` (docs/hubspot-platform.md §4.2 for the valid type/fieldType pairs; docs/hubspot-platform.md).
import { CRITERIA, CRITERION_STATES, GRADES, PRIORITIES, QUALIFICATIONS, TIERS } from '../scoring/types.ts';
import { PROPERTY_GROUP, type PropertyDefinition, type PropertyOption } from './bant-properties.ts';

const APP = 'Set by the BANT lead scoring app from the company and its contacts; changes made by hand are overwritten at the next scoring.';

function options(values: readonly string[], label: (v: string) => string = (v) => v): PropertyOption[] {
  return values.map((value, displayOrder) => ({ label: label(value), value, displayOrder, hidden: false }));
}

function output(name: string, label: string, description: string, type: PropertyDefinition['type'], fieldType: PropertyDefinition['fieldType'], opts?: PropertyOption[]): PropertyDefinition {
  return { name, label, description: `${description} ${APP}`, groupName: PROPERTY_GROUP.name, type, fieldType, formField: false, ...(opts ? { options: opts } : {}) };
}

const STATE_LABELS: Record<string, string> = { met: 'Met', partial: 'Partly met', not_met: 'Not met', unknown: 'Unknown' };
const QUALIFICATION_LABELS: Record<string, string> = { disqualified: 'Disqualified', nurture: 'Nurture', mql: 'Marketing qualified (MQL)', sql: 'Sales qualified (SQL)' };

export const COMPANY_PROPERTIES: PropertyDefinition[] = [
  output('bant_account_fit_grade', 'BANT account fit grade', 'How well the company fits (A best … D poorest), from its firmographics and the most senior title in its buying centre.', 'enumeration', 'select', options(GRADES)),
  output('bant_account_engagement_score', 'BANT account engagement score', "The decayed engagement of the company's contacts together, each contact's share capped.", 'number', 'number'),
  output('bant_account_engagement_tier', 'BANT account engagement tier', 'Account engagement tier, 1 (hottest) to 4 (coldest).', 'enumeration', 'select', options(TIERS.map(String))),
  output('bant_account_priority', 'BANT account priority', 'Account fit grade × engagement tier, A1 (best) to D4.', 'enumeration', 'select', options(PRIORITIES)),
  ...CRITERIA.map((c) =>
    output(`bant_account_${c}`, `BANT account ${c}`, `The best ${c} evidence across the company's contacts (met, partly met, not met, unknown).`, 'enumeration', 'select', options(CRITERION_STATES, (s) => STATE_LABELS[s] ?? s)),
  ),
  output('bant_account_qualification', 'BANT account qualification', 'The outcome for the company as the buyer: disqualified, nurture, MQL or SQL.', 'enumeration', 'select', options(QUALIFICATIONS, (q) => QUALIFICATION_LABELS[q] ?? q)),
  output('bant_account_lead_score', 'BANT account lead score', "0–100: the best lead score among the company's contacts.", 'number', 'number'),
  output('bant_buying_center', 'BANT buying centre', 'Who holds which buying role, one line per contact, e.g. "decision maker: Karl Brandt (Geschäftsführer)".', 'string', 'textarea'),
  output('bant_account_score_reasons', 'BANT account score reasons', 'The main contributions to the account values, one per line.', 'string', 'textarea'),
  output('bant_account_scored_at', 'BANT account scored at', 'When these account values were computed.', 'datetime', 'date'),
];

export const COMPANY_OUTPUT_NAMES: string[] = COMPANY_PROPERTIES.map((p) => p.name);
