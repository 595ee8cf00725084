import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LowdbStoreOptions, openLowdbStore } from '../../src/store/lowdb-store.ts';
import type { Store } from '../../src/store/store.ts';
import { canMakeReadOnly, setReadOnly } from '../support/read-only-dir.ts';
import { describeStoreContract, installation, outcome, scoreChange, snapshot, taskRecord, writeFaults } from './store-contract.ts';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'bant-lowdb-'));
}

describeStoreContract('lowdb', async () => {
  const dir = await tempDir();
  const faults = writeFaults();
  const store = await openLowdbStore(join(dir, 'data'), { beforeWrite: faults.beforeWrite });
  return {
    store,
    breakWrites: faults.breakWrites,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}, { writeFaults: true });

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(path, ...(await listFiles(path)));
    else out.push(path);
  }
  return out;
}

describe('lowdb store on disk', () => {
  let dir: string;
  let dataDir: string;
  const open: Store[] = [];
  const openStore = async (options: LowdbStoreOptions = {}) => {
    const store = await openLowdbStore(dataDir, options);
    open.push(store);
    return store;
  };

  beforeEach(async () => {
    dir = await tempDir();
    dataDir = join(dir, 'data');
  });
  afterEach(async () => {
    if (canMakeReadOnly) setReadOnly(dir, false);
    for (const store of open.splice(0)) await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(!canMakeReadOnly)(
    'when DATA_DIR turns read-only, then a delivery fails and ping answers false; writable again, the same delivery is fresh and survives a restart',
    async () => {
      const store = await openStore();
      const work = (keys: string[]) => keys.map((key) => ({ portalId: 101, kind: 'rescore' as const, key, notBefore: 0 }));
      await store.acceptEvents!(['before'], 1_000, work);
      setReadOnly(dataDir, true);
      await expect(store.acceptEvents!(['e1', 'e2'], 1_000, work)).rejects.toThrow();
      expect(await store.ping()).toBe(false);
      expect(await store.lease({ now: 1_000, limit: 10, leaseMs: 600_000 }).catch(() => 'failed')).toBe('failed');
      setReadOnly(dataDir, false);
      expect(await store.ping()).toBe(true);
      expect(await store.acceptEvents!(['e1', 'e2'], 1_100, work)).toEqual(['e1', 'e2']);
      expect((await store.lease({ now: 1_100, limit: 10, leaseMs: 1_000 })).map((item) => item.key).sort()).toEqual(['before', 'e1', 'e2']);
      await store.close();
      open.length = 0;
      const reopened = await openStore();
      expect(await reopened.rememberEvents(['before', 'e1', 'e2', 'e3'], 1_200)).toEqual(['e3']);
      expect(await reopened.queueDepth()).toBe(3);
    },
  );

  it('when the store is reopened, then score history and outcomes are there, and a deleted contact stays deleted', async () => {
    const first = await openStore();
    await first.appendScoreChanges(101, [
      { contactId: '1', change: scoreChange('2026-01-01T00:00:00.000Z') },
      { contactId: '2', change: scoreChange('2026-01-01T00:00:00.000Z') },
    ]);
    await first.appendScoreChanges(101, [{ contactId: '1', change: scoreChange('2026-01-02T00:00:00.000Z', { qualification: 'sql' }) }]);
    await first.putOutcomes([outcome(101, '1'), outcome(101, '2')]);
    await first.deleteContactState(101, ['2']);
    await first.close();
    open.length = 0;

    const second = await openStore();
    expect((await second.getScoreHistory(101, ['1', '2'])).get('1')?.map((c) => c.qualification)).toEqual(['mql', 'sql']);
    expect((await second.getScoreHistory(101, ['2'])).size).toBe(0);
    expect((await second.listOutcomes(101)).map((o) => o.contactId)).toEqual(['1']);
  });

  it('when the store is reopened, then everything written before is there', async () => {
    const first = await openStore();
    await first.putInstallation(installation(101));
    await first.putOAuthState({ state: 's', expiresAt: 10_000, purpose: 'install' });
    await first.rememberEvents(['e1', 'e2'], 1_000);
    await first.enqueue([
      { portalId: 101, kind: 'rescore', key: '1', notBefore: 1_000, payload: { mergedIds: ['9'] } },
      { portalId: 101, kind: 'rescore', key: '2', notBefore: 1_000 },
      { portalId: 101, kind: 'rescore', key: '3', notBefore: 1_000 },
    ]);
    const [leased, toFail] = await first.lease({ now: 1_000, limit: 2, leaseMs: 60_000 });
    await first.fail(toFail!.id, 'bad', 1_000, 1);
    await first.putSnapshots([snapshot(101, '1'), snapshot(101, '2')]);
    await first.deleteContactState(101, ['2']);
    await first.putTaskRecords([taskRecord(101, '1')]);
    await first.putAccountSnapshots([{ portalId: 101, companyId: 'c1', contactIds: ['1'], result: { grade: 'A' }, written: {}, scoredAt: 'now' }]);
    await first.putJobState({ portalId: 101, job: 'backfill', cursor: 'c' });
    await first.close();
    open.length = 0;

    const second = await openStore();
    expect(await second.getInstallation(101)).toEqual(installation(101));
    expect((await second.takeOAuthState('s', 1_000))?.state).toBe('s');
    expect(await second.rememberEvents(['e1', 'e2', 'e3'], 2_000)).toEqual(['e3']);
    expect(await second.queueDepth()).toBe(2);
    // One process per DATA_DIR: a lease of the process that used it before (closed or killed) is released on open.
    const due = await second.lease({ now: 1_000, limit: 10, leaseMs: 1_000 });
    expect(due).toHaveLength(2);
    expect(due.find((item) => item.key === '3')).toMatchObject({ attempts: 1 });
    expect(due.find((item) => item.key === '1')).toMatchObject({ id: leased!.id, attempts: 2, payload: { mergedIds: ['9'] } });
    expect(await second.listDeadLetters()).toMatchObject([{ key: '2', reason: 'bad' }]);
    expect([...(await second.getSnapshots(101, ['1', '2'])).keys()]).toEqual(['1']);
    expect(await second.listTaskRecords(101)).toEqual([taskRecord(101, '1')]);
    expect((await second.getAccountSnapshots(101, ['c1'])).get('c1')?.result).toEqual({ grade: 'A' });
    expect((await second.getJobState(101, 'backfill'))?.cursor).toBe('c');
    await second.enqueue([{ portalId: 101, kind: 'rescore', key: 'new', notBefore: 0 }]);
    const [fresh] = await second.lease({ now: 0, limit: 1, leaseMs: 1_000 });
    expect(Number(fresh!.id)).toBeGreaterThan(3);
  });

  it('when an installation is updated, then the update survives a restart', async () => {
    const first = await openStore();
    await first.putInstallation(installation(101, { draftModel: { version: 'd' } }));
    await first.updateInstallation(101, { accessTokenEnc: 'v1:fresh:token:blob', draftModel: undefined });
    await first.close();
    open.length = 0;
    const second = await openStore();
    expect(await second.getInstallation(101)).toEqual(installation(101, { accessTokenEnc: 'v1:fresh:token:blob' }));
  });

  it('when OAuth states and sessions are written, then each new one appends a line and the file stays small under a flood', async () => {
    const store = await openStore();
    await store.putOAuthState({ state: 'first', expiresAt: 10_000, purpose: 'install' }, { now: 1_000, maxLive: 100 });
    const oneState = (await stat(join(dataDir, 'oauth-states.jsonl'))).size;
    await store.putOAuthState({ state: 'second', expiresAt: 10_000, purpose: 'install' }, { now: 1_000, maxLive: 100 });
    const twoStates = (await stat(join(dataDir, 'oauth-states.jsonl'))).size;
    expect(twoStates).toBeLessThan(oneState * 2 + 10);
    const returnTo = `/${'x'.repeat(1_000)}`;
    for (let i = 0; i < 5_000; i += 1) {
      await store.putOAuthState({ state: `flood-${i}`, expiresAt: 10_000 + i, purpose: 'install', returnTo }, { now: 1_000, maxLive: 100 });
    }
    // 100 live states of ~1 KB, plus stale lines until the next compaction (4 × live + 1,000 lines).
    expect((await stat(join(dataDir, 'oauth-states.jsonl'))).size).toBeLessThan(1_500 * 1_100);
    await store.putSession({ id: 'sid', portalId: 101, csrfToken: 'c', createdAt: 1_000, expiresAt: 50_000 }, 1_000);
    await store.close();
    const reopened = await openStore();
    expect((await reopened.getSession('sid', 2_000))?.portalId).toBe(101);
    expect((await reopened.takeOAuthState('flood-4999', 2_000))?.returnTo).toBe(returnTo);
    expect(await reopened.takeOAuthState('flood-0', 2_000)).toBeUndefined();
  });

  it('when a data directory still has the old single OAuth states document, then it is removed at start-up', async () => {
    const store = await openStore();
    await store.close();
    await writeFile(join(dataDir, 'oauth-states.json'), JSON.stringify({ states: [{ state: 'legacy', expiresAt: 10_000, purpose: 'install', returnTo: 'x'.repeat(10_000) }] }));
    const reopened = await openStore();
    expect(await reopened.takeOAuthState('legacy', 1_000)).toBeUndefined();
    await expect(stat(join(dataDir, 'oauth-states.json'))).rejects.toThrow();
  });

  it('when the store writes, then DATA_DIR and its directories are 0700 and every file is 0600', async () => {
    const store = await openStore();
    await store.putInstallation(installation(101));
    await store.putOAuthState({ state: 's', expiresAt: 10_000, purpose: 'install' });
    await store.acceptEvents!(['e1'], 1_000, () => [{ portalId: 101, kind: 'rescore', key: '1', notBefore: 0 }]);
    await store.putSnapshots([snapshot(101, '1')]);
    await store.putTaskRecords([taskRecord(101, '1')]);
    await store.putJobState({ portalId: 101, job: 'j' });
    const files = await listFiles(dataDir);
    expect(files.length).toBeGreaterThan(8);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    for (const file of files) {
      const info = await stat(file);
      expect({ file, mode: info.mode & 0o777 }).toEqual({ file, mode: info.isDirectory() ? 0o700 : 0o600 });
    }
  });

  it('when many calls arrive at once, then they share one write per file and all resolve after it', async () => {
    const writes: string[] = [];
    const store = await openStore({ onWrite: (file) => writes.push(file) });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.acceptEvents!([`e${i}`, `e${i}-b`], 1_000, (keys) => keys.map((key) => ({ portalId: 101, kind: 'rescore', key, notBefore: 0 }))),
      ),
    );
    expect(await store.queueDepth()).toBe(100);
    expect(writes.filter((f) => f.endsWith('queue.jsonl'))).toHaveLength(1);
    expect(writes.filter((f) => /events-\d+\.log$/.test(f))).toHaveLength(1);
    expect(writes).toHaveLength(2);
  });

  it('when calls arrive while a write is under way, then they are grouped into the next write', async () => {
    const writes: string[] = [];
    const store = await openStore({ onWrite: (file) => writes.push(file) });
    const first = store.enqueue([{ portalId: 101, kind: 'rescore', key: '0', notBefore: 0 }]);
    await new Promise((resolve) => setImmediate(resolve));
    const burst = Array.from({ length: 20 }, (_, i) => store.enqueue([{ portalId: 101, kind: 'rescore', key: `${i + 1}`, notBefore: 0 }]));
    await Promise.all([first, ...burst]);
    expect(writes.filter((f) => f.endsWith('queue.jsonl')).length).toBeLessThanOrEqual(2);
    expect(await store.queueDepth()).toBe(21);
  });

  it('when a queue item changes many times, then the journal is compacted and stays small', async () => {
    const store = await openStore({ fsync: false });
    await store.enqueue([{ portalId: 101, kind: 'rescore', key: 'keep', notBefore: 10_000_000 }]);
    for (let i = 0; i < 1_000; i += 1) {
      await store.enqueue(Array.from({ length: 10 }, (_, j) => ({ portalId: 101, kind: 'rescore' as const, key: `k${i}-${j}`, notBefore: 0 })));
      const leased = await store.lease({ now: 0, limit: 10, leaseMs: 1_000 });
      await store.complete(leased.map((l) => l.id));
    }
    const lines = (await readFile(join(dataDir, 'queue.jsonl'), 'utf8')).split('\n').filter(Boolean);
    expect(lines.length).toBeLessThan(10_010);
    await store.close();
    open.length = 0;
    const reopened = await openStore();
    expect(await reopened.queueDepth()).toBe(1);
  });

  it('when more event keys arrive than the budget, then old segments are deleted and the memory stays bounded', async () => {
    const store = await openStore({ maxEventKeys: 2_000 });
    for (let i = 0; i < 30; i += 1) {
      await store.rememberEvents(
        Array.from({ length: 500 }, (_, j) => `k${i}-${j}`),
        1_000 + i,
      );
    }
    const segments = (await readdir(dataDir)).filter((name) => name.startsWith('events-'));
    expect(segments.length).toBeLessThanOrEqual(4);
    expect(await store.rememberEvents(['k29-0', 'k0-0'], 2_000)).toEqual(['k0-0']);
    await store.close();
    open.length = 0;
    const reopened = await openStore({ maxEventKeys: 2_000 });
    expect(await reopened.rememberEvents(['k29-1', 'k1-0'], 2_000)).toEqual(['k1-0']);
  });

  it('when event keys are older than the retention, then their segments are deleted', async () => {
    const store = await openStore({ eventRetainMs: 60_000, maxEventKeys: 8_000 });
    await store.rememberEvents(Array.from({ length: 1_000 }, (_, j) => `old-${j}`), 1_000);
    await store.rememberEvents(Array.from({ length: 1_000 }, (_, j) => `new-${j}`), 100_000);
    await store.rememberEvents(['x'], 100_001);
    const segments = (await readdir(dataDir)).filter((name) => name.startsWith('events-'));
    expect(segments).toHaveLength(2);
  });

  it('when the last journal line was torn by a crash, then the store opens with everything before it', async () => {
    const store = await openStore();
    await store.enqueue([{ portalId: 101, kind: 'rescore', key: '1', notBefore: 0 }]);
    await store.close();
    open.length = 0;
    await writeFile(join(dataDir, 'queue.jsonl'), '["99",{"portalId":101,"ki', { flag: 'a' });
    const reopened = await openStore();
    expect(await reopened.queueDepth()).toBe(1);
    await reopened.enqueue([{ portalId: 101, kind: 'rescore', key: '2', notBefore: 0 }]);
    await reopened.close();
    open.length = 0;
    expect(await (await openStore()).queueDepth()).toBe(2);
  });

  it('when another live process holds DATA_DIR, then opening fails and names PostgreSQL as the way to run several instances', async () => {
    await (await openStore()).close();
    open.length = 0;
    await writeFile(join(dataDir, 'instance.lock'), `${process.ppid}\n`);
    await expect(openLowdbStore(dataDir)).rejects.toThrow(/another process[\s\S]*DATABASE_URL/);
    await writeFile(join(dataDir, 'instance.lock'), '999999999\n');
    await openStore();
  });

  it('when the process is killed with SIGKILL right after an enqueue resolved, then the item is there on restart', async () => {
    const storeModule = fileURLToPath(new URL('../../src/store/lowdb-store.ts', import.meta.url));
    const script = join(dir, 'child.ts');
    await writeFile(
      script,
      `import { openLowdbStore } from ${JSON.stringify(storeModule)};
const store = await openLowdbStore(process.argv[2]);
let n = 0;
for (;;) {
  await store.acceptEvents(['e' + n], Date.now(), (keys) => keys.map((key) => ({ portalId: 101, kind: 'rescore', key, notBefore: 0 })));
  process.stdout.write('acked ' + n + '\\n');
  n += 1;
}
`,
    );
    const child = spawn(process.execPath, ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', script, dataDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked = await new Promise<number>((resolve) => {
      let last = -1;
      child.stdout.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n')) if (line.startsWith('acked ')) last = Number(line.slice(6));
        if (last >= 30) {
          child.kill('SIGKILL');
          resolve(last);
        }
      });
    });
    await new Promise((resolve) => child.on('exit', resolve));
    const store = await openStore();
    const keys = new Set((await store.lease({ now: 0, limit: 100_000, leaseMs: 1_000 })).map((i) => i.key));
    for (let i = 0; i <= acked; i += 1) expect(keys.has(`e${i}`)).toBe(true);
    expect(await store.rememberEvents([`e${acked}`], Date.now())).toEqual([]);
  });
});
