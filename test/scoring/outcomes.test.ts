import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkProfileFast, isUtcTime } from '../../src/scoring/check-profile.ts';
import { parseOutcome, parseProfile, profileSchema } from '../../src/scoring/index.ts';

describe('parseOutcome', () => {
  it('when a line has a profile, an outcome and a time, then it becomes an example', () => {
    const parsed = parseOutcome({ properties: { email: 'a@b.de' }, activities: [{ type: 'page_view', at: '2026-11-20T10:00:00Z' }], outcome: 'won', at: '2026-11-21T10:00:00Z' });
    expect(parsed).toEqual({ ok: true, example: { profile: { properties: { email: 'a@b.de' }, activities: [{ type: 'page_view', at: '2026-11-20T10:00:00Z' }] }, outcome: 'won', at: '2026-11-21T10:00:00Z' } });
  });

  it('when values are numbers or the time has an offset, then zod converts and accepts them as before', () => {
    const parsed = parseOutcome({ properties: { numemployees: 12 }, outcome: 'lost', at: '2026-11-21T10:00:00+01:00' });
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.example.profile).toEqual({ properties: { numemployees: '12' }, activities: [] });
  });

  it('when the outcome or time is missing or wrong, then the issue names the field', () => {
    const bad = parseOutcome({ properties: {}, activities: [], outcome: 'maybe' });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.issues.map((i) => i.path).sort()).toEqual(['at', 'outcome']);
  });
});

describe('checkProfileFast', () => {
  it('when a date is not a real day, then the fast path declines and zod decides', () => {
    expect(isUtcTime('2026-02-29T10:00:00Z')).toBe(false);
    expect(isUtcTime('2024-02-29T10:00:00Z')).toBe(true);
    expect(isUtcTime('2026-04-31T10:00:00.123Z')).toBe(false);
    expect(isUtcTime('2026-12-31T23:59:59.999Z')).toBe(true);
  });

  it('when the fast path accepts a profile, then zod accepts it too and reads the same (property test)', () => {
    const value = fc.oneof(fc.string(), fc.constant(null), fc.integer());
    const at = fc.oneof(
      fc.date({ min: new Date('1990-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
      fc.constantFrom('2026-02-30T10:00:00Z', '2026-11-20T10:00Z', '2026-11-20T10:00:00+02:00', 'soon'),
    );
    const text = fc.oneof(fc.string(), fc.integer(), fc.constant(null));
    const activity = fc.record(
      { type: fc.constantFrom('page_view', 'demo_request', 'phone'), at, title: text, url: text, source: text, note: fc.string() },
      { requiredKeys: ['type', 'at'] },
    );
    const profileArb = fc.record(
      {
        properties: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), value),
        company: fc.option(fc.record({ properties: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), value) }), { nil: undefined }),
        activities: fc.array(activity, { maxLength: 3 }),
        extra: fc.string(),
      },
      { requiredKeys: ['properties'] },
    );
    fc.assert(
      fc.property(profileArb, (json) => {
        const fast = checkProfileFast(json);
        const slow = profileSchema.safeParse(json);
        if (fast !== null) {
          expect(slow.success).toBe(true);
          expect(slow.data).toEqual(JSON.parse(JSON.stringify(fast)));
        }
        expect(parseProfile(json).ok).toBe(slow.success);
      }),
      { numRuns: 300 },
    );
  });
});
