import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibrateModel, MIN_OUTCOMES_PER_CLASS } from '../../src/scoring/calibrate.ts';
import { isOutcomeSide } from '../../src/scoring/discover-rules.ts';
import { evaluateOutcomes } from '../../src/scoring/evaluate.ts';
import { parseModel } from '../../src/scoring/index.ts';
import type { OutcomeExample } from '../../src/scoring/outcomes.ts';
import { prng } from '../../standin/generate-portal.ts';
import { activity, ago, model, profile } from './fixtures.ts';

const SOURCES = ['ORGANIC_SEARCH', 'PAID_SEARCH', 'EMAIL_MARKETING', 'SOCIAL_MEDIA', 'REFERRALS', 'DIRECT_TRAFFIC'];
const TITLES = ['CEO', 'Marketing Manager', 'Head of IT', 'Einkäufer', 'Sachbearbeiterin', ''];

/**
 * `n` examples over 100 days; `signal(i, rnd)` decides the outcome. Each has a lead source, a title, a company
 * size and a few page views, none of which matter unless the signal says so.
 */
function examples(n: number, seed: number, decide: (props: Record<string, string>, rnd: () => number) => boolean, extra?: (won: boolean, props: Record<string, string>) => void): OutcomeExample[] {
  const rnd = prng(seed);
  const out: OutcomeExample[] = [];
  for (let i = 0; i < n; i++) {
    const props: Record<string, string> = {
      email: `p${i}@firma${i % 50}.de`,
      hs_analytics_source: SOURCES[Math.floor(rnd() * SOURCES.length)]!,
      how_heard: rnd() < 0.3 ? 'partner' : rnd() < 0.5 ? 'search' : 'event',
    };
    const title = TITLES[Math.floor(rnd() * TITLES.length)]!;
    if (title) props.jobtitle = title;
    const daysBack = Math.floor((i / n) * 100);
    const won = decide(props, rnd);
    extra?.(won, props);
    const views = Math.floor(rnd() * 4);
    out.push({
      profile: profile(props, { numberofemployees: String(20 + Math.floor(rnd() * 5000)) }, Array.from({ length: views }, (_, k) => activity('page_view', daysBack + k + 1))),
      outcome: won ? 'won' : 'lost',
      at: ago(daysBack),
    });
  }
  // Oldest first is not required: calibration orders by `at` itself.
  return out.reverse();
}

const partnerDecides = (props: Record<string, string>) => props.how_heard === 'partner';

describe('calibrateModel', () => {
  it('when there are fewer than 50 won outcomes, then it refuses with a message saying how many are missing', () => {
    const few = examples(400, 1, (_p, rnd) => rnd() < 0.05);
    const won = few.filter((e) => e.outcome === 'won').length;
    expect(won).toBeLessThan(MIN_OUTCOMES_PER_CLASS);
    const result = calibrateModel(model, few);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toContain(`${won} won`);
    expect(result.reason).toContain(`${MIN_OUTCOMES_PER_CLASS - won} more won`);
    expect(result.details).toMatchObject({ won, minPerClass: 50 });
  });

  it('when a property predicts the outcome perfectly, then its rule gets the largest weight and the held-out AUC rises to about 1', () => {
    const data = examples(1200, 2, partnerDecides);
    const result = calibrateModel(model, data, { seed: 7 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const top = result.model.signals.rules[0]!;
    expect(top).toMatchObject({ kind: 'property', property: 'how_heard', test: { in: ['partner'] } });
    expect(top.points).toBeGreaterThan(20);
    expect(result.report.auc.after).toBeGreaterThan(0.98);
    expect(result.report.auc.after).toBeGreaterThan(result.report.auc.before! + 0.2);
    expect(result.report.improved).toBe(true);
    expect(result.model.leadScore.method).toBe('logistic');
    // A normal, valid, versioned model that says what it learned from.
    expect(parseModel(JSON.parse(JSON.stringify(result.model))).ok).toBe(true);
    expect(result.model.version).not.toBe(model.version);
    expect(result.model.description).toContain('1200 outcomes');
    // Held out: the most recent 20 %.
    expect(result.report.test.n).toBe(240);
    const newestTrain = data.filter((e) => e.at < result.report.test.from).length;
    expect(newestTrain).toBe(960);
    // Evaluating the calibrated model on the same data agrees with the report's ranking.
    expect(evaluateOutcomes(result.model, data).auc).toBeGreaterThan(0.98);
  });

  it('when outcomes are random, then the held-out AUC is near 0.5 and the report warns', () => {
    const data = examples(1500, 3, (_p, rnd) => rnd() < 0.3);
    const result = calibrateModel(model, data, { seed: 1 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Math.abs(result.report.auc.after! - 0.5)).toBeLessThan(0.08);
    expect(result.report.warnings.join(' ')).toMatch(/close to 0\.5/);
  });

  it('when an outcome-side property or an activity after `at` would give the outcome away, then neither becomes a rule', () => {
    const data = examples(1000, 4, (_p, rnd) => rnd() < 0.3, (won, props) => {
      props.lifecyclestage = won ? 'customer' : 'lead';
      props.bant_feedback = won ? 'won' : 'lost';
      props.dealstage = won ? 'closedwon' : 'closedlost';
    });
    // A meeting after each won outcome's `at`: the future must not count.
    for (const e of data) if (e.outcome === 'won') e.profile.activities.push({ type: 'meeting_held', at: new Date(Date.parse(e.at) + 86_400_000).toISOString() });
    const result = calibrateModel(model, data, { seed: 1 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const used = result.model.signals.rules.map((r) => (r.kind === 'property' ? r.property : r.kind === 'activity' ? r.activityTypes.join() : r.kind));
    expect(used).not.toContain('lifecyclestage');
    expect(used).not.toContain('bant_feedback');
    expect(used).not.toContain('dealstage');
    expect(used.filter((u) => u === 'meeting_held')).toEqual([]);
    expect(result.report.auc.after!).toBeLessThan(0.62);
    expect(['lifecyclestage', 'hs_lead_status', 'bant_feedback', 'bant_feedback_criterion', 'bant_lead_score', 'dealstage', 'hs_date_entered_customer'].every(isOutcomeSide)).toBe(true);
    expect(isOutcomeSide('bant_budget_answer')).toBe(false);
  });

  it('when only some candidate properties are allowed, then property rules use only those', () => {
    const data = examples(1000, 5, partnerDecides);
    const result = calibrateModel(model, data, { candidateProperties: ['hs_analytics_source'] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const properties = new Set(result.model.signals.rules.flatMap((r) => (r.kind === 'property' ? [r.property] : [])));
    expect([...properties].every((p) => p === 'hs_analytics_source')).toBe(true);
  });

  it('when the base model has signal rules of its own, then they are refitted even on properties outside the candidates', () => {
    const base = structuredClone(model);
    base.signals.rules.push({ kind: 'property', object: 'contact', property: 'how_heard', test: { in: ['partner'] }, id: 'partner_lead', label: 'heard via partner', points: 1 });
    const result = calibrateModel(base, examples(1000, 6, partnerDecides), { candidateProperties: ['hs_analytics_source'] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const partner = result.model.signals.rules.find((r) => r.id === 'partner_lead');
    expect(partner?.points).toBeGreaterThan(20);
    expect(result.report.auc.after).toBeGreaterThan(0.98);
  });

  it('when the same input is calibrated twice (for any seed and data), then the model and report are the same', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 50 }), (seed, dataSeed) => {
        const data = examples(600, dataSeed, (p, rnd) => (p.how_heard === 'partner' ? rnd() < 0.6 : rnd() < 0.15));
        const a = calibrateModel(model, data, { seed });
        const b = calibrateModel(model, [...data], { seed });
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      { numRuns: 3 },
    );
  });
});
