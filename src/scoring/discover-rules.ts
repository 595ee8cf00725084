// Candidate rules for calibration, discovered from the training outcomes: every property present (values with
// enough support, quantile ranges of numbers, recency of dates, known vs empty), counts of each activity type
// in windows, and the base model's own fit and engagement rules. Outcome-side properties never become rules.
import type { Language } from './catalogue.ts';
import { inLanguage } from './compile-model.ts';
import { MESSAGES, type SayMessage } from './messages.ts';
import type { ScoringModel, SignalRule } from './model-schema.ts';
import type { OutcomeExample } from './outcomes.ts';
import { parseNumber } from './read-facts.ts';
import { ACTIVITY_TYPES, type ActivityType, GRADES } from './types.ts';

/**
 * Properties that record the outcome or the app's own verdict, or identify a single record: learning from them
 * would be leakage (the lifecycle stage becomes `customer` because the deal was won) or memorising.
 */
const NEVER_EXACT = new Set([
  'lifecyclestage',
  'hs_lead_status',
  'hs_object_id',
  'associatedcompanyid',
  'hubspot_owner_id',
  'hubspot_owner_assigneddate',
  'email',
  'firstname',
  'lastname',
  'phone',
  'mobilephone',
  'company',
  'name',
  'domain',
  'website',
  'lastmodifieddate',
  'hs_lastmodifieddate',
  'notes_last_updated',
  'closedate',
  'amount',
  'total_revenue',
  'num_associated_deals',
]);
const NEVER_PATTERN = /deal|^hs_lifecyclestage_|^hs_date_(entered|exited)_|^hs_time_in_|became_|^hs_v2_date_|customer|opportunity|^bant_(?!(budget|authority|need|timeline)_answer$)/;

export function isOutcomeSide(property: string): boolean {
  return NEVER_EXACT.has(property) || NEVER_PATTERN.test(property);
}

const DATE_WINDOWS = [7, 30, 90, 365];
const ACTIVITY_WINDOWS = [7, 30, 90, 365];
const REPEAT_WINDOWS = [7, 30, 90];
const REPEAT_COUNT = 3;
const QUANTILE_BINS = 5;
const MAX_VALUES = 30;
/** Distinct values tracked per property before it counts as an identifier-like free text. */
const MAX_TRACKED = 500;
const ISO_LIKE = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;

interface PropertyStats {
  object: 'contact' | 'company';
  name: string;
  known: number;
  numeric: number;
  dates: number;
  numbers: number[];
  values: Map<string, number>;
  /** First spelling seen of each lower-cased value, for labels. */
  spelling: Map<string, string>;
  overflow: boolean;
}

function slug(text: string): string {
  const s = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return s === '' ? 'x' : s.slice(0, 40);
}

function formatNumber(x: number): string {
  return Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : String(Math.round(x * 100) / 100);
}

/** The minimum number of training examples a rule must fire for (and not fire for). */
export function minSupport(n: number): number {
  return Math.max(20, Math.ceil(n * 0.005));
}

function collectStats(examples: readonly OutcomeExample[], allowed: ((name: string) => boolean) | null): Map<string, PropertyStats> {
  const stats = new Map<string, PropertyStats>();
  const visit = (object: 'contact' | 'company', bag: Record<string, string | null | undefined> | undefined) => {
    if (!bag) return;
    for (const name of Object.keys(bag)) {
      const raw = bag[name];
      if (typeof raw !== 'string') continue;
      const value = raw.trim();
      if (value === '' || isOutcomeSide(name) || (allowed !== null && !allowed(name))) continue;
      const key = `${object}:${name}`;
      let s = stats.get(key);
      if (!s) {
        s = { object, name, known: 0, numeric: 0, dates: 0, numbers: [], values: new Map(), spelling: new Map(), overflow: false };
        stats.set(key, s);
      }
      s.known++;
      if (ISO_LIKE.test(value)) s.dates++;
      else {
        const n = parseNumber(value);
        if (n !== null) {
          s.numeric++;
          s.numbers.push(n);
        }
      }
      for (const part of value.includes(';') ? value.split(';') : [value]) {
        const original = part.trim();
        const v = original.toLowerCase();
        const count = s.values.get(v);
        if (count !== undefined) s.values.set(v, count + 1);
        else if (s.values.size < MAX_TRACKED) {
          s.values.set(v, 1);
          s.spelling.set(v, original);
        } else s.overflow = true;
      }
    }
  };
  for (const e of examples) {
    visit('contact', e.profile.properties);
    visit('company', e.profile.company?.properties ?? undefined);
  }
  return stats;
}

/** Distinct interior cut points at the 1/bins … (bins-1)/bins quantiles. */
function quantileEdges(values: number[], bins: number): number[] {
  const sorted = Float64Array.from(values).sort();
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) {
    const q = sorted[Math.floor((b * sorted.length) / bins)]!;
    if (q > sorted[0]! && (edges.length === 0 || q > edges[edges.length - 1]!)) edges.push(q);
  }
  return edges;
}

/** A candidate's label in English and its German wording, so a calibrated model's reasons follow the installation's language. */
function labelled(word: (say: SayMessage, language: Language) => string): { label: string; labels: { de: string } } {
  return { label: word(MESSAGES.in('en'), 'en'), labels: { de: word(MESSAGES.in('de'), 'de') } };
}

function propertyRules(s: PropertyStats, n: number, support: number): SignalRule[] {
  const rules: SignalRule[] = [];
  const base = `${s.object === 'company' ? 'co_' : ''}${slug(s.name)}`;
  /** `label` in each language (a function of the language's texts); the company's properties say so. */
  const make = (suffix: string, label: (say: SayMessage) => string, test: Extract<SignalRule, { kind: 'property' }>['test']): Extract<SignalRule, { kind: 'property' }> => {
    const word = (say: SayMessage) => (s.object === 'company' ? say('signal.company', { label: label(say) }) : label(say));
    return { kind: 'property', object: s.object, property: s.name, test, id: `${base}_${suffix}`.slice(0, 80), ...labelled(word), points: 0 };
  };
  if (s.known >= support && n - s.known >= support) rules.push(make('known', (say) => say('signal.known', { name: s.name }), { known: true }));
  if (s.dates >= 0.9 * s.known) {
    for (const days of DATE_WINDOWS) rules.push(make(`within_${days}d`, (say) => say('signal.within', { name: s.name, days }), { withinDays: days }));
    return rules;
  }
  if (s.numeric >= 0.9 * s.known && s.values.size > 8) {
    const edges = quantileEdges(s.numbers, QUANTILE_BINS);
    const bounds = [Number.NEGATIVE_INFINITY, ...edges, Number.POSITIVE_INFINITY];
    for (let b = 0; b + 1 < bounds.length; b++) {
      const lo = bounds[b]!;
      const hi = bounds[b + 1]!;
      const test = { ...(Number.isFinite(lo) ? { min: lo } : {}), ...(Number.isFinite(hi) ? { max: hi } : {}) };
      const label = !Number.isFinite(lo) ? `${s.name} < ${formatNumber(hi)}` : !Number.isFinite(hi) ? `${s.name} ≥ ${formatNumber(lo)}` : `${s.name} ${formatNumber(lo)}–${formatNumber(hi)}`;
      rules.push(make(`q${b + 1}`, () => label, test));
    }
    return rules;
  }
  // Categorical: the most frequent values with enough support either way.
  const values = [...s.values.entries()].filter(([, c]) => c >= support && n - c >= support).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (const [value] of values.slice(0, MAX_VALUES)) {
    const shown = s.spelling.get(value) ?? value;
    rules.push(make(slug(value), () => `${s.name} = ${shown}`, { in: [shown] }));
  }
  return rules;
}

function activityRules(examples: readonly OutcomeExample[], support: number): SignalRule[] {
  const seen = new Map<ActivityType, number>();
  for (const e of examples) {
    const types = new Set(e.profile.activities.map((a) => a.type));
    for (const t of types) seen.set(t, (seen.get(t) ?? 0) + 1);
  }
  const rules: SignalRule[] = [];
  for (const type of ACTIVITY_TYPES) {
    if ((seen.get(type) ?? 0) < support) continue;
    const activity = (say: SayMessage) => say(`activity.${type}`);
    for (const days of ACTIVITY_WINDOWS) {
      const label = labelled((say) => say('signal.activity', { activity: activity(say), days }));
      rules.push({ kind: 'activity', activityTypes: [type], withinDays: days, minCount: 1, id: `${type}_${days}d`, ...label, points: 0 });
    }
    for (const days of REPEAT_WINDOWS) {
      rules.push({
        kind: 'activity',
        activityTypes: [type],
        withinDays: days,
        minCount: REPEAT_COUNT,
        id: `${type}_${REPEAT_COUNT}x_${days}d`,
        ...labelled((say) => say('signal.repeat', { count: REPEAT_COUNT, activity: activity(say), days })),
        points: 0,
      });
    }
  }
  return rules;
}

/** The base model's signal rules, fit grades and engagement rules, as rules whose weights calibration fits. */
function baseRules(base: ScoringModel): SignalRule[] {
  const rules: SignalRule[] = base.signals.rules.map((r) => ({ ...r, points: 0 }));
  for (const dimension of ['position', 'size', 'industry'] as const) {
    for (const grade of GRADES) {
      if (!base.fit.rules.some((r) => r.dimension === dimension && r.grade === grade)) continue;
      const label = labelled((say) => say('signal.fit', { dimension: say(`dimension.${dimension}`), grade }));
      rules.push({ kind: 'fit', dimension, grade, id: `fit_${dimension}_${grade.toLowerCase()}`, ...label, points: 0 });
    }
  }
  for (const r of base.engagement.rules) {
    rules.push({
      kind: 'activity',
      activityTypes: r.activityTypes,
      ...(r.patterns ? { patterns: r.patterns } : {}),
      withinDays: Math.max(1, Math.round(2 * r.halfLifeDays)),
      minCount: 1,
      id: `rule_${r.id}`.slice(0, 80),
      ...labelled((say, language) => say('signal.rule', { label: inLanguage(r.label, r.labels, language), days: Math.round(2 * r.halfLifeDays) })),
      points: 0,
    });
  }
  return rules;
}

/** Every candidate rule (points 0), ids unique. `candidateProperties` limits the property rules. */
export function discoverRules(base: ScoringModel, training: readonly OutcomeExample[], candidateProperties?: readonly string[]): SignalRule[] {
  const support = minSupport(training.length);
  const allowed = candidateProperties ? new Set(candidateProperties) : null;
  const stats = collectStats(training, allowed ? (name) => allowed.has(name) : null);
  const rules: SignalRule[] = [...baseRules(base)];
  const keys = [...stats.keys()].sort();
  for (const key of keys) rules.push(...propertyRules(stats.get(key)!, training.length, support));
  rules.push(...activityRules(training, support));
  const ids = new Set<string>();
  return rules.map((r) => {
    const stem = r.id.replace(/^[^a-z]+/, '') || 'rule';
    let id = stem;
    for (let k = 2; ids.has(id); k++) id = `${stem}_${k}`;
    ids.add(id);
    return { ...r, id };
  });
}
