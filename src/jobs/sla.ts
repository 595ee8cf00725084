// The tasks job (CRON_TASKS): SLA escalation of call_sql tasks nobody acted on, and once a day the Wiedervorlage
// duties: follow-ups for nurture contacts that exist exactly once, and tasks deferred by the per-rep budget released.
// "A day" is the portal's local day (local-date.ts): the first run after the portal's midnight does the daily duties.
import { DEFAULT_LANGUAGE, type Language } from '../scoring/catalogue.ts';
import { MESSAGES } from '../scoring/messages.ts';
import { languageOf } from '../store/installation-language.ts';
import type { AppContext } from '../app-context.ts';
import type { PortalClient, TaskStatus } from '../hubspot/portal-client.ts';
import { describeContact, score } from '../scoring/index.ts';
import { decideLeadProcess } from '../scoring/lead-process.ts';
import { labelsFromStored } from '../scoring/option-labels.ts';
import type { ScoringModel } from '../scoring/model-schema.ts';
import { type ContactSnapshot, DEFAULT_SETTINGS, type Installation, type InstallationSettings, type PortalId, type TaskRecord } from '../store/store.ts';
import { escalationDueAt } from './business-due.ts';
import { placeInStoredAccounts } from '../accounts/place-contacts.ts';
import { profileFromSnapshot } from './decay.ts';
import { type ExclusiveOutcome, runExclusive, trackJobRun } from './job-progress.ts';
import { localDate } from './local-date.ts';
import { releaseDeferredTasks, syncTasks, type TaskWant, type WantedTask } from './sync-tasks.ts';

const HOUR_MS = 60 * 60 * 1000;
/** HubSpot batch size for task reads and creates (docs/hubspot-platform.md §3.5). */
const TASK_BATCH = 100;
/** The escalation task is due this long after it is created (a past hs_timestamp looks overdue at once, docs/hubspot-platform.md §8.18). */
const ESCALATION_DUE_MS = HOUR_MS;
const SNAPSHOT_PAGE = 1000;

export interface TaskChecksResult {
  summary: string;
  escalations: number;
  /** Follow-up tasks created by the daily check. */
  followUps: number;
  /** Contacts whose deferred tasks were queued for release. */
  released: number;
  /** The day (the portal's local date, YYYY-MM-DD) the daily duties last ran. */
  cursor: string | null;
}

/** "3 d 4 h", "5 h 20 min", "12 min". */
export function formatDuration(ms: number, language: Language = DEFAULT_LANGUAGE): string {
  const say = MESSAGES.in(language);
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return say('duration.days', { days, hours });
  if (hours > 0) return say('duration.hours', { hours, minutes: rest });
  return say('duration.minutes', { minutes: rest });
}

/** The lead as a rep recognises them (name, company), from its snapshot; the contact id when nothing else is known. */
export function describeLead(contactId: string, snapshot: ContactSnapshot | undefined, language: Language = DEFAULT_LANGUAGE): string {
  const say = MESSAGES.in(language);
  const described = snapshot ? describeContact(profileFromSnapshot(snapshot), language) : say('task.contact');
  return described === say('task.contact') ? say('task.contactId', { id: contactId }) : described;
}

/** The escalation owner: the installation's override, else the model's; undefined when neither is set. */
export function escalationOwnerFor(model: ScoringModel, settings: InstallationSettings): string | undefined {
  return settings.escalationOwnerId || model.tasks.escalationOwnerId || undefined;
}

/** True if an escalation for this very call_sql task was created (whatever became of it since): it is never made twice. */
function escalated(record: TaskRecord | undefined, callTaskId: string): boolean {
  return record?.taskId !== undefined && record.escalatedTaskId === callTaskId;
}

async function readStatuses(client: PortalClient, taskIds: string[]): Promise<Map<string, TaskStatus>> {
  const statuses = new Map<string, TaskStatus>();
  for (let start = 0; start < taskIds.length; start += TASK_BATCH) {
    for (const [id, status] of await client.getTaskStatuses(taskIds.slice(start, start + TASK_BATCH))) statuses.set(id, status);
  }
  return statuses;
}

async function ownerNames(ctx: AppContext, client: PortalClient, portalId: PortalId): Promise<Map<string, string>> {
  try {
    const owners = await client.listOwners();
    return new Map(owners.map((o) => [o.id, [o.firstName, o.lastName].filter(Boolean).join(' ') || o.email || `owner ${o.id}`]));
  } catch (error) {
    ctx.log.warn('escalation: owner names unavailable, using ids', { portalId, error });
    return new Map();
  }
}

export function escalationTask(args: { call: TaskRecord; lead: string; ownerName: string; graceHours: number; now: number; language?: Language }): WantedTask {
  const { call, lead, ownerName, graceHours, now } = args;
  const language = args.language ?? DEFAULT_LANGUAGE;
  const say = MESSAGES.in(language);
  const late = formatDuration(now - Date.parse(call.dueAt), language);
  return {
    kind: 'escalate',
    subject: say('escalate.subject', { lead, late }),
    body: [
      say('escalate.became', { lead, owner: ownerName }),
      say('escalate.late', { taskId: call.taskId ?? '', dueAt: call.dueAt, late, graceHours }),
      say('escalate.ask'),
      'bant-task: escalate',
    ].join('\n'),
    priority: 'HIGH',
    dueAt: new Date(now + ESCALATION_DUE_MS).toISOString(),
  };
}

/**
 * Creates one `escalate` task for each call_sql task still open (checked in HubSpot) past its due time plus the
 * model's grace period, for the escalation owner. Creation goes through the task sync (one open task per kind, a
 * marker stored before HubSpot is asked); the escalation record remembers its call task, so it is never made twice.
 */
export async function escalateOverdueCalls(
  ctx: AppContext,
  portalId: PortalId,
  client: PortalClient,
  model: ScoringModel,
  settings: InstallationSettings,
  timeZone?: string,
): Promise<number> {
  if (settings.taskKinds.escalate === false) return 0;
  const now = ctx.now();
  // The grace period counts working hours: a call due on Friday evening is not escalated over the weekend.
  const overdue = (await ctx.store.listTaskRecords(portalId, { kind: 'call_sql', status: 'open' })).filter(
    (call) => call.taskId && escalationDueAt(call.dueAt, model.tasks.escalationGraceHours, settings, timeZone) <= now,
  );
  if (overdue.length === 0) return 0;
  const escalationOwnerId = escalationOwnerFor(model, settings);
  if (!escalationOwnerId) {
    ctx.log.warn('escalation skipped: no escalation owner set in the model or the installation settings', { portalId, overdueCalls: overdue.length });
    return 0;
  }
  const escalations = new Map(
    (await ctx.store.getTaskRecords(portalId, overdue.map((c) => c.contactId))).filter((r) => r.kind === 'escalate').map((r) => [r.contactId, r]),
  );
  const candidates = overdue.filter((call) => !escalated(escalations.get(call.contactId), call.taskId as string));
  if (candidates.length === 0) return 0;

  const statuses = await readStatuses(client, candidates.map((c) => c.taskId as string));
  const settled = candidates.flatMap((call) => {
    const status = statuses.get(call.taskId as string);
    return status && status !== 'open' ? [{ ...call, status }] : [];
  });
  if (settled.length > 0) await ctx.store.putTaskRecords(settled);
  const stillOpen = candidates.filter((call) => statuses.get(call.taskId as string) === 'open');
  if (stillOpen.length === 0) return 0;

  const [snapshots, names] = await Promise.all([ctx.store.getSnapshots(portalId, stillOpen.map((c) => c.contactId)), ownerNames(ctx, client, portalId)]);
  const language = languageOf(settings);
  const say = MESSAGES.in(language);
  const wants: TaskWant[] = stillOpen.map((call) => ({
    contactId: call.contactId,
    ownerId: escalationOwnerId,
    tasks: [
      escalationTask({
        call,
        lead: describeLead(call.contactId, snapshots.get(call.contactId), language),
        ownerName: call.ownerId ? (names.get(call.ownerId) ?? say('escalate.owner', { id: call.ownerId })) : say('escalate.nobody'),
        graceHours: model.tasks.escalationGraceHours,
        now,
        language,
      }),
    ],
  }));
  const summary = await syncTasks(ctx, client, portalId, wants, { model, settings });
  await rememberEscalatedCalls(ctx, portalId, stillOpen);
  return summary.created;
}

/** Ties each escalation created just now to its call task (the task sync's records do not know the call). */
async function rememberEscalatedCalls(ctx: AppContext, portalId: PortalId, calls: TaskRecord[]): Promise<void> {
  const callOf = new Map(calls.map((call) => [call.contactId, call.taskId as string]));
  const records = await ctx.store.getTaskRecords(portalId, [...callOf.keys()]);
  const tied = records.flatMap((r) =>
    r.kind === 'escalate' && r.taskId && r.status === 'open' && r.escalatedTaskId === undefined ? [{ ...r, escalatedTaskId: callOf.get(r.contactId) as string }] : [],
  );
  if (tied.length > 0) await ctx.store.putTaskRecords(tied);
}

/**
 * The Wiedervorlage: every nurture contact the engine gives a follow-up (timeline beyond 12 months) has one. Nurture
 * snapshots without a follow_up record are scored at `now` (no HubSpot reads) and their follow_up drafts handed to the
 * task sync, which creates each once (or defers it under the per-rep budget). A contact that heats up meanwhile is
 * requalified by its rescore (webhook, reconciliation or decay), not here.
 */
export async function ensureFollowUps(ctx: AppContext, portalId: PortalId, client: PortalClient, model: ScoringModel, settings: InstallationSettings): Promise<number> {
  if (settings.taskKinds.follow_up === false) return 0;
  const now = new Date(ctx.now());
  let after: string | null = null;
  let created = 0;
  for (;;) {
    const page = await ctx.store.listSnapshots(portalId, after, SNAPSHOT_PAGE);
    if (page.length === 0) break;
    after = page[page.length - 1]?.contactId ?? after;
    // Contacts past the lead stages get no follow-up (docs/contract.md section 4).
    const nurture = page.filter((s) => s.written.bant_qualification === 'nurture' && isLead(s));
    if (nurture.length === 0) continue;
    const withRecord = new Set(
      (await ctx.store.getTaskRecords(portalId, nurture.map((s) => s.contactId))).filter((r) => r.kind === 'follow_up').map((r) => r.contactId),
    );
    const language = languageOf(settings);
    const scored = nurture
      .filter((snapshot) => !withRecord.has(snapshot.contactId))
      .map((snapshot) => {
        const profile = profileFromSnapshot(snapshot);
        const result = score(profile, model, now, { labels: labelsFromStored(snapshot.optionLabels), language });
        return { contactId: snapshot.contactId, snapshot, profile, result, ...(snapshot.answeredAt ? { answeredAt: snapshot.answeredAt } : {}) };
      });
    // In its account's context, as the rescore that wrote the snapshot saw it: a timeline inherited from the company decides.
    const companyOf = new Map<string, string>();
    for (const item of scored) if (item.snapshot.companyId !== undefined) companyOf.set(item.contactId, item.snapshot.companyId);
    if (companyOf.size > 0) await placeInStoredAccounts(ctx, portalId, model, scored, companyOf, now, language);
    const wants = scored.flatMap(({ snapshot, result }): TaskWant[] => {
      const tasks = result.tasks.filter((t) => t.kind === 'follow_up');
      // The snapshot exists, so the app's records of this contact are there too: no lookup in HubSpot.
      return tasks.length > 0 ? [{ contactId: snapshot.contactId, ownerId: snapshot.ownerId ?? null, tasks, priority: result.priority, mayHaveUnrecordedTasks: false }] : [];
    });
    if (wants.length > 0) created += (await syncTasks(ctx, client, portalId, wants, { model, settings })).created;
  }
  return created;
}

function isLead(snapshot: ContactSnapshot): boolean {
  return (snapshot.leadProcess ?? decideLeadProcess({ lifecycleStage: snapshot.written.lifecyclestage })).inLeadProcess;
}

/**
 * The portal's IANA time zone: the installation's, else asked of HubSpot and recorded, so an installation made before
 * the zone was kept asks once. Undefined (UTC days) while HubSpot cannot say; the next run asks again.
 */
async function portalTimeZone(ctx: AppContext, portalId: PortalId, client: PortalClient, installation: Installation | undefined): Promise<string | undefined> {
  if (!installation || installation.timeZone) return installation?.timeZone;
  return recordPortalTimeZone(ctx, portalId, client);
}

/** Asks HubSpot for the portal's time zone and records it on the installation (at install, and for older installs). */
export async function recordPortalTimeZone(ctx: AppContext, portalId: PortalId, client: PortalClient): Promise<string | undefined> {
  let timeZone: string | undefined;
  try {
    timeZone = await client.accountTimeZone();
  } catch (error) {
    ctx.log.warn('tasks: the portal time zone is unavailable, its days follow UTC until HubSpot names it', { portalId, error });
    return undefined;
  }
  if (!timeZone) return undefined;
  // Only this field: settings saved meanwhile are kept.
  await ctx.store.updateInstallation(portalId, { timeZone });
  ctx.log.info('tasks: portal time zone recorded', { portalId, timeZone });
  return timeZone;
}

/**
 * One run of the tasks job for a portal: escalations every time; once a day (the portal's local day) deferred tasks
 * released (highest priority first, by the pipeline's budget) and follow-ups ensured. Skipped when another run holds the lock.
 */
export async function runTaskChecks(ctx: AppContext, portalId: PortalId): Promise<ExclusiveOutcome<TaskChecksResult>> {
  return runExclusive(ctx, 'tasks', portalId, async () => {
    const [client, installation, model] = await Promise.all([
      ctx.hubspot.forPortal(portalId),
      ctx.store.getInstallation(portalId),
      ctx.modelFor(portalId),
    ]);
    return trackJobRun(ctx, 'tasks', portalId, { resume: false }, async (run) => {
      const settings = installation?.settings ?? DEFAULT_SETTINGS;
      const timeZone = await portalTimeZone(ctx, portalId, client, installation);
      const escalations = await escalateOverdueCalls(ctx, portalId, client, model, settings, timeZone);
      const today = localDate(ctx.now(), timeZone);
      let released = 0;
      let followUps = 0;
      if (run.resumeCursor !== today) {
        released = (await releaseDeferredTasks(ctx, portalId)).contacts;
        followUps = await ensureFollowUps(ctx, portalId, client, model, settings);
      }
      const daily = run.resumeCursor === today ? 'daily duties already done today' : `${released} contacts with deferred tasks queued, ${followUps} follow-ups created`;
      return { summary: `${escalations} escalations created; ${daily}`, escalations, followUps, released, cursor: today };
    });
  });
}
