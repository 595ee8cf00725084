import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Fixture, fixture } from './helpers.ts';

let f: Fixture;
let contactIds: number[];

beforeEach(async () => {
  f = await fixture();
  contactIds = [...f.standIn.portal(f.portalId).live('contacts')].map((c) => c.id);
});
afterEach(async () => {
  await f.standIn.close();
});

describe('authentication', () => {
  it('when the token is unknown, then 401 with INVALID_AUTHENTICATION in HubSpot’s error body', async () => {
    const res = await f.call('GET', '/crm/v3/objects/contacts', undefined, 'not-a-token');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
    expect(res.body.correlationId).toEqual(expect.any(String));
  });

  it('when the token has expired, then 401 EXPIRED_AUTHENTICATION, and a 30-minute token expires after 30 minutes', async () => {
    expect((await f.call('GET', '/crm/v3/objects/contacts')).status).toBe(200);
    f.advance(1800 * 1000);
    const res = await f.call('GET', '/crm/v3/objects/contacts');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ status: 'error', category: 'EXPIRED_AUTHENTICATION' });
  });

  it('when expireTokens is called, then the current token is refused', async () => {
    f.standIn.expireTokens(f.portalId);
    expect((await f.call('GET', '/crm/v3/objects/contacts')).body.category).toBe('EXPIRED_AUTHENTICATION');
  });
});

describe('objects', () => {
  it('when a list is paged, then every contact comes exactly once with only the default properties as strings', async () => {
    const seen: string[] = [];
    let after = '';
    for (let i = 0; i < 20; i++) {
      const res = await f.call('GET', `/crm/v3/objects/contacts?limit=7${after ? `&after=${after}` : ''}`);
      expect(res.status).toBe(200);
      const results = res.body.results as Array<{ id: string; properties: Record<string, unknown> }>;
      for (const r of results) {
        seen.push(r.id);
        expect(Object.keys(r.properties).sort()).toEqual(['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname']);
      }
      const next = (res.body.paging as { next?: { after: string } } | undefined)?.next?.after;
      if (!next) break;
      after = next;
    }
    expect(seen).toEqual(contactIds.map(String));
  });

  it('when limit is above 100 on a list, then 400', async () => {
    expect((await f.call('GET', '/crm/v3/objects/contacts?limit=101')).status).toBe(400);
  });

  it('when a batch has more than 100 inputs, then 400 VALIDATION_ERROR and nothing is read', async () => {
    const inputs = Array.from({ length: 101 }, (_, i) => ({ id: String(contactIds[i % contactIds.length]) }));
    for (const op of ['read', 'update', 'create', 'archive']) {
      const res = await f.call('POST', `/crm/v3/objects/contacts/batch/${op}`, { inputs, properties: ['email'] });
      expect(res.status, op).toBe(400);
      expect(res.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    }
  });

  it('when a property does not exist, then 400 PROPERTY_DOESNT_EXIST and the value is not written', async () => {
    const id = contactIds[0];
    const res = await f.call('PATCH', `/crm/v3/objects/contacts/${id}`, { properties: { jobtitle: 'CEO', bant_fit_score: '80' } });
    expect(res.status).toBe(400);
    expect(res.body.category).toBe('VALIDATION_ERROR');
    expect(String(res.body.message)).toContain('PROPERTY_DOESNT_EXIST');
    expect(f.standIn.portal(f.portalId).get('contacts', id!)?.props.jobtitle).not.toBe('CEO');
  });

  it('when an enumeration value is not an option (values are case-sensitive), then 400 INVALID_OPTION', async () => {
    const res = await f.call('PATCH', `/crm/v3/objects/contacts/${contactIds[0]}`, { properties: { hs_lead_status: 'unqualified' } });
    expect(res.status).toBe(400);
    expect(String(res.body.message)).toContain('INVALID_OPTION');
    expect((await f.call('PATCH', `/crm/v3/objects/contacts/${contactIds[0]}`, { properties: { hs_lead_status: 'UNQUALIFIED' } })).status).toBe(200);
  });

  it('when a number property gets text, a read-only property is written or an owner id is a user id, then 400', async () => {
    const portal = f.standIn.portal(f.portalId);
    const task = { properties: { hs_timestamp: '2026-11-03T10:00:00Z', hubspot_owner_id: String(portal.owners[0]!.userId) } };
    expect((await f.call('POST', '/crm/v3/objects/tasks', task)).status).toBe(400);
    expect((await f.call('PATCH', `/crm/v3/objects/contacts/${contactIds[0]}`, { properties: { hs_email_open: '3' } })).status).toBe(400);
    expect((await f.call('PATCH', `/crm/v3/objects/companies/${[...portal.live('companies')][0]!.id}`, { properties: { numberofemployees: 'many' } })).status).toBe(400);
  });

  it('when lifecyclestage moves backwards, then 400, and clearing it first makes the move possible', async () => {
    const id = contactIds[0]!;
    const path = `/crm/v3/objects/contacts/${id}`;
    expect((await f.call('PATCH', path, { properties: { lifecyclestage: 'customer' } })).status).toBe(200);
    const back = await f.call('PATCH', path, { properties: { lifecyclestage: 'lead' } });
    expect(back.status).toBe(400);
    expect(String(back.body.message)).toContain('lifecyclestage');
    expect((await f.call('PATCH', path, { properties: { lifecyclestage: '' } })).status).toBe(200);
    const again = await f.call('PATCH', path, { properties: { lifecyclestage: 'lead' } });
    expect(again.status).toBe(200);
    expect((again.body.properties as Record<string, string>).lifecyclestage).toBe('lead');
  });

  it('when a batch update mixes valid inputs with an unknown id, then 207 with the valid ones written and an error for the id', async () => {
    const res = await f.call('POST', '/crm/v3/objects/contacts/batch/update', {
      inputs: [
        { id: String(contactIds[0]), properties: { jobtitle: 'CMO' } },
        { id: '999999999', properties: { jobtitle: 'CMO' } },
      ],
    });
    expect(res.status).toBe(207);
    expect(res.body).toMatchObject({ status: 'COMPLETE', numErrors: 1 });
    expect((res.body.errors as Array<{ category: string }>)[0]!.category).toBe('OBJECT_NOT_FOUND');
    expect(f.standIn.portal(f.portalId).get('contacts', contactIds[0]!)?.props.jobtitle).toBe('CMO');
  });

  it('when one input of a batch update has an invalid value, then the whole batch is rejected with 400', async () => {
    const res = await f.call('POST', '/crm/v3/objects/contacts/batch/update', {
      inputs: [
        { id: String(contactIds[0]), properties: { jobtitle: 'Head of IT' } },
        { id: String(contactIds[1]), properties: { lifecyclestage: 'nonsense' } },
      ],
    });
    expect(res.status).toBe(400);
    expect(f.standIn.portal(f.portalId).get('contacts', contactIds[0]!)?.props.jobtitle).not.toBe('Head of IT');
  });

  it('when an engagement is created without hs_timestamp, then 400', async () => {
    expect((await f.call('POST', '/crm/v3/objects/tasks', { properties: { hs_task_subject: 'x' } })).status).toBe(400);
  });

  it('when a task is created with association type 204 it appears on the contact; with 203 (wrong direction) it is refused', async () => {
    const contactId = contactIds[0]!;
    const body = (typeId: number) => ({
      properties: { hs_timestamp: '2026-11-03T10:00:00.000Z', hs_task_subject: 'Call', hs_task_priority: 'HIGH' },
      associations: [{ to: { id: String(contactId) }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }] }],
    });
    expect((await f.call('POST', '/crm/v3/objects/tasks', body(203))).status).toBe(400);
    const ok = await f.call('POST', '/crm/objects/2026-03/tasks', body(204));
    expect(ok.status).toBe(201);
    const portal = f.standIn.portal(f.portalId);
    expect(portal.tasksOf(contactId).map((t) => String(t.id))).toEqual([ok.body.id]);
    expect(portal.tasksOf(contactId)[0]!.props.hs_task_status).toBe('NOT_STARTED');
  });
});

describe('properties', () => {
  const prop = { name: 'bant_fit_grade', label: 'Fit grade', type: 'enumeration', fieldType: 'select', groupName: 'bant_scoring', options: [{ label: 'A', value: 'A', hidden: false }] };

  it('when a group or property is created twice, then the second is 409 OBJECT_ALREADY_EXISTS', async () => {
    const group = { name: 'bant_scoring', label: 'BANT lead scoring', displayOrder: -1 };
    expect((await f.call('POST', '/crm/v3/properties/contacts/groups', group)).status).toBe(201);
    const dupGroup = await f.call('POST', '/crm/v3/properties/contacts/groups', group);
    expect(dupGroup.status).toBe(409);
    expect((await f.call('POST', '/crm/v3/properties/contacts', prop)).status).toBe(201);
    const dup = await f.call('POST', '/crm/v3/properties/0-1', prop);
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ status: 'error', category: 'OBJECT_ALREADY_EXISTS' });
    expect((await f.call('POST', '/crm/v3/properties/contacts', { ...prop, name: 'email' })).status).toBe(409);
  });

  it('when type and fieldType do not fit, options are missing or the group is unknown, then 400', async () => {
    await f.call('POST', '/crm/v3/properties/contacts/groups', { name: 'bant_scoring', label: 'BANT' });
    const bad = [
      { ...prop, name: 'a1', options: [] },
      { ...prop, name: 'a2', fieldType: 'text' },
      { ...prop, name: 'a3', type: 'number', fieldType: 'select', options: undefined },
      { ...prop, name: 'a4', type: 'string', fieldType: 'number', options: undefined },
      { ...prop, name: 'a5', type: 'datetime', fieldType: 'text', options: undefined },
      { ...prop, name: 'a6', groupName: 'nope' },
    ];
    for (const p of bad) expect((await f.call('POST', '/crm/v3/properties/contacts', p)).status, p.name).toBe(400);
    const good = [
      { ...prop, name: 'b1', type: 'number', fieldType: 'number', options: undefined },
      { ...prop, name: 'b2', type: 'string', fieldType: 'textarea', options: undefined },
      { ...prop, name: 'b3', type: 'datetime', fieldType: 'date', options: undefined },
      { ...prop, name: 'b4', fieldType: 'radio' },
    ];
    for (const p of good) expect((await f.call('POST', '/crm/v3/properties/contacts', p)).status, p.name).toBe(201);
  });

  it('when the default contact properties are read, then lifecyclestage, hs_lead_status and call outcomes have HubSpot’s options in order', async () => {
    const life = await f.call('GET', '/crm/v3/properties/contacts/lifecyclestage');
    expect((life.body.options as Array<{ value: string }>).map((o) => o.value)).toEqual([
      'subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other',
    ]);
    const status = await f.call('GET', '/crm/v3/properties/contacts/hs_lead_status');
    expect((status.body.options as Array<{ value: string }>).map((o) => o.value)).toEqual([
      'NEW', 'OPEN', 'IN_PROGRESS', 'OPEN_DEAL', 'UNQUALIFIED', 'ATTEMPTED_TO_CONTACT', 'CONNECTED', 'BAD_TIMING',
    ]);
    const calls = await f.call('GET', '/crm/v3/properties/calls/hs_call_disposition');
    expect((calls.body.options as Array<{ value: string }>).map((o) => o.value)).toContain('f240bbac-87c9-4f6e-bf70-924b57d47db7');
    expect((await f.call('GET', '/crm/v3/properties/contacts/numberofemployees')).status).toBe(404);
  });

  it('when an answer property the generator holds values for is created, then those values appear on contacts', async () => {
    const portal = f.standIn.portal(f.portalId);
    const pending = portal.pendingValues.get('bant_need_answer');
    expect(pending?.size).toBeGreaterThan(0);
    await f.call('POST', '/crm/v3/properties/contacts/groups', { name: 'bant_scoring', label: 'BANT' });
    await f.call('POST', '/crm/v3/properties/contacts', {
      ...prop,
      name: 'bant_need_answer',
      options: ['acute', 'latent', 'none'].map((v) => ({ label: v, value: v, hidden: false })),
    });
    const [id, value] = [...pending!][0]!;
    expect(portal.get('contacts', id)?.props.bant_need_answer).toBe(value);
  });
});

describe('rate limits', () => {
  it('when 111 calls arrive within 10 s, then the 111th is 429 TEN_SECONDLY_ROLLING with HubSpot’s body and headers; 10 s later calls pass again', async () => {
    let last: Awaited<ReturnType<Fixture['call']>> | undefined;
    for (let i = 0; i < 110; i++) {
      last = await f.call('GET', '/crm/v3/objects/contacts?limit=1');
      expect(last.status).toBe(200);
    }
    expect(last!.headers.get('x-hubspot-ratelimit-max')).toBe('110');
    expect(last!.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
    expect(last!.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
    const limited = await f.call('GET', '/crm/v3/objects/contacts?limit=1');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
    });
    expect(limited.body.correlationId).toEqual(expect.any(String));
    expect(limited.body.groupName).toEqual(expect.any(String));
    expect(f.standIn.maxRequestsInWindow(f.portalId, 10_000)).toBe(111);
    f.advance(10_001);
    expect((await f.call('GET', '/crm/v3/objects/contacts?limit=1')).status).toBe(200);
  });

  it('when a portal has limits of its own, then they apply to it alone and each portal counts its own calls', async () => {
    const small = f.standIn.createPortal({ contacts: 2, seed: 3, rateLimit: { perTenSeconds: 3 } });
    const { accessToken } = f.standIn.issueToken(small.id);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await f.call('GET', '/crm/v3/objects/contacts?limit=1', undefined, accessToken)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const other = await f.call('GET', '/crm/v3/objects/contacts?limit=1');
    expect(other.status).toBe(200);
    expect(other.headers.get('x-hubspot-ratelimit-max')).toBe('110');
    expect(other.headers.get('x-hubspot-ratelimit-remaining')).toBe('109');
  });

  it('when a daily limit is configured and used up, then 429 DAILY with the daily headers', async () => {
    const g = await fixture({ rateLimit: { daily: 2 } }, 5);
    try {
      const ok = await g.call('GET', '/crm/v3/objects/contacts');
      expect(ok.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('1');
      await g.call('GET', '/crm/v3/objects/contacts');
      const res = await g.call('GET', '/crm/v3/objects/contacts');
      expect(res.status).toBe(429);
      expect(res.body.policyName).toBe('DAILY');
    } finally {
      await g.standIn.close();
    }
  });

  it('when faults are injected, then the next calls get 429s, then 502/503/504, then normal answers', async () => {
    f.standIn.injectFaults(f.portalId, { status429: 1, status5xx: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await f.call('GET', '/crm/v3/objects/contacts')).status);
    expect(statuses).toEqual([502, 503, 504, 429, 200]);
  });
});

describe('search', () => {
  const search = (body: unknown) => f.call('POST', '/crm/v3/objects/contacts/search', body);

  it('when a sixth search arrives within a second, then 429 with the secondly message and no rate-limit headers', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await search({ limit: 1 });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-hubspot-ratelimit-max')).toBeNull();
    }
    const limited = await search({ limit: 1 });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ message: 'You have reached your secondly limit.', errorType: 'RATE_LIMIT' });
    f.advance(1_000);
    expect((await search({ limit: 1 })).status).toBe(200);
  });

  it('when paging would pass 10,000 results or limit exceeds 200, then 400', async () => {
    expect((await search({ limit: 201 })).status).toBe(400);
    expect((await search({ limit: 200, after: '9800' })).status).toBe(200);
    f.advance(1_000);
    const res = await search({ limit: 200, after: '9900' });
    expect(res.status).toBe(400);
    expect(res.body.category).toBe('VALIDATION_ERROR');
  });

  it('when filters use GTE on lastmodifieddate, IN, HAS_PROPERTY and BETWEEN, then exactly the matching contacts return, sorted', async () => {
    const portal = f.standIn.portal(f.portalId);
    const target = contactIds.slice(0, 3);
    f.advance(60_000);
    const since = f.now();
    for (const id of target) await f.call('PATCH', `/crm/v3/objects/contacts/${id}`, { properties: { hs_lead_status: 'CONNECTED' } });
    const res = await search({
      filterGroups: [
        {
          filters: [
            { propertyName: 'lastmodifieddate', operator: 'GTE', value: String(since) },
            { propertyName: 'hs_lead_status', operator: 'IN', values: ['CONNECTED', 'NEW'] },
            { propertyName: 'email', operator: 'HAS_PROPERTY' },
            { propertyName: 'hs_lastmodifieddate', operator: 'BETWEEN', value: new Date(since).toISOString(), highValue: String(since + 1) },
          ],
        },
      ],
      sorts: [{ propertyName: 'hs_object_id', direction: 'DESCENDING' }],
      properties: ['hs_lead_status'],
      limit: 200,
    });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(3);
    expect((res.body.results as Array<{ id: string }>).map((r) => r.id)).toEqual(target.map(String).reverse());
    expect(portal.count('contacts')).toBe(30);
  });

  it('when companies are searched on hs_lastmodifieddate, then exactly those modified in the window return, sorted; lastmodifieddate is not a company property', async () => {
    const portal = f.standIn.portal(f.portalId);
    const companies = [...portal.live('companies')].map((c) => c.id);
    expect(companies.length).toBeGreaterThan(2);
    f.advance(60_000);
    const since = f.now();
    for (const id of [companies[2]!, companies[0]!]) {
      f.advance(10);
      expect((await f.call('PATCH', `/crm/v3/objects/companies/${id}`, { properties: { city: 'Hamburg' } })).status).toBe(200);
    }
    const window = (property: string, until: number) => ({
      filterGroups: [
        {
          filters: [
            { propertyName: property, operator: 'GTE', value: String(since) },
            { propertyName: property, operator: 'LT', value: String(until) },
          ],
        },
      ],
      sorts: [{ propertyName: property, direction: 'ASCENDING' }],
      properties: [property],
      limit: 200,
    });
    const res = await f.call('POST', '/crm/v3/objects/companies/search', window('hs_lastmodifieddate', f.now() + 1));
    expect(res.status).toBe(200);
    const results = res.body.results as Array<{ id: string; properties: Record<string, string>; updatedAt: string }>;
    expect(results.map((r) => Number(r.id))).toEqual([companies[2], companies[0]]);
    expect(results.map((r) => r.properties.hs_lastmodifieddate)).toEqual([new Date(since + 10).toISOString(), new Date(since + 20).toISOString()]);
    expect(results.every((r) => r.updatedAt === r.properties.hs_lastmodifieddate)).toBe(true);
    // The window's end is exclusive.
    expect((await f.call('POST', '/crm/v3/objects/companies/search', window('hs_lastmodifieddate', since + 20))).body.total).toBe(1);
    const wrong = await f.call('POST', '/crm/v3/objects/companies/search', window('lastmodifieddate', f.now() + 1));
    expect(wrong.status).toBe(400);
    expect(wrong.body.subCategory).toBe('PROPERTY_DOESNT_EXIST');
  });

  it('when contacts are batch-updated, then each result’s updatedAt is the lastmodifieddate search returns afterwards', async () => {
    const [a, b] = contactIds as [number, number];
    f.advance(60_000);
    const since = f.now();
    const update = await f.call('POST', '/crm/v3/objects/contacts/batch/update', {
      inputs: [a, b].map((id) => ({ id: String(id), properties: { hs_lead_status: 'CONNECTED' } })),
    });
    expect(update.status).toBe(200);
    const written = new Map((update.body.results as Array<{ id: string; updatedAt: string }>).map((r) => [r.id, r.updatedAt]));
    expect(written.size).toBe(2);
    const res = await search({
      filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(since) }] }],
      properties: ['lastmodifieddate'],
      limit: 200,
    });
    const found = new Map((res.body.results as Array<{ id: string; properties: { lastmodifieddate: string } }>).map((r) => [r.id, r.properties.lastmodifieddate]));
    expect(found).toEqual(written);
  });

  it('when tasks are searched by associations.contact, then only that contact’s tasks return', async () => {
    const contactId = contactIds[1]!;
    await f.call('POST', '/crm/v3/objects/tasks', {
      properties: { hs_timestamp: '2026-11-03T10:00:00.000Z', hs_task_subject: 'Call' },
      associations: [{ to: { id: String(contactId) }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 204 }] }],
    });
    await f.call('POST', '/crm/v3/objects/tasks', { properties: { hs_timestamp: '2026-11-03T10:00:00.000Z', hs_task_subject: 'Other' } });
    const res = await f.call('POST', '/crm/v3/objects/tasks/search', {
      filterGroups: [{ filters: [{ propertyName: 'associations.contact', operator: 'EQ', value: String(contactId) }] }],
      properties: ['hs_task_subject'],
    });
    expect((res.body.results as Array<{ properties: Record<string, string> }>).map((r) => r.properties.hs_task_subject)).toEqual(['Call']);
  });

  it('when there are more than 5 filter groups or 6 filters in a group, then 400', async () => {
    const filter = { propertyName: 'email', operator: 'HAS_PROPERTY' };
    expect((await search({ filterGroups: Array.from({ length: 6 }, () => ({ filters: [filter] })) })).status).toBe(400);
    expect((await search({ filterGroups: [{ filters: Array.from({ length: 7 }, () => filter) }] })).status).toBe(400);
  });
});

describe('associations v4', () => {
  it('when contacts→companies are batch-read, then the primary company has type ids 1 and 279, and contacts without one are 207 errors', async () => {
    const portal = f.standIn.portal(f.portalId);
    const withCompany = contactIds.filter((id) => portal.associated('contacts', 'companies', id).length > 0);
    const without = contactIds.filter((id) => portal.associated('contacts', 'companies', id).length === 0);
    expect(withCompany.length).toBeGreaterThan(0);
    expect(without.length).toBeGreaterThan(0);
    const res = await f.call('POST', '/crm/v4/associations/contacts/companies/batch/read', {
      inputs: [...withCompany, without[0]].map((id) => ({ id: String(id) })),
    });
    expect(res.status).toBe(207);
    const results = res.body.results as Array<{ from: { id: string }; to: Array<{ toObjectId: number; associationTypes: Array<{ typeId: number; category: string }> }> }>;
    expect(results.map((r) => r.from.id)).toEqual(withCompany.map(String));
    const first = results[0]!.to[0]!;
    expect(String(first.toObjectId)).toBe(portal.get('contacts', withCompany[0]!)!.props.associatedcompanyid);
    expect(first.associationTypes.map((t) => t.typeId).sort((a, b) => a - b)).toEqual([1, 279]);
    expect((res.body.errors as unknown[]).length).toBe(1);
  });

  it('when a company’s contacts are batch-read, then primary links carry 2 and 280, others 280, and more than 500 contacts page with `after`', async () => {
    const portal = f.standIn.portal(f.portalId);
    const companyId = f.standIn.simulate.createCompany(f.portalId, { name: 'Gross AG', domain: 'gross.example', numberofemployees: '20000' });
    const elsewhere = f.standIn.simulate.createCompany(f.portalId, { name: 'Elsewhere GmbH', domain: 'elsewhere.example' });
    const members = Array.from({ length: 502 }, (_, i) => portal.create('contacts', { email: `m${i}@gross.example` }).id);
    for (const id of members) portal.associate('contacts', id, 'companies', companyId, undefined, true, true);
    // The last one belongs to another company first: its link to Gross AG is not primary.
    portal.associate('contacts', members[501]!, 'companies', elsewhere, undefined, true, true);
    type Page = { results: Array<{ from: { id: string }; to: Array<{ toObjectId: number; associationTypes: Array<{ typeId: number }> }>; paging?: { next: { after: string } } }> };
    const first = (await f.call('POST', '/crm/v4/associations/companies/contacts/batch/read', { inputs: [{ id: String(companyId) }] })).body as Page;
    expect(first.results[0]!.to).toHaveLength(500);
    expect(first.results[0]!.to[0]!.associationTypes.map((t) => t.typeId).sort((a, b) => a - b)).toEqual([2, 280]);
    const after = first.results[0]!.paging!.next.after;
    const second = (await f.call('POST', '/crm/v4/associations/companies/contacts/batch/read', { inputs: [{ id: String(companyId), after }] })).body as Page;
    expect(second.results[0]!.paging).toBeUndefined();
    expect([...first.results[0]!.to, ...second.results[0]!.to].map((t) => t.toObjectId)).toEqual(members);
    expect(second.results[0]!.to.at(-1)!.associationTypes.map((t) => t.typeId)).toEqual([280]);
  });

  it('when a batch read has more than 1,000 inputs, then 400; 1,000 is allowed', async () => {
    const inputs = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(contactIds[i % contactIds.length]) }));
    expect((await f.call('POST', '/crm/v4/associations/contacts/calls/batch/read', { inputs: inputs(1001) })).status).toBe(400);
    expect([200, 207]).toContain((await f.call('POST', '/crm/v4/associations/contacts/calls/batch/read', { inputs: inputs(1000) })).status);
  });

  it('when one contact’s engagements are listed, then calls carry type 193 from the contact and 194 back', async () => {
    const portal = f.standIn.portal(f.portalId);
    const contactId = contactIds.find((id) => portal.associated('contacts', 'calls', id).length > 0)!;
    const res = await f.call('GET', `/crm/v4/objects/contacts/${contactId}/associations/calls`);
    const first = (res.body.results as Array<{ toObjectId: number; associationTypes: Array<{ typeId: number }> }>)[0]!;
    expect(first.associationTypes[0]!.typeId).toBe(193);
    const back = await f.call('GET', `/crm/v4/objects/calls/${first.toObjectId}/associations/contacts`);
    expect((back.body.results as Array<{ associationTypes: Array<{ typeId: number }> }>)[0]!.associationTypes[0]!.typeId).toBe(194);
  });
});

describe('owners and scopes', () => {
  it('when owners are paged, then every owner comes with id, email and userId', async () => {
    const res = await f.call('GET', '/crm/v3/owners/?limit=1');
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([expect.objectContaining({ id: expect.any(String), email: expect.any(String), userId: expect.any(Number) })]);
    expect((res.body.paging as { next: { after: string } }).next.after).toBe('1');
  });

  it('when the token lacks the scope, then 403 MISSING_SCOPES', async () => {
    const { accessToken } = f.standIn.issueToken(f.portalId, ['oauth', 'crm.objects.contacts.read']);
    expect((await f.call('GET', '/crm/v3/objects/contacts', undefined, accessToken)).status).toBe(200);
    const res = await f.call('POST', '/crm/v3/properties/contacts', { name: 'x' }, accessToken);
    expect(res.status).toBe(403);
    expect(res.body.category).toBe('MISSING_SCOPES');
  });
});
