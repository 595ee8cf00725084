// Reconciliation: contacts modified since the last sweep are rescored. It catches what never comes as a webhook
// (form submissions, marketing email clicks, page views) and any missed delivery. The diff in the pipeline makes
// contacts whose inputs did not change cost reads only, no writes.
import type { AppContext } from '../app-context.ts';
import type { PortalId } from '../store/store.ts';
import { type ExclusiveOutcome, runExclusive, trackJobRun } from './job-progress.ts';
import { rescoreContacts } from './rescore-contacts.ts';

export const RECONCILE_BATCH = 100;
/** Search shows records "a few moments" after a change (index lag, PLATFORM.md §3.4): each window overlaps the last by this much. */
export const RECONCILE_OVERLAP_MS = 5 * 60 * 1000;
/** The first sweep of a portal looks back this far (the install backfill covers everything older). */
export const RECONCILE_FIRST_LOOKBACK_MS = 60 * 60 * 1000;

export interface ReconcileResult {
  summary: string;
  since: number;
  until: number;
  contacts: number;
  /** The new watermark (epoch ms as a string): the end of the window searched. */
  cursor: string;
}

/** The window to search: from the stored watermark (less the overlap) to now. */
export function reconcileWindow(watermark: string | null, installedAt: string | undefined, now: number): { since: number; until: number } {
  const stored = watermark === null ? Number.NaN : Number(watermark);
  if (Number.isFinite(stored)) return { since: Math.max(0, stored - RECONCILE_OVERLAP_MS), until: now };
  const installed = installedAt ? Date.parse(installedAt) : Number.NaN;
  const since = Number.isFinite(installed) ? Math.max(installed, now - RECONCILE_FIRST_LOOKBACK_MS) : now - RECONCILE_FIRST_LOOKBACK_MS;
  return { since: Math.min(since, now), until: now };
}

/**
 * Searches contacts modified in [watermark - overlap, now) and rescores them in batches. The client splits the window
 * to stay under 10,000 results per query and paces search at 5/s. The watermark advances only when the sweep finished,
 * so a failed or interrupted sweep is searched again.
 */
export async function runReconcile(ctx: AppContext, portalId: PortalId): Promise<ExclusiveOutcome<ReconcileResult>> {
  return runExclusive(ctx, 'reconcile', portalId, async () => {
    const [client, installation] = await Promise.all([ctx.hubspot.forPortal(portalId), ctx.store.getInstallation(portalId)]);
    const previous = await ctx.store.getJobState(portalId, 'reconcile');
    const { since, until } = reconcileWindow(previous?.cursor ?? null, installation?.installedAt, ctx.now());
    const ids = await client.searchModifiedContactIds(since, until);
    return trackJobRun(ctx, 'reconcile', portalId, { total: ids.length, resume: false }, async (run) => {
      for (let start = 0; start < ids.length; start += RECONCILE_BATCH) {
        const batch = ids.slice(start, start + RECONCILE_BATCH);
        await rescoreContacts(ctx, portalId, batch, { reason: 'reconcile' });
        // The watermark stays where it was until the sweep is complete.
        await run.advance(batch.length, run.resumeCursor);
      }
      const window = `${new Date(since).toISOString()} to ${new Date(until).toISOString()}`;
      return { summary: `${ids.length} modified contacts rescored (${window})`, since, until, contacts: ids.length, cursor: String(until) };
    });
  });
}
