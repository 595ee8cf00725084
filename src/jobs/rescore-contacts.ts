// pull (batched) → score → diff → write → tasks → snapshot, for a set of contacts of one portal.
// Every step is idempotent: a redo reads HubSpot's current values, so it writes nothing already written and
// syncTasks finds the tasks already made. Webhooks, backfill, reconcile and decay all end here.
import type { Language } from '../scoring/catalogue.ts';
import { languageOf } from '../store/installation-language.ts';
import type { AppContext } from '../app-context.ts';
import type { ContactWrite, PortalClient } from '../hubspot/portal-client.ts';
import { planContactWrite } from '../hubspot/plan-writes.ts';
import { modelInputs, score } from '../scoring/index.ts';
import type { ScoringModel } from '../scoring/model-schema.ts';
import { type OptionLabels, pickLabels, type StoredLabels } from '../scoring/option-labels.ts';
import { decideLeadProcess, type LeadProcess, type PastLeadStageSignals } from '../scoring/lead-process.ts';
import { applicableTasks, explainNoLongerApplies, LEAD_TASK_KINDS } from '../scoring/task-rules.ts';
import type { Criterion, Profile, ScoringResult, TaskKind } from '../scoring/types.ts';
import { type ContactSnapshot, DEFAULT_SETTINGS, type Installation, type InstallationSettings, type PortalId, type SnapshotResult } from '../store/store.ts';
import { HubSpotApiError } from '../errors.ts';
import { hasDealAccess } from '../outcomes/deal-scope.ts';
import { outcomeReadProperties } from '../outcomes/candidate-properties.ts';
import { isRejected, REJECTED_REASON, recordScoring } from '../outcomes/record-scoring.ts';
import { milestoneWrites } from '../outcomes/score-history.ts';
import { withBusinessDue } from './business-due.ts';
import { routeLeads, withRoutingReason } from '../routing/route-leads.ts';
import { type Callee, explainWaiting, holdCall } from '../scoring/account-calls.ts';
import { placeInStoredAccounts, queueAccountsOf } from '../accounts/place-contacts.ts';
import { accountSettle } from '../accounts/rescore-accounts.ts';
import { ENGINE_TASK_KINDS, type SyncTasksSummary, syncTasks } from './sync-tasks.ts';
import { type LeadSyncSummary, syncLeads } from '../leads/sync-leads.ts';
import { takeTurn } from './portal-turns.ts';

/** Batch endpoints take 100 objects (docs/hubspot-platform.md §3.5). */
export const CONTACT_BATCH = 100;

export interface ResultItem {
  contactId: string;
  result: ScoringResult;
  /** HubSpot's current values of the output properties, lifecyclestage and hs_lead_status (or the snapshot's `written`). */
  current: Record<string, string | null>;
  ownerId: string | null;
  /** What was scored; absent (decay) = keep the snapshot's. */
  profile?: Profile;
  /** The portal's option labels the result was scored with; kept (for the contact's values) with its snapshot. */
  labels?: OptionLabels;
  /** Signals besides `lifecyclestage` that the contact is past the lead stages (the deals reader sets openOrWonDeal). */
  pastLeadStages?: PastLeadStageSignals;
  /** When the contact's BANT answers were given; absent = keep the snapshot's. */
  answeredAt?: Partial<Record<Criterion, string>>;
  /** The company it was scored with; with a profile, absent = none; without (decay), the snapshot's is kept. */
  companyId?: string;
  /** A colleague of its company is being called: this sales-ready contact gets no call_sql of its own for now. */
  callWaitsFor?: Callee;
  /** The contact's stored snapshot when the caller already holds it (decay): saves reading it again. */
  snapshot?: ContactSnapshot;
}

export interface ApplySummary {
  /** Contacts with at least one value written. */
  written: number;
  unchanged: number;
  /** Contacts HubSpot refused to update (reason per contact); no tasks or snapshot for them. */
  failed: Array<{ contactId: string; error: string }>;
  tasks: SyncTasksSummary;
  /** Lead records (src/leads/), when the installation enabled them. */
  leads?: LeadSyncSummary;
}

export interface RescoreSummary extends ApplySummary {
  requested: number;
  scored: number;
  /** Contacts HubSpot no longer has: their local state was dropped. */
  missing: string[];
}

export interface RescoreOptions {
  /** Why (webhook, backfill, reconcile, …), for logs and metrics. */
  reason?: string;
  /**
   * The portal's installation as the caller has just read it (the queue worker's check that it is installed). The
   * whole rescore then works from that one reading: client, model, settings and the task budget's time zone agree,
   * and a webhook's one-contact rescore does not read the same row seven times.
   */
  installation?: Installation;
}

const emptyTaskSummary = (): SyncTasksSummary => ({ created: 0, alreadyOpen: 0, deferred: 0, disabled: 0, completed: 0, refreshed: 0, keptClosed: 0, failed: [] });

function settingsOf(installationSettings: InstallationSettings | undefined): InstallationSettings {
  return { ...DEFAULT_SETTINGS, ...installationSettings, taskKinds: { ...DEFAULT_SETTINGS.taskKinds, ...installationSettings?.taskKinds } };
}

export async function rescoreContacts(ctx: AppContext, portalId: PortalId, contactIds: string[], options: RescoreOptions = {}): Promise<RescoreSummary> {
  const ids = [...new Set(contactIds)];
  const summary: RescoreSummary = { requested: ids.length, scored: 0, missing: [], written: 0, unchanged: 0, failed: [], tasks: emptyTaskSummary() };
  if (ids.length === 0) return summary;
  const installation = options.installation ?? (await ctx.store.getInstallation(portalId));
  const client = await ctx.hubspot.forPortal(portalId, installation);
  const model = await ctx.modelFor(portalId, installation);
  const language = languageOf(installation?.settings);
  const modelReads = modelInputs(model);
  // Calibration's candidate properties are read too, so the snapshots hold them as they were before each outcome.
  const labels = await client.optionLabels();
  const inputs = { ...modelReads, contact: [...new Set([...modelReads.contact, ...outcomeReadProperties(installation?.settings.calibrationProperties)])] };
  for (let start = 0; start < ids.length; start += CONTACT_BATCH) {
    const batch = ids.slice(start, start + CONTACT_BATCH);
    const records = await client.readContacts(batch, inputs);
    const missing = batch.filter((id) => !records.has(id));
    if (missing.length) await ctx.store.deleteContactState(portalId, missing);
    summary.missing.push(...missing);
    const now = new Date(ctx.now());
    const withDeals = await readDealSignals(ctx, client, portalId, installation, [...records.keys()]);
    const items: ResultItem[] = [];
    for (const record of records.values()) {
      try {
        items.push({
          contactId: record.contactId,
          result: score(record.profile, model, now, { labels, language }),
          labels,
          current: record.current,
          ownerId: record.ownerId,
          profile: record.profile,
          ...(withDeals ? { pastLeadStages: { openOrWonDeal: withDeals.has(record.contactId) } } : {}),
          ...(record.answeredAt ? { answeredAt: record.answeredAt } : {}),
        });
      } catch (error) {
        summary.failed.push({ contactId: record.contactId, error: `scoring failed: ${error instanceof Error ? error.message : String(error)}` });
      }
    }
    summary.scored += items.length;
    const companyOf = new Map<string, string>();
    for (const record of records.values()) if (record.companyId) companyOf.set(record.contactId, record.companyId);
    for (const item of items) {
      const companyId = companyOf.get(item.contactId);
      if (companyId !== undefined) item.companyId = companyId;
    }
    await placeInStoredAccounts(ctx, portalId, model, items, companyOf, now, language);
    const applied = await applyResults(ctx, portalId, items, { client, model, ...(installation ? { installation } : {}) });
    await queueAccountsOf(ctx, portalId, items, companyOf, accountSettle(options.reason, ctx.config.RESCORE_DELAY_MS));
    summary.written += applied.written;
    summary.unchanged += applied.unchanged;
    summary.failed.push(...applied.failed);
    addTaskSummary(summary.tasks, applied.tasks);
  }
  ctx.metrics.inc('bant_contacts_rescored_total', 'Contacts scored, by reason', { reason: options.reason ?? 'unspecified' }, summary.scored);
  ctx.log.debug('contacts rescored', { portalId, reason: options.reason, requested: summary.requested, written: summary.written, missing: summary.missing.length, failed: summary.failed.length });
  return summary;
}

const refusedDeals = new WeakSet<PortalClient>();

/**
 * Which of the contacts have an open or won deal, or undefined when the app may not read deals (the optional scope
 * missing, or a private app's token without it): then the lifecycle stage alone decides.
 */
async function readDealSignals(ctx: AppContext, client: PortalClient, portalId: PortalId, installation: Installation | undefined, contactIds: string[]): Promise<Set<string> | undefined> {
  if (!client.contactsWithOpenOrWonDeals || !hasDealAccess(installation) || refusedDeals.has(client) || contactIds.length === 0) return undefined;
  try {
    return await client.contactsWithOpenOrWonDeals(contactIds);
  } catch (error) {
    if (error instanceof HubSpotApiError && error.httpStatus === 403) {
      // Asked once per client: a private app's token does not gain the scope while the process runs.
      refusedDeals.add(client);
      ctx.log.warn('deals cannot be read (scope crm.objects.deals.read missing): open deals do not end the lead process', { portalId });
      return undefined;
    }
    throw error;
  }
}

function addTaskSummary(into: SyncTasksSummary, from: SyncTasksSummary): void {
  into.created += from.created;
  into.alreadyOpen += from.alreadyOpen;
  into.deferred += from.deferred;
  into.disabled += from.disabled;
  into.completed += from.completed;
  into.refreshed += from.refreshed;
  into.keptClosed += from.keptClosed;
  into.failed.push(...from.failed);
}

/** diff → write (only changes) → tasks → snapshot. Exported for the decay job, which scores from snapshots. */
export async function applyResults(
  ctx: AppContext,
  portalId: PortalId,
  items: ResultItem[],
  options: { client?: PortalClient; model?: ScoringModel; installation?: Installation } = {},
): Promise<ApplySummary> {
  const summary: ApplySummary = { written: 0, unchanged: 0, failed: [], tasks: emptyTaskSummary() };
  if (items.length === 0) return summary;
  const installation = options.installation ?? (await ctx.store.getInstallation(portalId));
  const client = options.client ?? (await ctx.hubspot.forPortal(portalId, installation));
  const model = options.model ?? (await ctx.modelFor(portalId, installation));
  const language = languageOf(installation?.settings);
  const settings = settingsOf(installation?.settings);
  const due = { now: ctx.now(), model, settings, timeZone: installation?.timeZone };
  // The portal's own stage order also tells which custom stages come after the lead stages.
  const stageOrder = await client.lifecycleStageOrder();
  const known = await knownSnapshots(ctx, portalId, items);
  const processes = new Map(items.map((item) => [item.contactId, decideLeadProcess({ lifecycleStage: item.current.lifecyclestage, stageOrder, signals: item.pastLeadStages })]));
  // Routing, the write-back and the task sync of one portal take turns (portal-turns.ts): each reads what the one
  // before it stored (the rotation, today's task budget), and decay hands over its batches two at a time.
  const { routedTo, writtenAt, done } = await takeTurn(`route-write-tasks:${portalId}`, async () => {
    const routedTo = await routeOwners(ctx, client, portalId, items, processes, known, { settings, model, timeZone: installation?.timeZone });

    const plans = items.map((item) => {
      const leadProcess = processes.get(item.contactId) as LeadProcess;
      // Past the lead stages: no hs_lead_status change (docs/contract.md section 4); lifecyclestage never moves back anyway.
      const writeSettings = leadProcess.inLeadProcess ? settings : { ...settings, syncLeadStatus: false };
      const changes = planContactWrite({ result: item.result.properties, current: item.current, stageOrder: settings.syncLifecycleStage ? stageOrder : [], settings: writeSettings });
      return { item, changes: { ...changes, ...milestoneWrites(item.result, item.current) }, leadProcess };
    });
    const writes: ContactWrite[] = plans.filter((p) => Object.keys(p.changes).length > 0).map((p) => ({ contactId: p.item.contactId, properties: p.changes }));
    // The meddic_* properties exist only once a MEDDIC model is active: created before its first values are written.
    if (writes.length && model.framework === 'meddic' && model.meddic) await client.provisionMeddicProperties?.(model.meddic, language);
    const refused = new Map<string, string>();
    const writtenAt = new Map<string, string>();
    for (let start = 0; start < writes.length; start += CONTACT_BATCH) {
      const report = await client.writeContacts(writes.slice(start, start + CONTACT_BATCH));
      for (const f of report.failed) refused.set(f.contactId, f.error);
      for (const [contactId, at] of report.updatedAt ?? []) writtenAt.set(contactId, at);
    }
    const done = plans.filter((p) => !refused.has(p.item.contactId));
    for (const [contactId, error] of refused) summary.failed.push({ contactId, error });
    summary.written = done.filter((p) => Object.keys(p.changes).length > 0).length;
    summary.unchanged = done.length - summary.written;

    summary.tasks = await syncTasks(
      ctx,
      client,
      portalId,
      done.map(({ item, leadProcess }) => {
        const want = leadTaskWant(item, leadProcess, language);
        // A lead sales rejected wants no lead tasks; its open ones, escalations included, close saying why.
        if (isRejected(item.profile)) {
          want.tasks = [];
          for (const kind of [...LEAD_TASK_KINDS, 'escalate' as const]) want.noLongerApplies[kind] = REJECTED_REASON;
        }
        const scoredBefore = Boolean(item.current.bant_scored_at);
        return { ...want, tasks: withBusinessDue(want.tasks, due), mayHaveUnrecordedTasks: scoredBefore && !known.has(item.contactId) };
      }),
      { model, settings, authoritativeKinds: ENGINE_TASK_KINDS, ...(installation ? { installation } : {}) },
    );
    return { routedTo, writtenAt, done };
  });
  await recordScoring(
    ctx,
    portalId,
    done.map(({ item }) => ({ contactId: item.contactId, result: item.result, ...(item.profile ? { profile: item.profile } : {}) })),
    language,
  );
  const snapshots = buildSnapshots(portalId, done, writtenAt, known, routedTo);
  // Scored from their own snapshots (decay): only the result fields change, so only those are written.
  if (done.every((p) => p.item.snapshot && !p.item.profile)) await ctx.store.putSnapshotResults(portalId, snapshots.map(resultOf));
  else await ctx.store.putSnapshots(snapshots);
  // After the contacts' write-back: a lead carries the values just written.
  summary.leads = await syncLeads(
    ctx,
    client,
    portalId,
    installation,
    done.map(({ item, leadProcess }) => ({
      contactId: item.contactId,
      result: item.result,
      ownerId: item.ownerId ?? settings.fallbackOwnerId ?? null,
      inLeadProcess: leadProcess.inLeadProcess,
      properties: item.profile?.properties ?? known.get(item.contactId)?.properties ?? {},
    })),
  );
  if (summary.written) ctx.metrics.inc('bant_contacts_written_total', 'Contacts with changed values written to HubSpot', { portal: portalId }, summary.written);
  return summary;
}

/**
 * Lead routing for the unowned leads still in the lead process (src/routing/), and the routing line in the reasons of
 * every contact whose owner routing gave: now, or earlier while that owner keeps it. Returns those contacts' lines.
 */
async function routeOwners(
  ctx: AppContext,
  client: PortalClient,
  portalId: PortalId,
  items: ResultItem[],
  processes: ReadonlyMap<string, LeadProcess>,
  known: ReadonlyMap<string, ContactSnapshot>,
  options: { settings: InstallationSettings; model: ScoringModel; timeZone: string | undefined },
): Promise<Map<string, { ownerId: string; reason: string }>> {
  const leads = items.filter((i) => !i.ownerId && processes.get(i.contactId)?.inLeadProcess && !isRejected(i.profile));
  const routed = leads.length ? (await routeLeads(ctx, client, portalId, leads, options)).assigned : new Map<string, { ownerId: string; reason: string }>();
  const lines = new Map<string, { ownerId: string; reason: string }>();
  for (const item of items) {
    const line = routed.get(item.contactId) ?? known.get(item.contactId)?.routedTo;
    if (!line || line.ownerId !== item.ownerId) continue;
    item.result = withRoutingReason(item.result, line.reason);
    lines.set(item.contactId, line);
  }
  return lines;
}

/** The labels of the contact's values: picked afresh when it was read now, else those of its previous snapshot. */
function storedLabels(item: ResultItem, profile: Profile, before: ContactSnapshot | undefined): { optionLabels?: StoredLabels } {
  if (item.labels) return { optionLabels: pickLabels(item.labels, profile.properties, profile.company?.properties) };
  return before?.optionLabels ? { optionLabels: before.optionLabels } : {};
}

/** The lead tasks a contact gets, and for the others why an open one no longer applies. */
function leadTaskWant(item: ResultItem, leadProcess: LeadProcess, language: Language) {
  const { result } = item;
  const applicable = applicableTasks(result.tasks, leadProcess);
  const tasks = item.callWaitsFor ? holdCall(applicable) : applicable;
  const situation = { qualification: result.qualification, disqualifyReason: result.disqualifyReason, bant: result.bant, leadProcess };
  const noLongerApplies: Partial<Record<TaskKind, string>> = {};
  for (const kind of LEAD_TASK_KINDS) {
    const why = explainNoLongerApplies(kind, situation, tasks, language);
    if (why) noLongerApplies[kind] = why;
  }
  if (item.callWaitsFor) {
    // Waiting is no reason to close a call; a qualify or follow_up task closes naming the colleague being called.
    delete noLongerApplies.call_sql;
    for (const kind of ['qualify', 'follow_up'] as const) if (noLongerApplies[kind]) noLongerApplies[kind] = explainWaiting(item.callWaitsFor, language);
  }
  return { contactId: item.contactId, ownerId: item.ownerId, tasks, priority: result.priority, noLongerApplies };
}

function resultOf(snapshot: ContactSnapshot): SnapshotResult {
  const { contactId, ownerId, written, writtenAt, scoredAt, modelVersion, leadProcess, routedTo } = snapshot;
  return { contactId, ownerId, written, scoredAt, modelVersion, ...(writtenAt ? { writtenAt } : {}), ...(leadProcess ? { leadProcess } : {}), ...(routedTo ? { routedTo } : {}) };
}

/** The stored snapshots of the items: those the caller handed over, the others read in one query. */
async function knownSnapshots(ctx: AppContext, portalId: PortalId, items: ResultItem[]): Promise<Map<string, ContactSnapshot>> {
  const missing = items.filter((item) => !item.snapshot).map((item) => item.contactId);
  const known = missing.length ? await ctx.store.getSnapshots(portalId, missing) : new Map<string, ContactSnapshot>();
  for (const item of items) if (item.snapshot) known.set(item.contactId, item.snapshot);
  return known;
}

/**
 * `writtenAt` holds HubSpot's time of this run's writes. A contact not written now keeps the time of its last write:
 * its lastmodifieddate cannot have gone back, so that time still tells whether a later change came from elsewhere.
 */
function buildSnapshots(
  portalId: PortalId,
  done: Array<{ item: ResultItem; changes: Record<string, string>; leadProcess: LeadProcess }>,
  writtenAt: ReadonlyMap<string, string>,
  previous: ReadonlyMap<string, ContactSnapshot>,
  routedTo: ReadonlyMap<string, { ownerId: string; reason: string }>,
): ContactSnapshot[] {
  const companyOfSnapshot = (item: ResultItem, before: ContactSnapshot | undefined) => (item.profile ? item.companyId : before?.companyId);
  return done.map(({ item, changes, leadProcess }) => {
    const before = previous.get(item.contactId);
    const lastWrite = writtenAt.get(item.contactId) ?? before?.writtenAt;
    const profile = item.profile ?? { properties: before?.properties ?? {}, company: before?.companyProperties ? { properties: before.companyProperties } : null, activities: before?.activities ?? [] };
    const written: Record<string, string> = {};
    for (const [name, value] of Object.entries(item.current)) if (typeof value === 'string') written[name] = value;
    Object.assign(written, changes);
    return {
      portalId,
      contactId: item.contactId,
      properties: profile.properties,
      companyProperties: profile.company?.properties ?? null,
      activities: profile.activities,
      ownerId: item.ownerId,
      written,
      ...(lastWrite ? { writtenAt: lastWrite } : {}),
      scoredAt: item.result.scoredAt,
      modelVersion: item.result.modelVersion,
      ...(leadProcess.inLeadProcess ? {} : { leadProcess }),
      ...storedLabels(item, profile, before),
      ...((item.answeredAt ?? before?.answeredAt) ? { answeredAt: item.answeredAt ?? before?.answeredAt } : {}),
      ...(routedTo.has(item.contactId) ? { routedTo: routedTo.get(item.contactId) } : {}),
      ...(companyOfSnapshot(item, before) ? { companyId: companyOfSnapshot(item, before) } : {}),
    };
  });
}
