// What a rep would check before trusting the app's tasks (issue "tasks reps can trust"), counted on the demo portal:
// no contact with two open app tasks of one kind, no lead task for a contact past the lead stages, and each rep's
// open app tasks against the daily budget.
import type { CrmRecord, Portal } from '../standin/index.ts';

const PAST_LEAD_STAGES = new Set(['opportunity', 'customer', 'evangelist', 'other']);
const LEAD_TASKS = new Set(['call_sql', 'qualify', 'follow_up']);

export function taskKindOf(body: string | undefined): string | undefined {
  const last = (body ?? '').trim().split('\n').at(-1) ?? '';
  return last.startsWith('bant-task: ') ? last.slice('bant-task: '.length) : undefined;
}

export interface TrustCheck {
  /** Contacts with two or more open app tasks of the same kind. */
  duplicates: number;
  /** Contacts past the lead stages with an open call_sql, qualify or follow_up task. */
  pastLeadStagesWithLeadTasks: number;
  /** The most open app tasks any one rep holds. */
  maxOpenPerRep: number;
  /** Open app tasks without an owner (their contacts have none; lead routing can assign one). */
  unowned: number;
}

export function checkTrust(portal: Portal): TrustCheck {
  const check: TrustCheck = { duplicates: 0, pastLeadStagesWithLeadTasks: 0, maxOpenPerRep: 0, unowned: 0 };
  const perRep = new Map<string, number>();
  const seenTasks = new Set<number>();
  for (const contact of portal.live('contacts')) {
    const open = portal.tasksOf(contact.id).filter((t: CrmRecord) => t.props.hs_task_status !== 'COMPLETED' && taskKindOf(t.props.hs_task_body));
    const kinds = new Map<string, number>();
    for (const task of open) {
      const kind = taskKindOf(task.props.hs_task_body) as string;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      if (seenTasks.has(task.id)) continue;
      seenTasks.add(task.id);
      const owner = task.props.hubspot_owner_id;
      if (owner) perRep.set(owner, (perRep.get(owner) ?? 0) + 1);
      else check.unowned += 1;
    }
    if ([...kinds.values()].some((n) => n > 1)) check.duplicates += 1;
    if (PAST_LEAD_STAGES.has(contact.props.lifecyclestage ?? '') && [...kinds.keys()].some((k) => LEAD_TASKS.has(k))) check.pastLeadStagesWithLeadTasks += 1;
  }
  check.maxOpenPerRep = Math.max(0, ...perRep.values());
  return check;
}

export function describeTrust(check: TrustCheck, dailyBudget: number): string {
  return [
    `${check.duplicates} contacts with a duplicate open task`,
    `${check.pastLeadStagesWithLeadTasks} lead tasks past the lead stages`,
    `at most ${check.maxOpenPerRep} open app tasks per rep (daily budget ${dailyBudget})`,
    `${check.unowned} without an owner`,
  ].join(' · ');
}
