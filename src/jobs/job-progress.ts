// The bookkeeping of one scheduled-job run: the per-portal lock that keeps it single (across instances too),
// progress (done/total, rate, time left) in the store, the logs and /metrics, and the last result.
import type { AppContext } from '../app-context.ts';
import { INSTANCE_ID } from '../instance-id.ts';
import type { JobState, PortalId, Store } from '../store/store.ts';

export type JobName = 'backfill' | 'decay' | 'reconcile' | 'tasks';

/** A lock outlives a crashed holder by at most this long; a live holder renews it well before. */
export const LOCK_TTL_MS = 10 * 60 * 1000;
const RENEW_EVERY_MS = LOCK_TTL_MS / 3;

export const lockName = (job: JobName, portalId: PortalId) => `job:${job}:${portalId}`;

/** Lock names held by runs of this process, per store. */
const heldHere = new WeakMap<Store, Set<string>>();

export type ExclusiveOutcome<T> = { ran: true; result: T } | { ran: false };

/**
 * Runs `work` only if this instance gets the job's lock for the portal; otherwise does nothing (another run is under way).
 * The lock is renewed while `work` runs and released after it, whatever happens.
 */
export async function runExclusive<T>(
  ctx: AppContext,
  job: JobName,
  portalId: PortalId,
  work: () => Promise<T>,
  owner: string = INSTANCE_ID,
): Promise<ExclusiveOutcome<T>> {
  const name = lockName(job, portalId);
  // The store lock lets the same owner in again, so runs within this process are kept apart here.
  const held = heldHere.get(ctx.store) ?? new Set<string>();
  heldHere.set(ctx.store, held);
  if (held.has(name)) {
    ctx.log.info('job skipped: a run is under way in this instance', { job, portalId });
    return { ran: false };
  }
  held.add(name);
  try {
    return await holdStoreLock(ctx, job, portalId, owner, work);
  } finally {
    held.delete(name);
  }
}

async function holdStoreLock<T>(ctx: AppContext, job: JobName, portalId: PortalId, owner: string, work: () => Promise<T>): Promise<ExclusiveOutcome<T>> {
  const name = lockName(job, portalId);
  if (!(await ctx.store.acquireLock(name, owner, LOCK_TTL_MS, ctx.now()))) {
    ctx.log.info('job skipped: another instance holds the lock', { job, portalId });
    return { ran: false };
  }
  const renew = setInterval(() => {
    ctx.store.acquireLock(name, owner, LOCK_TTL_MS, ctx.now()).catch((error: unknown) => {
      ctx.log.warn('job lock renewal failed', { job, portalId, error });
    });
  }, RENEW_EVERY_MS);
  renew.unref();
  try {
    return { ran: true, result: await work() };
  } finally {
    clearInterval(renew);
    await ctx.store.releaseLock(name, owner);
  }
}

/** What the store keeps while a job runs; rate and time left are derived, and kept alongside for the admin console. */
export interface ProgressView {
  done: number;
  total?: number;
  startedAt: string;
  updatedAt: string;
  ratePerSecond: number;
  etaSeconds?: number;
}

export interface JobRun {
  readonly job: JobName;
  readonly portalId: PortalId;
  /** Where an interrupted run of this job stopped (null: from the start). */
  readonly resumeCursor: string | null;
  /** Contacts done before this run started (a resumed run carries them on). */
  readonly doneBefore: number;
  /** Records `count` more items done and the cursor to resume from; stored at once, so a restart resumes here. */
  advance(count: number, cursor: string | null): Promise<ProgressView>;
  setTotal(total: number): void;
  /** Stores the last result and clears progress; `cursor` is kept (a watermark) or cleared (null). */
  finish(outcome: { summary: string; cursor?: string | null }): Promise<void>;
  /** Stores the failure as the last result and keeps progress and cursor, so the next run resumes. */
  fail(error: unknown): Promise<void>;
}

const metricHelp = {
  progress: 'Share of the current run of a scheduled job that is done (0 to 1)',
  done: 'Items the current run of a scheduled job has done',
  total: 'Items the current run of a scheduled job has to do',
  rate: 'Items per second of the current run of a scheduled job',
  eta: 'Estimated seconds left in the current run of a scheduled job',
  runs: 'Finished runs of scheduled jobs, by outcome',
  lastRun: 'Unix time the last run of a scheduled job finished',
};

/** Rate since this run started and time left; undefined time left while the total or the rate is unknown. */
export function describeProgress(args: { done: number; doneBefore: number; total?: number; startedAtMs: number; nowMs: number }): {
  ratePerSecond: number;
  etaSeconds?: number;
} {
  const seconds = Math.max(0.001, (args.nowMs - args.startedAtMs) / 1000);
  const ratePerSecond = (args.done - args.doneBefore) / seconds;
  if (args.total === undefined) return { ratePerSecond };
  const left = Math.max(0, args.total - args.done);
  if (left === 0) return { ratePerSecond, etaSeconds: 0 };
  return ratePerSecond > 0 ? { ratePerSecond, etaSeconds: Math.round(left / ratePerSecond) } : { ratePerSecond };
}

/** True if the stored state is a run that started and did not finish well (a crash, a restart or a failure mid-run): progress is cleared only by a successful finish. */
export function isInterrupted(state: JobState | undefined): boolean {
  return state?.progress !== undefined;
}

export interface JobRunOptions {
  total?: number;
  /** Continue an interrupted run's count (default true); false starts the count at 0 (e.g. a new reconcile window). */
  resume?: boolean;
  /** The cursor to start from; default: the stored one (an interrupted run's position, or a finished run's watermark). */
  cursor?: string | null;
}

/** Starts (or resumes) the bookkeeping of a run; `resumeCursor` is where the work starts. */
export async function startJobRun(
  ctx: AppContext,
  job: JobName,
  portalId: PortalId,
  options: JobRunOptions = {},
): Promise<JobRun & { previous: JobState | undefined }> {
  const previous = await ctx.store.getJobState(portalId, job);
  const startedAtMs = ctx.now();
  const startedAt = new Date(startedAtMs).toISOString();
  const resuming = (options.resume ?? true) && isInterrupted(previous);
  const doneBefore = resuming ? (previous?.progress?.done ?? 0) : 0;
  const resumeCursor = options.cursor !== undefined ? options.cursor : (previous?.cursor ?? null);
  let total = options.total;
  let done = doneBefore;
  const labels = { job, portal: portalId };
  const log = ctx.log.child({ job, portalId });
  if (resuming) log.info('job resumes an interrupted run', { done, cursor: resumeCursor });

  const progressNow = (): ProgressView => {
    const nowMs = ctx.now();
    const view: ProgressView = {
      done,
      startedAt,
      updatedAt: new Date(nowMs).toISOString(),
      ...describeProgress({ done, doneBefore, startedAtMs, nowMs, ...(total === undefined ? {} : { total }) }),
    };
    if (total !== undefined) view.total = total;
    return view;
  };

  const publish = (view: ProgressView) => {
    const m = ctx.metrics;
    m.set('bant_job_progress', metricHelp.progress, total ? Math.min(1, done / total) : 0, labels);
    m.set('bant_job_items_done', metricHelp.done, done, labels);
    if (total !== undefined) m.set('bant_job_items_total', metricHelp.total, total, labels);
    m.set('bant_job_rate_per_second', metricHelp.rate, view.ratePerSecond, labels);
    if (view.etaSeconds !== undefined) m.set('bant_job_eta_seconds', metricHelp.eta, view.etaSeconds, labels);
  };

  let cursor = resumeCursor;
  const store = async (view: ProgressView | undefined, lastRun: JobState['lastRun']) => {
    const state: JobState = { portalId, job, cursor };
    if (view) state.progress = view;
    if (lastRun) state.lastRun = lastRun;
    await ctx.store.putJobState(state);
  };

  const first = progressNow();
  // Keep the previous result visible while this run is under way.
  const previousResult = previous?.lastRun?.finishedAt ? previous.lastRun : undefined;
  await store(first, previousResult);
  publish(first);

  return {
    job,
    portalId,
    resumeCursor,
    doneBefore,
    previous,
    setTotal(value) {
      total = value;
    },
    async advance(count, nextCursor) {
      done += count;
      cursor = nextCursor;
      const view = progressNow();
      await store(view, previousResult);
      publish(view);
      log.info('job progress', { done, total, ratePerSecond: Math.round(view.ratePerSecond), etaSeconds: view.etaSeconds });
      return view;
    },
    async finish({ summary, cursor: finalCursor }) {
      if (finalCursor !== undefined) cursor = finalCursor;
      const finishedAtMs = ctx.now();
      await store(undefined, { startedAt, finishedAt: new Date(finishedAtMs).toISOString(), ok: true, summary });
      publish(progressNow());
      ctx.metrics.inc('bant_job_runs_total', metricHelp.runs, { ...labels, outcome: 'ok' });
      ctx.metrics.set('bant_job_last_run_timestamp_seconds', metricHelp.lastRun, Math.floor(finishedAtMs / 1000), labels);
      log.info('job finished', { summary, done, seconds: (finishedAtMs - startedAtMs) / 1000 });
    },
    async fail(error) {
      const finishedAtMs = ctx.now();
      const message = error instanceof Error ? error.message : String(error);
      await store(progressNow(), { startedAt, finishedAt: new Date(finishedAtMs).toISOString(), ok: false, summary: message });
      ctx.metrics.inc('bant_job_runs_total', metricHelp.runs, { ...labels, outcome: 'failed' });
      log.error('job failed; the next run resumes from the stored cursor', { done, cursor, error });
    },
  };
}

/** Runs `body` inside a started run: its outcome becomes the run's last result; a failure keeps the cursor for a resume. */
export async function trackJobRun<T extends { summary: string; cursor?: string | null }>(
  ctx: AppContext,
  job: JobName,
  portalId: PortalId,
  options: JobRunOptions,
  body: (run: JobRun & { previous: JobState | undefined }) => Promise<T>,
): Promise<T> {
  const run = await startJobRun(ctx, job, portalId, options);
  try {
    const result = await body(run);
    await run.finish({ summary: result.summary, ...(result.cursor === undefined ? {} : { cursor: result.cursor }) });
    return result;
  } catch (error) {
    await run.fail(error);
    throw error;
  }
}
