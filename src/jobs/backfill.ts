// Backfill: score every contact of a portal, on install and when a model is activated.
// Pages with the list endpoint, not search: search stops at 10,000 results (docs/hubspot-platform.md §3.4).
import type { AppContext } from '../app-context.ts';
import type { PortalId } from '../store/store.ts';
import { type ExclusiveOutcome, runExclusive, trackJobRun } from './job-progress.ts';
import { rescoreContacts } from './rescore-contacts.ts';

/** The list endpoint's largest page, and the batch size of reads and writes (docs/hubspot-platform.md §3.5). */
export const BACKFILL_BATCH = 100;
/** At most this many rounds of webhook work are served between two backfill batches, so the backfill still moves. */
const LIVE_ROUNDS_PER_BATCH = 3;
const LIVE_LEASE_MS = 2 * 60 * 1000;
const LIVE_RETRY_MS = 30 * 1000;
const LIVE_MAX_ATTEMPTS = 8;

export interface BackfillOptions {
  /** Why: `model_activated` (the work item's payload.reason) starts from the first contact, as if `fresh`. */
  reason?: 'backfill' | 'model_activated';
  /** Start from the first contact even if an earlier run was interrupted; default: only for a newly activated model. */
  fresh?: boolean;
}

/** The app is shutting down: the run stopped between two pages, its cursor stored for the next run. */
export class BackfillInterrupted extends Error {
  constructor(done: number) {
    super(`backfill stopped for shutdown after ${done} contacts; it resumes at its cursor`);
    this.name = 'BackfillInterrupted';
  }
}

export interface BackfillResult {
  summary: string;
  contacts: number;
  /** Webhook-driven rescores served in between. */
  liveContacts: number;
  cursor: null;
}

/**
 * Rescores all contacts of the portal in batches of 100; stores the cursor after each batch, so a restart resumes there.
 * Returns `{ ran: false }` when another run (this instance or another) is under way.
 */
export async function runBackfill(ctx: AppContext, portalId: PortalId, options: BackfillOptions = {}): Promise<ExclusiveOutcome<BackfillResult>> {
  return runExclusive(ctx, 'backfill', portalId, async () => {
    const client = await ctx.hubspot.forPortal(portalId);
    const total = await client.countContacts();
    const fresh = options.fresh ?? options.reason === 'model_activated';
    return trackJobRun(ctx, 'backfill', portalId, fresh ? { total, resume: false, cursor: null } : { total }, async (run) => {
      let after = run.resumeCursor ?? undefined;
      let contacts = 0;
      let liveContacts = 0;
      do {
        if (ctx.stopSignal?.aborted) throw new BackfillInterrupted(run.doneBefore + contacts);
        liveContacts += await serveLiveRescores(ctx, portalId);
        const page = await client.listContactIds(after, BACKFILL_BATCH);
        if (page.ids.length > 0) await rescoreContacts(ctx, portalId, page.ids, { reason: options.reason ?? 'backfill' });
        contacts += page.ids.length;
        after = page.after;
        await run.advance(page.ids.length, after ?? null);
      } while (after !== undefined);
      const summary = `${run.doneBefore + contacts} contacts rescored${run.doneBefore ? ` (resumed after ${run.doneBefore})` : ''}, ${liveContacts} live rescores served in between`;
      return { summary, contacts, liveContacts, cursor: null };
    });
  });
}

/**
 * Live rescoring is not starved by a long backfill: before each batch, due webhook-driven rescores of the portal are
 * leased and done first (at most a few rounds, so the backfill still moves). Returns how many contacts were rescored.
 */
export async function serveLiveRescores(ctx: AppContext, portalId: PortalId): Promise<number> {
  let served = 0;
  for (let round = 0; round < LIVE_ROUNDS_PER_BATCH; round++) {
    const items = await ctx.store.lease({ now: ctx.now(), limit: BACKFILL_BATCH, leaseMs: LIVE_LEASE_MS, portalId, kinds: ['rescore'] });
    if (items.length === 0) break;
    try {
      await rescoreContacts(ctx, portalId, items.map((item) => item.key), { reason: 'webhook' });
      await ctx.store.complete(items.map((item) => item.id));
      served += items.length;
    } catch (error) {
      ctx.log.warn('live rescore during backfill failed; retried later', { portalId, contacts: items.length, error });
      const message = error instanceof Error ? error.message : String(error);
      for (const item of items) await ctx.store.fail(item.id, message, ctx.now() + LIVE_RETRY_MS, LIVE_MAX_ATTEMPTS);
      break;
    }
  }
  return served;
}
