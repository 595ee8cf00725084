// A fast path for profiles that are exactly in the contract's shape (CONTRACT.md section 5), as generated files
// and the app's own exports are: checked by hand in a fraction of the time zod takes, and used as they are.
// Anything else (numbers for strings, other time formats, errors) goes to zod, which converts or names the field.
import { ACTIVITY_TYPES, type Profile } from './types.ts';

const TYPES: ReadonlySet<string> = new Set(ACTIVITY_TYPES);
const ACTIVITY_KEYS: ReadonlySet<string> = new Set(['type', 'at', 'title', 'url', 'source']);
const UTC_TIME = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?Z$/;
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `YYYY-MM-DDTHH:MM:SS[.fff]Z` naming a real day (zod accepts these and more). */
export function isUtcTime(s: string): boolean {
  const m = UTC_TIME.exec(s);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (day <= 28) return true;
  if (month === 2 && day === 29) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= MONTH_DAYS[month - 1]!;
}

function isStringBag(v: unknown): boolean {
  if (!isPlainObject(v)) return false;
  for (const key in v) {
    if (!Object.hasOwn(v, key)) continue;
    const value = v[key];
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
      if (!ACTIVITY_KEYS.has(key)) return null;
      if (key !== 'type' && key !== 'at' && typeof a[key] !== 'string') return null;
    }
    if (typeof a.type !== 'string' || !TYPES.has(a.type) || typeof a.at !== 'string' || !isUtcTime(a.at)) return null;
  }
  return json as unknown as Profile;
}
