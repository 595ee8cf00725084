// A model turned into lookup tables and compiled regular expressions, once per model object:
// scoring runs per contact and per webhook, so nothing is parsed twice (see bench/scoring.bench.ts).
import { createReasonLeads, formatPoints, type ReasonLeads } from './format-reason.ts';
import type { ScoringModel } from './model-schema.ts';
import { compileSafePatterns, type SafePattern } from './safe-pattern.ts';
import { type CompiledSignal, compileSignals } from './score-signals.ts';
import { DAY_MS, HOUR_MS } from './time-units.ts';
import type { ActivityType, Grade } from './types.ts';

/** A fit reason is `reasonLead`, the contact's value, then `reasonTail`: `+40 fit: position "` CEO `" (A)`. */
export interface CompiledFitRule {
  grade: Grade;
  points: number;
  test: (value: string) => boolean;
  reasonLead: string;
  reasonTail: string;
}

export interface CompiledSizeRule {
  grade: Grade;
  points: number;
  minEmployees: number;
  reasonLead: string;
  reasonTail: string;
}

export interface CompiledEngagementRule {
  /** Position among the model's rules and penalties, for per-call tallies. */
  index: number;
  id: string;
  label: string;
  /** `label (`: evidence texts start with it. */
  labelOpen: string;
  /** How reasons start: points, then ` label (`. */
  leads: ReasonLeads;
  points: number;
  cap: number;
  halfLifeMs: number;
  /** -ln 2 / half-life: points × e^(age × decayPerMs) halves every half-life. */
  decayPerMs: number;
  /** Absent: every activity of the rule's types matches. */
  pattern: SafePattern | null;
  corroboration: { types: ReadonlySet<ActivityType>; withinMs: number; points: number } | null;
  /** Whether the rule is in bant.need.evidenceRules / bant.timeline.evidenceRules. */
  needEvidence: boolean;
  timelineEvidence: boolean;
}

export interface CompiledPenalty {
  index: number;
  id: string;
  label: string;
  /** How reasons start: points, then ` label (`. */
  leads: ReasonLeads;
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
  /** `-10 fit: free-mail address (`: the domain and `)` follow. */
  freeMailReasonLead: string;
  /** Per activity type: its penalty, else its rules in model order (the first that matches counts). */
  byType: ReadonlyMap<ActivityType, CompiledTypeEntry>;
  /** Engagement rules by index (0 … rules − 1); penalties follow at index rules.length and up. */
  engagementRules: CompiledEngagementRule[];
  penalties: CompiledPenalty[];
  /** Number of engagement rules plus penalties. */
  tallyCount: number;
  /** bant.need.withinDays / bant.timeline.withinDays in ms. */
  needWindowMs: number;
  timelineWindowMs: number;
  competitorDomains: ReadonlySet<string>;
  studentTitle: SafePattern | null;
  studentForm: SafePattern | null;
  applicantTitle: SafePattern | null;
  applicantForm: SafePattern | null;
  needEvidence: ReadonlySet<string>;
  timelineEvidence: ReadonlySet<string>;
  authorityRoles: ReadonlySet<string>;
  budgetRoles: ReadonlySet<string>;
  authorityGrades: ReadonlySet<Grade>;
  mqlCells: ReadonlySet<string>;
  signals: CompiledSignal[];
}

export interface CompiledTypeEntry {
  penalty: CompiledPenalty | null;
  rules: CompiledEngagementRule[];
  /** The rule or penalty index every activity of the type counts for, or -1 when patterns decide (or nothing does). */
  fixedIndex: number;
}

/** One linear-time matcher for a list of alternatives (src/scoring/safe-pattern.ts); null for an empty list. */
export function compilePatterns(patterns: readonly string[] | undefined): SafePattern | null {
  return compileSafePatterns(patterns);
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
    const fitLead = `${formatPoints(rule.points)} fit: `;
    if (rule.dimension === 'position') {
      const re = compilePatterns(rule.titlePatterns)!;
      const excluded = compilePatterns(rule.excludePatterns);
      position.push({
        grade: rule.grade,
        points: rule.points,
        test: excluded ? (v) => re.test(v) && !excluded.test(v) : (v) => re.test(v),
        reasonLead: `${fitLead}position "`,
        reasonTail: `" (${rule.grade})`,
      });
    } else if (rule.dimension === 'size') {
      size.push({
        grade: rule.grade,
        points: rule.points,
        minEmployees: rule.minEmployees,
        reasonLead: fitLead,
        reasonTail: ` employees (${rule.grade})`,
      });
    } else {
      const values = new Set(rule.industries.map((v) => v.toLowerCase()));
      const re = compilePatterns(rule.patterns);
      industry.push({
        grade: rule.grade,
        points: rule.points,
        test: (v) => values.has(v.toLowerCase()) || (re?.test(v) ?? false),
        reasonLead: `${fitLead}industry `,
        reasonTail: ` (${rule.grade})`,
      });
    }
  }
  size.sort((a, b) => b.minEmployees - a.minEmployees);

  const byType = new Map<ActivityType, CompiledTypeEntry>();
  const entryFor = (type: ActivityType) => {
    let entry = byType.get(type);
    if (!entry) {
      entry = { penalty: null, rules: [], fixedIndex: -1 };
      byType.set(type, entry);
    }
    return entry;
  };
  const needRules = new Set(model.bant.need.evidenceRules);
  const timelineRules = new Set(model.bant.timeline.evidenceRules);
  const engagementRules: CompiledEngagementRule[] = [];
  const penalties: CompiledPenalty[] = [];
  let index = 0;
  for (const rule of model.engagement.rules) {
    const compiled: CompiledEngagementRule = {
      index: index++,
      id: rule.id,
      label: rule.label,
      labelOpen: `${rule.label} (`,
      leads: createReasonLeads(rule.label, rule.points < 0, rule.cap),
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
      needEvidence: needRules.has(rule.id),
      timelineEvidence: timelineRules.has(rule.id),
    };
    engagementRules.push(compiled);
    for (const type of rule.activityTypes) entryFor(type).rules.push(compiled);
  }
  for (const p of model.engagement.penalties) {
    const compiled: CompiledPenalty = { index: index++, id: p.id, label: p.label, leads: createReasonLeads(p.label, true, p.cap), points: p.points, cap: p.cap };
    penalties.push(compiled);
    for (const type of p.activityTypes) {
      const entry = entryFor(type);
      entry.penalty ??= compiled;
    }
  }
  for (const entry of byType.values()) {
    if (entry.penalty) entry.fixedIndex = entry.penalty.index;
    else if (entry.rules[0]?.pattern === null) entry.fixedIndex = entry.rules[0].index;
  }

  const d = model.disqualification;
  return {
    model,
    position,
    size,
    industry,
    freeMailDomains: new Set(model.fit.freeMail.domains),
    freeMailReasonLead: `${formatPoints(model.fit.freeMail.points)} fit: free-mail address (`,
    byType,
    engagementRules,
    penalties,
    tallyCount: index,
    needWindowMs: model.bant.need.withinDays * DAY_MS,
    timelineWindowMs: model.bant.timeline.withinDays * DAY_MS,
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
    signals: compileSignals(model.signals.rules),
  };
}

export { DAY_MS, HOUR_MS } from './time-units.ts';
