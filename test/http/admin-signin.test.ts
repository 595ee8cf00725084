import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signInReturnUrl } from '../../src/http/admin/admin-router.ts';
import { cookieOptions } from '../../src/http/admin/session.ts';
import { createAdminClient, signIn } from '../ui/admin-client.ts';
import { installation, PORTAL_ID, type RunningConsole, startConsoleApp } from '../ui/console-fixtures.ts';

let app: RunningConsole;

beforeEach(async () => {
  app = await startConsoleApp(async (test) => {
    await test.store.putInstallation(installation());
  });
});
afterEach(async () => {
  await app.close();
});

describe('admin sign-in through HubSpot', () => {
  it('when nobody is signed in, then the page loads but the API answers 401', async () => {
    const client = createAdminClient(app);
    expect((await client.get('/admin')).status).toBe(200);
    const response = await client.get('/admin/api/overview');
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('signed_out');
  });

  it('when an admin starts signing in, then HubSpot’s consent page is asked with the app’s scopes and a single-use sign-in state', async () => {
    const client = createAdminClient(app);
    const response = await client.get('/admin/signin');
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.pathname).toBe('/fake-hubspot/oauth/authorize');
    expect(location.searchParams.get('redirect_uri')).toBe(`${app.url}/oauth/callback`);
    expect(location.searchParams.get('scope')).toContain('oauth');
    const state = await app.test.store.takeOAuthState(location.searchParams.get('state') ?? '', app.test.ctx.now());
    expect(state).toMatchObject({ purpose: 'signin', returnTo: '/admin/auth/complete' });
  });

  it('when HubSpot approves, then the admin has a session for that portal and the sign-in cookie is gone', async () => {
    const client = createAdminClient(app);
    const last = await signIn(client);
    expect(last.headers.get('location')).toBe('/admin');
    expect(client.cookies.has('bant_admin')).toBe(true);
    expect(client.cookies.has('bant_signin')).toBe(false);
    const session = (await (await client.get('/admin/api/session')).json()) as { portalId: number; user: string; csrfToken: string };
    expect(session.portalId).toBe(PORTAL_ID);
    expect(session.user).toBe('admin@muster-anlagenbau.de');
    expect(session.csrfToken.length).toBeGreaterThan(20);
  });

  it('when the session cookie is set, then it is HttpOnly and SameSite=Lax, and Secure outside localhost', async () => {
    const client = createAdminClient(app);
    let response = await client.get('/admin/signin');
    while (response.status === 302 && !response.headers.get('location')?.endsWith('/admin')) response = await client.get(response.headers.get('location') ?? '');
    const line = client.lastSetCookie.find((l) => l.startsWith('bant_admin=')) ?? '';
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/SameSite=Lax/);
    expect(line).not.toMatch(/Secure/);
    expect(cookieOptions({ PUBLIC_BASE_URL: 'https://bant.example.com' }, 1000).secure).toBe(true);
  });

  it('when a sign-in link is opened in another browser, then no session starts', async () => {
    const starter = createAdminClient(app);
    let response = await starter.get('/admin/signin');
    response = await starter.get(response.headers.get('location') ?? '');
    response = await starter.get(response.headers.get('location') ?? '');
    const completeUrl = response.headers.get('location') ?? '';
    expect(completeUrl).toContain('/admin/auth/complete?ticket=');
    const other = createAdminClient(app);
    const answer = await other.get(completeUrl);
    expect(answer.status).toBe(400);
    expect(other.cookies.has('bant_admin')).toBe(false);
  });

  it('when a ticket is made up, then no session starts', async () => {
    const client = createAdminClient(app);
    await client.get('/admin/signin');
    expect((await client.get('/admin/auth/complete?ticket=made-up-ticket-0123456789')).status).toBe(400);
    expect((await client.get('/admin/auth/complete?ticket=%7B%22portalId%22%3A4242%7D')).status).toBe(400);
    expect(client.cookies.has('bant_admin')).toBe(false);
  });

  it('when the ticket is older than two minutes, then no session starts', async () => {
    const client = createAdminClient(app);
    await client.get('/admin/signin');
    const state = client.cookies.get('bant_signin') ?? '';
    const stale = await signInReturnUrl(app.test.ctx, { state: { state, returnTo: '/admin/auth/complete' }, portalId: PORTAL_ID });
    app.test.clock.now += 2 * 60 * 1000 + 1;
    expect((await client.get(stale)).status).toBe(400);
  });

  it('when the portal has not installed the app, then sign-in is refused', async () => {
    const client = createAdminClient(app);
    await client.get('/admin/signin');
    const state = client.cookies.get('bant_signin') ?? '';
    const url = await signInReturnUrl(app.test.ctx, { state: { state, returnTo: '/admin/auth/complete' }, portalId: 999 });
    expect((await client.get(url)).status).toBe(403);
  });

  it('when a change comes without the CSRF token, then it is refused with 403; with it, it goes through', async () => {
    const client = createAdminClient(app);
    await signIn(client);
    expect((await client.send('POST', '/admin/api/signout', {}, { csrf: null })).status).toBe(403);
    expect((await client.send('POST', '/admin/api/signout', {}, { csrf: 'wrong' })).status).toBe(403);
    expect((await client.send('POST', '/admin/api/signout', {})).status).toBe(200);
  });

  it('when the admin signs out, then the session cookie is cleared', async () => {
    const client = createAdminClient(app);
    await signIn(client);
    await client.send('POST', '/admin/api/signout', {});
    expect(client.cookies.has('bant_admin')).toBe(false);
    expect((await client.get('/admin/api/session')).status).toBe(401);
  });
});
