// A model turned into lookup tables and compiled regular expressions, once per model object:
// scoring runs per contact and per webhook, so nothing is parsed twice (see bench/scoring.bench.ts).
import { PATTERN_FLAGS, type ScoringModel } from './model-schema.ts';
import type { ActivityType, Grade } from './types.ts';

export interface CompiledFitRule {
  grade: Grade;
  points: number;
  test: (value: string) => boolean;
}

export interface CompiledSizeRule {
  grade: Grade;
  points: number;
  minEmployees: number;
}

export interface CompiledEngagementRule {
  /** Position among the model's rules and penalties, for per-call tallies. */
  index: number;
  id: string;
  label: string;
  points: number;
  cap: number;
  halfLifeMs: number;
  /** -ln 2 / half-life: points × e^(age × decayPerMs) halves every half-life. */
  decayPerMs: number;
  /** Absent: every activity of the rule's types matches. */
  pattern: RegExp | null;
  corroboration: { types: ReadonlySet<ActivityType>; withinMs: number; points: number } | null;
}

export interface CompiledPenalty {
  index: number;
  id: string;
  label: string;
  points: number;
  cap: number;
}

export interface CompiledModel {
  model: ScoringModel;
  position: CompiledFitRule[];
  /** Largest minEmployees first. */
  size: CompiledSizeRule[];
  industry: CompiledFitRule[];
  freeMailDomains: ReadonlySet<string>;
  /** Per activity type: its penalty, else its rules in model order (the first that matches counts). */
  byType: ReadonlyMap<ActivityType, { penalty: CompiledPenalty | null; rules: CompiledEngagementRule[] }>;
  /** Number of engagement rules plus penalties. */
  tallyCount: number;
  competitorDomains: ReadonlySet<string>;
  studentTitle: RegExp | null;
  studentForm: RegExp | null;
  applicantTitle: RegExp | null;
  applicantForm: RegExp | null;
  needEvidence: ReadonlySet<string>;
  timelineEvidence: ReadonlySet<string>;
  authorityRoles: ReadonlySet<string>;
  budgetRoles: ReadonlySet<string>;
  authorityGrades: ReadonlySet<Grade>;
  mqlCells: ReadonlySet<string>;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** One regular expression for a list of alternatives; null for an empty list. */
export function compilePatterns(patterns: readonly string[] | undefined): RegExp | null {
  if (!patterns || patterns.length === 0) return null;
  return new RegExp(patterns.map((p) => `(?:${p})`).join('|'), PATTERN_FLAGS);
}

const cache = new WeakMap<ScoringModel, CompiledModel>();

export function compileModel(model: ScoringModel): CompiledModel {
  let compiled = cache.get(model);
  if (!compiled) {
    compiled = buildCompiledModel(model);
    cache.set(model, compiled);
  }
  return compiled;
}

function buildCompiledModel(model: ScoringModel): CompiledModel {
  const position: CompiledFitRule[] = [];
  const size: CompiledSizeRule[] = [];
  const industry: CompiledFitRule[] = [];
  for (const rule of model.fit.rules) {
    if (rule.dimension === 'position') {
      const re = compilePatterns(rule.titlePatterns)!;
      position.push({ grade: rule.grade, points: rule.points, test: (v) => re.test(v) });
    } else if (rule.dimension === 'size') {
      size.push({ grade: rule.grade, points: rule.points, minEmployees: rule.minEmployees });
    } else {
      const values = new Set(rule.industries.map((v) => v.toLowerCase()));
      const re = compilePatterns(rule.patterns);
      industry.push({ grade: rule.grade, points: rule.points, test: (v) => values.has(v.toLowerCase()) || (re?.test(v) ?? false) });
    }
  }
  size.sort((a, b) => b.minEmployees - a.minEmployees);

  const byType = new Map<ActivityType, { penalty: CompiledPenalty | null; rules: CompiledEngagementRule[] }>();
  const entryFor = (type: ActivityType) => {
    let entry = byType.get(type);
    if (!entry) {
      entry = { penalty: null, rules: [] };
      byType.set(type, entry);
    }
    return entry;
  };
  let index = 0;
  for (const rule of model.engagement.rules) {
    const compiled: CompiledEngagementRule = {
      index: index++,
      id: rule.id,
      label: rule.label,
      points: rule.points,
      cap: rule.cap,
      halfLifeMs: rule.halfLifeDays * DAY_MS,
      decayPerMs: -Math.LN2 / (rule.halfLifeDays * DAY_MS),
      pattern: compilePatterns(rule.patterns),
      corroboration: rule.corroboratedBy
        ? {
            types: new Set(rule.corroboratedBy.activityTypes),
            withinMs: rule.corroboratedBy.withinHours * HOUR_MS,
            points: rule.corroboratedBy.points,
          }
        : null,
    };
    for (const type of rule.activityTypes) entryFor(type).rules.push(compiled);
  }
  for (const p of model.engagement.penalties) {
    const compiled: CompiledPenalty = { index: index++, id: p.id, label: p.label, points: p.points, cap: p.cap };
    for (const type of p.activityTypes) {
      const entry = entryFor(type);
      entry.penalty ??= compiled;
    }
  }

  const d = model.disqualification;
  return {
    model,
    position,
    size,
    industry,
    freeMailDomains: new Set(model.fit.freeMail.domains),
    byType,
    tallyCount: index,
    competitorDomains: new Set(d.competitor.domains),
    studentTitle: compilePatterns(d.student.titlePatterns),
    studentForm: compilePatterns(d.student.formPatterns),
    applicantTitle: compilePatterns(d.applicant.titlePatterns),
    applicantForm: compilePatterns(d.applicant.formPatterns),
    needEvidence: new Set(model.bant.need.evidenceRules),
    timelineEvidence: new Set(model.bant.timeline.evidenceRules),
    authorityRoles: new Set(model.bant.authority.buyingRoles.map((r) => r.toUpperCase())),
    budgetRoles: new Set(model.bant.budget.buyingRoles.map((r) => r.toUpperCase())),
    authorityGrades: new Set(model.bant.authority.positionGrades),
    mqlCells: new Set(model.mqlCells),
  };
}

export { DAY_MS, HOUR_MS };
