import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BACKFILL_RECHECK_MS, handleBackfills } from '../../src/jobs/handle-backfills.ts';
import { LOCK_TTL_MS, lockName } from '../../src/jobs/job-progress.ts';
import { rescoreContacts } from '../../src/jobs/rescore-contacts.ts';
import type { LeasedItem } from '../../src/store/store.ts';
import { contactIds, createJobHarness, type JobHarness, PORTAL } from './job-fixtures.ts';

const rescored = vi.hoisted(() => [] as string[][]);
vi.mock('../../src/jobs/rescore-contacts.ts', () => ({
  rescoreContacts: vi.fn(async (_ctx: unknown, _portalId: number, ids: string[]) => {
    rescored.push([...ids]);
    return { contacts: ids.length };
  }),
  applyResults: vi.fn(async () => ({})),
}));

async function leaseBackfill(h: JobHarness): Promise<LeasedItem[]> {
  return h.store.lease({ now: h.clock.now, limit: 10, leaseMs: 60_000, kinds: ['backfill'] });
}

describe('handleBackfills', () => {
  let h: JobHarness;
  beforeEach(async () => {
    rescored.length = 0;
    h = await createJobHarness();
    h.client.contactIds = contactIds(150);
    await h.store.enqueue([{ portalId: PORTAL, kind: 'backfill', key: 'all', notBefore: h.clock.now }]);
  });

  it('when no other run holds the portal, then the backfill runs and the request is done', async () => {
    const items = await leaseBackfill(h);
    await handleBackfills(h.ctx, PORTAL, items);
    await h.store.complete(items.map((i) => i.id));

    expect(rescored.flat()).toHaveLength(150);
    expect(await h.store.queueDepth(PORTAL)).toBe(0);
  });

  it('when another instance holds the backfill lock and then dies, then the request stays queued and the backfill runs once the lock expires', async () => {
    expect(await h.store.acquireLock(lockName('backfill', PORTAL), 'other-instance', LOCK_TTL_MS, h.clock.now)).toBe(true);
    const items = await leaseBackfill(h);
    await handleBackfills(h.ctx, PORTAL, items);
    await h.store.complete(items.map((i) => i.id));

    expect(rescored).toEqual([]);
    expect(await h.store.queueDepth(PORTAL)).toBe(1);
    expect(await leaseBackfill(h)).toEqual([]);

    h.clock.now += LOCK_TTL_MS + BACKFILL_RECHECK_MS;
    const retry = await leaseBackfill(h);
    expect(retry).toHaveLength(1);
    await handleBackfills(h.ctx, PORTAL, retry);
    await h.store.complete(retry.map((i) => i.id));

    expect(rescored.flat()).toHaveLength(150);
    expect(await h.store.queueDepth(PORTAL)).toBe(0);
  });

  it('when the app shuts down mid-run, then the run stops after its page, stays queued without a counted attempt and the next run resumes there', async () => {
    const stopping = new AbortController();
    h.ctx.stopSignal = stopping.signal;
    vi.mocked(rescoreContacts).mockImplementationOnce(async (_ctx, _portalId, ids) => {
      rescored.push([...ids]);
      stopping.abort();
      return { contacts: ids.length } as never;
    });
    const items = await leaseBackfill(h);
    await handleBackfills(h.ctx, PORTAL, items);
    await h.store.complete(items.map((i) => i.id));

    expect(rescored.flat()).toHaveLength(100);
    expect((await h.store.getJobState(PORTAL, 'backfill'))?.progress?.done).toBe(100);
    h.ctx.stopSignal = undefined;
    const resumed = await leaseBackfill(h);
    expect(resumed).toMatchObject([{ attempts: 1, payload: { reason: 'resume' } }]);
    await handleBackfills(h.ctx, PORTAL, resumed);
    await h.store.complete(resumed.map((i) => i.id));

    expect(rescored.flat()).toEqual(contactIds(150));
    expect(await h.store.queueDepth(PORTAL)).toBe(0);
  });

  it('when a run that started after the request has finished meanwhile, then the request is done without another run', async () => {
    const items = await leaseBackfill(h);
    h.clock.now += 1000;
    await h.store.putJobState({
      portalId: PORTAL,
      job: 'backfill',
      cursor: null,
      lastRun: { startedAt: new Date(h.clock.now).toISOString(), finishedAt: new Date(h.clock.now + 5000).toISOString(), ok: true },
    });
    await handleBackfills(h.ctx, PORTAL, items);
    await h.store.complete(items.map((i) => i.id));

    expect(rescored).toEqual([]);
    expect(await h.store.queueDepth(PORTAL)).toBe(0);
  });
});
