import type { AddressInfo } from 'node:net';
import express from 'express';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app-context.ts';
import { ALL_PROPERTIES } from '../../src/hubspot/bant-properties.ts';
import { COMPANY_PROPERTIES } from '../../src/hubspot/company-properties.ts';
import { createPortalClients, type HubSpotClients } from '../../src/hubspot/client.ts';
import { decryptToken } from '../../src/hubspot/token-crypto.ts';
import { createErrorMiddleware } from '../../src/http/error-middleware.ts';
import { createOAuthRouter } from '../../src/http/oauth-routes.ts';
import { MAX_LIVE_OAUTH_STATES } from '../../src/http/oauth-states.ts';
import { Metrics } from '../../src/metrics.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import type { Store } from '../../src/store/store.ts';
import { API, AUTH, CLIENT_SECRET, captureLogs, setupNock, teardownNock, testConfig } from '../hubspot/fixtures.ts';

const ACCESS = 'CJSP-access-token-first-aaaaaaaa';
const REFRESH = 'refresh-token-first-bbbbbbbbbbbb';
const ACCESS_2 = 'CJSP-access-token-second-cccccc';
const REFRESH_2 = 'refresh-token-second-ddddddddddd';
const KEY = Buffer.alloc(32, 7);

interface Running {
  base: string;
  ctx: AppContext & { hubspot: HubSpotClients };
  store: Store;
  lines: string[];
  clock: { now: number };
  work: number[];
  close(): Promise<void>;
}

async function start(): Promise<Running> {
  const config = testConfig({ TOKEN_ENCRYPTION_KEY: KEY.toString('base64') });
  const { log, lines } = captureLogs();
  const store = createMemoryStore();
  const metrics = new Metrics();
  const clock = { now: Date.parse('2026-11-20T10:00:00Z') };
  const now = () => clock.now;
  const hubspot = createPortalClients({ config, store, log, metrics, now, retry: { sleep: async () => {}, maxAttempts: 2 } });
  const work: number[] = [];
  const ctx = {
    config,
    log,
    store,
    metrics,
    hubspot,
    modelFor: async () => ({}) as never,
    defaultModel: {} as never,
    now,
    notifyWork: () => work.push(clock.now),
  } satisfies AppContext & { hubspot: HubSpotClients };
  const app = express();
  app.use(createOAuthRouter(ctx, { scopes: { required: ['oauth', 'crm.objects.contacts.read'], optional: ['sales-email-read'] } }));
  app.use(createErrorMiddleware(log));
  const server = app.listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    ctx,
    store,
    lines,
    clock,
    work,
    close: async () => {
      await hubspot.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

let running: Running | undefined;
beforeEach(setupNock);
afterEach(async () => {
  await running?.close();
  running = undefined;
  teardownNock();
});

function mockInstall(): void {
  nock(API)
    .post('/oauth/2026-03/token', (body) => new URLSearchParams(body as string).get('grant_type') === 'authorization_code')
    .reply(200, { access_token: ACCESS, refresh_token: REFRESH, expires_in: 1800, token_type: 'bearer' });
  nock(API)
    .post('/oauth/2026-03/token/introspect', (body) => new URLSearchParams(body as string).get('token') === ACCESS)
    .reply(200, { active: true, hub_id: 4711, hub_domain: 'acme-gmbh.com', user: 'admin@acme.com', user_id: 17, scopes: ['oauth', 'crm.objects.contacts.read'], token: ACCESS });
  nock(API).post('/crm/properties/2026-03/contacts/groups').matchHeader('authorization', `Bearer ${ACCESS}`).reply(201, {});
  nock(API).post('/crm/properties/2026-03/contacts/batch/read').reply(200, { results: [] });
  nock(API).post('/crm/properties/2026-03/contacts/batch/create').reply(201, { results: ALL_PROPERTIES.map((p) => ({ name: p.name })) });
  // The account values (CONTRACT.md section 3a) live on companies.
  nock(API).post('/crm/properties/2026-03/companies/groups').matchHeader('authorization', `Bearer ${ACCESS}`).reply(201, {});
  nock(API).post('/crm/properties/2026-03/companies/batch/read').reply(200, { results: [] });
  nock(API).post('/crm/properties/2026-03/companies/batch/create').reply(201, { results: COMPANY_PROPERTIES.map((p) => ({ name: p.name })) });
}

async function beginInstall(r: Running): Promise<string> {
  const response = await fetch(`${r.base}/oauth/install`, { redirect: 'manual' });
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location') ?? '');
  return location.searchParams.get('state') ?? '';
}

describe('GET /oauth/install', () => {
  it('when an admin starts the install, then a 302 goes to HubSpot with client_id, redirect_uri, scopes and a stored single-use state', async () => {
    running = await start();
    const response = await fetch(`${running.base}/oauth/install`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(`${AUTH}/oauth/authorize`);
    expect(location.searchParams.get('client_id')).toBe('client-id-1');
    expect(location.searchParams.get('redirect_uri')).toBe('https://bant.example.test/oauth/callback');
    expect(location.searchParams.get('scope')).toBe('oauth crm.objects.contacts.read');
    expect(location.searchParams.get('optional_scope')).toBe('sales-email-read');
    const state = location.searchParams.get('state') ?? '';
    expect(state.length).toBeGreaterThanOrEqual(32);
    expect(await running.store.takeOAuthState(state, running.clock.now)).toMatchObject({ purpose: 'install', expiresAt: running.clock.now + 600_000 });
  });
});

describe('GET /oauth/callback', () => {
  it('when HubSpot sends the admin back, then the code is exchanged, the installation stored encrypted, properties created, backfill queued and the portal named', async () => {
    running = await start();
    const state = await beginInstall(running);
    mockInstall();
    const response = await fetch(`${running.base}/oauth/callback?code=code-123&state=${state}`);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain('portal 4711 (acme-gmbh.com)');
    expect(html).not.toContain(ACCESS);
    const installation = await running.store.getInstallation(4711);
    expect(installation).toMatchObject({ status: 'active', mode: 'oauth', installedBy: { userId: 17, email: 'admin@acme.com' }, accessTokenExpiresAt: running.clock.now + 1_800_000 });
    expect(JSON.stringify(installation)).not.toContain(ACCESS);
    expect(decryptToken(KEY, installation?.refreshTokenEnc ?? '', 'hubspot:4711:refresh')).toBe(REFRESH);
    const leased = await running.store.lease({ now: running.clock.now, limit: 10, leaseMs: 1000 });
    expect(leased.map((l) => [l.portalId, l.kind, l.key])).toEqual([[4711, 'backfill', 'all']]);
    expect(running.work).toHaveLength(1);
  });

  it('when an admin signs in to the console of an installed portal, then a sign-in ticket comes back and nothing is provisioned or backfilled again', async () => {
    running = await start();
    mockInstall();
    expect((await fetch(`${running.base}/oauth/callback?code=code-1&state=${await beginInstall(running)}`)).status).toBe(200);
    await running.store.complete((await running.store.lease({ now: running.clock.now, limit: 10, leaseMs: 1000 })).map((l) => l.id));
    const worked = running.work.length;

    await running.store.putOAuthState({ state: 'signin-state-1', expiresAt: running.clock.now + 60_000, purpose: 'signin', returnTo: '/admin/auth/complete' });
    nock(API).post('/oauth/2026-03/token').reply(200, { access_token: ACCESS_2, refresh_token: REFRESH_2, expires_in: 1800, token_type: 'bearer' });
    nock(API)
      .post('/oauth/2026-03/token/introspect')
      .reply(200, { active: true, hub_id: 4711, user: 'admin@acme.com', user_id: 17, scopes: ['oauth'], token: ACCESS_2 });
    const response = await fetch(`${running.base}/oauth/callback?code=code-2&state=signin-state-1`, { redirect: 'manual' });

    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(/^\/admin\/auth\/complete\?ticket=/);
    expect(await running.store.queueDepth(4711)).toBe(0);
    expect(running.work.length).toBe(worked);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('when an admin signs in to an installed portal, then installedAt, installedBy, scopes and tokens stay as the install left them', async () => {
    running = await start();
    mockInstall();
    expect((await fetch(`${running.base}/oauth/callback?code=code-1&state=${await beginInstall(running)}`)).status).toBe(200);
    const installed = await running.store.getInstallation(4711);
    running.clock.now += 60 * 60_000;

    await running.store.putOAuthState({ state: 'signin-state-2', expiresAt: running.clock.now + 60_000, purpose: 'signin', returnTo: '/admin/auth/complete' });
    nock(API).post('/oauth/2026-03/token').reply(200, { access_token: ACCESS_2, refresh_token: REFRESH_2, expires_in: 1800, token_type: 'bearer' });
    nock(API)
      .post('/oauth/2026-03/token/introspect')
      .reply(200, { active: true, hub_id: 4711, user: 'someone-else@acme.com', user_id: 99, scopes: ['oauth'], token: ACCESS_2 });
    const response = await fetch(`${running.base}/oauth/callback?code=code-2&state=signin-state-2`, { redirect: 'manual' });

    expect(response.status).toBe(302);
    expect(await running.store.getInstallation(4711)).toEqual(installed);
  });

  it('when the app is installed again, then the console sessions of the portal end and other portals keep theirs', async () => {
    running = await start();
    const session = (id: string, portalId: number) => ({ id, portalId, csrfToken: 'c', createdAt: running!.clock.now, expiresAt: running!.clock.now + 3_600_000 });
    await running.store.putSession(session('before-reinstall', 4711), running.clock.now);
    await running.store.putSession(session('other-portal', 5000), running.clock.now);
    mockInstall();
    expect((await fetch(`${running.base}/oauth/callback?code=code-1&state=${await beginInstall(running)}`)).status).toBe(200);
    expect(await running.store.getSession('before-reinstall', running.clock.now)).toBeUndefined();
    expect((await running.store.getSession('other-portal', running.clock.now))?.portalId).toBe(5000);
  });

  it('when returnTo is longer than 1,024 characters, then 400 names the limit and no state is stored', async () => {
    running = await start();
    const response = await fetch(`${running.base}/oauth/install?returnTo=/${'a'.repeat(2_000)}`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'return_to_too_long', message: expect.stringContaining('1024') });
    expect((running.store as unknown as { state: { oauthStates: Map<string, unknown> } }).state.oauthStates.size).toBe(0);
  });

  it('when anonymous installs flood in, then live states stay bounded, expired ones are dropped, and the newest state still completes', async () => {
    running = await start();
    const states = (running.store as unknown as { state: { oauthStates: Map<string, unknown> } }).state.oauthStates;
    for (let i = 0; i < 500; i += 1) await running.store.putOAuthState({ state: `stale-${i}`, expiresAt: running.clock.now - 1, purpose: 'install' });
    for (let i = 0; i < MAX_LIVE_OAUTH_STATES - 100; i += 1) await running.store.putOAuthState({ state: `live-${i}`, expiresAt: running.clock.now + 60_000, purpose: 'install' });
    for (let round = 0; round < 4; round += 1) {
      await Promise.all(Array.from({ length: 50 }, () => fetch(`${running!.base}/oauth/install?returnTo=/admin`, { redirect: 'manual' }).then((r) => r.arrayBuffer())));
    }
    expect(states.size).toBe(MAX_LIVE_OAUTH_STATES);
    expect([...states.keys()].some((key) => key.startsWith('stale-'))).toBe(false);
    expect(states.has('live-0')).toBe(false);
    const started = await fetch(`${running.base}/oauth/install?returnTo=/admin`, { redirect: 'manual' });
    const state = new URL(started.headers.get('location') ?? '').searchParams.get('state') ?? '';
    mockInstall();
    const done = await fetch(`${running.base}/oauth/callback?code=code-1&state=${state}`, { redirect: 'manual' });
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/admin');
  });

  it('when the state is unknown, reused or expired, then 400 and nothing is exchanged', async () => {
    running = await start();
    const unknown = await fetch(`${running.base}/oauth/callback?code=c&state=forged`);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('oauth_state_invalid');

    const state = await beginInstall(running);
    mockInstall();
    expect((await fetch(`${running.base}/oauth/callback?code=c&state=${state}`)).status).toBe(200);
    expect((await fetch(`${running.base}/oauth/callback?code=c&state=${state}`)).status).toBe(400);

    const late = await beginInstall(running);
    running.clock.now += 11 * 60_000;
    expect((await fetch(`${running.base}/oauth/callback?code=c&state=${late}`)).status).toBe(400);
  });

  it('when the admin denies access, then 400 names it', async () => {
    running = await start();
    const response = await fetch(`${running.base}/oauth/callback?error=access_denied&error_description=User+cancelled&state=x`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('User cancelled');
  });

  it('when a browser is sent back after the admin denied access, then it gets a page that says so and how to start again, not JSON', async () => {
    running = await start();
    const response = await fetch(`${running.base}/oauth/callback?error=access_denied&error_description=User+%3Cb%3Ecancelled%3C%2Fb%3E&state=x`, {
      headers: { Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('<h1>The connection to HubSpot did not finish</h1>');
    expect(html).toContain('HubSpot did not grant access: User &#60;b&#62;cancelled&#60;/b&#62;');
    expect(html).toContain('href="/oauth/install"');
    expect(html).toContain('href="/admin/signin"');
    expect(html).toContain('href="/admin/admin.css"');
  });

  it('when the install completes in a browser, then the page is styled and links to the admin console', async () => {
    running = await start();
    const state = await beginInstall(running);
    mockInstall();
    const html = await (await fetch(`${running.base}/oauth/callback?code=code-123&state=${state}`, { headers: { Accept: 'text/html' } })).text();
    expect(html).toContain('<a class="button primary" href="/admin">Open the admin console</a>');
    expect(html).toContain('href="/admin/admin.css"');
    expect(html).not.toContain('account');
  });

  it('when the code exchange fails, then a coded 502 comes back without secrets', async () => {
    running = await start();
    const state = await beginInstall(running);
    nock(API).post('/oauth/2026-03/token').reply(400, { status: 'BAD_AUTH_CODE', message: 'auth code not found' });
    const response = await fetch(`${running.base}/oauth/callback?code=bad&state=${state}`);
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(text).toContain('BAD_AUTH_CODE');
    expect(text).not.toContain(CLIENT_SECRET);
  });
});

describe('secrets never reach a log line', () => {
  it('when installing, refreshing and failing a call, then no log line holds a token or the client secret', async () => {
    running = await start();
    const state = await beginInstall(running);
    mockInstall();
    expect((await fetch(`${running.base}/oauth/callback?code=code-1&state=${state}`)).status).toBe(200);

    running.clock.now += 27 * 60_000;
    nock(API)
      .post('/oauth/2026-03/token', (body) => new URLSearchParams(body as string).get('refresh_token') === REFRESH)
      .reply(200, { access_token: ACCESS_2, refresh_token: REFRESH_2, expires_in: 1800 });
    nock(API)
      .get('/crm/owners/2026-03')
      .query(true)
      .matchHeader('authorization', `Bearer ${ACCESS_2}`)
      .reply(401, { status: 'error', message: `Authentication credentials not found. token ${ACCESS_2} rejected`, category: 'INVALID_AUTHENTICATION' });
    const client = await running.ctx.hubspot.forPortal(4711);
    const error = await client.listOwners().catch((e: unknown) => e);
    running.ctx.log.error('owners failed', { error, portalId: 4711 });
    expect(String((error as Error).message)).toContain('INVALID_AUTHENTICATION');
    // Error messages are scrubbed too: they may end up in responses.
    expect(String((error as Error).message)).not.toContain(ACCESS_2);

    // A refused refresh logs too.
    running.clock.now += 31 * 60_000;
    nock(API).post('/oauth/2026-03/token').reply(400, { status: 'BAD_REFRESH_TOKEN', message: 'revoked' });
    await expect(client.listOwners()).rejects.toThrow(/refused the token refresh/);

    const logs = running.lines.join('\n');
    expect(running.lines.length).toBeGreaterThan(3);
    for (const secret of [ACCESS, REFRESH, ACCESS_2, REFRESH_2, CLIENT_SECRET]) expect(logs).not.toContain(secret);
    expect(logs).toContain('installation deactivated');
    expect((await running.store.getInstallation(4711))?.status).toBe('inactive');
  });
});
