// Business hours: SLA due times and escalations count the portal's working hours and days (default Monday to Friday,
// 08:00 to 18:00 in the portal's time zone), so a lead that becomes sales-ready at 23:55 is due the next working
// morning, not at 00:55. Pure: the time zone arithmetic uses Intl only.

export interface BusinessHours {
  /** ISO weekdays that are working days: 1 = Monday … 7 = Sunday. */
  days: number[];
  /** Local start and end of the working day, "HH:MM" (24 h). */
  start: string;
  end: string;
}

export const DEFAULT_BUSINESS_HOURS: BusinessHours = { days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' };

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const MINUTE_MS = 60_000;
/** Enough days to find a working minute in any sensible week (and to stop on a week without one). */
const MAX_DAYS = 370;

/** A reason the hours are unusable, or null. */
export function checkBusinessHours(hours: BusinessHours): string | null {
  if (!HHMM.test(hours.start) || !HHMM.test(hours.end)) return 'start and end must be HH:MM (24 h)';
  if (minutesOf(hours.start) >= minutesOf(hours.end)) return 'the working day must end after it starts';
  if (hours.days.length === 0 || hours.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) return 'days must be ISO weekdays 1 (Monday) to 7 (Sunday)';
  return null;
}

function minutesOf(hhmm: string): number {
  const m = HHMM.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(ms: number, timeZone: string): LocalParts {
  const parts = new Map(formatterFor(timeZone).formatToParts(ms).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.get('year')),
    month: Number(parts.get('month')),
    day: Number(parts.get('day')),
    weekday: WEEKDAYS[parts.get('weekday') ?? ''] ?? 0,
    hour: Number(parts.get('hour')),
    minute: Number(parts.get('minute')),
    second: Number(parts.get('second')),
  };
}

/** The zone's offset from UTC at `ms`, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

/** The instant a local wall time names (for a time skipped by a DST change, the instant just after it). */
function localToEpoch(year: number, month: number, day: number, minuteOfDay: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, 0, minuteOfDay);
  let guess = wall - offsetAt(wall, timeZone);
  const corrected = wall - offsetAt(guess, timeZone);
  if (corrected !== guess) guess = corrected;
  return guess;
}

/**
 * The moment `durationMs` of working time after `startMs`. A start outside working hours counts from the next
 * working minute. An unknown or invalid time zone counts in UTC.
 */
export function addBusinessTime(startMs: number, durationMs: number, hours: BusinessHours = DEFAULT_BUSINESS_HOURS, timeZone = 'UTC'): number {
  if (checkBusinessHours(hours) !== null) return startMs + durationMs;
  let zone = timeZone;
  try {
    formatterFor(zone);
  } catch {
    zone = 'UTC';
  }
  const open = minutesOf(hours.start);
  const close = minutesOf(hours.end);
  const days = new Set(hours.days);
  let remaining = Math.max(0, durationMs);
  let p = localParts(startMs, zone);
  let cursor = startMs;
  for (let i = 0; i < MAX_DAYS; i++) {
    if (days.has(p.weekday)) {
      const opens = localToEpoch(p.year, p.month, p.day, open, zone);
      const closes = localToEpoch(p.year, p.month, p.day, close, zone);
      const from = Math.max(cursor, opens);
      if (from < closes) {
        if (remaining <= closes - from) return from + remaining;
        remaining -= closes - from;
      }
    }
    // The next local day (noon avoids DST edges when stepping), from its midnight.
    const next = new Date(Date.UTC(p.year, p.month - 1, p.day + 1, 12));
    cursor = localToEpoch(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, zone);
    p = localParts(cursor, zone);
    // The local midnight may not exist (a DST change at 00:00): step on from whatever day the instant falls on.
    if (p.day !== next.getUTCDate()) p = localParts(cursor + 60 * MINUTE_MS, zone);
  }
  return startMs + durationMs;
}
