import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { runExclusive } from '../../src/jobs/job-progress.ts';
import { SCHEDULED_JOBS, type ScheduledJob, type Scheduler, startScheduler } from '../../src/jobs/scheduler.ts';
import { createJobHarness, type JobHarness, PORTAL } from './job-fixtures.ts';

const SCHEDULES = { CRON_RECONCILE: '0 * * * *', CRON_DECAY: '30 3 * * *', CRON_TASKS: '*/5 * * * *' };
const OTHER_PORTAL = PORTAL + 1;
const INACTIVE_PORTAL = PORTAL + 2;

/** The real job list with each job's work replaced by a recorder. */
function recordingJobs(runs: Array<{ job: string; at: string; portalId: number }>, workMs = 0): ScheduledJob[] {
  return SCHEDULED_JOBS.map((job) => ({
    ...job,
    run: (ctx, portalId) =>
      runExclusive(ctx, job.job, portalId, async () => {
        runs.push({ job: job.job, at: new Date(Date.now()).toISOString().slice(11, 16), portalId });
        if (workMs) await new Promise((resolve) => setTimeout(resolve, workMs));
      }),
  }));
}

describe('startScheduler', () => {
  let h: JobHarness;
  const schedulers: Scheduler[] = [];
  beforeEach(async () => {
    vi.useFakeTimers({ now: new Date('2026-03-02T02:58:00Z') });
    h = await createJobHarness({ env: SCHEDULES, realClock: true });
    const installation = (await h.store.getInstallation(PORTAL))!;
    await h.store.putInstallation({ ...installation, portalId: OTHER_PORTAL });
    await h.store.putInstallation({ ...installation, portalId: INACTIVE_PORTAL, status: 'inactive' });
  });
  afterEach(async () => {
    // Runs under way finish while the fake clock moves on.
    const stopping = Promise.all(schedulers.splice(0).map((s) => s.stop()));
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    await stopping;
    vi.useRealTimers();
  });

  it('when the clock passes the configured times, then each job runs at its schedule for every active portal', async () => {
    const runs: Array<{ job: string; at: string; portalId: number }> = [];
    schedulers.push(startScheduler(h.ctx, { timezone: 'UTC', jobs: recordingJobs(runs) }));

    await vi.advanceTimersByTimeAsync(63 * 60_000);

    const times = (job: string, portalId = PORTAL) => runs.filter((r) => r.job === job && r.portalId === portalId).map((r) => r.at);
    expect(times('decay')).toEqual(['03:30']);
    expect(times('reconcile')).toEqual(['03:00', '04:00']);
    expect(times('tasks')).toEqual(['03:00', '03:05', '03:10', '03:15', '03:20', '03:25', '03:30', '03:35', '03:40', '03:45', '03:50', '03:55', '04:00']);
    expect(times('decay', OTHER_PORTAL)).toEqual(['03:30']);
    expect(runs.filter((r) => r.portalId === INACTIVE_PORTAL)).toEqual([]);
  });

  it('when a schedule has a leading seconds field, then it is honoured', async () => {
    const runs: Array<{ job: string; at: string; portalId: number }> = [];
    const ctx = { ...h.ctx, config: { ...h.ctx.config, CRON_TASKS: '30 */20 * * * *' } };
    schedulers.push(startScheduler(ctx, { timezone: 'UTC', jobs: recordingJobs(runs).filter((j) => j.job === 'tasks') }));

    await vi.advanceTimersByTimeAsync(45 * 60_000);

    expect(runs.filter((r) => r.portalId === PORTAL).map((r) => r.at)).toEqual(['03:00', '03:20', '03:40']);
  });

  it('when two instances share the store and a run outlasts the next tick, then each portal runs once at a time', async () => {
    const runs: Array<{ job: string; at: string; portalId: number }> = [];
    // Each tasks run takes 7 minutes, longer than the 5-minute schedule; two schedulers stand for two instances.
    const jobs = recordingJobs(runs, 7 * 60_000).filter((j) => j.job === 'tasks');
    schedulers.push(startScheduler(h.ctx, { timezone: 'UTC', jobs }), startScheduler(h.ctx, { timezone: 'UTC', jobs }));

    await vi.advanceTimersByTimeAsync(22 * 60_000);

    expect(runs.filter((r) => r.portalId === PORTAL).map((r) => r.at)).toEqual(['03:00', '03:10', '03:20']);
    expect(h.logs.some((l) => String(l.msg).startsWith('job skipped'))).toBe(true);
  });

  it('when stopped, then no job runs afterwards and a run under way is awaited', async () => {
    const runs: Array<{ job: string; at: string; portalId: number }> = [];
    const scheduler = startScheduler(h.ctx, { timezone: 'UTC', jobs: recordingJobs(runs, 60_000) });
    await vi.advanceTimersByTimeAsync(2 * 60_000 + 10_000);
    let stopped = false;
    const stopping = scheduler.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(stopped).toBe(false);

    await vi.advanceTimersByTimeAsync(60 * 60_000);
    await stopping;

    expect(stopped).toBe(true);
    expect(new Set(runs.map((r) => r.at))).toEqual(new Set(['03:00']));
  });

  it('when it starts and a backfill was interrupted, then the backfill is queued to resume', async () => {
    await h.store.putJobState({
      portalId: OTHER_PORTAL,
      job: 'backfill',
      cursor: '300',
      progress: { done: 300, total: 1000, startedAt: '2026-03-02T01:00:00Z', updatedAt: '2026-03-02T01:05:00Z' },
    });
    const notify = vi.fn();

    schedulers.push(startScheduler({ ...h.ctx, notifyWork: notify }, { timezone: 'UTC', jobs: [] }));
    await vi.advanceTimersByTimeAsync(0);

    const items = await h.store.lease({ now: Date.now(), limit: 10, leaseMs: 1000 });
    expect(items.map((i) => [i.portalId, i.kind, i.key])).toEqual([[OTHER_PORTAL, 'backfill', 'all']]);
    expect(notify).toHaveBeenCalled();
  });

  it('when an expression is one node-cron rejects, then start-up stops with an error naming the setting', () => {
    const ctx = { ...h.ctx, config: { ...h.ctx.config, CRON_DECAY: '75 3 * * *' } };

    expect(() => startScheduler(ctx)).toThrow(ConfigError);
    expect(() => startScheduler(ctx)).toThrow(/CRON_DECAY: node-cron rejects "75 3 \* \* \*"/);
  });

  it('when started with the defaults, then reconcile, decay and tasks follow CRON_RECONCILE, CRON_DECAY and CRON_TASKS', () => {
    expect(SCHEDULED_JOBS.map((j) => [j.job, j.setting])).toEqual([
      ['reconcile', 'CRON_RECONCILE'],
      ['decay', 'CRON_DECAY'],
      ['tasks', 'CRON_TASKS'],
    ]);
  });
});
