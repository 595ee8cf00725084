// BANT (seeds 000, 002, 004): an answer property set by a rep or form decides a criterion; without one,
// evidence (firmographics, buying role, title, recent decision-stage activity) can make it `partial`;
// with neither it stays `unknown`, which is never the same as `not_met`.
import type { CompiledModel } from './compile-model.ts';
import type { Language } from './catalogue.ts';
import { formatAgeTail } from './format-reason.ts';
import { MESSAGES } from './messages.ts';
import { DEFAULT_LABELLER, type Labeller } from './option-labels.ts';
import { type Facts, readText } from './read-facts.ts';
import { type ActivityMatch, type EngagementResult, MAX_EVIDENCE } from './score-engagement.ts';
import type { Criterion, CriterionResult, Evidence, Grade, PropertyBag } from './types.ts';

export type BantResult = Record<Criterion, CriterionResult> & { criteriaMet: number };

const ANSWER_PROPERTIES: Record<Criterion, string> = {
  budget: 'bant_budget_answer',
  authority: 'bant_authority_answer',
  need: 'bant_need_answer',
  timeline: 'bant_timeline_answer',
};

export function answerProperty(criterion: Criterion): string {
  return ANSWER_PROPERTIES[criterion];
}

function fromAnswer(criterion: Criterion, contact: PropertyBag, compiled: CompiledModel, label: Labeller): CriterionResult | null {
  const name = ANSWER_PROPERTIES[criterion];
  const value = readText(contact, name);
  if (value === '') return null;
  // The contact's answer picks the key: own keys only, so "constructor" or "__proto__" is no answer.
  const answers = compiled.model.bant[criterion].answers;
  const key = Object.hasOwn(answers, value) ? value : value.toLowerCase();
  if (!Object.hasOwn(answers, key)) return null;
  const state = answers[key];
  if (state === undefined) return null;
  return { state, evidence: [{ source: 'property', name, value, text: label(name, value) }] };
}

/**
 * Sales feedback (seed 002): a rejection or loss naming this criterion makes it `not_met`, with the rep's word as the
 * evidence; an answer property still decides first, so a rep can say otherwise later.
 */
function fromFeedback(criterion: Criterion, feedback: 'rejected' | 'lost', language: Language): CriterionResult {
  const say = MESSAGES.in(language);
  const text = say('evidence.feedback', { feedback: say(`feedback.${feedback}`), criterion: say(`criterionInText.${criterion}`) });
  return { state: 'not_met', evidence: [{ source: 'property', name: 'bant_feedback_criterion', value: criterion, text }] };
}

/** `matches` are already the newest few within the criterion's window (see scoreEngagement). */
function recentActivities(matches: ActivityMatch[], nowMs: number, language: Language): Evidence[] {
  const evidence: Evidence[] = [];
  for (const m of matches) {
    evidence.push({ source: 'activity', name: m.activity.type, at: m.activity.at, text: m.rule.labelOpen + formatAgeTail(nowMs - m.atMs, false, language) });
  }
  return evidence;
}

/** Appends the contact's buying roles that are in `roles`. */
function addRoleEvidence(evidence: Evidence[], facts: Facts, roles: ReadonlySet<string>, label: Labeller, language: Language): Evidence[] {
  for (const r of facts.buyingRoles) {
    if (roles.has(r)) evidence.push({ source: 'property', name: 'hs_buying_role', value: r, text: MESSAGES.in(language)('evidence.buyingRole', { role: label('hs_buying_role', r) }) });
  }
  return evidence;
}

function budgetEvidence(facts: Facts, compiled: CompiledModel, label: Labeller): Evidence[] {
  const rules = compiled.model.bant.budget;
  const say = MESSAGES.in(compiled.language);
  const evidence: Evidence[] = [];
  if (rules.minEmployees !== undefined && facts.employees && facts.employees.value >= rules.minEmployees) {
    const e = facts.employees;
    const source = say(e.source === 'company_property' ? 'evidence.sourceCompany' : 'evidence.sourceContact');
    evidence.push({ source: e.source, name: e.name, value: e.raw, text: say('evidence.employees', { employees: e.raw, source }) });
  }
  if (rules.minAnnualRevenue !== undefined && facts.annualRevenue && facts.annualRevenue.value >= rules.minAnnualRevenue) {
    const r = facts.annualRevenue;
    const value = String(r.value);
    evidence.push({ source: r.source, name: 'annualrevenue', value, text: say('evidence.revenue', { revenue: value }) });
  }
  return addRoleEvidence(evidence, facts, compiled.budgetRoles, label, compiled.language);
}

function authorityEvidence(facts: Facts, positionGrade: Grade | null, compiled: CompiledModel, label: Labeller): Evidence[] {
  const evidence = addRoleEvidence([], facts, compiled.authorityRoles, label, compiled.language);
  if (positionGrade !== null && compiled.authorityGrades.has(positionGrade)) {
    const text = MESSAGES.in(compiled.language)('evidence.jobtitle', { title: facts.jobtitle, grade: positionGrade });
    evidence.push({ source: 'property', name: 'jobtitle', value: facts.jobtitle, text });
  }
  return evidence;
}

function collectEvidence(
  criterion: Criterion,
  facts: Facts,
  positionGrade: Grade | null,
  engagement: EngagementResult,
  compiled: CompiledModel,
  nowMs: number,
  label: Labeller,
): Evidence[] {
  switch (criterion) {
    case 'budget':
      return budgetEvidence(facts, compiled, label);
    case 'authority':
      return authorityEvidence(facts, positionGrade, compiled, label);
    case 'need':
      return recentActivities(engagement.needMatches, nowMs, compiled.language);
    case 'timeline':
      return recentActivities(engagement.timelineMatches, nowMs, compiled.language);
  }
}

export function assessBant(
  contact: PropertyBag,
  facts: Facts,
  positionGrade: Grade | null,
  engagement: EngagementResult,
  compiled: CompiledModel,
  nowMs: number,
  label: Labeller = DEFAULT_LABELLER,
): BantResult {
  // Read once for all four criteria: property reads from objects of many shapes are among scoring's costliest steps.
  const feedback = readText(contact, 'bant_feedback');
  const feedbackCriterion = feedback === 'rejected' || feedback === 'lost' ? readText(contact, 'bant_feedback_criterion') : '';
  const assess = (criterion: Criterion): CriterionResult => {
    const answered =
      fromAnswer(criterion, contact, compiled, label) ??
      (feedbackCriterion === criterion ? fromFeedback(criterion, feedback as 'rejected' | 'lost', compiled.language) : null);
    if (answered) return answered;
    const evidence = collectEvidence(criterion, facts, positionGrade, engagement, compiled, nowMs, label);
    if (evidence.length > MAX_EVIDENCE) evidence.length = MAX_EVIDENCE;
    return { state: evidence.length > 0 ? 'partial' : 'unknown', evidence };
  };
  const budget = assess('budget');
  const authority = assess('authority');
  const need = assess('need');
  const timeline = assess('timeline');
  const criteriaMet =
    (budget.state === 'met' ? 1 : 0) + (authority.state === 'met' ? 1 : 0) + (need.state === 'met' ? 1 : 0) + (timeline.state === 'met' ? 1 : 0);
  return { budget, authority, need, timeline, criteriaMet };
}
