// The app's own tasks that no longer apply are completed by the app, with a last-but-one body line saying why; an
// open task whose priority or missing criteria changed gets its title and body refreshed, the due date kept
// (docs/contract.md section 4). HubSpot is asked first, the record stored after: a redo finds the task already completed
// (its body carries the closing line) and records it without a second update.
import type { PortalClient, TaskUpdate } from '../hubspot/portal-client.ts';
import { closedBody, isClosingLine } from '../scoring/task-rules.ts';
import type { TaskRecord } from '../store/store.ts';

export interface StaleTask {
  record: TaskRecord;
  /** One line for the rep, e.g. "Closed by the app: every BANT criterion is known now." */
  why: string;
}

export interface CloseOutcome {
  /** Records to store: completed by the app, or found closed by a rep (whose cause has now ended). */
  records: TaskRecord[];
  completed: number;
}

/**
 * Completes the app's open tasks in `stale` (records with a HubSpot task id). A task a rep completed or deleted
 * meanwhile is left as it is; its record notes that its cause has ended, so the next time the cause arises a new
 * task may be created.
 */
export async function completeStaleTasks(client: PortalClient, stale: StaleTask[]): Promise<CloseOutcome> {
  const withId = stale.filter((s) => s.record.taskId);
  const outcome: CloseOutcome = { records: [], completed: 0 };
  if (withId.length === 0) return outcome;
  const contents = await client.readTasks(withId.map((s) => s.record.taskId as string));
  const updates: TaskUpdate[] = [];
  const pending = new Map<string, StaleTask>();
  for (const item of withId) {
    const taskId = item.record.taskId as string;
    const content = contents.get(taskId);
    if (content?.status !== 'open') {
      const byApp = content?.status === 'completed' && content.body.split('\n').some(isClosingLine);
      outcome.records.push({ ...item.record, status: content?.status ?? 'deleted', closedBy: byApp ? 'app' : 'rep', causeEnded: true });
      continue;
    }
    updates.push({ taskId, complete: true, body: closedBody(content.body, item.why) });
    pending.set(taskId, item);
  }
  const done = updates.length ? await client.updateTasks(updates) : new Set<string>();
  for (const [taskId, item] of pending) {
    // Not updated: HubSpot no longer has it (a rep deleted it meanwhile).
    if (done.has(taskId)) outcome.completed += 1;
    outcome.records.push(
      done.has(taskId) ? { ...item.record, status: 'completed', closedBy: 'app' } : { ...item.record, status: 'deleted', closedBy: 'rep', causeEnded: true },
    );
  }
  return outcome;
}

export interface RefreshTask {
  record: TaskRecord;
  subject: string;
  body: string;
  priority: 'HIGH' | 'MEDIUM' | 'LOW';
  fingerprint: string;
}

/** Rewrites title, body and priority of open tasks; `hs_timestamp` (the due date) is not sent, so it stays. */
export async function refreshOpenTasks(client: PortalClient, refresh: RefreshTask[]): Promise<{ records: TaskRecord[]; refreshed: number }> {
  if (refresh.length === 0) return { records: [], refreshed: 0 };
  const done = await client.updateTasks(refresh.map((r) => ({ taskId: r.record.taskId as string, subject: r.subject, body: r.body, priority: r.priority })));
  const records = refresh.filter((r) => done.has(r.record.taskId as string)).map((r) => ({ ...r.record, fingerprint: r.fingerprint }));
  return { records, refreshed: records.length };
}
