import { beforeEach, describe, expect, it, vi } from 'vitest';
import { runBackfill } from '../../src/jobs/backfill.ts';
import { LOCK_TTL_MS, lockName } from '../../src/jobs/job-progress.ts';
import { resumeInterruptedBackfills } from '../../src/jobs/scheduler.ts';
import { contactIds, createJobHarness, type JobHarness, PORTAL } from './job-fixtures.ts';

type Call = { ids: string[]; reason: string | undefined };
const pipeline = vi.hoisted(() => ({
  calls: [] as Array<{ ids: string[]; reason: string | undefined }>,
  /** Runs inside each rescore call (time passing, failures, inspection). */
  during: async (_call: { ids: string[]; reason: string | undefined }): Promise<void> => {},
}));

vi.mock('../../src/jobs/rescore-contacts.ts', () => ({
  rescoreContacts: vi.fn(async (_ctx: unknown, _portalId: number, ids: string[], options?: { reason?: string }) => {
    const call = { ids: [...ids], reason: options?.reason };
    pipeline.calls.push(call);
    await pipeline.during(call);
    return { contacts: ids.length };
  }),
  applyResults: vi.fn(async () => ({})),
}));

const rescored = (calls: Call[], reason = 'backfill') => calls.filter((c) => c.reason === reason).flatMap((c) => c.ids);

describe('runBackfill', () => {
  let h: JobHarness;
  beforeEach(async () => {
    pipeline.calls.length = 0;
    pipeline.during = async () => {};
    h = await createJobHarness();
    h.client.contactIds = contactIds(250);
  });

  it('when a portal has 250 contacts, then all are rescored in batches of at most 100 through the list endpoint, not search', async () => {
    const outcome = await runBackfill(h.ctx, PORTAL);

    expect(outcome.ran).toBe(true);
    expect(pipeline.calls.map((c) => c.ids.length)).toEqual([100, 100, 50]);
    expect(rescored(pipeline.calls)).toEqual(h.client.contactIds);
    expect(h.client.calls.searchModifiedContacts).toBeUndefined();
    const state = await h.store.getJobState(PORTAL, 'backfill');
    expect(state?.cursor).toBeNull();
    expect(state?.progress).toBeUndefined();
    expect(state?.lastRun).toMatchObject({ ok: true, summary: expect.stringMatching(/^250 contacts rescored/) });
  });

  it('when the run stops after two batches, then the next run resumes at the stored cursor and rescores each contact once', async () => {
    pipeline.during = async (call) => {
      if (pipeline.calls.length === 3) throw new Error(`instance stopped during batch starting ${call.ids[0]}`);
    };
    await expect(runBackfill(h.ctx, PORTAL)).rejects.toThrow(/instance stopped/);
    const stopped = await h.store.getJobState(PORTAL, 'backfill');
    expect(stopped?.cursor).toBe('200');
    expect(stopped?.progress).toMatchObject({ done: 200, total: 250 });
    expect(stopped?.lastRun).toMatchObject({ ok: false });

    // A restart: the scheduler finds the interrupted run and queues it; the queue worker calls runBackfill again.
    expect(await resumeInterruptedBackfills(h.ctx)).toEqual([PORTAL]);
    expect(await h.store.queueDepth(PORTAL)).toBe(1);
    pipeline.during = async () => {};
    const firstRunIds = rescored(pipeline.calls).slice(0, 200);
    pipeline.calls.length = 0;
    const outcome = await runBackfill(h.ctx, PORTAL);

    expect(outcome.ran).toBe(true);
    expect(rescored(pipeline.calls)).toEqual(h.client.contactIds.slice(200));
    expect([...firstRunIds, ...rescored(pipeline.calls)]).toEqual(h.client.contactIds);
    const state = await h.store.getJobState(PORTAL, 'backfill');
    expect(state?.lastRun?.summary).toMatch(/250 contacts rescored \(resumed after 200\)/);
  });

  it('when the instance running it died holding the lock, then another instance takes over after the lock expires and resumes', async () => {
    await h.store.putJobState({
      portalId: PORTAL,
      job: 'backfill',
      cursor: '100',
      progress: { done: 100, total: 250, startedAt: '2026-03-02T08:00:00Z', updatedAt: '2026-03-02T08:10:00Z' },
    });
    await h.store.acquireLock(lockName('backfill', PORTAL), 'dead-instance', LOCK_TTL_MS, h.clock.now);

    expect((await runBackfill(h.ctx, PORTAL)).ran).toBe(false);
    expect(pipeline.calls).toEqual([]);

    h.clock.now += LOCK_TTL_MS + 1;
    expect((await runBackfill(h.ctx, PORTAL)).ran).toBe(true);
    expect(rescored(pipeline.calls)).toEqual(h.client.contactIds.slice(100));
  });

  it('when two backfills start at once, then one does the work and every contact is rescored once', async () => {
    const [a, b] = await Promise.all([runBackfill(h.ctx, PORTAL), runBackfill(h.ctx, PORTAL)]);

    expect([a.ran, b.ran].sort()).toEqual([false, true]);
    expect(rescored(pipeline.calls)).toEqual(h.client.contactIds);
  });

  it('when a new model is activated, then the backfill starts from the first contact even if one was interrupted', async () => {
    await h.store.putJobState({
      portalId: PORTAL,
      job: 'backfill',
      cursor: '200',
      progress: { done: 200, total: 250, startedAt: '2026-03-02T08:00:00Z', updatedAt: '2026-03-02T08:10:00Z' },
    });

    await runBackfill(h.ctx, PORTAL, { reason: 'model_activated' });

    expect(rescored(pipeline.calls, 'model_activated')).toEqual(h.client.contactIds);
  });

  it('when batches take a second each, then progress shows done/total, rate and time left in the store, metrics and logs', async () => {
    const seen: Array<Record<string, unknown> | undefined> = [];
    pipeline.during = async () => {
      seen.push((await h.store.getJobState(PORTAL, 'backfill'))?.progress as Record<string, unknown> | undefined);
      h.clock.now += 1000;
    };

    await runBackfill(h.ctx, PORTAL);

    // Seen during the third batch: two batches (200 contacts) done in 2 s, 50 left.
    expect(seen[2]).toMatchObject({ done: 200, total: 250, ratePerSecond: 100, etaSeconds: 1 });
    const labels = { job: 'backfill', portal: PORTAL };
    expect(h.metrics.get('bant_job_progress', labels)).toBe(1);
    expect(h.metrics.get('bant_job_items_done', labels)).toBe(250);
    expect(h.metrics.get('bant_job_items_total', labels)).toBe(250);
    expect(h.metrics.get('bant_job_runs_total', { ...labels, outcome: 'ok' })).toBe(1);
    expect(await h.metrics.render()).toMatch(/bant_job_progress\{job="backfill",portal="4711"\} 1/);
    const progressLines = h.logs.filter((l) => l.msg === 'job progress');
    expect(progressLines.map((l) => l.done)).toEqual([100, 200, 250]);
    expect(progressLines[0]).toMatchObject({ total: 250, ratePerSecond: 100, etaSeconds: 2 });
  });

  it('when webhook rescores are due during a backfill, then they are served before the next batch and leave the queue', async () => {
    const now = h.clock.now;
    await h.store.enqueue([
      { portalId: PORTAL, kind: 'rescore', key: 'live-1', notBefore: now },
      { portalId: PORTAL, kind: 'rescore', key: 'live-2', notBefore: now },
      { portalId: PORTAL, kind: 'rescore', key: 'later', notBefore: now + 60_000 },
      { portalId: PORTAL + 1, kind: 'rescore', key: 'other-portal', notBefore: now },
    ]);

    await runBackfill(h.ctx, PORTAL);

    expect(pipeline.calls[0]).toEqual({ ids: ['live-1', 'live-2'], reason: 'webhook' });
    expect(pipeline.calls[1]?.reason).toBe('backfill');
    expect(await h.store.queueDepth(PORTAL)).toBe(1);
    expect(await h.store.queueDepth(PORTAL + 1)).toBe(1);
    expect((await h.store.getJobState(PORTAL, 'backfill'))?.lastRun?.summary).toMatch(/2 live rescores served/);
  });

  it('when a webhook rescore fails during a backfill, then it goes back to the queue for a retry and the backfill goes on', async () => {
    await h.store.enqueue([{ portalId: PORTAL, kind: 'rescore', key: 'live-1', notBefore: h.clock.now }]);
    pipeline.during = async (call) => {
      if (call.reason === 'webhook') throw new Error('HubSpot 502');
    };

    const outcome = await runBackfill(h.ctx, PORTAL);

    expect(outcome.ran).toBe(true);
    expect(rescored(pipeline.calls)).toEqual(h.client.contactIds);
    expect(await h.store.queueDepth(PORTAL)).toBe(1);
    expect(await h.store.lease({ now: h.clock.now, limit: 10, leaseMs: 1000, portalId: PORTAL })).toEqual([]);
  });
});
