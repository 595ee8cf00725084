import { describe, expect, it } from 'vitest';
import { modelInputs } from '../../src/scoring/index.ts';
import { model } from './fixtures.ts';

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
});
