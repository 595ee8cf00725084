import { type Request, Router } from 'express';
import type { AppContext } from '../app-context.ts';
import { safeEqual } from '../webhooks/verify-signature.ts';

/** Labels that name a portal: only a scrape holding METRICS_TOKEN sees them (docs/contract.md, section 1). */
export const PORTAL_LABELS = ['portal', 'portalId'];

function bearerToken(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  return match?.[1];
}

export function createHealthRouter(ctx: Pick<AppContext, 'store' | 'metrics' | 'config'>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const ready = await ctx.store.ping().catch(() => false);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'store unavailable' });
  });
  router.get('/metrics', async (req, res) => {
    const token = ctx.config.METRICS_TOKEN;
    if (token !== undefined && !safeEqual(token, bearerToken(req) ?? '')) {
      res.set('WWW-Authenticate', 'Bearer').status(401).json({ error: { code: 'unauthorized', message: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>' } });
      return;
    }
    // Without a token configured anyone may scrape, so the figures are summed over portals.
    const text = await ctx.metrics.render(token === undefined ? { omitLabels: PORTAL_LABELS } : {});
    res.set('Cache-Control', 'no-store').type('text/plain; version=0.0.4').send(text);
  });
  return router;
}
