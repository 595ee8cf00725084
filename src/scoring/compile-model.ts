// A model turned into lookup tables and compiled regular expressions, once per model object:
// scoring runs per contact and per webhook, so nothing is parsed twice (see bench/scoring.bench.ts).
import { DEFAULT_LANGUAGE, type Language } from './catalogue.ts';
import { createReasonLeads, formatPoints, type ReasonLeads } from './format-reason.ts';
import { MESSAGES } from './messages.ts';
import type { ScoringModel } from './model-schema.ts';
import { compileSafePatterns, REMEMBERED_ANSWERS, REMEMBERED_CHARS, type SafePattern } from './safe-pattern.ts';
import { createDomainMatcher } from './read-facts.ts';
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
  /** The language of every text the model's results carry (reasons, evidence, tasks). */
  language: Language;
  position: CompiledFitRule[];
  /** Largest minEmployees first. */
  size: CompiledSizeRule[];
  industry: CompiledFitRule[];
  /** `position.find((r) => r.test(jobtitle))`, remembered per job title (they repeat across contacts). */
  positionRuleFor: (jobtitle: string) => CompiledFitRule | undefined;
  /** `industry.find((r) => r.test(industry))`, remembered per value. */
  industryRuleFor: (industry: string) => CompiledFitRule | undefined;
  freeMailDomains: ReadonlySet<string>;
  /** `isInDomains(domain, freeMailDomains)`. */
  isFreeMailDomain: (domain: string) => boolean;
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
  /** `isInDomains(domain, competitorDomains)`. */
  isCompetitorDomain: (domain: string) => boolean;
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

const cache = new WeakMap<ScoringModel, Partial<Record<Language, CompiledModel>>>();

export function compileModel(model: ScoringModel, language: Language = DEFAULT_LANGUAGE): CompiledModel {
  let byLanguage = cache.get(model);
  if (!byLanguage) {
    byLanguage = {};
    cache.set(model, byLanguage);
  }
  let compiled = byLanguage[language];
  if (!compiled) {
    compiled = buildCompiledModel(model, language);
    byLanguage[language] = compiled;
  }
  return compiled;
}

/** A rule's label (or a criterion's question) in `language`: its German wording when it has one, else the English. */
export function inLanguage(english: string, translations: { de?: string } | undefined, language: Language): string {
  return language === 'de' ? (translations?.de ?? english) : english;
}

/**
 * `rules.find((r) => r.test(value))`, with the answer (the rule's index) remembered per value of at most
 * REMEMBERED_CHARS characters, and the memory cleared when full, as SafePattern remembers its answers: one lookup
 * instead of one test per rule. test/scoring/fast-paths.test.ts compares it with the plain search.
 */
export function createRuleFinder(rules: readonly CompiledFitRule[]): (value: string) => CompiledFitRule | undefined {
  const answers = new Map<string, number>();
  return (value) => {
    if (value.length > REMEMBERED_CHARS) return rules.find((r) => r.test(value));
    let index = answers.get(value);
    if (index === undefined) {
      index = rules.findIndex((r) => r.test(value));
      if (answers.size >= REMEMBERED_ANSWERS) answers.clear();
      answers.set(value, index);
    }
    return index < 0 ? undefined : rules[index];
  };
}

const VALUE_MARK = '\u0000';

/** A template with a value in the middle, cut around it: `fit: position "{value}" (A)` → [`fit: position "`, `" (A)`]. */
function around(text: string): [string, string] {
  const at = text.indexOf(VALUE_MARK);
  return [text.slice(0, at), text.slice(at + VALUE_MARK.length)];
}

function buildCompiledModel(model: ScoringModel, language: Language): CompiledModel {
  const say = MESSAGES.in(language);
  const position: CompiledFitRule[] = [];
  const size: CompiledSizeRule[] = [];
  const industry: CompiledFitRule[] = [];
  for (const rule of model.fit.rules) {
    const points = `${formatPoints(rule.points)} `;
    if (rule.dimension === 'position') {
      const re = compilePatterns(rule.titlePatterns)!;
      const excluded = compilePatterns(rule.excludePatterns);
      const [lead, tail] = around(say('reason.fitPosition', { value: VALUE_MARK, grade: rule.grade }));
      position.push({
        grade: rule.grade,
        points: rule.points,
        test: excluded ? (v) => re.test(v) && !excluded.test(v) : (v) => re.test(v),
        reasonLead: points + lead,
        reasonTail: tail,
      });
    } else if (rule.dimension === 'size') {
      const [lead, tail] = around(say('reason.fitSize', { value: VALUE_MARK, grade: rule.grade }));
      size.push({
        grade: rule.grade,
        points: rule.points,
        minEmployees: rule.minEmployees,
        reasonLead: points + lead,
        reasonTail: tail,
      });
    } else {
      const values = new Set(rule.industries.map((v) => v.toLowerCase()));
      const re = compilePatterns(rule.patterns);
      const [lead, tail] = around(say('reason.fitIndustry', { value: VALUE_MARK, grade: rule.grade }));
      industry.push({
        grade: rule.grade,
        points: rule.points,
        test: (v) => values.has(v.toLowerCase()) || (re?.test(v) ?? false),
        reasonLead: points + lead,
        reasonTail: tail,
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
    const label = inLanguage(rule.label, rule.labels, language);
    const compiled: CompiledEngagementRule = {
      index: index++,
      id: rule.id,
      label,
      labelOpen: `${label} (`,
      leads: createReasonLeads(label, rule.points < 0, rule.cap, language),
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
    const label = inLanguage(p.label, p.labels, language);
    const compiled: CompiledPenalty = { index: index++, id: p.id, label, leads: createReasonLeads(label, true, p.cap, language), points: p.points, cap: p.cap };
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
  const freeMailDomains = new Set(model.fit.freeMail.domains);
  const competitorDomains = new Set(d.competitor.domains);
  return {
    model,
    language,
    position,
    size,
    industry,
    positionRuleFor: createRuleFinder(position),
    industryRuleFor: createRuleFinder(industry),
    freeMailDomains,
    isFreeMailDomain: createDomainMatcher(freeMailDomains),
    freeMailReasonLead: `${formatPoints(model.fit.freeMail.points)} ${around(say('reason.freeMail', { domain: VALUE_MARK }))[0]}`,
    byType,
    engagementRules,
    penalties,
    tallyCount: index,
    needWindowMs: model.bant.need.withinDays * DAY_MS,
    timelineWindowMs: model.bant.timeline.withinDays * DAY_MS,
    competitorDomains,
    isCompetitorDomain: createDomainMatcher(competitorDomains),
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
    signals: compileSignals(model.signals.rules, language),
  };
}

export { DAY_MS, HOUR_MS } from './time-units.ts';
