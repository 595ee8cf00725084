// Signal rules (model block `signals`): a property of the contact or its company, a count of activities in a
// window, or a fit grade. Each rule that fires adds its points (negative ones take away) to the lead score and
// is listed among the reasons. Calibrated models consist mostly of these.
import { DEFAULT_LANGUAGE, type Language } from './catalogue.ts';
import { compilePatterns } from './compile-model.ts';
import { formatPoints } from './format-reason.ts';
import type { SignalRule } from './model-schema.ts';
import { parseIsoTime } from './parse-iso-time.ts';
import { parseNumber, readText } from './read-facts.ts';
import { DAY_MS } from './time-units.ts';
import type { Activity, ActivityType, Grade, Profile, Reason } from './types.ts';

export interface FitGrades {
  position: Grade | null;
  size: Grade | null;
  industry: Grade | null;
}

type Test = (profile: Profile, nowMs: number, activityTimes: Float64Array, fit: FitGrades) => boolean;

export interface CompiledSignal {
  id: string;
  points: number;
  /** `+12 lead source: referral`: worded once per model. */
  text: string;
  test: Test;
}

/** Values of a (possibly multi-select, `;`-separated) property, lower-cased. */
function valuesOf(raw: string): string[] {
  return raw.includes(';') ? raw.split(';').map((v) => v.trim().toLowerCase()) : [raw.toLowerCase()];
}

function compilePropertyTest(rule: Extract<SignalRule, { kind: 'property' }>): Test {
  const name = rule.property;
  const read = rule.object === 'company' ? (p: Profile) => readText(p.company?.properties, name) : (p: Profile) => readText(p.properties, name);
  const t = rule.test;
  if ('in' in t) {
    const set = new Set(t.in.map((v) => v.toLowerCase()));
    return (p) => {
      const raw = read(p);
      return raw !== '' && valuesOf(raw).some((v) => set.has(v));
    };
  }
  if ('known' in t) return (p) => (read(p) !== '') === t.known;
  if ('is' in t) return (p) => read(p).toLowerCase() === String(t.is);
  if ('withinDays' in t) {
    const windowMs = t.withinDays * DAY_MS;
    return (p, nowMs) => {
      const raw = read(p);
      const ms = /^\d+$/.test(raw) ? Number(raw) : parseIsoTime(raw);
      // A date after the scoring time had not happened yet.
      return ms <= nowMs && nowMs - ms <= windowMs;
    };
  }
  if ('matches' in t) {
    const re = compilePatterns(t.matches)!;
    return (p) => {
      const raw = read(p);
      return raw !== '' && re.test(raw);
    };
  }
  const min = t.min ?? Number.NEGATIVE_INFINITY;
  const max = t.max ?? Number.POSITIVE_INFINITY;
  return (p) => {
    const n = parseNumber(read(p));
    return n !== null && n >= min && n < max;
  };
}

function compileActivityTest(rule: Extract<SignalRule, { kind: 'activity' }>): Test {
  const types = new Set<ActivityType>(rule.activityTypes);
  const re = compilePatterns(rule.patterns);
  const windowMs = rule.withinDays * DAY_MS;
  const min = rule.minCount;
  const max = rule.maxCount ?? Number.POSITIVE_INFINITY;
  const matches = (a: Activity) => re === null || (a.url !== undefined && re.test(a.url)) || (a.title !== undefined && re.test(a.title));
  return (p, nowMs, times) => {
    let n = 0;
    const acts = p.activities;
    for (let i = 0; i < acts.length; i++) {
      const a = acts[i]!;
      const t = times[i]!;
      // NaN (unparseable) fails both comparisons; activities after the scoring time do not count.
      if (!(t <= nowMs && nowMs - t <= windowMs) || !types.has(a.type) || !matches(a)) continue;
      if (++n > max) return false;
    }
    return n >= min;
  };
}

export function compileSignals(rules: readonly SignalRule[], language: Language = DEFAULT_LANGUAGE): CompiledSignal[] {
  return rules.map((rule) => {
    let test: Test;
    if (rule.kind === 'property') test = compilePropertyTest(rule);
    else if (rule.kind === 'activity') test = compileActivityTest(rule);
    else {
      const { dimension, grade } = rule;
      test = (_p, _now, _times, fit) => fit[dimension] === grade;
    }
    const label = language === 'de' ? (rule.labels?.de ?? rule.label) : rule.label;
    return { id: rule.id, points: rule.points, text: `${formatPoints(rule.points)} ${label}`, test };
  });
}

export interface SignalResult {
  /** Sum of the points of the rules that fired. */
  points: number;
  /** One per rule that fired, in model order. */
  reasons: Reason[];
}

const NONE: SignalResult = { points: 0, reasons: [] };
let times = new Float64Array(64);

export function scoreSignals(signals: readonly CompiledSignal[], profile: Profile, nowMs: number, fit: FitGrades): SignalResult {
  if (signals.length === 0) return NONE;
  const acts = profile.activities;
  if (times.length < acts.length) times = new Float64Array(Math.max(acts.length, times.length * 2));
  for (let i = 0; i < acts.length; i++) times[i] = parseIsoTime(acts[i]!.at);
  let points = 0;
  const reasons: Reason[] = [];
  for (const s of signals) {
    if (!s.test(profile, nowMs, times, fit)) continue;
    points += s.points;
    reasons.push({ points: s.points, text: s.text });
  }
  return { points, reasons };
}

/**
 * Which of `signals` fire for a profile, as indexes into `out` (returns how many): calibration encodes its
 * examples with exactly the tests the calibrated model will score with.
 */
export function firingSignals(signals: readonly CompiledSignal[], profile: Profile, nowMs: number, fit: FitGrades, out: Int32Array): number {
  const acts = profile.activities;
  if (times.length < acts.length) times = new Float64Array(Math.max(acts.length, times.length * 2));
  for (let i = 0; i < acts.length; i++) times[i] = parseIsoTime(acts[i]!.at);
  let n = 0;
  for (let j = 0; j < signals.length; j++) if (signals[j]!.test(profile, nowMs, times, fit)) out[n++] = j;
  return n;
}
