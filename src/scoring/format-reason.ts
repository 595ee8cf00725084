// The wording of reasons and evidence: short, signed, with the activity's age (`+25 webinar registration (3 d ago)`).
// Every contact gets up to ten reasons, so the few pieces they are made of (signed points, ages) are
// worded once and kept: the same string, not one built anew per contact.
import { DEFAULT_LANGUAGE, type Language, LANGUAGES } from './catalogue.ts';
import { MESSAGES } from './messages.ts';
import { DAY_MS, HOUR_MS } from './time-units.ts';

/** Rounds to one decimal so that tiny decay drifts do not change written values. */
export function roundTenth(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * A non-negative value with one decimal at most ("25", "12.5"), built from integers: V8 turns small
 * integers into strings from a cache, while a fraction like 24.6 needs the slow shortest-digits algorithm.
 */
export function formatTenths(value: number): string {
  const tenths = Math.round(Math.abs(value) * 10);
  const whole = Math.floor(tenths / 10);
  const fraction = tenths - whole * 10;
  return fraction === 0 ? String(whole) : `${whole}.${fraction}`;
}

/** Signed points by tenths (0 … CACHED_TENTHS − 1 positive, then as many negative), filled as they are needed. */
const CACHED_TENTHS = 2048;
const signedPoints: string[] = new Array<string>(2 * CACHED_TENTHS).fill('');

/** Points with one decimal at most, always signed: `+25`, `+12.5`, `-10`. */
export function formatPoints(points: number): string {
  const tenths = Math.round(Math.abs(points) * 10);
  // NaN and large values are not cached.
  if (!(tenths < CACHED_TENTHS)) return wordPoints(points);
  const key = points < 0 ? CACHED_TENTHS + tenths : tenths;
  let text = signedPoints[key]!;
  if (text === '') {
    text = wordPoints(points);
    signedPoints[key] = text;
  }
  return text;
}

function wordPoints(points: number): string {
  const text = formatTenths(points);
  return points < 0 && text !== '0' ? `-${text}` : `+${text}`;
}

/**
 * The start of a reason for one rule or penalty, ` label (` after its points (`+25 webinar registration (`),
 * kept by tenths of points. Rules only add (and penalties only take) up to their cap, so there are few.
 */
export interface ReasonLeads {
  /** ` label (` */
  head: string;
  /** Whether the points are negative (a penalty). */
  negative: boolean;
  /** By tenths of |points|, '' until first needed. */
  byTenths: string[];
  /** The language of the age that ends the reason. */
  language: Language;
}

export function createReasonLeads(label: string, negative: boolean, cap: number, language: Language = DEFAULT_LANGUAGE): ReasonLeads {
  const size = Math.min(CACHED_TENTHS, Math.round(cap * 10) + 1);
  return { head: flat(` ${label} (`), negative, byTenths: new Array<string>(Number.isFinite(size) ? size : 0).fill(''), language };
}

/** `formatPoints(points)` followed by ` label (`. */
export function reasonLead(leads: ReasonLeads, points: number): string {
  const tenths = Math.round(Math.abs(points) * 10);
  if (!(tenths < leads.byTenths.length) || (points < 0) !== leads.negative) return formatPoints(points) + leads.head;
  let text = leads.byTenths[tenths]!;
  if (text === '') {
    text = flat(formatPoints(points) + leads.head);
    leads.byTenths[tenths] = text;
  }
  return text;
}

/**
 * The same text, flattened: V8 keeps `a + b` as a pair of parts, and a kept string that is joined into many
 * reasons is copied faster once it is one piece (a slice of a concatenation is cut from its flattened form).
 */
function flat(text: string): string {
  return ` ${text}`.slice(1);
}

export function formatAge(ageMs: number, language: Language = DEFAULT_LANGUAGE): string {
  const say = MESSAGES.in(language);
  if (ageMs < HOUR_MS) return say('age.justNow');
  if (ageMs < DAY_MS) return say('age.hours', { n: Math.floor(ageMs / HOUR_MS) });
  return say('age.days', { n: Math.floor(ageMs / DAY_MS) });
}

/** Ages ending a reason per language, by hours (< 24) then days, each plain and capped: `3 d ago)`, `3 d ago, capped)`. */
const CACHED_DAYS = 4096;
const ageTailsByLanguage = new Map<Language, string[]>(LANGUAGES.map((l) => [l, new Array<string>(2 * (24 + CACHED_DAYS)).fill('')]));

/** `formatAge(ageMs)`, then `, capped` if capped, then `)`: the end of a reason. */
export function formatAgeTail(ageMs: number, capped: boolean, language: Language = DEFAULT_LANGUAGE): string {
  const ageTails = ageTailsByLanguage.get(language)!;
  let slot: number;
  if (ageMs < HOUR_MS) slot = 0;
  else if (ageMs < DAY_MS) slot = Math.floor(ageMs / HOUR_MS);
  else {
    const days = Math.floor(ageMs / DAY_MS);
    // NaN and very old activities are not cached.
    if (!(days < CACHED_DAYS)) return wordAgeTail(ageMs, capped, language);
    slot = 24 + days;
  }
  const key = capped ? 2 * slot + 1 : 2 * slot;
  let text = ageTails[key]!;
  if (text === '') {
    text = flat(wordAgeTail(ageMs, capped, language));
    ageTails[key] = text;
  }
  return text;
}

function wordAgeTail(ageMs: number, capped: boolean, language: Language): string {
  return `${formatAge(ageMs, language)}${capped ? MESSAGES.in(language)('age.capped') : ''})`;
}
