// Which lead tasks still apply to a contact, and in words why one no longer does (docs/contract.md section 4): the app
// completes its own tasks that no longer apply, with a last-but-one body line saying why, and refreshes an open task's
// title and body when what it asks for changes.
import type { LeadProcess } from './lead-process.ts';
import { CRITERIA, type Criterion, type CriterionResult, type Qualification, type TaskDraft, type TaskKind } from './types.ts';

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

export const CLOSED_PREFIX = 'Closed by the app: ';

/** Why a task of `kind` no longer applies, as the rep reads it; undefined while it still applies. */
export function explainNoLongerApplies(kind: LeadTaskKind, situation: TaskSituation, drafted: readonly TaskDraft[]): string | undefined {
  if (drafted.some((d) => d.kind === kind)) return undefined;
  const { leadProcess, qualification } = situation;
  if (!leadProcess.inLeadProcess) {
    return leadProcess.because === 'deal'
      ? `${CLOSED_PREFIX}the contact has an open or won deal, so it is past the lead stages.`
      : `${CLOSED_PREFIX}the contact is past the lead stages (lifecycle stage ${leadProcess.stage}).`;
  }
  const now = qualification === 'disqualified' && situation.disqualifyReason ? `disqualified as ${situation.disqualifyReason.replace('_', ' ')}` : qualification;
  switch (kind) {
    case 'call_sql':
      return `${CLOSED_PREFIX}the contact is no longer sales-ready (now ${now}).`;
    case 'qualify':
      if (qualification === 'sql') return `${CLOSED_PREFIX}the contact became sales-ready (sql); the call task takes over.`;
      if (qualification === 'mql' && CRITERIA.every((c) => situation.bant[c].state !== 'unknown')) return `${CLOSED_PREFIX}every BANT criterion is known now.`;
      return `${CLOSED_PREFIX}the contact is no longer marketing-qualified (now ${now}).`;
    case 'follow_up':
      if (qualification === 'nurture') return `${CLOSED_PREFIX}the purchase is no longer planned beyond 12 months.`;
      return `${CLOSED_PREFIX}the contact is no longer in nurture (now ${now}).`;
  }
}

/** The body of a task the app completes: `why` goes right before the last line (`bant-task: KIND`). */
export function closedBody(body: string, why: string): string {
  const lines = body.replace(/\s+$/, '').split('\n');
  const last = lines.pop() ?? '';
  if (lines.at(-1)?.startsWith(CLOSED_PREFIX)) lines.pop();
  return [...lines, why, last].join('\n');
}

/**
 * What an open task shows that must stay current: the contact's priority and the task's title (which names the
 * missing criteria). A change refreshes title and body; the due date stays.
 */
export function taskFingerprint(priority: string | undefined, draft: Pick<TaskDraft, 'subject' | 'priority'>): string {
  return `${priority ?? ''}|${draft.priority}|${draft.subject}`;
}
