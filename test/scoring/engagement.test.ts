// Seed 002's implicit scoring table and seed 003's points, caps, decay and tiers.
import { describe, expect, it } from 'vitest';
import { score } from '../../src/scoring/index.ts';
import type { Activity } from '../../src/scoring/types.ts';
import { activity, model, modelWith, NOW, profile } from './fixtures.ts';

function engagementOf(activities: Activity[], at: number = NOW, m = model) {
  return score(profile({}, null, activities), m, at).engagement;
}

describe('engagement: points per activity (seed 002 table, seed 003)', () => {
  it.each<[string, Activity, number]>([
    ['content request (download)', activity('content_download'), 20],
    ['content request (form)', activity('form_submission', 0, { title: 'Whitepaper Anlagenbau 4.0' }), 20],
    ['email link click', activity('email_click'), 15],
    ['topic/product page visit', activity('page_view', 0, { url: 'https://example.com/produkte/leitsystem' }), 10],
    ['webinar registration', activity('webinar_registration'), 25],
    ['trade show visit', activity('event_attendance'), 30],
    ['pricing page visit (seed 003)', activity('page_view', 0, { url: 'https://example.com/pricing' }), 10],
    ['demo booking (seed 003)', activity('demo_request'), 25],
    ['other page visit', activity('page_view', 0, { url: 'https://example.com/blog/post' }), 2],
  ])('when the contact has a fresh %s, then engagement is %i', (_, a, points) => {
    expect(engagementOf([a]).score).toBe(points);
  });

  it('when activities are deeper in the funnel, then they earn more (seed 001)', () => {
    const points = (a: Activity) => engagementOf([a]).score;
    expect(points(activity('webinar_attendance'))).toBeGreaterThan(points(activity('webinar_registration')));
    expect(points(activity('email_reply'))).toBeGreaterThan(points(activity('email_click')));
    expect(points(activity('meeting_held'))).toBeGreaterThan(points(activity('demo_request')));
    expect(points(activity('demo_request'))).toBeGreaterThan(points(activity('page_view', 0, { url: '/pricing' })));
  });

  it('when a reason is written, then it names the points, the activity and its age', () => {
    const result = score(profile({}, null, [activity('webinar_registration', 0)]), model, NOW);
    expect(result.reasons[0]?.text).toBe('+25 webinar registration (just now)');
    const older = score(profile({}, null, [activity('webinar_registration', 3)]), model, NOW);
    expect(older.reasons[0]?.text).toMatch(/^\+24\.\d webinar registration \(3 d ago\)$/);
  });
});

describe('engagement: decay (seed 003: this week beats six months ago)', () => {
  it('when an activity is one half-life old, then it counts half', () => {
    expect(engagementOf([activity('webinar_registration', 60)]).score).toBe(12.5);
    expect(engagementOf([activity('email_click', 30)]).score).toBe(7.5);
  });

  it('when the same activity happened this week and six months ago, then this week counts far more', () => {
    const thisWeek = engagementOf([activity('page_view', 3, { url: '/pricing' })]).score;
    const sixMonths = engagementOf([activity('page_view', 182, { url: '/pricing' })]).score;
    expect(thisWeek).toBeGreaterThan(9);
    expect(sixMonths).toBeLessThan(0.2);
  });

  it('when decay is computed, then it is exact at the scoring time, not per day', () => {
    const a = activity('webinar_registration', 0);
    expect(engagementOf([a], NOW + 12 * 3_600_000).score).toBe(Math.round(25 * 0.5 ** (0.5 / 60) * 10) / 10);
  });

  it('when an activity lies after the scoring time, then it does not count yet', () => {
    expect(engagementOf([activity('demo_request', -1)]).score).toBe(0);
  });
});

describe('engagement: caps', () => {
  it('when a rule fires many times, then it stops at its cap, so repetition alone cannot make a lead hot', () => {
    const clicks = Array.from({ length: 10 }, () => activity('email_click'));
    expect(engagementOf(clicks).score).toBe(30);
    const pages = Array.from({ length: 50 }, () => activity('page_view', 0, { url: '/blog' }));
    expect(engagementOf(pages)).toEqual({ score: 10, tier: 4 });
  });

  it('when the cap cuts an activity, then its reason says capped', () => {
    const m = modelWith((x) => {
      x.engagement.rules.find((r) => r.id === 'email_click')!.cap = 40;
    });
    const result = score(profile({}, null, [activity('email_click', 0), activity('email_click', 1), activity('email_click', 2)]), m, NOW);
    expect(result.reasons.map((r) => r.text)).toContainEqual(expect.stringMatching(/^\+\d+(\.\d)? email link click \(2 d ago, capped\)$/));
  });

  it('when the cap leaves an activity less than one point, then the top reasons leave it out', () => {
    const result = score(profile({}, null, [activity('email_click', 0), activity('email_click', 1), activity('email_click', 2)]), model, NOW);
    expect(result.engagement.score).toBe(30);
    expect(result.reasons.map((r) => r.text)).toEqual(['+15 email link click (just now)', '+14.7 email link click (1 d ago)']);
  });

  it('when the model changes a cap, then the new cap applies', () => {
    const m = modelWith((x) => {
      x.engagement.rules.find((r) => r.id === 'email_click')!.cap = 45;
    });
    expect(engagementOf(Array.from({ length: 10 }, () => activity('email_click')), NOW, m).score).toBe(45);
  });
});

describe('engagement: email opens and negative signals', () => {
  it('when an email is only opened, then it weighs almost nothing (privacy proxies open everything)', () => {
    expect(engagementOf([activity('email_open')]).score).toBe(0.5);
    expect(engagementOf(Array.from({ length: 20 }, () => activity('email_open'))).score).toBe(3);
  });

  it('when a click within 72 hours corroborates the open, then the open counts more', () => {
    const corroborated = engagementOf([activity('email_open', 2), activity('email_click', 1)]).score;
    const clickAlone = engagementOf([activity('email_click', 1)]).score;
    expect(corroborated - clickAlone).toBeGreaterThan(1.5);
    const tooLate = engagementOf([activity('email_open', 10), activity('email_click', 1)]).score;
    expect(tooLate - clickAlone).toBeLessThan(0.5);
  });

  it('when the contact unsubscribed or bounced, then engagement drops by 10 or 15 and never below 0', () => {
    const base = [activity('webinar_registration'), activity('event_attendance')];
    expect(engagementOf([...base, activity('unsubscribe')]).score).toBe(45);
    expect(engagementOf([...base, activity('email_bounce')]).score).toBe(40);
    expect(engagementOf([...base, activity('unsubscribe'), activity('unsubscribe')]).score).toBe(45);
    expect(engagementOf([activity('email_bounce')]).score).toBe(0);
  });
});

describe('engagement: tiers (seed 002: 0–25 → 4, 26–50 → 3, 51–75 → 2, 76+ → 1)', () => {
  const clicksWorth = (n: number) => modelWith((x) => {
    const click = x.engagement.rules.find((r) => r.id === 'email_click')!;
    click.points = n;
    click.cap = n;
  });
  it.each([
    [0, 4],
    [25, 4],
    [26, 3],
    [50, 3],
    [51, 2],
    [75, 2],
    [76, 1],
    [120, 1],
  ])('when engagement is %i points, then the tier is %i', (points, tier) => {
    const result = points === 0 ? engagementOf([]) : engagementOf([activity('email_click')], NOW, clicksWorth(points));
    expect(result).toEqual({ score: points, tier });
  });
});
