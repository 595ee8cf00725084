// The tasks a result asks for (docs/contract.md section 4): what a rep needs to act without opening the record.
// `escalate` is not drafted here: it depends on whether a call_sql task is still open, which the SLA job knows.
import type { BantResult } from './assess-bant.ts';
import { type CompiledModel, DAY_MS, HOUR_MS } from './compile-model.ts';
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
const NAMES: Record<Criterion, string> = { budget: 'Budget', authority: 'Authority', need: 'Need', timeline: 'Timeline' };
const TOP_REASONS = 5;
const TASK_MARKERS: Record<TaskDraft['kind'], string> = { call_sql: 'bant-task: call_sql', qualify: 'bant-task: qualify', follow_up: 'bant-task: follow_up' };
const DUE_ISO = { call_sql: createIsoFormatter(), qualify: createIsoFormatter(), follow_up: createIsoFormatter() };

export function describeContact(profile: Profile): string {
  const p = profile.properties;
  const name = [readText(p, 'firstname'), readText(p, 'lastname')].filter((s) => s !== '').join(' ');
  const company = readText(profile.company?.properties, 'name') || readText(p, 'company');
  const who = name || readText(p, 'email') || 'contact';
  return company ? `${who} (${company})` : who;
}

/** `[x] Budget met`, `[-] Need not met`, … per criterion and state, worded once. */
const CHECKLIST_LINES = Object.fromEntries(
  CRITERIA.map((c) => [c, Object.fromEntries(CRITERION_STATES.map((state) => [state, `${MARKS[state]} ${NAMES[c]} ${state.replace('_', ' ')}`]))]),
) as Record<Criterion, Record<CriterionState, string>>;

/** Appends the BANT checklist, one line per criterion with its evidence. */
function addChecklist(lines: string[], bant: BantResult): void {
  for (const c of CRITERIA) {
    const { state, evidence } = bant[c];
    const line = CHECKLIST_LINES[c][state];
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
  if (qualification === 'sql') {
    return {
      kind: 'call_sql',
      subject: (who) => `Call now: ${who} is sales-ready`,
      intro: ['Budget and need are there: call while the interest is fresh.'],
      priority: 'HIGH',
      dueInMs: settings.callSlaHours * HOUR_MS,
    };
  }
  if (qualification === 'mql') {
    const unknown = CRITERIA.filter((c) => bant[c].state === 'unknown');
    if (unknown.length === 0) return null;
    return {
      kind: 'qualify',
      subject: (who) => `Qualify ${who}: ask about ${unknown.join(', ')}`,
      intro: ['Still unknown, please ask:', ...unknown.map((c) => `- ${NAMES[c]}: ${compiled.model.bant[c].question}`)],
      priority: 'MEDIUM',
      dueInMs: settings.qualifyDueDays * DAY_MS,
    };
  }
  if (qualification === 'nurture' && bant.timeline.state === 'not_met') {
    return {
      kind: 'follow_up',
      subject: (who) => `Follow up with ${who}: purchase planned beyond 12 months`,
      intro: ['The purchase is more than 12 months away. Check whether budget, need and timeline have changed.'],
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
  const who = describeContact(profile);
  const contactLine = [who, readText(profile.properties, 'jobtitle'), readText(profile.properties, 'email')].filter((s) => s !== '').join(', ');
  const lines = [contactLine, input.summary(), ''];
  for (const line of plan.intro) lines.push(line);
  lines.push('', 'BANT:');
  addChecklist(lines, bant);
  if (reasons.length > 0) {
    lines.push('', 'Why:');
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
