// Everything a route, worker or job needs, passed in explicitly (no module-global clients or tokens).
import type { Config } from './config.ts';
import type { PortalClients } from './hubspot/portal-client.ts';
import type { Logger } from './log.ts';
import type { Metrics } from './metrics.ts';
import type { ScoringModel } from './scoring/model-schema.ts';
import type { Installation, PortalId, Store } from './store/store.ts';

export interface AppContext {
  config: Config;
  log: Logger;
  store: Store;
  metrics: Metrics;
  hubspot: PortalClients;
  /**
   * The portal's active model (its installation's, else the default from SCORING_MODEL); from `installation` when the
   * caller has just read it, else read.
   */
  modelFor(portalId: PortalId, installation?: Installation): Promise<ScoringModel>;
  defaultModel: ScoringModel;
  /** Epoch ms; injectable for tests with fake clocks. */
  now(): number;
  /**
   * Wakes the queue worker after new work was enqueued; with `dueAt` (epoch ms, the work's earliest notBefore), when
   * that work becomes due rather than now (a webhook's rescore waits out its coalescing window first).
   */
  notifyWork(dueAt?: number): void;
  /**
   * Aborted when the app shuts down: a long backfill stops at its next page (its cursor is stored) instead of holding
   * the shutdown for as long as a million contacts take, and is taken up again from the queue.
   */
  stopSignal?: AbortSignal;
}
