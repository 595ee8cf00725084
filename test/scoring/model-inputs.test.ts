import { describe, expect, it } from 'vitest';
import { defaultCandidateProperties, modelInputs } from '../../src/scoring/index.ts';
import { model, modelWith } from './fixtures.ts';

describe('modelInputs', () => {
  it('when asked for the default model, then it lists every contact and company property the engine reads', () => {
    const inputs = modelInputs(model);
    expect(inputs.contact).toEqual(
      expect.arrayContaining([
        'email', 'jobtitle', 'hs_buying_role', 'numemployees', 'annualrevenue', 'industry', 'company', 'firstname', 'lastname',
        'hubspot_owner_id', 'bant_budget_answer', 'bant_authority_answer', 'bant_need_answer', 'bant_timeline_answer',
      ]),
    );
    expect(inputs.company.sort()).toEqual(['annualrevenue', 'domain', 'industry', 'name', 'numberofemployees']);
  });

  it('when signal rules name other properties, then they are inputs too (contact or company), so changes to them rescore', () => {
    const m = modelWith((x) => {
      x.signals.rules.push(
        { kind: 'property', object: 'contact', property: 'how_did_you_hear', test: { in: ['partner'] }, id: 'a', label: 'a', points: 3 },
        { kind: 'property', object: 'company', property: 'hs_is_target_account', test: { is: true }, id: 'b', label: 'b', points: 3 },
      );
    });
    const inputs = modelInputs(m);
    expect(inputs.contact).toContain('how_did_you_hear');
    expect(inputs.company).toContain('hs_is_target_account');
    expect(modelInputs(model).contact).not.toContain('how_did_you_hear');
  });

  it('when the app asks for default calibration candidates, then they hold the inputs and the common source and firmographic properties', () => {
    expect(defaultCandidateProperties(model)).toEqual(expect.arrayContaining(['jobtitle', 'hs_analytics_source', 'hs_latest_source', 'country', 'hs_persona', 'numberofemployees']));
  });
});
