// The Store contract: every implementation (memory, lowdb, PostgreSQL) runs this suite.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactSnapshot, Installation, JobState, OutcomeRecord, ScoreChange, Store, TaskRecord, WorkItem } from '../../src/store/store.ts';
import { SAMPLE_KEYS, sampleKeyOf } from '../../src/store/sample-key.ts';
import { DEFAULT_SETTINGS, MAX_SCORE_CHANGES_PER_CONTACT } from '../../src/store/store.ts';

export interface StoreUnderTest {
  store: Store;
  cleanup: () => Promise<void>;
  /** Fault injection: while broken, every write of the store fails (as on a full or read-only disk). */
  breakWrites?: (broken: boolean) => Promise<void>;
}

/** A switch for the stores' `beforeWrite` fault-injection hook. */
export function writeFaults(): { beforeWrite: () => void; breakWrites: (broken: boolean) => Promise<void> } {
  let broken = false;
  return {
    beforeWrite: () => {
      if (broken) throw Object.assign(new Error('ENOSPC: no space left on device (injected)'), { code: 'ENOSPC' });
    },
    breakWrites: async (value) => {
      broken = value;
    },
  };
}

export function installation(portalId: number, extra: Partial<Installation> = {}): Installation {
  return {
    portalId,
    mode: 'oauth',
    status: 'active',
    installedAt: '2026-01-01T00:00:00.000Z',
    scopes: ['oauth', 'crm.objects.contacts.read'],
    accessTokenEnc: 'v1:iv:tag:ciphertext',
    accessTokenExpiresAt: 1_800_000,
    settings: structuredClone(DEFAULT_SETTINGS),
    ...extra,
  };
}

export function snapshot(portalId: number, contactId: string, extra: Partial<ContactSnapshot> = {}): ContactSnapshot {
  return {
    portalId,
    contactId,
    properties: { jobtitle: 'CTO', email: null },
    companyProperties: { numberofemployees: '250' },
    activities: [{ type: 'page_view', at: '2026-01-02T03:04:05.000Z', url: 'https://example.com/pricing' }],
    ownerId: '77',
    written: { bant_priority: 'A1' },
    scoredAt: '2026-01-03T00:00:00.000Z',
    modelVersion: '1.0.0',
    ...extra,
  };
}

export function taskRecord(portalId: number, contactId: string, extra: Partial<TaskRecord> = {}): TaskRecord {
  return {
    portalId,
    contactId,
    kind: 'call_sql',
    taskId: `t-${contactId}`,
    ownerId: '77',
    status: 'open',
    createdAt: '2026-01-03T00:00:00.000Z',
    dueAt: '2026-01-04T00:00:00.000Z',
    ...extra,
  };
}

export function scoreChange(at: string, extra: Partial<ScoreChange> = {}): ScoreChange {
  return { at, modelVersion: '1.0.0', qualification: 'mql', priority: 'B2', leadScore: '42', budget: 'unknown', authority: 'partial', need: 'met', timeline: 'unknown', ...extra };
}

export function outcome(portalId: number, contactId: string, extra: Partial<OutcomeRecord> = {}): OutcomeRecord {
  return { portalId, contactId, outcome: 'won', at: '2026-02-01T00:00:00.000Z', source: 'deal', dealId: `d-${contactId}`, recordedAt: '2026-02-01T00:05:00.000Z', ...extra };
}

const rescore = (portalId: number, key: string, extra: Partial<WorkItem> = {}): WorkItem => ({
  portalId,
  kind: 'rescore',
  key,
  notBefore: 1_000,
  ...extra,
});

/** `writeFaults`: the store under test offers `breakWrites` (the 'when writes fail' block is skipped otherwise). */
export function describeStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>, capabilities: { writeFaults?: boolean } = {}): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let breakWrites: StoreUnderTest['breakWrites'];

    beforeEach(async () => {
      ({ store, cleanup, breakWrites } = await makeStore());
    });
    afterEach(async () => {
      await cleanup();
    });

    describe.skipIf(!capabilities.writeFaults)('when writes fail', () => {
      const work = (keys: string[]) => keys.map((key) => rescore(101, key));

      it('when accepting events fails, then ping answers false and the same delivery after recovery is fresh and queued', async () => {
        if (!breakWrites || !store.acceptEvents) throw new Error('the store offers no fault injection');
        await breakWrites(true);
        await expect(store.acceptEvents(['e1', 'e2'], 1_000, work)).rejects.toThrow();
        expect(await store.ping()).toBe(false);
        expect(await store.queueDepth()).toBe(0);
        await breakWrites(false);
        expect(await store.ping()).toBe(true);
        expect(await store.acceptEvents(['e1', 'e2'], 1_100, work)).toEqual(['e1', 'e2']);
        expect(await store.queueDepth(101)).toBe(2);
      });

      it('when remembering events fails, then the keys are not remembered', async () => {
        if (!breakWrites) throw new Error('the store offers no fault injection');
        await breakWrites(true);
        await expect(store.rememberEvents(['a'], 1_000)).rejects.toThrow();
        await breakWrites(false);
        expect(await store.rememberEvents(['a'], 1_000)).toEqual(['a']);
      });

      it('when a lease fails to be written, then the items are leasable at once after recovery', async () => {
        if (!breakWrites) throw new Error('the store offers no fault injection');
        await store.enqueue([rescore(101, '1')]);
        await breakWrites(true);
        await expect(store.lease({ now: 2_000, limit: 10, leaseMs: 600_000 })).rejects.toThrow();
        await breakWrites(false);
        expect(await store.lease({ now: 2_001, limit: 10, leaseMs: 1_000 })).toMatchObject([{ key: '1', attempts: 1 }]);
      });

      it('when enqueue, complete and fail cannot be written, then the queue is as before each', async () => {
        if (!breakWrites) throw new Error('the store offers no fault injection');
        await store.enqueue([rescore(101, '1', { payload: { a: 1 } })]);
        await breakWrites(true);
        await expect(store.enqueue([rescore(101, '2'), rescore(101, '1', { payload: { b: 2 }, notBefore: 9_000 })])).rejects.toThrow();
        await breakWrites(false);
        expect(await store.queueDepth()).toBe(1);
        const [leased] = await store.lease({ now: 2_000, limit: 10, leaseMs: 1_000 });
        expect(leased).toMatchObject({ key: '1', payload: { a: 1 }, notBefore: 1_000 });
        await breakWrites(true);
        await expect(store.complete([leased!.id])).rejects.toThrow();
        await expect(store.fail(leased!.id, 'boom', 5_000, 1)).rejects.toThrow();
        await breakWrites(false);
        expect(await store.queueDepth()).toBe(1);
        expect(await store.listDeadLetters()).toEqual([]);
        await store.complete([leased!.id]);
        expect(await store.queueDepth()).toBe(0);
      });

      it('when installations, snapshots, task records and job state cannot be written, then reads return what was there', async () => {
        if (!breakWrites) throw new Error('the store offers no fault injection');
        await store.putInstallation(installation(101));
        await store.putSnapshots([snapshot(101, '1')]);
        await store.putTaskRecords([taskRecord(101, '1')]);
        await store.putJobState({ portalId: 101, job: 'backfill', cursor: 'a' });
        await breakWrites(true);
        await expect(store.updateInstallation(101, { status: 'inactive' })).rejects.toThrow();
        await expect(store.putInstallation(installation(102))).rejects.toThrow();
        await expect(store.putSnapshots([snapshot(101, '1', { modelVersion: 'other' }), snapshot(101, '2')])).rejects.toThrow();
        await expect(store.putTaskRecords([taskRecord(101, '1', { status: 'completed' })])).rejects.toThrow();
        await expect(store.deleteContactState(101, ['1'])).rejects.toThrow();
        await expect(store.putJobState({ portalId: 101, job: 'backfill', cursor: 'b' })).rejects.toThrow();
        await expect(store.deleteInstallation(101)).rejects.toThrow();
        await breakWrites(false);
        expect(await store.getInstallation(101)).toEqual(installation(101));
        expect(await store.getInstallation(102)).toBeUndefined();
        expect([...(await store.getSnapshots(101, ['1', '2'])).values()]).toEqual([snapshot(101, '1')]);
        expect(await store.countSnapshots(101)).toBe(1);
        expect(await store.getTaskRecords(101, ['1'])).toEqual([taskRecord(101, '1')]);
        expect((await store.getJobState(101, 'backfill'))?.cursor).toBe('a');
      });
    });

    describe('installations', () => {
      it('when an installation is put, then get returns an equal copy and list includes it', async () => {
        const inst = installation(101, { activeModel: { version: '2' }, modelHistory: [{ version: '1', activatedAt: 'x', model: {} }] });
        await store.putInstallation(inst);
        expect(await store.getInstallation(101)).toEqual(inst);
        expect(await store.listInstallations()).toEqual([inst]);
        expect(await store.getInstallation(999)).toBeUndefined();
      });

      it('when an installation is put again, then the new version replaces the old', async () => {
        await store.putInstallation(installation(101));
        await store.putInstallation(installation(101, { status: 'inactive', statusReason: 'refresh token revoked' }));
        const got = await store.getInstallation(101);
        expect(got?.status).toBe('inactive');
        expect(got?.statusReason).toBe('refresh token revoked');
        expect(await store.listInstallations()).toHaveLength(1);
      });

      it('when the caller mutates what it got, then the stored installation does not change', async () => {
        await store.putInstallation(installation(101));
        const got = await store.getInstallation(101);
        got!.scopes.push('tampered');
        expect((await store.getInstallation(101))?.scopes).not.toContain('tampered');
      });

      it('when several portals are installed, then list returns them all', async () => {
        await store.putInstallation(installation(303));
        await store.putInstallation(installation(101));
        expect((await store.listInstallations()).map((i) => i.portalId).sort()).toEqual([101, 303]);
      });

      it('when an installation is updated, then only the named fields change, undefined removes one, and the result is returned', async () => {
        await store.putInstallation(installation(101, { draftModel: { version: 'draft' }, activeModel: { version: '2' } }));
        const settings = { ...structuredClone(DEFAULT_SETTINGS), syncLeadStatus: false, callSlaHours: 4 };
        const updated = await store.updateInstallation(101, { settings, draftModel: undefined });
        const expected = installation(101, { activeModel: { version: '2' }, settings });
        expect(updated).toEqual(expected);
        expect(await store.getInstallation(101)).toEqual(expected);
        expect(await store.getInstallation(101)).not.toHaveProperty('draftModel');
      });

      it('when an update names a portal id, then the portal id stays', async () => {
        await store.putInstallation(installation(101));
        await store.updateInstallation(101, { scopes: ['oauth'], portalId: 999 } as Partial<Installation>);
        expect((await store.getInstallation(101))?.scopes).toEqual(['oauth']);
        expect(await store.getInstallation(999)).toBeUndefined();
      });

      it('when no installation is stored, then an update returns undefined and creates nothing', async () => {
        expect(await store.updateInstallation(101, { status: 'inactive', statusReason: 'gone' })).toBeUndefined();
        expect(await store.getInstallation(101)).toBeUndefined();
        expect(await store.listInstallations()).toEqual([]);
      });

      it('when updates of different fields run at once, then every one of them is kept', async () => {
        await store.putInstallation(installation(101));
        const settings = { ...structuredClone(DEFAULT_SETTINGS), syncLifecycleStage: false };
        await Promise.all([
          store.updateInstallation(101, { accessTokenEnc: 'v1:new:token:blob', accessTokenExpiresAt: 3_600_000 }),
          store.updateInstallation(101, { settings }),
          store.updateInstallation(101, { draftModel: { version: '3' } }),
        ]);
        expect(await store.getInstallation(101)).toEqual(
          installation(101, { accessTokenEnc: 'v1:new:token:blob', accessTokenExpiresAt: 3_600_000, settings, draftModel: { version: '3' } }),
        );
      });

      it('when the caller mutates the patch after an update, then the stored installation does not change', async () => {
        await store.putInstallation(installation(101));
        const scopes = ['oauth'];
        await store.updateInstallation(101, { scopes });
        scopes.push('tampered');
        expect((await store.getInstallation(101))?.scopes).toEqual(['oauth']);
      });

      it("when an installation is deleted, then all of its portal's data goes and other portals keep theirs", async () => {
        for (const portalId of [101, 202]) {
          await store.putInstallation(installation(portalId));
          await store.enqueue([rescore(portalId, '1'), rescore(portalId, '2')]);
          await store.putSnapshots([snapshot(portalId, '1')]);
          await store.putTaskRecords([taskRecord(portalId, '1')]);
          await store.putJobState({ portalId, job: 'backfill', cursor: 'abc' });
        }
        const [leased] = await store.lease({ now: 2_000, limit: 1, leaseMs: 1_000, portalId: 101 });
        await store.fail(leased!.id, 'boom', 3_000, 1);

        await store.deleteInstallation(101);

        expect(await store.getInstallation(101)).toBeUndefined();
        expect(await store.queueDepth(101)).toBe(0);
        expect(await store.listDeadLetters(101)).toEqual([]);
        expect(await store.countSnapshots(101)).toBe(0);
        expect(await store.getSnapshots(101, ['1'])).toEqual(new Map());
        expect(await store.listTaskRecords(101)).toEqual([]);
        expect(await store.getJobState(101, 'backfill')).toBeUndefined();
        expect(await store.lease({ now: 10_000, limit: 10, leaseMs: 1_000, portalId: 101 })).toEqual([]);

        expect(await store.getInstallation(202)).toBeDefined();
        expect(await store.queueDepth(202)).toBe(2);
        expect(await store.countSnapshots(202)).toBe(1);
        expect(await store.listTaskRecords(202)).toHaveLength(1);
        expect((await store.getJobState(202, 'backfill'))?.cursor).toBe('abc');
      });
    });

    describe('OAuth states', () => {
      it('when a state is taken, then it is returned once and never again', async () => {
        await store.putOAuthState({ state: 's1', expiresAt: 10_000, purpose: 'install', returnTo: '/admin' });
        expect(await store.takeOAuthState('s1', 5_000)).toEqual({ state: 's1', expiresAt: 10_000, purpose: 'install', returnTo: '/admin' });
        expect(await store.takeOAuthState('s1', 5_000)).toBeUndefined();
      });

      it('when a state has expired, then take returns undefined and the state is gone', async () => {
        await store.putOAuthState({ state: 's2', expiresAt: 10_000, purpose: 'signin' });
        expect(await store.takeOAuthState('s2', 10_000)).toBeUndefined();
        expect(await store.takeOAuthState('s2', 1_000)).toBeUndefined();
      });

      it('when a state is unknown, then take returns undefined and other states stay usable', async () => {
        await store.putOAuthState({ state: 's3', expiresAt: 10_000, purpose: 'install' });
        expect(await store.takeOAuthState('nope', 1_000)).toBeUndefined();
        expect((await store.takeOAuthState('s3', 1_000))?.state).toBe('s3');
      });

      it('when a state is put with limits, then states expired at that time are gone', async () => {
        await store.putOAuthState({ state: 'old', expiresAt: 2_000, purpose: 'install' });
        await store.putOAuthState({ state: 'live', expiresAt: 9_000, purpose: 'install' }, { now: 3_000, maxLive: 10 });
        expect(await store.takeOAuthState('old', 1_000)).toBeUndefined();
        expect((await store.takeOAuthState('live', 3_000))?.state).toBe('live');
      });

      it('when more states are put than may live, then the oldest make room and the newest stay usable', async () => {
        for (let i = 1; i <= 5; i += 1) {
          await store.putOAuthState({ state: `s${i}`, expiresAt: 10_000 + i, purpose: 'signin' }, { now: 1_000, maxLive: 3 });
        }
        expect(await store.takeOAuthState('s1', 1_000)).toBeUndefined();
        expect(await store.takeOAuthState('s2', 1_000)).toBeUndefined();
        for (const state of ['s3', 's4', 's5']) expect((await store.takeOAuthState(state, 1_000))?.state).toBe(state);
      });

      it('when a sign-in ticket is stored, then it comes back once with its portal, user and browser state', async () => {
        const ticket = { state: 't1', expiresAt: 10_000, purpose: 'ticket' as const, portalId: 77, user: 'a@example.com', browserState: 'b1' };
        await store.putOAuthState(ticket, { now: 1_000, maxLive: 10 });
        expect(await store.takeOAuthState('t1', 1_000)).toEqual(ticket);
        expect(await store.takeOAuthState('t1', 1_000)).toBeUndefined();
      });
    });

    describe('admin sessions', () => {
      const session = (id: string, portalId: number, expiresAt = 10_000) => ({ id, portalId, user: 'a@example.com', csrfToken: `csrf-${id}`, createdAt: 1_000, expiresAt });

      it('when a session is put, then get returns it until it expires', async () => {
        await store.putSession(session('x1', 101), 1_000);
        expect(await store.getSession('x1', 5_000)).toEqual(session('x1', 101));
        expect(await store.getSession('x1', 10_000)).toBeUndefined();
        expect(await store.getSession('unknown', 5_000)).toBeUndefined();
      });

      it('when a session is deleted, then it is gone and the others stay', async () => {
        await store.putSession(session('x1', 101), 1_000);
        await store.putSession(session('x2', 101), 1_000);
        await store.deleteSession('x1');
        expect(await store.getSession('x1', 2_000)).toBeUndefined();
        expect((await store.getSession('x2', 2_000))?.id).toBe('x2');
      });

      it("when a portal's sessions are deleted, then only that portal's go", async () => {
        await store.putSession(session('x1', 101), 1_000);
        await store.putSession(session('x2', 101), 1_000);
        await store.putSession(session('y1', 202), 1_000);
        await store.deletePortalSessions(101);
        expect(await store.getSession('x1', 2_000)).toBeUndefined();
        expect(await store.getSession('x2', 2_000)).toBeUndefined();
        expect((await store.getSession('y1', 2_000))?.portalId).toBe(202);
      });

      it('when a session is put, then sessions expired by then are dropped', async () => {
        await store.putSession(session('old', 101, 2_000), 1_000);
        await store.putSession(session('new', 101, 20_000), 5_000);
        expect(await store.getSession('old', 1_500)).toBeUndefined();
        expect((await store.getSession('new', 5_000))?.id).toBe('new');
      });
    });

    describe('webhook de-duplication', () => {
      it('when keys are remembered, then only keys never seen before come back, in input order, each once', async () => {
        expect(await store.rememberEvents(['a', 'b', 'a', 'c'], 1_000)).toEqual(['a', 'b', 'c']);
        expect(await store.rememberEvents(['d', 'b', 'e', 'c'], 2_000)).toEqual(['d', 'e']);
        expect(await store.rememberEvents([], 3_000)).toEqual([]);
        expect(await store.rememberEvents(['a', 'e'], 3_000)).toEqual([]);
      });

      it('when events are accepted, then work is enqueued for the fresh keys only and a repeat enqueues nothing', async () => {
        if (!store.acceptEvents) return;
        const seen: string[][] = [];
        const itemsFor = (fresh: string[]) => {
          seen.push(fresh);
          return fresh.map((key) => rescore(101, key));
        };
        expect(await store.acceptEvents(['1', '2'], 1_000, itemsFor)).toEqual(['1', '2']);
        expect(await store.acceptEvents(['2', '3'], 1_000, itemsFor)).toEqual(['3']);
        expect(await store.acceptEvents(['1', '3'], 1_000, itemsFor)).toEqual([]);
        expect(seen).toEqual([['1', '2'], ['3']]);
        expect(await store.queueDepth(101)).toBe(3);
        expect(await store.rememberEvents(['1', '4'], 1_000)).toEqual(['4']);
      });
    });

    describe('work queue', () => {
      it('when an item is enqueued, then it is leased with an id, one attempt and its lease deadline', async () => {
        await store.enqueue([rescore(101, '1', { payload: { reason: 'x' }, occurredAt: 900 })]);
        const leased = await store.lease({ now: 1_000, limit: 10, leaseMs: 30_000 });
        expect(leased).toHaveLength(1);
        expect(leased[0]).toMatchObject({ portalId: 101, kind: 'rescore', key: '1', payload: { reason: 'x' }, notBefore: 1_000, occurredAt: 900, attempts: 1, leaseUntil: 31_000 });
        expect(typeof leased[0]!.id).toBe('string');
      });

      it('when the same (portal, kind, key) is enqueued twice, then one item holds the merged payload, later notBefore and newest occurredAt', async () => {
        await store.enqueue([rescore(101, '1', { payload: { mergedIds: ['a', 'b'], note: 'old' }, notBefore: 1_000, occurredAt: 500 })]);
        await store.enqueue([rescore(101, '1', { payload: { mergedIds: ['b', 'c'], note: 'new', extra: 1 }, notBefore: 2_000, occurredAt: 400 })]);
        expect(await store.queueDepth()).toBe(1);
        expect(await store.lease({ now: 1_500, limit: 10, leaseMs: 1_000 })).toEqual([]);
        const [item] = await store.lease({ now: 2_000, limit: 10, leaseMs: 1_000 });
        expect(item?.payload).toEqual({ mergedIds: ['a', 'b', 'c'], note: 'new', extra: 1 });
        expect(item?.notBefore).toBe(2_000);
        expect(item?.occurredAt).toBe(500);
      });

      it('when a re-enqueued item has an earlier notBefore, then the later notBefore is kept', async () => {
        await store.enqueue([rescore(101, '1', { notBefore: 5_000 })]);
        await store.enqueue([rescore(101, '1', { notBefore: 1_000 })]);
        expect(await store.lease({ now: 4_999, limit: 10, leaseMs: 1_000 })).toEqual([]);
        expect(await store.lease({ now: 5_000, limit: 10, leaseMs: 1_000 })).toHaveLength(1);
      });

      it('when duplicates arrive in one enqueue call, then they coalesce too', async () => {
        await store.enqueue([rescore(101, '1', { payload: { mergedIds: ['a'] } }), rescore(101, '1', { payload: { mergedIds: ['b'] } })]);
        expect(await store.queueDepth()).toBe(1);
        const [item] = await store.lease({ now: 1_000, limit: 10, leaseMs: 1_000 });
        expect(item?.payload).toEqual({ mergedIds: ['a', 'b'] });
      });

      it('when kind or portal differ, then items do not coalesce', async () => {
        await store.enqueue([rescore(101, '1'), { ...rescore(101, '1'), kind: 'purge' }, rescore(202, '1')]);
        expect(await store.queueDepth()).toBe(3);
        expect(await store.queueDepth(101)).toBe(2);
        expect(await store.queueDepth(202)).toBe(1);
        expect(await store.queueDepth(303)).toBe(0);
      });

      it('when items are not due yet, then lease skips them until notBefore', async () => {
        await store.enqueue([rescore(101, 'later', { notBefore: 5_000 }), rescore(101, 'now', { notBefore: 1_000 })]);
        expect((await store.lease({ now: 1_000, limit: 10, leaseMs: 10_000 })).map((i) => i.key)).toEqual(['now']);
        expect((await store.lease({ now: 5_000, limit: 10, leaseMs: 10_000 })).map((i) => i.key)).toEqual(['later']);
      });

      it('when more items are due than the limit, then the oldest are leased first and the rest later', async () => {
        await store.enqueue([rescore(101, 'c', { notBefore: 3_000 }), rescore(101, 'a', { notBefore: 1_000 }), rescore(101, 'b', { notBefore: 2_000 })]);
        await store.enqueue([rescore(101, 'd', { notBefore: 2_000 })]);
        expect((await store.lease({ now: 9_000, limit: 2, leaseMs: 10_000 })).map((i) => i.key)).toEqual(['a', 'b']);
        expect((await store.lease({ now: 9_000, limit: 5, leaseMs: 10_000 })).map((i) => i.key)).toEqual(['d', 'c']);
        expect(await store.lease({ now: 9_000, limit: 5, leaseMs: 10_000 })).toEqual([]);
        expect(await store.lease({ now: 9_000, limit: 0, leaseMs: 10_000 })).toEqual([]);
      });

      it('when a portal or kinds are given, then lease takes only matching items', async () => {
        await store.enqueue([rescore(101, '1'), rescore(202, '1'), { ...rescore(101, 'all'), kind: 'backfill' }, { ...rescore(101, '9'), kind: 'purge' }]);
        const portal202 = await store.lease({ now: 1_000, limit: 10, leaseMs: 1_000, portalId: 202 });
        expect(portal202.map((i) => [i.portalId, i.key])).toEqual([[202, '1']]);
        const purgesAndRescores = await store.lease({ now: 1_000, limit: 10, leaseMs: 1_000, portalId: 101, kinds: ['purge', 'rescore'] });
        expect(purgesAndRescores.map((i) => i.kind).sort()).toEqual(['purge', 'rescore']);
        const rest = await store.lease({ now: 1_000, limit: 10, leaseMs: 1_000 });
        expect(rest.map((i) => i.kind)).toEqual(['backfill']);
      });

      it('when an item is leased, then it is not leased again until its lease expires, then it is (crash recovery)', async () => {
        await store.enqueue([rescore(101, '1')]);
        const [first] = await store.lease({ now: 1_000, limit: 10, leaseMs: 5_000 });
        expect(await store.lease({ now: 5_999, limit: 10, leaseMs: 5_000 })).toEqual([]);
        const [again] = await store.lease({ now: 6_000, limit: 10, leaseMs: 5_000 });
        expect(again?.id).toBe(first?.id);
        expect(again?.attempts).toBe(2);
        expect(again?.leaseUntil).toBe(11_000);
      });

      it('when an item is completed, then it is gone', async () => {
        await store.enqueue([rescore(101, '1'), rescore(101, '2')]);
        const leased = await store.lease({ now: 1_000, limit: 10, leaseMs: 1_000 });
        await store.complete(leased.map((i) => i.id));
        expect(await store.queueDepth()).toBe(0);
        expect(await store.lease({ now: 100_000, limit: 10, leaseMs: 1_000 })).toEqual([]);
      });

      it('when an item is re-enqueued while leased, then complete keeps it for another run with the new payload', async () => {
        await store.enqueue([rescore(101, '1', { payload: { mergedIds: ['a'] } })]);
        const [leased] = await store.lease({ now: 1_000, limit: 10, leaseMs: 60_000 });
        await store.enqueue([rescore(101, '1', { payload: { mergedIds: ['b'] }, notBefore: 2_000 })]);
        expect(await store.queueDepth()).toBe(1);
        expect(await store.lease({ now: 2_000, limit: 10, leaseMs: 60_000 })).toEqual([]);
        await store.complete([leased!.id]);
        expect(await store.queueDepth()).toBe(1);
        const [rerun] = await store.lease({ now: 2_000, limit: 10, leaseMs: 60_000 });
        expect(rerun?.key).toBe('1');
        expect(rerun?.payload).toEqual({ mergedIds: ['a', 'b'] });
        expect(rerun?.attempts).toBe(1);
        await store.complete([rerun!.id]);
        expect(await store.queueDepth()).toBe(0);
      });

      it('when an item fails, then it is retried at retryAt and dead-lettered with its reason once attempts reach the maximum', async () => {
        await store.enqueue([rescore(101, '1', { payload: { mergedIds: ['x'] } })]);
        let [item] = await store.lease({ now: 1_000, limit: 10, leaseMs: 60_000 });
        await store.fail(item!.id, 'HubSpot 502', 5_000, 3);
        expect(await store.lease({ now: 4_999, limit: 10, leaseMs: 60_000 })).toEqual([]);
        [item] = await store.lease({ now: 5_000, limit: 10, leaseMs: 60_000 });
        expect(item?.attempts).toBe(2);
        await store.fail(item!.id, 'HubSpot 502', 6_000, 3);
        [item] = await store.lease({ now: 6_000, limit: 10, leaseMs: 60_000 });
        expect(item?.attempts).toBe(3);
        expect(await store.listDeadLetters()).toEqual([]);
        await store.fail(item!.id, 'HubSpot 400: bad property', 7_000, 3);

        expect(await store.queueDepth()).toBe(0);
        expect(await store.lease({ now: 100_000, limit: 10, leaseMs: 60_000 })).toEqual([]);
        const dead = await store.listDeadLetters();
        expect(dead).toHaveLength(1);
        expect(dead[0]).toMatchObject({ portalId: 101, kind: 'rescore', key: '1', payload: { mergedIds: ['x'] }, attempts: 3, reason: 'HubSpot 400: bad property' });
        expect(typeof dead[0]!.failedAt).toBe('number');
        expect(await store.listDeadLetters(101)).toHaveLength(1);
        expect(await store.listDeadLetters(202)).toEqual([]);
      });

      it('when a dead-lettered key is enqueued again, then it is a fresh item', async () => {
        await store.enqueue([rescore(101, '1')]);
        const [item] = await store.lease({ now: 1_000, limit: 10, leaseMs: 1_000 });
        await store.fail(item!.id, 'bad', 1_000, 1);
        await store.enqueue([rescore(101, '1')]);
        const [fresh] = await store.lease({ now: 1_000, limit: 10, leaseMs: 1_000 });
        expect(fresh?.attempts).toBe(1);
        expect(await store.listDeadLetters()).toHaveLength(1);
      });

      it('when ids are unknown, then complete and fail do nothing', async () => {
        await store.enqueue([rescore(101, '1')]);
        await store.complete(['999999']);
        await store.fail('999999', 'x', 0, 1);
        expect(await store.queueDepth()).toBe(1);
        expect(await store.listDeadLetters()).toEqual([]);
      });

      it('when portals have due, future or leased work, then portalsWithDueWork lists only those with due unleased items', async () => {
        await store.enqueue([rescore(101, '1'), rescore(202, '1', { notBefore: 9_000 }), rescore(303, '1'), rescore(303, '2')]);
        await store.lease({ now: 1_000, limit: 1, leaseMs: 60_000, portalId: 101 });
        expect((await store.portalsWithDueWork(1_000)).sort()).toEqual([303]);
        expect((await store.portalsWithDueWork(9_000)).sort()).toEqual([202, 303]);
        expect((await store.portalsWithDueWork(61_000)).sort()).toEqual([101, 202, 303]);
      });

      it('when due portals are asked for after a portal, with a limit or kinds, then the page holds the next ones in id order', async () => {
        const portals = [505, 101, 404, 202, 303];
        await store.enqueue(portals.map((p) => rescore(p, '1')));
        await store.enqueue([{ portalId: 606, kind: 'backfill', key: 'all', notBefore: 0 }, rescore(707, '1', { notBefore: 9_000 })]);
        expect(await store.portalsWithDueWork(1_000, { after: 202, limit: 2 })).toEqual([303, 404]);
        expect(await store.portalsWithDueWork(1_000, { after: 404 })).toEqual([505, 606]);
        expect(await store.portalsWithDueWork(1_000, { limit: 3, kinds: ['rescore'] })).toEqual([101, 202, 303]);
        expect(await store.portalsWithDueWork(1_000, { kinds: ['backfill'] })).toEqual([606]);
        expect(await store.portalsWithDueWork(1_000, { after: 606 })).toEqual([]);
        expect(await store.portalsWithDueWork(1_000, { limit: 0 })).toEqual([]);
      });

      it('when items are leased, then queueDepth still counts them', async () => {
        await store.enqueue([rescore(101, '1'), rescore(101, '2')]);
        await store.lease({ now: 1_000, limit: 1, leaseMs: 1_000 });
        expect(await store.queueDepth(101)).toBe(2);
      });
    });

    describe('snapshots', () => {
      it('when snapshots are put, then get returns those asked for, keyed by contact id', async () => {
        await store.putSnapshots([snapshot(101, '1'), snapshot(101, '2'), snapshot(202, '1', { ownerId: null })]);
        const got = await store.getSnapshots(101, ['1', '3']);
        expect([...got.keys()]).toEqual(['1']);
        expect(got.get('1')).toEqual(snapshot(101, '1'));
        expect((await store.getSnapshots(202, ['1'])).get('1')?.ownerId).toBeNull();
        expect(await store.getSnapshots(101, [])).toEqual(new Map());
      });

      it('when a snapshot is put again, then it replaces the old one', async () => {
        await store.putSnapshots([snapshot(101, '1')]);
        await store.putSnapshots([snapshot(101, '1', { written: { bant_priority: 'B2' }, writtenAt: '2026-01-03T00:00:01.234Z', modelVersion: '2.0.0' })]);
        const got = (await store.getSnapshots(101, ['1'])).get('1');
        expect(got?.written).toEqual({ bant_priority: 'B2' });
        expect(got?.writtenAt).toBe('2026-01-03T00:00:01.234Z');
        expect(await store.countSnapshots(101)).toBe(1);
      });

      it('when only the results are put, then they replace those fields, keep the profile, and skip unknown contacts', async () => {
        const leadProcess = { inLeadProcess: false as const, because: 'lifecycle_stage' as const, stage: 'customer' };
        const routedTo = { ownerId: '88', reason: 'round robin' };
        await store.putSnapshots([snapshot(101, '1', { writtenAt: '2026-01-03T00:00:01.234Z', leadProcess, routedTo }), snapshot(101, '2', { ownerId: null }), snapshot(202, '1')]);

        await store.putSnapshotResults(101, [
          { contactId: '1', written: { bant_priority: 'B2' }, scoredAt: '2026-01-04T00:00:00.000Z', modelVersion: '2.0.0' },
          { contactId: '2', ownerId: '88', written: { bant_priority: 'C3' }, writtenAt: '2026-01-04T00:00:02.000Z', scoredAt: '2026-01-04T00:00:00.000Z', modelVersion: '2.0.0', leadProcess, routedTo },
          { contactId: 'unknown', written: {}, scoredAt: '2026-01-04T00:00:00.000Z', modelVersion: '2.0.0' },
        ]);

        const got = await store.getSnapshots(101, ['1', '2', 'unknown']);
        const { writtenAt: _writtenAt, leadProcess: _leadProcess, routedTo: _routedTo, ...first } = snapshot(101, '1', { routedTo });
        expect(got.get('1')).toEqual({ ...first, written: { bant_priority: 'B2' }, scoredAt: '2026-01-04T00:00:00.000Z', modelVersion: '2.0.0' });
        expect(got.get('2')).toEqual(
          snapshot(101, '2', { ownerId: '88', written: { bant_priority: 'C3' }, writtenAt: '2026-01-04T00:00:02.000Z', scoredAt: '2026-01-04T00:00:00.000Z', modelVersion: '2.0.0', leadProcess, routedTo }),
        );
        expect(got.has('unknown')).toBe(false);
        expect((await store.getSnapshots(202, ['1'])).get('1')).toEqual(snapshot(202, '1'));
        expect(await store.countSnapshots(101)).toBe(2);
      });

      it('when listing, then snapshots come in contact-id order, page after page', async () => {
        const ids = ['5', '10', '1', '2', '30', '4'];
        await store.putSnapshots(ids.map((id) => snapshot(101, id)));
        await store.putSnapshots([snapshot(202, '0')]);
        const sorted = [...ids].sort();
        const seen: string[] = [];
        let after: string | null = null;
        for (;;) {
          const page: ContactSnapshot[] = await store.listSnapshots(101, after, 4);
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(4);
          seen.push(...page.map((s) => s.contactId));
          after = page[page.length - 1]!.contactId;
        }
        expect(seen).toEqual(sorted);
        expect(await store.countSnapshots(101)).toBe(6);
        expect(await store.listSnapshots(303, null, 10)).toEqual([]);
      });

      it('when contact state is deleted, then its snapshots and task records go and others stay', async () => {
        await store.putSnapshots([snapshot(101, '1'), snapshot(101, '2'), snapshot(202, '1')]);
        await store.putTaskRecords([taskRecord(101, '1'), taskRecord(101, '1', { kind: 'escalate' }), taskRecord(101, '2'), taskRecord(202, '1')]);
        await store.deleteContactState(101, ['1', 'unknown']);
        expect([...(await store.getSnapshots(101, ['1', '2'])).keys()]).toEqual(['2']);
        expect(await store.getTaskRecords(101, ['1'])).toEqual([]);
        expect(await store.getTaskRecords(101, ['2'])).toHaveLength(1);
        expect(await store.countSnapshots(202)).toBe(1);
        expect(await store.getTaskRecords(202, ['1'])).toHaveLength(1);
      });
    });

    describe('what the console counts', () => {
      const scored = (contactId: string, written: Record<string, string>) => snapshot(101, contactId, { written });

      it('when snapshots are counted by field, then each combination of written values has its count and writes since are reflected', async () => {
        await store.putSnapshots([
          scored('1', { bant_qualification: 'mql', lifecyclestage: 'lead', bant_fit_grade: 'A', bant_engagement_tier: '1', bant_fit_score: '91' }),
          scored('2', { bant_qualification: 'mql', lifecyclestage: 'lead', bant_fit_grade: 'A', bant_engagement_tier: '1', bant_fit_score: '91' }),
          scored('3', { bant_qualification: 'sql', lifecyclestage: '', bant_lifecycle_stage: 'salesqualifiedlead', bant_fit_score: 'garbled' }),
          scored('4', {}),
          snapshot(202, '1', { written: { bant_qualification: 'sql' } }),
        ]);
        await store.putSnapshotResults(101, [{ contactId: '4', written: { bant_qualification: 'nurture', bant_fit_grade: 'C' }, scoredAt: '2026-01-04T00:00:00.000Z', modelVersion: '1.0.0' }]);
        await store.deleteContactState(101, ['2']);
        const byQualification = (counts: Awaited<ReturnType<Store['countSnapshotFields']>>) => [...counts].sort((a, b) => String(a.qualification).localeCompare(String(b.qualification)));
        expect(byQualification(await store.countSnapshotFields(101))).toEqual([
          { qualification: 'mql', stage: 'lead', grade: 'A', tier: '1', fitScore: '91', count: 1 },
          { qualification: 'nurture', grade: 'C', count: 1 },
          { qualification: 'sql', stage: 'salesqualifiedlead', fitScore: 'garbled', count: 1 },
        ]);
        await store.putSnapshots([scored('5', { bant_qualification: 'mql', lifecyclestage: 'lead', bant_fit_grade: 'A', bant_engagement_tier: '1', bant_fit_score: '91' })]);
        expect((await store.countSnapshotFields(101)).find((c) => c.qualification === 'mql')?.count).toBe(2);
        expect(await store.countSnapshotFields(303)).toEqual([]);
      });

      it('when ids are listed by combinations of values, then exactly the snapshots with one of them come, in id order', async () => {
        await store.putSnapshots([
          scored('1', { bant_qualification: 'mql', bant_fit_grade: 'A' }),
          scored('2', { bant_qualification: 'mql', bant_fit_grade: 'A', bant_fit_score: '' }),
          scored('3', { bant_qualification: 'mql', bant_fit_grade: 'B' }),
          scored('10', { bant_qualification: 'mql', bant_fit_grade: 'A' }),
          scored('4', {}),
          snapshot(202, '5', { written: { bant_qualification: 'mql', bant_fit_grade: 'A' } }),
        ]);
        expect(await store.listSnapshotIdsInGroups(101, [{ qualification: 'mql', grade: 'A' }])).toEqual(['1', '10']);
        expect(await store.listSnapshotIdsInGroups(101, [{ qualification: 'mql', grade: 'A', fitScore: '' }, {}])).toEqual(['2', '4']);
        expect(await store.listSnapshotIdsInGroups(101, [])).toEqual([]);
      });

      it('when milestones are listed, then contacts with a milestone or written as MQL or SQL come in id order, empty values absent', async () => {
        await store.putSnapshots([
          scored('7', { bant_qualification: 'sql', bant_became_mql_at: '2026-01-01T00:00:00.000Z', bant_became_sql_at: '1767312000000' }),
          scored('10', { bant_qualification: 'mql', bant_became_mql_at: '' }),
          scored('3', { bant_qualification: 'nurture', bant_became_mql_at: '2026-02-01T00:00:00.000Z' }),
          scored('4', { bant_qualification: 'nurture', bant_became_mql_at: '' }),
          scored('5', {}),
          snapshot(202, '1', { written: { bant_qualification: 'sql' } }),
        ]);
        expect(await store.listSnapshotMilestones(101)).toEqual([
          { contactId: '10', qualification: 'mql' },
          { contactId: '3', qualification: 'nurture', mqlAt: '2026-02-01T00:00:00.000Z' },
          { contactId: '7', qualification: 'sql', mqlAt: '2026-01-01T00:00:00.000Z', sqlAt: '1767312000000' },
        ]);
      });

      it('when the sample is paged, then exactly the contacts with a key below the bound come, in key order, each once', async () => {
        const ids = Array.from({ length: 300 }, (_, i) => String(5000 + i));
        await store.putSnapshots(ids.map((id) => snapshot(101, id)));
        await store.putSnapshots([snapshot(202, '5001')]);
        const below = SAMPLE_KEYS / 4;
        const seen: string[] = [];
        let after: string | null = null;
        for (;;) {
          const page: ContactSnapshot[] = await store.listSampledSnapshots(101, below, after, 16);
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(16);
          seen.push(...page.map((s) => s.contactId));
          after = page.at(-1)!.contactId;
        }
        const expected = ids.filter((id) => sampleKeyOf(id) < below).sort((a, b) => sampleKeyOf(a) - sampleKeyOf(b) || (a < b ? -1 : 1));
        expect(seen).toEqual(expected);
        expect(seen.length).toBeGreaterThan(40);
        expect(await store.listSampledSnapshots(101, SAMPLE_KEYS, null, 1000)).toHaveLength(300);
        expect(await store.listSampledSnapshots(303, below, null, 10)).toEqual([]);
      });
    });

    describe('account snapshots', () => {
      const account = (portalId: number, companyId: string, grade = 'A') => ({
        portalId,
        companyId,
        contactIds: ['1', '2'],
        result: { fit: { grade }, deciders: ['1'] },
        written: { bant_account_fit_grade: grade },
        scoredAt: '2026-11-23T10:00:00.000Z',
      });

      it('when account snapshots are put, then get returns those asked for, a second put replaces, and uninstall drops them', async () => {
        await store.putAccountSnapshots([account(101, 'c1'), account(101, 'c2'), account(202, 'c1')]);
        await store.putAccountSnapshots([account(101, 'c1', 'B')]);
        const got = await store.getAccountSnapshots(101, ['c1', 'c3']);
        expect([...got.keys()]).toEqual(['c1']);
        expect(got.get('c1')).toEqual(account(101, 'c1', 'B'));
        expect(await store.getAccountSnapshots(101, [])).toEqual(new Map());
        await store.deleteInstallation(101);
        expect((await store.getAccountSnapshots(101, ['c1', 'c2'])).size).toBe(0);
        expect((await store.getAccountSnapshots(202, ['c1'])).get('c1')).toEqual(account(202, 'c1'));
      });
    });

    describe('task records', () => {
      it('when task records are put, then get returns those of the given contacts and a put of the same kind replaces', async () => {
        await store.putTaskRecords([taskRecord(101, '1'), taskRecord(101, '1', { kind: 'qualify', taskId: undefined }), taskRecord(101, '2')]);
        await store.putTaskRecords([taskRecord(101, '1', { status: 'completed' })]);
        const got = await store.getTaskRecords(101, ['1']);
        expect(got).toHaveLength(2);
        expect(got.find((r) => r.kind === 'call_sql')?.status).toBe('completed');
        expect(got.find((r) => r.kind === 'qualify')?.taskId).toBeUndefined();
        expect(await store.getTaskRecords(101, [])).toEqual([]);
        expect(await store.getTaskRecords(202, ['1'])).toEqual([]);
      });

      it('when listing with a filter, then only matching records of the portal come back', async () => {
        await store.putTaskRecords([
          taskRecord(101, '1', { status: 'completed' }),
          taskRecord(101, '2'),
          taskRecord(101, '3', { kind: 'escalate', escalatedTaskId: 't-3' }),
          taskRecord(202, '4'),
        ]);
        expect((await store.listTaskRecords(101)).map((r) => r.contactId).sort()).toEqual(['1', '2', '3']);
        expect((await store.listTaskRecords(101, { kind: 'call_sql' })).map((r) => r.contactId).sort()).toEqual(['1', '2']);
        expect((await store.listTaskRecords(101, { status: 'open' })).map((r) => r.contactId).sort()).toEqual(['2', '3']);
        const escalations = await store.listTaskRecords(101, { kind: 'escalate', status: 'open' });
        expect(escalations).toEqual([taskRecord(101, '3', { kind: 'escalate', escalatedTaskId: 't-3' })]);
      });

      it('when task records are counted, then each kind and status of the portal has its count, as listing them would give', async () => {
        await store.putTaskRecords([
          taskRecord(101, '1', { status: 'completed' }),
          taskRecord(101, '2'),
          taskRecord(101, '3'),
          taskRecord(101, '3', { kind: 'escalate', escalatedTaskId: 't-3' }),
          taskRecord(101, '4', { status: 'deferred' }),
          taskRecord(202, '5'),
        ]);
        await store.deleteContactState(101, ['2']);
        const byKey = (counts: Array<{ kind: string; status: string; count: number }>) => [...counts].sort((a, b) => `${a.kind}/${a.status}`.localeCompare(`${b.kind}/${b.status}`));
        expect(byKey(await store.countTaskRecords(101))).toEqual([
          { kind: 'call_sql', status: 'completed', count: 1 },
          { kind: 'call_sql', status: 'deferred', count: 1 },
          { kind: 'call_sql', status: 'open', count: 1 },
          { kind: 'escalate', status: 'open', count: 1 },
        ]);
        expect(await store.countTaskRecords(303)).toEqual([]);
      });

      it('when listing by when the task was made, then a deferred record counts by the task it replaced and older records stay out', async () => {
        await store.putTaskRecords([
          taskRecord(101, '1', { createdAt: '2026-01-01T23:59:59.999Z' }),
          taskRecord(101, '2', { createdAt: '2026-01-02T00:00:00.000Z' }),
          taskRecord(101, '3', { status: 'deferred', createdAt: '2026-01-05T00:00:00.000Z', budgetedAt: '2026-01-01T12:00:00.000Z', budgetedOwnerId: '77' }),
          taskRecord(101, '4', { status: 'deferred', createdAt: '2025-12-01T00:00:00.000Z', budgetedAt: '2026-01-03T08:00:00.000Z', budgetedOwnerId: '77' }),
          taskRecord(101, '5', { status: 'deferred', createdAt: '2026-01-05T00:00:00.000Z' }),
          taskRecord(202, '6', { createdAt: '2026-01-04T00:00:00.000Z' }),
        ]);
        const since = (madeSince: string, filter = {}) => store.listTaskRecords(101, { madeSince, ...filter }).then((rs) => rs.map((r) => r.contactId).sort());
        expect(await since('2026-01-02T00:00:00.000Z')).toEqual(['2', '4']);
        expect(await since('2026-01-01T00:00:00.000Z')).toEqual(['1', '2', '3', '4']);
        expect(await since('2026-01-02T00:00:00.000Z', { status: 'deferred' })).toEqual(['4']);
        expect(await since('2026-01-04T00:00:00.000Z')).toEqual([]);
      });
    });

    describe('score history and outcomes', () => {
      it('when score changes are appended, then each contact gets its own, oldest first, with its reasons and evidence, and other portals see none', async () => {
        await store.appendScoreChanges(101, [
          { contactId: '1', change: scoreChange('2026-01-01T00:00:00.000Z') },
          { contactId: '2', change: scoreChange('2026-01-01T00:00:00.000Z', { priority: 'A1', reasons: ['+25 webinar registration'], evidence: { budget: 'Budget approved' } }) },
        ]);
        await store.appendScoreChanges(101, [{ contactId: '1', change: scoreChange('2026-01-02T00:00:00.000Z', { qualification: 'sql' }) }]);
        const history = await store.getScoreHistory(101, ['1', '2', '3']);
        expect(history.get('1')?.map((c) => c.qualification)).toEqual(['mql', 'sql']);
        expect(history.get('2')).toEqual([scoreChange('2026-01-01T00:00:00.000Z', { priority: 'A1', reasons: ['+25 webinar registration'], evidence: { budget: 'Budget approved' } })]);
        expect(history.has('3')).toBe(false);
        expect((await store.getScoreHistory(202, ['1'])).size).toBe(0);
        const latest = await store.getLatestScoreChanges(101, ['1', '2', '3']);
        expect([...latest.keys()].sort()).toEqual(['1', '2']);
        expect(latest.get('1')).toEqual(scoreChange('2026-01-02T00:00:00.000Z', { qualification: 'sql' }));
        expect(latest.get('2')?.evidence).toEqual({ budget: 'Budget approved' });
        expect((await store.getLatestScoreChanges(202, ['1'])).size).toBe(0);
      });

      it('when a contact has more changes than the limit, then only the newest are kept', async () => {
        const changes = Array.from({ length: MAX_SCORE_CHANGES_PER_CONTACT + 5 }, (_, i) => ({
          contactId: '1',
          change: scoreChange(new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(), { leadScore: String(i) }),
        }));
        await store.appendScoreChanges(101, changes.slice(0, 10));
        await store.appendScoreChanges(101, changes.slice(10));
        const kept = (await store.getScoreHistory(101, ['1'])).get('1') ?? [];
        expect(kept).toHaveLength(MAX_SCORE_CHANGES_PER_CONTACT);
        expect(kept[0]?.leadScore).toBe('5');
        expect(kept.at(-1)?.leadScore).toBe(String(MAX_SCORE_CHANGES_PER_CONTACT + 4));
        expect((await store.getLatestScoreChanges(101, ['1'])).get('1')).toEqual(kept.at(-1));
      });

      it('when an outcome of the same contact, source and deal is put again, then it replaces the first', async () => {
        await store.putOutcomes([outcome(101, '1', { outcome: 'lost' }), outcome(101, '1', { outcome: 'lost', source: 'feedback', dealId: undefined, feedback: 'lost', criterion: 'budget' }), outcome(101, '2')]);
        await store.putOutcomes([outcome(101, '1', { outcome: 'won', at: '2026-03-01T00:00:00.000Z' })]);
        const all = await store.listOutcomes(101);
        expect(all.map((o) => [o.contactId, o.source, o.outcome])).toEqual([
          ['1', 'feedback', 'lost'],
          ['1', 'deal', 'won'],
          ['2', 'deal', 'won'],
        ]);
        expect((await store.listOutcomes(101, ['2'])).map((o) => o.contactId)).toEqual(['2']);
        expect(await store.listOutcomes(202)).toEqual([]);
      });

      it('when a contact is deleted or the portal uninstalled, then its history and outcomes go with it', async () => {
        await store.putInstallation(installation(101));
        await store.appendScoreChanges(101, [
          { contactId: '1', change: scoreChange('2026-01-01T00:00:00.000Z') },
          { contactId: '2', change: scoreChange('2026-01-01T00:00:00.000Z') },
        ]);
        await store.putOutcomes([outcome(101, '1'), outcome(101, '2')]);
        await store.deleteContactState(101, ['1']);
        expect([...(await store.getScoreHistory(101, ['1', '2'])).keys()]).toEqual(['2']);
        expect((await store.listOutcomes(101)).map((o) => o.contactId)).toEqual(['2']);
        await store.deleteInstallation(101);
        expect((await store.getScoreHistory(101, ['2'])).size).toBe(0);
        expect(await store.listOutcomes(101)).toEqual([]);
      });
    });

    describe('job state and locks', () => {
      it('when job state is put, then it round-trips per portal and job, and a put replaces it', async () => {
        const state: JobState = {
          portalId: 101,
          job: 'backfill',
          cursor: 'after-123',
          progress: { done: 200, total: 1000, startedAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:01:00.000Z' },
          lastRun: { startedAt: '2026-01-01T00:00:00.000Z', ok: true, summary: 'ok' },
        };
        await store.putJobState(state);
        expect(await store.getJobState(101, 'backfill')).toEqual(state);
        expect(await store.getJobState(101, 'decay')).toBeUndefined();
        expect(await store.getJobState(202, 'backfill')).toBeUndefined();
        await store.putJobState({ portalId: 101, job: 'backfill', cursor: null });
        expect(await store.getJobState(101, 'backfill')).toEqual({ portalId: 101, job: 'backfill', cursor: null });
      });

      it('when one owner holds a lock, then another owner cannot take it until it expires', async () => {
        expect(await store.acquireLock('decay', 'a', 10_000, 1_000)).toBe(true);
        expect(await store.acquireLock('decay', 'b', 10_000, 5_000)).toBe(false);
        expect(await store.acquireLock('other', 'b', 10_000, 5_000)).toBe(true);
        expect(await store.acquireLock('decay', 'b', 10_000, 11_000)).toBe(true);
        expect(await store.acquireLock('decay', 'a', 10_000, 12_000)).toBe(false);
      });

      it('when the owner re-acquires, then its lock is extended', async () => {
        expect(await store.acquireLock('decay', 'a', 10_000, 1_000)).toBe(true);
        expect(await store.acquireLock('decay', 'a', 10_000, 8_000)).toBe(true);
        expect(await store.acquireLock('decay', 'b', 10_000, 15_000)).toBe(false);
        expect(await store.acquireLock('decay', 'b', 10_000, 18_000)).toBe(true);
      });

      it('when a lock is released, then only its owner can release it', async () => {
        expect(await store.acquireLock('decay', 'a', 10_000, 1_000)).toBe(true);
        await store.releaseLock('decay', 'b');
        expect(await store.acquireLock('decay', 'b', 10_000, 2_000)).toBe(false);
        await store.releaseLock('decay', 'a');
        expect(await store.acquireLock('decay', 'b', 10_000, 2_000)).toBe(true);
      });
    });

    it('when the store is open, then ping answers true', async () => {
      expect(await store.ping()).toBe(true);
    });
  });
}
