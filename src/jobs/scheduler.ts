// Starts the scheduled jobs with node-cron: each one's schedule comes from its CRON_* setting (docs/contract.md §1), and each
// tick runs the job for every active portal, once at a time per portal (the lock in job-progress.ts).
import cron, { type Logger as CronLogger, type ScheduledTask } from 'node-cron';
import type { AppContext } from '../app-context.ts';
import { ConfigError } from '../errors.ts';
import type { PortalId } from '../store/store.ts';
import { runDecay } from './decay.ts';
import { isInterrupted, type JobName } from './job-progress.ts';
import { runReconcile } from './reconcile.ts';
import { runTaskChecks } from './sla.ts';

type CronSetting = 'CRON_RECONCILE' | 'CRON_DECAY' | 'CRON_TASKS';

export interface ScheduledJob {
  job: JobName;
  setting: CronSetting;
  run: (ctx: AppContext, portalId: PortalId) => Promise<unknown>;
}

export const SCHEDULED_JOBS: readonly ScheduledJob[] = [
  { job: 'reconcile', setting: 'CRON_RECONCILE', run: runReconcile },
  { job: 'decay', setting: 'CRON_DECAY', run: runDecay },
  { job: 'tasks', setting: 'CRON_TASKS', run: runTaskChecks },
];

export interface SchedulerOptions {
  /** IANA time zone the cron expressions are read in; default: the process's. */
  timezone?: string;
  jobs?: readonly ScheduledJob[];
}

export interface Scheduler {
  /** Stops every schedule and waits for runs under way to finish. */
  stop(): Promise<void>;
}

/** Active portals, each run on its own: one failing portal neither stops nor delays the others' results. */
export async function runForActivePortals(ctx: AppContext, job: ScheduledJob): Promise<void> {
  const portals = (await ctx.store.listInstallations()).filter((i) => i.status === 'active').map((i) => i.portalId);
  const outcomes = await Promise.allSettled(portals.map((portalId) => job.run(ctx, portalId)));
  outcomes.forEach((outcome, i) => {
    if (outcome.status === 'rejected') ctx.log.error('scheduled job failed', { job: job.job, portalId: portals[i], error: outcome.reason });
  });
}

/** A backfill that stopped mid-way (crash, restart, deploy) goes back on the queue; it resumes at its stored cursor. */
export async function resumeInterruptedBackfills(ctx: AppContext): Promise<PortalId[]> {
  const resumed: PortalId[] = [];
  for (const installation of await ctx.store.listInstallations()) {
    if (installation.status !== 'active') continue;
    if (isInterrupted(await ctx.store.getJobState(installation.portalId, 'backfill'))) resumed.push(installation.portalId);
  }
  if (resumed.length === 0) return resumed;
  await ctx.store.enqueue(resumed.map((portalId) => ({ portalId, kind: 'backfill', key: 'all', notBefore: ctx.now() })));
  ctx.log.info('interrupted backfills queued to resume', { portals: resumed });
  ctx.notifyWork();
  return resumed;
}

/** node-cron's own messages (e.g. a tick skipped while the previous run is still busy) go to the app's log. */
function cronLogger(ctx: AppContext, job: JobName): CronLogger {
  const log = ctx.log.child({ job, source: 'node-cron' });
  return {
    info: (message) => log.debug(message),
    warn: (message) => log.info(message),
    error: (message, error) => log.error(String(message), { error: error ?? message }),
    debug: (message) => log.debug(String(message)),
  };
}

/** Schedules every job from its setting. An expression node-cron rejects stops start-up with the setting's name. */
export function startScheduler(ctx: AppContext, options: SchedulerOptions = {}): Scheduler {
  const running = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    running.add(work);
    work.finally(() => running.delete(work)).catch(() => {});
  };
  const tasks: ScheduledTask[] = [];
  for (const job of options.jobs ?? SCHEDULED_JOBS) {
    const expression = ctx.config[job.setting];
    const tick = () => {
      const work = runForActivePortals(ctx, job);
      track(work);
      return work;
    };
    try {
      tasks.push(
        cron.schedule(expression, tick, {
          name: `bant-${job.job}`,
          noOverlap: true,
          logger: cronLogger(ctx, job.job),
          ...(options.timezone ? { timezone: options.timezone } : {}),
        }),
      );
    } catch (error) {
      for (const task of tasks) task.destroy();
      throw new ConfigError([{ field: job.setting, message: `node-cron rejects "${expression}": ${error instanceof Error ? error.message : String(error)}` }]);
    }
    ctx.log.info('job scheduled', { job: job.job, setting: job.setting, expression });
  }
  track(
    resumeInterruptedBackfills(ctx).catch((error: unknown) => {
      ctx.log.error('could not queue interrupted backfills', { error });
    }),
  );
  return {
    async stop() {
      for (const task of tasks) await task.destroy();
      await Promise.allSettled([...running]);
    },
  };
}
