// Start-up: validate config and model, open the store, wire HubSpot, HTTP, the queue worker and the
// scheduler. SIGTERM drains: stop accepting, finish leased work, close the store.
import { languageOf } from './store/installation-language.ts';
import { createServer, type Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import type { AppContext } from './app-context.ts';
import { type Config, loadConfig } from './config.ts';
import { ConfigError, ModelValidationError } from './errors.ts';
import { createPortalClients } from './hubspot/client.ts';
import { uninstallApp } from './hubspot/oauth.ts';
import { createAdminRouter } from './http/admin/admin-router.ts';
import { createCardRouter } from './http/card-routes.ts';
import { createApp, withRequestTargetLimit } from './http/create-app.ts';
import { createOAuthRouter } from './http/oauth-routes.ts';
import { createWebhookRouter } from './http/webhook-routes.ts';
import { handleBackfills } from './jobs/handle-backfills.ts';
import { startQueueWorker } from './jobs/queue-worker.ts';
import { startScheduler } from './jobs/scheduler.ts';
import { loadModelFile } from './load-model.ts';
import { createLogger, type Logger, registerSecret } from './log.ts';
import { Metrics } from './metrics.ts';
import { createModelRegistry } from './model-registry.ts';
import { createBottleneckConnection } from './redis/bottleneck-connection.ts';
import { openStore } from './store/open-store.ts';
import { checkEmbeddedStoreSize } from './store/embedded-store-limit.ts';

export interface RunningApp {
  url: string;
  port: number;
  ctx: AppContext;
  /** Graceful: stop HTTP, drain the worker, stop jobs, close the store. */
  close(): Promise<void>;
}

export async function startApp(options: { env?: Record<string, string | undefined>; log?: Logger } = {}): Promise<RunningApp> {
  const config: Config = loadConfig(options.env ?? process.env);
  const log = options.log ?? createLogger({ level: config.LOG_LEVEL });
  for (const secret of [config.HUBSPOT_CLIENT_SECRET, config.HUBSPOT_CLIENT_SECRET_PREVIOUS, config.HUBSPOT_PRIVATE_APP_TOKEN, config.TOKEN_ENCRYPTION_KEY, config.METRICS_TOKEN]) {
    registerSecret(secret);
  }
  const defaultModel = await loadModelFile(config.SCORING_MODEL);
  const store = await openStore(config, log);
  const metrics = new Metrics();
  const redis = config.REDIS_URL ? createBottleneckConnection(config.REDIS_URL) : undefined;
  const hubspot = createPortalClients({ config, store, log, metrics, bottleneckConnection: redis?.connection });
  const models = createModelRegistry({ store, defaultModel, log });

  let wake = (_dueAt?: number) => {};
  const stopping = new AbortController();
  const ctx: AppContext = {
    config,
    log,
    store,
    metrics,
    hubspot,
    defaultModel,
    modelFor: models.modelFor,
    now: () => Date.now(),
    notifyWork: (dueAt) => wake(dueAt),
    stopSignal: stopping.signal,
  };
  await hubspot.ensurePrivateAppInstallation?.();
  if (config.privateAppMode) await preparePrivatePortal(ctx);

  const app = createApp(ctx, {
    webhooks: createWebhookRouter(ctx),
    oauth: createOAuthRouter(ctx),
    card: createCardRouter(ctx),
    admin: createAdminRouter(ctx, { uninstall: (portalId: number) => uninstallApp({ ctx, portalId }) }),
  });
  const server: Server = await new Promise<Server>((resolve, reject) => {
    const s = createServer(withRequestTargetLimit(app)).listen(config.PORT, () => resolve(s));
    s.once('error', reject);
  }).catch(async (error: unknown) => {
    // The port is taken: nothing was served, so what was opened closes again before the error is reported.
    await store.close().catch(() => undefined);
    await redis?.close().catch(() => undefined);
    throw error;
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;

  const worker = startQueueWorker(ctx, { handlers: { backfill: handleBackfills }, maxConcurrency: config.QUEUE_CONCURRENCY, maxItemsInFlight: config.QUEUE_ITEMS_IN_FLIGHT });
  wake = (dueAt) => worker.wake(dueAt);
  const scheduler = startScheduler(ctx);
  log.info('app started', { port, publicBaseUrl: config.PUBLIC_BASE_URL, store: config.DATABASE_URL ? 'postgres' : 'lowdb' });
  const sizeWarning = await checkEmbeddedStoreSize(store, { embedded: !config.DATABASE_URL, limit: config.LOWDB_CONTACT_LIMIT });
  if (sizeWarning) log.warn(sizeWarning.message, { contacts: sizeWarning.contacts, limit: sizeWarning.limit });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      log.info('shutting down: draining work');
      scheduler.stop();
      stopping.abort();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await worker.stop();
      await store.close();
      await redis?.close();
      log.info('stopped');
    })();
    return closing;
  };
  return { url: `http://127.0.0.1:${port}`, port, ctx, close };
}

/**
 * Private-app mode has no install step (no OAuth callback): the properties are provisioned at start-up (idempotent,
 * as on every install) and the portal is backfilled once, when no backfill has run yet.
 */
async function preparePrivatePortal(ctx: AppContext): Promise<void> {
  const installation = (await ctx.store.listInstallations()).find((i) => i.mode === 'private_app' && i.status === 'active');
  if (!installation) return;
  const { portalId } = installation;
  try {
    await (await ctx.hubspot.forPortal(portalId)).provisionProperties(languageOf(installation.settings));
  } catch (error) {
    ctx.log.error('could not provision the HubSpot properties; scoring writes fail until they exist', { portalId, error });
    return;
  }
  if (!(await ctx.store.getJobState(portalId, 'backfill'))) {
    await ctx.store.enqueue([{ portalId, kind: 'backfill', key: 'all', notBefore: ctx.now() }]);
  }
}

async function main(): Promise<void> {
  let running: RunningApp;
  try {
    running = await startApp();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ModelValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      running.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
