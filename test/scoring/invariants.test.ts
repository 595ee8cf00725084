// Property-based tests (fast-check): the invariants the issue names hold for any profile and time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { score } from '../../src/scoring/index.ts';
import {
  ACTIVITY_TYPES,
  type Activity,
  CRITERION_STATES,
  DISQUALIFY_REASONS,
  GRADES,
  LIFECYCLE_STAGES,
  PRIORITIES,
  type Profile,
  QUALIFICATIONS,
} from '../../src/scoring/types.ts';
import { DAY, model, NOW } from './fixtures.ts';

const NEGATIVE = new Set(['unsubscribe', 'email_bounce']);
const POSITIVE_TYPES = ACTIVITY_TYPES.filter((t) => !NEGATIVE.has(t));

const timeBefore = (now: number) => fc.integer({ min: 0, max: 400 * DAY }).map((age) => new Date(now - age).toISOString());
const url = fc.constantFrom(undefined, 'https://example.com/pricing', 'https://example.com/produkte/a', 'https://example.com/blog', 'https://example.com/karriere');
const title = fc.constantFrom(undefined, 'Whitepaper', 'Bewerbung', 'Masterarbeit', 'Demo');

const activityOf = (types: readonly Activity['type'][]) =>
  fc.record({ type: fc.constantFrom(...types), at: timeBefore(NOW), url, title }).map((a) => {
    const out: Activity = { type: a.type, at: a.at };
    if (a.url !== undefined) out.url = a.url;
    if (a.title !== undefined) out.title = a.title;
    return out;
  });

const maybe = (values: string[]) => fc.constantFrom(undefined, '', ...values);
const profileArb: fc.Arbitrary<Profile> = fc
  .record({
    jobtitle: maybe(['Geschäftsführer', 'Head of IT', 'Marketing Manager', 'Werkstudent', 'Bewerber', 'Einkäufer']),
    email: maybe(['a@gmail.com', 'b@firma.de', 'c@competitor.example']),
    hs_buying_role: maybe(['DECISION_MAKER', 'BUDGET_HOLDER;INFLUENCER', 'END_USER']),
    numemployees: maybe(['1-5', '25-50', '100-500', '1000+', 'garbage']),
    bant_budget_answer: maybe(['approved', 'planned', 'none', 'whatever']),
    bant_authority_answer: maybe(['decision_maker', 'influencer', 'none']),
    bant_need_answer: maybe(['acute', 'latent', 'none']),
    bant_timeline_answer: maybe(['lt_3_months', '3_6_months', '6_12_months', 'gt_12_months']),
    employees: maybe(['0', '10', '120', '3000', '6000', '20000', 'viele']),
    industry: maybe(['MACHINERY', 'COMPUTER_SOFTWARE', 'RETAIL', 'MANAGEMENT_CONSULTING', 'Landwirtschaft']),
    activities: fc.array(activityOf(ACTIVITY_TYPES), { maxLength: 30 }),
  })
  .map(({ employees, industry, activities, ...contact }) => ({
    properties: contact,
    company: employees === undefined && industry === undefined ? null : { properties: { numberofemployees: employees, industry } },
    activities,
  }));

describe('scoring invariants', () => {
  it('when the same profile is scored twice at the same time, then the results are identical', () => {
    fc.assert(
      fc.property(profileArb, (p) => {
        expect(score(p, model, NOW)).toEqual(score(structuredClone(p), model, new Date(NOW)));
      }),
    );
  });

  it('when any profile is scored, then fit is an integer from 0 to 100', () => {
    fc.assert(
      fc.property(profileArb, (p) => {
        const { score: fit } = score(p, model, NOW).fit;
        expect(Number.isInteger(fit) && fit >= 0 && fit <= 100).toBe(true);
      }),
    );
  });

  it('when a positive activity is added, then engagement never goes down', () => {
    fc.assert(
      fc.property(profileArb, activityOf(POSITIVE_TYPES), (p, extra) => {
        const before = score(p, model, NOW).engagement.score;
        const after = score({ ...p, activities: [...p.activities, extra] }, model, NOW).engagement.score;
        expect(after).toBeGreaterThanOrEqual(before);
      }),
    );
  });

  it('when time passes without new activity, then engagement never rises', () => {
    fc.assert(
      fc.property(profileArb, fc.integer({ min: 1, max: 500 * DAY }), (p, later) => {
        const now = score(p, model, NOW).engagement.score;
        const then = score(p, model, NOW + later).engagement.score;
        expect(then).toBeLessThanOrEqual(now);
      }),
    );
  });

  it('when any profile is scored, then every written property holds a value the contract allows', () => {
    fc.assert(
      fc.property(profileArb, (p) => {
        const r = score(p, model, NOW);
        const props = r.properties;
        expect(Object.keys(props).sort()).toEqual(
          [
            'bant_fit_score', 'bant_fit_grade', 'bant_engagement_score', 'bant_engagement_tier', 'bant_priority', 'bant_budget',
            'bant_authority', 'bant_need', 'bant_timeline', 'bant_criteria_met', 'bant_qualification', 'bant_disqualify_reason',
            'bant_score_reasons', 'bant_scored_at', 'bant_model_version', 'bant_lifecycle_stage', 'bant_lead_score',
          ].sort(),
        );
        expect(Object.values(props).every((v) => typeof v === 'string')).toBe(true);
        expect(Number(props.bant_fit_score)).toBeGreaterThanOrEqual(0);
        expect(Number(props.bant_fit_score)).toBeLessThanOrEqual(100);
        expect(GRADES).toContain(props.bant_fit_grade);
        expect(Number(props.bant_engagement_score)).toBeGreaterThanOrEqual(0);
        expect(['1', '2', '3', '4']).toContain(props.bant_engagement_tier);
        expect(PRIORITIES).toContain(props.bant_priority);
        for (const c of [props.bant_budget, props.bant_authority, props.bant_need, props.bant_timeline]) expect(CRITERION_STATES).toContain(c);
        expect(['0', '1', '2', '3', '4']).toContain(props.bant_criteria_met);
        expect(QUALIFICATIONS).toContain(props.bant_qualification);
        if (props.bant_qualification === 'disqualified') expect(DISQUALIFY_REASONS).toContain(props.bant_disqualify_reason);
        else expect(props.bant_disqualify_reason).toBe('');
        expect(props.bant_score_reasons.split('\n').length).toBeLessThanOrEqual(10);
        expect(props.bant_scored_at).toBe(new Date(NOW).toISOString());
        expect(props.bant_model_version).toBe(model.version);
        expect(LIFECYCLE_STAGES).toContain(props.bant_lifecycle_stage);
        expect(Number(props.bant_lead_score)).toBeGreaterThanOrEqual(0);
        expect(Number(props.bant_lead_score)).toBeLessThanOrEqual(100);
        expect(Number(props.bant_lead_score)).toBe(r.leadScore);
        for (const task of r.tasks) expect(task.body.split('\n').at(-1)).toBe(`bant-task: ${task.kind}`);
      }),
    );
  });
});
