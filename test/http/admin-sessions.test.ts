// Console sessions live server-side: the cookie holds an opaque id, and sign-out, disconnect and the server's lifetime end them.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_LIVE_OAUTH_STATES } from '../../src/http/oauth-states.ts';
import { createAdminClient, signIn } from '../ui/admin-client.ts';
import { CLIENT_SECRET, installation, PORTAL_ID, type RunningConsole, startConsoleApp } from '../ui/console-fixtures.ts';

let app: RunningConsole;

beforeEach(async () => {
  app = await startConsoleApp(async (test) => {
    await test.store.putInstallation(installation());
  });
});
afterEach(async () => {
  await app.close();
});

/** A client that sends a copy of another client's cookies, as someone who copied them would. */
function copyOf(client: ReturnType<typeof createAdminClient>) {
  const copy = createAdminClient(app);
  for (const [name, value] of client.cookies) copy.cookies.set(name, value);
  return copy;
}

describe('admin console sessions', () => {
  it('when the admin signs in, then the cookie holds only an opaque id', async () => {
    const client = createAdminClient(app);
    await signIn(client);
    const cookie = client.cookies.get('bant_admin') ?? '';
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(Buffer.from(cookie, 'base64url').toString('utf8')).not.toContain(String(PORTAL_ID));
  });

  it('when the admin signs out, then a copy of the session cookie no longer opens the API', async () => {
    const client = createAdminClient(app);
    await signIn(client);
    const copy = copyOf(client);
    expect((await copy.get('/admin/api/session')).status).toBe(200);
    expect((await client.send('POST', '/admin/api/signout', {})).status).toBe(200);
    expect((await copy.get('/admin/api/session')).status).toBe(401);
  });

  it('when the portal is disconnected, then a copy of the session cookie no longer opens the API', async () => {
    const client = createAdminClient(app);
    await signIn(client);
    const copy = copyOf(client);
    expect((await client.send('POST', '/admin/api/disconnect', { confirmPortalId: PORTAL_ID })).status).toBe(200);
    await app.test.store.putInstallation(installation());
    expect((await copy.get('/admin/api/session')).status).toBe(401);
  });

  it('when the server-side lifetime has passed, then the session ends whatever the cookie says', async () => {
    const client = createAdminClient(app);
    await signIn(client);
    app.test.clock.now += 8 * 60 * 60 * 1000 + 1;
    expect((await client.get('/admin/api/session')).status).toBe(401);
  });

  it('when a cookie is minted from the client secret with a far expiry, then it opens nothing', async () => {
    const key = createHmac('sha256', CLIENT_SECRET).update('bant-admin-session-v1').digest();
    const payload = Buffer.from(JSON.stringify({ portalId: PORTAL_ID, sid: 'minted', expiresAt: Date.now() + 365 * 86_400_000 })).toString('base64url');
    const client = createAdminClient(app);
    client.cookies.set('bant_admin', `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`);
    expect((await client.get('/admin/api/session')).status).toBe(401);
  });

  it("when a sign-in link is opened a second time, even with a copy of the browser's sign-in cookie, then no second session starts", async () => {
    const client = createAdminClient(app);
    let response = await client.get('/admin/signin');
    response = await client.get(response.headers.get('location') ?? '');
    response = await client.get(response.headers.get('location') ?? '');
    const completeUrl = response.headers.get('location') ?? '';
    expect(completeUrl).toContain('/admin/auth/complete?ticket=');
    const copy = copyOf(client);
    expect((await client.get(completeUrl)).status).toBe(302);
    expect(client.cookies.has('bant_admin')).toBe(true);
    expect((await copy.get(completeUrl)).status).toBe(400);
    expect(copy.cookies.has('bant_admin')).toBe(false);
  });

  it('when anonymous sign-ins flood in, then the live sign-in states stay at the cap and the newest sign-in still completes', async () => {
    const states = (app.test.store as unknown as { state: { oauthStates: Map<string, unknown> } }).state.oauthStates;
    for (let i = 0; i < MAX_LIVE_OAUTH_STATES; i += 1) await app.test.store.putOAuthState({ state: `old-${i}`, expiresAt: app.test.clock.now + 60_000, purpose: 'signin' });
    await Promise.all(Array.from({ length: 20 }, () => createAdminClient(app).get('/admin/signin')));
    expect(states.size).toBe(MAX_LIVE_OAUTH_STATES);
    expect(states.has('old-0')).toBe(false);
    const client = createAdminClient(app);
    await signIn(client);
    expect((await client.get('/admin/api/session')).status).toBe(200);
    expect(states.size).toBeLessThanOrEqual(MAX_LIVE_OAUTH_STATES);
  });
});
