// The tasks a result asks for (docs/contract.md section 4): what a rep needs to act without opening the record.
// `escalate` is not drafted here: it depends on whether a call_sql task is still open, which the SLA job knows.
import type { BantResult } from './assess-bant.ts';
import { DEFAULT_LANGUAGE, type Language, LANGUAGES } from './catalogue.ts';
import { type CompiledModel, DAY_MS, HOUR_MS, inLanguage } from './compile-model.ts';
import { MESSAGES } from './messages.ts';
import { createIsoFormatter } from './iso-time.ts';
import { readText } from './read-facts.ts';
import { CRITERIA, CRITERION_STATES, type Criterion, type CriterionState, type Profile, type Qualification, type Reason, type TaskDraft } from './types.ts';

export interface TaskInput {
  profile: Profile;
  qualification: Qualification;
  bant: BantResult;
  /** One line: priority, fit, engagement, outcome; only worded when a task is drafted. */
  summary: () => string;
  reasons: Reason[];
  compiled: CompiledModel;
  nowMs: number;
}

const MARKS: Record<CriterionState, string> = { met: '[x]', partial: '[~]', not_met: '[-]', unknown: '[?]' };
const TOP_REASONS = 5;
const TASK_MARKERS: Record<TaskDraft['kind'], string> = { call_sql: 'bant-task: call_sql', qualify: 'bant-task: qualify', follow_up: 'bant-task: follow_up' };
const DUE_ISO = { call_sql: createIsoFormatter(), qualify: createIsoFormatter(), follow_up: createIsoFormatter() };

export function describeContact(profile: Profile, language: Language = DEFAULT_LANGUAGE): string {
  const p = profile.properties;
  const name = [readText(p, 'firstname'), readText(p, 'lastname')].filter((s) => s !== '').join(' ');
  const company = readText(profile.company?.properties, 'name') || readText(p, 'company');
  const who = name || readText(p, 'email') || MESSAGES.in(language)('task.contact');
  return company ? `${who} (${company})` : who;
}

/** `[x] Budget met`, `[-] Need not met`, … per language, criterion and state, worded once. */
const CHECKLIST_LINES = Object.fromEntries(
  LANGUAGES.map((language) => {
    const say = MESSAGES.in(language);
    return [
      language,
      Object.fromEntries(CRITERIA.map((c) => [c, Object.fromEntries(CRITERION_STATES.map((state) => [state, `${MARKS[state]} ${say(`criterion.${c}`)} ${say(`state.${state}`)}`]))])),
    ];
  }),
) as Record<Language, Record<Criterion, Record<CriterionState, string>>>;

/** Appends the BANT checklist, one line per criterion with its evidence. */
function addChecklist(lines: string[], bant: BantResult, language: Language): void {
  for (const c of CRITERIA) {
    const { state, evidence } = bant[c];
    const line = CHECKLIST_LINES[language][c][state];
    if (evidence.length === 0) {
      lines.push(line);
      continue;
    }
    let why = evidence[0]!.text;
    for (let i = 1; i < evidence.length; i++) why += `; ${evidence[i]!.text}`;
    lines.push(`${line}: ${why}`);
  }
}

interface Plan {
  kind: TaskDraft['kind'];
  subject: (who: string) => string;
  /** Lines between the header and the BANT checklist. */
  intro: string[];
  priority: TaskDraft['priority'];
  dueInMs: number;
}

function planTask(qualification: Qualification, bant: BantResult, compiled: CompiledModel): Plan | null {
  const settings = compiled.model.tasks;
  const language = compiled.language;
  const say = MESSAGES.in(language);
  if (qualification === 'sql') {
    return {
      kind: 'call_sql',
      subject: (who) => say('task.callSql.subject', { who }),
      intro: [say('task.callSql.intro')],
      priority: 'HIGH',
      dueInMs: settings.callSlaHours * HOUR_MS,
    };
  }
  if (qualification === 'mql') {
    const unknown = CRITERIA.filter((c) => bant[c].state === 'unknown');
    if (unknown.length === 0) return null;
    return {
      kind: 'qualify',
      subject: (who) => say('task.qualify.subject', { who, criteria: unknown.map((c) => say(`criterionInText.${c}`)).join(', ') }),
      intro: [
        say('task.qualify.intro'),
        ...unknown.map((c) => `- ${say(`criterion.${c}`)}: ${inLanguage(compiled.model.bant[c].question, compiled.model.bant[c].questions, language)}`),
      ],
      priority: 'MEDIUM',
      dueInMs: settings.qualifyDueDays * DAY_MS,
    };
  }
  if (qualification === 'nurture' && bant.timeline.state === 'not_met') {
    return {
      kind: 'follow_up',
      subject: (who) => say('task.followUp.subject', { who }),
      intro: [say('task.followUp.intro')],
      priority: 'LOW',
      dueInMs: settings.followUpDays * DAY_MS,
    };
  }
  return null;
}

export function draftTasks(input: TaskInput): TaskDraft[] {
  const plan = planTask(input.qualification, input.bant, input.compiled);
  if (!plan) return [];
  const { profile, bant, reasons } = input;
  const language = input.compiled.language;
  const say = MESSAGES.in(language);
  const who = describeContact(profile, language);
  const contactLine = [who, readText(profile.properties, 'jobtitle'), readText(profile.properties, 'email')].filter((s) => s !== '').join(', ');
  const lines = [contactLine, input.summary(), ''];
  for (const line of plan.intro) lines.push(line);
  lines.push('', say('task.bant'));
  addChecklist(lines, bant, language);
  if (reasons.length > 0) {
    lines.push('', say('task.why'));
    const top = Math.min(reasons.length, TOP_REASONS);
    for (let i = 0; i < top; i++) lines.push(reasons[i]!.text);
  }
  lines.push('', TASK_MARKERS[plan.kind]);
  return [
    {
      kind: plan.kind,
      subject: plan.subject(who),
      body: lines.join('\n'),
      priority: plan.priority,
      dueAt: DUE_ISO[plan.kind](input.nowMs + plan.dueInMs),
    },
  ];
}
