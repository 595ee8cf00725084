// The in-memory Store: complete semantics, no persistence. Unit tests use it directly; the lowdb store keeps the same
// state in memory and persists the parts that changed (see `StoreHooks`).
import type { TaskKind } from '../scoring/types.ts';
import { sampledPage } from './sample-key.ts';
import { groupKey, milestoneOf, SnapshotFieldTally, snapshotGroupKey } from './snapshot-fields.ts';
import { indexAfter } from './sorted-ids.ts';
import { MAX_SCORE_CHANGES_PER_CONTACT, matchesTaskFilter, outcomeKey } from './store.ts';
import type {
  TaskRecordCount,
  TaskRecordFilter,
  AdminSessionRecord,
  AccountSnapshot,
  ContactSnapshot,
  SnapshotFieldCount,
  SnapshotMilestone,
  SnapshotResult,
  DeadLetter,
  DuePortalsQuery,
  EventKey,
  Installation,
  InstallationPatch,
  JobState,
  LeasedItem,
  OAuthState,
  OAuthStateLimits,
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
  /** Fault injection for tests: called before every write; throwing makes the write fail (e.g. a disk-full error). */
  beforeWrite?: () => void;
}

/** How long /readyz trusts a successful write or write probe; after a failed one it probes on every call. */
export const WRITE_PROBE_CACHE_MS = 1_000;

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
  | 'sessions'
  | 'deadLetters'
  | 'jobs'
  | 'queue'
  | `snapshots:${number}`
  | `tasks:${number}`
  | `history:${number}`
  | `outcomes:${number}`
  | `accounts:${number}`;

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
  /** A cheap write that fails while the store cannot write (read-only or full disk); for /readyz. */
  probeWrite(): Promise<void>;
  close(): Promise<void>;
}

const noHooks: StoreHooks = {
  changed() {},
  eventsRemembered() {},
  eventsForgotten() {},
  flush: () => Promise.resolve(),
  probeWrite: () => Promise.resolve(),
  close: () => Promise.resolve(),
};

/** The memory store's writes: nothing to persist, but a test's fault injection can make them fail. */
function memoryHooks(beforeWrite: (() => void) | undefined): StoreHooks {
  if (!beforeWrite) return noHooks;
  const write = () => {
    try {
      beforeWrite();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return { ...noHooks, flush: write, probeWrite: write };
}

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
  /** Insertion order is age order: the oldest states go first when too many are live. */
  oauthStates = new Map<string, OAuthState>();
  sessions = new Map<string, AdminSessionRecord>();
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
  accounts = new Map<PortalId, Map<string, AccountSnapshot>>();
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
  #oauthEarliestExpiry = 0;
  // Changes not yet known durable, as steps that undo them (oldest first); #undoBase counts the steps already dropped.
  // A failed write undoes every pending change, newest first, so memory never holds what the disk does not.
  #undo: Array<() => void> = [];
  #undoBase = 0;
  #rollbacks = 0;
  #writeHealth: { at: number; ok: boolean } | undefined;

  constructor(options: MemoryStoreOptions = {}, hooks?: StoreHooks, state: StoreState = new StoreState()) {
    this.state = state;
    this.hooks = hooks ?? memoryHooks(options.beforeWrite);
    this.eventRetainMs = options.eventRetainMs ?? DEFAULT_EVENT_RETAIN_MS;
    this.maxEventKeys = options.maxEventKeys ?? DEFAULT_MAX_EVENT_KEYS;
    this.maxDeadLetters = options.maxDeadLetters ?? DEFAULT_MAX_DEAD_LETTERS;
  }

  protected open(): void {
    if (this.#closed) throw new Error('store is closed');
  }

  /** Records how to undo a change just made in memory, until the write that holds it succeeds. */
  protected undoable(step: () => void): void {
    this.#undo.push(step);
  }

  /**
   * Resolves once every change made so far is on disk. When the write fails, every change not yet durable is undone
   * (including changes of other callers waiting for a later write: they fail too) and the error is thrown.
   */
  protected async persist(): Promise<void> {
    const mark = this.#undoBase + this.#undo.length;
    const rollbacks = this.#rollbacks;
    try {
      await this.hooks.flush();
    } catch (error) {
      this.#writeHealth = { at: Date.now(), ok: false };
      if (rollbacks === this.#rollbacks) this.#rollback();
      throw error;
    }
    if (rollbacks !== this.#rollbacks) throw new Error('store write failed; the change was undone');
    this.#writeHealth = { at: Date.now(), ok: true };
    const durable = mark - this.#undoBase;
    if (durable > 0) {
      this.#undo.splice(0, durable);
      this.#undoBase = mark;
    }
  }

  #rollback(): void {
    this.#rollbacks += 1;
    const steps = this.#undo;
    this.#undoBase += steps.length;
    this.#undo = [];
    for (let i = steps.length - 1; i >= 0; i -= 1) steps[i]!();
  }

  #restoreInstallation(portalId: PortalId, previous: Installation | undefined): void {
    this.undoable(() => {
      if (previous) this.state.installations.set(portalId, previous);
      else this.state.installations.delete(portalId);
      this.hooks.changed('installations');
    });
  }

  /** Undo for in-place changes of a queue record: its fields as they are now come back. */
  #restoreQueueFields(record: QueueRecord): void {
    const before = { ...record };
    this.undoable(() => {
      for (const name of Object.keys(record) as Array<keyof QueueRecord>) if (!(name in before)) delete record[name];
      Object.assign(record, before);
      this.hooks.changed('queue', record.id);
    });
  }

  #restoreQueueRecord(record: QueueRecord): void {
    this.undoable(() => {
      this.state.addQueueRecord(record);
      this.hooks.changed('queue', record.id);
    });
  }

  // installations

  async putInstallation(installation: Installation): Promise<void> {
    this.open();
    this.#restoreInstallation(installation.portalId, this.state.installations.get(installation.portalId));
    this.state.installations.set(installation.portalId, clone(installation));
    this.hooks.changed('installations');
    await this.persist();
  }

  async updateInstallation(portalId: PortalId, patch: InstallationPatch): Promise<Installation | undefined> {
    this.open();
    const current = this.state.installations.get(portalId);
    if (!current) return undefined;
    const { set, unset } = splitInstallationPatch(patch);
    const updated = { ...current, ...set } as Installation;
    for (const name of unset) delete (updated as unknown as Record<string, unknown>)[name];
    this.#restoreInstallation(portalId, current);
    this.state.installations.set(portalId, updated);
    this.hooks.changed('installations');
    await this.persist();
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
    this.#restoreInstallation(portalId, s.installations.get(portalId));
    if (s.installations.delete(portalId)) this.hooks.changed('installations');
    for (const record of [...s.queue.values()]) {
      if (record.portalId === portalId) {
        this.#restoreQueueRecord(record);
        s.removeQueueRecord(record);
        this.hooks.changed('queue', record.id);
      }
    }
    const deadLetters = s.deadLetters;
    s.deadLetters = s.deadLetters.filter((d) => d.portalId !== portalId);
    if (s.deadLetters.length !== deadLetters.length) {
      this.hooks.changed('deadLetters');
      this.undoable(() => {
        s.deadLetters = deadLetters;
        this.hooks.changed('deadLetters');
      });
    }
    s.snapshotOrder.delete(portalId);
    const snapshots = s.snapshots.get(portalId);
    if (snapshots && s.snapshots.delete(portalId)) {
      this.hooks.changed(`snapshots:${portalId}`);
      this.undoable(() => {
        s.snapshots.set(portalId, snapshots);
        s.snapshotOrder.delete(portalId);
        this.hooks.changed(`snapshots:${portalId}`);
      });
    }
    const accounts = s.accounts.get(portalId);
    if (accounts && s.accounts.delete(portalId)) {
      this.hooks.changed(`accounts:${portalId}`);
      this.undoable(() => {
        s.accounts.set(portalId, accounts);
        this.hooks.changed(`accounts:${portalId}`);
      });
    }
    const tasks = s.tasks.get(portalId);
    if (tasks && s.tasks.delete(portalId)) {
      this.hooks.changed(`tasks:${portalId}`);
      this.undoable(() => {
        s.tasks.set(portalId, tasks);
        this.hooks.changed(`tasks:${portalId}`);
      });
    }
    for (const section of ['history', 'outcomes'] as const) {
      const removed = s[section].get(portalId);
      if (!removed || !s[section].delete(portalId)) continue;
      this.hooks.changed(`${section}:${portalId}`);
      this.undoable(() => {
        (s[section] as Map<PortalId, typeof removed>).set(portalId, removed);
        this.hooks.changed(`${section}:${portalId}`);
      });
    }
    const jobs: Array<[string, JobState]> = [];
    for (const [key, job] of s.jobs) {
      if (job.portalId === portalId) {
        s.jobs.delete(key);
        jobs.push([key, job]);
      }
    }
    if (jobs.length > 0) {
      this.hooks.changed('jobs');
      this.undoable(() => {
        for (const [key, job] of jobs) s.jobs.set(key, job);
        this.hooks.changed('jobs');
      });
    }
    await this.persist();
  }

  // OAuth states

  /** Deletes entries of a map and records how to put them back should the write fail. */
  #deleteUndoably<K, V>(map: Map<K, V>, keys: K[], collection: 'oauth' | 'sessions'): void {
    const removed: Array<[K, V]> = [];
    for (const key of keys) {
      const value = map.get(key);
      if (value === undefined || !map.delete(key)) continue;
      removed.push([key, value]);
      this.hooks.changed(collection, String(key));
    }
    if (removed.length === 0) return;
    this.undoable(() => {
      for (const [key, value] of removed) {
        map.set(key, value);
        this.hooks.changed(collection, String(key));
      }
    });
  }

  /** Sets an entry and records how to undo it should the write fail. */
  #setUndoably<K, V>(map: Map<K, V>, key: K, value: V, collection: 'oauth' | 'sessions'): void {
    const previous = map.get(key);
    map.delete(key);
    map.set(key, value);
    this.hooks.changed(collection, String(key));
    this.undoable(() => {
      if (previous === undefined) map.delete(key);
      else map.set(key, previous);
      this.hooks.changed(collection, String(key));
    });
  }

  /** Drops expired states when one can have expired (a lower bound of the live states' expiries). */
  #dropExpiredStates(now: number): void {
    if (this.#oauthEarliestExpiry > now) return;
    const expired: string[] = [];
    let earliest = Number.POSITIVE_INFINITY;
    for (const existing of this.state.oauthStates.values()) {
      if (existing.expiresAt > now) earliest = Math.min(earliest, existing.expiresAt);
      else expired.push(existing.state);
    }
    this.#deleteUndoably(this.state.oauthStates, expired, 'oauth');
    this.#oauthEarliestExpiry = earliest;
  }

  async putOAuthState(state: OAuthState, limits?: OAuthStateLimits): Promise<void> {
    this.open();
    const states = this.state.oauthStates;
    if (limits) {
      // Anonymous requests put states: expired ones go, and past the cap the oldest live ones.
      this.#dropExpiredStates(limits.now);
      const excess = states.size - limits.maxLive + 1;
      if (excess > 0) this.#deleteUndoably(states, [...states.keys()].slice(0, excess), 'oauth');
    }
    this.#setUndoably(states, state.state, clone(state), 'oauth');
    this.#oauthEarliestExpiry = Math.min(this.#oauthEarliestExpiry, state.expiresAt);
    await this.persist();
  }

  async takeOAuthState(state: string, now: number): Promise<OAuthState | undefined> {
    this.open();
    const found = this.state.oauthStates.get(state);
    // Expired states go too, so the map never grows with abandoned installs.
    this.#dropExpiredStates(now);
    if (found) this.#deleteUndoably(this.state.oauthStates, [state], 'oauth');
    await this.persist();
    return found && found.expiresAt > now ? clone(found) : undefined;
  }

  // admin console sessions

  async putSession(session: AdminSessionRecord, now: number): Promise<void> {
    this.open();
    const sessions = this.state.sessions;
    const expired = [...sessions].filter(([, existing]) => existing.expiresAt <= now).map(([id]) => id);
    this.#deleteUndoably(sessions, expired, 'sessions');
    this.#setUndoably(sessions, session.id, clone(session), 'sessions');
    await this.persist();
  }

  async getSession(id: string, now: number): Promise<AdminSessionRecord | undefined> {
    this.open();
    const found = this.state.sessions.get(id);
    return found && found.expiresAt > now ? clone(found) : undefined;
  }

  async deleteSession(id: string): Promise<void> {
    this.open();
    this.#deleteUndoably(this.state.sessions, [id], 'sessions');
    await this.persist();
  }

  async deletePortalSessions(portalId: PortalId): Promise<void> {
    this.open();
    const ids = [...this.state.sessions].filter(([, session]) => session.portalId === portalId).map(([id]) => id);
    this.#deleteUndoably(this.state.sessions, ids, 'sessions');
    await this.persist();
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
    if (fresh.length > 0) {
      // A delivery whose write failed was answered 5xx: HubSpot's retry must find its keys unseen.
      this.undoable(() => {
        for (const key of fresh) if (events.get(key) === now) events.delete(key);
      });
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
    if (fresh.length > 0) await this.persist();
    return fresh;
  }

  async acceptEvents(keys: EventKey[], now: number, itemsFor: (freshKeys: EventKey[]) => WorkItem[]): Promise<EventKey[]> {
    this.open();
    const fresh = this.rememberNow(keys, now);
    const items = fresh.length > 0 ? itemsFor(fresh) : [];
    this.enqueueNow(items);
    if (fresh.length > 0 || items.length > 0) await this.persist();
    return fresh;
  }

  // work queue

  protected enqueueNow(items: WorkItem[]): void {
    const s = this.state;
    for (const item of items) {
      const existingId = s.queueIndex.get(queueIndexKey(item.portalId, item.kind, item.key));
      const existing = existingId === undefined ? undefined : s.queue.get(existingId);
      if (existing) {
        this.#restoreQueueFields(existing);
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
        this.undoable(() => {
          s.removeQueueRecord(record);
          this.hooks.changed('queue', record.id);
        });
      }
    }
  }

  async enqueue(items: WorkItem[]): Promise<void> {
    this.open();
    if (items.length === 0) return;
    this.enqueueNow(items);
    await this.persist();
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
      this.#restoreQueueFields(record);
      record.attempts += 1;
      record.leaseUntil = now + leaseMs;
      record.leasedVersion = record.version;
      this.hooks.changed('queue', record.id);
      leased.push({ ...toWorkItem(record), id: record.id, attempts: record.attempts, leaseUntil: record.leaseUntil });
    }
    if (leased.length > 0) await this.persist();
    return leased;
  }

  async portalsWithDueWork(now: number, options: DuePortalsQuery = {}): Promise<PortalId[]> {
    this.open();
    const { after, limit, kinds } = options;
    const portals = new Set<PortalId>();
    for (const record of this.state.queue.values()) {
      if (after !== undefined && record.portalId <= after) continue;
      if (kinds && !kinds.includes(record.kind)) continue;
      if (this.isDue(record, now)) portals.add(record.portalId);
    }
    const sorted = [...portals].sort((a, b) => a - b);
    return limit === undefined ? sorted : sorted.slice(0, Math.max(0, limit));
  }

  async complete(ids: string[]): Promise<void> {
    this.open();
    let changed = false;
    for (const id of ids) {
      const record = this.state.queue.get(id);
      if (!record) continue;
      changed = true;
      this.hooks.changed('queue', id);
      this.#restoreQueueFields(record);
      if (record.leasedVersion !== undefined && record.version !== record.leasedVersion) {
        // Re-enqueued while it was being worked on: the new event still needs a run.
        delete record.leaseUntil;
        delete record.leasedVersion;
        delete record.lastError;
        record.attempts = 0;
      } else {
        this.#restoreQueueRecord(record);
        this.state.removeQueueRecord(record);
      }
    }
    if (changed) await this.persist();
  }

  async fail(id: string, reason: string, retryAt: number, maxAttempts: number): Promise<void> {
    this.open();
    const record = this.state.queue.get(id);
    if (!record) return;
    this.#restoreQueueFields(record);
    if (record.attempts >= maxAttempts) {
      const deadLetters = [...this.state.deadLetters];
      this.#restoreQueueRecord(record);
      this.undoable(() => {
        this.state.deadLetters = deadLetters;
        this.hooks.changed('deadLetters');
      });
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
    await this.persist();
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

  async putSnapshotResults(portalId: PortalId, results: SnapshotResult[]): Promise<void> {
    const stored = await this.getSnapshots(
      portalId,
      results.map((r) => r.contactId),
    );
    const updated: ContactSnapshot[] = [];
    for (const result of results) {
      const before = stored.get(result.contactId);
      if (!before) continue;
      const { writtenAt: _writtenAt, leadProcess: _leadProcess, routedTo: _routedTo, ...kept } = before;
      updated.push({ ...kept, ...result, portalId });
    }
    await this.putSnapshots(updated);
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
      this.#restoreMapEntry(portal, snapshot.contactId, `snapshots:${snapshot.portalId}`, snapshot.portalId);
      portal.set(snapshot.contactId, clone(snapshot));
      this.hooks.changed(`snapshots:${snapshot.portalId}`, snapshot.contactId);
    }
    await this.persist();
  }

  async deleteContactState(portalId: PortalId, contactIds: string[]): Promise<void> {
    this.open();
    const snapshots = this.state.snapshots.get(portalId);
    const tasks = this.state.tasks.get(portalId);
    const ids = new Set(contactIds);
    for (const id of ids) {
      if (snapshots?.has(id)) this.#restoreMapEntry(snapshots, id, `snapshots:${portalId}`, portalId);
      if (snapshots?.delete(id)) {
        this.state.snapshotOrder.delete(portalId);
        this.hooks.changed(`snapshots:${portalId}`, id);
      }
    }
    if (tasks) {
      for (const [key, record] of tasks) {
        if (ids.has(record.contactId)) {
          this.#restoreMapEntry(tasks, key, `tasks:${portalId}`);
          tasks.delete(key);
          this.hooks.changed(`tasks:${portalId}`, key);
        }
      }
    }
    const history = this.state.history.get(portalId);
    for (const id of ids) {
      const list = history?.get(id);
      if (!history || !list || !history.delete(id)) continue;
      this.hooks.changed(`history:${portalId}`, id);
      this.undoable(() => {
        history.set(id, list);
        this.hooks.changed(`history:${portalId}`, id);
      });
    }
    const outcomes = this.state.outcomes.get(portalId);
    if (outcomes) {
      for (const [key, record] of outcomes) {
        if (!ids.has(record.contactId)) continue;
        outcomes.delete(key);
        this.hooks.changed(`outcomes:${portalId}`, key);
        this.undoable(() => {
          outcomes.set(key, record);
          this.hooks.changed(`outcomes:${portalId}`, key);
        });
      }
    }
    await this.persist();
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
      this.#restoreMapEntry(portal, contactId, `history:${portalId}`);
      const list = [...(portal.get(contactId) ?? []), clone(change)];
      if (list.length > MAX_SCORE_CHANGES_PER_CONTACT) list.splice(0, list.length - MAX_SCORE_CHANGES_PER_CONTACT);
      portal.set(contactId, list);
      this.hooks.changed(`history:${portalId}`, contactId);
    }
    await this.persist();
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

  async getLatestScoreChanges(portalId: PortalId, contactIds: string[]): Promise<Map<string, ScoreChange>> {
    this.open();
    const portal = this.state.history.get(portalId);
    const found = new Map<string, ScoreChange>();
    for (const id of contactIds) {
      const latest = portal?.get(id)?.at(-1);
      if (latest) found.set(id, clone(latest));
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
      this.#restoreMapEntry(portal, key, `outcomes:${record.portalId}`);
      portal.set(key, clone(record));
      this.hooks.changed(`outcomes:${record.portalId}`, key);
    }
    await this.persist();
  }

  async listOutcomes(portalId: PortalId, contactIds?: string[]): Promise<OutcomeRecord[]> {
    this.open();
    const wanted = contactIds ? new Set(contactIds) : undefined;
    const list = [...(this.state.outcomes.get(portalId)?.values() ?? [])].filter((r) => !wanted || wanted.has(r.contactId));
    return list.sort(byContactThenTime).map(clone);
  }

  #sortedIds(portalId: PortalId, portal: Map<string, ContactSnapshot>): string[] {
    let order = this.state.snapshotOrder.get(portalId);
    if (!order) {
      order = [...portal.keys()].sort();
      this.state.snapshotOrder.set(portalId, order);
    }
    return order;
  }

  async listSnapshots(portalId: PortalId, afterContactId: string | null, limit: number): Promise<ContactSnapshot[]> {
    this.open();
    const portal = this.state.snapshots.get(portalId);
    if (!portal || limit <= 0) return [];
    const order = this.#sortedIds(portalId, portal);
    const start = indexAfter(order, afterContactId);
    return order.slice(start, start + limit).map((id) => clone(portal.get(id)!));
  }

  async listSampledSnapshots(portalId: PortalId, below: number, afterContactId: string | null, limit: number): Promise<ContactSnapshot[]> {
    this.open();
    const portal = this.state.snapshots.get(portalId);
    if (!portal || limit <= 0) return [];
    return sampledPage(this.#sortedIds(portalId, portal), below, afterContactId, limit).map((id) => clone(portal.get(id)!));
  }

  async countSnapshotFields(portalId: PortalId): Promise<SnapshotFieldCount[]> {
    const tally = new SnapshotFieldTally();
    await this.#eachSnapshot(portalId, (snapshot) => tally.add(snapshot));
    return tally.counts();
  }

  async listSnapshotMilestones(portalId: PortalId): Promise<SnapshotMilestone[]> {
    const found: SnapshotMilestone[] = [];
    await this.#eachSnapshot(portalId, (snapshot) => {
      const milestone = milestoneOf(snapshot);
      if (milestone) found.push(milestone);
    });
    return found;
  }

  async listSnapshotIdsInGroups(portalId: PortalId, groups: Array<Omit<SnapshotFieldCount, 'count'>>): Promise<string[]> {
    const wanted = new Set(groups.map(groupKey));
    const ids: string[] = [];
    if (!wanted.size) return ids;
    await this.#eachSnapshot(portalId, (snapshot) => {
      if (wanted.has(snapshotGroupKey(snapshot))) ids.push(snapshot.contactId);
    });
    return ids;
  }

  /** Pages through listSnapshots, so the lowdb store (which overrides it) reads its file the same way. */
  async #eachSnapshot(portalId: PortalId, visit: (snapshot: ContactSnapshot) => void): Promise<void> {
    let after: string | null = null;
    for (;;) {
      const page = await this.listSnapshots(portalId, after, 1000);
      for (const snapshot of page) visit(snapshot);
      if (page.length < 1000) return;
      after = page.at(-1)!.contactId;
    }
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
      this.#restoreMapEntry(portal, key, `tasks:${record.portalId}`);
      portal.set(key, clone(record));
      this.hooks.changed(`tasks:${record.portalId}`, key);
    }
    await this.persist();
  }

  async listTaskRecords(portalId: PortalId, filter: TaskRecordFilter = {}): Promise<TaskRecord[]> {
    this.open();
    const portal = this.state.tasks.get(portalId);
    if (!portal) return [];
    return [...portal.values()].filter((r) => matchesTaskFilter(r, filter)).map(clone);
  }

  async countTaskRecords(portalId: PortalId): Promise<TaskRecordCount[]> {
    this.open();
    const counts = new Map<string, TaskRecordCount>();
    for (const record of this.state.tasks.get(portalId)?.values() ?? []) {
      const key = `${record.kind}\u0000${record.status}`;
      const count = counts.get(key);
      if (count) count.count += 1;
      else counts.set(key, { kind: record.kind, status: record.status, count: 1 });
    }
    return [...counts.values()];
  }

  // account snapshots

  async getAccountSnapshots(portalId: PortalId, companyIds: string[]): Promise<Map<string, AccountSnapshot>> {
    this.open();
    const portal = this.state.accounts.get(portalId);
    const found = new Map<string, AccountSnapshot>();
    for (const id of companyIds) {
      const snapshot = portal?.get(id);
      if (snapshot) found.set(id, clone(snapshot));
    }
    return found;
  }

  async putAccountSnapshots(snapshots: AccountSnapshot[]): Promise<void> {
    this.open();
    if (snapshots.length === 0) return;
    for (const snapshot of snapshots) {
      let portal = this.state.accounts.get(snapshot.portalId);
      if (!portal) {
        portal = new Map();
        this.state.accounts.set(snapshot.portalId, portal);
      }
      this.#restoreMapEntry(portal, snapshot.companyId, `accounts:${snapshot.portalId}`);
      portal.set(snapshot.companyId, clone(snapshot));
      this.hooks.changed(`accounts:${snapshot.portalId}`, snapshot.companyId);
    }
    await this.persist();
  }

  /** Undo for setting or deleting `key` of a keyed section: its value as it is now comes back. */
  #restoreMapEntry<V>(map: Map<string, V>, key: string, section: Section, snapshotsOf?: PortalId): void {
    const had = map.has(key);
    const previous = map.get(key);
    this.undoable(() => {
      if (had) map.set(key, previous as V);
      else map.delete(key);
      if (snapshotsOf !== undefined) this.state.snapshotOrder.delete(snapshotsOf);
      this.hooks.changed(section, section === 'jobs' ? undefined : key);
    });
  }

  // jobs and locks

  async getJobState(portalId: PortalId, job: string): Promise<JobState | undefined> {
    this.open();
    return clone(this.state.jobs.get(jobKey(portalId, job)));
  }

  async putJobState(state: JobState): Promise<void> {
    this.open();
    this.#restoreMapEntry(this.state.jobs, jobKey(state.portalId, state.job), 'jobs');
    this.state.jobs.set(jobKey(state.portalId, state.job), clone(state));
    this.hooks.changed('jobs');
    await this.persist();
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

  /** Ready while open and able to write: a failed write answers false until a probe write succeeds again. */
  async ping(): Promise<boolean> {
    if (this.#closed) return false;
    // Only success is cached: while writes fail, every call probes again (and retries what the failed write held).
    if (this.#writeHealth?.ok && Date.now() - this.#writeHealth.at < WRITE_PROBE_CACHE_MS) return true;
    const ok = await this.hooks.probeWrite().then(
      () => true,
      () => false,
    );
    this.#writeHealth = { at: Date.now(), ok };
    return ok;
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
