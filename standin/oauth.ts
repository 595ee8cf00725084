// OAuth for a marketplace app (docs/hubspot-platform.md §2): authorize (auto-approved), /oauth/2026-03/token (authorization_code,
// refresh_token), introspect, revoke, the app-uninstall endpoint. Tokens last `tokenTtlSeconds` (HubSpot: 1,800).
import { randomBytes } from 'node:crypto';
import { HubSpotError } from './errors.ts';
import type { AccessToken, Ctx, Reply, Router } from './http.ts';
import type { Portal } from './portal.ts';

export interface AppCredentials {
  clientId: string;
  clientSecret: string;
  appId: number | string;
}

export interface RefreshToken {
  token: string;
  portalId: number;
  scopes: string[];
  revoked: boolean;
}

interface AuthCode {
  code: string;
  portalId: number;
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
}

export interface AuthState {
  app: AppCredentials;
  clock: () => number;
  tokenTtlSeconds: number;
  portals: Map<number, Portal>;
  tokens: Map<string, AccessToken>;
  refreshTokens: Map<string, RefreshToken>;
  codes: Map<string, AuthCode>;
  /** Which portal the (imaginary) user installs into when the authorize request does not say. */
  installPortalId?: number;
  /** Optional scopes the installing user cannot grant: left out of the grant. */
  withheldScopes?: string[];
  /** When set, redirect_uri must be one of these exactly (HubSpot: the app's configured redirect URLs). */
  redirectUris?: string[];
  /** The installing user, reported by introspect. */
  user: { id: number; email: string };
}

/** HubSpot access tokens are opaque and may be up to 300 characters long (docs/hubspot-platform.md §2.2); these are 200. */
function newToken(prefix: string, length: number): string {
  return `${prefix}${randomBytes(length).toString('base64url')}`.slice(0, length);
}

function oauthError(status: string, message: string, error = 'invalid_request'): HubSpotError {
  const e = new HubSpotError(400, status, message, { status, error, error_description: message });
  return e;
}

export function issueTokens(state: AuthState, portalId: number, scopes: string[], refreshToken?: string): { access: AccessToken; refresh: string } {
  const refresh = refreshToken ?? newToken('na1-', 40);
  if (!state.refreshTokens.has(refresh)) state.refreshTokens.set(refresh, { token: refresh, portalId, scopes, revoked: false });
  const access: AccessToken = {
    token: newToken('CO', 200),
    portalId,
    scopes,
    expiresAt: state.clock() + state.tokenTtlSeconds * 1000,
    refreshToken: refresh,
    revoked: false,
    static: false,
  };
  state.tokens.set(access.token, access);
  return { access, refresh };
}

/** 401 bodies as HubSpot sends them for a missing/unknown token and an expired one. */
export function authenticate(state: AuthState, header: string | undefined): AccessToken {
  const token = header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  const found = token ? state.tokens.get(token) : undefined;
  if (!found || found.revoked) {
    throw new HubSpotError(
      401,
      'INVALID_AUTHENTICATION',
      'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
    );
  }
  const now = state.clock();
  if (!found.static && found.expiresAt <= now) {
    const ago = Math.max(1, Math.round((now - found.expiresAt) / 1000));
    throw new HubSpotError(401, 'EXPIRED_AUTHENTICATION', `The OAuth token used to make this call expired ${ago} second(s) ago.`, {
      context: { expired_at: [new Date(found.expiresAt).toISOString()] },
    });
  }
  return found;
}

function checkClient(state: AuthState, form: URLSearchParams): void {
  if (form.get('client_id') !== state.app.clientId) throw oauthError('BAD_CLIENT_ID', 'missing or unknown client id', 'invalid_client');
  if (form.get('client_secret') !== state.app.clientSecret) throw oauthError('BAD_CLIENT_SECRET', 'missing or invalid client secret', 'invalid_client');
}

function tokenResponse(state: AuthState, access: AccessToken, refresh: string): Reply {
  return {
    status: 200,
    body: {
      access_token: access.token,
      refresh_token: refresh,
      expires_in: state.tokenTtlSeconds,
      token_type: 'bearer',
      token_use: 'access_token',
      hub_id: access.portalId,
      user_id: state.user.id,
      scopes: access.scopes,
    },
  };
}

export function registerOAuthRoutes(router: Router, state: AuthState): void {
  const authorize = (ctx: Ctx): Reply => {
    const q = ctx.query;
    if (q.get('client_id') !== state.app.clientId) {
      return { status: 400, body: { status: 'error', message: `Unknown client_id ${q.get('client_id') ?? ''}`, category: 'BAD_CLIENT_ID' } };
    }
    const redirectUri = q.get('redirect_uri');
    if (!redirectUri || (state.redirectUris && !state.redirectUris.includes(redirectUri))) {
      return { status: 400, body: { status: 'error', message: `redirect_uri ${redirectUri ?? '(missing)'} does not match the app's redirect URLs`, category: 'BAD_REDIRECT_URI' } };
    }
    const scope = (q.get('scope') ?? '').split(/[\s+]+/).filter(Boolean);
    if (scope.length === 0) return { status: 400, body: { status: 'error', message: 'scope is required', category: 'VALIDATION_ERROR' } };
    const optional = (q.get('optional_scope') ?? '').split(/[\s+]+/).filter(Boolean);
    const hinted = Number(ctx.params.accountId ?? q.get('portal_id') ?? state.installPortalId ?? Number.NaN);
    const portal = Number.isFinite(hinted) ? state.portals.get(hinted) : state.portals.values().next().value;
    if (!portal) return { status: 400, body: { status: 'error', message: 'No portal to install into', category: 'VALIDATION_ERROR' } };
    portal.installed = true;
    // HubSpot grants an optional scope only where the account has the feature: no Leads, no leads scopes.
    const grantable = (o: string) => !state.withheldScopes?.includes(o) && (portal.leadPipelines !== null || !o.startsWith('crm.objects.leads.'));
    portal.grantedScopes = [...new Set([...scope, ...optional.filter(grantable)])];
    const code = newToken('', 36);
    state.codes.set(code, { code, portalId: portal.id, redirectUri, scopes: portal.grantedScopes, expiresAt: state.clock() + 10 * 60_000, used: false });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    const st = q.get('state');
    if (st !== null) target.searchParams.set('state', st);
    return { status: 302, headers: { location: target.toString() } };
  };
  router.add('GET', ['/oauth/authorize', '/oauth/{accountId}/authorize'], { auth: false }, authorize);

  const token = (ctx: Ctx): Reply => {
    const form = ctx.form;
    checkClient(state, form);
    const grant = form.get('grant_type');
    if (grant === 'authorization_code') {
      const code = state.codes.get(form.get('code') ?? '');
      if (!code || code.used || code.expiresAt < state.clock()) throw oauthError('BAD_AUTH_CODE', 'missing or unknown auth code', 'invalid_grant');
      if (form.get('redirect_uri') !== code.redirectUri) throw oauthError('BAD_REDIRECT_URI', 'redirect_uri does not match the one used to authorize', 'invalid_grant');
      code.used = true;
      const portal = state.portals.get(code.portalId);
      if (!portal?.installed) throw oauthError('BAD_AUTH_CODE', 'the app is not installed in this account', 'invalid_grant');
      const { access, refresh } = issueTokens(state, code.portalId, code.scopes);
      return tokenResponse(state, access, refresh);
    }
    if (grant === 'refresh_token') {
      const rt = state.refreshTokens.get(form.get('refresh_token') ?? '');
      if (!rt || rt.revoked || !state.portals.get(rt.portalId)?.installed) {
        throw oauthError('BAD_REFRESH_TOKEN', 'missing or unknown refresh token', 'invalid_grant');
      }
      const { access, refresh } = issueTokens(state, rt.portalId, rt.scopes, rt.token);
      return tokenResponse(state, access, refresh);
    }
    throw oauthError('BAD_GRANT_TYPE', `unsupported grant_type ${grant ?? '(missing)'}`, 'unsupported_grant_type');
  };
  router.add('POST', ['/oauth/2026-03/token', '/oauth/v3/token', '/oauth/v1/token'], { auth: false }, token);

  const introspect = (ctx: Ctx): Reply => {
    checkClient(state, ctx.form);
    const value = ctx.form.get('token') ?? '';
    const access = state.tokens.get(value);
    const now = state.clock();
    if (access && !access.revoked && (access.static || access.expiresAt > now)) {
      return {
        status: 200,
        body: {
          active: true,
          app_id: Number(state.app.appId),
          client_id: state.app.clientId,
          expires_in: access.static ? 0 : Math.floor((access.expiresAt - now) / 1000),
          hub_id: access.portalId,
          hub_domain: `portal-${access.portalId}.hubspot.test`,
          scopes: access.scopes,
          token: value,
          token_type: 'bearer',
          token_use: 'access_token',
          user: state.user.email,
          user_id: state.user.id,
          is_private_distribution: false,
        },
      };
    }
    const refresh = state.refreshTokens.get(value);
    if (refresh && !refresh.revoked && state.portals.get(refresh.portalId)?.installed) {
      return {
        status: 200,
        body: {
          active: true,
          app_id: Number(state.app.appId),
          client_id: state.app.clientId,
          hub_id: refresh.portalId,
          hub_domain: `portal-${refresh.portalId}.hubspot.test`,
          scopes: refresh.scopes,
          token: value,
          token_type: 'bearer',
          token_use: 'refresh_token',
          user: state.user.email,
          user_id: state.user.id,
          is_private_distribution: false,
        },
      };
    }
    return { status: 200, body: { active: false } };
  };
  router.add('POST', ['/oauth/2026-03/token/introspect', '/oauth/v3/token/introspect'], { auth: false }, introspect);

  const revoke = (ctx: Ctx): Reply => {
    checkClient(state, ctx.form);
    const value = ctx.form.get('token') ?? '';
    const access = state.tokens.get(value);
    if (access) access.revoked = true;
    const refresh = state.refreshTokens.get(value);
    if (refresh) refresh.revoked = true;
    return { status: 204 };
  };
  router.add('POST', ['/oauth/2026-03/token/revoke', '/oauth/v3/token/revoke'], { auth: false }, revoke);

  // Legacy metadata endpoint (deprecated, kept because older code calls it).
  router.add('GET', '/oauth/v1/access-tokens/{token}', { auth: false }, (ctx) => {
    const access = state.tokens.get(ctx.params.token ?? '');
    const now = state.clock();
    if (!access || access.revoked || (!access.static && access.expiresAt <= now)) {
      return { status: 404, body: { status: 'error', message: 'Token not found', category: 'OBJECT_NOT_FOUND' } };
    }
    return {
      status: 200,
      body: {
        token: access.token,
        user: state.user.email,
        hub_domain: `portal-${access.portalId}.hubspot.test`,
        scopes: access.scopes,
        hub_id: access.portalId,
        app_id: Number(state.app.appId),
        expires_in: Math.floor((access.expiresAt - now) / 1000),
        user_id: state.user.id,
        token_type: 'access',
      },
    };
  });

  router.add(
    'DELETE',
    ['/appinstalls/v3/external-install', '/appinstalls/2026-03/external-install', '/appinstalls/2026-09/external-install'],
    { rate: 'burst', scopes: () => ['oauth'] },
    (ctx) => {
      const portal = ctx.portal!;
      uninstall(state, portal);
      return { status: 204 };
    },
  );
}

/** The app is removed from the portal: every token for it stops working; refreshes get 400. */
export function uninstall(state: AuthState, portal: Portal): void {
  portal.installed = false;
  portal.grantedScopes = [];
  for (const t of state.tokens.values()) if (t.portalId === portal.id && !t.static) t.revoked = true;
  for (const r of state.refreshTokens.values()) if (r.portalId === portal.id) r.revoked = true;
}
