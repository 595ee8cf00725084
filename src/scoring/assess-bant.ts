// BANT (seeds 000, 002, 004): an answer property set by a rep or form decides a criterion; without one,
// evidence (firmographics, buying role, title, recent decision-stage activity) can make it `partial`;
// with neither it stays `unknown`, which is never the same as `not_met`.
import { type CompiledModel, DAY_MS } from './compile-model.ts';
import { formatAge } from './format-reason.ts';
import { type Facts, readText } from './read-facts.ts';
import type { ActivityMatch } from './score-engagement.ts';
import type { Criterion, CriterionResult, Evidence, Grade, PropertyBag } from './types.ts';

export type BantResult = Record<Criterion, CriterionResult> & { criteriaMet: number };

const MAX_EVIDENCE = 3;

const ANSWER_PROPERTIES: Record<Criterion, string> = {
  budget: 'bant_budget_answer',
  authority: 'bant_authority_answer',
  need: 'bant_need_answer',
  timeline: 'bant_timeline_answer',
};

export function answerProperty(criterion: Criterion): string {
  return ANSWER_PROPERTIES[criterion];
}

function fromAnswer(criterion: Criterion, contact: PropertyBag, compiled: CompiledModel): CriterionResult | null {
  const name = ANSWER_PROPERTIES[criterion];
  const value = readText(contact, name);
  if (value === '') return null;
  const state = compiled.model.bant[criterion].answers[value] ?? compiled.model.bant[criterion].answers[value.toLowerCase()];
  if (state === undefined) return null;
  return { state, evidence: [{ source: 'property', name, value, text: `${name} = ${value}` }] };
}

function recentActivities(matches: ActivityMatch[], rules: ReadonlySet<string>, withinDays: number, nowMs: number): Evidence[] {
  const windowMs = withinDays * DAY_MS;
  const evidence: Evidence[] = [];
  // `matches` is newest first.
  for (const m of matches) {
    if (evidence.length === MAX_EVIDENCE) break;
    if (!rules.has(m.rule.id) || nowMs - m.atMs > windowMs) continue;
    evidence.push({ source: 'activity', name: m.activity.type, at: m.activity.at, text: `${m.rule.label} (${formatAge(nowMs - m.atMs)})` });
  }
  return evidence;
}

function roleEvidence(facts: Facts, roles: ReadonlySet<string>): Evidence[] {
  return facts.buyingRoles
    .filter((r) => roles.has(r))
    .map((r) => ({ source: 'property', name: 'hs_buying_role', value: r, text: `hs_buying_role = ${r}` }));
}

function budgetEvidence(facts: Facts, compiled: CompiledModel): Evidence[] {
  const rules = compiled.model.bant.budget;
  const evidence: Evidence[] = [];
  if (rules.minEmployees !== undefined && facts.employees && facts.employees.value >= rules.minEmployees) {
    const e = facts.employees;
    evidence.push({ source: e.source, name: e.name, value: e.raw, text: `${e.raw} employees (${e.name})` });
  }
  if (rules.minAnnualRevenue !== undefined && facts.annualRevenue && facts.annualRevenue.value >= rules.minAnnualRevenue) {
    const r = facts.annualRevenue;
    evidence.push({ source: r.source, name: 'annualrevenue', value: String(r.value), text: `annual revenue ${r.value}` });
  }
  return [...evidence, ...roleEvidence(facts, compiled.budgetRoles)];
}

function authorityEvidence(facts: Facts, positionGrade: Grade | null, compiled: CompiledModel): Evidence[] {
  const evidence = roleEvidence(facts, compiled.authorityRoles);
  if (positionGrade !== null && compiled.authorityGrades.has(positionGrade)) {
    evidence.push({ source: 'property', name: 'jobtitle', value: facts.jobtitle, text: `jobtitle "${facts.jobtitle}" (position ${positionGrade})` });
  }
  return evidence;
}

function collectEvidence(
  criterion: Criterion,
  facts: Facts,
  positionGrade: Grade | null,
  matches: ActivityMatch[],
  compiled: CompiledModel,
  nowMs: number,
): Evidence[] {
  const bant = compiled.model.bant;
  switch (criterion) {
    case 'budget':
      return budgetEvidence(facts, compiled);
    case 'authority':
      return authorityEvidence(facts, positionGrade, compiled);
    case 'need':
      return recentActivities(matches, compiled.needEvidence, bant.need.withinDays, nowMs);
    case 'timeline':
      return recentActivities(matches, compiled.timelineEvidence, bant.timeline.withinDays, nowMs);
  }
}

export function assessBant(
  contact: PropertyBag,
  facts: Facts,
  positionGrade: Grade | null,
  matches: ActivityMatch[],
  compiled: CompiledModel,
  nowMs: number,
): BantResult {
  const assess = (criterion: Criterion): CriterionResult => {
    const answered = fromAnswer(criterion, contact, compiled);
    if (answered) return answered;
    const evidence = collectEvidence(criterion, facts, positionGrade, matches, compiled, nowMs);
    if (evidence.length > MAX_EVIDENCE) evidence.length = MAX_EVIDENCE;
    return { state: evidence.length > 0 ? 'partial' : 'unknown', evidence };
  };
  const budget = assess('budget');
  const authority = assess('authority');
  const need = assess('need');
  const timeline = assess('timeline');
  const criteriaMet = [budget, authority, need, timeline].filter((c) => c.state === 'met').length;
  return { budget, authority, need, timeline, criteriaMet };
}
