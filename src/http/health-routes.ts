import { Router } from 'express';
import type { AppContext } from '../app-context.ts';

export function createHealthRouter(ctx: Pick<AppContext, 'store' | 'metrics'>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const ready = await ctx.store.ping().catch(() => false);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'store unavailable' });
  });
  router.get('/metrics', async (_req, res) => {
    res.type('text/plain; version=0.0.4').send(await ctx.metrics.render());
  });
  return router;
}
