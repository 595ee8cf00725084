import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from '../../src/store/files.ts';
import { SnapshotFile, type SnapshotFileOptions } from '../../src/store/snapshot-file.ts';
import type { ContactSnapshot } from '../../src/store/store.ts';
import { snapshot } from './store-contract.ts';

describe('snapshot file (lowdb store: snapshots on disk, an index in memory)', () => {
  let dir: string;
  let file: string;
  const opened: SnapshotFile[] = [];
  const load = async (options: Partial<SnapshotFileOptions> = {}) => {
    const snapshots = await SnapshotFile.load(file, { fsync: false, ...options });
    opened.push(snapshots);
    return snapshots;
  };
  const reopen = async (snapshots: SnapshotFile, options: Partial<SnapshotFileOptions> = {}) => {
    await snapshots.close();
    return load(options);
  };
  const ids = (list: ContactSnapshot[]) => list.map((s) => s.contactId);
  const snap = (contactId: string, written?: Record<string, string>) => snapshot(101, contactId, written ? { written } : {});

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bant-snapshots-'));
    file = join(dir, '101.jsonl');
  });
  afterEach(async () => {
    for (const snapshots of opened.splice(0)) await snapshots.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('when snapshots are put, replaced and deleted, then a reopened file returns the latest of each and counts them', async () => {
    const first = await load();
    await first.put([snap('1', { score: 'a' }), snap('2'), snap('3')]);
    await first.put([snap('1', { score: 'b' })]);
    await first.delete(['2']);
    const again = await reopen(first);
    expect(again.size).toBe(2);
    const found = again.get(['1', '2', '3', '404']);
    expect([...found.keys()].sort()).toEqual(['1', '3']);
    expect(found.get('1')?.written).toEqual({ score: 'b' });
  });

  it('when a put has not reached the disk yet, then reads, counts and pages already see it', async () => {
    const snapshots = await load();
    await snapshots.put([snap('1')]);
    const pending = snapshots.put([snap('2', { score: 'new' })]);
    const deleting = snapshots.delete(['1']);
    expect(snapshots.size).toBe(1);
    expect(snapshots.get(['1', '2']).get('2')?.written).toEqual({ score: 'new' });
    expect(ids(snapshots.list(null, 10))).toEqual(['2']);
    await Promise.all([pending, deleting]);
    expect(snapshots.size).toBe(1);
    expect(ids(snapshots.list(null, 10))).toEqual(['2']);
  });

  it('when pages are read, then they follow id order after the cursor, whatever the write order', async () => {
    const snapshots = await load();
    const written = ['30', '4', '100', '7', '55'];
    for (const id of written) await snapshots.put([snap(id)]);
    expect(ids(snapshots.list(null, 2))).toEqual(['100', '30']);
    expect(ids(snapshots.list('30', 2))).toEqual(['4', '55']);
    expect(ids(snapshots.list('55', 10))).toEqual(['7']);
    expect(snapshots.list('7', 10)).toEqual([]);
  });

  it('when a returned snapshot is changed by the caller, then the stored one is not', async () => {
    const snapshots = await load();
    const original = snap('1', { score: 'a' });
    await snapshots.put([original]);
    original.written.score = 'mutated after put';
    const read = snapshots.get(['1']).get('1')!;
    read.written.score = 'mutated after get';
    expect(snapshots.get(['1']).get('1')?.written).toEqual({ score: 'a' });
  });

  it('when the file is mostly replaced lines, then it is compacted in id order and every snapshot survives', async () => {
    const snapshots = await load({ compactSlackBytes: 0 });
    for (let round = 0; round < 5; round += 1) {
      await snapshots.put(['9', '10', '11', '12'].map((id) => snap(id, { round: String(round) })));
    }
    const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
    expect(lines.length).toBeLessThanOrEqual(8);
    const again = await reopen(snapshots);
    expect(again.size).toBe(4);
    expect(ids(again.list(null, 10))).toEqual(['10', '11', '12', '9']);
    for (const s of again.get(['9', '10', '11', '12']).values()) expect(s.written).toEqual({ round: '4' });
  });

  it('when the last line was torn by a crash, then the file opens with everything before it and appends after it', async () => {
    const first = await load();
    await first.put([snap('1')]);
    await first.close();
    await writeFile(file, '["2",{"portalId":101,"conta', { flag: 'a' });
    const second = await load();
    expect(second.size).toBe(1);
    await second.put([snap('3')]);
    const third = await reopen(second);
    expect([...third.get(['1', '2', '3']).keys()].sort()).toEqual(['1', '3']);
  });

  it('when a line in the middle is not a snapshot line, then loading fails and names the line', async () => {
    await writeFile(file, '["1",{"portalId":101}]\nnot json\n["2",{"portalId":101}]\n');
    await expect(SnapshotFile.load(file, { fsync: false })).rejects.toThrow(/corrupt line 2/);
  });

  it('when a data directory was written by the journal (the earlier in-memory store), then the same file loads', async () => {
    const { journal } = await Journal.load(file, false);
    await journal.write([['1', snap('1', { score: 'old' })], ['2', snap('2')]], 2, () => []);
    await journal.write([['2', undefined]], 1, () => []);
    await journal.close();
    const snapshots = await load();
    expect(snapshots.size).toBe(1);
    expect(snapshots.get(['1']).get('1')?.written).toEqual({ score: 'old' });
  });

  it('when ids need escaping and snapshots hold non-ASCII text, then offsets stay right', async () => {
    const snapshots = await load();
    await snapshots.put([snap('a"b\\c', { reasons: 'Budget bestätigt – Entscheider 👍' }), snap('z')]);
    const again = await reopen(snapshots);
    expect(again.get(['a"b\\c']).get('a"b\\c')?.written).toEqual({ reasons: 'Budget bestätigt – Entscheider 👍' });
    expect(again.get(['z']).get('z')?.contactId).toBe('z');
  });

  it('when the portal is removed, then its file is gone', async () => {
    const snapshots = await load();
    await snapshots.put([snap('1')]);
    await snapshots.remove();
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
  });
});
