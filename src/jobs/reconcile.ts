// Reconciliation: contacts modified since the last sweep are rescored. It catches what never comes as a webhook
// (form submissions, marketing email clicks, page views) and any missed delivery. The diff in the pipeline makes
// contacts whose inputs did not change cost reads only, no writes. Companies modified in the same window become
// 'company' work items, so a lost company.propertyChange still reaches the contacts whose fit it feeds.
import type { AppContext } from '../app-context.ts';
import type { ModifiedRecord } from '../hubspot/portal-client.ts';
import type { JobState, PortalId, WorkItem } from '../store/store.ts';
import { reconcileDeals } from '../outcomes/reconcile-deals.ts';
import { type ExclusiveOutcome, runExclusive, trackJobRun } from './job-progress.ts';
import { rescoreContacts } from './rescore-contacts.ts';

export const RECONCILE_BATCH = 100;
/** Search shows records "a few moments" after a change (index lag, docs/hubspot-platform.md §3.4): each window overlaps the last by this much. */
export const RECONCILE_OVERLAP_MS = 5 * 60 * 1000;
/** The first sweep of a portal whose install time is unknown looks back this far. */
export const RECONCILE_FIRST_LOOKBACK_MS = 60 * 60 * 1000;
/**
 * A backfill whose progress moved within this long (or a portal installed this recently, its backfill not yet begun)
 * is under way: it reads every contact anyway, and a sweep meanwhile would search and re-read what it just wrote.
 * A backfill stuck longer than this no longer holds reconciliation back.
 */
export const BACKFILL_ACTIVE_MS = 15 * 60 * 1000;
/** Snapshots looked up per store call while sorting out the app's own writes. */
const SNAPSHOT_CHUNK = 1000;

export interface ReconcileResult {
  summary: string;
  since: number;
  until: number;
  /** Contacts rescored. */
  contacts: number;
  /** Contacts found whose latest change was the app's own write: not read again. */
  ownWrites: number;
  /** Modified companies queued for their contacts' rescore. */
  companies: number;
  /** Deals read (modified in the window; every deal on the first sweep) and the outcomes they recorded. */
  deals?: { deals: number; outcomes: number };
  /** The new watermark (epoch ms as a string): the end of the window searched. */
  cursor: string;
}

/**
 * The window to search: from the stored watermark (less the overlap) to now. The first sweep starts at the install:
 * the backfill read each contact once, at some moment after it, and a change after that moment (a form, a page view:
 * no webhook) is found only this way. Contacts whose latest change is the app's own write cost no read.
 */
export function reconcileWindow(watermark: string | null, installedAt: string | undefined, now: number): { since: number; until: number } {
  const stored = watermark === null ? Number.NaN : Number(watermark);
  if (Number.isFinite(stored)) return { since: Math.max(0, stored - RECONCILE_OVERLAP_MS), until: now };
  const installed = installedAt ? Date.parse(installedAt) : Number.NaN;
  const since = Number.isFinite(installed) ? installed : now - RECONCILE_FIRST_LOOKBACK_MS;
  return { since: Math.min(since, now), until: now };
}

/** True while the portal's backfill runs or is about to (see BACKFILL_ACTIVE_MS). */
export function isBackfillUnderWay(backfill: JobState | undefined, installedAt: string | undefined, now: number): boolean {
  if (backfill?.progress) return now - Date.parse(backfill.progress.updatedAt) < BACKFILL_ACTIVE_MS;
  if (backfill) return false;
  const installed = installedAt ? Date.parse(installedAt) : Number.NaN;
  return Number.isFinite(installed) && now - installed < BACKFILL_ACTIVE_MS;
}

/**
 * True when the app's last write is the contact's latest change: the search's lastmodifieddate is not after HubSpot's
 * updatedAt for that write. Both times are HubSpot's, so our clock's skew never enters. Anything unknown means "read".
 * A change landing between the app's read and its write of the same contact is hidden behind the write; it is seen
 * with the contact's next change (the price of not re-reading every contact the app wrote).
 */
export function isOwnLatestWrite(found: ModifiedRecord, writtenAt: string | undefined): boolean {
  if (found.modifiedAt === undefined || writtenAt === undefined) return false;
  const wrote = Date.parse(writtenAt);
  return Number.isFinite(wrote) && found.modifiedAt <= wrote;
}

/** The found contacts that changed after the app last wrote them (or were never written by it). */
async function changedElsewhere(ctx: AppContext, portalId: PortalId, found: ModifiedRecord[]): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < found.length; start += SNAPSHOT_CHUNK) {
    const chunk = found.slice(start, start + SNAPSHOT_CHUNK);
    const snapshots = await ctx.store.getSnapshots(portalId, chunk.map((f) => f.id));
    for (const f of chunk) if (!isOwnLatestWrite(f, snapshots.get(f.id)?.writtenAt)) ids.push(f.id);
  }
  return ids;
}

/**
 * Companies change for many reasons the model does not read (owner, notes, rollups HubSpot computes, possibly after
 * the app's own contact writes), and search cannot say which property changed. Each one costs its share of an
 * association read (1,000 companies a call, docs/hubspot-platform.md §3.5) and a read of all its contacts, batched and coalesced by the worker;
 * writes happen only where a fit actually changed.
 */
/** Companies whose latest change is not the app's own account write (docs/contract.md section 3a values). */
async function changedCompaniesElsewhere(ctx: AppContext, portalId: PortalId, found: ModifiedRecord[]): Promise<string[]> {
  const accounts = found.length ? await ctx.store.getAccountSnapshots(portalId, found.map((f) => f.id)) : new Map();
  return found.filter((f) => !isOwnLatestWrite(f, accounts.get(f.id)?.writtenAt)).map((f) => f.id);
}

async function queueCompanies(ctx: AppContext, portalId: PortalId, companyIds: string[]): Promise<void> {
  const now = ctx.now();
  const items: WorkItem[] = companyIds.map((key) => ({ portalId, kind: 'company', key, notBefore: now }));
  await ctx.store.enqueue(items);
  if (items.length) ctx.notifyWork();
}

/**
 * Searches contacts and companies modified in [watermark - overlap, now). Contacts are rescored in batches, except
 * those whose latest change was the app's own write; companies are queued for the worker, which rescores their
 * contacts. The client splits windows to stay under 10,000 results per query and paces search at 5/s. The watermark
 * advances only when the sweep finished, so a failed or interrupted sweep is searched again.
 */
export async function runReconcile(ctx: AppContext, portalId: PortalId): Promise<ExclusiveOutcome<ReconcileResult>> {
  return runExclusive(ctx, 'reconcile', portalId, async () => {
    const [client, installation] = await Promise.all([ctx.hubspot.forPortal(portalId), ctx.store.getInstallation(portalId)]);
    const [previous, backfill] = await Promise.all([ctx.store.getJobState(portalId, 'reconcile'), ctx.store.getJobState(portalId, 'backfill')]);
    const { since, until } = reconcileWindow(previous?.cursor ?? null, installation?.installedAt, ctx.now());
    if (isBackfillUnderWay(backfill, installation?.installedAt, ctx.now())) {
      // Not a run: the watermark stays, so the first sweep after the backfill covers this window too.
      ctx.log.info('reconcile: skipped while the backfill is under way', { portalId });
      return { summary: 'skipped: the backfill is under way', since, until: since, contacts: 0, ownWrites: 0, companies: 0, cursor: previous?.cursor ?? '' };
    }
    const found = await client.searchModifiedContacts(since, until);
    const companyIds = client.searchModifiedCompanies
      ? await changedCompaniesElsewhere(ctx, portalId, await client.searchModifiedCompanies(since, until))
      : await client.searchModifiedCompanyIds(since, until);
    const ids = await changedElsewhere(ctx, portalId, found);
    return trackJobRun(ctx, 'reconcile', portalId, { total: ids.length, resume: false }, async (run) => {
      await queueCompanies(ctx, portalId, companyIds);
      const deals = await reconcileDeals(ctx, client, portalId, installation, { since, until, first: !previous?.cursor });
      for (let start = 0; start < ids.length; start += RECONCILE_BATCH) {
        const batch = ids.slice(start, start + RECONCILE_BATCH);
        await rescoreContacts(ctx, portalId, batch, { reason: 'reconcile' });
        // The watermark stays where it was until the sweep is complete.
        await run.advance(batch.length, run.resumeCursor);
      }
      const ownWrites = found.length - ids.length;
      const window = `${new Date(since).toISOString()} to ${new Date(until).toISOString()}`;
      return {
        summary: `${ids.length} modified contacts rescored, ${ownWrites} skipped as the app's own writes, ${companyIds.length} modified companies queued, ${deals.deals} deals read with ${deals.outcomes} outcomes (${window})`,
        since,
        until,
        contacts: ids.length,
        ownWrites,
        companies: companyIds.length,
        deals,
        cursor: String(until),
      };
    });
  });
}
