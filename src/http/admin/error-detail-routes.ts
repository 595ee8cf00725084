// What the overview's error count is made of: HubSpot API calls of this portal by failing status, since the start.
import { Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { sessionOf } from './session.ts';

const API_METRIC = 'hubspot_api_calls_total';
const STATUS_MEANING: Record<number, string> = {
  400: 'rejected as invalid (e.g. a property value HubSpot does not accept)',
  401: 'token expired or revoked',
  403: 'missing scope or no access',
  404: 'record not found (deleted or merged)',
  409: 'conflict (e.g. the record changed at the same time)',
  423: 'locked (HubSpot is busy with the record)',
  429: 'rate limited (retried)',
  500: 'HubSpot internal error',
  502: 'HubSpot unavailable (bad gateway)',
  503: 'HubSpot unavailable',
  504: 'HubSpot timed out',
};

export function createErrorDetailRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/api-errors', (_req, res) => {
    const { portalId } = sessionOf(res);
    const byStatus = Object.entries(STATUS_MEANING)
      .map(([status, meaning]) => ({ status: Number(status), meaning, count: ctx.metrics.sum(API_METRIC, { portal: portalId, status }) }))
      .filter((s) => s.count > 0);
    res.json({ byStatus });
  });
  return router;
}
