import { describe, expect, it } from 'vitest';
import { rocAuc } from '../../src/scoring/evaluate.ts';
import { parseModel, parseOutcome, score } from '../../src/scoring/index.ts';
import { formatOutcomeLine, generateOutcomes } from '../../standin/generate-outcomes.ts';
import { conversionLogOdds, conversionPropensity } from '../../standin/propensity.ts';
import { MODEL_JSON } from '../scoring/fixtures.ts';

const parsed = parseModel(MODEL_JSON);
if (!parsed.ok) throw new Error('default model invalid');
const model = parsed.model;

describe('generateOutcomes', () => {
  const examples = generateOutcomes({ seed: 3, count: 2000 });

  it('when the same seed is used twice, then the outcomes are identical; another seed differs', () => {
    const again = generateOutcomes({ seed: 3, count: 2000 });
    expect(again.map(formatOutcomeLine)).toEqual(examples.map(formatOutcomeLine));
    expect(generateOutcomes({ seed: 4, count: 2000 }).map(formatOutcomeLine)).not.toEqual(examples.map(formatOutcomeLine));
  });

  it('when written as lines, then each parses as an outcome (profile, outcome, at) with about 30 properties and no activity after `at`', () => {
    let properties = 0;
    for (const e of examples) {
      const back = parseOutcome(JSON.parse(formatOutcomeLine(e)));
      expect(back.ok).toBe(true);
      properties += Object.keys(e.profile.properties).length + Object.keys(e.profile.company?.properties ?? {}).length;
      for (const a of e.profile.activities) expect(Date.parse(a.at)).toBeLessThanOrEqual(Date.parse(e.at));
    }
    expect(properties / examples.length).toBeGreaterThan(25);
    const times = new Set(examples.map((e) => e.at.slice(0, 10)));
    expect(times.size).toBeGreaterThan(100);
  });

  it('when outcomes are drawn, then both occur and follow the hidden propensity, which ranks far better than the default model', () => {
    const won = examples.map((e) => e.outcome === 'won');
    const share = won.filter(Boolean).length / won.length;
    expect(share).toBeGreaterThan(0.05);
    expect(share).toBeLessThan(0.4);
    const truth = rocAuc(
      examples.map((e) => conversionPropensity(e.profile, e.at)),
      won,
    );
    const defaultModel = rocAuc(
      examples.map((e) => score(e.profile, model, e.at).leadScore),
      won,
    );
    expect(truth).toBeGreaterThan(0.8);
    expect(truth).toBeGreaterThan(defaultModel + 0.03);
  });

  it('when shuffled, then outcomes ignore the profiles (AUC of the propensity near 0.5)', () => {
    const shuffled = generateOutcomes({ seed: 3, count: 2000, shuffle: true });
    const auc = rocAuc(
      shuffled.map((e) => conversionPropensity(e.profile, e.at)),
      shuffled.map((e) => e.outcome === 'won'),
    );
    expect(Math.abs(auc - 0.5)).toBeLessThan(0.06);
  });
});

describe('conversionPropensity', () => {
  const at = '2026-12-01T09:00:00.000Z';
  const base = { properties: { email: 'a@muster.de', hs_analytics_source: 'REFERRALS', country: 'Germany' }, company: { properties: { industry: 'MACHINERY', numberofemployees: '800' } }, activities: [] };

  it('when a property the default model ignores changes (lead source), then the propensity changes', () => {
    const social = { ...base, properties: { ...base.properties, hs_analytics_source: 'PAID_SOCIAL' } };
    expect(conversionPropensity(base, at)).toBeGreaterThan(conversionPropensity(social, at) * 2);
  });

  it('when industry and size interact, then mid-sized engineering beats both small and very large engineering firms', () => {
    const sized = (n: string) => conversionLogOdds({ ...base, company: { properties: { industry: 'MACHINERY', numberofemployees: n } } }, at);
    expect(sized('800')).toBeGreaterThan(sized('50'));
    expect(sized('800')).toBeGreaterThan(sized('20000'));
  });

  it('when a demo request is recent, then it counts; after `at`, it does not', () => {
    const demo = (days: number) => conversionLogOdds({ ...base, activities: [{ type: 'demo_request' as const, at: new Date(Date.parse(at) - days * 86_400_000).toISOString() }] }, at);
    expect(demo(3)).toBeGreaterThan(demo(60));
    expect(demo(-3)).toBe(conversionLogOdds(base, at));
  });
});
