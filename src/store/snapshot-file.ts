// A portal's contact snapshots on disk, not in memory: a backfill of 100,000 contacts would otherwise hold ~6 KB of
// objects per contact in the heap. Memory holds an index (contact id → where its latest line is); a read seeks to
// the lines it needs. The file has the journal's format (`[id, snapshot]` puts, `[id]` deletes, one JSON line each),
// so a data directory written by the in-memory journal loads unchanged.
//
// Appends are grouped like the other journals (every put made before a write starts shares it and its fsync); a put
// resolves once its lines are on disk. Reads are synchronous preads of a few KB per contact: they cannot interleave
// with the swap of a compaction, and they cost about what the JSON.parse of the same bytes costs anyway.
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { type FileHandle, open, rename, rm, truncate } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { GroupCommit } from './files.ts';
import { sampledPage } from './sample-key.ts';
import { indexAfter } from './sorted-ids.ts';
import type { ContactSnapshot } from './store.ts';

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
/** Bytes read per chunk while loading or compacting. */
const CHUNK = 1 << 20;
/** Lines further apart than this are read separately, not as one span. */
const MAX_GAP = 16 << 10;

interface Entry {
  offset: number;
  length: number;
}

/** The contact id of a line `["id",…]` or `["id"]`, and whether the line deletes it; null when it is not such a line. */
function readLineKey(buffer: Buffer, start: number, end: number): { key: string; deletes: boolean } | null {
  if (end - start < 4 || buffer[start] !== 0x5b || buffer[start + 1] !== QUOTE) return null;
  let i = start + 2;
  while (i < end && buffer[i] !== QUOTE) i += buffer[i] === BACKSLASH ? 2 : 1;
  if (i + 1 >= end) return null;
  let key: unknown;
  try {
    key = JSON.parse(buffer.toString('utf8', start + 1, i + 1));
  } catch {
    return null;
  }
  if (typeof key !== 'string') return null;
  return { key, deletes: buffer[i + 1] !== COMMA };
}

export interface SnapshotFileOptions {
  fsync: boolean;
  onWrite?: ((file: string) => void) | undefined;
  /** Fault injection for tests: throwing fails the write. */
  beforeWrite?: (() => void) | undefined;
  /** Compact once the file exceeds twice its live lines by this many bytes (default 32 MiB). */
  compactSlackBytes?: number;
}

/** Records keyed by contact id: snapshots, and (lowdb) each contact's score history. */
export class SnapshotFile<T extends { contactId: string } = ContactSnapshot> {
  readonly file: string;
  readonly fsync: boolean;
  readonly onWrite: ((file: string) => void) | undefined;
  readonly beforeWrite: (() => void) | undefined;
  readonly compactSlackBytes: number;
  #index = new Map<string, Entry>();
  /** Sorted ids for paging, built on demand and dropped when ids come or go. */
  #order: string[] | undefined;
  /** Lines not yet on disk, by id (a delete is null); reads see them first. Serialised when put. */
  #pending = new Map<string, string | null>();
  #writing = new Map<string, string | null>();
  #fd: number | undefined;
  #appendHandle: FileHandle | undefined;
  #size = 0;
  /** A failed append may have left part of its text after #size. */
  #torn = false;
  #liveBytes = 0;
  readonly #commit = new GroupCommit(() => this.#writePending());
  #closed = false;

  private constructor(file: string, options: SnapshotFileOptions) {
    this.file = file;
    this.fsync = options.fsync;
    this.onWrite = options.onWrite;
    this.beforeWrite = options.beforeWrite;
    this.compactSlackBytes = options.compactSlackBytes ?? 32 << 20;
  }

  /** Indexes `file` (absent: empty). A torn last line, never acknowledged, is cut off. */
  static async load<R extends { contactId: string } = ContactSnapshot>(file: string, options: SnapshotFileOptions): Promise<SnapshotFile<R>> {
    const snapshots = new SnapshotFile<R>(file, options);
    let fd: number;
    try {
      fd = openSync(file, constants.O_RDONLY);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return snapshots;
      throw error;
    }
    let complete = 0;
    try {
      complete = snapshots.#indexLines(fd);
    } finally {
      closeSync(fd);
    }
    snapshots.#size = complete;
    await truncate(file, complete);
    snapshots.#fd = openSync(file, constants.O_RDONLY);
    return snapshots;
  }

  /** Returns the length of the file's complete lines. */
  #indexLines(fd: number): number {
    let buffer = Buffer.allocUnsafe(CHUNK);
    let filled = 0;
    let base = 0;
    let line = 1;
    for (;;) {
      if (filled === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, filled);
        buffer = bigger;
      }
      const read = readSync(fd, buffer, filled, buffer.length - filled, base + filled);
      if (read === 0) break;
      filled += read;
      let start = 0;
      for (let end = buffer.indexOf(NEWLINE, start); end !== -1 && end < filled; end = buffer.indexOf(NEWLINE, start)) {
        const parsed = readLineKey(buffer, start, end);
        if (!parsed) throw new Error(`corrupt line ${line} in ${basename(this.file)}`);
        this.#record(parsed.key, parsed.deletes ? null : { offset: base + start, length: end - start });
        start = end + 1;
        line += 1;
      }
      buffer.copy(buffer, 0, start, filled);
      filled -= start;
      base += start;
    }
    return base;
  }

  #record(key: string, entry: Entry | null): void {
    const before = this.#index.get(key);
    if (before) this.#liveBytes -= before.length + 1;
    else if (entry) this.#order = undefined;
    if (entry) {
      this.#index.set(key, entry);
      this.#liveBytes += entry.length + 1;
    } else if (before) {
      this.#index.delete(key);
      this.#order = undefined;
    }
  }

  #has(id: string): boolean {
    const pending = this.#pending.has(id) ? this.#pending.get(id) : this.#writing.get(id);
    return pending === undefined ? this.#index.has(id) : pending !== null;
  }

  /** How many contacts have a snapshot, counting writes in flight. */
  get size(): number {
    let size = this.#index.size;
    if (this.#pending.size === 0 && this.#writing.size === 0) return size;
    for (const id of new Set([...this.#writing.keys(), ...this.#pending.keys()])) {
      const live = this.#has(id);
      const onDisk = this.#index.has(id);
      if (live && !onDisk) size += 1;
      else if (!live && onDisk) size -= 1;
    }
    return size;
  }

  /** The snapshots of `ids` that exist, each a fresh object. */
  get(ids: Iterable<string>): Map<string, T> {
    const found = new Map<string, T>();
    const fromDisk: Array<[string, Entry]> = [];
    for (const id of ids) {
      const pending = this.#pending.has(id) ? this.#pending.get(id) : this.#writing.get(id);
      if (pending === null) continue;
      if (pending !== undefined) {
        found.set(id, (JSON.parse(pending) as [string, T])[1]);
        continue;
      }
      const entry = this.#index.get(id);
      if (entry) fromDisk.push([id, entry]);
    }
    for (const [id, snapshot] of this.#readEntries(fromDisk)) found.set(id, snapshot);
    return found;
  }

  /** Reads lines in file order, neighbours as one span. */
  #readEntries(entries: Array<[string, Entry]>): Map<string, T> {
    const result = new Map<string, T>();
    if (entries.length === 0 || this.#fd === undefined) return result;
    const sorted = [...entries].sort((a, b) => a[1].offset - b[1].offset);
    let i = 0;
    while (i < sorted.length) {
      const first = sorted[i]![1];
      let j = i + 1;
      let end = first.offset + first.length;
      while (j < sorted.length) {
        const next = sorted[j]![1];
        if (next.offset - end > MAX_GAP || next.offset + next.length - first.offset > CHUNK * 4) break;
        end = Math.max(end, next.offset + next.length);
        j += 1;
      }
      const span = Buffer.allocUnsafe(end - first.offset);
      readSync(this.#fd, span, 0, span.length, first.offset);
      for (let k = i; k < j; k += 1) {
        const [id, entry] = sorted[k]!;
        const start = entry.offset - first.offset;
        const line = JSON.parse(span.toString('utf8', start, start + entry.length)) as [string, T];
        result.set(id, line[1]);
      }
      i = j;
    }
    return result;
  }

  /** Up to `limit` snapshots in id order, after `afterId` (null: from the start). */
  list(afterId: string | null, limit: number): T[] {
    if (limit <= 0) return [];
    const order = this.#sortedIds();
    const start = indexAfter(order, afterId);
    const page = order.slice(start, start + limit);
    const found = this.get(page);
    return page.flatMap((id) => {
      const snapshot = found.get(id);
      return snapshot ? [snapshot] : [];
    });
  }

  /** Up to `limit` snapshots of the sample (sample key below `below`), in (sample key, id) order after `afterId`. */
  listSampled(below: number, afterId: string | null, limit: number): T[] {
    if (limit <= 0) return [];
    const page = sampledPage(this.#sortedIds(), below, afterId, limit);
    const found = this.get(page);
    return page.flatMap((id) => {
      const snapshot = found.get(id);
      return snapshot ? [snapshot] : [];
    });
  }

  #sortedIds(): string[] {
    if (this.#pending.size > 0 || this.#writing.size > 0) {
      const ids = new Set(this.#index.keys());
      for (const id of [...this.#writing.keys(), ...this.#pending.keys()]) {
        if (this.#has(id)) ids.add(id);
        else ids.delete(id);
      }
      return [...ids].sort();
    }
    this.#order ??= [...this.#index.keys()].sort();
    return this.#order;
  }

  /** Durable when the promise resolves. */
  put(snapshots: T[]): Promise<void> {
    for (const snapshot of snapshots) this.#pending.set(snapshot.contactId, JSON.stringify([snapshot.contactId, snapshot]));
    return this.#flush();
  }

  /** Durable when the promise resolves. */
  delete(ids: Iterable<string>): Promise<void> {
    let any = false;
    for (const id of ids) {
      if (!this.#has(id)) continue;
      this.#pending.set(id, null);
      any = true;
    }
    return any ? this.#flush() : (this.#commit.running ?? Promise.resolve());
  }

  #flush(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('store is closed'));
    return this.#commit.request();
  }

  async #writePending(): Promise<void> {
    this.#writing = this.#pending;
    this.#pending = new Map();
    try {
      await this.#append(this.#writing);
    } catch (error) {
      // The caller sees the error and reads keep what the disk holds: the failed changes are dropped (the caller
      // retries them) and a torn tail is cut off before the next append.
      this.#torn = true;
      await this.#cutTornTail().catch(() => {});
      throw error;
    } finally {
      this.#writing = new Map();
    }
  }

  async #append(changes: Map<string, string | null>): Promise<void> {
    let text = '';
    const entries: Array<[string, Entry | null]> = [];
    let offset = this.#size;
    for (const [id, line] of changes) {
      const written = line ?? JSON.stringify([id]);
      const length = Buffer.byteLength(written);
      entries.push([id, line === null ? null : { offset, length }]);
      text += `${written}\n`;
      offset += length + 1;
    }
    this.beforeWrite?.();
    this.onWrite?.(this.file);
    this.#appendHandle ??= await open(this.file, 'a', 0o600);
    await this.#cutTornTail();
    await this.#appendHandle.appendFile(text, 'utf8');
    if (this.fsync) await this.#appendHandle.datasync();
    this.#fd ??= openSync(this.file, constants.O_RDONLY);
    this.#size = offset;
    for (const [id, entry] of entries) this.#record(id, entry);
    if (this.#size > 2 * this.#liveBytes + this.compactSlackBytes) await this.#compact();
  }

  async #cutTornTail(): Promise<void> {
    if (!this.#torn || !this.#appendHandle) return;
    await this.#appendHandle.truncate(this.#size);
    this.#torn = false;
  }

  /** Rewrites the live lines in id order (so paging reads the file front to back) and swaps the file in atomically. */
  async #compact(): Promise<void> {
    const temp = join(dirname(this.file), `.${basename(this.file)}.tmp`);
    const handle = await open(temp, 'w', 0o600);
    const moved: Array<[string, Entry]> = [];
    let offset = 0;
    try {
      const ids = [...this.#index.keys()].sort();
      for (let start = 0; start < ids.length; start += 1000) {
        const batch = ids.slice(start, start + 1000).map((id): [string, Entry] => [id, this.#index.get(id)!]);
        const chunks: Buffer[] = [];
        for (const [id, entry] of batch.sort((a, b) => a[1].offset - b[1].offset)) {
          const line = Buffer.allocUnsafe(entry.length + 1);
          readSync(this.#fd!, line, 0, entry.length, entry.offset);
          line[entry.length] = NEWLINE;
          chunks.push(line);
          moved.push([id, { offset, length: entry.length }]);
          offset += entry.length + 1;
        }
        await handle.write(Buffer.concat(chunks));
      }
      if (this.fsync) await handle.sync();
    } finally {
      await handle.close();
    }
    await this.#appendHandle?.close();
    this.#appendHandle = undefined;
    await rename(temp, this.file);
    // Synchronously from here: no read can see a new fd with old offsets.
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = openSync(this.file, constants.O_RDONLY);
    this.#index = new Map(moved);
    this.#size = offset;
    this.#liveBytes = offset;
    this.#order = undefined;
  }

  /** Closes the file and deletes it (the portal is gone). */
  async remove(): Promise<void> {
    this.#pending.clear();
    await this.close();
    await rm(this.file, { force: true });
  }

  /** Waits for the writes in flight, then releases the file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#commit.settled();
    this.#closed = true;
    await this.#appendHandle?.close();
    this.#appendHandle = undefined;
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
