// One call_sql per account at a time (issue 16 part 3): when several contacts of one company are sales-ready, one is
// called (the one whose call is already open, else the best by priority, lead score, then id) and the others wait;
// their closing lines name the colleague being called. Once that call is done or the contact leaves sql, the next may
// be called. Pure: the candidates (with what the store knows of their call tasks) in, the callee out.
import { DEFAULT_LANGUAGE, type Language } from './catalogue.ts';
import { MESSAGES } from './messages.ts';
import type { Priority, Qualification, TaskDraft } from './types.ts';

export interface CallCandidate {
  contactId: string;
  /** `Karl Brandt, Geschäftsführer` */
  label: string;
  qualification: Qualification;
  priority: Priority;
  leadScore: number | null;
  /** The contact is past the lead stages: it gets no lead task, so it is never the account's callee. */
  inLeadProcess: boolean;
  /** State of the contact's call_sql task: open, closed for the current cause (called already), or none. */
  call: 'open' | 'closed' | 'none';
}

export interface Callee {
  contactId: string;
  label: string;
}

function rankPriority(p: Priority): number {
  return (p.charCodeAt(0) - 65) * 10 + Number(p.slice(1));
}

function isBetter(a: CallCandidate, b: CallCandidate): boolean {
  const byPriority = rankPriority(a.priority) - rankPriority(b.priority);
  if (byPriority !== 0) return byPriority < 0;
  const sa = a.leadScore ?? Number.NEGATIVE_INFINITY;
  const sb = b.leadScore ?? Number.NEGATIVE_INFINITY;
  if (sa !== sb) return sa > sb;
  return a.contactId < b.contactId;
}

/** The account's callee: a sales-ready contact whose call is open, else the best one not yet called; null if none. */
export function chooseCallee(candidates: readonly CallCandidate[]): Callee | null {
  const ready = candidates.filter((c) => c.qualification === 'sql' && c.inLeadProcess && c.call !== 'closed');
  const open = ready.filter((c) => c.call === 'open');
  const pool = open.length > 0 ? open : ready;
  let best: CallCandidate | null = null;
  for (const c of pool) if (best === null || isBetter(c, best)) best = c;
  return best === null ? null : { contactId: best.contactId, label: best.label };
}

/** Whether `candidate` waits for the callee: sales-ready, no call of its own open, and someone else is being called. */
export function waitsForCall(candidate: Pick<CallCandidate, 'contactId' | 'qualification' | 'call'>, callee: Callee | null): boolean {
  return callee !== null && callee.contactId !== candidate.contactId && candidate.qualification === 'sql' && candidate.call !== 'open';
}

/** The drafts of a contact that waits: no call_sql of its own. */
export function holdCall(tasks: readonly TaskDraft[]): TaskDraft[] {
  return tasks.filter((t) => t.kind !== 'call_sql');
}

/** The closing line of a waiting contact's qualify or follow_up task: the colleague's call takes over. */
export function explainWaiting(callee: Callee, language: Language = DEFAULT_LANGUAGE): string {
  return MESSAGES.in(language)('closed.waitsForColleague', { colleague: callee.label });
}
