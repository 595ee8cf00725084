import { randomBytes } from 'node:crypto';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthorizationError } from '../../src/errors.ts';
import { createInstallationAuth } from '../../src/hubspot/installations.ts';
import { decryptToken } from '../../src/hubspot/token-crypto.ts';
import { Metrics } from '../../src/metrics.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { API, captureLogs, PORTAL, setupNock, teardownNock, testConfig } from './fixtures.ts';

beforeEach(() => {
  setupNock();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-20T10:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
  teardownNock();
});

async function installed(options: { env?: Record<string, string> } = {}) {
  const store = createMemoryStore();
  const config = testConfig(options.env);
  const { log, lines } = captureLogs();
  const tokenKey = randomBytes(32);
  const auth = createInstallationAuth({ store, config, log, tokenKey, now: () => Date.now() });
  await auth.saveOAuthInstallation(
    { accessToken: 'access-one-xxxxxxxx', refreshToken: 'refresh-one-xxxxxxxx', expiresIn: 1800 },
    { active: true, hubId: PORTAL, userId: 5, user: 'admin@acme.com', scopes: ['oauth'] },
  );
  return { store, auth, lines, tokenKey };
}

describe('authorize(portalId)', () => {
  it('when the token is fresh, then it is returned without calling HubSpot and stored encrypted', async () => {
    const { store, auth, tokenKey } = await installed();
    expect(await auth.authorize(PORTAL)).toBe('access-one-xxxxxxxx');
    const installation = await store.getInstallation(PORTAL);
    expect(installation?.accessTokenEnc).not.toContain('access-one');
    expect(decryptToken(tokenKey, installation?.refreshTokenEnc ?? '', `hubspot:${PORTAL}:refresh`)).toBe('refresh-one-xxxxxxxx');
    expect(installation).toMatchObject({ status: 'active', mode: 'oauth', installedBy: { userId: 5, email: 'admin@acme.com' } });
  });

  it('when 26 minutes have passed and many callers wait, then exactly one refresh runs and its new refresh token is stored', async () => {
    const { store, auth, tokenKey } = await installed();
    vi.setSystemTime(new Date('2026-11-20T10:26:00Z'));
    const scope = nock(API)
      .post('/oauth/2026-03/token', (body) => new URLSearchParams(body as string).get('refresh_token') === 'refresh-one-xxxxxxxx')
      .delay(20)
      .reply(200, { access_token: 'access-two-xxxxxxxx', refresh_token: 'refresh-two-xxxxxxxx', expires_in: 1800 });
    const tokens = await Promise.all(Array.from({ length: 25 }, () => auth.authorize(PORTAL)));
    expect(new Set(tokens)).toEqual(new Set(['access-two-xxxxxxxx']));
    expect(scope.isDone()).toBe(true);
    const installation = await store.getInstallation(PORTAL);
    expect(decryptToken(tokenKey, installation?.refreshTokenEnc ?? '', `hubspot:${PORTAL}:refresh`)).toBe('refresh-two-xxxxxxxx');
    expect(installation?.accessTokenExpiresAt).toBe(Date.parse('2026-11-20T10:56:00Z'));
    // Fresh again: no further call.
    expect(await auth.authorize(PORTAL)).toBe('access-two-xxxxxxxx');
  });

  it('when HubSpot refuses the refresh, then the installation becomes inactive with a reason, the log says so without the token, and callers get AuthorizationError', async () => {
    const { store, auth, lines } = await installed();
    vi.setSystemTime(new Date('2026-11-20T10:31:00Z'));
    nock(API).post('/oauth/2026-03/token').reply(400, { status: 'BAD_REFRESH_TOKEN', message: 'refresh token is invalid, expired or revoked' });
    const results = await Promise.allSettled([auth.authorize(PORTAL), auth.authorize(PORTAL)]);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(AuthorizationError);
    }
    const installation = await store.getInstallation(PORTAL);
    expect(installation?.status).toBe('inactive');
    expect(installation?.statusReason).toMatch(/refused the token refresh \(400 BAD_REFRESH_TOKEN\)/);
    expect(lines.some((l) => l.includes('installation deactivated'))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/refresh-one|access-one/);
    // Later calls fail at once, without HubSpot.
    await expect(auth.authorize(PORTAL)).rejects.toThrow(/inactive/);
  });

  it('when HubSpot answers invalid_grant, then the installation becomes inactive too', async () => {
    const { store, auth } = await installed();
    vi.setSystemTime(new Date('2026-11-20T10:31:00Z'));
    nock(API).post('/oauth/2026-03/token').reply(400, { error: 'invalid_grant', error_description: 'refresh token revoked' });
    await expect(auth.authorize(PORTAL)).rejects.toBeInstanceOf(AuthorizationError);
    expect((await store.getInstallation(PORTAL))?.status).toBe('inactive');
  });

  it.each<[string, number, unknown]>([
    ['invalid_client (a wrong client secret)', 400, { error: 'invalid_client', error_description: 'client authentication failed' }],
    ['BAD_CLIENT_ID', 401, { status: 'BAD_CLIENT_ID', message: 'missing or invalid client id' }],
    ['a 5xx', 503, { status: 'error', message: 'service unavailable' }],
    ['a 400 gateway page without a category', 400, '<html>bad request</html>'],
  ])('when the refresh fails with %s, then the installation stays active and the operator is alerted (error log, metric, status), cleared by the next refresh', async (_name, status, body) => {
    const store = createMemoryStore();
    const { log, lines } = captureLogs();
    const metrics = new Metrics();
    const auth = createInstallationAuth({ store, config: testConfig(), log, metrics, tokenKey: randomBytes(32), now: () => Date.now() });
    await auth.saveOAuthInstallation(
      { accessToken: 'access-one-xxxxxxxx', refreshToken: 'refresh-one-xxxxxxxx', expiresIn: 1800 },
      { active: true, hubId: PORTAL, userId: 5, user: 'admin@acme.com', scopes: ['oauth'] },
    );
    vi.setSystemTime(new Date('2026-11-20T10:31:00Z'));
    nock(API).post('/oauth/2026-03/token').reply(status, body as Record<string, unknown>);
    await expect(auth.authorize(PORTAL)).rejects.not.toBeInstanceOf(AuthorizationError);
    const installation = await store.getInstallation(PORTAL);
    expect(installation?.status).toBe('active');
    expect(installation?.alert?.message).toMatch(new RegExp(`HubSpot token refresh failed \\(HTTP ${status}`));
    expect(lines.some((l) => l.includes('error') && l.includes('token refresh failed'))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/refresh-one|access-one/);
    expect(metrics.sum('bant_token_refresh_failures_total')).toBe(1);

    nock(API).post('/oauth/2026-03/token').reply(200, { access_token: 'access-two-xxxxxxxx', refresh_token: 'refresh-two-xxxxxxxx', expires_in: 1800 });
    expect(await auth.authorize(PORTAL)).toBe('access-two-xxxxxxxx');
    expect((await store.getInstallation(PORTAL))?.alert).toBeUndefined();
  });

  it('when the refresh fails for a passing reason while the old token still works, then the old token is used', async () => {
    const { auth, store } = await installed();
    vi.setSystemTime(new Date('2026-11-20T10:27:00Z'));
    nock(API).post('/oauth/2026-03/token').reply(502, 'bad gateway');
    expect(await auth.authorize(PORTAL)).toBe('access-one-xxxxxxxx');
    expect((await store.getInstallation(PORTAL))?.status).toBe('active');
  });

  it('when the portal is not installed, then AuthorizationError', async () => {
    const { auth } = await installed();
    await expect(auth.authorize(999)).rejects.toBeInstanceOf(AuthorizationError);
  });
});

describe('static-token mode', () => {
  it('when HUBSPOT_PORTAL_ID is absent, then the portal and time zone are learned once from /account-info/2026-03/details', async () => {
    const store = createMemoryStore();
    const config = testConfig({ HUBSPOT_PRIVATE_APP_TOKEN: 'pat-na1-static-token-xx' });
    const { log } = captureLogs();
    const auth = createInstallationAuth({ store, config, log, tokenKey: randomBytes(32) });
    nock(API)
      .get('/account-info/2026-03/details')
      .matchHeader('authorization', 'Bearer pat-na1-static-token-xx')
      .once()
      .reply(200, { portalId: 321, timeZone: 'Europe/Berlin' });
    const installation = await auth.ensurePrivateAppInstallation();
    expect(installation).toMatchObject({ portalId: 321, mode: 'private_app', status: 'active' });
    expect(await auth.authorize(321)).toBe('pat-na1-static-token-xx');
    expect(auth.timeZoneOf(321)).toBe('Europe/Berlin');
    await expect(auth.authorize(322)).rejects.toBeInstanceOf(AuthorizationError);
  });

  it('when HUBSPOT_PORTAL_ID is set, then no call is needed', async () => {
    const store = createMemoryStore();
    const config = testConfig({ HUBSPOT_PRIVATE_APP_TOKEN: 'pat-na1-static-token-xx', HUBSPOT_PORTAL_ID: '55' });
    const auth = createInstallationAuth({ store, config, log: captureLogs().log, tokenKey: randomBytes(32) });
    expect((await auth.ensurePrivateAppInstallation()).portalId).toBe(55);
    expect(await auth.authorize(55)).toBe('pat-na1-static-token-xx');
  });
});
