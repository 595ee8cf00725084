// Explicit scoring (seed 002's A–D table): position, company size and industry, lowered for free-mail addresses (seed 001).
import type { CompiledModel } from './compile-model.ts';
import { DEFAULT_LABELLER, type Labeller } from './option-labels.ts';
import type { Facts } from './read-facts.ts';
import type { Grade, Reason } from './types.ts';

export interface FitResult {
  score: number;
  grade: Grade;
  /** Grade of the jobtitle's position rule, null when there is no title or no rule matched. */
  positionGrade: Grade | null;
  /** Grade of the size and industry rules that matched, null for none. */
  sizeGrade: Grade | null;
  industryGrade: Grade | null;
  reasons: Reason[];
}

/** `+40 fit: position "CEO" (A)`: the rule's worded start and end around the contact's value. */
function reason(rule: { points: number; reasonLead: string; reasonTail: string }, value: string): Reason {
  return { points: rule.points, text: rule.reasonLead + value + rule.reasonTail };
}

export function scoreFit(facts: Facts, compiled: CompiledModel, label: Labeller = DEFAULT_LABELLER): FitResult {
  const reasons: Reason[] = [];
  let total = 0;

  let positionGrade: Grade | null = null;
  if (facts.jobtitle !== '') {
    const rule = compiled.positionRuleFor(facts.jobtitle);
    if (rule) {
      positionGrade = rule.grade;
      total += rule.points;
      reasons.push(reason(rule, facts.jobtitle));
    }
  }

  let sizeGrade: Grade | null = null;
  if (facts.employees) {
    const employees = facts.employees.value;
    const rule = compiled.size.find((r) => employees >= r.minEmployees);
    if (rule) {
      sizeGrade = rule.grade;
      total += rule.points;
      reasons.push(reason(rule, facts.employees.raw));
    }
  }

  let industryGrade: Grade | null = null;
  if (facts.industry) {
    const industry = facts.industry.value;
    const rule = compiled.industryRuleFor(industry);
    if (rule) {
      industryGrade = rule.grade;
      total += rule.points;
      reasons.push(reason(rule, label('industry', industry)));
    }
  }

  const freeMail = compiled.model.fit.freeMail;
  if (freeMail.points !== 0 && compiled.isFreeMailDomain(facts.emailDomain)) {
    total += freeMail.points;
    reasons.push({ points: freeMail.points, text: `${compiled.freeMailReasonLead}${facts.emailDomain})` });
  }

  const score = Math.round(Math.min(100, Math.max(0, total)));
  return { score, grade: gradeOf(score, compiled), positionGrade, sizeGrade, industryGrade, reasons };
}

function gradeOf(score: number, compiled: CompiledModel): Grade {
  const t = compiled.model.fit.gradeThresholds;
  if (score >= t.A) return 'A';
  if (score >= t.B) return 'B';
  if (score >= t.C) return 'C';
  return 'D';
}
