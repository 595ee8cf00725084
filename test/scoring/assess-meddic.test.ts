import { describe, expect, it } from 'vitest';
import { assessMeddic } from '../../src/scoring/assess-meddic.ts';
import { parseModel } from '../../src/scoring/index.ts';
import { MEDDIC_CRITERIA, type MeddicModel } from '../../src/scoring/meddic-schema.ts';
import { MODEL_JSON, model } from './fixtures.ts';

const YES_NO = { yes: 'met', partly: 'partial', no: 'not_met' } as const;
const MEDDIC: MeddicModel = {
  metrics: { answers: { quantified: 'met', rough: 'partial', none: 'not_met' }, question: 'Which numbers will the buyer judge the result by?' },
  economic_buyer: { answers: { known: 'met', unknown: 'unknown' }, question: 'Who signs the budget?', buyingRoles: ['EXECUTIVE_SPONSOR', 'BUDGET_HOLDER'] },
  decision_criteria: { answers: YES_NO, question: 'How will they choose?' },
  decision_process: { answers: YES_NO, question: 'Which steps until the signature?' },
  identify_pain: { answers: { acute: 'met', latent: 'partial', none: 'not_met' }, question: 'What hurts today?' },
  champion: { answers: YES_NO, question: 'Who sells for us inside?', buyingRoles: ['CHAMPION'] },
};

describe('assessMeddic', () => {
  it('when answers are set, then each decides its criterion with the answer as evidence, and the rest stay unknown', () => {
    const result = assessMeddic({ properties: { meddic_metrics_answer: 'rough', meddic_identify_pain_answer: 'acute', meddic_decision_process_answer: 'no' } }, MEDDIC);
    expect(MEDDIC_CRITERIA.map((c) => [c, result[c].state])).toEqual([
      ['metrics', 'partial'],
      ['economic_buyer', 'unknown'],
      ['decision_criteria', 'unknown'],
      ['decision_process', 'not_met'],
      ['identify_pain', 'met'],
      ['champion', 'unknown'],
    ]);
    expect(result.identify_pain.evidence[0]).toMatchObject({ name: 'meddic_identify_pain_answer', value: 'acute' });
    expect(result.criteriaMet).toBe(1);
  });

  it('when an answer is no key of the model (or an inherited name), then it decides nothing', () => {
    const result = assessMeddic({ properties: { meddic_metrics_answer: '__proto__', meddic_champion_answer: 'constructor', meddic_decision_criteria_answer: 'YES' } }, MEDDIC);
    expect(result.metrics.state).toBe('unknown');
    expect(result.champion.state).toBe('unknown');
    expect(result.decision_criteria.state).toBe('met');
  });

  it('when a colleague in the buying centre holds the budget, then the economic buyer is met naming the colleague; the contact’s own champion role counts too', () => {
    const result = assessMeddic(
      {
        properties: { hs_buying_role: 'CHAMPION;END_USER' },
        buyingCenter: [
          { contactId: '7', name: 'Eva Schmidt', roles: ['INFLUENCER'] },
          { contactId: '3', name: 'Karl Brandt', roles: ['DECISION_MAKER', 'BUDGET_HOLDER'] },
        ],
      },
      MEDDIC,
    );
    expect(result.economic_buyer.state).toBe('met');
    expect(result.economic_buyer.evidence.map((e) => e.text)).toEqual(['economic buyer: Karl Brandt (budget holder), via the buying centre']);
    expect(result.champion.state).toBe('met');
    expect(result.champion.evidence[0]).toMatchObject({ name: 'hs_buying_role', value: 'CHAMPION' });
  });

  it('when an answer says otherwise, then it decides over the buying roles', () => {
    const result = assessMeddic({ properties: { hs_buying_role: 'CHAMPION', meddic_champion_answer: 'no' } }, MEDDIC);
    expect(result.champion.state).toBe('not_met');
  });
});

describe('the framework in the model', () => {
  it('when the shipped model is read, then its framework is BANT (none named) and it has no MEDDIC block', () => {
    expect(model.framework ?? 'bant').toBe('bant');
    expect(model.meddic).toBeUndefined();
  });

  it('when a model names MEDDIC with its criteria, then it is valid; naming MEDDIC without them is refused with the path', () => {
    const ok = parseModel({ ...structuredClone(MODEL_JSON), framework: 'meddic', meddic: MEDDIC });
    expect(ok.ok).toBe(true);
    const missing = parseModel({ ...structuredClone(MODEL_JSON), framework: 'meddic' });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.issues.map((i) => i.path)).toContain('meddic');
    const unknownFramework = parseModel({ ...structuredClone(MODEL_JSON), framework: 'spiced' });
    expect(unknownFramework.ok).toBe(false);
  });
});
