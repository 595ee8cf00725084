import { describe, expect, it } from 'vitest';
import { addBusinessTime, checkBusinessHours, DEFAULT_BUSINESS_HOURS } from '../../src/scoring/business-hours.ts';

const HOUR = 3_600_000;
const BERLIN = 'Europe/Berlin';
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('business hours', () => {
  it('when a lead becomes sales-ready at 23:55 on a Tuesday, then a one-hour SLA is due at 09:00 on Wednesday', () => {
    // 2026-12-01 is a Tuesday; Berlin is UTC+1 in winter.
    expect(iso(addBusinessTime(at('2026-12-01T22:55:00Z'), HOUR, DEFAULT_BUSINESS_HOURS, BERLIN))).toBe('2026-12-02T08:00:00.000Z');
  });

  it('when it happens at 17:30, then the hour runs 30 minutes today and 30 minutes the next working morning', () => {
    expect(iso(addBusinessTime(at('2026-12-01T16:30:00Z'), HOUR, DEFAULT_BUSINESS_HOURS, BERLIN))).toBe('2026-12-02T07:30:00.000Z');
  });

  it('when it happens on Friday evening or Saturday, then it is due on Monday morning', () => {
    expect(iso(addBusinessTime(at('2026-12-04T19:00:00Z'), HOUR, DEFAULT_BUSINESS_HOURS, BERLIN))).toBe('2026-12-07T08:00:00.000Z');
    expect(iso(addBusinessTime(at('2026-12-05T10:00:00Z'), 4 * HOUR, DEFAULT_BUSINESS_HOURS, BERLIN))).toBe('2026-12-07T11:00:00.000Z');
  });

  it('when it happens within working hours, then the SLA is plain clock time', () => {
    expect(iso(addBusinessTime(at('2026-12-01T09:00:00Z'), HOUR, DEFAULT_BUSINESS_HOURS, BERLIN))).toBe('2026-12-01T10:00:00.000Z');
  });

  it('when the clocks change (summer time starts on 29 March 2026), then the working day is still 08:00 to 18:00 local', () => {
    // Friday 27 March 17:30 CET (UTC+1) + 1 h → Monday 30 March 08:30 CEST (UTC+2).
    expect(iso(addBusinessTime(at('2026-03-27T16:30:00Z'), HOUR, DEFAULT_BUSINESS_HOURS, BERLIN))).toBe('2026-03-30T06:30:00.000Z');
  });

  it('when the portal works other days and hours, then those count (Saturday 10:30 + 2 h, working 07:00–12:00 → Monday 07:30)', () => {
    const hours = { days: [1, 2, 3, 4, 5, 6], start: '07:00', end: '12:00' };
    expect(iso(addBusinessTime(at('2026-12-05T10:30:00Z'), 2 * HOUR, hours, 'UTC'))).toBe('2026-12-07T07:30:00.000Z');
  });

  it('when the hours are invalid, then they are reported and clock time is used', () => {
    expect(checkBusinessHours({ days: [1], start: '18:00', end: '08:00' })).toMatch(/end after/);
    expect(checkBusinessHours({ days: [0], start: '08:00', end: '18:00' })).toMatch(/ISO weekdays/);
    expect(checkBusinessHours(DEFAULT_BUSINESS_HOURS)).toBeNull();
    expect(addBusinessTime(1000, HOUR, { days: [], start: '08:00', end: '18:00' }, BERLIN)).toBe(1000 + HOUR);
  });
});
