// The authorize side of the installation store (after slack's InstallProvider.authorize): fetch the installation,
// refresh ahead of expiry, write back, hand out a ready token. One refresh per portal at a time (docs/hubspot-platform.md §8.8):
// single-flight within the process, and a store lock per portal across the instances sharing a store.
import { setTimeout as delay } from 'node:timers/promises';
import type { Config } from '../config.ts';
import { AuthorizationError, HubSpotApiError } from '../errors.ts';
import { INSTANCE_ID } from '../instance-id.ts';
import { type Logger, registerSecret } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { DEFAULT_SETTINGS, type Installation, type PortalId, type Store } from '../store/store.ts';
import { isRefusedRefresh, readAccountDetails, refreshAccessToken, type TokenInfo, type TokenSet } from './oauth.ts';
import { decryptToken, encryptToken } from './token-crypto.ts';

/** Refresh this long before HubSpot's expiry (tokens last 30 minutes, docs/hubspot-platform.md §2.2). */
export const REFRESH_AHEAD_MS = 5 * 60_000;
/** A refresh holds its portal's lock this long at most: the token call gives up after 15 s (oauth.ts). */
export const REFRESH_LOCK_TTL_MS = 30_000;
/** How long to wait for another instance's refresh before refreshing anyway: a lost lock must not wedge the portal. */
export const REFRESH_WAIT_MS = 20_000;
const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 1_000;

export const refreshLockName = (portalId: PortalId) => `token-refresh:${portalId}`;

/** Each InstallationAuth is a lock owner of its own: two in one process do not share a refresh. */
let authCount = 0;

export interface InstallationAuth {
  /** A usable access token for the portal; throws AuthorizationError when the portal cannot be used. */
  authorize(portalId: PortalId): Promise<string>;
  /** Stores a fresh OAuth installation (tokens encrypted); keeps settings and models of an earlier install. */
  saveOAuthInstallation(tokens: TokenSet, info: TokenInfo): Promise<Installation>;
  /** Static-token mode: the one portal, from HUBSPOT_PORTAL_ID or learned from GET /account-info/2026-03/details. */
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
  /** Owner of the refresh locks (default: this process's INSTANCE_ID plus a number per InstallationAuth). */
  lockOwner?: string;
  /** Bound on waiting for another instance's refresh (default REFRESH_WAIT_MS). */
  refreshWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** bant_token_refresh_failures_total counts refreshes that failed without ending the installation. */
  metrics?: Metrics;
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
  authCount += 1;
  const lockOwner = options.lockOwner ?? `${INSTANCE_ID}:auth-${authCount}`;
  const refreshWaitMs = options.refreshWaitMs ?? REFRESH_WAIT_MS;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
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
    if (!(await store.updateInstallation(portalId, { status: 'inactive', statusReason: reason }))) return;
    log.warn('HubSpot installation deactivated: its work stops until the portal installs the app again', { portalId, reason });
  }

  /** A refresh failure that is the operator's to fix (client secret, HubSpot outage): logged, counted, shown; never an uninstall. */
  async function alertOperator(portalId: PortalId, error: unknown): Promise<void> {
    const api = error instanceof HubSpotApiError ? error : undefined;
    const answer = api ? `${api.httpStatus === 0 ? 'no answer' : `HTTP ${api.httpStatus}`}${api.category ? ` ${api.category}` : ''}` : 'unexpected error';
    const hint = api?.category?.toLowerCase() === 'invalid_client' ? 'check HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET' : 'HubSpot may be failing; retried later';
    const message = `HubSpot token refresh failed (${answer}): ${hint}`;
    options.metrics?.inc('bant_token_refresh_failures_total', 'Token refreshes that failed without ending the installation (operator alert)', {
      reason: api?.category ?? (api ? String(api.httpStatus) : 'error'),
    });
    log.error('HubSpot token refresh failed; the installation stays active, operator action may be needed', {
      portalId,
      httpStatus: api?.httpStatus,
      category: api?.category,
      correlationId: api?.correlationId,
      hint,
    });
    await store.updateInstallation(portalId, { alert: { at: new Date(now()).toISOString(), message } }).catch((storeError: unknown) => {
      log.warn('the refresh alert could not be stored', { portalId, error: storeError });
    });
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
      await alertOperator(portalId, error);
      const current = cache.get(portalId);
      if (current && current.expiresAt > now()) {
        log.warn('HubSpot token refresh failed; using the current token until it expires', { portalId, error });
        return current.token;
      }
      throw error;
    }
    const expiresAt = now() + tokens.expiresIn * 1000;
    // Only the token fields: an admin save of settings or models meanwhile stays.
    const stored = await store.updateInstallation(portalId, {
      accessTokenEnc: encrypt(portalId, 'access', tokens.accessToken),
      refreshTokenEnc: encrypt(portalId, 'refresh', tokens.refreshToken),
      accessTokenExpiresAt: expiresAt,
    });
    if (!stored) throw new AuthorizationError(portalId, 'the app was uninstalled from this portal during the token refresh');
    if (stored.alert) await store.updateInstallation(portalId, { alert: undefined }).catch(() => undefined);
    cache.set(portalId, { token: tokens.accessToken, expiresAt });
    log.debug('HubSpot access token refreshed', { portalId, expiresInS: tokens.expiresIn });
    return tokens.accessToken;
  }

  function requireActive(portalId: PortalId, installation: Installation | undefined): Installation {
    if (!installation) throw new AuthorizationError(portalId, 'the app is not installed in this portal');
    if (installation.status !== 'active') {
      throw new AuthorizationError(portalId, `installation is inactive (${installation.statusReason ?? 'no reason recorded'})`);
    }
    return installation;
  }

  /** The stored access token when it is neither close to expiry nor one HubSpot refused; cached for the next call. */
  function adoptStoredToken(portalId: PortalId, installation: Installation): string | undefined {
    const expiresAt = installation.accessTokenExpiresAt ?? 0;
    if (!installation.accessTokenEnc || expiresAt - REFRESH_AHEAD_MS <= now()) return undefined;
    const token = decrypt(portalId, 'access', installation.accessTokenEnc);
    if (token === rejected.get(portalId)) return undefined;
    cache.set(portalId, { token, expiresAt });
    return token;
  }

  async function readActive(portalId: PortalId): Promise<Installation> {
    return requireActive(portalId, await store.getInstallation(portalId));
  }

  /** Holding the portal's lock: another instance may have refreshed just before, so read again first. */
  async function refreshHoldingLock(portalId: PortalId): Promise<string> {
    try {
      const latest = await readActive(portalId);
      return adoptStoredToken(portalId, latest) ?? (await refresh(portalId, latest));
    } finally {
      await store.releaseLock(refreshLockName(portalId), lockOwner).catch((error: unknown) => {
        log.warn('token refresh lock could not be released; it expires on its own', { portalId, error });
      });
    }
  }

  /**
   * One refresh per portal across the instances sharing the store (docs/hubspot-platform.md §8.8): take the portal's lock, or wait
   * for its holder's new token. A holder that died or hangs is given up on after `refreshWaitMs`.
   */
  async function refreshAcrossInstances(portalId: PortalId): Promise<string> {
    let waited = 0;
    let pause = FIRST_POLL_MS;
    for (;;) {
      if (await store.acquireLock(refreshLockName(portalId), lockOwner, REFRESH_LOCK_TTL_MS, now())) return refreshHoldingLock(portalId);
      const latest = await readActive(portalId);
      const token = adoptStoredToken(portalId, latest);
      if (token) return token;
      if (waited >= refreshWaitMs) {
        log.warn('another instance holds the token refresh lock but stored no new token; refreshing without the lock', { portalId, waitedMs: waited });
        return refresh(portalId, latest);
      }
      const step = Math.min(pause, refreshWaitMs - waited);
      await sleep(step);
      waited += step;
      pause = Math.min(pause * 2, MAX_POLL_MS);
    }
  }

  async function authorizeOAuth(portalId: PortalId): Promise<string> {
    const cached = cache.get(portalId);
    if (cached && cached.expiresAt - REFRESH_AHEAD_MS > now() && cached.token !== rejected.get(portalId)) return cached.token;
    const pending = refreshing.get(portalId);
    if (pending) return pending;
    const run = (async () => {
      const installation = await readActive(portalId);
      return adoptStoredToken(portalId, installation) ?? (await refreshAcrossInstances(portalId));
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
      // Fresh tokens: an alert about the old ones' refresh no longer applies.
      delete installation.alert;
      delete installation.disconnectedAt;
      // A portal the app knew (disconnected, or cut off by HubSpot) gets its settings and models back, and is told so.
      if (earlier && earlier.status !== 'active') {
        installation.restored = { from: earlier.disconnectedAt ?? earlier.installedAt, at: installation.installedAt, models: earlier.modelHistory?.length ?? 0 };
      }
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

