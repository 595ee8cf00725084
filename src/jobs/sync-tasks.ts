// At most one open task per contact and kind (docs/contract.md §4), however often a contact is rescored or a delivery redone.
// Crash safety: a record without a task id ("creating" marker) is written before HubSpot is asked, and the id after.
// A redo finds the marker and looks the contact's tasks up in HubSpot (findAppTasks): it takes the task HubSpot already
// has, or creates it when there is none, so a retry after a crash (a lease expiry, minutes) never duplicates a task.
import { MESSAGES } from '../scoring/messages.ts';
import { languageOf } from '../store/installation-language.ts';
import type { AppContext } from '../app-context.ts';
import type { PortalClient, TaskCreate } from '../hubspot/portal-client.ts';
import type { ScoringModel } from '../scoring/model-schema.ts';
import type { TaskDraft, TaskKind } from '../scoring/types.ts';
import type { Installation, InstallationSettings, PortalId, TaskRecord, WorkItem } from '../store/store.ts';
import { taskFingerprint } from '../scoring/task-rules.ts';
import { completeStaleTasks, type RefreshTask, refreshOpenTasks, type StaleTask } from './close-stale-tasks.ts';
import { localDate } from './local-date.ts';

/** A task the caller wants to exist (an engine TaskDraft, or an escalation from the SLA job). */
export type WantedTask = Omit<TaskDraft, 'kind'> & { kind: TaskKind };

export interface TaskWant {
  contactId: string;
  ownerId: string | null;
  tasks: WantedTask[];
  /** The contact's bant_priority (A1 … D4): ties in the daily budget go to the better contact. */
  priority?: string;
  /**
   * The app may have tasks on this contact it has no record of: HubSpot has its values but the store no snapshot
   * (a reinstall after a disconnect). Its open app tasks are then looked up in HubSpot before any is created.
   */
  mayHaveUnrecordedTasks?: boolean;
  /** For authoritative kinds not wanted: why an open task of that kind no longer applies (its closing line). A kind named here is closed even when not authoritative. */
  noLongerApplies?: Partial<Record<TaskKind, string>>;
}

export interface SyncTasksOptions {
  model: ScoringModel;
  settings: InstallationSettings;
  /** Kinds the caller decides for these contacts: their deferred records are dropped when no longer wanted. */
  authoritativeKinds?: TaskKind[];
  /** The portal's installation as the caller read it (its time zone sets the budget's day); absent: read here. */
  installation?: Installation;
}

export interface SyncTasksSummary {
  created: number;
  alreadyOpen: number;
  deferred: number;
  disabled: number;
  /** Open tasks the app completed because they no longer apply. */
  completed: number;
  /** Open tasks whose title and body were rewritten (priority or missing criteria changed). */
  refreshed: number;
  /** Wanted tasks not created again because a rep completed or deleted the task for this cause. */
  keptClosed: number;
  failed: Array<{ contactId: string; kind: TaskKind; error: string }>;
}

export const ENGINE_TASK_KINDS: TaskKind[] = ['call_sql', 'qualify', 'follow_up'];
/** A local day lasts at most 25 h (a DST change): a task older than two days is not today's in any zone. */
const ONE_DAY_MS = 24 * 60 * 60 * 1000;
const TWO_DAYS_MS = 2 * ONE_DAY_MS;
const TASK_PRIORITY_RANK: Record<WantedTask['priority'], number> = { HIGH: 0, MEDIUM: 1, LOW: 2 };

const recordKey = (contactId: string, kind: TaskKind) => `${contactId}\u0000${kind}`;

/** Budget exemption: an escalation goes to the escalation owner and must not wait a day. */
const countsAgainstBudget = (kind: TaskKind) => kind !== 'escalate';

/** Better first: HIGH before LOW, then the contact's priority cell (A1 first), then the earlier due date. */
export function compareWanted(a: { task: WantedTask; priority?: string | undefined }, b: { task: WantedTask; priority?: string | undefined }): number {
  return (
    TASK_PRIORITY_RANK[a.task.priority] - TASK_PRIORITY_RANK[b.task.priority] ||
    (a.priority ?? 'Z9').localeCompare(b.priority ?? 'Z9') ||
    a.task.dueAt.localeCompare(b.task.dueAt)
  );
}

interface Candidate {
  want: TaskWant;
  task: WantedTask;
  priority?: string | undefined;
  ownerId: string | null;
}

/** Creates the wanted tasks that are not open yet, within the per-rep daily budget; the rest is stored as deferred. */
export async function syncTasks(ctx: AppContext, client: PortalClient, portalId: PortalId, wants: TaskWant[], options: SyncTasksOptions): Promise<SyncTasksSummary> {
  const summary: SyncTasksSummary = { created: 0, alreadyOpen: 0, deferred: 0, disabled: 0, completed: 0, refreshed: 0, keptClosed: 0, failed: [] };
  const now = ctx.now();
  const nowIso = new Date(now).toISOString();
  const records = new Map((await ctx.store.getTaskRecords(portalId, wants.map((w) => w.contactId))).map((r) => [recordKey(r.contactId, r.kind), r]));
  const wantedKeys = new Set<string>();
  const candidates: Candidate[] = [];
  for (const want of wants) {
    for (const task of want.tasks) {
      wantedKeys.add(recordKey(want.contactId, task.kind));
      if (options.settings.taskKinds[task.kind] === false) {
        summary.disabled += 1;
        continue;
      }
      if (closedByRep(records.get(recordKey(want.contactId, task.kind)))) {
        summary.keptClosed += 1;
        continue;
      }
      candidates.push({ want, task, priority: want.priority, ownerId: want.ownerId ?? options.settings.fallbackOwnerId ?? null });
    }
  }
  const authoritative = options.authoritativeKinds ?? [];
  const updates: TaskRecord[] = dropUnwantedDeferred(records, wantedKeys, wants, authoritative);
  const closing = await completeStaleTasks(client, collectStale(records, wantedKeys, wants, authoritative, updates, MESSAGES.in(languageOf(options.settings))('closed.noLongerApplies')));
  updates.push(...closing.records);
  summary.completed = closing.completed;
  if (closing.completed) ctx.metrics.inc('bant_tasks_completed_total', 'Tasks the app completed because they no longer apply', { portal: portalId }, closing.completed);
  const open = await findOpenTasks(client, candidates, records, updates, new Set(authoritative), { portalId, nowIso });
  summary.alreadyOpen = open.alreadyOpen;
  summary.keptClosed += open.keptClosed;
  const refreshed = await refreshOpenTasks(client, open.refresh);
  updates.push(...refreshed.records);
  summary.refreshed = refreshed.refreshed;

  const toCreate: Candidate[] = [];
  const budget = options.settings.dailyTaskBudget ?? options.model.tasks.dailyBudgetPerRep;
  const used = await countCreatedToday(ctx, portalId, now, options.installation);
  for (const candidate of open.missing.sort(compareWanted)) {
    const owner = candidate.ownerId;
    if (owner && countsAgainstBudget(candidate.task.kind) && (used.get(owner) ?? 0) >= budget) {
      updates.push(deferredRecord(portalId, candidate, nowIso, records.get(recordKey(candidate.want.contactId, candidate.task.kind))));
      summary.deferred += 1;
      continue;
    }
    if (owner) used.set(owner, (used.get(owner) ?? 0) + 1);
    toCreate.push(candidate);
  }
  // The marker is durable before HubSpot is asked: a crash from here on leaves it for the redo to find.
  const markers = toCreate.map((c) => record(portalId, c, 'open', nowIso));
  if (updates.length || markers.length) await ctx.store.putTaskRecords([...updates, ...markers]);
  if (toCreate.length === 0) return summary;

  const results = await client.createTasks(toCreate.map(toTaskCreate));
  const created: TaskRecord[] = [];
  results.forEach((outcome, i) => {
    const marker = markers[i] as TaskRecord;
    if ('taskId' in outcome) {
      created.push({ ...marker, taskId: outcome.taskId });
      summary.created += 1;
    } else {
      // The outcome is unknown (HubSpot may have created it): the marker stays, and the next sync looks the task up.
      summary.failed.push({ contactId: marker.contactId, kind: marker.kind, error: outcome.error });
    }
  });
  if (created.length) await ctx.store.putTaskRecords(created);
  ctx.metrics.inc('bant_tasks_created_total', 'Tasks the app created in HubSpot', { portal: portalId }, summary.created);
  if (summary.deferred) ctx.metrics.inc('bant_tasks_deferred_total', 'Tasks deferred by the daily budget per rep', { portal: portalId }, summary.deferred);
  if (summary.failed.length) ctx.log.warn('tasks could not be created', { portalId, failed: summary.failed.length, error: summary.failed[0]?.error });
  return summary;
}

function record(portalId: PortalId, candidate: Candidate, status: 'open' | 'deferred', nowIso: string): TaskRecord {
  return {
    portalId,
    contactId: candidate.want.contactId,
    kind: candidate.task.kind,
    ownerId: candidate.ownerId,
    status,
    createdAt: nowIso,
    dueAt: candidate.task.dueAt,
    fingerprint: taskFingerprint(candidate.priority, candidate.task),
  };
}

/**
 * A deferred record replaces the contact's record of the kind; when that one is a task the app made (and closed,
 * e.g. at a disconnect), the day it was made is kept, so it still counts against its owner's budget that day.
 */
function deferredRecord(portalId: PortalId, candidate: Candidate, nowIso: string, replaced: TaskRecord | undefined): TaskRecord {
  const deferred = record(portalId, candidate, 'deferred', nowIso);
  const madeAt = replaced?.status === 'deferred' ? replaced.budgetedAt : replaced?.taskId && !replaced.adopted ? replaced.createdAt : undefined;
  return madeAt && replaced?.ownerId ? { ...deferred, budgetedAt: madeAt, budgetedOwnerId: replaced.ownerId } : deferred;
}

/** A task a rep completed or deleted while its cause still holds: never reopened or created again for that cause. */
function closedByRep(rec: TaskRecord | undefined): boolean {
  return (rec?.status === 'completed' || rec?.status === 'deleted') && rec.closedBy === 'rep' && rec.causeEnded !== true;
}

/**
 * Open tasks of authoritative kinds the contact no longer wants (with the escalation of a call task that closes), to
 * be completed; a rep-closed record of such a kind notes that its cause has ended (pushed to `updates`).
 */
function collectStale(
  records: Map<string, TaskRecord>,
  wanted: Set<string>,
  wants: TaskWant[],
  kinds: TaskKind[],
  updates: TaskRecord[],
  noLongerApplies: string,
): StaleTask[] {
  const stale: StaleTask[] = [];
  for (const want of wants) {
    // A kind the caller names a closing line for is decided for this contact too (an escalation of a rejected lead).
    const decided = new Set([...kinds, ...(Object.keys(want.noLongerApplies ?? {}) as TaskKind[])]);
    for (const kind of decided) {
      const key = recordKey(want.contactId, kind);
      const existing = records.get(key);
      if (!existing || wanted.has(key)) continue;
      if (closedByRep(existing)) {
        updates.push({ ...existing, causeEnded: true });
        continue;
      }
      if (existing.status !== 'open' || !existing.taskId) continue;
      const why = want.noLongerApplies?.[kind] ?? noLongerApplies;
      stale.push({ record: existing, why });
      const escalation = records.get(recordKey(want.contactId, 'escalate'));
      if (kind === 'call_sql' && !decided.has('escalate') && escalation?.status === 'open' && escalation.taskId && escalation.escalatedTaskId === existing.taskId) {
        stale.push({ record: escalation, why });
      }
    }
  }
  return stale;
}

function toTaskCreate(candidate: Candidate): TaskCreate {
  const { task } = candidate;
  return { contactId: candidate.want.contactId, ownerId: candidate.ownerId, kind: task.kind, subject: task.subject, body: task.body, priority: task.priority, dueAt: task.dueAt };
}

/** A deferred task the contact no longer needs (e.g. no longer sql) is dropped, so a release does not create it. */
function dropUnwantedDeferred(records: Map<string, TaskRecord>, wanted: Set<string>, wants: TaskWant[], kinds: TaskKind[]): TaskRecord[] {
  const dropped: TaskRecord[] = [];
  for (const want of wants) {
    for (const kind of kinds) {
      const existing = records.get(recordKey(want.contactId, kind));
      if (existing?.status === 'deferred' && !wanted.has(recordKey(want.contactId, kind))) dropped.push({ ...existing, status: 'deleted', closedBy: 'app' });
    }
  }
  return dropped;
}

/** Which candidates have no open task: records marked open are checked against HubSpot (a rep may have closed them). */
async function findOpenTasks(
  client: PortalClient,
  candidates: Candidate[],
  records: Map<string, TaskRecord>,
  updates: TaskRecord[],
  refreshable: Set<TaskKind>,
  at: { portalId: PortalId; nowIso: string },
): Promise<{ missing: Candidate[]; alreadyOpen: number; keptClosed: number; refresh: RefreshTask[] }> {
  const withId: Array<{ candidate: Candidate; rec: TaskRecord }> = [];
  const markers: Array<{ candidate: Candidate; rec: TaskRecord }> = [];
  const unrecorded: Candidate[] = [];
  const missing: Candidate[] = [];
  for (const candidate of candidates) {
    const rec = records.get(recordKey(candidate.want.contactId, candidate.task.kind));
    if (rec?.status === 'open' && rec.taskId) withId.push({ candidate, rec });
    else if (rec?.status === 'open') markers.push({ candidate, rec });
    else if (!rec) unrecorded.push(candidate);
    else missing.push(candidate);
  }
  // Tasks the app made before it lost its records (a reinstall after a disconnect, a restored store) are still in
  // HubSpot: an open one of the kind is taken over instead of creating a second.
  const adopted = await adoptOpenTasks(client, unrecorded.filter((c) => c.want.mayHaveUnrecordedTasks !== false), at);
  missing.push(...unrecorded.filter((c) => c.want.mayHaveUnrecordedTasks === false));
  updates.push(...adopted.records);
  missing.push(...adopted.missing);
  let alreadyOpen = adopted.records.length;
  let keptClosed = 0;
  const refresh: RefreshTask[] = [];
  if (withId.length) {
    const statuses = await client.getTaskStatuses(withId.map((w) => w.rec.taskId as string));
    for (const { candidate, rec } of withId) {
      const status = statuses.get(rec.taskId as string) ?? 'deleted';
      if (status === 'open') {
        alreadyOpen += 1;
        const fingerprint = taskFingerprint(candidate.priority, candidate.task);
        if (refreshable.has(rec.kind) && rec.fingerprint !== fingerprint) {
          const { subject, body, priority } = candidate.task;
          refresh.push({ record: rec, subject, body, priority, fingerprint });
        }
      } else {
        // A rep completed or deleted it while the cause still holds: remembered, and not created again.
        updates.push({ ...rec, status, closedBy: 'rep' });
        keptClosed += 1;
      }
    }
  }
  if (markers.length) {
    const found = await client.findAppTasks(markers.map((m) => m.candidate.want.contactId));
    for (const { candidate, rec } of markers) {
      const match = found.find((t) => t.contactId === rec.contactId && t.kind === rec.kind && t.status === 'open');
      if (match) {
        updates.push({ ...rec, taskId: match.taskId, fingerprint: taskFingerprint(candidate.priority, candidate.task) });
        alreadyOpen += 1;
      } else {
        missing.push(candidate);
      }
    }
  }
  return { missing, alreadyOpen, keptClosed, refresh };
}

async function adoptOpenTasks(client: PortalClient, unrecorded: Candidate[], at: { portalId: PortalId; nowIso: string }): Promise<{ records: TaskRecord[]; missing: Candidate[] }> {
  if (unrecorded.length === 0) return { records: [], missing: [] };
  const found = await client.findAppTasks([...new Set(unrecorded.map((c) => c.want.contactId))]);
  const open = new Map<string, string>();
  for (const t of found) if (t.status === 'open' && !open.has(recordKey(t.contactId, t.kind))) open.set(recordKey(t.contactId, t.kind), t.taskId);
  const records: TaskRecord[] = [];
  const missing: Candidate[] = [];
  for (const candidate of unrecorded) {
    const taskId = open.get(recordKey(candidate.want.contactId, candidate.task.kind));
    if (taskId) records.push({ ...record(at.portalId, candidate, 'open', at.nowIso), taskId, adopted: true, fingerprint: undefined });
    else missing.push(candidate);
  }
  return { records, missing };
}

/** Tasks created today (the portal's local day) per owner, for the daily budget; a deferred record counts only the task it replaced. */
async function countCreatedToday(ctx: AppContext, portalId: PortalId, now: number, known: Installation | undefined): Promise<Map<string, number>> {
  // Only the records of the last days: a local day is at most 26 hours long, the window leaves a margin.
  const madeSince = new Date(now - TWO_DAYS_MS - ONE_DAY_MS).toISOString();
  const [installation, records] = await Promise.all([known ?? ctx.store.getInstallation(portalId), ctx.store.listTaskRecords(portalId, { madeSince })]);
  const timeZone = installation?.timeZone;
  const today = localDate(now, timeZone);
  const used = new Map<string, number>();
  for (const rec of records) {
    if (!countsAgainstBudget(rec.kind)) continue;
    // A deferred record counts the task it replaced (budgetedAt), never itself.
    const madeAt = rec.status === 'deferred' ? rec.budgetedAt : rec.adopted ? undefined : rec.createdAt;
    const ownerId = rec.status === 'deferred' ? rec.budgetedOwnerId : rec.ownerId;
    if (!madeAt || !ownerId) continue;
    const createdAt = Date.parse(madeAt);
    if (now - createdAt > TWO_DAYS_MS || localDate(createdAt, timeZone) !== today) continue;
    used.set(ownerId, (used.get(ownerId) ?? 0) + 1);
  }
  return used;
}

/**
 * For the scheduled-jobs engineer's daily run: queue a rescore of every contact with deferred tasks, best contacts
 * first (bant_priority A1 … D4, then call_sql before qualify before follow_up). The rescore creates them within the
 * new day's budget, or drops those the contact no longer needs. Going through the queue keeps one worker per contact.
 */
export async function releaseDeferredTasks(ctx: AppContext, portalId: PortalId): Promise<{ contacts: number }> {
  const deferred = await ctx.store.listTaskRecords(portalId, { status: 'deferred' });
  if (deferred.length === 0) return { contacts: 0 };
  const contactIds = [...new Set(deferred.map((r) => r.contactId))];
  const snapshots = await ctx.store.getSnapshots(portalId, contactIds);
  const kindRank = (contactId: string) => Math.min(...deferred.filter((r) => r.contactId === contactId).map((r) => ENGINE_TASK_KINDS.indexOf(r.kind) >>> 0));
  const priority = (contactId: string) => snapshots.get(contactId)?.written.bant_priority ?? 'Z9';
  contactIds.sort((a, b) => priority(a).localeCompare(priority(b)) || kindRank(a) - kindRank(b));
  const now = ctx.now();
  const items: WorkItem[] = contactIds.map((contactId) => ({ portalId, kind: 'rescore', key: contactId, notBefore: now, payload: { releaseDeferred: true } }));
  await ctx.store.enqueue(items);
  ctx.notifyWork();
  return { contacts: contactIds.length };
}
