// The embedded store (default): all state in memory (the MemoryStore), persisted to DATA_DIR.
//
// Files (all 0600, DATA_DIR 0700):
//   installations.json, jobs.json, dead-letters.json   small documents, lowdb (atomic replace)
//   oauth-states.jsonl, sessions.jsonl   OAuth states and console sessions: journals, so one new record is one appended line
//   queue.jsonl                      the work queue: journal of changed items, compacted when mostly stale
//   snapshots/<portalId>.jsonl       per-contact snapshots of one portal: same line format, kept on disk, not in memory
//                                    (SnapshotFile: an index in memory, reads seek to the lines)
//   tasks/<portalId>.jsonl           task records of one portal: journal
//   events-<n>.log                   webhook de-dup keys: append-only segments, old ones deleted whole
//   instance.lock                    the pid of the process using DATA_DIR
// Journals append only what changed, so the webhook acknowledgement (enqueue + rememberEvents) costs an append of a
// few lines, never the rewrite of a large file. Writes are grouped: every change made before a write starts goes into
// it, and every caller awaits the write that holds its change (group commit). A promise resolves only once its
// change is on disk (fsync by default), so an acknowledged webhook survives SIGKILL and power loss.
//
// One process only: lowdb keeps its state in this process's memory. Locks (acquireLock) hold within the process;
// more than one app instance needs PostgreSQL (DATABASE_URL). A second process on the same DATA_DIR is refused.
import { chmod, mkdir, open, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { DIR_MODE, DurableJsonFile, EventLog, GroupCommit, FILE_MODE, Journal, readTextIfExists, removeIfExists } from './files.ts';
import { type MemoryStoreOptions, MemoryStore, type QueueRecord, type Section, StoreState, type StoreHooks, taskKey } from './memory-store.ts';
import { SnapshotFile } from './snapshot-file.ts';
import { MAX_SCORE_CHANGES_PER_CONTACT } from './store.ts';
import type { AccountSnapshot, AdminSessionRecord, ContactSnapshot, DeadLetter, Installation, JobState, OAuthState, OutcomeRecord, PortalId, ScoreChange, Store, TaskRecord } from './store.ts';

/** A contact's score history as one line of the portal's history file. */
interface HistoryRecord {
  contactId: string;
  changes: ScoreChange[];
}

export interface LowdbStoreOptions extends MemoryStoreOptions {
  /** fsync every write before it resolves (default true). Without it, data survives a process crash but maybe not a power loss. */
  fsync?: boolean;
  /** Called once per file write (tests count writes with it). */
  onWrite?: (file: string) => void;
}

type DocSection = 'installations' | 'jobs' | 'deadLetters';
interface Docs {
  installations: Low<{ installations: Installation[] }>;
  jobs: Low<{ jobs: JobState[] }>;
  deadLetters: Low<{ deadLetters: DeadLetter[] }>;
}
const DOC_FILES: Record<DocSection, string> = {
  installations: 'installations.json',
  jobs: 'jobs.json',
  deadLetters: 'dead-letters.json',
};

const isDoc = (section: Section): section is DocSection =>
  section === 'installations' || section === 'jobs' || section === 'deadLetters';
/** Anonymous requests create OAuth states: their journals compact early, so stale lines never outgrow the live ones by much. */
const SMALL_JOURNAL_SLACK_LINES = 1_000;
/** Until OAuth states became a journal they were one document, rewritten whole on every new state. */
const LEGACY_OAUTH_FILE = 'oauth-states.json';

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

class LowdbPersistence implements StoreHooks {
  readonly dir: string;
  readonly fsync: boolean;
  readonly onWrite: ((file: string) => void) | undefined;
  beforeWrite: (() => void) | undefined;
  state!: StoreState;
  docs!: Docs;
  events!: EventLog;
  readonly journals = new Map<string, Journal>();
  readonly snapshotFiles = new Map<PortalId, SnapshotFile>();
  /** Score history per portal, on disk like the snapshots (a few changes per contact would not fit in memory at 100,000). */
  readonly historyFiles = new Map<PortalId, SnapshotFile<HistoryRecord>>();

  #dirtyDocs = new Set<DocSection>();
  /** Journal section → changed keys, or 'all' for a rewrite. */
  #dirtyKeys = new Map<Section, Set<string> | 'all'>();
  #pendingEvents: Array<{ t: number; keys: string[] }> = [];
  // Everyone who changes something before the write starts shares it: the current tick's callers now, or all
  // callers that arrived during the running write.
  readonly #commit = new GroupCommit(() => this.#write());
  #closed = false;

  constructor(dir: string, fsync: boolean, onWrite?: (file: string) => void) {
    this.dir = dir;
    this.fsync = fsync;
    this.onWrite = onWrite;
  }

  journalFile(section: Section): string {
    if (section === 'queue') return join(this.dir, 'queue.jsonl');
    if (section === 'oauth') return join(this.dir, 'oauth-states.jsonl');
    if (section === 'sessions') return join(this.dir, 'sessions.jsonl');
    const [kind, portal] = section.split(':');
    // Snapshots live in SnapshotFiles (LowdbStore overrides every snapshot method), never in a journal.
    // Snapshots and score history live in SnapshotFiles (LowdbStore overrides their methods), never in a journal.
    if (kind !== 'tasks' && kind !== 'outcomes' && kind !== 'accounts') throw new Error(`${section} is not kept in a journal`);
    return join(this.dir, kind, `${portal}.jsonl`);
  }

  changed(section: Section, key?: string): void {
    if (isDoc(section)) {
      this.#dirtyDocs.add(section);
      return;
    }
    const keys = this.#dirtyKeys.get(section);
    if (key === undefined) this.#dirtyKeys.set(section, 'all');
    else if (keys === undefined) this.#dirtyKeys.set(section, new Set([key]));
    else if (keys !== 'all') keys.add(key);
  }

  eventsRemembered(keys: string[], now: number): void {
    this.#pendingEvents.push({ t: now, keys });
  }

  eventsForgotten(): void {
    // The event log forgets by whole segments on its own.
  }

  #hasChanges(): boolean {
    return this.#dirtyDocs.size > 0 || this.#dirtyKeys.size > 0 || this.#pendingEvents.length > 0;
  }

  flush(): Promise<void> {
    if (!this.#hasChanges()) return this.#commit.running ?? Promise.resolve();
    return this.#commit.request();
  }

  /** Takes what changed synchronously (the data as it is now), then writes it. */
  #write(): Promise<void> {
    this.beforeWrite?.();
    const docs = [...this.#dirtyDocs];
    const keyed = [...this.#dirtyKeys];
    // Keys of a failed write that the store has since undone (the delivery was answered 5xx) are not written: on disk
    // they would make HubSpot's retry look like a duplicate after a restart.
    const events = this.#pendingEvents
      .map(({ t, keys }) => ({ t, keys: keys.filter((key) => this.state.events.get(key) === t) }))
      .filter(({ keys }) => keys.length > 0);
    this.#dirtyDocs = new Set();
    this.#dirtyKeys = new Map();
    this.#pendingEvents = [];

    const docWrites: Promise<void>[] = [];
    for (const section of docs) {
      this.#fillDoc(section);
      docWrites.push(this.docs[section].write());
    }
    const journalWrites: Promise<void>[] = [];
    for (const [section, keys] of keyed) {
      // Journal.write and .rewrite serialise synchronously, before their first await: the records may change later.
      const live = this.#records(section);
      const all = (): Iterable<[string, unknown]> => live ?? [];
      const journal = this.#journal(section);
      if (keys === 'all') {
        journalWrites.push(journal.rewrite(all()));
      } else {
        const changes = [...keys].map((key): [string, unknown] => [key, live?.get(key)]);
        journalWrites.push(journal.write(changes, live?.size ?? 0, all));
      }
    }
    const restore = (error: unknown) => {
      // Nothing is lost on a failed write: the sections are written again by the next one.
      for (const section of docs) this.#dirtyDocs.add(section);
      for (const [section] of keyed) this.#dirtyKeys.set(section, 'all');
      this.#pendingEvents.unshift(...events);
      throw error;
    };
    // The queue (and the rest) reach the file before the event keys do: a process crash in between leaves work
    // without its de-dup keys (a harmless duplicate later), never de-dup keys without their work. Then one round of
    // fsyncs, in parallel (one fsync latency per group commit, not one per file).
    const journals = keyed.map(([section]) => this.#journal(section));
    return Promise.all([...docWrites, ...journalWrites])
      .then(() => this.events.append(events))
      .then(() => Promise.all([...journals.map((j) => j.sync()), this.events.sync()]))
      .then(() => undefined, restore);
  }

  /** Writes what a failed write left (so recovery needs no new event), then a probe file. */
  async probeWrite(): Promise<void> {
    await this.flush();
    this.beforeWrite?.();
    const probe = join(this.dir, '.write-probe');
    const handle = await open(probe, 'w', FILE_MODE);
    try {
      await handle.writeFile(`${Date.now()}\n`);
      if (this.fsync) await handle.datasync();
    } finally {
      await handle.close();
    }
    await removeIfExists(probe);
  }

  #fillDoc(section: DocSection): void {
    const s = this.state;
    if (section === 'installations') this.docs.installations.data = { installations: [...s.installations.values()] };
    else if (section === 'jobs') this.docs.jobs.data = { jobs: [...s.jobs.values()] };
    else this.docs.deadLetters.data = { deadLetters: [...s.deadLetters] };
  }

  #records(section: Section): Map<string, unknown> | undefined {
    if (section === 'queue') return this.state.queue;
    if (section === 'oauth') return this.state.oauthStates;
    if (section === 'sessions') return this.state.sessions;
    const [kind, portal] = section.split(':');
    if (kind === 'outcomes') return this.state.outcomes.get(Number(portal));
    if (kind === 'accounts') return this.state.accounts.get(Number(portal));
    return this.state.tasks.get(Number(portal));
  }

  #journal(section: Section): Journal {
    const journal = this.journals.get(section);
    if (!journal) throw new Error(`journal ${section} not loaded`);
    return journal;
  }

  snapshotFile(portalId: PortalId): string {
    return join(this.dir, 'snapshots', `${portalId}.jsonl`);
  }

  async ensureSnapshots(portalId: PortalId): Promise<SnapshotFile> {
    let snapshots = this.snapshotFiles.get(portalId);
    if (!snapshots) {
      snapshots = await SnapshotFile.load(this.snapshotFile(portalId), { fsync: this.fsync, onWrite: this.onWrite, beforeWrite: () => this.beforeWrite?.() });
      // Another call may have loaded it while this one awaited.
      const loaded = this.snapshotFiles.get(portalId);
      if (loaded) {
        await snapshots.close();
        return loaded;
      }
      this.snapshotFiles.set(portalId, snapshots);
    }
    return snapshots;
  }

  historyFile(portalId: PortalId): string {
    return join(this.dir, 'history', `${portalId}.jsonl`);
  }

  async ensureHistory(portalId: PortalId): Promise<SnapshotFile<HistoryRecord>> {
    let history = this.historyFiles.get(portalId);
    if (!history) {
      history = await SnapshotFile.load<HistoryRecord>(this.historyFile(portalId), { fsync: this.fsync, onWrite: this.onWrite });
      const loaded = this.historyFiles.get(portalId);
      if (loaded) {
        await history.close();
        return loaded;
      }
      this.historyFiles.set(portalId, history);
    }
    return history;
  }

  async ensureJournal(section: Section): Promise<Map<string, unknown>> {
    const slack = section === 'oauth' || section === 'sessions' ? SMALL_JOURNAL_SLACK_LINES : undefined;
    // OAuth states are written without fsync: anonymous requests create them, and a webhook acknowledgement sharing
    // their group commit must not wait for a flush to disk on their behalf. A crash loses at most unfinished installs
    // and sign-ins (their admins start again); sessions, whose deletion must hold, keep the fsync.
    const fsync = section === 'oauth' ? false : this.fsync;
    const { journal, records } = await Journal.load(this.journalFile(section), fsync, this.onWrite, slack);
    this.journals.set(section, journal);
    return records;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.flush().catch(() => {});
    await this.#commit.settled();
    for (const journal of this.journals.values()) await journal.close();
    for (const snapshots of this.snapshotFiles.values()) await snapshots.close();
    for (const history of this.historyFiles.values()) await history.close();
    await this.events.close();
    await removeIfExists(join(this.dir, 'instance.lock'));
  }
}

/** Journals of portals that appear after start-up are opened on first use. */
class LowdbStore extends MemoryStore {
  readonly persistence: LowdbPersistence;

  constructor(options: LowdbStoreOptions, persistence: LowdbPersistence, state: StoreState) {
    super(options, persistence, state);
    this.persistence = persistence;
  }

  async #journals(sections: Section[]): Promise<void> {
    for (const section of new Set(sections)) {
      if (!this.persistence.journals.has(section)) await this.persistence.ensureJournal(section);
    }
  }

  override async getSnapshots(portalId: PortalId, contactIds: string[]): Promise<Map<string, ContactSnapshot>> {
    this.open();
    return (await this.persistence.ensureSnapshots(portalId)).get(contactIds);
  }

  override async putSnapshots(snapshots: ContactSnapshot[]): Promise<void> {
    this.open();
    const byPortal = new Map<PortalId, ContactSnapshot[]>();
    for (const snapshot of snapshots) {
      const list = byPortal.get(snapshot.portalId);
      if (list) list.push(snapshot);
      else byPortal.set(snapshot.portalId, [snapshot]);
    }
    const files = await Promise.all([...byPortal.keys()].map((portalId) => this.persistence.ensureSnapshots(portalId)));
    await Promise.all([...byPortal.values()].map((list, i) => files[i]!.put(list)));
  }

  override async listSnapshots(portalId: PortalId, afterContactId: string | null, limit: number): Promise<ContactSnapshot[]> {
    this.open();
    return (await this.persistence.ensureSnapshots(portalId)).list(afterContactId, limit);
  }

  override async listSampledSnapshots(portalId: PortalId, below: number, afterContactId: string | null, limit: number): Promise<ContactSnapshot[]> {
    this.open();
    return (await this.persistence.ensureSnapshots(portalId)).listSampled(below, afterContactId, limit);
  }

  override async countSnapshots(portalId: PortalId): Promise<number> {
    this.open();
    return (await this.persistence.ensureSnapshots(portalId)).size;
  }

  override async putAccountSnapshots(snapshots: AccountSnapshot[]): Promise<void> {
    await this.#journals(snapshots.map((s): Section => `accounts:${s.portalId}`));
    return super.putAccountSnapshots(snapshots);
  }

  override async putTaskRecords(records: TaskRecord[]): Promise<void> {
    await this.#journals(records.map((r): Section => `tasks:${r.portalId}`));
    return super.putTaskRecords(records);
  }

  override async appendScoreChanges(portalId: PortalId, changes: Array<{ contactId: string; change: ScoreChange }>): Promise<void> {
    this.open();
    if (changes.length === 0) return;
    const file = await this.persistence.ensureHistory(portalId);
    const records = file.get(new Set(changes.map((c) => c.contactId)));
    for (const { contactId, change } of changes) {
      const record = records.get(contactId) ?? { contactId, changes: [] };
      record.changes.push(change);
      if (record.changes.length > MAX_SCORE_CHANGES_PER_CONTACT) record.changes.splice(0, record.changes.length - MAX_SCORE_CHANGES_PER_CONTACT);
      records.set(contactId, record);
    }
    await file.put([...records.values()]);
  }

  override async getScoreHistory(portalId: PortalId, contactIds: string[]): Promise<Map<string, ScoreChange[]>> {
    this.open();
    const found = new Map<string, ScoreChange[]>();
    for (const [id, record] of (await this.persistence.ensureHistory(portalId)).get(contactIds)) if (record.changes.length) found.set(id, record.changes);
    return found;
  }

  override async getLatestScoreChanges(portalId: PortalId, contactIds: string[]): Promise<Map<string, ScoreChange>> {
    this.open();
    const found = new Map<string, ScoreChange>();
    for (const [id, record] of (await this.persistence.ensureHistory(portalId)).get(contactIds)) {
      const latest = record.changes.at(-1);
      if (latest) found.set(id, latest);
    }
    return found;
  }

  override async putOutcomes(records: OutcomeRecord[]): Promise<void> {
    await this.#journals(records.map((r): Section => `outcomes:${r.portalId}`));
    return super.putOutcomes(records);
  }

  override async deleteContactState(portalId: number, contactIds: string[]): Promise<void> {
    await this.#journals([`tasks:${portalId}`, `outcomes:${portalId}`]);
    const [snapshots, history] = await Promise.all([this.persistence.ensureSnapshots(portalId), this.persistence.ensureHistory(portalId)]);
    await Promise.all([snapshots.delete(contactIds), history.delete(contactIds), super.deleteContactState(portalId, contactIds)]);
  }

  override async deleteInstallation(portalId: number): Promise<void> {
    await this.#journals([`tasks:${portalId}`, `outcomes:${portalId}`, `accounts:${portalId}`]);
    // The rest first: a failed write leaves everything as it was, the snapshots and score history included.
    await super.deleteInstallation(portalId);
    const history = this.persistence.historyFiles.get(portalId);
    this.persistence.historyFiles.delete(portalId);
    if (history) await history.remove();
    else await removeIfExists(this.persistence.historyFile(portalId));
    const snapshots = this.persistence.snapshotFiles.get(portalId);
    this.persistence.snapshotFiles.delete(portalId);
    if (snapshots) await snapshots.remove();
    else await removeIfExists(this.persistence.snapshotFile(portalId));
  }
}

async function ensurePrivateDir(dir: string): Promise<void> {
  const existed = await stat(dir).then(
    () => true,
    () => false,
  );
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  if (!existed) await chmod(dir, DIR_MODE);
}

async function claimDirectory(dir: string): Promise<void> {
  const lockFile = join(dir, 'instance.lock');
  const text = await readTextIfExists(lockFile);
  const pid = text === null ? Number.NaN : Number.parseInt(text, 10);
  if (Number.isInteger(pid) && pid !== process.pid && isProcessAlive(pid)) {
    throw new Error(
      `DATA_DIR is in use by another process (pid ${pid}). The lowdb store serves one process only; run several app instances on PostgreSQL (DATABASE_URL).`,
    );
  }
  await writeFile(lockFile, `${process.pid}\n`, { mode: FILE_MODE });
}

/** Opens (creating if needed) the embedded store in `dataDir`. One process per directory. */
export async function openLowdbStore(dataDir: string, options: LowdbStoreOptions = {}): Promise<Store> {
  await ensurePrivateDir(dataDir);
  await ensurePrivateDir(join(dataDir, 'snapshots'));
  await ensurePrivateDir(join(dataDir, 'tasks'));
  await ensurePrivateDir(join(dataDir, 'history'));
  await ensurePrivateDir(join(dataDir, 'outcomes'));
  await ensurePrivateDir(join(dataDir, 'accounts'));
  await claimDirectory(dataDir);

  const fsync = options.fsync ?? true;
  const persistence = new LowdbPersistence(dataDir, fsync, options.onWrite);
  const state = new StoreState();
  persistence.state = state;
  persistence.beforeWrite = options.beforeWrite;

  const doc = <T>(section: DocSection, empty: T) => new Low<T>(new DurableJsonFile<T>(join(dataDir, DOC_FILES[section]), fsync, options.onWrite), empty);
  const docs: Docs = {
    installations: doc<{ installations: Installation[] }>('installations', { installations: [] }),
    jobs: doc<{ jobs: JobState[] }>('jobs', { jobs: [] }),
    deadLetters: doc<{ deadLetters: DeadLetter[] }>('deadLetters', { deadLetters: [] }),
  };
  await Promise.all(Object.values(docs).map((d: Low<unknown>) => d.read()));
  persistence.docs = docs;
  for (const installation of docs.installations.data.installations) state.installations.set(installation.portalId, installation);
  // States of the old single document are at most 10 minutes' worth of unfinished installs: they are dropped.
  await removeIfExists(join(dataDir, LEGACY_OAUTH_FILE));
  for (const [key, record] of await persistence.ensureJournal('oauth')) state.oauthStates.set(key, record as OAuthState);
  for (const [key, record] of await persistence.ensureJournal('sessions')) state.sessions.set(key, record as AdminSessionRecord);
  for (const job of docs.jobs.data.jobs) state.jobs.set(`${job.portalId}\u0000${job.job}`, job);
  state.deadLetters = docs.deadLetters.data.deadLetters;

  for (const [id, record] of await persistence.ensureJournal('queue')) {
    const item = record as QueueRecord;
    if (item.id !== id) continue;
    // One process per DATA_DIR (claimDirectory above): a lease found at start-up belongs to a process that died
    // (SIGKILL, crash), so its work is due again now rather than when the visibility timeout would end.
    delete item.leaseUntil;
    delete item.leasedVersion;
    state.addQueueRecord(item);
  }
  for (const dead of state.deadLetters) state.queueSeq = Math.max(state.queueSeq, Number(dead.id) || 0);

  for (const name of await readdir(join(dataDir, 'snapshots'))) {
    const match = /^(\d+)\.jsonl$/.exec(name);
    if (match) await persistence.ensureSnapshots(Number(match[1]));
  }
  for (const name of await readdir(join(dataDir, 'tasks'))) {
    const match = /^(\d+)\.jsonl$/.exec(name);
    if (!match) continue;
    const portalId = Number(match[1]);
    const records = await persistence.ensureJournal(`tasks:${portalId}`);
    if (records.size === 0) continue;
    const tasks = new Map<string, TaskRecord>();
    for (const record of records.values()) tasks.set(taskKey((record as TaskRecord).contactId, (record as TaskRecord).kind), record as TaskRecord);
    state.tasks.set(portalId, tasks);
  }

  for (const name of await readdir(join(dataDir, 'outcomes'))) {
    const match = /^(\d+)\.jsonl$/.exec(name);
    if (!match) continue;
    const portalId = Number(match[1]);
    const records = await persistence.ensureJournal(`outcomes:${portalId}`);
    if (records.size) state.outcomes.set(portalId, records as Map<string, OutcomeRecord>);
  }
  for (const name of await readdir(join(dataDir, 'accounts'))) {
    const match = /^(\d+)\.jsonl$/.exec(name);
    if (!match) continue;
    const portalId = Number(match[1]);
    const records = await persistence.ensureJournal(`accounts:${portalId}`);
    if (records.size === 0) continue;
    state.accounts.set(portalId, new Map([...records].map(([companyId, record]) => [companyId, record as AccountSnapshot])));
  }

  const memoryOptions: MemoryStoreOptions = options;
  const store = new LowdbStore(memoryOptions, persistence, state);
  persistence.events = await EventLog.load(
    dataDir,
    { fsync, retainMs: store.eventRetainMs, maxKeys: store.maxEventKeys, ...(options.onWrite ? { onWrite: options.onWrite } : {}) },
    state.events,
  );
  return store;
}
