// One storage interface; lowdb (default, DATA_DIR) and PostgreSQL (DATABASE_URL) implement it.
// Every method is async and every implementation must pass test/store/store-contract.ts.
import type { Language } from '../scoring/catalogue.ts';
import type { Activity, Criterion, PropertyBag, TaskKind } from '../scoring/types.ts';
import type { BusinessHours } from '../scoring/business-hours.ts';
import type { LeadProcess } from '../scoring/lead-process.ts';
import type { StoredLabels } from '../scoring/option-labels.ts';
import type { RoutingState } from '../routing/assign-owners.ts';

export type PortalId = number;

/** Token fields are stored encrypted (AES-256-GCM); the store never sees them in clear. */
export interface Installation {
  portalId: PortalId;
  mode: 'oauth' | 'private_app';
  status: 'active' | 'inactive';
  /** Why the installation became inactive (e.g. "refresh token revoked"), no secrets. */
  statusReason?: string;
  /**
   * An operator alert that does not end the installation (e.g. HubSpot refused the app's client credentials or failed
   * on a token refresh); shown in the console's status, cleared by the next successful refresh. No secrets.
   */
  alert?: { at: string; message: string };
  installedAt: string;
  installedBy?: { userId?: number; email?: string };
  scopes: string[];
  /** The HubSpot account's IANA time zone (GET /account-info/2026-03/details): the day of the daily duties. Absent = not known yet (UTC). */
  timeZone?: string;
  /** Encrypted blobs (see src/hubspot/token-crypto.ts). */
  accessTokenEnc?: string;
  refreshTokenEnc?: string;
  /** Epoch ms when the access token expires. */
  accessTokenExpiresAt?: number;
  settings: InstallationSettings;
  /** The active scoring model for this portal (JSON as validated by src/scoring/model-schema.ts); absent = the default model. */
  activeModel?: unknown;
  /** Every activated model, newest last; `activatedBy` is the console user, `restoredFrom` the version it copies. */
  modelHistory?: Array<{ version: string; activatedAt: string; model: unknown; activatedBy?: string; restoredFrom?: string }>;
  draftModel?: unknown;
  /** Set by a disconnect (src/store/retire-installation.ts): the record keeps settings and models, no tokens. */
  disconnectedAt?: string;
  /** The install that restored the settings and model history an earlier install left (shown on the install page and in the console). */
  restored?: { from: string; at: string; models: number };
  /** Lead routing's turn and counts (src/routing/): kept here so it survives restarts and every instance shares it. */
  leadRouting?: RoutingState;
}

/** The fields of an installation to change; a field given as `undefined` is removed. The portal id never changes. */
export type InstallationPatch = Partial<Omit<Installation, 'portalId'>>;

export interface InstallationSettings {
  syncLifecycleStage: boolean;
  syncLeadStatus: boolean;
  taskKinds: Record<TaskKind, boolean>;
  /** Overrides of the model's task/SLA settings, per installation. */
  callSlaHours?: number;
  escalationOwnerId?: string;
  dailyTaskBudget?: number;
  /** Owner for tasks of contacts that have none. */
  fallbackOwnerId?: string;
  /** Contact properties the admin picked for calibration (besides the documented defaults); read on every rescore. */
  calibrationProperties?: string[];
  /** Working days and hours the call SLA and escalations count, in the portal's time zone; absent = Mon–Fri 08:00–18:00. */
  businessHours?: BusinessHours;
  /** The language of tasks, reasons, property labels and the card (when HubSpot passes no user locale); absent = English. */
  language?: Language;
  /** Qualify in HubSpot's Lead records too (src/leads/); needs the optional leads scopes. Absent = off. */
  leadsEnabled?: boolean;
  /** Unowned contacts that become mql or sql go to a rep of this HubSpot team (src/routing/); absent = off. */
  leadRouting?: LeadRoutingSettings;
}

export interface LeadRoutingSettings {
  enabled: boolean;
  /** The HubSpot team (owner `teams[].id`) whose active reps take the leads. */
  teamId: string;
  /** Leads per rep and day at most; absent = the per-rep daily task budget. */
  dailyCapacity?: number;
  /** Relative shares per owner; an owner not listed weighs 1, weight 0 takes none. */
  weights?: Array<{ ownerId: string; weight: number }>;
}

export const DEFAULT_SETTINGS: InstallationSettings = {
  syncLifecycleStage: true,
  syncLeadStatus: true,
  taskKinds: { call_sql: true, qualify: true, follow_up: true, escalate: true },
};

export interface OAuthState {
  state: string;
  expiresAt: number;
  /** Where to go after install (e.g. the admin console), optional; at most MAX_RETURN_TO_LENGTH characters. */
  returnTo?: string;
  /** `ticket`: a console sign-in HubSpot approved, waiting to become a session (src/http/admin/signin.ts). */
  purpose: 'install' | 'signin' | 'ticket';
  /** Tickets only: the portal and user HubSpot named, and the sign-in state of the browser that may redeem it. */
  portalId?: PortalId;
  user?: string;
  browserState?: string;
}

/** Anyone can create OAuth states (GET /oauth/install), so what they hold and how many live at once are bounded. */
export interface OAuthStateLimits {
  now: number;
  /** States live at once; when full, the oldest (earliest expiry) make room. */
  maxLive: number;
}

export const MAX_RETURN_TO_LENGTH = 1024;

/** A console session, kept server-side; the cookie holds only its id (src/http/admin/session.ts). */
export interface AdminSessionRecord {
  /** SHA-256 of the cookie's random id, base64url: the store never holds the cookie value itself. */
  id: string;
  portalId: PortalId;
  user?: string;
  csrfToken: string;
  createdAt: number;
  /** Set by the server at sign-in; nothing the client sends changes it. */
  expiresAt: number;
}

/** What the queue holds: one item per (portal, key). Enqueuing an existing key merges into it (coalescing). */
export type WorkKind =
  | 'rescore' // rescore a contact (key = contact id)
  | 'engagement' // an engagement object was created: find its contacts, then rescore them (key = `${objectType}:${id}`)
  | 'company' // a company property the model reads changed: find the contacts it is the company of, then rescore them (key = company id)
  | 'purge' // privacyDeletion / deletion: drop all local state for the contact
  | 'deal' // a deal was created or changed stage: record the outcome of its contacts and rescore them (key = deal id)
  | 'backfill' // page through all contacts (key = 'all')
  | 'account'; // qualify a company as an account from its contacts (key = company id), coalesced per company

export interface WorkItem {
  portalId: PortalId;
  kind: WorkKind;
  /** Unique per portal and kind; the coalescing key. */
  key: string;
  /** Free-form, small: e.g. { objectType: 'calls', objectId: '123' } or { mergedIds: ['1','2'] }. Merged on coalesce. */
  payload?: Record<string, unknown>;
  /** Epoch ms before which the item is not leased (coalescing window, retry backoff). */
  notBefore: number;
  /** occurredAt of the newest event behind this item (epoch ms). */
  occurredAt?: number;
}

export interface DuePortalsQuery {
  after?: PortalId;
  limit?: number;
  kinds?: WorkKind[];
}

export interface LeasedItem extends WorkItem {
  id: string;
  attempts: number;
  leaseUntil: number;
}

export interface DeadLetter extends WorkItem {
  id: string;
  attempts: number;
  reason: string;
  failedAt: number;
}

/** Compact per-contact state: what the engine needs to recompute at a new time, plus what was last written. */
/** The fields of a contact snapshot that a rescore from the snapshot itself changes. */
/** The fields of a snapshot that are its result, what a rescore from the snapshot alone (decay) writes anew. */
export const SNAPSHOT_RESULT_FIELDS = ['ownerId', 'written', 'writtenAt', 'scoredAt', 'modelVersion', 'leadProcess', 'routedTo'] as const;
export type SnapshotResult = Pick<ContactSnapshot, 'contactId' | (typeof SNAPSHOT_RESULT_FIELDS)[number]>;

export interface ContactSnapshot {
  portalId: PortalId;
  contactId: string;
  /** Only the properties the model reads. */
  properties: PropertyBag;
  companyProperties?: PropertyBag | null;
  activities: Activity[];
  ownerId?: string | null;
  /** The section-3 values as last written to HubSpot (and lifecyclestage / hs_lead_status if written). */
  written: Record<string, string>;
  /**
   * HubSpot's `updatedAt` (ISO, HubSpot's clock) of the app's last write to the contact; absent when unknown. A search
   * `lastmodifieddate` not after it means the app's own write is the contact's latest change (src/jobs/reconcile.ts).
   */
  writtenAt?: string;
  scoredAt: string;
  modelVersion: string;
  /** Set when the contact is past the lead stages (no lead tasks, no hs_lead_status change); absent = in the lead process. */
  leadProcess?: LeadProcess;
  /** Option labels of the contact's values (industry, buying role, answers) when it was read, so reasons rescored from the snapshot show labels. */
  optionLabels?: StoredLabels;
  /** When each BANT answer was given (ISO), for accounts: the most recent answer across a company's contacts wins. */
  answeredAt?: Partial<Record<Criterion, string>>;
  /** Lead routing gave the contact its owner: the reason line stays in its reasons while that owner keeps it. */
  routedTo?: { ownerId: string; reason: string };
  /** The company the contact was scored with (its primary company): its account is the card's account section. */
  companyId?: string;
}

/**
 * Snapshots with the same written values the funnels count, and how many: outcome (`bant_qualification`), lifecycle
 * stage (`lifecyclestage`, else `bant_lifecycle_stage`), fit grade, engagement tier and fit score, each as written
 * (absent when not written). The store groups them so a million contacts need not be read to be counted.
 */
export interface SnapshotFieldCount {
  qualification?: string;
  stage?: string;
  grade?: string;
  tier?: string;
  fitScore?: string;
  count: number;
}

/** A contact with a written milestone (`bant_became_mql_at` / `bant_became_sql_at`, as written) or written as MQL or SQL. */
export interface SnapshotMilestone {
  contactId: string;
  qualification?: string;
  mqlAt?: string;
  sqlAt?: string;
}

/**
 * A company's last account qualification (docs/contract.md section 3a), so a contact's rescore can place the contact in its
 * account without reading the company's other contacts. `result` is the JSON of src/scoring/qualify-account.ts' result.
 */
export interface AccountSnapshot {
  portalId: PortalId;
  companyId: string;
  /** The contacts the account was qualified from. */
  contactIds: string[];
  result: unknown;
  /** The account values as last written to (or read from) HubSpot. */
  written: Record<string, string>;
  /** HubSpot's `updatedAt` of the app's last write to the company: reconciliation skips it as the app's own change. */
  writtenAt?: string;
  scoredAt: string;
}

/** One change of a contact's score (docs/contract.md section 3 values), kept so accuracy is measured on the score as it was. */
export interface ScoreChange {
  /** When the change was scored (ISO). */
  at: string;
  modelVersion: string;
  qualification: string;
  priority: string;
  /** `bant_lead_score`, or null when the model wrote none. */
  leadScore: string | null;
  budget: string;
  authority: string;
  need: string;
  timeline: string;
  /** The reasons as scored, without their ages (`+25 webinar registration`): what the timeline names as changed. Absent in entries recorded before. */
  reasons?: string[];
  /** Per BANT criterion its first piece of evidence, without its age (`Budget approved`). Absent in entries recorded before. */
  evidence?: Partial<Record<'budget' | 'authority' | 'need' | 'timeline', string>>;
  /** The language the reasons and evidence were written in. Absent in entries recorded before. */
  language?: 'en' | 'de';
}

/** Where an outcome came from. */
export type OutcomeSource = 'deal' | 'feedback' | 'lifecycle';

/** A contact won or lost, with its time: what calibration and evaluation learn from. */
export interface OutcomeRecord {
  portalId: PortalId;
  contactId: string;
  outcome: 'won' | 'lost';
  /** When it happened (deal close date, feedback or lifecycle change time), ISO. */
  at: string;
  source: OutcomeSource;
  /** The deal, for source `deal`, and when it was created (the sales cycle's start on the deal side). */
  dealId?: string;
  dealCreatedAt?: string;
  /** The BANT criterion (or fit, pseudo_lead, …) a rep named for a loss or rejection. */
  criterion?: string;
  competitor?: string;
  /** The feedback value behind a feedback outcome (`won`, `lost`, `rejected`). */
  feedback?: string;
  /** When the app recorded it (ISO). */
  recordedAt: string;
  /**
   * The contact as the app last scored it before it learnt of the outcome (activities before `at` only, no
   * outcome-side properties): what calibration and evaluation score, so later activity never leaks in.
   */
  features?: { properties: PropertyBag; company?: { properties: PropertyBag } | null; activities: Activity[] };
  /** `before`: from the snapshot scored before the outcome was known; `at_outcome`: from the read that found it (first sight). */
  featuresFrom?: 'before' | 'at_outcome';
}

/** One outcome record per (contact, source, deal): a deal that changes from lost to won replaces its record. No NUL: PostgreSQL text refuses it. */
export function outcomeKey(record: Pick<OutcomeRecord, 'contactId' | 'source' | 'dealId'>): string {
  return JSON.stringify([record.contactId, record.source, record.dealId ?? null]);
}

/** At most this many score changes are kept per contact, oldest dropped first. */
export const MAX_SCORE_CHANGES_PER_CONTACT = 200;

export interface TaskRecord {
  portalId: PortalId;
  contactId: string;
  kind: TaskKind;
  /** HubSpot task id; absent while the task is being created. */
  taskId?: string;
  ownerId?: string | null;
  status: 'open' | 'completed' | 'deleted' | 'deferred';
  createdAt: string;
  dueAt: string;
  /** For escalations: the call_sql task they escalate. */
  escalatedTaskId?: string;
  /** Who closed a completed or deleted task: a rep's close is never undone for the same cause (docs/contract.md section 4). */
  closedBy?: 'app' | 'rep';
  /** The cause of a task a rep closed has ended: the next time the contact qualifies for the kind, a new task is due. */
  causeEnded?: boolean;
  /** Found in HubSpot rather than created now (e.g. after a reinstall): not counted in today's per-rep budget. */
  adopted?: boolean;
  /** Deferred records only: when and for whom the app made the task this record replaced (it still counts that day). */
  budgetedAt?: string;
  budgetedOwnerId?: string | null;
  /** What the open task shows (priority, title): a change refreshes its title and body (src/scoring/task-rules.ts). */
  fingerprint?: string;
}

export interface TaskRecordFilter {
  kind?: TaskKind;
  status?: TaskRecord['status'];
  /** Only records whose task was made at or after this ISO time (see taskMadeAt), e.g. for the daily budget. */
  madeSince?: string;
}

/** When the task a record stands for was made: a deferred record's is the task it replaced (`budgetedAt`). */
export function taskMadeAt(record: TaskRecord): string | undefined {
  return record.status === 'deferred' ? record.budgetedAt : record.createdAt;
}

/** How many task records of a portal have this kind and status (countTaskRecords). */
export interface TaskRecordCount {
  kind: TaskKind;
  status: TaskRecord['status'];
  count: number;
}

/** Whether a record passes a listTaskRecords filter (the in-memory stores' form of the query). */
export function matchesTaskFilter(record: TaskRecord, filter: TaskRecordFilter): boolean {
  if (filter.kind !== undefined && record.kind !== filter.kind) return false;
  if (filter.status !== undefined && record.status !== filter.status) return false;
  if (filter.madeSince === undefined) return true;
  const madeAt = taskMadeAt(record);
  return madeAt !== undefined && madeAt >= filter.madeSince;
}

export interface JobState {
  portalId: PortalId;
  job: string;
  /** Paging cursor, time watermark, etc. */
  cursor?: string | null;
  progress?: { done: number; total?: number; startedAt: string; updatedAt: string };
  lastRun?: { startedAt: string; finishedAt?: string; ok: boolean; summary?: string };
}

/** A webhook event already seen: (subscriptionType, objectId, propertyName, occurredAt), HubSpot's eventId is not unique. */
export type EventKey = string;

export interface Store {
  // installations
  putInstallation(installation: Installation): Promise<void>;
  /**
   * Changes only the top-level fields in `patch`, atomically: writers of other fields (a token refresh, an admin save)
   * never undo each other. Returns the installation as updated, or undefined (writing nothing) when none is stored.
   */
  updateInstallation(portalId: PortalId, patch: InstallationPatch): Promise<Installation | undefined>;
  getInstallation(portalId: PortalId): Promise<Installation | undefined>;
  listInstallations(): Promise<Installation[]>;
  /** Removes the installation and everything kept for its portal (queue, snapshots, tasks, history, outcomes, jobs); a disconnect then keeps settings and models (retire-installation.ts). */
  deleteInstallation(portalId: PortalId): Promise<void>;

  // OAuth states: single use
  /**
   * Stores the state. With `limits`, first drops the states expired at `limits.now` and, when `limits.maxLive` states
   * are live, the oldest; one new state never rewrites the others.
   */
  putOAuthState(state: OAuthState, limits?: OAuthStateLimits): Promise<void>;
  /** Returns the state and deletes it, or undefined if unknown or expired at `now`. */
  takeOAuthState(state: string, now: number): Promise<OAuthState | undefined>;

  // admin console sessions
  /** Stores the session, dropping sessions expired at `now`. */
  putSession(session: AdminSessionRecord, now: number): Promise<void>;
  /** The session, or undefined if unknown or expired at `now`. */
  getSession(id: string, now: number): Promise<AdminSessionRecord | undefined>;
  deleteSession(id: string): Promise<void>;
  /** Ends every session of the portal (disconnect, reinstall). */
  deletePortalSessions(portalId: PortalId): Promise<void>;

  // webhook de-duplication
  /** Records keys; returns those not seen before (in input order, each once). Keys older than `retainMs` may be forgotten. */
  rememberEvents(keys: EventKey[], now: number): Promise<EventKey[]>;
  /**
   * Optional (every bundled store has it): rememberEvents + enqueue in one durable step. Records `keys`, enqueues
   * `itemsFor(freshKeys)` and resolves once both are durable; returns the fresh keys. Prefer it in the webhook intake:
   * with two separate calls, a crash after rememberEvents and before enqueue makes HubSpot's retry look like a duplicate.
   */
  acceptEvents?(keys: EventKey[], now: number, itemsFor: (freshKeys: EventKey[]) => WorkItem[]): Promise<EventKey[]>;

  // durable work queue (at-least-once, leased)
  /** Durable when the promise resolves. Same (portalId, kind, key) coalesces: payloads merge, notBefore keeps the later. */
  enqueue(items: WorkItem[]): Promise<void>;
  /** Leases up to `limit` due items (notBefore <= now, no live lease), of one portal if given, oldest first (by notBefore, then enqueue order). Each lease counts one attempt; a lease expires at leaseUntil and the item is leasable again (crash recovery). */
  lease(options: { now: number; limit: number; leaseMs: number; portalId?: PortalId; kinds?: WorkKind[] }): Promise<LeasedItem[]>;
  /**
   * Portals that have due items at `now`, in portal id order, for fair turns. With `after`, only portals after it (a
   * keyset page: the worker resumes its round-robin there, no OFFSET); with `limit`, at most that many; with `kinds`,
   * only due items of those kinds count.
   */
  portalsWithDueWork(now: number, options?: DuePortalsQuery): Promise<PortalId[]>;
  /** Done: removed, unless it was re-enqueued after it was leased (then it stays, unleased, for another run). Unknown ids are ignored. */
  complete(ids: string[]): Promise<void>;
  /** Failed: retried at `retryAt` (notBefore = the later of retryAt and its notBefore), or moved to dead letters once attempts (counted per lease) reach `maxAttempts`. */
  fail(id: string, reason: string, retryAt: number, maxAttempts: number): Promise<void>;
  queueDepth(portalId?: PortalId): Promise<number>;
  listDeadLetters(portalId?: PortalId): Promise<DeadLetter[]>;

  // per-contact snapshots
  getSnapshots(portalId: PortalId, contactIds: string[]): Promise<Map<string, ContactSnapshot>>;
  putSnapshots(snapshots: ContactSnapshot[]): Promise<void>;
  /**
   * Replaces only the result fields of stored snapshots (a rescore from the snapshot itself, i.e. decay); absent
   * optional fields are removed. Contacts without a stored snapshot are skipped.
   */
  putSnapshotResults(portalId: PortalId, results: SnapshotResult[]): Promise<void>;
  deleteContactState(portalId: PortalId, contactIds: string[]): Promise<void>;
  /** Pages through a portal's snapshots in contact-id order (plain string order, code unit by code unit), after `afterContactId`. */
  listSnapshots(portalId: PortalId, afterContactId: string | null, limit: number): Promise<ContactSnapshot[]>;
  countSnapshots(portalId: PortalId): Promise<number>;
  /**
   * The what-if's sample: snapshots whose sample key (src/store/sample-key.ts) is below `below`, in (sample key,
   * contact id) order after `afterContactId`'s place in it.
   */
  listSampledSnapshots(portalId: PortalId, below: number, afterContactId: string | null, limit: number): Promise<ContactSnapshot[]>;
  /** The portal's snapshots counted by the written values the funnels show (one entry per combination). */
  countSnapshotFields(portalId: PortalId): Promise<SnapshotFieldCount[]>;
  /** Every contact with a written milestone or written as MQL or SQL, in contact-id order. */
  listSnapshotMilestones(portalId: PortalId): Promise<SnapshotMilestone[]>;
  /** The ids of the snapshots whose written values are one of `groups` (combinations as countSnapshotFields gives them), in contact-id order. */
  listSnapshotIdsInGroups(portalId: PortalId, groups: Array<Omit<SnapshotFieldCount, 'count'>>): Promise<string[]>;

  // per-company account snapshots (one per company; putting one replaces it)
  getAccountSnapshots(portalId: PortalId, companyIds: string[]): Promise<Map<string, AccountSnapshot>>;
  putAccountSnapshots(snapshots: AccountSnapshot[]): Promise<void>;

  // tasks the app created: one record per (portalId, contactId, kind); putting a record replaces the one of its kind
  getTaskRecords(portalId: PortalId, contactIds: string[]): Promise<TaskRecord[]>;
  putTaskRecords(records: TaskRecord[]): Promise<void>;
  listTaskRecords(portalId: PortalId, filter?: TaskRecordFilter): Promise<TaskRecord[]>;
  /** The portal's task records counted by kind and status (the console's funnel), without reading them. */
  countTaskRecords(portalId: PortalId): Promise<TaskRecordCount[]>;

  // score history and outcomes (purged with the contact by deleteContactState and with the portal)
  /** Appends changes per contact (oldest first), keeping the newest `MAX_SCORE_CHANGES_PER_CONTACT` of each contact. */
  appendScoreChanges(portalId: PortalId, changes: Array<{ contactId: string; change: ScoreChange }>): Promise<void>;
  /** Per contact, its score changes oldest first; contacts without any are absent. */
  getScoreHistory(portalId: PortalId, contactIds: string[]): Promise<Map<string, ScoreChange[]>>;
  /** Per contact, its newest score change (what a new one is compared with); contacts without any are absent. */
  getLatestScoreChanges(portalId: PortalId, contactIds: string[]): Promise<Map<string, ScoreChange>>;
  /** Stores outcomes, replacing the record of the same `outcomeKey`. */
  putOutcomes(records: OutcomeRecord[]): Promise<void>;
  /** A portal's outcomes (all contacts when `contactIds` is absent), by contact id then time. */
  listOutcomes(portalId: PortalId, contactIds?: string[]): Promise<OutcomeRecord[]>;

  // scheduled jobs
  getJobState(portalId: PortalId, job: string): Promise<JobState | undefined>;
  putJobState(state: JobState): Promise<void>;
  /** A lock shared by every app instance: true if `owner` holds it until now + ttlMs. Re-acquiring by the same owner extends it. (lowdb: one process only; several instances need PostgreSQL.) */
  acquireLock(name: string, owner: string, ttlMs: number, now: number): Promise<boolean>;
  releaseLock(name: string, owner: string): Promise<void>;

  /** For /readyz: true while the store is open and can write (a cheap write probe, cached briefly, or the last write failed). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
