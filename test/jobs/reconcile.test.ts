import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BACKFILL_ACTIVE_MS, isOwnLatestWrite, RECONCILE_OVERLAP_MS, runReconcile } from '../../src/jobs/reconcile.ts';
import { contactIds, createJobHarness, type JobHarness, PORTAL, snapshotOf } from './job-fixtures.ts';

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
/** The job harness's installation time. */
const INSTALLED_AT = '2026-03-01T08:00:00Z';

describe('runReconcile', () => {
  let h: JobHarness;
  beforeEach(async () => {
    pipeline.calls.length = 0;
    pipeline.during = async () => {};
    h = await createJobHarness({ now: Date.parse('2026-03-02T09:00:00Z') });
  });
  const iso = (offsetMs: number) => new Date(h.clock.now + offsetMs).toISOString();

  it('when it runs for the first time, then it searches from the install, rescores what changed in batches and stores the watermark', async () => {
    h.client.modifiedIds = contactIds(230);

    await runReconcile(h.ctx, PORTAL);

    expect(h.client.searchWindows).toEqual([{ since: Date.parse(INSTALLED_AT), until: h.clock.now }]);
    expect(pipeline.calls.map((c) => [c.ids.length, c.reason])).toEqual([
      [100, 'reconcile'],
      [100, 'reconcile'],
      [30, 'reconcile'],
    ]);
    const state = await h.store.getJobState(PORTAL, 'reconcile');
    expect(state?.cursor).toBe(String(h.clock.now));
    expect(state?.lastRun?.summary).toMatch(/^230 modified contacts rescored/);
  });

  it('when companies were modified in the window, then the same window is searched and each becomes one company item for the worker', async () => {
    let woken = 0;
    h.ctx.notifyWork = () => {
      woken += 1;
    };
    h.client.modifiedCompanyIds = ['c-1', 'c-2', 'c-3'];

    const outcome = await runReconcile(h.ctx, PORTAL);

    expect(h.client.companySearchWindows).toEqual(h.client.searchWindows);
    const queued = await h.store.lease({ now: h.clock.now, limit: 10, leaseMs: 60_000, portalId: PORTAL });
    expect(queued.map((item) => [item.kind, item.key]).sort()).toEqual([
      ['company', 'c-1'],
      ['company', 'c-2'],
      ['company', 'c-3'],
    ]);
    expect(woken).toBe(1);
    expect(outcome).toMatchObject({ ran: true, result: { companies: 3, contacts: 0 } });
    expect(pipeline.calls).toEqual([]);
  });

  it('when the company search fails, then nothing is queued and the watermark stays', async () => {
    h.client.modifiedIds = contactIds(3);
    h.client.searchModifiedCompanyIds = async () => {
      throw new Error('HubSpot 502 on companies/search');
    };

    await expect(runReconcile(h.ctx, PORTAL)).rejects.toThrow(/companies\/search/);

    expect((await h.store.getJobState(PORTAL, 'reconcile'))?.cursor ?? null).toBeNull();
    expect(await h.store.queueDepth(PORTAL)).toBe(0);
  });

  it('when the latest change of a contact is the app’s own write, then it is not read again; any later or unknown change is', async () => {
    const wrote = Date.parse('2026-03-02T08:30:00.000Z');
    const ids = contactIds(6);
    const [ownWrite, sameMs, repLater, neverWritten, noTime, noWriteTime] = ids as [string, string, string, string, string, string];
    h.client.modifiedIds = ids;
    h.client.modifiedAt = new Map([
      [ownWrite, wrote - 1],
      [sameMs, wrote],
      [repLater, wrote + 1],
      [neverWritten, wrote],
      [noWriteTime, wrote - 60_000],
    ]);
    const writtenAt = new Date(wrote).toISOString();
    await h.store.putSnapshots([
      snapshotOf(ownWrite, { writtenAt }),
      snapshotOf(sameMs, { writtenAt }),
      snapshotOf(repLater, { writtenAt }),
      snapshotOf(noTime, { writtenAt }),
      snapshotOf(noWriteTime),
    ]);

    const outcome = await runReconcile(h.ctx, PORTAL);

    expect(pipeline.calls.map((c) => c.ids)).toEqual([[repLater, neverWritten, noTime, noWriteTime]]);
    expect(outcome).toMatchObject({ ran: true, result: { contacts: 4, ownWrites: 2 } });
    expect((await h.store.getJobState(PORTAL, 'reconcile'))?.lastRun?.summary).toMatch(/^4 modified contacts rescored, 2 skipped as the app's own writes/);
  });

  it('when most contacts found are the app’s own writes, then the rest are still read in full batches of 100', async () => {
    const wrote = Date.parse('2026-03-02T08:30:00.000Z');
    const ids = contactIds(450);
    h.client.modifiedIds = ids;
    h.client.modifiedAt = new Map(ids.map((id) => [id, wrote]));
    // Every third contact was changed by someone else after the app wrote it.
    const own = ids.filter((_, i) => i % 3 !== 0);
    await h.store.putSnapshots(ids.map((id) => snapshotOf(id, { writtenAt: new Date(own.includes(id) ? wrote : wrote - 1).toISOString() })));

    await runReconcile(h.ctx, PORTAL);

    expect(pipeline.calls.map((c) => c.ids.length)).toEqual([100, 50]);
    expect(pipeline.calls.flatMap((c) => c.ids)).toEqual(ids.filter((_, i) => i % 3 === 0));
    expect(h.metrics.get('bant_job_items_total', { job: 'reconcile', portal: PORTAL })).toBe(150);
  });

  it('when it runs again, then the window starts at the last watermark less the index-lag overlap', async () => {
    await runReconcile(h.ctx, PORTAL);
    const watermark = h.clock.now;
    h.clock.now += HOUR;

    await runReconcile(h.ctx, PORTAL);

    expect(h.client.searchWindows[1]).toEqual({ since: watermark - RECONCILE_OVERLAP_MS, until: h.clock.now });
    expect((await h.store.getJobState(PORTAL, 'reconcile'))?.cursor).toBe(String(h.clock.now));
  });

  it('when the portal was installed minutes ago and its backfill is done, then the first window starts at the install', async () => {
    await h.store.updateInstallation(PORTAL, { installedAt: new Date(h.clock.now - 10 * 60_000).toISOString() });
    await h.store.putJobState({ portalId: PORTAL, job: 'backfill', cursor: null, lastRun: { startedAt: iso(-9 * 60_000), finishedAt: iso(-60_000), ok: true } });

    await runReconcile(h.ctx, PORTAL);

    expect(h.client.searchWindows[0]?.since).toBe(h.clock.now - 10 * 60_000);
  });

  it('when the backfill is under way or about to start, then the sweep searches nothing and keeps the watermark for later', async () => {
    await runReconcile(h.ctx, PORTAL);
    const watermark = (await h.store.getJobState(PORTAL, 'reconcile'))?.cursor;
    h.clock.now += HOUR;
    await h.store.putJobState({ portalId: PORTAL, job: 'backfill', cursor: '500', progress: { done: 500, total: 9000, startedAt: iso(-HOUR), updatedAt: iso(-5_000) } });

    await runReconcile(h.ctx, PORTAL);

    expect(h.client.searchWindows).toHaveLength(1);
    expect((await h.store.getJobState(PORTAL, 'reconcile'))?.cursor).toBe(watermark);

    await h.store.putJobState({ portalId: PORTAL, job: 'backfill', cursor: null, lastRun: { startedAt: iso(-HOUR), finishedAt: iso(0), ok: true } });
    await runReconcile(h.ctx, PORTAL);
    expect(h.client.searchWindows[1]).toEqual({ since: Number(watermark) - RECONCILE_OVERLAP_MS, until: h.clock.now });
  });

  it('when a portal was installed a minute ago and its backfill has not begun, then the sweep waits for it', async () => {
    await h.store.updateInstallation(PORTAL, { installedAt: iso(-60_000) });

    await runReconcile(h.ctx, PORTAL);

    expect(h.client.searchWindows).toHaveLength(0);
  });

  it('when a backfill has not moved for longer than BACKFILL_ACTIVE_MS, then reconciliation no longer waits for it', async () => {
    await h.store.putJobState({ portalId: PORTAL, job: 'backfill', cursor: '500', progress: { done: 500, startedAt: iso(-HOUR), updatedAt: iso(-BACKFILL_ACTIVE_MS - 1) } });

    await runReconcile(h.ctx, PORTAL);

    expect(h.client.searchWindows).toHaveLength(1);
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
    expect(h.client.calls.searchModifiedContacts).toBe(1);
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

describe('isOwnLatestWrite', () => {
  const at = '2026-03-02T08:30:00.000Z';
  it('when HubSpot’s times are missing or unreadable, then the contact counts as changed elsewhere', () => {
    expect(isOwnLatestWrite({ id: '1', modifiedAt: Date.parse(at) }, at)).toBe(true);
    expect(isOwnLatestWrite({ id: '1', modifiedAt: Date.parse(at) + 1 }, at)).toBe(false);
    expect(isOwnLatestWrite({ id: '1' }, at)).toBe(false);
    expect(isOwnLatestWrite({ id: '1', modifiedAt: Date.parse(at) }, undefined)).toBe(false);
    expect(isOwnLatestWrite({ id: '1', modifiedAt: Date.parse(at) }, 'yesterday')).toBe(false);
  });
});
