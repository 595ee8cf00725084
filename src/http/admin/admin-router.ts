// The admin console: a static page under /admin and its JSON API under /admin/api, signed in through HubSpot.
import { fileURLToPath } from 'node:url';
import express, { type ErrorRequestHandler, Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { asCodedError } from '../../errors.ts';
import { createCardPreviewRouter } from './card-preview-routes.ts';
import { createContactRouter } from './contact-routes.ts';
import { createErrorDetailRouter } from './error-detail-routes.ts';
import { createFunnelRouter } from './funnel-routes.ts';
import { InvalidInputError } from './invalid-input.ts';
import { createModelRouter } from './model-routes.ts';
import { createOutcomeRouter } from './outcome-routes.ts';
import { csrfToken, endSession, requireSession, sessionOf } from './session.ts';
import { createSettingsRouter } from './settings-routes.ts';
import { createSignInRouter } from './signin.ts';
import { type AdminDeps, createStatusRouter } from './status-routes.ts';
import { createVersionRouter } from './version-routes.ts';

export type { AdminDeps } from './status-routes.ts';
export { signInReturnUrl } from './signin.ts';

export const PUBLIC_DIR_URL = new URL('./public/', import.meta.url);

/** JSON errors for the console; validation errors keep their issues (path + message) for inline display. */
function answerApiErrors(ctx: AppContext): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const coded = asCodedError(error);
    const status = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : coded.status;
    if (status >= 500) ctx.log.error('admin request failed', { method: req.method, path: req.path, code: coded.code, error: coded });
    const message = status >= 500 && coded.code === 'internal_error' ? 'Internal error' : coded.message;
    res.status(status).json({ error: { code: coded.code, message, ...(error instanceof InvalidInputError ? { issues: error.issues } : {}) } });
  };
}

function createApiRouter(ctx: AppContext, deps: AdminDeps): Router {
  const api = Router();
  // The session (and CSRF) check comes first: no anonymous request gets its body read, let alone parsed.
  api.use(requireSession(ctx));
  api.use(express.json({ limit: '1mb' }));
  api.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  api.get('/session', async (_req, res) => {
    const session = sessionOf(res);
    res.json({ portalId: session.portalId, user: session.user ?? null, csrfToken: csrfToken(session), expiresAt: new Date(session.expiresAt).toISOString() });
  });
  api.post('/signout', async (_req, res) => {
    await endSession(ctx, res, sessionOf(res));
    res.json({ signedOut: true });
  });
  api.use(createStatusRouter(ctx, deps));
  api.use(createModelRouter(ctx));
  api.use(createOutcomeRouter(ctx));
  api.use(createSettingsRouter(ctx));
  api.use(createCardPreviewRouter(ctx));
  api.use(createVersionRouter(ctx));
  api.use(createContactRouter(ctx));
  api.use(createFunnelRouter(ctx));
  api.use(createErrorDetailRouter(ctx));
  api.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'No such admin API route' } });
  });
  api.use(answerApiErrors(ctx));
  return api;
}

export function createAdminRouter(ctx: AppContext, deps: AdminDeps): Router {
  const router = Router();
  router.use('/admin', (_req, res, next) => {
    // The console runs only its own script and style; no framing by other sites.
    res.set({
      'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'same-origin',
    });
    next();
  });
  router.use(createSignInRouter(ctx));
  router.use('/admin/api', createApiRouter(ctx, deps));
  const publicDir = fileURLToPath(PUBLIC_DIR_URL);
  router.get(['/admin', '/admin/'], (_req, res) => {
    res.set('Cache-Control', 'no-cache').sendFile('index.html', { root: publicDir });
  });
  router.use('/admin', express.static(publicDir, { index: false, redirect: false }));
  return router;
}
