// The in-memory Store: complete semantics, no persistence. Unit tests use it directly; the lowdb store keeps the same
// state in memory and persists the parts that changed (see `StoreHooks`).
import type { TaskKind } from '../scoring/types.ts';
import { indexAfter } from './sorted-ids.ts';
import { MAX_SCORE_CHANGES_PER_CONTACT, outcomeKey } from './store.ts';
import type {
  ContactSnapshot,
  DeadLetter,
  EventKey,
  Installation,
  InstallationPatch,
  JobState,
  LeasedItem,
  OAuthState,
  OutcomeRecord,
  PortalId,
  ScoreChange,
  Store,
  TaskRecord,
  WorkItem,
  WorkKind,
} from './store.ts';

export interface MemoryStoreOptions {
  /** How long a webhook event key is remembered (default 24 h). */
  eventRetainMs?: number;
  /** At most this many event keys are remembered, oldest forgotten first (default 500,000). */
  maxEventKeys?: number;
  /** At most this many dead letters are kept, oldest dropped first (default 10,000). */
  maxDeadLetters?: number;
}

export const DEFAULT_EVENT_RETAIN_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_MAX_EVENT_KEYS = 500_000;
export const DEFAULT_MAX_DEAD_LETTERS = 10_000;

/** A queue entry as kept in memory (and in lowdb's queue.json). */
export interface QueueRecord extends WorkItem {
  id: string;
  /** Enqueue order, for "oldest first" among items due at the same time. */
  seq: number;
  attempts: number;
  leaseUntil?: number;
  /** Bumped whenever the item is enqueued again (coalesced); compared with `leasedVersion` on complete(). */
  version: number;
  leasedVersion?: number;
  lastError?: string;
}

/** What changed, so a persistent store knows which file to write. */
export type Section =
  | 'installations'
  | 'oauth'
  | 'deadLetters'
  | 'jobs'
  | 'queue'
  | `snapshots:${number}`
  | `tasks:${number}`
  | `history:${number}`
  | `outcomes:${number}`;

export interface StoreHooks {
  /**
   * Called synchronously for every change. For the keyed sections (queue: item id, snapshots: contact id, tasks:
   * `taskKey`, history: contact id, outcomes: `outcomeKey`) `key` names the record that changed (look it up: absent means deleted); no key means the whole section.
   */
  changed(section: Section, key?: string): void;
  /** Called with the keys rememberEvents found new. */
  eventsRemembered(keys: EventKey[], now: number): void;
  /** Called after forgetting event keys (bounded memory). */
  eventsForgotten(keys: EventKey[]): void;
  /** Resolves once every change reported so far is durable. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const noHooks: StoreHooks = {
  changed() {},
  eventsRemembered() {},
  eventsForgotten() {},
  flush: () => Promise.resolve(),
  close: () => Promise.resolve(),
};

const SEP = '\u0000';
const queueIndexKey = (portalId: PortalId, kind: WorkKind, key: string) => `${portalId}${SEP}${kind}${SEP}${key}`;
export const taskKey = (contactId: string, kind: TaskKind) => `${contactId}${SEP}${kind}`;
const jobKey = (portalId: PortalId, job: string) => `${portalId}${SEP}${job}`;

/** Deep copy through JSON: what a persistent store would hand back, and no aliasing between caller and store. */
export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** A patch as the fields to set (deep copies) and the fields to remove (given as undefined); portalId is never patched. */
export function splitInstallationPatch(patch: InstallationPatch): { set: Record<string, unknown>; unset: string[] } {
  const set: Record<string, unknown> = {};
  const unset: string[] = [];
  for (const [name, value] of Object.entries(patch)) {
    if (name === 'portalId') continue;
    if (value === undefined) unset.push(name);
    else set[name] = clone(value);
  }
  return { set, unset };
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && JSON.stringify(a) === JSON.stringify(b));
}

/** Coalescing: keys of `next` win, except arrays present on both sides, which are unioned (order kept, no duplicates). */
export function mergePayload(
  previous: Record<string, unknown> | undefined,
  next: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!previous) return next ? clone(next) : undefined;
  if (!next) return previous;
  const merged: Record<string, unknown> = { ...previous };
  for (const [name, value] of Object.entries(next)) {
    const before = merged[name];
    if (Array.isArray(before) && Array.isArray(value)) {
      const union = [...before];
      for (const element of value) if (!union.some((existing) => sameValue(existing, element))) union.push(clone(element));
      merged[name] = union;
    } else {
      merged[name] = clone(value);
    }
  }
  return merged;
}

const maxDefined = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined ? b : b === undefined ? a : Math.max(a, b);

export function toWorkItem(record: QueueRecord): WorkItem {
  const item: WorkItem = { portalId: record.portalId, kind: record.kind, key: record.key, notBefore: record.notBefore };
  if (record.payload !== undefined) item.payload = clone(record.payload);
  if (record.occurredAt !== undefined) item.occurredAt = record.occurredAt;
  return item;
}

/** Oldest first: by notBefore, then enqueue order. */
export const byDueThenSeq = (a: QueueRecord, b: QueueRecord) => a.notBefore - b.notBefore || a.seq - b.seq;

export const byContactThenTime = (a: OutcomeRecord, b: OutcomeRecord) =>
  a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : a.at < b.at ? -1 : a.at > b.at ? 1 : 0;

/** All data of a store, in plain maps. */
export class StoreState {
  installations = new Map<PortalId, Installation>();
  oauthStates = new Map<string, OAuthState>();
  /** Event key → when it was first seen; insertion order is (about) time order. */
  events = new Map<EventKey, number>();
  queue = new Map<string, QueueRecord>();
  queueIndex = new Map<string, string>();
  queueSeq = 0;
  deadLetters: DeadLetter[] = [];
  snapshots = new Map<PortalId, Map<string, ContactSnapshot>>();
  /** Sorted contact ids per portal, built on demand for listSnapshots and dropped when ids come or go. */
  snapshotOrder = new Map<PortalId, string[]>();
  tasks = new Map<PortalId, Map<string, TaskRecord>>();
  /** Per portal: contact id → score changes, oldest first. */
  history = new Map<PortalId, Map<string, ScoreChange[]>>();
  /** Per portal: outcomeKey → outcome. */
  outcomes = new Map<PortalId, Map<string, OutcomeRecord>>();
  jobs = new Map<string, JobState>();
  locks = new Map<string, { owner: string; expiresAt: number }>();

  addQueueRecord(record: QueueRecord): void {
    this.queue.set(record.id, record);
    this.queueIndex.set(queueIndexKey(record.portalId, record.kind, record.key), record.id);
    this.queueSeq = Math.max(this.queueSeq, record.seq);
  }

  removeQueueRecord(record: QueueRecord): void {
    this.queue.delete(record.id);
    const indexKey = queueIndexKey(record.portalId, record.kind, record.key);
    if (this.queueIndex.get(indexKey) === record.id) this.queueIndex.delete(indexKey);
  }
}

export class MemoryStore implements Store {
  readonly state: StoreState;
  protected readonly hooks: StoreHooks;
  readonly eventRetainMs: number;
  readonly maxEventKeys: number;
  readonly maxDeadLetters: number;
  #closed = false;

  constructor(options: MemoryStoreOptions = {}, hooks: StoreHooks = noHooks, state: StoreState = new StoreState()) {
    this.state = state;
    this.hooks = hooks;
    this.eventRetainMs = options.eventRetainMs ?? DEFAULT_EVENT_RETAIN_MS;
    this.maxEventKeys = options.maxEventKeys ?? DEFAULT_MAX_EVENT_KEYS;
    this.maxDeadLetters = options.maxDeadLetters ?? DEFAULT_MAX_DEAD_LETTERS;
  }

  protected open(): void {
    if (this.#closed) throw new Error('store is closed');
  }

  // installations

  async putInstallation(installation: Installation): Promise<void> {
    this.open();
    this.state.installations.set(installation.portalId, clone(installation));
    this.hooks.changed('installations');
    await this.hooks.flush();
  }

  async updateInstallation(portalId: PortalId, patch: InstallationPatch): Promise<Installation | undefined> {
    this.open();
    const current = this.state.installations.get(portalId);
    if (!current) return undefined;
    const { set, unset } = splitInstallationPatch(patch);
    const updated = { ...current, ...set } as Installation;
    for (const name of unset) delete (updated as unknown as Record<string, unknown>)[name];
    this.state.installations.set(portalId, updated);
    this.hooks.changed('installations');
    await this.hooks.flush();
    return clone(updated);
  }

  async getInstallation(portalId: PortalId): Promise<Installation | undefined> {
    this.open();
    return clone(this.state.installations.get(portalId));
  }

  async listInstallations(): Promise<Installation[]> {
    this.open();
    return [...this.state.installations.values()].sort((a, b) => a.portalId - b.portalId).map(clone);
  }

  async deleteInstallation(portalId: PortalId): Promise<void> {
    this.open();
    const s = this.state;
    if (s.installations.delete(portalId)) this.hooks.changed('installations');
    for (const record of [...s.queue.values()]) {
      if (record.portalId === portalId) {
        s.removeQueueRecord(record);
        this.hooks.changed('queue', record.id);
      }
    }
    const deadBefore = s.deadLetters.length;
    s.deadLetters = s.deadLetters.filter((d) => d.portalId !== portalId);
    if (s.deadLetters.length !== deadBefore) this.hooks.changed('deadLetters');
    s.snapshotOrder.delete(portalId);
    if (s.snapshots.delete(portalId)) this.hooks.changed(`snapshots:${portalId}`);
    if (s.tasks.delete(portalId)) this.hooks.changed(`tasks:${portalId}`);
    if (s.history.delete(portalId)) this.hooks.changed(`history:${portalId}`);
    if (s.outcomes.delete(portalId)) this.hooks.changed(`outcomes:${portalId}`);
    let jobsChanged = false;
    for (const [key, job] of s.jobs) {
      if (job.portalId === portalId) {
        s.jobs.delete(key);
        jobsChanged = true;
      }
    }
    if (jobsChanged) this.hooks.changed('jobs');
    await this.hooks.flush();
  }

  // OAuth states

  async putOAuthState(state: OAuthState): Promise<void> {
    this.open();
    this.state.oauthStates.set(state.state, clone(state));
    this.hooks.changed('oauth');
    await this.hooks.flush();
  }

  async takeOAuthState(state: string, now: number): Promise<OAuthState | undefined> {
    this.open();
    const found = this.state.oauthStates.get(state);
    // Expired states go too, so the map never grows with abandoned installs.
    for (const [key, existing] of this.state.oauthStates) if (existing.expiresAt <= now) this.state.oauthStates.delete(key);
    if (!found) return undefined;
    this.state.oauthStates.delete(state);
    this.hooks.changed('oauth');
    await this.hooks.flush();
    return found.expiresAt > now ? clone(found) : undefined;
  }

  // webhook de-duplication

  /** Records the keys in memory and tells the hooks; no flush. */
  protected rememberNow(keys: EventKey[], now: number): EventKey[] {
    const events = this.state.events;
    const forgotten: EventKey[] = [];
    const oldest = now - this.eventRetainMs;
    for (const [key, seenAt] of events) {
      if (seenAt >= oldest) break;
      forgotten.push(key);
    }
    for (const key of forgotten) events.delete(key);
    const fresh: EventKey[] = [];
    for (const key of keys) {
      if (events.has(key)) continue;
      events.set(key, now);
      fresh.push(key);
    }
    if (events.size > this.maxEventKeys) {
      for (const key of events.keys()) {
        if (events.size <= this.maxEventKeys) break;
        events.delete(key);
        forgotten.push(key);
      }
    }
    if (fresh.length > 0) this.hooks.eventsRemembered(fresh, now);
    if (forgotten.length > 0) this.hooks.eventsForgotten(forgotten);
    return fresh;
  }

  async rememberEvents(keys: EventKey[], now: number): Promise<EventKey[]> {
    this.open();
    const fresh = this.rememberNow(keys, now);
    if (fresh.length > 0) await this.hooks.flush();
    return fresh;
  }

  async acceptEvents(keys: EventKey[], now: number, itemsFor: (freshKeys: EventKey[]) => WorkItem[]): Promise<EventKey[]> {
    this.open();
    const fresh = this.rememberNow(keys, now);
    const items = fresh.length > 0 ? itemsFor(fresh) : [];
    this.enqueueNow(items);
    if (fresh.length > 0 || items.length > 0) await this.hooks.flush();
    return fresh;
  }

  // work queue

  protected enqueueNow(items: WorkItem[]): void {
    const s = this.state;
    for (const item of items) {
      const existingId = s.queueIndex.get(queueIndexKey(item.portalId, item.kind, item.key));
      const existing = existingId === undefined ? undefined : s.queue.get(existingId);
      if (existing) {
        existing.payload = mergePayload(existing.payload, item.payload);
        if (existing.payload === undefined) delete existing.payload;
        existing.notBefore = Math.max(existing.notBefore, item.notBefore);
        const occurredAt = maxDefined(existing.occurredAt, item.occurredAt);
        if (occurredAt !== undefined) existing.occurredAt = occurredAt;
        existing.version += 1;
        this.hooks.changed('queue', existing.id);
      } else {
        const seq = s.queueSeq + 1;
        const record: QueueRecord = { portalId: item.portalId, kind: item.kind, key: item.key, notBefore: item.notBefore, id: String(seq), seq, attempts: 0, version: 0 };
        if (item.payload !== undefined) record.payload = clone(item.payload);
        if (item.occurredAt !== undefined) record.occurredAt = item.occurredAt;
        s.addQueueRecord(record);
        this.hooks.changed('queue', record.id);
      }
    }
  }

  async enqueue(items: WorkItem[]): Promise<void> {
    this.open();
    if (items.length === 0) return;
    this.enqueueNow(items);
    await this.hooks.flush();
  }

  protected isDue(record: QueueRecord, now: number): boolean {
    return record.notBefore <= now && (record.leaseUntil === undefined || record.leaseUntil <= now);
  }

  async lease(options: { now: number; limit: number; leaseMs: number; portalId?: PortalId; kinds?: WorkKind[] }): Promise<LeasedItem[]> {
    this.open();
    const { now, limit, leaseMs, portalId, kinds } = options;
    if (limit <= 0) return [];
    const due = [...this.state.queue.values()].filter(
      (r) => this.isDue(r, now) && (portalId === undefined || r.portalId === portalId) && (!kinds || kinds.includes(r.kind)),
    );
    due.sort(byDueThenSeq);
    const leased: LeasedItem[] = [];
    for (const record of due.slice(0, limit)) {
      record.attempts += 1;
      record.leaseUntil = now + leaseMs;
      record.leasedVersion = record.version;
      this.hooks.changed('queue', record.id);
      leased.push({ ...toWorkItem(record), id: record.id, attempts: record.attempts, leaseUntil: record.leaseUntil });
    }
    if (leased.length > 0) await this.hooks.flush();
    return leased;
  }

  async portalsWithDueWork(now: number): Promise<PortalId[]> {
    this.open();
    const portals = new Set<PortalId>();
    for (const record of this.state.queue.values()) if (this.isDue(record, now)) portals.add(record.portalId);
    return [...portals].sort((a, b) => a - b);
  }

  async complete(ids: string[]): Promise<void> {
    this.open();
    let changed = false;
    for (const id of ids) {
      const record = this.state.queue.get(id);
      if (!record) continue;
      changed = true;
      this.hooks.changed('queue', id);
      if (record.leasedVersion !== undefined && record.version !== record.leasedVersion) {
        // Re-enqueued while it was being worked on: the new event still needs a run.
        delete record.leaseUntil;
        delete record.leasedVersion;
        delete record.lastError;
        record.attempts = 0;
      } else {
        this.state.removeQueueRecord(record);
      }
    }
    if (changed) await this.hooks.flush();
  }

  async fail(id: string, reason: string, retryAt: number, maxAttempts: number): Promise<void> {
    this.open();
    const record = this.state.queue.get(id);
    if (!record) return;
    if (record.attempts >= maxAttempts) {
      this.state.removeQueueRecord(record);
      this.state.deadLetters.push({ ...toWorkItem(record), id: record.id, attempts: record.attempts, reason, failedAt: Date.now() });
      if (this.state.deadLetters.length > this.maxDeadLetters) this.state.deadLetters.splice(0, this.state.deadLetters.length - this.maxDeadLetters);
      this.hooks.changed('deadLetters');
    } else {
      delete record.leaseUntil;
      delete record.leasedVersion;
      record.notBefore = Math.max(record.notBefore, retryAt);
      record.lastError = reason;
    }
    this.hooks.changed('queue', id);
    await this.hooks.flush();
  }

  async queueDepth(portalId?: PortalId): Promise<number> {
    this.open();
    if (portalId === undefined) return this.state.queue.size;
    let depth = 0;
    for (const record of this.state.queue.values()) if (record.portalId === portalId) depth += 1;
    return depth;
  }

  async listDeadLetters(portalId?: PortalId): Promise<DeadLetter[]> {
    this.open();
    return this.state.deadLetters.filter((d) => portalId === undefined || d.portalId === portalId).map(clone);
  }

  // snapshots

  async getSnapshots(portalId: PortalId, contactIds: string[]): Promise<Map<string, ContactSnapshot>> {
    this.open();
    const portal = this.state.snapshots.get(portalId);
    const found = new Map<string, ContactSnapshot>();
    if (!portal) return found;
    for (const id of contactIds) {
      const snapshot = portal.get(id);
      if (snapshot) found.set(id, clone(snapshot));
    }
    return found;
  }

  async putSnapshots(snapshots: ContactSnapshot[]): Promise<void> {
    this.open();
    if (snapshots.length === 0) return;
    for (const snapshot of snapshots) {
      let portal = this.state.snapshots.get(snapshot.portalId);
      if (!portal) {
        portal = new Map();
        this.state.snapshots.set(snapshot.portalId, portal);
      }
      if (!portal.has(snapshot.contactId)) this.state.snapshotOrder.delete(snapshot.portalId);
      portal.set(snapshot.contactId, clone(snapshot));
      this.hooks.changed(`snapshots:${snapshot.portalId}`, snapshot.contactId);
    }
    await this.hooks.flush();
  }

  async deleteContactState(portalId: PortalId, contactIds: string[]): Promise<void> {
    this.open();
    const snapshots = this.state.snapshots.get(portalId);
    const tasks = this.state.tasks.get(portalId);
    const ids = new Set(contactIds);
    for (const id of ids) {
      if (snapshots?.delete(id)) {
        this.state.snapshotOrder.delete(portalId);
        this.hooks.changed(`snapshots:${portalId}`, id);
      }
    }
    if (tasks) {
      for (const [key, record] of tasks) {
        if (ids.has(record.contactId)) {
          tasks.delete(key);
          this.hooks.changed(`tasks:${portalId}`, key);
        }
      }
    }
    const history = this.state.history.get(portalId);
    for (const id of ids) if (history?.delete(id)) this.hooks.changed(`history:${portalId}`, id);
    const outcomes = this.state.outcomes.get(portalId);
    if (outcomes) {
      for (const [key, record] of outcomes) {
        if (ids.has(record.contactId)) {
          outcomes.delete(key);
          this.hooks.changed(`outcomes:${portalId}`, key);
        }
      }
    }
    await this.hooks.flush();
  }

  // score history and outcomes

  async appendScoreChanges(portalId: PortalId, changes: Array<{ contactId: string; change: ScoreChange }>): Promise<void> {
    this.open();
    if (changes.length === 0) return;
    let portal = this.state.history.get(portalId);
    if (!portal) {
      portal = new Map();
      this.state.history.set(portalId, portal);
    }
    for (const { contactId, change } of changes) {
      const list = [...(portal.get(contactId) ?? []), clone(change)];
      if (list.length > MAX_SCORE_CHANGES_PER_CONTACT) list.splice(0, list.length - MAX_SCORE_CHANGES_PER_CONTACT);
      portal.set(contactId, list);
      this.hooks.changed(`history:${portalId}`, contactId);
    }
    await this.hooks.flush();
  }

  async getScoreHistory(portalId: PortalId, contactIds: string[]): Promise<Map<string, ScoreChange[]>> {
    this.open();
    const portal = this.state.history.get(portalId);
    const found = new Map<string, ScoreChange[]>();
    for (const id of contactIds) {
      const list = portal?.get(id);
      if (list?.length) found.set(id, clone(list));
    }
    return found;
  }

  async putOutcomes(records: OutcomeRecord[]): Promise<void> {
    this.open();
    if (records.length === 0) return;
    for (const record of records) {
      let portal = this.state.outcomes.get(record.portalId);
      if (!portal) {
        portal = new Map();
        this.state.outcomes.set(record.portalId, portal);
      }
      const key = outcomeKey(record);
      portal.set(key, clone(record));
      this.hooks.changed(`outcomes:${record.portalId}`, key);
    }
    await this.hooks.flush();
  }

  async listOutcomes(portalId: PortalId, contactIds?: string[]): Promise<OutcomeRecord[]> {
    this.open();
    const wanted = contactIds ? new Set(contactIds) : undefined;
    const list = [...(this.state.outcomes.get(portalId)?.values() ?? [])].filter((r) => !wanted || wanted.has(r.contactId));
    return list.sort(byContactThenTime).map(clone);
  }

  async listSnapshots(portalId: PortalId, afterContactId: string | null, limit: number): Promise<ContactSnapshot[]> {
    this.open();
    const portal = this.state.snapshots.get(portalId);
    if (!portal || limit <= 0) return [];
    let order = this.state.snapshotOrder.get(portalId);
    if (!order) {
      order = [...portal.keys()].sort();
      this.state.snapshotOrder.set(portalId, order);
    }
    const start = indexAfter(order, afterContactId);
    return order.slice(start, start + limit).map((id) => clone(portal.get(id)!));
  }

  async countSnapshots(portalId: PortalId): Promise<number> {
    this.open();
    return this.state.snapshots.get(portalId)?.size ?? 0;
  }

  // tasks

  async getTaskRecords(portalId: PortalId, contactIds: string[]): Promise<TaskRecord[]> {
    this.open();
    const portal = this.state.tasks.get(portalId);
    if (!portal) return [];
    const ids = new Set(contactIds);
    return [...portal.values()].filter((r) => ids.has(r.contactId)).map(clone);
  }

  async putTaskRecords(records: TaskRecord[]): Promise<void> {
    this.open();
    if (records.length === 0) return;
    for (const record of records) {
      let portal = this.state.tasks.get(record.portalId);
      if (!portal) {
        portal = new Map();
        this.state.tasks.set(record.portalId, portal);
      }
      const key = taskKey(record.contactId, record.kind);
      portal.set(key, clone(record));
      this.hooks.changed(`tasks:${record.portalId}`, key);
    }
    await this.hooks.flush();
  }

  async listTaskRecords(portalId: PortalId, filter: { kind?: TaskKind; status?: TaskRecord['status'] } = {}): Promise<TaskRecord[]> {
    this.open();
    const portal = this.state.tasks.get(portalId);
    if (!portal) return [];
    return [...portal.values()]
      .filter((r) => (filter.kind === undefined || r.kind === filter.kind) && (filter.status === undefined || r.status === filter.status))
      .map(clone);
  }

  // jobs and locks

  async getJobState(portalId: PortalId, job: string): Promise<JobState | undefined> {
    this.open();
    return clone(this.state.jobs.get(jobKey(portalId, job)));
  }

  async putJobState(state: JobState): Promise<void> {
    this.open();
    this.state.jobs.set(jobKey(state.portalId, state.job), clone(state));
    this.hooks.changed('jobs');
    await this.hooks.flush();
  }

  async acquireLock(name: string, owner: string, ttlMs: number, now: number): Promise<boolean> {
    this.open();
    const held = this.state.locks.get(name);
    if (held && held.owner !== owner && held.expiresAt > now) return false;
    this.state.locks.set(name, { owner, expiresAt: now + ttlMs });
    return true;
  }

  async releaseLock(name: string, owner: string): Promise<void> {
    this.open();
    if (this.state.locks.get(name)?.owner === owner) this.state.locks.delete(name);
  }

  async ping(): Promise<boolean> {
    return !this.#closed;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.hooks.close();
  }
}

/** A complete Store in memory: for unit tests and demos. Nothing survives the process. */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  return new MemoryStore(options);
}
