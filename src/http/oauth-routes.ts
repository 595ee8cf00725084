// OAuth install (docs/contract.md section 2): /oauth/install sends the admin to HubSpot's consent page with a random
// single-use state; /oauth/callback checks it, exchanges the code at the 2026-03 token endpoint, learns the portal
// from introspection, stores the installation (tokens encrypted), creates the properties and starts the backfill.
import { languageOf } from '../store/installation-language.ts';
import { type Request, type Response, Router } from 'express';
import type { AppContext } from '../app-context.ts';
import { installScopes } from '../app-definition.ts';
import { BadRequestError, CodedError } from '../errors.ts';
import type { HubSpotClients } from '../hubspot/client.ts';
import { createInstallationAuth } from '../hubspot/installations.ts';
import { buildInstallUrl, exchangeCode, type InstallScopes, introspectToken, type TokenInfo, type TokenSet } from '../hubspot/oauth.ts';
import { resolveTokenKey } from '../hubspot/token-crypto.ts';
import { recordPortalTimeZone } from '../jobs/sla.ts';
import { type Installation, MAX_RETURN_TO_LENGTH, type PortalId } from '../store/store.ts';
import { signInReturnUrl } from './admin/signin.ts';
import { isStateId, newStateId, putBoundedState } from './oauth-states.ts';
import { answerOAuthErrorsAsPages, installedPage } from './oauth-pages.ts';

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
      // A reinstall keeps the settings, so the properties keep the installation's language.
      await client.provisionProperties(languageOf((await ctx.store.getInstallation(portalId))?.settings));
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
    const requested = req.query.returnTo;
    if (typeof requested === 'string' && requested.length > MAX_RETURN_TO_LENGTH) {
      throw new BadRequestError(`returnTo is longer than ${MAX_RETURN_TO_LENGTH} characters`, 'return_to_too_long');
    }
    const returnTo = typeof requested === 'string' && isLocalPath(requested) ? requested : undefined;
    const state = newStateId();
    await putBoundedState(ctx, { state, expiresAt: ctx.now() + STATE_TTL_MS, purpose: 'install', ...(returnTo ? { returnTo } : {}) });
    res.redirect(302, buildInstallUrl(ctx.config, scopes, state));
  });

  router.get('/oauth/callback', async (req: Request, res: Response) => {
    const { code, state, error } = req.query;
    if (typeof error === 'string') {
      const description = typeof req.query.error_description === 'string' ? req.query.error_description : error;
      throw new BadRequestError(`HubSpot did not grant access: ${description}`, 'oauth_denied');
    }
    if (typeof state !== 'string' || state === '') throw new BadRequestError('The state parameter is missing: start again at /oauth/install', 'oauth_state_invalid');
    const saved = isStateId(state) ? await ctx.store.takeOAuthState(state, ctx.now()) : undefined;
    if (!saved || saved.purpose === 'ticket') throw new BadRequestError('The install link is unknown, used or older than 10 minutes: start again at /oauth/install', 'oauth_state_invalid');
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
    // A console sign-in to a portal that already has the app only opens a session: the installation (installedAt,
    // installedBy, scopes, tokens) stays as its install left it. Anything else is an install.
    if (saved.purpose === 'signin' && before?.status === 'active') {
      res.redirect(302, await signInReturnUrl(ctx, { state: saved, portalId: before.portalId, ...(info.user ? { user: info.user } : {}) }));
      return;
    }
    const installation = await installer.save(tokens, info);
    const portalId = installation.portalId;
    // Console sessions from before a reinstall end with it.
    await ctx.store.deletePortalSessions(portalId);
    ctx.log.info('app installed', { portalId, userId: info.userId, scopes: info.scopes.length, ...(restoredNow(installation) ? { restoredFrom: installation.restored?.from } : {}) });
    await installer.provision(portalId);
    await ctx.store.enqueue([{ portalId, kind: 'backfill', key: 'all', notBefore: ctx.now() }]);
    ctx.notifyWork();
    if (saved.purpose === 'signin') {
      res.redirect(302, await signInReturnUrl(ctx, { state: saved, portalId, ...(info.user ? { user: info.user } : {}) }));
      return;
    }

    if (saved.returnTo && isLocalPath(saved.returnTo)) {
      res.redirect(302, saved.returnTo);
      return;
    }
    res.status(200).type('html').send(installedPage(describePortal(portalId, info.hubDomain), restoredNow(installation)));
  });

  router.use(answerOAuthErrorsAsPages(ctx.log));
  return router;
}

/** The date of the earlier install this install restored, when it restored one now. */
function restoredNow(installation: Installation): string | undefined {
  return installation.restored && installation.restored.at === installation.installedAt ? installation.restored.from : undefined;
}

/** Only paths on this app, never another origin (an open redirect otherwise). */
function isLocalPath(value: string): boolean {
  return value.startsWith('/') && !value.startsWith('//') && !value.includes('\\');
}

function describePortal(portalId: PortalId, hubDomain: string | undefined): string {
  return hubDomain ? `portal ${portalId} (${hubDomain})` : `portal ${portalId}`;
}
