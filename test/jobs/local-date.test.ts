import { describe, expect, it } from 'vitest';
import { localDate } from '../../src/jobs/local-date.ts';

const at = (iso: string) => Date.parse(iso);

describe('localDate', () => {
  it('when a zone is given, then the date is the one on a wall calendar there', () => {
    expect(localDate(at('2026-03-02T07:59:59Z'), 'America/Los_Angeles')).toBe('2026-03-01');
    expect(localDate(at('2026-03-02T08:00:00Z'), 'America/Los_Angeles')).toBe('2026-03-02');
    expect(localDate(at('2026-03-02T22:59:59Z'), 'Europe/Berlin')).toBe('2026-03-02');
    expect(localDate(at('2026-03-02T23:00:00Z'), 'Europe/Berlin')).toBe('2026-03-03');
    expect(localDate(at('2026-03-02T10:00:00Z'), 'Pacific/Kiritimati')).toBe('2026-03-03');
    expect(localDate(at('2026-12-31T11:00:00Z'), 'Pacific/Kiritimati')).toBe('2027-01-01');
  });

  it('when the clocks change, then midnight is still the boundary (HubSpot also names zones by their old links)', () => {
    expect(localDate(at('2026-03-29T21:59:59Z'), 'Europe/Berlin')).toBe('2026-03-29');
    expect(localDate(at('2026-03-29T22:00:00Z'), 'Europe/Berlin')).toBe('2026-03-30');
    expect(localDate(at('2026-11-02T04:59:59Z'), 'US/Eastern')).toBe('2026-11-01');
    expect(localDate(at('2026-11-02T05:00:00Z'), 'US/Eastern')).toBe('2026-11-02');
  });

  it('when the zone is unknown or invalid, then the UTC date is used', () => {
    expect(localDate(at('2026-03-02T23:30:00Z'), undefined)).toBe('2026-03-02');
    expect(localDate(at('2026-03-02T23:30:00Z'), '')).toBe('2026-03-02');
    expect(localDate(at('2026-03-02T23:30:00Z'), 'Not/A_Zone')).toBe('2026-03-02');
    expect(localDate(at('2026-03-02T23:30:00Z'), 'UTC')).toBe('2026-03-02');
  });
});
