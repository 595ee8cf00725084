// HubSpot OAuth with the 2026-03 endpoints (docs/hubspot-platform.md §2.4): all parameters in a form body. The SDK's `oauth`
// API still calls the v1 endpoints, deprecated on 2027-02-16 (docs/hubspot-platform.md §8.9), so this uses fetch directly.
import type { AppContext } from '../app-context.ts';
import type { Config } from '../config.ts';
import { CodedError, HubSpotApiError } from '../errors.ts';
import { redact, registerSecret } from '../log.ts';
import type { PortalId } from '../store/store.ts';
import { ACCOUNT_DETAILS_PATH, EXTERNAL_INSTALL_PATH, OAUTH_TOKEN_PATH } from './api-paths.ts';

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  /** Seconds, from HubSpot's `expires_in` (30 minutes today; docs/hubspot-platform.md §2.2 says follow the value). */
  expiresIn: number;
}

export interface TokenInfo {
  active: boolean;
  hubId: number;
  userId?: number;
  user?: string;
  hubDomain?: string;
  scopes: string[];
  appId?: number;
  expiresIn?: number;
}

export interface InstallScopes {
  required: string[];
  optional: string[];
}

type OAuthConfig = Pick<Config, 'HUBSPOT_API_BASE_URL' | 'HUBSPOT_AUTH_BASE_URL' | 'HUBSPOT_CLIENT_ID' | 'HUBSPOT_CLIENT_SECRET' | 'PUBLIC_BASE_URL'>;

const TIMEOUT_MS = 15_000;

export function redirectUri(config: Pick<Config, 'PUBLIC_BASE_URL'>): string {
  return `${config.PUBLIC_BASE_URL}/oauth/callback`;
}

/** The authorize URL; scopes are space-separated and encoded as %20 (docs/hubspot-platform.md §2.1). */
export function buildInstallUrl(config: OAuthConfig, scopes: InstallScopes, state: string): string {
  const params: Array<[string, string]> = [
    ['client_id', config.HUBSPOT_CLIENT_ID ?? ''],
    ['redirect_uri', redirectUri(config)],
    ['scope', scopes.required.join(' ')],
  ];
  if (scopes.optional.length) params.push(['optional_scope', scopes.optional.join(' ')]);
  params.push(['state', state]);
  return `${config.HUBSPOT_AUTH_BASE_URL}/oauth/authorize?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
}

export async function exchangeCode(config: OAuthConfig, code: string): Promise<TokenSet> {
  const body = await postForm(config, 'oauth.exchangeCode', OAUTH_TOKEN_PATH, {
    grant_type: 'authorization_code',
    client_id: config.HUBSPOT_CLIENT_ID ?? '',
    client_secret: config.HUBSPOT_CLIENT_SECRET ?? '',
    redirect_uri: redirectUri(config),
    code,
  });
  return toTokenSet(body, 'oauth.exchangeCode');
}

export async function refreshAccessToken(config: OAuthConfig, refreshToken: string): Promise<TokenSet> {
  registerSecret(refreshToken);
  const body = await postForm(config, 'oauth.refresh', OAUTH_TOKEN_PATH, {
    grant_type: 'refresh_token',
    client_id: config.HUBSPOT_CLIENT_ID ?? '',
    client_secret: config.HUBSPOT_CLIENT_SECRET ?? '',
    redirect_uri: redirectUri(config),
    refresh_token: refreshToken,
  });
  // HubSpot may or may not send a new refresh token; keep whatever comes back (docs/hubspot-platform.md §2.2).
  return toTokenSet({ refresh_token: refreshToken, ...body }, 'oauth.refresh');
}

/** Replaces GET /oauth/v1/access-tokens/{token}: the portal (`hub_id`), installing user and granted scopes. */
export async function introspectToken(config: OAuthConfig, token: string): Promise<TokenInfo> {
  registerSecret(token);
  const body = await postForm(config, 'oauth.introspect', `${OAUTH_TOKEN_PATH}/introspect`, {
    client_id: config.HUBSPOT_CLIENT_ID ?? '',
    client_secret: config.HUBSPOT_CLIENT_SECRET ?? '',
    token,
    token_type_hint: 'access_token',
  });
  const hubId = Number(body.hub_id);
  if (!Number.isInteger(hubId) || hubId <= 0) {
    throw new HubSpotApiError({ operation: 'oauth.introspect', httpStatus: 200, message: 'response has no hub_id' });
  }
  return {
    active: body.active !== false,
    hubId,
    ...(body.user_id !== undefined ? { userId: Number(body.user_id) } : {}),
    ...(typeof body.user === 'string' ? { user: body.user } : {}),
    ...(typeof body.hub_domain === 'string' ? { hubDomain: body.hub_domain } : {}),
    scopes: toScopes(body.scopes),
    ...(body.app_id !== undefined ? { appId: Number(body.app_id) } : {}),
    ...(body.expires_in !== undefined ? { expiresIn: Number(body.expires_in) } : {}),
  };
}

/**
 * The app uninstalls itself from the portal the token belongs to: DELETE /appinstalls/2026-03/external-install
 * with the portal's Bearer token, 204 on success (docs/hubspot-platform.md §2.5). The caller then deletes the portal's data.
 * Returns false when HubSpot says the app is no longer installed (401/404), which the caller treats the same way.
 */
export async function deleteExternalInstall(config: Pick<Config, 'HUBSPOT_API_BASE_URL'>, accessToken: string): Promise<boolean> {
  registerSecret(accessToken);
  const response = await fetchWithTimeout(`${config.HUBSPOT_API_BASE_URL}${EXTERNAL_INSTALL_PATH}`, {
    method: 'DELETE',
    headers: { Authorization: `Bearer ${accessToken}` },
  }, 'oauth.uninstall');
  if (response.status === 204 || response.ok) return true;
  if (response.status === 401 || response.status === 404) return false;
  throw await toOAuthError('oauth.uninstall', response);
}

/** Disconnect a portal (admin console): uninstall through HubSpot, then delete the portal's tokens and data. */
export async function uninstallApp(args: { ctx: Pick<AppContext, 'hubspot'>; portalId: PortalId }): Promise<void> {
  if (!args.ctx.hubspot.disconnect) throw new CodedError('not_supported', 'this HubSpot client cannot disconnect portals', { status: 501 });
  await args.ctx.hubspot.disconnect(args.portalId);
}

/** Account details for static-token mode: the portal id and time zone (GET /account-info/2026-03/details). */
export async function readAccountDetails(
  config: Pick<Config, 'HUBSPOT_API_BASE_URL'>,
  accessToken: string,
): Promise<{ portalId: number; timeZone?: string }> {
  registerSecret(accessToken);
  const response = await fetchWithTimeout(`${config.HUBSPOT_API_BASE_URL}${ACCOUNT_DETAILS_PATH}`, {
    headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' },
  }, 'accountInfo.details');
  if (!response.ok) throw await toOAuthError('accountInfo.details', response);
  const body = (await response.json()) as { portalId?: unknown; timeZone?: unknown };
  const portalId = Number(body.portalId);
  if (!Number.isInteger(portalId) || portalId <= 0) {
    throw new HubSpotApiError({ operation: 'accountInfo.details', httpStatus: response.status, message: 'response has no portalId' });
  }
  return { portalId, ...(typeof body.timeZone === 'string' ? { timeZone: body.timeZone } : {}) };
}

async function postForm(
  config: Pick<Config, 'HUBSPOT_API_BASE_URL'>,
  operation: string,
  path: string,
  form: Record<string, string>,
): Promise<Record<string, unknown>> {
  registerSecret(form.client_secret);
  const response = await fetchWithTimeout(`${config.HUBSPOT_API_BASE_URL}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  }, operation);
  if (!response.ok) throw await toOAuthError(operation, response);
  return (await response.json()) as Record<string, unknown>;
}

async function fetchWithTimeout(url: string, init: RequestInit, operation: string): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new HubSpotApiError({
      operation,
      httpStatus: 0,
      category: 'NETWORK',
      message: redact(error instanceof Error ? `${error.name}: ${error.message}` : 'request failed'),
    });
  }
}

/** HubSpot's OAuth errors carry `status` (e.g. BAD_REFRESH_TOKEN) or `error` (invalid_grant); the body never goes into the message whole. */
async function toOAuthError(operation: string, response: Response): Promise<HubSpotApiError> {
  let body: Record<string, unknown> = {};
  try {
    body = (await response.json()) as Record<string, unknown>;
  } catch {
    // not JSON: status alone names the failure
  }
  // `status` is sometimes HubSpot's generic "error"; then `error` (the OAuth code, e.g. invalid_grant) says more.
  const status = pickString(body.status);
  const category = (status !== 'error' ? status : undefined) ?? pickString(body.error) ?? pickString(body.category) ?? status;
  const message = redact(pickString(body.message) ?? pickString(body.error_description) ?? response.statusText ?? 'request refused');
  const correlationId = pickString(body.correlationId) ?? response.headers.get('x-hubspot-correlation-id') ?? undefined;
  return new HubSpotApiError({
    operation,
    httpStatus: response.status,
    ...(category ? { category } : {}),
    ...(correlationId ? { correlationId } : {}),
    message,
  });
}

/**
 * A refresh HubSpot refuses for good: its answer says the refresh token is invalid (`invalid_grant`, or HubSpot's
 * `BAD_REFRESH_TOKEN`): the app was uninstalled or access revoked (docs/hubspot-platform.md, OAuth; HubSpot's
 * https://developers.hubspot.com/docs/api/oauth/tokens). Anything else (`invalid_client` after a wrong client secret, a
 * 5xx, a gateway page) says nothing about the portal and must never end an installation.
 */
export function isRefusedRefresh(error: unknown): boolean {
  if (!(error instanceof HubSpotApiError) || error.operation !== 'oauth.refresh') return false;
  if (error.httpStatus < 400 || error.httpStatus >= 500) return false;
  const category = error.category?.toLowerCase();
  return category === 'invalid_grant' || category === 'bad_refresh_token';
}

function toTokenSet(body: Record<string, unknown>, operation: string): TokenSet {
  const accessToken = pickString(body.access_token);
  const refreshToken = pickString(body.refresh_token);
  const expiresIn = Number(body.expires_in);
  if (!accessToken || !refreshToken || !Number.isFinite(expiresIn)) {
    throw new HubSpotApiError({ operation, httpStatus: 200, message: 'token response lacks access_token, refresh_token or expires_in' });
  }
  registerSecret(accessToken);
  registerSecret(refreshToken);
  return { accessToken, refreshToken, expiresIn };
}

function toScopes(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((s): s is string => typeof s === 'string');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

function pickString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
