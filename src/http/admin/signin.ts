// Sign-in to the admin console through HubSpot: the same OAuth flow as the install, with a `purpose: 'signin'` state.
// 1. GET /admin/signin stores the state, binds it to this browser (a short cookie) and redirects to HubSpot's consent page.
// 2. HubSpot redirects to /oauth/callback (src/http/oauth-routes.ts), which exchanges the code, learns the portal and,
//    for a sign-in state, redirects to `signInReturnUrl(...)`: the state's returnTo with a short-lived signed ticket.
// 3. GET /admin/auth/complete checks the ticket and that it was issued for this browser's state, then starts the session.
import { randomBytes } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { installScopes } from '../../app-definition.ts';
import type { Config } from '../../config.ts';
import { buildInstallUrl } from '../../hubspot/oauth.ts';
import type { OAuthState } from '../../store/store.ts';
import {
  cookieOptions,
  createSessionKeys,
  newSession,
  openToken,
  readCookie,
  SIGNIN_COOKIE,
  type SessionKeys,
  sealToken,
  writeSessionCookie,
} from './session.ts';

export const SIGNIN_PATH = '/admin/signin';
export const SIGNIN_COMPLETE_PATH = '/admin/auth/complete';
const STATE_TTL_MS = 10 * 60 * 1000;
const TICKET_TTL_MS = 2 * 60 * 1000;

/**
 * For the OAuth callback: where to send the browser after a `signin` state was taken and the code exchanged.
 * The ticket names the portal and user, is signed with a key derived from the client secret, expires in 2 minutes,
 * and only completes in the browser that started the sign-in (it carries that browser's state).
 */
export function signInReturnUrl(
  config: Pick<Config, 'HUBSPOT_CLIENT_SECRET'>,
  args: { state: Pick<OAuthState, 'state' | 'returnTo'>; portalId: number; user?: string; now: number },
): string {
  const ticket = sealToken(createSessionKeys(config), {
    kind: 'signin',
    portalId: args.portalId,
    ...(args.user ? { user: args.user } : {}),
    state: args.state.state,
    expiresAt: args.now + TICKET_TTL_MS,
  });
  const returnTo = args.state.returnTo?.startsWith('/') ? args.state.returnTo : SIGNIN_COMPLETE_PATH;
  return `${returnTo}${returnTo.includes('?') ? '&' : '?'}ticket=${encodeURIComponent(ticket)}`;
}

function readTicket(keys: SessionKeys, req: Request, now: number): { portalId: number; user?: string } | string {
  const ticket = openToken(keys, typeof req.query.ticket === 'string' ? req.query.ticket : undefined);
  if (ticket?.kind !== 'signin' || typeof ticket.portalId !== 'number') return 'The sign-in link is invalid.';
  if (typeof ticket.expiresAt !== 'number' || ticket.expiresAt <= now) return 'The sign-in link has expired.';
  const browserState = readCookie(req, SIGNIN_COOKIE);
  if (!browserState || browserState !== ticket.state) return 'This sign-in was started in another browser or tab.';
  return { portalId: ticket.portalId, ...(typeof ticket.user === 'string' ? { user: ticket.user } : {}) };
}

function answerSignInFailure(res: Response, status: number, message: string): void {
  res
    .status(status)
    .type('html')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in failed</title><link rel="stylesheet" href="/admin/admin.css"></head>` +
        `<body><main class="signin"><h1>Sign-in failed</h1><p role="alert">${message.replace(/[<>&"]/g, '')}</p><p><a class="button primary" href="${SIGNIN_PATH}">Sign in with HubSpot again</a></p></main></body></html>`,
    );
}

export function createSignInRouter(ctx: AppContext): Router {
  const router = Router();
  const keys = createSessionKeys(ctx.config);

  router.get(SIGNIN_PATH, async (_req, res) => {
    const state = randomBytes(24).toString('base64url');
    await ctx.store.putOAuthState({ state, purpose: 'signin', returnTo: SIGNIN_COMPLETE_PATH, expiresAt: ctx.now() + STATE_TTL_MS });
    res.cookie(SIGNIN_COOKIE, state, cookieOptions(ctx.config, STATE_TTL_MS));
    res.redirect(302, buildInstallUrl(ctx.config, installScopes(), state));
  });

  router.get(SIGNIN_COMPLETE_PATH, async (req, res) => {
    const ticket = readTicket(keys, req, ctx.now());
    if (typeof ticket === 'string') {
      answerSignInFailure(res, 400, ticket);
      return;
    }
    const installation = await ctx.store.getInstallation(ticket.portalId);
    if (!installation) {
      answerSignInFailure(res, 403, `The app is not installed in portal ${ticket.portalId}.`);
      return;
    }
    const { maxAge: _unused, ...clear } = cookieOptions(ctx.config, 0);
    res.clearCookie(SIGNIN_COOKIE, clear);
    writeSessionCookie(res, ctx.config, keys, newSession({ portalId: ticket.portalId, now: ctx.now(), ...(ticket.user ? { user: ticket.user } : {}) }));
    ctx.log.info('admin signed in', { portalId: ticket.portalId });
    res.redirect(302, '/admin');
  });

  return router;
}
