// File primitives of the lowdb store: owner-only files (0600), atomic replacement (temp file + fsync + rename),
// and append-only journals for the collections that change often or grow large.
import { constants } from 'node:fs';
import { type FileHandle, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** A promise with its settle functions, for the callers that share one group commit. */
interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A failed write is reported to its callers; never an unhandled rejection here.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/**
 * Group commit: every caller that asks before a write starts shares it, and callers that ask while a write runs share
 * the next one; each caller's promise settles with the write that holds its change.
 */
export class GroupCommit {
  readonly #write: () => Promise<void>;
  #next: Deferred | undefined;
  #running: Promise<void> | undefined;

  /** `write` takes what changed synchronously, before its first await. */
  constructor(write: () => Promise<void>) {
    this.#write = write;
  }

  /** The write in flight, if any. */
  get running(): Promise<void> | undefined {
    return this.#running;
  }

  request(): Promise<void> {
    if (this.#next) return this.#next.promise;
    const next = deferred();
    this.#next = next;
    if (!this.#running) setImmediate(() => this.#start());
    return next.promise;
  }

  /** Resolves once nothing is asked for or running (failures are the callers' to see). */
  async settled(): Promise<void> {
    while (this.#next || this.#running) await (this.#next?.promise ?? this.#running)?.catch(() => {});
  }

  #start(): void {
    const waiters = this.#next;
    this.#next = undefined;
    if (!waiters) return;
    let work: Promise<void>;
    try {
      work = this.#write();
    } catch (error) {
      work = Promise.reject(error);
    }
    const running = work.then(waiters.resolve, waiters.reject);
    this.#running = running;
    void running.finally(() => {
      if (this.#running === running) this.#running = undefined;
      if (this.#next) this.#start();
    });
  }
}

async function fsyncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

/** Replaces `file` atomically with `text`: a crash leaves the old or the new content, never a mix. */
export async function replaceFile(file: string, text: string, fsync: boolean): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.tmp`);
  const handle = await open(temp, 'w', FILE_MODE);
  try {
    await handle.writeFile(text, 'utf8');
    if (fsync) await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  if (fsync) await fsyncDirectory(dirname(file));
}

export async function readTextIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export async function removeIfExists(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * lowdb adapter like lowdb's JSONFile (steno: temp file + rename), plus what steno lacks: the file is created 0600,
 * and written data is fsynced before the rename. The JSON text is made synchronously when `write` is called, so later
 * changes to the data cannot slip into a write that was started earlier.
 */
export class DurableJsonFile<T> implements Adapter<T> {
  readonly file: string;
  readonly fsync: boolean;
  readonly onWrite: ((file: string) => void) | undefined;

  constructor(file: string, fsync: boolean, onWrite?: (file: string) => void) {
    this.file = file;
    this.fsync = fsync;
    this.onWrite = onWrite;
  }

  async read(): Promise<T | null> {
    const text = await readTextIfExists(this.file);
    return text === null ? null : (JSON.parse(text) as T);
  }

  write(data: T): Promise<void> {
    const text = JSON.stringify(data);
    this.onWrite?.(this.file);
    return replaceFile(this.file, text, this.fsync);
  }
}

function parseLines(text: string): unknown[] {
  const parsed: unknown[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (line === '') continue;
    try {
      parsed.push(JSON.parse(line));
    } catch (error) {
      // Only the last line can be torn (a write cut short, never acknowledged); anything else is corruption.
      if (i < lines.length - 1 && lines.slice(i + 1).some((l) => l !== '')) throw new Error(`corrupt line ${i + 1} in journal: ${(error as Error).message}`);
    }
  }
  return parsed;
}

/**
 * A keyed collection as an append-only file of JSON lines: `[key, value]` puts, `[key]` deletes. A write appends only
 * what changed; when the file holds many more lines than live records it is compacted (rewritten atomically).
 */
export class Journal {
  readonly file: string;
  readonly fsync: boolean;
  readonly onWrite: ((file: string) => void) | undefined;
  #handle: FileHandle | undefined;
  #unsynced = false;
  /** Lines in the file. */
  #lines = 0;
  /** Stale lines tolerated beyond 4× the live records before a compaction. */
  readonly #slackLines: number;

  private constructor(file: string, fsync: boolean, onWrite: ((file: string) => void) | undefined, slackLines: number) {
    this.file = file;
    this.fsync = fsync;
    this.onWrite = onWrite;
    this.#slackLines = slackLines;
  }

  static async load(
    file: string,
    fsync: boolean,
    onWrite?: (file: string) => void,
    slackLines = 10_000,
  ): Promise<{ journal: Journal; records: Map<string, unknown> }> {
    const journal = new Journal(file, fsync, onWrite, slackLines);
    const records = new Map<string, unknown>();
    const text = await readTextIfExists(file);
    if (text !== null) {
      const entries = parseLines(text);
      journal.#lines = entries.length;
      for (const entry of entries) {
        if (!Array.isArray(entry) || typeof entry[0] !== 'string') continue;
        if (entry.length >= 2) records.set(entry[0], entry[1]);
        else records.delete(entry[0]);
      }
      // Drop a torn tail for good, so appends start on a fresh line.
      if (!text.endsWith('\n') && text !== '') await journal.rewrite(records.entries());
    }
    return { journal, records };
  }

  /**
   * Appends puts (value present) and deletes (value undefined); durable after `sync()`. Compacts instead (durable at
   * once) when `liveCount` is far below the line count. Serialises synchronously, before its first await.
   */
  async write(changes: Array<[string, unknown]>, liveCount: number, all: () => Iterable<[string, unknown]>): Promise<void> {
    if (changes.length === 0) return;
    if (this.#lines + changes.length > 4 * liveCount + this.#slackLines) {
      await this.rewrite(all());
      return;
    }
    let text = '';
    for (const [key, value] of changes) text += `${JSON.stringify(value === undefined ? [key] : [key, value])}\n`;
    this.onWrite?.(this.file);
    if (!this.#handle) this.#handle = await open(this.file, 'a', FILE_MODE);
    await this.#handle.appendFile(text, 'utf8');
    this.#unsynced = true;
    this.#lines += changes.length;
  }

  async sync(): Promise<void> {
    if (!this.#unsynced) return;
    this.#unsynced = false;
    if (this.fsync) await this.#handle?.datasync();
  }

  /** Writes the live records only, atomically; an empty collection removes the file. */
  async rewrite(records: Iterable<[string, unknown]>): Promise<void> {
    let text = '';
    let lines = 0;
    for (const [key, value] of records) {
      text += `${JSON.stringify([key, value])}\n`;
      lines += 1;
    }
    await this.sync();
    await this.#handle?.close();
    this.#handle = undefined;
    this.onWrite?.(this.file);
    if (lines === 0) await removeIfExists(this.file);
    else await replaceFile(this.file, text, this.fsync);
    this.#lines = lines;
  }

  async close(): Promise<void> {
    await this.sync();
    await this.#handle?.close();
    this.#handle = undefined;
  }
}

interface Segment {
  n: number;
  keys: number;
  newest: number;
}

/**
 * The webhook de-duplication memory on disk: append-only segments `events-<n>.log` of `{"t":ms,"k":[keys]}` lines.
 * Old segments are deleted whole (older than the retention, or beyond the key budget), so nothing large is ever rewritten.
 */
export class EventLog {
  readonly dir: string;
  readonly fsync: boolean;
  readonly retainMs: number;
  readonly maxKeys: number;
  readonly segmentKeys: number;
  readonly onWrite: ((file: string) => void) | undefined;
  #segments: Segment[] = [];
  #handle: FileHandle | undefined;
  #unsynced = false;

  private constructor(dir: string, fsync: boolean, retainMs: number, maxKeys: number, onWrite?: (file: string) => void) {
    this.dir = dir;
    this.fsync = fsync;
    this.retainMs = retainMs;
    this.maxKeys = maxKeys;
    this.segmentKeys = Math.max(1_000, Math.ceil(maxKeys / 8));
    this.onWrite = onWrite;
  }

  #file(n: number): string {
    return join(this.dir, `events-${n}.log`);
  }

  /** Reads every segment into `into` (key → first seen), forgetting what is past the retention or the key budget. */
  static async load(
    dir: string,
    options: { fsync: boolean; retainMs: number; maxKeys: number; onWrite?: (file: string) => void },
    into: Map<string, number>,
  ): Promise<EventLog> {
    const log = new EventLog(dir, options.fsync, options.retainMs, options.maxKeys, options.onWrite);
    const numbers = (await readdir(dir))
      .map((name) => /^events-(\d+)\.log$/.exec(name)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    let newest = 0;
    for (const n of numbers) {
      const text = (await readTextIfExists(log.#file(n))) ?? '';
      const segment: Segment = { n, keys: 0, newest: 0 };
      for (const line of parseLines(text)) {
        const { t, k } = line as { t?: unknown; k?: unknown };
        if (typeof t !== 'number' || !Array.isArray(k)) continue;
        for (const key of k) if (typeof key === 'string' && !into.has(key)) into.set(key, t);
        segment.keys += k.length;
        segment.newest = Math.max(segment.newest, t);
      }
      newest = Math.max(newest, segment.newest);
      log.#segments.push(segment);
    }
    for (const [key, seenAt] of into) {
      if (seenAt >= newest - options.retainMs && into.size <= options.maxKeys) break;
      into.delete(key);
    }
    // Always start a fresh segment: a torn last line of the previous one stays harmless.
    log.#segments.push({ n: (numbers.at(-1) ?? 0) + 1, keys: 0, newest: 0 });
    await log.#prune();
    return log;
  }

  /** Appends (durable after `sync()`). */
  async append(batches: Array<{ t: number; keys: string[] }>): Promise<void> {
    if (batches.length === 0) return;
    let current = this.#segments.at(-1)!;
    if (current.keys >= this.segmentKeys) {
      await this.sync();
      await this.#handle?.close();
      this.#handle = undefined;
      current = { n: current.n + 1, keys: 0, newest: 0 };
      this.#segments.push(current);
    }
    let text = '';
    for (const batch of batches) {
      text += `${JSON.stringify({ t: batch.t, k: batch.keys })}\n`;
      current.keys += batch.keys.length;
      current.newest = Math.max(current.newest, batch.t);
    }
    this.onWrite?.(this.#file(current.n));
    if (!this.#handle) this.#handle = await open(this.#file(current.n), 'a', FILE_MODE);
    await this.#handle.appendFile(text, 'utf8');
    this.#unsynced = true;
    await this.#prune();
  }

  async sync(): Promise<void> {
    if (!this.#unsynced) return;
    this.#unsynced = false;
    if (this.fsync) await this.#handle?.datasync();
  }

  async #prune(): Promise<void> {
    const newest = Math.max(0, ...this.#segments.map((s) => s.newest));
    const total = () => this.#segments.reduce((sum, s) => sum + s.keys, 0);
    while (this.#segments.length > 1) {
      const oldest = this.#segments[0]!;
      const expired = oldest.newest < newest - this.retainMs;
      const overBudget = total() - oldest.keys >= this.maxKeys;
      if (!expired && !overBudget) break;
      this.#segments.shift();
      await removeIfExists(this.#file(oldest.n));
    }
  }

  async close(): Promise<void> {
    await this.sync();
    await this.#handle?.close();
    this.#handle = undefined;
  }
}
