// The queue's `backfill` work: on install and when a model is activated (payload.reason = 'model_activated').
import { runBackfill } from './backfill.ts';
import type { WorkHandler } from './queue-worker.ts';

export const handleBackfills: WorkHandler = async (ctx, portalId, items) => {
  const activation = items.some((item) => item.payload?.reason === 'model_activated');
  // `{ ran: false }` means a run for this portal is already under way (here or on another instance): nothing to redo.
  await runBackfill(ctx, portalId, { reason: activation ? 'model_activated' : 'backfill' });
  return {};
};
