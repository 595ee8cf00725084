import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthorizationError } from '../../src/errors.ts';
import { createPortalClients } from '../../src/hubspot/client.ts';
import { Metrics } from '../../src/metrics.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { API, captureLogs, PORTAL, setupNock, teardownNock, testConfig } from './fixtures.ts';

beforeEach(setupNock);
afterEach(teardownNock);

async function setup() {
  const store = createMemoryStore();
  const metrics = new Metrics();
  const clients = createPortalClients({ config: testConfig(), store, log: captureLogs().log, metrics, tokenKey: Buffer.alloc(32, 1) });
  await clients.auth.saveOAuthInstallation(
    { accessToken: 'portal-access-token-1', refreshToken: 'portal-refresh-token-1', expiresIn: 1800 },
    { active: true, hubId: PORTAL, scopes: ['oauth'] },
  );
  return { store, metrics, clients };
}

describe('createPortalClients', () => {
  it('when a portal is asked for twice, then the same client comes back; unknown portals get AuthorizationError', async () => {
    const { clients } = await setup();
    expect(await clients.forPortal(PORTAL)).toBe(await clients.forPortal(PORTAL));
    await expect(clients.forPortal(1)).rejects.toBeInstanceOf(AuthorizationError);
    await clients.close();
  });

  it('when a call is made, then it carries the portal token, is counted per portal and operation, and stage order is read once', async () => {
    const { clients, metrics } = await setup();
    nock(API)
      .get('/crm/properties/2026-03/contacts/lifecyclestage')
      .matchHeader('authorization', 'Bearer portal-access-token-1')
      .once()
      .reply(200, { options: [{ value: 'lead', displayOrder: 1 }, { value: 'subscriber', displayOrder: 0 }] });
    const client = await clients.forPortal(PORTAL);
    expect(await client.lifecycleStageOrder()).toEqual(['subscriber', 'lead']);
    expect(await client.lifecycleStageOrder()).toEqual(['subscriber', 'lead']);
    expect(client.callCount()).toBe(1);
    expect(metrics.get('hubspot_api_calls_total', { portal: PORTAL, operation: 'properties.read.lifecyclestage', status: 200 })).toBe(1);
    await clients.close();
  });

  it("when the account's time zone is asked for, then it is read from the account details with the portal token", async () => {
    const { clients } = await setup();
    nock(API)
      .get('/account-info/2026-03/details')
      .matchHeader('authorization', 'Bearer portal-access-token-1')
      .reply(200, { portalId: PORTAL, timeZone: 'America/Los_Angeles', utcOffsetMilliseconds: -28_800_000 });
    nock(API).get('/account-info/2026-03/details').reply(200, { portalId: PORTAL });
    const client = await clients.forPortal(PORTAL);
    expect(await client.accountTimeZone()).toBe('America/Los_Angeles');
    expect(await client.accountTimeZone()).toBeUndefined();
    await clients.close();
  });

  it('when a portal is disconnected, then HubSpot is told (DELETE external-install) and only an inactive record without tokens stays', async () => {
    const { clients, store } = await setup();
    nock(API).delete('/appinstalls/2026-03/external-install').matchHeader('authorization', 'Bearer portal-access-token-1').reply(204);
    await clients.disconnect(PORTAL);
    const kept = await store.getInstallation(PORTAL);
    expect(kept).toMatchObject({ status: 'inactive', scopes: [] });
    expect(kept?.disconnectedAt).toMatch(/^\d{4}-/);
    expect(kept?.accessTokenEnc).toBeUndefined();
    expect(kept?.refreshTokenEnc).toBeUndefined();
    await expect(clients.forPortal(PORTAL)).rejects.toBeInstanceOf(AuthorizationError);
    await clients.close();
  });
});
