import { beforeEach, describe, expect, it, vi } from 'vitest';
import { RECONCILE_OVERLAP_MS, runReconcile } from '../../src/jobs/reconcile.ts';
import { contactIds, createJobHarness, type JobHarness, PORTAL } from './job-fixtures.ts';

const pipeline = vi.hoisted(() => ({
  calls: [] as Array<{ ids: string[]; reason: string | undefined }>,
  during: async (): Promise<void> => {},
}));

vi.mock('../../src/jobs/rescore-contacts.ts', () => ({
  rescoreContacts: vi.fn(async (_ctx: unknown, _portalId: number, ids: string[], options?: { reason?: string }) => {
    pipeline.calls.push({ ids: [...ids], reason: options?.reason });
    await pipeline.during();
    return {};
  }),
  applyResults: vi.fn(async () => ({})),
}));

const HOUR = 60 * 60 * 1000;

describe('runReconcile', () => {
  let h: JobHarness;
  beforeEach(async () => {
    pipeline.calls.length = 0;
    pipeline.during = async () => {};
    h = await createJobHarness({ now: Date.parse('2026-03-02T09:00:00Z') });
  });

  it('when it runs for the first time, then it searches the last hour, rescores what changed in batches and stores the watermark', async () => {
    h.client.modifiedIds = contactIds(230);

    await runReconcile(h.ctx, PORTAL);

    expect(h.client.searchWindows).toEqual([{ since: h.clock.now - HOUR, until: h.clock.now }]);
    expect(pipeline.calls.map((c) => [c.ids.length, c.reason])).toEqual([
      [100, 'reconcile'],
      [100, 'reconcile'],
      [30, 'reconcile'],
    ]);
    const state = await h.store.getJobState(PORTAL, 'reconcile');
    expect(state?.cursor).toBe(String(h.clock.now));
    expect(state?.lastRun?.summary).toMatch(/^230 modified contacts rescored/);
  });

  it('when it runs again, then the window starts at the last watermark less the index-lag overlap', async () => {
    await runReconcile(h.ctx, PORTAL);
    const watermark = h.clock.now;
    h.clock.now += HOUR;

    await runReconcile(h.ctx, PORTAL);

    expect(h.client.searchWindows[1]).toEqual({ since: watermark - RECONCILE_OVERLAP_MS, until: h.clock.now });
    expect((await h.store.getJobState(PORTAL, 'reconcile'))?.cursor).toBe(String(h.clock.now));
  });

  it('when the portal was installed minutes ago, then the first window starts at the install', async () => {
    const installation = await h.store.getInstallation(PORTAL);
    await h.store.putInstallation({ ...installation!, installedAt: new Date(h.clock.now - 10 * 60_000).toISOString() });

    await runReconcile(h.ctx, PORTAL);

    expect(h.client.searchWindows[0]?.since).toBe(h.clock.now - 10 * 60_000);
  });

  it('when a sweep stops mid-way, then the watermark stays and the next sweep searches the same window again', async () => {
    await runReconcile(h.ctx, PORTAL);
    const watermark = h.clock.now;
    h.clock.now += HOUR;
    h.client.modifiedIds = contactIds(250);
    pipeline.during = async () => {
      if (pipeline.calls.length === 2) throw new Error('HubSpot 502');
    };

    await expect(runReconcile(h.ctx, PORTAL)).rejects.toThrow(/502/);
    const failed = await h.store.getJobState(PORTAL, 'reconcile');
    expect(failed?.cursor).toBe(String(watermark));
    expect(failed?.lastRun).toMatchObject({ ok: false, summary: 'HubSpot 502' });

    pipeline.during = async () => {};
    h.clock.now += 60_000;
    await runReconcile(h.ctx, PORTAL);
    expect(h.client.searchWindows[2]?.since).toBe(watermark - RECONCILE_OVERLAP_MS);
    expect((await h.store.getJobState(PORTAL, 'reconcile'))?.cursor).toBe(String(h.clock.now));
  });

  it('when two sweeps start at once, then one searches and rescores', async () => {
    h.client.modifiedIds = contactIds(20);

    const outcomes = await Promise.all([runReconcile(h.ctx, PORTAL), runReconcile(h.ctx, PORTAL)]);

    expect(outcomes.map((o) => o.ran).sort()).toEqual([false, true]);
    expect(h.client.calls.searchModifiedContactIds).toBe(1);
    expect(pipeline.calls).toHaveLength(1);
  });

  it('when it runs, then progress counts the contacts of this window', async () => {
    h.client.modifiedIds = contactIds(150);
    pipeline.during = async () => {
      h.clock.now += 500;
    };

    await runReconcile(h.ctx, PORTAL);

    const labels = { job: 'reconcile', portal: PORTAL };
    expect(h.metrics.get('bant_job_items_done', labels)).toBe(150);
    expect(h.metrics.get('bant_job_items_total', labels)).toBe(150);
    expect(h.logs.find((l) => l.msg === 'job progress' && l.job === 'reconcile')).toMatchObject({ done: 100, ratePerSecond: 200 });
  });
});
