// The MEDDIC contact properties (docs/contract.md section 3, MEDDIC addition), in the app's group `bant_scoring`. They
// exist only in portals whose active model names the framework "meddic": the answer properties' options are that
// model's answer values, so the definitions come from the model.
import { MEDDIC_CRITERIA, type MeddicModel, meddicAnswerProperty, meddicStateProperty } from '../scoring/meddic-schema.ts';
import { MEDDIC_LABELS } from '../scoring/meddic-texts.ts';
import { CRITERION_STATES } from '../scoring/types.ts';
import { PROPERTY_GROUP, type PropertyDefinition, type PropertyOption } from './bant-properties.ts';

const APP = 'Set by the BANT lead scoring app (MEDDIC model); changes made by hand are overwritten at the next scoring.';
const STATE_LABELS: Record<string, string> = { met: 'Met', partial: 'Partly met', not_met: 'Not met', unknown: 'Unknown' };

function options(values: readonly string[], labels: Record<string, string> = {}): PropertyOption[] {
  return values.map((value, displayOrder) => ({ label: Object.hasOwn(labels, value) ? labels[value]! : value, value, displayOrder, hidden: false }));
}

function output(name: string, label: string, description: string, type: PropertyDefinition['type'], fieldType: PropertyDefinition['fieldType'], opts?: PropertyOption[]): PropertyDefinition {
  return { name, label, description: `${description} ${APP}`, groupName: PROPERTY_GROUP.name, type, fieldType, formField: false, ...(opts ? { options: opts } : {}) };
}

export function meddicPropertyDefinitions(meddic: MeddicModel): PropertyDefinition[] {
  const states = MEDDIC_CRITERIA.map((c) =>
    output(meddicStateProperty(c), `MEDDIC ${MEDDIC_LABELS[c].toLowerCase()}`, `The state of the MEDDIC criterion ${MEDDIC_LABELS[c]}.`, 'enumeration', 'select', options(CRITERION_STATES, STATE_LABELS)),
  );
  const answers = MEDDIC_CRITERIA.map(
    (c): PropertyDefinition => ({
      name: meddicAnswerProperty(c),
      label: `MEDDIC ${MEDDIC_LABELS[c].toLowerCase()} (answer)`,
      description: `${meddic[c].question} Reps fill it in during calls; the active model maps each value to a state.`,
      groupName: PROPERTY_GROUP.name,
      type: 'enumeration',
      fieldType: 'select',
      formField: true,
      options: options(Object.keys(meddic[c].answers)),
    }),
  );
  return [
    ...states,
    output('meddic_criteria_met', 'MEDDIC criteria met', 'How many of the six MEDDIC criteria are met, 0 to 6.', 'number', 'number'),
    output('meddic_summary', 'MEDDIC summary', 'How many criteria are met, and what is still open with the question to ask.', 'string', 'textarea'),
    ...answers,
  ];
}
