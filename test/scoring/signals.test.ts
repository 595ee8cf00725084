import { describe, expect, it } from 'vitest';
import { computeLeadScore } from '../../src/scoring/compute-lead-score.ts';
import { parseModel, type ScoringModel, score } from '../../src/scoring/index.ts';
import type { SignalRule } from '../../src/scoring/model-schema.ts';
import { activity, ago, model, modelWith, NOW, profile } from './fixtures.ts';

function withSignals(rules: Array<Record<string, unknown>>, leadScore?: Record<string, unknown>): ScoringModel {
  return modelWith((m) => {
    (m as { signals: unknown }).signals = { rules };
    if (leadScore) (m as { leadScore: unknown }).leadScore = leadScore;
  });
}

const rule = (extra: Record<string, unknown>) => ({ id: 'r', label: 'rule', points: 5, ...extra });

function fires(r: Record<string, unknown>, p = profile()): boolean {
  const m = withSignals([r]);
  return score(p, m, NOW).reasons.some((x) => x.text.endsWith(` ${r.label as string}`));
}

describe('signal rules on any property', () => {
  it('when an enumeration value is in the set, then the rule fires (case-insensitive, any part of a multi-select)', () => {
    const r = rule({ kind: 'property', property: 'hs_analytics_source', test: { in: ['REFERRALS', 'OFFLINE'] }, label: 'source referral' });
    expect(fires(r, profile({ hs_analytics_source: 'referrals' }))).toBe(true);
    expect(fires(r, profile({ hs_analytics_source: 'PAID_SOCIAL' }))).toBe(false);
    expect(fires(r, profile({ hs_analytics_source: 'PAID_SOCIAL;OFFLINE' }))).toBe(true);
    expect(fires(r, profile())).toBe(false);
  });

  it('when a number is in the half-open range [min, max), then the rule fires; the company object is read when asked', () => {
    const r = rule({ kind: 'property', object: 'company', property: 'numberofemployees', test: { min: 200, max: 5000 }, label: 'mid-size' });
    expect(fires(r, profile({}, { numberofemployees: '200' }))).toBe(true);
    expect(fires(r, profile({}, { numberofemployees: '4999' }))).toBe(true);
    expect(fires(r, profile({}, { numberofemployees: '5000' }))).toBe(false);
    expect(fires(r, profile({ numberofemployees: '300' }))).toBe(false);
    expect(fires(r, profile({}, { numberofemployees: 'many' }))).toBe(false);
  });

  it('when a boolean, known/empty, pattern or date-recency test is set, then it fires exactly on its condition', () => {
    expect(fires(rule({ kind: 'property', property: 'hs_email_optout', test: { is: true }, label: 'b' }), profile({ hs_email_optout: 'true' }))).toBe(true);
    expect(fires(rule({ kind: 'property', property: 'hs_email_optout', test: { is: true }, label: 'b' }), profile({ hs_email_optout: 'false' }))).toBe(false);
    expect(fires(rule({ kind: 'property', property: 'phone', test: { known: false }, label: 'k' }), profile({ phone: '' }))).toBe(true);
    expect(fires(rule({ kind: 'property', property: 'phone', test: { known: true }, label: 'k' }), profile({ phone: '+49 89 1' }))).toBe(true);
    expect(fires(rule({ kind: 'property', property: 'how_heard', test: { matches: ['partner'] }, label: 'm' }), profile({ how_heard: 'Via Partner X' }))).toBe(true);
    const recent = rule({ kind: 'property', property: 'hs_analytics_last_visit_timestamp', test: { withinDays: 7 }, label: 'd' });
    expect(fires(recent, profile({ hs_analytics_last_visit_timestamp: ago(3) }))).toBe(true);
    expect(fires(recent, profile({ hs_analytics_last_visit_timestamp: ago(8) }))).toBe(false);
    // A date after the scoring time had not happened yet.
    expect(fires(recent, profile({ hs_analytics_last_visit_timestamp: ago(-1) }))).toBe(false);
  });
});

describe('activity counts within a window', () => {
  const threeViews = rule({ kind: 'activity', activityTypes: ['page_view'], withinDays: 7, minCount: 3, label: '3+ page views in 7 d' });

  it('when 3 page views fall within 7 days, then the rule fires; 2 within and 1 older do not', () => {
    expect(fires(threeViews, profile({}, null, [activity('page_view', 1), activity('page_view', 2), activity('page_view', 6.9)]))).toBe(true);
    expect(fires(threeViews, profile({}, null, [activity('page_view', 1), activity('page_view', 2), activity('page_view', 8)]))).toBe(false);
  });

  it('when activities lie after the scoring time, then they do not count', () => {
    expect(fires(threeViews, profile({}, null, [activity('page_view', 1), activity('page_view', 2), activity('page_view', -1)]))).toBe(false);
  });

  it('when maxCount is set, then more activities than that stop the rule (a chat that goes nowhere: one reply only)', () => {
    const once = rule({ kind: 'activity', activityTypes: ['email_reply'], withinDays: 30, minCount: 1, maxCount: 1, points: -4, label: 'single reply' });
    expect(fires(once, profile({}, null, [activity('email_reply', 3)]))).toBe(true);
    expect(fires(once, profile({}, null, [activity('email_reply', 3), activity('email_reply', 4)]))).toBe(false);
  });

  it('when patterns are set, then only activities whose url or title matches count', () => {
    const pricing = rule({ kind: 'activity', activityTypes: ['page_view'], patterns: ['pricing'], withinDays: 30, label: 'pricing page' });
    expect(fires(pricing, profile({}, null, [activity('page_view', 1, { url: 'https://x.de/pricing' })]))).toBe(true);
    expect(fires(pricing, profile({}, null, [activity('page_view', 1, { url: 'https://x.de/blog' })]))).toBe(false);
  });
});

describe('lead score', () => {
  it('when the default model scores, then leadScore is half fit plus half engagement (counted up to 100), and 0 for the disqualified', () => {
    const p = profile({ email: 'a@muster.de', jobtitle: 'CEO' }, { numberofemployees: '20000', industry: 'MACHINERY' }, [activity('webinar_registration', 1)]);
    const r = score(p, model, NOW);
    expect(r.leadScore).toBeCloseTo(0.5 * r.fit.score + 0.5 * Math.min(100, r.engagement.score), 1);
    expect(r.properties.bant_lead_score).toBe(String(r.leadScore));
    const student = score(profile({ email: 's@tum.de', jobtitle: 'Werkstudent' }), model, NOW);
    expect(student.qualification).toBe('disqualified');
    expect(student.leadScore).toBe(0);
  });

  it('when a logistic lead score is set, then it is 100 × sigmoid(intercept + points / pointsPerLogOdds), signals listed in the reasons with their sign', () => {
    const m = withSignals(
      [
        rule({ id: 'ref', kind: 'property', property: 'hs_analytics_source', test: { in: ['REFERRALS'] }, points: 20, label: 'lead source: referral' }),
        rule({ id: 'free', kind: 'property', property: 'email', test: { matches: ['@gmail\\.com$'] }, points: -10, label: 'free-mail address' }),
      ],
      { method: 'logistic', intercept: -2, pointsPerLogOdds: 20 },
    );
    const r = score(profile({ email: 'x@gmail.com', hs_analytics_source: 'REFERRALS' }), m, NOW);
    expect(r.leadScore).toBeCloseTo(Math.round(1000 / (1 + Math.exp(-(-2 + 10 / 20)))) / 10, 6);
    const texts = r.reasons.map((x) => x.text);
    // The signals explain a logistic lead score, so they come first, largest first, then fit and engagement.
    expect(texts.slice(0, 2)).toEqual(['+20 lead source: referral', '-10 free-mail address']);
    expect(texts.some((t) => t.includes('fit: free-mail address'))).toBe(true);
  });

  it('when points would leave 0-100, then the lead score is clamped; weights follow the model block', () => {
    const spec = { method: 'points' as const, fitWeight: 1, engagementWeight: 1, engagementFull: 50, zeroWhenDisqualified: false };
    expect(computeLeadScore(spec, { fitScore: 80, engagementScore: 40, signalPoints: 0, disqualified: false })).toBe(100);
    expect(computeLeadScore(spec, { fitScore: 0, engagementScore: 0, signalPoints: -30, disqualified: true })).toBe(0);
    expect(computeLeadScore({ ...spec, fitWeight: 0.2, engagementWeight: 0.3 }, { fitScore: 50, engagementScore: 25, signalPoints: 3, disqualified: false })).toBe(28);
  });

  it('when a fit signal names a dimension and grade, then it fires when that fit rule matched', () => {
    const r = rule({ kind: 'fit', dimension: 'position', grade: 'A', label: 'position A' });
    expect(fires(r, profile({ jobtitle: 'Geschäftsführer' }))).toBe(true);
    expect(fires(r, profile({ jobtitle: 'Marketing Manager' }))).toBe(false);
  });
});

describe('model schema for signals', () => {
  it('when signal ids repeat or maxCount is below minCount, then validation names the path', () => {
    const rules: SignalRule[] = [
      { kind: 'activity', activityTypes: ['page_view'], withinDays: 7, minCount: 3, maxCount: 2, id: 'a', label: 'a', points: 1 },
      { kind: 'property', object: 'contact', property: 'x', test: { known: true }, id: 'a', label: 'b', points: 1 },
    ];
    const parsed = parseModel({ ...structuredClone(model), signals: { rules } });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['signals.rules[0].maxCount', 'signals.rules[1].id']));
  });

  it('when a range has neither min nor max, then it is rejected', () => {
    const parsed = parseModel({ ...structuredClone(model), signals: { rules: [{ kind: 'property', property: 'x', test: {}, id: 'a', label: 'a', points: 1 }] } });
    expect(parsed.ok).toBe(false);
  });
});

describe('negative points on engagement rules', () => {
  const chat = modelWith((m) => {
    m.engagement.rules.unshift({ id: 'idle_chat', label: 'chat without follow-up', activityTypes: ['email_reply'], patterns: ['^chat'], points: -6, cap: 10, halfLifeDays: 30 });
  });

  it('when a negative engagement rule fires, then it takes points away, fades, stops at its cap and is listed with its minus sign', () => {
    const once = score(profile({}, null, [activity('email_reply', 0, { title: 'chat: hello' }), activity('meeting_held', 0)]), chat, NOW);
    const without = score(profile({}, null, [activity('meeting_held', 0)]), chat, NOW);
    expect(once.engagement.score).toBeCloseTo(without.engagement.score - 6, 1);
    expect(once.reasons.map((r) => r.text)).toContain('-6 chat without follow-up (just now)');
    const many = score(profile({}, null, [0, 1, 2, 3].map((d) => activity('email_reply', d, { title: 'chat' })).concat(activity('meeting_held', 0))), chat, NOW);
    expect(many.engagement.score).toBeCloseTo(without.engagement.score - 10, 1);
    const old = score(profile({}, null, [activity('email_reply', 30, { title: 'chat' }), activity('meeting_held', 0)]), chat, NOW);
    expect(old.engagement.score).toBeCloseTo(without.engagement.score - 3, 1);
  });

  it('when a negative rule is corroborated, or has 0 points, then the model is rejected', () => {
    const bad = structuredClone(model) as ScoringModel;
    bad.engagement.rules.unshift({ id: 'x', label: 'x', activityTypes: ['email_reply'], points: -1, cap: 1, halfLifeDays: 1, corroboratedBy: { activityTypes: ['page_view'], withinHours: 1, points: 1 } });
    bad.engagement.rules.unshift({ id: 'y', label: 'y', activityTypes: ['email_reply'], points: 0, cap: 1, halfLifeDays: 1 });
    const parsed = parseModel(bad);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['engagement.rules[1].corroboratedBy', 'engagement.rules[0].points']));
  });
});
