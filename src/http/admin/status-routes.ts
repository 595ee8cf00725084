// Installation status, job progress, queue depth and dead letters, API budget; and disconnect (the funnel: funnel-routes.ts).
import { outcomeSourcesOf } from '../../outcomes/deal-scope.ts';
import { leadsStatusOf } from '../../leads/lead-scope.ts';
import { Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { optionalScopes, requiredScopes } from '../../app-definition.ts';
import { NotFoundError } from '../../errors.ts';
import type { Metrics } from '../../metrics.ts';
import type { PortalId } from '../../store/store.ts';
import { completeOpenAppTasks, KEPT_AFTER_DISCONNECT } from '../../jobs/disconnect-tasks.ts';
import { localDate } from '../../jobs/local-date.ts';
import { assignedToday } from '../../routing/assign-owners.ts';
import { retireInstallation } from '../../store/retire-installation.ts';
import { checkEmbeddedStoreSize } from '../../store/embedded-store-limit.ts';
import { clearSessionCookie, sessionOf } from './session.ts';

export const JOB_NAMES = ['backfill', 'decay', 'reconcile', 'tasks'] as const;
const API_METRIC = 'hubspot_api_calls_total';
const SUCCESS_STATUSES = [200, 201, 202, 204, 207];
const DEAD_LETTERS_SHOWN = 50;

export interface AdminDeps {
  /** Uninstalls the app from the portal at HubSpot (DELETE /appinstalls/2026-03/external-install, docs/hubspot-platform.md §2.5). */
  uninstall(portalId: PortalId): Promise<unknown>;
}

/** Calls since the process started; HubSpot's certification wants errors below 5 % of calls (docs/hubspot-platform.md §7). */
export function describeApiBudget(metrics: Metrics, portalId: PortalId, limits: { per10s: number; searchPerSecond: number }) {
  const calls = metrics.sum(API_METRIC, { portal: portalId });
  const succeeded = SUCCESS_STATUSES.reduce((sum, status) => sum + metrics.sum(API_METRIC, { portal: portalId, status }), 0);
  const errors = Math.max(0, calls - succeeded);
  return {
    calls,
    rateLimited: metrics.sum(API_METRIC, { portal: portalId, status: 429 }),
    errors,
    errorShare: calls ? errors / calls : 0,
    limitPer10s: limits.per10s,
    searchPerSecond: limits.searchPerSecond,
  };
}

export function createStatusRouter(ctx: AppContext, deps: AdminDeps): Router {
  const router = Router();
  const startedAt = new Date(ctx.now()).toISOString();

  router.get('/overview', async (_req, res) => {
    const { portalId } = sessionOf(res);
    const installation = await ctx.store.getInstallation(portalId);
    if (!installation) throw new NotFoundError(`The app is no longer installed in portal ${portalId}`);
    const embedded = !ctx.config.DATABASE_URL;
    const [jobs, depth, deadLetters, contacts, sizeWarning] = await Promise.all([
      Promise.all(JOB_NAMES.map(async (job) => ({ job, state: (await ctx.store.getJobState(portalId, job)) ?? null }))),
      ctx.store.queueDepth(portalId),
      ctx.store.listDeadLetters(portalId),
      ctx.store.countSnapshots(portalId),
      checkEmbeddedStoreSize(ctx.store, { embedded, limit: ctx.config.LOWDB_CONTACT_LIMIT }),
    ]);
    res.json({
      portalId,
      installation: {
        status: installation.status,
        statusReason: installation.statusReason ?? null,
        alert: installation.alert ?? null,
        mode: installation.mode,
        installedAt: installation.installedAt,
        installedBy: installation.installedBy?.email ?? null,
        scopes: installation.scopes,
        missingScopes: requiredScopes.filter((s) => !installation.scopes.includes(s)),
        // What the app skips for want of an optional scope (e.g. marketing events); unknown in static-token mode.
        missingOptionalScopes: installation.mode === 'oauth' ? optionalScopes.filter((s) => !installation.scopes.includes(s)) : [],
        // Without the optional deals scope only the feedback properties and the lifecycle stage count as outcomes.
        outcomes: outcomeSourcesOf(installation),
        // A reinstall that brought back the settings and model history of an earlier install.
        restored: installation.restored ?? null,
        // Lead records (src/leads/): available with the optional leads scopes, used when the admin enabled them.
        leads: leadsStatusOf(installation),
      },
      contacts,
      // Lead routing's counts (src/routing/): leads assigned today (the portal's day) and since routing began.
      routing: {
        enabled: installation.settings.leadRouting?.enabled === true,
        teamId: installation.settings.leadRouting?.teamId ?? null,
        assignedToday: assignedToday(installation.leadRouting, localDate(ctx.now(), installation.timeZone)),
        assigned: installation.leadRouting?.assigned ?? 0,
        lastAssignedAt: installation.leadRouting?.lastAssignedAt ?? null,
      },
      // The store as a whole (every portal): past its measured size the embedded store says how to switch.
      store: { kind: embedded ? 'lowdb' : 'postgres', sizeWarning },
      jobs,
      queue: {
        depth,
        deadLetterCount: deadLetters.length,
        deadLetters: deadLetters
          .sort((a, b) => b.failedAt - a.failedAt)
          .slice(0, DEAD_LETTERS_SHOWN)
          .map((d) => ({ kind: d.kind, key: d.key, reason: d.reason, attempts: d.attempts, failedAt: new Date(d.failedAt).toISOString() })),
      },
      api: {
        ...describeApiBudget(ctx.metrics, portalId, { per10s: ctx.config.HUBSPOT_RATE_LIMIT_PER_10S, searchPerSecond: ctx.config.HUBSPOT_SEARCH_RATE_PER_S }),
        since: startedAt,
      },
    });
  });

  router.post('/disconnect', async (req, res) => {
    const { portalId } = sessionOf(res);
    const body = req.body as { confirmPortalId?: unknown; completeOpenTasks?: unknown } | undefined;
    if (body?.confirmPortalId !== portalId) {
      res.status(400).json({
        error: { code: 'confirmation_required', message: `Send {"confirmPortalId": ${portalId}} to disconnect; add "completeOpenTasks": false to leave the app's open tasks open` },
        kept: KEPT_AFTER_DISCONNECT,
      });
      return;
    }
    if (body.completeOpenTasks !== undefined && typeof body.completeOpenTasks !== 'boolean') {
      res.status(400).json({ error: { code: 'invalid_input', message: 'completeOpenTasks must be true or false' } });
      return;
    }
    // Default on: the tasks are completed while the app can still reach the portal.
    const tasks = body.completeOpenTasks === false ? { completed: 0 } : await completeOpenAppTasks(ctx, portalId);
    await deps.uninstall(portalId);
    await retireInstallation(ctx.store, portalId, new Date(ctx.now()).toISOString());
    await ctx.store.deletePortalSessions(portalId);
    ctx.log.info('app disconnected from the admin console; portal data deleted, settings and models kept for a reinstall', { portalId });
    clearSessionCookie(res, ctx.config);
    res.json({
      disconnected: true,
      portalId,
      completedTasks: tasks.completed,
      ...('error' in tasks ? { tasksNotCompleted: tasks.error } : {}),
      kept: KEPT_AFTER_DISCONNECT,
    });
  });

  return router;
}
