// The Express app: routes mounted in the order a request meets them, one error middleware last.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express, { type Router } from 'express';
import type { AppContext } from '../app-context.ts';
import { createErrorMiddleware } from './error-middleware.ts';
import { createHealthRouter } from './health-routes.ts';

/**
 * Longer request targets are refused before Express sees them: its router parses the URL again at every layer, so a
 * 15 KB query string cost every anonymous request milliseconds of event-loop time. HubSpot's own calls (webhooks,
 * the card's signed fetch, the OAuth callback) stay far below.
 */
export const MAX_URL_LENGTH = 4096;

/** The app as the HTTP server's request listener, behind the request-target limit. */
export function withRequestTargetLimit(app: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    if ((req.url ?? '').length <= MAX_URL_LENGTH) {
      app(req, res);
      return;
    }
    res.writeHead(414, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ error: { code: 'uri_too_long', message: `The request target is longer than ${MAX_URL_LENGTH} characters` } }));
  };
}

export interface AppRouters {
  webhooks: Router;
  oauth: Router;
  card?: Router;
  admin?: Router;
}

export function createApp(ctx: AppContext, routers: AppRouters): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  // The webhook router reads the raw body itself (signatures are over the exact bytes), so it comes before any parser.
  app.use(routers.webhooks);
  app.use(createHealthRouter(ctx));
  app.use(routers.oauth);
  if (routers.card) app.use(routers.card);
  if (routers.admin) app.use(routers.admin);
  app.get('/', (_req, res) => {
    res.redirect(routers.admin ? '/admin' : '/healthz');
  });
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'No such route' } });
  });
  app.use(createErrorMiddleware(ctx.log));
  return app;
}
