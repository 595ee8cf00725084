// The shapes the app sends and reads for property history and marketing events (HubSpot's 2026-03 specs), pinned
// with nock; the stand-in tests and test/e2e/activity-history.test.ts cover the behaviour over real HTTP.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readMarketingEventIndex } from '../../src/hubspot/marketing-events.ts';
import { readContacts } from '../../src/hubspot/read-contacts.ts';
import { API, setupNock, teardownNock, testRequester } from './fixtures.ts';

beforeEach(setupNock);
afterEach(teardownNock);

type Body = { inputs: Array<{ id: string }>; properties?: string[]; propertiesWithHistory?: string[] };
const parse = async (req: Request): Promise<Body> => (await req.json()) as Body;
const emptyAssociations = () => {
  for (const type of ['meetings', 'calls', 'emails']) nock(API).post(`/crm/associations/2026-03/contacts/${type}/batch/read`).optionally().reply(200, { results: [] });
};

describe('reading contacts with property history', () => {
  it('when 120 contacts are read, then the batch reads carry propertiesWithHistory with at most 50 inputs and the history becomes dated activities', async () => {
    const { request } = testRequester();
    const bodies: Body[] = [];
    nock(API)
      .post('/crm/objects/2026-03/contacts/batch/read')
      .times(3)
      .reply(200, async (req: Request) => {
        const body = await parse(req);
        bodies.push(body);
        return {
          status: 'COMPLETE',
          results: body.inputs.map(({ id }) => ({
            id,
            properties: { num_conversion_events: '3', recent_conversion_date: '2026-11-20T09:00:00.000Z', recent_conversion_event_name: 'Demo anfragen' },
            propertiesWithHistory: {
              recent_conversion_event_name: [
                { value: 'Demo anfragen', timestamp: '2026-11-20T09:00:00.120Z', sourceType: 'FORM', sourceId: 'form-1' },
                { value: 'Whitepaper: Lead Scoring', timestamp: '2026-11-02T09:00:00.100Z', sourceType: 'FORM' },
                { value: 'Kontaktformular', timestamp: '2026-10-01T09:00:00.100Z', sourceType: 'FORM' },
              ],
              recent_conversion_date: [
                { value: '2026-11-20T09:00:00.000Z', timestamp: '2026-11-20T09:00:00.120Z', sourceType: 'FORM' },
                { value: '2026-11-02T09:00:00.000Z', timestamp: '2026-11-02T09:00:00.100Z', sourceType: 'FORM' },
                { value: '2026-10-01T09:00:00.000Z', timestamp: '2026-10-01T09:00:00.100Z', sourceType: 'FORM' },
              ],
              hs_analytics_last_url: [{ value: 'https://www.example.de/pricing', timestamp: '2026-11-21T08:00:00.000Z', sourceType: 'ANALYTICS' }],
            },
          })),
        };
      });
    nock(API).post('/crm/associations/2026-03/contacts/meetings/batch/read').times(2).reply(200, { results: [] });
    nock(API).post('/crm/associations/2026-03/contacts/calls/batch/read').times(2).reply(200, { results: [] });
    nock(API).post('/crm/associations/2026-03/contacts/emails/batch/read').times(2).reply(200, { results: [] });
    const ids = Array.from({ length: 120 }, (_v, i) => String(500 + i));
    const records = await readContacts(request, ids, { contact: [], company: [] }, { callDispositionLabels: async () => new Map() });

    expect(bodies.map((b) => b.inputs.length).sort()).toEqual([20, 50, 50]);
    expect(bodies[0]!.propertiesWithHistory).toEqual(expect.arrayContaining(['recent_conversion_event_name', 'recent_conversion_date', 'hs_analytics_last_url']));
    expect(records.get('501')?.profile.activities.map((a) => [a.type, a.at, a.title ?? a.url])).toEqual([
      ['form_submission', '2026-10-01T09:00:00.000Z', 'Kontaktformular'],
      ['content_download', '2026-11-02T09:00:00.000Z', 'Whitepaper: Lead Scoring'],
      ['demo_request', '2026-11-20T09:00:00.000Z', 'Demo anfragen'],
      ['page_view', '2026-11-21T08:00:00.000Z', 'https://www.example.de/pricing'],
    ]);
  });

  it('when HubSpot answers with a garbled history, then the read fails rather than scoring without it', async () => {
    const { request } = testRequester();
    nock(API)
      .post('/crm/objects/2026-03/contacts/batch/read')
      .reply(200, { results: [{ id: '1', properties: {}, propertiesWithHistory: { hs_email_last_open_date: 'yesterday' } }] });
    emptyAssociations();
    await expect(readContacts(request, ['1'], { contact: [], company: [] }, { callDispositionLabels: async () => new Map() })).rejects.toThrow(/not a list/);
  });
});

describe('reading marketing events', () => {
  it('when the portal has events, then the 2026-03 list and per-event breakdowns are paged and give each contact its webinar and event activities', async () => {
    const { request } = testRequester();
    nock(API)
      .get('/marketing/marketing-events/2026-03')
      .query({ limit: '100' })
      .reply(200, {
        results: [{ objectId: '11', eventName: 'Lead Scoring live', eventType: 'WEBINAR', createdAt: '2026-10-01T00:00:00Z', updatedAt: '2026-10-01T00:00:00Z', customProperties: [] }],
        paging: { next: { after: 'p2' } },
      });
    nock(API)
      .get('/marketing/marketing-events/2026-03')
      .query({ limit: '100', after: 'p2' })
      .reply(200, { results: [{ objectId: '12', eventName: 'Hannover Messe', eventType: 'TRADE_SHOW', createdAt: '2026-10-01T00:00:00Z', updatedAt: '2026-10-01T00:00:00Z', customProperties: [] }] });
    const participation = (contactId: string, eventId: string, state: string, occurredAt: number) => ({
      id: `${eventId}-${contactId}`,
      createdAt: new Date(occurredAt).toISOString(),
      associations: { contact: { contactId, email: `${contactId}@example.de` }, marketingEvent: { marketingEventId: eventId, name: 'x' } },
      properties: { attendanceState: state, occurredAt },
    });
    const t = Date.parse('2026-11-10T15:00:00Z');
    nock(API)
      .get('/marketing/marketing-events/2026-03/participations/11/breakdown')
      .query({ limit: '100' })
      .reply(200, { total: 3, results: [participation('7', '11', 'REGISTERED', t - 86_400_000), participation('7', '11', 'ATTENDED', t)], paging: { next: { after: '2' } } });
    nock(API)
      .get('/marketing/marketing-events/2026-03/participations/11/breakdown')
      .query({ limit: '100', after: '2' })
      .reply(200, { total: 3, results: [participation('8', '11', 'CANCELLED', t)] });
    nock(API)
      .get('/marketing/marketing-events/2026-03/participations/12/breakdown')
      .query({ limit: '100' })
      .reply(200, { total: 1, results: [participation('8', '12', 'ATTENDED', t)] });

    const index = await readMarketingEventIndex(request);
    expect(index?.events).toBe(2);
    expect(index?.participations).toBe(4);
    expect(index?.activities.get('7')?.map((a) => a.type)).toEqual(['webinar_attendance', 'webinar_registration']);
    expect(index?.activities.get('8')).toEqual([{ type: 'event_attendance', at: new Date(t).toISOString(), title: 'Hannover Messe', source: 'hubspot:marketing_event' }]);
  });

  it('when HubSpot refuses for want of the optional scope, then there is no index and no error', async () => {
    const { request } = testRequester();
    nock(API).get('/marketing/marketing-events/2026-03').query(true).reply(403, { status: 'error', category: 'MISSING_SCOPES', message: 'missing scopes' });
    expect(await readMarketingEventIndex(request)).toBeUndefined();
  });

  it('when a participation comes without its contact, then it is an error', async () => {
    const { request } = testRequester();
    nock(API).get('/marketing/marketing-events/2026-03').query(true).reply(200, { results: [{ objectId: '11', eventName: 'W', createdAt: 'x', updatedAt: 'x', customProperties: [] }] });
    nock(API).get('/marketing/marketing-events/2026-03/participations/11/breakdown').query(true).reply(200, { total: 1, results: [{ properties: { attendanceState: 'ATTENDED' } }] });
    await expect(readMarketingEventIndex(request)).rejects.toThrow(/contact id/);
  });
});
