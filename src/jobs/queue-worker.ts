// The durable queue's worker: fair turns across portals, batches of up to 100 items of one portal, a bounded number
// of batches per portal at a time (the PortalClient's limiter keeps each portal inside its rate limit), retries with
// backoff, dead letters after maxAttempts. Leases expire, so work of a killed process is done again after a restart.
// Two lanes: live work (webhook rescores, purges, engagements, …) and backfills. A backfill runs for minutes to hours,
// so it has its own slots and never holds one of the live lane's: one portal's backfill cannot delay other portals'
// rescoring. The live lane takes portals round-robin, resuming after the last served one (a keyset page of due portals).
import type { AppContext } from '../app-context.ts';
import type { EngagementObjectType } from '../hubspot/portal-client.ts';
import type { Installation, LeasedItem, PortalId, WorkItem, WorkKind } from '../store/store.ts';
import { handleDeals } from '../outcomes/deal-outcomes.ts';
import { handleAccounts } from '../accounts/handle-accounts.ts';
import { rescoreContacts } from './rescore-contacts.ts';

/** What a handler reports: items not listed as failed are complete. */
export interface HandlerOutcome {
  failed?: Array<{ id: string; reason: string; /** Retrying cannot help: dead-letter now. */ permanent?: boolean }>;
}

export type WorkHandler = (ctx: AppContext, portalId: PortalId, items: LeasedItem[]) => Promise<HandlerOutcome>;

export interface QueueWorkerOptions {
  /** Items leased per batch (one portal), default 100 (one batch API call). */
  batchSize?: number;
  /** Visibility timeout: a batch not completed by then is leased again (crash recovery), default 10 min. */
  leaseMs?: number;
  maxAttempts?: number;
  /** Delay before retry `attempts` (1-based). Default: 10 s doubling, at most 15 min, with jitter. */
  backoffMs?: (attempts: number) => number;
  /** Batches of one portal in flight at once (default 1). */
  perPortalConcurrency?: number;
  /** Live (non-backfill) batches in flight overall (default 4). */
  maxConcurrency?: number;
  /**
   * Live items in flight overall (default: 16 full batches). Most live batches are a contact or two of a portal waiting
   * on its own rate limit, so many run at once; this bounds the memory when many are full batches.
   */
  maxItemsInFlight?: number;
  /** Backfills running at once, in their own lane beside the live batches (default 4; each waits mostly on its own portal's rate limit). */
  maxBackfills?: number;
  /**
   * Idle poll interval for due work nobody announced (retries after their backoff, work another instance enqueued),
   * default 250 ms. A webhook's rescore is announced with the end of its coalescing window (wake(dueAt)), so its
   * latency does not wait for the poll. One indexed query per poll.
   */
  pollMs?: number;
  /** Run the background loop (default true); tests call runOnce() instead. */
  background?: boolean;
  /** Handlers per kind; defaults for rescore, purge, engagement, company and deal. Kinds without a handler are left in the queue. */
  handlers?: Partial<Record<WorkKind, WorkHandler>>;
}

export interface QueueWorker {
  /** Finishes leased work, leases nothing new. */
  stop(): Promise<void>;
  /** One fair round (up to the concurrency limits) over the portals with due work; resolves with the number of items handled. */
  runOnce(): Promise<number>;
  /** New work was enqueued (AppContext.notifyWork): look now, or at `dueAt` (epoch ms) when it becomes due then. */
  wake(dueAt?: number): void;
}

export const DEFAULT_MAX_ATTEMPTS = 8;

export function defaultBackoffMs(attempts: number): number {
  const base = Math.min(10_000 * 2 ** Math.max(0, attempts - 1), 15 * 60_000);
  return Math.round(base * (1 + Math.random() * 0.2));
}

export function startQueueWorker(ctx: AppContext, options: QueueWorkerOptions = {}): QueueWorker {
  const batchSize = options.batchSize ?? 100;
  const leaseMs = options.leaseMs ?? 10 * 60_000;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const backoffMs = options.backoffMs ?? defaultBackoffMs;
  const perPortal = options.perPortalConcurrency ?? 1;
  const maxConcurrency = options.maxConcurrency ?? 4;
  const maxItemsInFlight = options.maxItemsInFlight ?? 16 * batchSize;
  let liveItemsInFlight = 0;
  const maxBackfills = options.maxBackfills ?? 4;
  const pollMs = options.pollMs ?? 250;
  const handlers: Partial<Record<WorkKind, WorkHandler>> = {
    rescore: handleRescores,
    purge: handlePurges,
    engagement: handleEngagements,
    company: handleCompanies,
    deal: handleDeals,
    account: handleAccounts,
    ...options.handlers,
  };
  const kinds = (Object.keys(handlers) as WorkKind[]).filter((k) => handlers[k]);
  const liveKinds = kinds.filter((k) => k !== 'backfill');
  const backfillKinds = kinds.filter((k) => k === 'backfill');

  const inFlight = new Set<Promise<number>>();
  const backfillsInFlight = new Set<Promise<number>>();
  const portalLoad = new Map<PortalId, number>();
  /** Items being handled now: an expired lease re-leased by this same process is not handled twice at once. */
  const busyItems = new Set<string>();
  let lastServed: PortalId | undefined;
  let stopping = false;
  let wakeUp: (() => void) | undefined;

  registerMetrics(ctx);

  /** A wake while the loop was leasing: it looks again before sleeping (the work may have come after its query). */
  let wokenWhileBusy = false;
  const wakeNow = () => {
    if (wakeUp) wakeUp();
    else wokenWhileBusy = true;
  };
  // Backfills are looked for once per poll interval, when one ends, or when work is announced for now, not on every
  // live batch's end: at a thousand portals the live lane wakes the loop dozens of times a second and each look is a
  // query.
  let lastBackfillLook = Number.NEGATIVE_INFINITY;
  let backfillLookWanted = true;
  // One timer, for the earliest announced due time: looking when a coalescing window ends, not at enqueue (when
  // nothing is due yet) nor at the next poll.
  let dueTimer: { at: number; timer: NodeJS.Timeout } | undefined;
  const wake = (dueAt?: number) => {
    if (dueAt === undefined || dueAt <= ctx.now()) {
      backfillLookWanted = true;
      wakeNow();
      return;
    }
    if (stopping || (dueTimer && dueTimer.at <= dueAt)) return;
    if (dueTimer) clearTimeout(dueTimer.timer);
    dueTimer = {
      at: dueAt,
      // A millisecond late: a timer may fire on the loop's cached clock, just before the store's clock reaches dueAt.
      timer: setTimeout(() => {
        dueTimer = undefined;
        wakeNow();
      }, dueAt - ctx.now() + 1),
    };
  };

  /**
   * Portals with due live work in turn order: those after the last served first, then from the start (wrapping
   * round), a page at a time, so a busy portal cannot starve the others and a thousand portals cost a short read.
   */
  const inTurnOrder = async (wanted: number): Promise<PortalId[]> => {
    const now = ctx.now();
    const page = Math.max(wanted * 4, 16);
    const after = await ctx.store.portalsWithDueWork(now, { kinds: liveKinds, limit: page, ...(lastServed === undefined ? {} : { after: lastServed }) });
    if (lastServed === undefined || after.length >= page) return after;
    const fromStart = await ctx.store.portalsWithDueWork(now, { kinds: liveKinds, limit: page - after.length });
    return [...after, ...fromStart.filter((p) => p <= (lastServed as PortalId))];
  };

  const runBatch = async (portalId: PortalId, items: LeasedItem[]): Promise<number> => {
    // A running backfill counts too: it serves its own portal's live rescores between its pages (serveLiveRescores),
    // so the live lane does not run a second batch against that portal's rate limit beside it.
    portalLoad.set(portalId, (portalLoad.get(portalId) ?? 0) + 1);
    for (const item of items) busyItems.add(item.id);
    try {
      return await handleBatch(ctx, portalId, items, handlers, { maxAttempts, backoffMs });
    } catch (error) {
      // Completing or failing the items did not reach the store: their leases expire and they are done again.
      ctx.log.error('queue batch could not be settled; retried after its lease expires', { portalId, items: items.length, error });
      return 0;
    } finally {
      for (const item of items) busyItems.delete(item.id);
      portalLoad.set(portalId, (portalLoad.get(portalId) ?? 1) - 1);
    }
  };

  const track = (batch: Promise<number>, lane: Set<Promise<number>>): Promise<number> => {
    lane.add(batch);
    batch.finally(() => {
      lane.delete(batch);
      wakeNow();
    });
    return batch;
  };

  /** Leases one live batch for each portal with a free slot, in turn order. */
  const startLiveBatches = async (started: Array<Promise<number>>): Promise<void> => {
    if (liveKinds.length === 0 || inFlight.size >= maxConcurrency) return;
    for (const portalId of await inTurnOrder(maxConcurrency - inFlight.size)) {
      if (stopping || inFlight.size >= maxConcurrency) break;
      if ((portalLoad.get(portalId) ?? 0) >= perPortal) continue;
      const room = maxItemsInFlight - liveItemsInFlight;
      if (room <= 0) break;
      const leased = await ctx.store.lease({ now: ctx.now(), limit: Math.min(batchSize, room), leaseMs, portalId, kinds: liveKinds });
      const items = leased.filter((item) => !busyItems.has(item.id));
      if (items.length === 0) continue;
      lastServed = portalId;
      liveItemsInFlight += items.length;
      const batch = runBatch(portalId, items).finally(() => {
        liveItemsInFlight -= items.length;
      });
      started.push(track(batch, inFlight));
    }
  };

  /** Starts the oldest due backfills while the backfill lane has room (one item per portal: key 'all'). */
  const startBackfills = async (started: Array<Promise<number>>): Promise<void> => {
    const free = maxBackfills - backfillsInFlight.size;
    if (backfillKinds.length === 0 || free <= 0 || stopping) return;
    // Real time, not ctx.now(): this spaces queries, whatever clock the work is due by.
    const now = performance.now();
    if (!backfillLookWanted && now - lastBackfillLook < pollMs) return;
    backfillLookWanted = false;
    lastBackfillLook = now;
    const leased = await ctx.store.lease({ now: ctx.now(), limit: free, leaseMs, kinds: backfillKinds });
    for (const item of leased.filter((i) => !busyItems.has(i.id))) {
      const backfill = track(runBatch(item.portalId, [item]), backfillsInFlight);
      // A slot is free again: the next backfill need not wait for the poll.
      void backfill.finally(() => {
        backfillLookWanted = true;
      });
      started.push(backfill);
    }
  };

  /** Starts what the two lanes have room for. Returns the started batches. */
  const startBatches = async (): Promise<Array<Promise<number>>> => {
    const started: Array<Promise<number>> = [];
    if (stopping) return started;
    await startBackfills(started);
    await startLiveBatches(started);
    return started;
  };

  const runOnce = async (): Promise<number> => {
    backfillLookWanted = true;
    const started = await startBatches();
    const counts = await Promise.all(started);
    return counts.reduce((sum, n) => sum + n, 0);
  };

  const loop = async () => {
    while (!stopping) {
      let started = 0;
      let failed = false;
      wokenWhileBusy = false;
      try {
        started = (await startBatches()).length;
      } catch (error) {
        failed = true;
        ctx.log.error('queue worker could not lease work; retrying', { error });
      }
      if (stopping) break;
      if (failed || ((started === 0 || inFlight.size >= maxConcurrency) && !wokenWhileBusy)) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wakeUp = undefined;
      }
    }
  };

  const looping = options.background === false ? Promise.resolve() : loop();

  return {
    runOnce,
    wake,
    async stop() {
      stopping = true;
      if (dueTimer) clearTimeout(dueTimer.timer);
      dueTimer = undefined;
      wakeNow();
      await looping;
      while (inFlight.size + backfillsInFlight.size > 0) await Promise.allSettled([...inFlight, ...backfillsInFlight]);
    },
  };
}

/** Runs each kind's handler; completes what succeeded, schedules retries or dead-letters what failed. */
async function handleBatch(
  ctx: AppContext,
  portalId: PortalId,
  items: LeasedItem[],
  handlers: Partial<Record<WorkKind, WorkHandler>>,
  policy: { maxAttempts: number; backoffMs: (attempts: number) => number },
): Promise<number> {
  const byKind = new Map<WorkKind, LeasedItem[]>();
  for (const item of items) byKind.set(item.kind, [...(byKind.get(item.kind) ?? []), item]);
  for (const [kind, group] of byKind) {
    const handler = handlers[kind] as WorkHandler;
    let failed: NonNullable<HandlerOutcome['failed']>;
    try {
      failed = (await handler(ctx, portalId, group)).failed ?? [];
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      failed = group.map((item) => ({ id: item.id, reason }));
    }
    const failedIds = new Set(failed.map((f) => f.id));
    await ctx.store.complete(group.filter((item) => !failedIds.has(item.id)).map((item) => item.id));
    for (const f of failed) {
      const item = group.find((i) => i.id === f.id);
      if (!item) continue;
      const dead = f.permanent || item.attempts >= policy.maxAttempts;
      await ctx.store.fail(item.id, f.reason, ctx.now() + policy.backoffMs(item.attempts), f.permanent ? item.attempts : policy.maxAttempts);
      if (dead) {
        ctx.metrics.inc('bant_dead_letters_total', 'Work items moved to dead letters', { kind });
        ctx.log.warn('work item moved to dead letters', { portalId, kind, attempts: item.attempts, reason: f.reason });
      }
    }
    ctx.metrics.inc('bant_queue_items_total', 'Work items handled, by kind and outcome', { kind, outcome: 'done' }, group.length - failed.length);
    if (failed.length) ctx.metrics.inc('bant_queue_items_total', 'Work items handled, by kind and outcome', { kind, outcome: 'failed' }, failed.length);
  }
  return items.length;
}

function registerMetrics(ctx: AppContext): void {
  ctx.metrics.addCollector(async () => {
    try {
      ctx.metrics.set('bant_dead_letters', 'Work items in dead letters', (await ctx.store.listDeadLetters()).length);
      ctx.metrics.set('bant_queue_depth', 'Work items waiting in the queue', await ctx.store.queueDepth());
    } catch {
      // The store is closed or down; /readyz reports that.
    }
  });
}

/**
 * The portal's installation, or undefined when it was uninstalled meanwhile: its work is then dropped, not retried
 * into dead letters.
 */
async function activeInstallation(ctx: AppContext, portalId: PortalId, items: LeasedItem[]): Promise<Installation | undefined> {
  const installation = await ctx.store.getInstallation(portalId);
  if (installation?.status === 'active') return installation;
  ctx.metrics.inc('bant_queue_items_total', 'Work items handled, by kind and outcome', { kind: items[0]?.kind ?? 'unknown', outcome: 'not_installed' }, items.length);
  ctx.log.info('work for a portal that is not installed was dropped', { portalId, items: items.length });
  return undefined;
}

/** rescore: pull, score, diff, write, tasks for up to 100 contacts in one go. */
export const handleRescores: WorkHandler = async (ctx, portalId, items) => {
  const installation = await activeInstallation(ctx, portalId, items);
  if (!installation) return {};
  const reason = items.some((item) => item.payload?.releaseDeferred) ? 'release_deferred' : 'webhook';
  const summary = await rescoreContacts(ctx, portalId, items.map((item) => item.key), { reason, installation });
  // Scoring errors and values HubSpot refused do not change on a retry: dead-letter them with the reason.
  const failed = summary.failed.flatMap((f) => items.filter((item) => item.key === f.contactId).map((item) => ({ id: item.id, reason: f.error, permanent: true })));
  return { failed };
};

/** purge: drop everything held locally about the contacts (privacyDeletion, merged-away ids). */
export const handlePurges: WorkHandler = async (ctx, portalId, items) => {
  await ctx.store.deleteContactState(portalId, items.map((item) => item.key));
  const privacy = items.filter((item) => item.payload?.privacyDeletion).length;
  if (privacy) {
    ctx.metrics.inc('bant_privacy_deletions_total', 'Contacts purged after a privacy deletion', {}, privacy);
    // No personal data: the portal and a count only.
    ctx.log.info('privacy deletion: all local state of the contacts was purged', { portalId, contacts: privacy });
  }
  return {};
};

/** engagement: a call, meeting, email or note was logged; rescore the contacts it is associated with (queued, coalesced). */
export const handleEngagements: WorkHandler = async (ctx, portalId, items) => {
  const installation = await activeInstallation(ctx, portalId, items);
  if (!installation) return {};
  const client = await ctx.hubspot.forPortal(portalId, installation);
  const byType = new Map<EngagementObjectType, string[]>();
  for (const item of items) {
    const [type, id] = item.key.split(':') as [EngagementObjectType, string];
    byType.set(type, [...(byType.get(type) ?? []), id]);
  }
  const contactIds = new Set<string>();
  for (const [type, ids] of byType) {
    for (const contacts of (await client.associatedContactIds(type, ids)).values()) for (const id of contacts) contactIds.add(id);
  }
  const now = ctx.now();
  const rescores: WorkItem[] = [...contactIds].map((key) => ({ portalId, kind: 'rescore', key, notBefore: now }));
  await ctx.store.enqueue(rescores);
  return {};
};

/**
 * company: firmographics changed; rescore the contacts it is the company of. They are queued, not scored here, so a
 * company with 5,000 contacts becomes batches of 100 and merges with rescores already pending for the same contacts.
 */
export const handleCompanies: WorkHandler = async (ctx, portalId, items) => {
  const installation = await activeInstallation(ctx, portalId, items);
  if (!installation) return {};
  const client = await ctx.hubspot.forPortal(portalId, installation);
  const contactIds = new Set<string>();
  for (const contacts of (await client.companyContactIds(items.map((item) => item.key))).values()) for (const id of contacts) contactIds.add(id);
  const now = ctx.now();
  const rescores: WorkItem[] = [...contactIds].map((key) => ({ portalId, kind: 'rescore', key, notBefore: now }));
  await ctx.store.enqueue(rescores);
  ctx.log.debug('company changes expanded to their contacts', { portalId, companies: items.length, contacts: rescores.length });
  return {};
};
