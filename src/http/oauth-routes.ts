// OAuth install (CONTRACT.md section 2): /oauth/install sends the admin to HubSpot's consent page with a random
// single-use state; /oauth/callback checks it, exchanges the code at the 2026-03 token endpoint, learns the portal
// from introspection, stores the installation (tokens encrypted), creates the properties and starts the backfill.
import { randomBytes } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import type { AppContext } from '../app-context.ts';
import { installScopes } from '../app-definition.ts';
import { BadRequestError, CodedError } from '../errors.ts';
import type { HubSpotClients } from '../hubspot/client.ts';
import { createInstallationAuth } from '../hubspot/installations.ts';
import { buildInstallUrl, exchangeCode, type InstallScopes, introspectToken, type TokenInfo, type TokenSet } from '../hubspot/oauth.ts';
import { resolveTokenKey } from '../hubspot/token-crypto.ts';
import { recordPortalTimeZone } from '../jobs/sla.ts';
import type { Installation, PortalId } from '../store/store.ts';
import { signInReturnUrl } from './admin/signin.ts';

export const STATE_TTL_MS = 10 * 60_000;

/** The steps of an install that talk to HubSpot or keep tokens; replaceable in tests. */
export interface OAuthInstaller {
  exchangeCode(code: string): Promise<TokenSet>;
  introspect(accessToken: string): Promise<TokenInfo>;
  save(tokens: TokenSet, info: TokenInfo): Promise<Installation>;
  provision(portalId: PortalId): Promise<void>;
}

export interface OAuthRouterOptions {
  installer?: OAuthInstaller;
  scopes?: InstallScopes;
}

export function createDefaultInstaller(ctx: AppContext): OAuthInstaller {
  const clients = ctx.hubspot as Partial<HubSpotClients>;
  let auth = clients.auth;
  const authFor = () => {
    auth ??= createInstallationAuth({ store: ctx.store, config: ctx.config, log: ctx.log, now: ctx.now, tokenKey: resolveTokenKey(ctx.config, ctx.log) });
    return auth;
  };
  return {
    exchangeCode: (code) => exchangeCode(ctx.config, code),
    introspect: (token) => introspectToken(ctx.config, token),
    save: (tokens, info) => authFor().saveOAuthInstallation(tokens, info),
    provision: async (portalId) => {
      const client = await ctx.hubspot.forPortal(portalId);
      await client.provisionProperties();
      // The backfill's tasks count against the per-rep budget of the portal's own day.
      await recordPortalTimeZone(ctx, portalId, client);
    },
  };
}

export function createOAuthRouter(ctx: AppContext, options: OAuthRouterOptions = {}): Router {
  const router = Router();
  const installer = options.installer ?? createDefaultInstaller(ctx);
  const scopes = options.scopes ?? installScopes();

  router.get('/oauth/install', async (req: Request, res: Response) => {
    if (ctx.config.privateAppMode) throw new BadRequestError('This deployment runs with a static token (HUBSPOT_PRIVATE_APP_TOKEN): there is nothing to install', 'oauth_disabled');
    const state = randomBytes(24).toString('base64url');
    const returnTo = typeof req.query.returnTo === 'string' && isLocalPath(req.query.returnTo) ? req.query.returnTo : undefined;
    await ctx.store.putOAuthState({ state, expiresAt: ctx.now() + STATE_TTL_MS, purpose: 'install', ...(returnTo ? { returnTo } : {}) });
    res.redirect(302, buildInstallUrl(ctx.config, scopes, state));
  });

  router.get('/oauth/callback', async (req: Request, res: Response) => {
    const { code, state, error } = req.query;
    if (typeof error === 'string') {
      const description = typeof req.query.error_description === 'string' ? req.query.error_description : error;
      throw new BadRequestError(`HubSpot did not grant access: ${description}`, 'oauth_denied');
    }
    if (typeof state !== 'string' || state === '') throw new BadRequestError('The state parameter is missing: start again at /oauth/install', 'oauth_state_invalid');
    const saved = await ctx.store.takeOAuthState(state, ctx.now());
    if (!saved) throw new BadRequestError('The install link is unknown, used or older than 10 minutes: start again at /oauth/install', 'oauth_state_invalid');
    if (typeof code !== 'string' || code === '') throw new BadRequestError('The code parameter is missing: start again at /oauth/install', 'oauth_code_missing');

    const tokens = await installer.exchangeCode(code);
    const info = await installer.introspect(tokens.accessToken);
    if (!info.active) throw new CodedError('oauth_token_inactive', 'HubSpot reports the new token as inactive: start again at /oauth/install', { status: 502 });
    const before = await ctx.store.getInstallation(info.hubId);
    // Signing in to the console never installs: only the install route does (a sign-in that reinstalled silently
    // reset a disconnected portal and duplicated its tasks).
    if (saved.purpose === 'signin' && before?.status !== 'active') {
      throw new CodedError('not_installed', `The BANT scoring app is not installed in portal ${info.hubId}. Install it at /oauth/install, then sign in.`, { status: 403 });
    }
    const installation = await installer.save(tokens, info);
    const portalId = installation.portalId;
    const isNewInstall = saved.purpose !== 'signin';
    if (isNewInstall) {
      ctx.log.info('app installed', { portalId, userId: info.userId, scopes: info.scopes.length });
      await installer.provision(portalId);
      await ctx.store.enqueue([{ portalId, kind: 'backfill', key: 'all', notBefore: ctx.now() }]);
      ctx.notifyWork();
    }
    if (saved.purpose === 'signin') {
      res.redirect(302, signInReturnUrl(ctx.config, { state: saved, portalId, ...(info.user ? { user: info.user } : {}), now: ctx.now() }));
      return;
    }

    if (saved.returnTo && isLocalPath(saved.returnTo)) {
      res.redirect(302, saved.returnTo);
      return;
    }
    res.status(200).type('html').send(installedPage(portalId, info.hubDomain));
  });

  return router;
}

/** Only paths on this app, never another origin (an open redirect otherwise). */
function isLocalPath(value: string): boolean {
  return value.startsWith('/') && !value.startsWith('//') && !value.includes('\\');
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function installedPage(portalId: PortalId, hubDomain: string | undefined): string {
  const where = hubDomain ? `portal ${portalId} (${escapeHtml(hubDomain)})` : `portal ${portalId}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>BANT lead scoring installed</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>BANT lead scoring is installed</h1>
<p>The app is connected to HubSpot ${where}. It created the <em>BANT lead scoring</em> contact properties and is now scoring your existing contacts; scores appear on contact records as it goes.</p>
<p>You can close this page.</p>
</body></html>`;
}
