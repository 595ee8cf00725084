// The authorize side of the installation store (after slack's InstallProvider.authorize): fetch the installation,
// refresh ahead of expiry, write back, hand out a ready token. One refresh per portal at a time (PLATFORM.md §8.8).
import type { Config } from '../config.ts';
import { AuthorizationError, type HubSpotApiError } from '../errors.ts';
import { type Logger, registerSecret } from '../log.ts';
import { DEFAULT_SETTINGS, type Installation, type PortalId, type Store } from '../store/store.ts';
import { isRefusedRefresh, readAccountDetails, refreshAccessToken, type TokenInfo, type TokenSet } from './oauth.ts';
import { decryptToken, encryptToken } from './token-crypto.ts';

/** Refresh this long before HubSpot's expiry (tokens last 30 minutes, PLATFORM.md §2.2). */
export const REFRESH_AHEAD_MS = 5 * 60_000;

export interface InstallationAuth {
  /** A usable access token for the portal; throws AuthorizationError when the portal cannot be used. */
  authorize(portalId: PortalId): Promise<string>;
  /** Stores a fresh OAuth installation (tokens encrypted); keeps settings and models of an earlier install. */
  saveOAuthInstallation(tokens: TokenSet, info: TokenInfo): Promise<Installation>;
  /** Static-token mode: the one portal, from HUBSPOT_PORTAL_ID or learned from GET /account-info/v3/details. */
  ensurePrivateAppInstallation(): Promise<Installation>;
  /** Marks the portal unusable (no token in the reason). */
  deactivate(portalId: PortalId, reason: string): Promise<void>;
  /** Drops cached tokens of a portal (after uninstall or deactivation elsewhere). */
  forget(portalId: PortalId): void;
  /**
   * HubSpot refused `token` with 401 before its recorded expiry (expired early, rotated elsewhere): the next
   * authorize refreshes instead of handing it out again (once per rejected token; concurrent callers share the refresh).
   */
  invalidate?(portalId: PortalId, token: string): void;
  /** The portal's IANA time zone when known (static-token mode learns it), for the daily-limit reset. */
  timeZoneOf(portalId: PortalId): string | undefined;
}

export interface InstallationAuthOptions {
  store: Store;
  config: Config;
  log: Logger;
  tokenKey: Buffer;
  now?: () => number;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

export function tokenAssociatedData(portalId: PortalId, kind: 'access' | 'refresh'): string {
  return `hubspot:${portalId}:${kind}`;
}

export function createInstallationAuth(options: InstallationAuthOptions): InstallationAuth {
  const { store, config, log, tokenKey } = options;
  const now = options.now ?? Date.now;
  const cache = new Map<PortalId, CachedToken>();
  const refreshing = new Map<PortalId, Promise<string>>();
  /** Access tokens HubSpot answered 401 to, per portal: never handed out again. */
  const rejected = new Map<PortalId, string>();
  const timeZones = new Map<PortalId, string>();
  let privatePortalId: PortalId | undefined = config.HUBSPOT_PORTAL_ID ? Number(config.HUBSPOT_PORTAL_ID) : undefined;
  registerSecret(config.HUBSPOT_PRIVATE_APP_TOKEN);
  registerSecret(config.HUBSPOT_CLIENT_SECRET);

  const encrypt = (portalId: PortalId, kind: 'access' | 'refresh', value: string) =>
    encryptToken(tokenKey, value, tokenAssociatedData(portalId, kind));
  const decrypt = (portalId: PortalId, kind: 'access' | 'refresh', blob: string) => {
    const value = decryptToken(tokenKey, blob, tokenAssociatedData(portalId, kind));
    registerSecret(value);
    return value;
  };

  async function deactivate(portalId: PortalId, reason: string): Promise<void> {
    cache.delete(portalId);
    const installation = await store.getInstallation(portalId);
    if (!installation) return;
    await store.putInstallation({ ...installation, status: 'inactive', statusReason: reason });
    log.warn('HubSpot installation deactivated: its work stops until the portal installs the app again', { portalId, reason });
  }

  async function refresh(portalId: PortalId, installation: Installation): Promise<string> {
    if (!installation.refreshTokenEnc) {
      await deactivate(portalId, 'no refresh token stored');
      throw new AuthorizationError(portalId, 'no refresh token stored: install the app again');
    }
    const refreshToken = decrypt(portalId, 'refresh', installation.refreshTokenEnc);
    let tokens: TokenSet;
    try {
      tokens = await refreshAccessToken(config, refreshToken);
    } catch (error) {
      if (isRefusedRefresh(error)) {
        const category = (error as HubSpotApiError).category;
        await deactivate(portalId, `HubSpot refused the token refresh (${(error as HubSpotApiError).httpStatus}${category ? ` ${category}` : ''}): app uninstalled or access revoked`);
        throw new AuthorizationError(portalId, 'HubSpot refused the token refresh: the app was uninstalled or its access revoked', { cause: error });
      }
      const current = cache.get(portalId);
      if (current && current.expiresAt > now()) {
        log.warn('HubSpot token refresh failed; using the current token until it expires', { portalId, error });
        return current.token;
      }
      throw error;
    }
    const expiresAt = now() + tokens.expiresIn * 1000;
    const latest = (await store.getInstallation(portalId)) ?? installation;
    await store.putInstallation({
      ...latest,
      accessTokenEnc: encrypt(portalId, 'access', tokens.accessToken),
      refreshTokenEnc: encrypt(portalId, 'refresh', tokens.refreshToken),
      accessTokenExpiresAt: expiresAt,
    });
    cache.set(portalId, { token: tokens.accessToken, expiresAt });
    log.debug('HubSpot access token refreshed', { portalId, expiresInS: tokens.expiresIn });
    return tokens.accessToken;
  }

  async function authorizeOAuth(portalId: PortalId): Promise<string> {
    const cached = cache.get(portalId);
    if (cached && cached.expiresAt - REFRESH_AHEAD_MS > now() && cached.token !== rejected.get(portalId)) return cached.token;
    const pending = refreshing.get(portalId);
    if (pending) return pending;
    const run = (async () => {
      const installation = await store.getInstallation(portalId);
      if (!installation) throw new AuthorizationError(portalId, 'the app is not installed in this portal');
      if (installation.status !== 'active') {
        throw new AuthorizationError(portalId, `installation is inactive (${installation.statusReason ?? 'no reason recorded'})`);
      }
      if (installation.accessTokenEnc && (installation.accessTokenExpiresAt ?? 0) - REFRESH_AHEAD_MS > now()) {
        const token = decrypt(portalId, 'access', installation.accessTokenEnc);
        if (token !== rejected.get(portalId)) {
          cache.set(portalId, { token, expiresAt: installation.accessTokenExpiresAt ?? 0 });
          return token;
        }
      }
      return refresh(portalId, installation);
    })();
    refreshing.set(portalId, run);
    try {
      return await run;
    } finally {
      refreshing.delete(portalId);
    }
  }

  async function learnPrivatePortal(): Promise<PortalId> {
    if (privatePortalId !== undefined) return privatePortalId;
    const details = await readAccountDetails(config, config.HUBSPOT_PRIVATE_APP_TOKEN ?? '');
    privatePortalId = details.portalId;
    if (details.timeZone) timeZones.set(details.portalId, details.timeZone);
    return privatePortalId;
  }

  return {
    async authorize(portalId) {
      if (!config.privateAppMode) return authorizeOAuth(portalId);
      const ownPortal = await learnPrivatePortal();
      if (portalId !== ownPortal) throw new AuthorizationError(portalId, `static-token mode serves portal ${ownPortal} only`);
      const installation = await store.getInstallation(portalId);
      if (installation && installation.status !== 'active') {
        throw new AuthorizationError(portalId, `installation is inactive (${installation.statusReason ?? 'no reason recorded'})`);
      }
      return config.HUBSPOT_PRIVATE_APP_TOKEN ?? '';
    },

    async saveOAuthInstallation(tokens, info) {
      const portalId = info.hubId;
      const earlier = await store.getInstallation(portalId);
      const expiresAt = now() + tokens.expiresIn * 1000;
      const installation: Installation = {
        settings: DEFAULT_SETTINGS,
        ...earlier,
        portalId,
        mode: 'oauth',
        status: 'active',
        installedAt: new Date(now()).toISOString(),
        installedBy: { ...(info.userId !== undefined ? { userId: info.userId } : {}), ...(info.user ? { email: info.user } : {}) },
        scopes: info.scopes,
        accessTokenEnc: encrypt(portalId, 'access', tokens.accessToken),
        refreshTokenEnc: encrypt(portalId, 'refresh', tokens.refreshToken),
        accessTokenExpiresAt: expiresAt,
      };
      delete installation.statusReason;
      await store.putInstallation(installation);
      cache.set(portalId, { token: tokens.accessToken, expiresAt });
      return installation;
    },

    async ensurePrivateAppInstallation() {
      const portalId = await learnPrivatePortal();
      const earlier = await store.getInstallation(portalId);
      if (earlier?.mode === 'private_app' && earlier.status === 'active') return earlier;
      const installation: Installation = {
        settings: DEFAULT_SETTINGS,
        ...earlier,
        portalId,
        mode: 'private_app',
        status: 'active',
        installedAt: earlier?.installedAt ?? new Date(now()).toISOString(),
        scopes: earlier?.scopes ?? [],
      };
      delete installation.statusReason;
      delete installation.accessTokenEnc;
      delete installation.refreshTokenEnc;
      delete installation.accessTokenExpiresAt;
      await store.putInstallation(installation);
      log.info('static-token mode: serving one portal', { portalId, learnedFrom: config.HUBSPOT_PORTAL_ID ? 'HUBSPOT_PORTAL_ID' : 'account-info' });
      return installation;
    },

    deactivate,
    forget: (portalId) => {
      cache.delete(portalId);
    },
    invalidate: (portalId, token) => {
      if (config.privateAppMode) return;
      rejected.set(portalId, token);
    },
    timeZoneOf: (portalId) => timeZones.get(portalId),
  };
}

