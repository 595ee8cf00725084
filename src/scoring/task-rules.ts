// Which lead tasks still apply to a contact, and in words why one no longer does (docs/contract.md section 4): the app
// completes its own tasks that no longer apply, with a last-but-one body line saying why, and refreshes an open task's
// title and body when what it asks for changes.
import type { LeadProcess } from './lead-process.ts';
import { DEFAULT_LANGUAGE, type Language, LANGUAGES } from './catalogue.ts';
import { MESSAGES } from './messages.ts';
import { CRITERIA, type Criterion, type CriterionResult, DISQUALIFY_REASONS, type DisqualifyReason, type Qualification, type TaskDraft, type TaskKind } from './types.ts';

/** The kinds the engine decides per contact; `escalate` follows its call task and is decided by the SLA job. */
export const LEAD_TASK_KINDS = ['call_sql', 'qualify', 'follow_up'] as const satisfies readonly TaskKind[];
export type LeadTaskKind = (typeof LEAD_TASK_KINDS)[number];

/** What decides whether a lead task applies: the contact's outcome, its BANT states, and whether it is a lead at all. */
export interface TaskSituation {
  qualification: Qualification;
  disqualifyReason?: string | null;
  bant: Record<Criterion, Pick<CriterionResult, 'state'>>;
  leadProcess: LeadProcess;
}

/** The drafts a contact gets: none once it is past the lead stages (its values are still computed and written). */
export function applicableTasks(drafts: readonly TaskDraft[], leadProcess: LeadProcess): TaskDraft[] {
  return leadProcess.inLeadProcess ? [...drafts] : [];
}

/** How the closing line starts in English (kept for readers of earlier bodies); see isClosingLine for every language. */
export const CLOSED_PREFIX = `${MESSAGES.in('en')('closed.prefix')} `;
const CLOSED_PREFIXES = LANGUAGES.map((language) => `${MESSAGES.in(language)('closed.prefix')} `);

/** Whether a body line is the app's closing line, in any language (the installation's language may have changed since). */
export function isClosingLine(line: string): boolean {
  return CLOSED_PREFIXES.some((prefix) => line.startsWith(prefix));
}

/** Why a task of `kind` no longer applies, as the rep reads it; undefined while it still applies. */
export function explainNoLongerApplies(
  kind: LeadTaskKind,
  situation: TaskSituation,
  drafted: readonly TaskDraft[],
  language: Language = DEFAULT_LANGUAGE,
): string | undefined {
  if (drafted.some((d) => d.kind === kind)) return undefined;
  const say = MESSAGES.in(language);
  const { leadProcess, qualification } = situation;
  if (!leadProcess.inLeadProcess) {
    return leadProcess.because === 'deal' ? say('closed.deal') : say('closed.stage', { stage: leadProcess.stage ?? '' });
  }
  const reason = situation.disqualifyReason;
  const now =
    qualification === 'disqualified' && reason
      ? say('closed.disqualifiedAs', { reason: isDisqualifyReason(reason) ? say(`disqualify.${reason}`) : reason.replace('_', ' ') })
      : say(`qualification.${qualification}`);
  switch (kind) {
    case 'call_sql':
      return say('closed.notSalesReady', { now });
    case 'qualify':
      if (qualification === 'sql') return say('closed.becameSql');
      if (qualification === 'mql' && CRITERIA.every((c) => situation.bant[c].state !== 'unknown')) return say('closed.allKnown');
      return say('closed.notMql', { now });
    case 'follow_up':
      if (qualification === 'nurture') return say('closed.notLate');
      return say('closed.notNurture', { now });
  }
}

function isDisqualifyReason(value: string): value is DisqualifyReason {
  return (DISQUALIFY_REASONS as readonly string[]).includes(value);
}

/** The body of a task the app completes: `why` goes right before the last line (`bant-task: KIND`). */
export function closedBody(body: string, why: string): string {
  const lines = body.replace(/\s+$/, '').split('\n');
  const last = lines.pop() ?? '';
  if (isClosingLine(lines.at(-1) ?? '')) lines.pop();
  return [...lines, why, last].join('\n');
}

/**
 * What an open task shows that must stay current: the contact's priority and the task's title (which names the
 * missing criteria). A change refreshes title and body; the due date stays.
 */
export function taskFingerprint(priority: string | undefined, draft: Pick<TaskDraft, 'subject' | 'priority'>): string {
  return `${priority ?? ''}|${draft.priority}|${draft.subject}`;
}
