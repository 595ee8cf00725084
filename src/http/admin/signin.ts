// Sign-in to the admin console through HubSpot: the same OAuth flow as the install, with a `purpose: 'signin'` state.
// 1. GET /admin/signin stores the state, binds it to this browser (a short cookie) and redirects to HubSpot's consent page.
// 2. HubSpot redirects to /oauth/callback (src/http/oauth-routes.ts), which exchanges the code, learns the portal and,
//    for a sign-in state, redirects to `signInReturnUrl(...)`: the state's returnTo with a short-lived single-use ticket.
// 3. GET /admin/auth/complete takes the ticket, checks it was issued for this browser's state, then starts the session.
import { type Request, type Response, Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { installScopes } from '../../app-definition.ts';
import { buildInstallUrl } from '../../hubspot/oauth.ts';
import type { OAuthState } from '../../store/store.ts';
import { isStateId, newStateId, putBoundedState } from '../oauth-states.ts';
import { cookieOptions, readCookie, SIGNIN_COOKIE, startSession } from './session.ts';

export const SIGNIN_PATH = '/admin/signin';
export const SIGNIN_COMPLETE_PATH = '/admin/auth/complete';
const STATE_TTL_MS = 10 * 60 * 1000;
const TICKET_TTL_MS = 2 * 60 * 1000;

/**
 * For the OAuth callback: where to send the browser after a `signin` state was taken and the code exchanged.
 * The ticket is a random id of a stored record naming the portal and user; it is taken on first use, expires in
 * 2 minutes, and only completes in the browser that started the sign-in (the record holds that browser's state).
 */
export async function signInReturnUrl(
  ctx: Pick<AppContext, 'store' | 'now'>,
  args: { state: Pick<OAuthState, 'state' | 'returnTo'>; portalId: number; user?: string },
): Promise<string> {
  const ticket = newStateId();
  await putBoundedState(ctx, {
    state: ticket,
    purpose: 'ticket',
    expiresAt: ctx.now() + TICKET_TTL_MS,
    portalId: args.portalId,
    ...(args.user ? { user: args.user } : {}),
    browserState: args.state.state,
  });
  const returnTo = args.state.returnTo?.startsWith('/') ? args.state.returnTo : SIGNIN_COMPLETE_PATH;
  return `${returnTo}${returnTo.includes('?') ? '&' : '?'}ticket=${encodeURIComponent(ticket)}`;
}

async function redeemTicket(ctx: AppContext, req: Request): Promise<{ portalId: number; user?: string } | string> {
  if (!isStateId(req.query.ticket)) return 'The sign-in link is invalid.';
  const ticket = await ctx.store.takeOAuthState(req.query.ticket, ctx.now());
  if (ticket?.purpose !== 'ticket' || typeof ticket.portalId !== 'number') return 'The sign-in link is invalid, used or expired.';
  const browserState = readCookie(req, SIGNIN_COOKIE);
  if (!browserState || browserState !== ticket.browserState) return 'This sign-in was started in another browser or tab.';
  return { portalId: ticket.portalId, ...(ticket.user ? { user: ticket.user } : {}) };
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

  router.get(SIGNIN_PATH, async (_req, res) => {
    const state = newStateId();
    await putBoundedState(ctx, { state, purpose: 'signin', returnTo: SIGNIN_COMPLETE_PATH, expiresAt: ctx.now() + STATE_TTL_MS });
    res.cookie(SIGNIN_COOKIE, state, cookieOptions(ctx.config, STATE_TTL_MS));
    res.redirect(302, buildInstallUrl(ctx.config, installScopes(), state));
  });

  router.get(SIGNIN_COMPLETE_PATH, async (req, res) => {
    const ticket = await redeemTicket(ctx, req);
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
    await startSession(ctx, res, { portalId: ticket.portalId, ...(ticket.user ? { user: ticket.user } : {}) });
    ctx.log.info('admin signed in', { portalId: ticket.portalId });
    res.redirect(302, '/admin');
  });

  return router;
}
