// The MEDDIC contact properties (docs/contract.md section 3, MEDDIC addition), in the app's group `bant_scoring`. They
// exist only in portals whose active model names the framework "meddic": the answer properties' options are that
// model's answer values, so the definitions come from the model. Labels and descriptions are in the installation's
// language (src/hubspot/property-texts.ts); the model's questions and answer values are the admin's own words.
import { DEFAULT_LANGUAGE, type Language } from '../scoring/catalogue.ts';
import { MEDDIC_CRITERIA, type MeddicModel, meddicAnswerProperty, meddicStateProperty } from '../scoring/meddic-schema.ts';
import { CRITERION_STATES } from '../scoring/types.ts';
import { appOutputProperty, optionsOf, PROPERTY_GROUP, type PropertyDefinition, type PropertyOption } from './bant-properties.ts';
import { PROPERTY_TEXTS } from './property-texts.ts';

export function meddicPropertyDefinitions(meddic: MeddicModel, language: Language = DEFAULT_LANGUAGE): PropertyDefinition[] {
  const say = PROPERTY_TEXTS.in(language);
  const output = (name: string, label: string, description: string, type: PropertyDefinition['type'], fieldType: PropertyDefinition['fieldType'], opts?: PropertyOption[]): PropertyDefinition =>
    appOutputProperty(name, label, `${description} ${say('meddic.app')}`, type, fieldType, opts);
  const stateOptions = optionsOf(CRITERION_STATES, (state) => say(`state.${state as (typeof CRITERION_STATES)[number]}`));
  const states = MEDDIC_CRITERIA.map((c) =>
    output(
      meddicStateProperty(c),
      say('meddic_state.label', { criterion: say(`meddic.nameInLabel.${c}`) }),
      say('meddic_state.description', { criterion: say(`meddic.name.${c}`) }),
      'enumeration',
      'select',
      stateOptions,
    ),
  );
  const answers = MEDDIC_CRITERIA.map(
    (c): PropertyDefinition => ({
      name: meddicAnswerProperty(c),
      label: say('meddic_answer.label', { criterion: say(`meddic.nameInLabel.${c}`) }),
      description: say('meddic_answer.description', { question: meddic[c].question }),
      groupName: PROPERTY_GROUP.name,
      type: 'enumeration',
      fieldType: 'select',
      formField: true,
      options: optionsOf(Object.keys(meddic[c].answers)),
    }),
  );
  return [
    ...states,
    output('meddic_criteria_met', say('meddic_criteria_met.label'), say('meddic_criteria_met.description'), 'number', 'number'),
    output('meddic_summary', say('meddic_summary.label'), say('meddic_summary.description'), 'string', 'textarea'),
    ...answers,
  ];
}
