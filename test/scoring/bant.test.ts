// BANT (seeds 000, 002, 004): answers decide; evidence can only make a criterion partial; unknown ≠ not_met.
import { describe, expect, it } from 'vitest';
import { score } from '../../src/scoring/index.ts';
import { labelOf } from '../../src/scoring/option-labels.ts';
import type { Activity, Criterion, PropertyBag } from '../../src/scoring/types.ts';
import { activity, model, NOW, profile } from './fixtures.ts';

function bantOf(contact: PropertyBag, company: PropertyBag | null = null, activities: Activity[] = []) {
  return score(profile(contact, company, activities), model, NOW).bant;
}

describe('BANT answers decide when set', () => {
  it.each<[Criterion, string, string]>([
    ['budget', 'approved', 'met'],
    ['budget', 'planned', 'partial'],
    ['budget', 'none', 'not_met'],
    ['authority', 'decision_maker', 'met'],
    ['authority', 'influencer', 'partial'],
    ['authority', 'none', 'not_met'],
    ['need', 'acute', 'met'],
    ['need', 'latent', 'partial'],
    ['need', 'none', 'not_met'],
    ['timeline', 'lt_3_months', 'met'],
    ['timeline', '3_6_months', 'met'],
    ['timeline', '6_12_months', 'met'],
    ['timeline', 'gt_12_months', 'not_met'],
  ])('when bant_%s_answer is %s, then the criterion is %s with the answer as evidence', (criterion, answer, state) => {
    const result = bantOf({ [`bant_${criterion}_answer`]: answer })[criterion];
    expect(result.state).toBe(state);
    expect(result.evidence).toEqual([
      { source: 'property', name: `bant_${criterion}_answer`, value: answer, text: labelOf(undefined, `bant_${criterion}_answer`, answer) },
    ]);
  });

  it('when an answer overrides evidence, then the answer wins (a CEO who says he does not decide)', () => {
    expect(bantOf({ jobtitle: 'CEO', bant_authority_answer: 'none' }).authority.state).toBe('not_met');
  });

  it('when an answer has a value the model does not know, then it is ignored rather than guessed', () => {
    expect(bantOf({ bant_budget_answer: 'maybe' }).budget.state).toBe('unknown');
  });
});

describe('BANT evidence without answers', () => {
  it('when an answer names an object key such as constructor or __proto__, then it is no answer (own keys only)', () => {
    for (const value of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'CONSTRUCTOR']) {
      const bant = bantOf({ bant_budget_answer: value, bant_need_answer: value });
      expect(bant.budget, value).toEqual(bantOf({}).budget);
      expect(bant.need, value).toEqual(bantOf({}).need);
    }
  });

  it('when nothing is known, then every criterion is unknown (not not_met) and none is met', () => {
    const bant = bantOf({});
    expect([bant.budget.state, bant.authority.state, bant.need.state, bant.timeline.state]).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
    expect(bant.criteriaMet).toBe(0);
  });

  it('when the company is large or rich, or the contact holds the budget, then budget is partial', () => {
    expect(bantOf({}, { numberofemployees: '1500' }).budget).toMatchObject({ state: 'partial', evidence: [{ name: 'numberofemployees' }] });
    expect(bantOf({}, { annualrevenue: '80000000' }).budget).toMatchObject({ state: 'partial', evidence: [{ name: 'annualrevenue' }] });
    expect(bantOf({ hs_buying_role: 'BUDGET_HOLDER' }).budget.state).toBe('partial');
    expect(bantOf({}, { numberofemployees: '500', annualrevenue: '1000000' }).budget.state).toBe('unknown');
  });

  it('when hs_buying_role or a leadership title points to a decider, then authority is partial (seed 004: decider is not always the CEO)', () => {
    expect(bantOf({ hs_buying_role: 'INFLUENCER;DECISION_MAKER' }).authority).toMatchObject({
      state: 'partial',
      evidence: [{ text: 'buying role: Decision maker' }],
    });
    expect(bantOf({ jobtitle: 'Geschäftsführer' }).authority.state).toBe('partial');
    expect(bantOf({ jobtitle: 'Abteilungsleiter Einkauf' }).authority.state).toBe('partial');
    expect(bantOf({ jobtitle: 'Marketing Manager' }).authority.state).toBe('unknown');
  });

  it('when the contact booked a demo or visited pricing recently, then need and timeline are partial with the activity as evidence', () => {
    const bant = bantOf({}, null, [activity('demo_request', 5)]);
    expect(bant.need).toMatchObject({ state: 'partial', evidence: [{ source: 'activity', name: 'demo_request', text: 'demo booking (5 d ago)' }] });
    expect(bant.timeline.state).toBe('partial');
  });

  it('when the decision-stage activity is older than the window, then timeline stays unknown while need is still partial', () => {
    const bant = bantOf({}, null, [activity('page_view', 45, { url: '/pricing' })]);
    expect(bant.need.state).toBe('partial');
    expect(bant.timeline.state).toBe('unknown');
    expect(bantOf({}, null, [activity('page_view', 120, { url: '/pricing' })]).need.state).toBe('unknown');
  });

  it('when top-of-funnel activity is all there is, then need stays unknown', () => {
    expect(bantOf({}, null, [activity('content_download', 1), activity('email_click', 1)]).need.state).toBe('unknown');
  });

  it('when three criteria are answered met, then criteriaMet is 3', () => {
    expect(bantOf({ bant_budget_answer: 'approved', bant_need_answer: 'acute', bant_timeline_answer: 'lt_3_months' }).criteriaMet).toBe(3);
  });
});

describe('BANT from sales feedback', () => {
  it('when a rep loses or rejects a lead naming a criterion, then that criterion is not_met with the feedback as evidence', () => {
    const lost = bantOf({ jobtitle: 'CEO', bant_feedback: 'lost', bant_feedback_criterion: 'authority' });
    expect(lost.authority).toEqual({
      state: 'not_met',
      evidence: [{ source: 'property', name: 'bant_feedback_criterion', value: 'authority', text: 'sales feedback: lost, authority not met' }],
    });
    expect(bantOf({ bant_feedback: 'rejected', bant_feedback_criterion: 'budget' }).budget.state).toBe('not_met');
  });

  it('when the feedback is accepted or won, or names no BANT criterion, then the criteria are untouched', () => {
    expect(bantOf({ bant_feedback: 'won', bant_feedback_criterion: 'budget' }).budget.state).toBe('unknown');
    expect(bantOf({ bant_feedback: 'lost', bant_feedback_criterion: 'competitor' }).budget.state).toBe('unknown');
  });

  it('when an answer property says otherwise, then the answer wins over the feedback', () => {
    expect(bantOf({ bant_feedback: 'lost', bant_feedback_criterion: 'budget', bant_budget_answer: 'approved' }).budget.state).toBe('met');
  });
});
