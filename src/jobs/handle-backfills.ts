// The queue's `backfill` work: on install and when a model is activated (payload.reason = 'model_activated').
import { BackfillInterrupted, runBackfill } from './backfill.ts';
import type { WorkHandler } from './queue-worker.ts';

/** How often an instance checks on a backfill that another instance (or an earlier lease of this one) is running. */
export const BACKFILL_RECHECK_MS = 60_000;

export const handleBackfills: WorkHandler = async (ctx, portalId, items) => {
  // A new model or a new language (every text is rewritten) rescores every contact from the first.
  const activation = items.some((item) => item.payload?.reason === 'model_activated' || item.payload?.reason === 'language_changed');
  const requestedAt = Math.min(...items.map((item) => Number(item.payload?.requestedAt ?? item.notBefore)));
  const state = await ctx.store.getJobState(portalId, 'backfill');
  const finishedAt = state?.lastRun?.ok && state.lastRun.finishedAt ? Date.parse(state.lastRun.finishedAt) : 0;
  // A run that started after this request and finished covers it (e.g. one another instance ran meanwhile).
  if (finishedAt && state?.lastRun && Date.parse(state.lastRun.startedAt) >= requestedAt) return {};

  let outcome: Awaited<ReturnType<typeof runBackfill>>;
  try {
    outcome = await runBackfill(ctx, portalId, { reason: activation ? 'model_activated' : 'backfill' });
  } catch (error) {
    if (!(error instanceof BackfillInterrupted)) throw error;
    // Enqueued again while leased, so completing the item leaves it queued with no attempt counted: another instance,
    // or this one after its restart, resumes the run at the stored cursor.
    // `resume`, not an activation: a resumed activation run would start again from the first contact.
    await ctx.store.enqueue([{ portalId, kind: 'backfill', key: 'all', notBefore: ctx.now(), payload: { requestedAt, reason: 'resume' } }]);
    ctx.log.info('backfill stopped for shutdown; queued to resume', { portalId });
    return {};
  }
  if (!outcome.ran) {
    // Another run holds the portal's backfill lock. Completing the item now would lose the backfill if that run's
    // instance dies, so the request stays queued and is checked again until a run that covers it has finished.
    await ctx.store.enqueue([
      {
        portalId,
        kind: 'backfill',
        key: 'all',
        notBefore: ctx.now() + BACKFILL_RECHECK_MS,
        payload: { requestedAt, ...(activation ? { reason: 'model_activated' } : {}) },
      },
    ]);
  }
  return {};
};
