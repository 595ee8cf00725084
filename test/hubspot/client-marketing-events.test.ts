import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPortalClients } from '../../src/hubspot/client.ts';
import { MARKETING_EVENTS_SCOPE } from '../../src/hubspot/marketing-events.ts';
import { Metrics } from '../../src/metrics.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { API, captureLogs, PORTAL, setupNock, teardownNock, testConfig } from './fixtures.ts';

beforeEach(setupNock);
afterEach(teardownNock);

async function setup(scopes: string[]) {
  const logs = captureLogs();
  const clients = createPortalClients({ config: testConfig(), store: createMemoryStore(), log: logs.log, metrics: new Metrics(), tokenKey: Buffer.alloc(32, 1) });
  await clients.auth.saveOAuthInstallation(
    { accessToken: 'portal-access-token-1', refreshToken: 'portal-refresh-token-1', expiresIn: 1800 },
    { active: true, hubId: PORTAL, scopes },
  );
  return { clients, logs };
}

function contactRead(times: number) {
  nock(API)
    .post('/crm/objects/2026-03/contacts/batch/read')
    .times(times)
    .reply(200, { results: [{ id: '7', properties: { lifecyclestage: 'lead' } }] });
  for (const type of ['meetings', 'calls', 'emails']) nock(API).post(`/crm/associations/2026-03/contacts/${type}/batch/read`).times(times).reply(200, { results: [] });
}

describe('marketing events through the portal client', () => {
  it('when the install did not grant the optional scope, then readContacts never calls the marketing events API', async () => {
    const { clients } = await setup(['oauth', 'crm.objects.contacts.read']);
    contactRead(1);
    const client = await clients.forPortal(PORTAL);
    const records = await client.readContacts(['7'], { contact: [], company: [] });
    expect(records.get('7')?.profile.activities).toEqual([]);
    expect(client.callCount()).toBe(4);
    await clients.close();
  });

  it('when the scope was granted, then the portal’s events are read once for two rescores and the contact gets its webinar attendance', async () => {
    const { clients } = await setup(['oauth', 'crm.objects.contacts.read', MARKETING_EVENTS_SCOPE]);
    contactRead(2);
    nock(API)
      .get('/marketing/marketing-events/2026-03')
      .query({ limit: '100' })
      .once()
      .reply(200, { results: [{ objectId: '11', eventName: 'Lead Scoring live', eventType: 'WEBINAR', createdAt: 'x', updatedAt: 'x', customProperties: [] }] });
    nock(API)
      .get('/marketing/marketing-events/2026-03/participations/11/breakdown')
      .query({ limit: '100' })
      .once()
      .reply(200, {
        total: 1,
        results: [
          {
            id: 'p1',
            createdAt: '2026-11-10T15:00:00.000Z',
            associations: { contact: { contactId: '7', email: 'a@b.de' }, marketingEvent: { marketingEventId: '11', name: 'Lead Scoring live' } },
            properties: { attendanceState: 'ATTENDED', occurredAt: Date.parse('2026-11-10T15:00:00.000Z') },
          },
        ],
      });
    const client = await clients.forPortal(PORTAL);
    for (let i = 0; i < 2; i++) {
      const records = await client.readContacts(['7'], { contact: [], company: [] });
      expect(records.get('7')?.profile.activities).toEqual([
        { type: 'webinar_attendance', at: '2026-11-10T15:00:00.000Z', title: 'Lead Scoring live', source: 'hubspot:marketing_event' },
      ]);
    }
    await clients.close();
  });

  it('when HubSpot refuses the events for want of the scope, then the contact is scored without them and the log says why', async () => {
    const { clients, logs } = await setup(['oauth', 'crm.objects.contacts.read', MARKETING_EVENTS_SCOPE]);
    contactRead(1);
    nock(API).get('/marketing/marketing-events/2026-03').query(true).reply(403, { status: 'error', category: 'MISSING_SCOPES', message: 'missing' });
    const client = await clients.forPortal(PORTAL);
    expect((await client.readContacts(['7'], { contact: [], company: [] })).get('7')?.profile.activities).toEqual([]);
    expect(logs.lines.join('\n')).toMatch(/marketing events not read.*crm\.objects\.marketing_events\.read/);
    await clients.close();
  });
});
