import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HubSpotApiError } from '../../src/errors.ts';
import { buildInstallUrl, deleteExternalInstall, exchangeCode, introspectToken, isRefusedRefresh, refreshAccessToken } from '../../src/hubspot/oauth.ts';
import { API, CLIENT_SECRET, setupNock, teardownNock, testConfig } from './fixtures.ts';

beforeEach(setupNock);
afterEach(teardownNock);

describe('OAuth 2026-03 endpoints', () => {
  const config = testConfig();

  it('when building the install URL, then client_id, redirect_uri, %20-separated scopes, optional_scope and state are set', () => {
    const url = buildInstallUrl(config, { required: ['oauth', 'crm.objects.contacts.read'], optional: ['sales-email-read'] }, 'st4te');
    expect(url).toBe(
      'https://app.hubspot.test/oauth/authorize?client_id=client-id-1&redirect_uri=https%3A%2F%2Fbant.example.test%2Foauth%2Fcallback&scope=oauth%20crm.objects.contacts.read&optional_scope=sales-email-read&state=st4te',
    );
    expect(buildInstallUrl(config, { required: ['oauth'], optional: [] }, 's')).not.toContain('optional_scope');
  });

  it('when a code is exchanged, then every parameter goes in the form body of /oauth/2026-03/token', async () => {
    let form: URLSearchParams | undefined;
    nock(API)
      .post('/oauth/2026-03/token', (body) => {
        form = new URLSearchParams(body as string);
        return true;
      })
      .matchHeader('content-type', 'application/x-www-form-urlencoded')
      .reply(200, { access_token: 'at-1-xxxxxxxx', refresh_token: 'rt-1-xxxxxxxx', expires_in: 1800, token_type: 'bearer' });
    const tokens = await exchangeCode(config, 'the-code');
    expect(tokens).toEqual({ accessToken: 'at-1-xxxxxxxx', refreshToken: 'rt-1-xxxxxxxx', expiresIn: 1800 });
    expect(Object.fromEntries(form ?? [])).toEqual({
      grant_type: 'authorization_code',
      client_id: 'client-id-1',
      client_secret: CLIENT_SECRET,
      redirect_uri: 'https://bant.example.test/oauth/callback',
      code: 'the-code',
    });
  });

  it('when refreshing, then grant_type=refresh_token is sent and a missing refresh_token in the answer keeps the old one', async () => {
    let form: URLSearchParams | undefined;
    nock(API)
      .post('/oauth/2026-03/token', (body) => {
        form = new URLSearchParams(body as string);
        return true;
      })
      .reply(200, { access_token: 'at-2-xxxxxxxx', expires_in: 1800 });
    const tokens = await refreshAccessToken(config, 'rt-old-xxxxxxxx');
    expect(form?.get('grant_type')).toBe('refresh_token');
    expect(form?.get('refresh_token')).toBe('rt-old-xxxxxxxx');
    expect(tokens.refreshToken).toBe('rt-old-xxxxxxxx');
  });

  it('when HubSpot refuses a refresh with 400 BAD_REFRESH_TOKEN, then a HubSpotApiError names it and counts as refused', async () => {
    nock(API).post('/oauth/2026-03/token').reply(400, { status: 'BAD_REFRESH_TOKEN', message: 'missing or invalid refresh token', correlationId: 'c-1' });
    const error = await refreshAccessToken(config, 'rt-revoked-xxxx').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubSpotApiError);
    expect((error as HubSpotApiError).category).toBe('BAD_REFRESH_TOKEN');
    expect((error as HubSpotApiError).correlationId).toBe('c-1');
    expect((error as Error).message).not.toContain('rt-revoked-xxxx');
    expect(isRefusedRefresh(error)).toBe(true);
  });

  it('when introspecting, then the form body carries the token and the answer gives hub_id, user and scopes', async () => {
    let form: URLSearchParams | undefined;
    nock(API)
      .post('/oauth/2026-03/token/introspect', (body) => {
        form = new URLSearchParams(body as string);
        return true;
      })
      .reply(200, {
        active: true,
        hub_id: 4711,
        hub_domain: 'acme.com',
        user: 'admin@acme.com',
        user_id: 17,
        scopes: ['oauth', 'crm.objects.contacts.read'],
        token: 'at-1-xxxxxxxx',
        app_id: 99,
      });
    const info = await introspectToken(config, 'at-1-xxxxxxxx');
    expect(Object.fromEntries(form ?? [])).toEqual({
      client_id: 'client-id-1',
      client_secret: CLIENT_SECRET,
      token: 'at-1-xxxxxxxx',
      token_type_hint: 'access_token',
    });
    expect(info).toMatchObject({ active: true, hubId: 4711, userId: 17, user: 'admin@acme.com', hubDomain: 'acme.com', scopes: ['oauth', 'crm.objects.contacts.read'] });
  });

  it('when the app uninstalls itself, then DELETE /appinstalls/2026-03/external-install is sent with the Bearer token', async () => {
    nock(API).delete('/appinstalls/2026-03/external-install').matchHeader('authorization', 'Bearer at-9-xxxxxxxx').reply(204);
    expect(await deleteExternalInstall(config, 'at-9-xxxxxxxx')).toBe(true);
    nock(API).delete('/appinstalls/2026-03/external-install').reply(401, { status: 'error', message: 'expired' });
    expect(await deleteExternalInstall(config, 'at-9-xxxxxxxx')).toBe(false);
  });
});
