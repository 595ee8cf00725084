// A fast path for profiles that are exactly in the contract's shape (docs/contract.md section 5), as generated files
// and the app's own exports are: checked by hand in a fraction of the time zod takes, and used as they are.
// Anything else (numbers for strings, other time formats, errors) goes to zod, which converts or names the field.
import { ACTIVITY_TYPES, type Profile } from './types.ts';

const TYPES: ReadonlySet<string> = new Set(ACTIVITY_TYPES);
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The two-digit number at s[i..i+1], or -1. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** `YYYY-MM-DDTHH:MM:SS[.fff]Z` naming a real day (zod accepts these and more). Read by hand: it runs per activity. */
export function isUtcTime(s: string): boolean {
  const n = s.length;
  if (n < 20 || s.charCodeAt(n - 1) !== 90 /* Z */) return false;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return false;
  const century = two(s, 0);
  const yy = two(s, 2);
  const month = two(s, 5);
  const day = two(s, 8);
  const hour = two(s, 11);
  const minute = two(s, 14);
  const second = two(s, 17);
  if (century < 0 || yy < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  if (n > 20) {
    // A fraction of 1 to 9 digits.
    if (s.charCodeAt(19) !== 46 || n < 22 || n > 30) return false;
    for (let i = 20; i < n - 1; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return false;
    }
  }
  if (day <= 28) return true;
  const year = century * 100 + yy;
  if (month === 2 && day === 29) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= MONTH_DAYS[month - 1]!;
}

function isStringBag(v: unknown): boolean {
  if (!isPlainObject(v)) return false;
  // Own enumerable values, as a for-in with an own-property check would visit them, in half the time.
  const values = Object.values(v);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'string' && value !== null) return false;
  }
  return true;
}

/** The profile itself when it is exactly in the contract's shape, else null (then ask zod). */
export function checkProfileFast(json: unknown): Profile | null {
  if (!isPlainObject(json)) return null;
  let keys = 0;
  for (const key in json) {
    if (!Object.hasOwn(json, key)) continue;
    keys++;
    if (key !== 'properties' && key !== 'company' && key !== 'activities') return null;
  }
  if (keys === 0 || !isStringBag(json.properties)) return null;
  const company = json.company;
  if (company !== undefined && company !== null) {
    if (!isPlainObject(company) || !isStringBag(company.properties)) return null;
    for (const key in company) if (Object.hasOwn(company, key) && key !== 'properties') return null;
  }
  const activities = json.activities;
  if (!Array.isArray(activities)) return null;
  for (const a of activities) {
    if (!isPlainObject(a)) return null;
    for (const key in a) {
      if (!Object.hasOwn(a, key)) continue;
      switch (key) {
        case 'type':
        case 'at':
          break;
        case 'title':
        case 'url':
        case 'source':
          if (typeof a[key] !== 'string') return null;
          break;
        default:
          return null;
      }
    }
    if (typeof a.type !== 'string' || !TYPES.has(a.type) || typeof a.at !== 'string' || !isUtcTime(a.at)) return null;
  }
  return json as unknown as Profile;
}
