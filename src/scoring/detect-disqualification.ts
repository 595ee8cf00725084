// "Passt nicht" (seed 000) and seed 002's Pseudo-Leads: competitors, students, applicants; plus an
// answered "no need" and a company known to be below the model's minimum size. First reason wins.
import type { CompiledModel } from './compile-model.ts';
import { MESSAGES, type SayMessage } from './messages.ts';
import { DEFAULT_LABELLER, type Labeller } from './option-labels.ts';
import { type Facts, readText } from './read-facts.ts';
import type { SafePattern } from './safe-pattern.ts';
import type { Activity, DisqualifyReason, PropertyBag } from './types.ts';

export interface Disqualification {
  reason: DisqualifyReason;
  /** What triggered it, for reasons and task bodies. */
  text: string;
}

function matchingForm(activities: readonly Activity[], pattern: SafePattern | null): Activity | undefined {
  if (!pattern) return undefined;
  for (const a of activities) {
    if (a.type === 'form_submission' && ((a.title !== undefined && pattern.test(a.title)) || (a.url !== undefined && pattern.test(a.url)))) return a;
  }
  return undefined;
}

function bySelfDescription(
  reason: 'student' | 'applicant',
  facts: Facts,
  activities: readonly Activity[],
  title: SafePattern | null,
  form: SafePattern | null,
  say: SayMessage,
): Disqualification | null {
  if (title && facts.jobtitle !== '' && title.test(facts.jobtitle)) return { reason, text: say('disqualify.jobtitle', { title: facts.jobtitle }) };
  const submitted = matchingForm(activities, form);
  if (submitted) return { reason, text: say('disqualify.form', { form: submitted.title ?? submitted.url ?? '' }) };
  return null;
}

export function detectDisqualification(
  contact: PropertyBag,
  facts: Facts,
  activities: readonly Activity[],
  compiled: CompiledModel,
  label: Labeller = DEFAULT_LABELLER,
): Disqualification | null {
  const rules = compiled.model.disqualification;
  const say = MESSAGES.in(compiled.language);
  if (compiled.isCompetitorDomain(facts.emailDomain)) return { reason: 'competitor', text: say('disqualify.emailDomain', { domain: facts.emailDomain }) };
  if (compiled.isCompetitorDomain(facts.companyDomain)) return { reason: 'competitor', text: say('disqualify.companyDomain', { domain: facts.companyDomain }) };

  const student = bySelfDescription('student', facts, activities, compiled.studentTitle, compiled.studentForm, say);
  if (student) return student;
  const applicant = bySelfDescription('applicant', facts, activities, compiled.applicantTitle, compiled.applicantForm, say);
  if (applicant) return applicant;

  const need = readText(contact, 'bant_need_answer');
  if (need !== '' && rules.noNeed.needAnswers.includes(need)) return { reason: 'no_need', text: label('bant_need_answer', need) };

  if (facts.employees && facts.employees.value < rules.noFit.minEmployees) {
    return { reason: 'no_fit', text: say('disqualify.tooSmall', { employees: facts.employees.raw, min: rules.noFit.minEmployees }) };
  }
  return null;
}
