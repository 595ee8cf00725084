// Per-portal request budgets (docs/hubspot-platform.md §3.1, §3.4): marketplace OAuth apps get 110 requests per ROLLING 10 s per
// portal, and search has its own 5 per second. Bottleneck's reservoir refresh is a fixed window (110 at 9.9 s plus
// 110 at 10.1 s would be 220 in one rolling window), so the budget is enforced as a minimum spacing between starts:
// with starts at least W / L ms apart, any window of W ms holds at most L starts. With a Redis connection the
// spacing is kept in Redis and so holds across app instances.
import Bottleneck from 'bottleneck';
import type { PortalId } from '../store/store.ts';

export type LimitKind = 'general' | 'search';

export interface PortalLimiterOptions {
  /** Requests per rolling window (HUBSPOT_RATE_LIMIT_PER_10S). */
  generalPerWindow: number;
  /** Window of the general budget, ms (10,000; shorter only in tests). */
  windowMs?: number;
  /** Search requests per second (HUBSPOT_SEARCH_RATE_PER_S). */
  searchPerSecond: number;
  /** Shares limits across instances (made from REDIS_URL in src/redis/bottleneck-connection.ts). */
  connection?: Bottleneck.IORedisConnection | Bottleneck.RedisConnection;
}

export interface PortalLimiters {
  /** Runs `task` when the portal's budget allows; a search waits for both its own and the general budget. */
  schedule<T>(portalId: PortalId, kind: LimitKind, task: () => Promise<T>): Promise<T>;
  /** Drops a portal's limiters (after uninstall). */
  drop(portalId: PortalId): Promise<void>;
  /** Stops all limiters (shutdown, tests). */
  stop(): Promise<void>;
}

/**
 * W / L plus 4 % (at least 1 ms). The spacing is kept between starts here, but HubSpot counts arrivals: event-loop lag
 * here, the network and pauses on the far side can bunch a window's worth of arrivals by a few hundred ms. With 2 %,
 * a 100,000-contact backfill against the stand-in once saw 111 in a 10 s window; 4 % tolerates ~450 ms of bunching.
 */
export function minimumSpacingMs(perWindow: number, windowMs: number): number {
  const exact = windowMs / perWindow;
  return Math.ceil(exact + Math.max(1, exact * 0.04));
}

export function createPortalLimiters(options: PortalLimiterOptions): PortalLimiters {
  const windowMs = options.windowMs ?? 10_000;
  const limiters = new Map<PortalId, { general: Bottleneck; search: Bottleneck }>();

  const make = (id: string, minTime: number) =>
    new Bottleneck({
      id,
      minTime,
      // A shared connection implies the Redis datastore; `timeout` lets Redis forget limiters of portals gone quiet.
      ...(options.connection ? { connection: options.connection, clearDatastore: false, timeout: 10 * 60_000 } : {}),
    });

  const forPortal = (portalId: PortalId) => {
    let pair = limiters.get(portalId);
    if (!pair) {
      pair = {
        general: make(`hubspot:${portalId}:general`, minimumSpacingMs(options.generalPerWindow, windowMs)),
        search: make(`hubspot:${portalId}:search`, minimumSpacingMs(options.searchPerSecond, 1000)),
      };
      limiters.set(portalId, pair);
    }
    return pair;
  };

  return {
    schedule(portalId, kind, task) {
      const { general, search } = forPortal(portalId);
      // HubSpot counts search apart from the 110; it also takes a general slot here to stay on the safe side. The
      // search limiter is the inner one so that the request itself starts on its 5-per-second spacing.
      if (kind === 'search') return general.schedule(() => search.schedule(task));
      return general.schedule(task);
    },
    async drop(portalId) {
      const pair = limiters.get(portalId);
      limiters.delete(portalId);
      if (pair) await Promise.all([pair.general.disconnect(false), pair.search.disconnect(false)]);
    },
    async stop() {
      const pairs = [...limiters.values()];
      limiters.clear();
      await Promise.all(pairs.flatMap((p) => [p.general.stop({ dropWaitingJobs: true }), p.search.stop({ dropWaitingJobs: true })]));
    },
  };
}
