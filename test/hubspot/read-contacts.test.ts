import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readContacts } from '../../src/hubspot/read-contacts.ts';
import { API, setupNock, teardownNock, testRequester } from './fixtures.ts';

beforeEach(setupNock);
afterEach(teardownNock);

const CONNECTED = 'f240bbac-87c9-4f6e-bf70-924b57d47db7';
const CUSTOM_CONNECTED = 'c0ffee00-0000-4000-8000-000000000001';
type Body = { inputs: Array<{ id: string }>; properties?: string[] };
/** nock 15 hands reply functions the fetch Request. */
const parse = async (req: Request): Promise<Body> => (await req.json()) as Body;

describe('readContacts', () => {
  it('when two contacts are read, then batch reads and associations v4 have the documented shapes and map to section-5 profiles', async () => {
    const { request, callCount } = testRequester();
    const bodies: Record<string, Body> = {};
    const keep = (name: string) => (body: Body) => {
      bodies[name] = body;
      return true;
    };
    nock(API)
      .post('/crm/objects/2026-03/contacts/batch/read', keep('contacts'))
      .reply(207, {
        status: 'COMPLETE',
        results: [
          {
            id: '101',
            properties: {
              jobtitle: 'CEO',
              lifecyclestage: 'lead',
              hs_lead_status: null,
              hubspot_owner_id: '77',
              bant_fit_grade: 'B',
              lastmodifieddate: '2026-11-19T08:00:00.000Z',
              num_conversion_events: '2',
              recent_conversion_date: '2026-11-18T10:00:00.000Z',
              recent_conversion_event_name: 'Demo request form',
              first_conversion_date: '2026-10-01T10:00:00.000Z',
              first_conversion_event_name: 'Newsletter signup',
              hs_email_click: '3',
              hs_email_last_click_date: '1763400000000',
              hs_analytics_num_page_views: '1',
              hs_analytics_last_visit_timestamp: '2026-11-17T09:00:00.000Z',
              hs_email_optout: 'true',
              hs_email_last_send_date: '2026-11-01T00:00:00.000Z',
            },
          },
        ],
        errors: [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'Could not get some CONTACT objects', context: { ids: ['999'] } }],
      });
    nock(API)
      .post('/crm/associations/2026-03/contacts/companies/batch/read', keep('companies-assoc'))
      .reply(200, {
        results: [
          {
            from: { id: '101' },
            to: [
              { toObjectId: 5001, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 279, label: null }] },
              { toObjectId: 5002, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 1, label: 'Primary' }] },
            ],
          },
        ],
      });
    nock(API)
      .post('/crm/associations/2026-03/contacts/meetings/batch/read', keep('meetings-assoc'))
      .reply(200, { results: [{ from: { id: '101' }, to: [{ toObjectId: 9001, associationTypes: [{ typeId: 199 }] }, { toObjectId: 9002, associationTypes: [{ typeId: 199 }] }] }] });
    nock(API)
      .post('/crm/associations/2026-03/contacts/calls/batch/read', keep('calls-assoc'))
      .reply(200, { results: [{ from: { id: '101' }, to: [{ toObjectId: 8001, associationTypes: [{ typeId: 193 }] }, { toObjectId: 8002, associationTypes: [{ typeId: 193 }] }, { toObjectId: 8003, associationTypes: [{ typeId: 193 }] }] }] });
    nock(API)
      .post('/crm/associations/2026-03/contacts/emails/batch/read')
      .reply(207, { results: [{ from: { id: '101' }, to: [{ toObjectId: 7001, associationTypes: [{ typeId: 197 }] }] }], errors: [{ message: 'No associations found for 999' }] });
    nock(API).post('/crm/objects/2026-03/companies/batch/read', keep('companies')).reply(200, { results: [{ id: '5002', properties: { name: 'Muster GmbH', numberofemployees: '12000' } }] });
    nock(API)
      .post('/crm/objects/2026-03/meetings/batch/read', keep('meetings'))
      .reply(200, {
        results: [
          { id: '9001', properties: { hs_meeting_outcome: 'COMPLETED', hs_meeting_start_time: '2026-11-10T14:00:00Z', hs_timestamp: '2026-11-10T14:00:00Z', hs_meeting_title: 'Discovery' } },
          { id: '9002', properties: { hs_meeting_outcome: 'SCHEDULED', hs_createdate: '2026-11-15T09:00:00Z', hs_timestamp: '2026-11-25T14:00:00Z', hs_meeting_title: 'Demo' } },
        ],
      });
    nock(API)
      .post('/crm/objects/2026-03/calls/batch/read', keep('calls'))
      .reply(200, {
        results: [
          { id: '8001', properties: { hs_call_disposition: CONNECTED, hs_timestamp: '2026-11-11T10:00:00Z', hs_call_title: 'Intro call' } },
          { id: '8002', properties: { hs_call_disposition: '73a0d17f-1163-4015-bdd5-ec830791da20', hs_timestamp: '2026-11-12T10:00:00Z' } },
          { id: '8003', properties: { hs_call_disposition: CUSTOM_CONNECTED, hs_timestamp: '2026-11-13T10:00:00Z' } },
        ],
      });
    nock(API)
      .post('/crm/objects/2026-03/emails/batch/read')
      .reply(200, { results: [{ id: '7001', properties: { hs_email_direction: 'INCOMING_EMAIL', hs_timestamp: '2026-11-14T10:00:00Z', hs_email_subject: 'Re: pricing' } }] });

    const records = await readContacts(request, ['101', '999', '101'], { contact: ['jobtitle'], company: ['name', 'numberofemployees'] }, {
      callDispositionLabels: async () => new Map([[CONNECTED, 'Connected'], [CUSTOM_CONNECTED, 'connected ']]),
    });

    expect([...records.keys()]).toEqual(['101']);
    expect(bodies.contacts?.inputs).toEqual([{ id: '101' }, { id: '999' }]);
    expect(bodies.contacts?.properties).toEqual(expect.arrayContaining(['jobtitle', 'bant_fit_grade', 'lifecyclestage', 'hs_lead_status', 'hubspot_owner_id', 'num_conversion_events', 'hs_email_click']));
    expect(bodies['companies-assoc']?.inputs).toEqual([{ id: '101' }, { id: '999' }]);
    expect(bodies.companies).toEqual({ properties: ['name', 'numberofemployees'], inputs: [{ id: '5002' }] });
    expect(bodies.meetings?.inputs).toEqual([{ id: '9002' }, { id: '9001' }]);
    expect(bodies.meetings?.properties).toContain('hs_meeting_outcome');
    expect(bodies.calls?.properties).toContain('hs_call_disposition');

    const record = records.get('101');
    expect(record?.ownerId).toBe('77');
    expect(record?.current).toMatchObject({ bant_fit_grade: 'B', lifecyclestage: 'lead', hs_lead_status: null, bant_priority: null });
    expect(record?.profile.properties.jobtitle).toBe('CEO');
    expect(record?.profile.properties).not.toHaveProperty('bant_fit_grade');
    expect(record?.profile.company).toEqual({ properties: { name: 'Muster GmbH', numberofemployees: '12000' } });
    expect(record?.profile.activities.map((a) => `${a.type}@${a.at}`)).toEqual([
      'form_submission@2026-10-01T10:00:00.000Z',
      'unsubscribe@2026-11-01T00:00:00.000Z',
      'meeting_held@2026-11-10T14:00:00.000Z',
      'call_connected@2026-11-11T10:00:00.000Z',
      'call_connected@2026-11-13T10:00:00.000Z',
      'email_reply@2026-11-14T10:00:00.000Z',
      'meeting_booked@2026-11-15T09:00:00.000Z',
      'page_view@2026-11-17T09:00:00.000Z',
      'email_click@2025-11-17T17:20:00.000Z',
      'demo_request@2026-11-18T10:00:00.000Z',
    ].sort((a, b) => a.split('@')[1]!.localeCompare(b.split('@')[1]!)));
    expect(callCount()).toBe(9);
  });

  it('when 100 contacts with 10 activities each are read, then it costs at most 20 calls', async () => {
    const { request, callCount } = testRequester();
    const ids = Array.from({ length: 100 }, (_, i) => String(1000 + i));
    const reply = (type: string, perContact: number) => async (req: Request) => ({
      results: (await parse(req)).inputs.map(({ id }) => ({
        from: { id },
        to: Array.from({ length: perContact }, (_, k) => ({ toObjectId: `${type}${id}${k}`, associationTypes: [{ typeId: 0 }] })),
      })),
    });
    const objects = (props: Record<string, string>) => async (req: Request) => ({ results: (await parse(req)).inputs.map(({ id }) => ({ id, properties: props })) });
    // Two reads of 50: HubSpot takes at most 50 inputs when property history is asked for.
    nock(API).post('/crm/objects/2026-03/contacts/batch/read').times(2).reply(200, objects({ lifecyclestage: 'lead' }));
    nock(API).post('/crm/associations/2026-03/contacts/companies/batch/read').reply(200, async (req: Request) => ({
      results: (await parse(req)).inputs.map(({ id }) => ({ from: { id }, to: [{ toObjectId: Number(id) % 40, associationTypes: [{ typeId: 1 }] }] })),
    }));
    nock(API).post('/crm/associations/2026-03/contacts/meetings/batch/read').reply(200, reply('1', 4));
    nock(API).post('/crm/associations/2026-03/contacts/calls/batch/read').reply(200, reply('2', 3));
    nock(API).post('/crm/associations/2026-03/contacts/emails/batch/read').reply(200, reply('3', 3));
    nock(API).post('/crm/objects/2026-03/companies/batch/read').reply(200, objects({ name: 'x' }));
    nock(API).post('/crm/objects/2026-03/meetings/batch/read').times(4).reply(200, objects({ hs_meeting_outcome: 'COMPLETED', hs_timestamp: '2026-11-01T00:00:00Z' }));
    nock(API).post('/crm/objects/2026-03/calls/batch/read').times(3).reply(200, objects({ hs_call_disposition: CONNECTED, hs_timestamp: '2026-11-01T00:00:00Z' }));
    nock(API).post('/crm/objects/2026-03/emails/batch/read').times(3).reply(200, objects({ hs_email_direction: 'INCOMING_EMAIL', hs_timestamp: '2026-11-01T00:00:00Z' }));
    nock(API)
      .get('/crm/properties/2026-03/calls/hs_call_disposition')
      .reply(200, { name: 'hs_call_disposition', options: [{ label: 'Connected', value: CONNECTED, displayOrder: 0 }] });

    const { readPropertyOptions } = await import('../../src/hubspot/provision-properties.ts');
    let labels: Promise<ReadonlyMap<string, string>> | undefined;
    const records = await readContacts(request, ids, { contact: ['jobtitle'], company: ['name'] }, {
      callDispositionLabels: () => {
        labels ??= readPropertyOptions(request, 'calls', 'hs_call_disposition').then((o) => new Map(o.map((x) => [x.value, x.label])));
        return labels;
      },
    });
    expect(records.size).toBe(100);
    expect(records.get('1000')?.profile.activities).toHaveLength(10);
    expect(callCount()).toBeLessThanOrEqual(20);
  });

  it('when a contact has more associations than one page, then the rest is fetched with `after`', async () => {
    const { request } = testRequester();
    nock(API).post('/crm/objects/2026-03/contacts/batch/read').reply(200, { results: [{ id: '1', properties: {} }] });
    nock(API)
      .post('/crm/associations/2026-03/contacts/meetings/batch/read', { inputs: [{ id: '1' }] })
      .reply(200, { results: [{ from: { id: '1' }, to: [{ toObjectId: 11, associationTypes: [] }], paging: { next: { after: 'cursor-2' } } }] });
    nock(API)
      .post('/crm/associations/2026-03/contacts/meetings/batch/read', { inputs: [{ id: '1', after: 'cursor-2' }] })
      .reply(200, { results: [{ from: { id: '1' }, to: [{ toObjectId: 12, associationTypes: [] }] }] });
    nock(API).post('/crm/associations/2026-03/contacts/calls/batch/read').reply(200, { results: [] });
    nock(API).post('/crm/associations/2026-03/contacts/emails/batch/read').reply(200, { results: [] });
    nock(API)
      .post('/crm/objects/2026-03/meetings/batch/read', (b: Body) => b.inputs.length === 2)
      .reply(200, { results: [{ id: '11', properties: { hs_meeting_outcome: 'NO_SHOW' } }, { id: '12', properties: { hs_meeting_outcome: 'CANCELED' } }] });
    const records = await readContacts(request, ['1'], { contact: [], company: [] }, { callDispositionLabels: async () => new Map() });
    expect(records.get('1')?.profile.activities).toEqual([]);
    expect(records.get('1')?.profile.company).toBeNull();
  });
});
