import { Client } from '@hubspot/api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Portal, StandIn } from '../../standin/index.ts';
import { startStandIn } from '../../standin/index.ts';
import { APP } from './helpers.ts';

// The real @hubspot/api-client v14 against the stand-in over real HTTP: paths and JSON shapes must be what it sends
// and parses (dates become Date objects, 207 becomes a result with errors, errors become ApiException).
let standIn: StandIn;
let portal: Portal;
let client: Client;
let ids: string[];

beforeAll(async () => {
  standIn = await startStandIn({ app: APP });
  portal = standIn.createPortal({ contacts: 40, seed: 3 });
  const { accessToken } = standIn.issueToken(portal.id);
  client = new Client({ accessToken, basePath: standIn.url });
  ids = [...portal.live('contacts')].map((c) => String(c.id));
});
afterAll(async () => {
  await standIn.close();
});

describe('@hubspot/api-client against the stand-in', () => {
  it('when contacts are batch-read, then the SDK gets records with Date timestamps and string properties', async () => {
    const res = await client.crm.contacts.batchApi.read({ inputs: ids.slice(0, 3).map((id) => ({ id })), properties: ['jobtitle', 'hs_analytics_num_page_views'], propertiesWithHistory: [] });
    expect(res.status).toBe('COMPLETE');
    expect(res.results.map((r) => r.id).sort()).toEqual(ids.slice(0, 3).sort());
    expect(res.results[0]!.createdAt).toBeInstanceOf(Date);
    expect(Object.keys(res.results[0]!.properties)).toEqual(expect.arrayContaining(['jobtitle', 'hs_object_id', 'lastmodifieddate']));
    expect(standIn.countRequests({ path: '/crm/v3/objects/contacts/batch/read', status: 200 })).toBe(1);
  });

  it('when a batch update includes an unknown id, then the SDK returns the 207 with its errors; an invalid value throws ApiException 400', async () => {
    const res = await client.crm.contacts.batchApi.update({
      inputs: [
        { id: ids[0]!, properties: { hs_lead_status: 'OPEN' } },
        { id: '1', properties: { hs_lead_status: 'OPEN' } },
      ],
    });
    expect(res.results).toHaveLength(1);
    expect('errors' in res && res.errors?.length).toBe(1);
    await expect(client.crm.contacts.batchApi.update({ inputs: [{ id: ids[0]!, properties: { hs_lead_status: 'open' } }] })).rejects.toMatchObject({ code: 400 });
  });

  it('when contacts are searched and paged, then the SDK sees total, results and paging.next.after', async () => {
    const page1 = await client.crm.contacts.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'email', operator: 'HAS_PROPERTY' as never }] }],
      sorts: ['hs_object_id'],
      properties: ['email'],
      limit: 25,
      after: '0',
    });
    expect(page1.total).toBe(40);
    expect(page1.results).toHaveLength(25);
    const page2 = await client.crm.contacts.searchApi.doSearch({ filterGroups: [], sorts: [], properties: ['email'], limit: 25, after: page1.paging!.next!.after });
    expect(page2.results).toHaveLength(15);
    expect(page2.paging).toBeUndefined();
  });

  it('when a property group and property are created, then the SDK parses them and a repeat is ApiException 409', async () => {
    await client.crm.properties.groupsApi.create('contacts', { name: 'bant_scoring', label: 'BANT lead scoring', displayOrder: -1 });
    const created = await client.crm.properties.coreApi.create('contacts', {
      name: 'bant_fit_score',
      label: 'Fit score',
      type: 'number' as never,
      fieldType: 'number' as never,
      groupName: 'bant_scoring',
    });
    expect(created.name).toBe('bant_fit_score');
    expect(created.createdAt).toBeInstanceOf(Date);
    await expect(
      client.crm.properties.coreApi.create('contacts', { name: 'bant_fit_score', label: 'x', type: 'number' as never, fieldType: 'number' as never, groupName: 'bant_scoring' }),
    ).rejects.toMatchObject({ code: 409 });
    const all = await client.crm.properties.coreApi.getAll('contacts');
    expect(all.results.map((p) => p.name)).toContain('bant_fit_score');
  });

  it('when associations are batch-read, then the SDK gets from/to with association types', async () => {
    const withCalls = ids.filter((id) => portal.associated('contacts', 'calls', Number(id)).length > 0);
    const res = await client.crm.associations.v4.batchApi.getPage('contacts', 'calls', { inputs: withCalls.map((id) => ({ id })) });
    expect(res.results.map((r) => r._from.id).sort()).toEqual(withCalls.sort());
    expect(res.results[0]!.to[0]!.associationTypes[0]).toMatchObject({ category: 'HUBSPOT_DEFINED', typeId: 193 });
  });

  it('when a task is created with a 204 association and read back, then it is on the contact and owned by the owner', async () => {
    const owners = await client.crm.owners.ownersApi.getPage();
    const ownerId = owners.results[0]!.id;
    const task = await client.crm.objects.tasks.basicApi.create({
      properties: { hs_timestamp: '2026-11-10T09:00:00.000Z', hs_task_subject: 'Call now', hs_task_priority: 'HIGH', hubspot_owner_id: ownerId },
      associations: [{ to: { id: ids[5]! }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 204 }] }],
    });
    expect(task.id).toEqual(expect.any(String));
    const back = await client.crm.objects.tasks.basicApi.getById(task.id, ['hs_task_subject', 'hubspot_owner_id', 'hs_task_status'], undefined, ['contacts']);
    expect(back.properties).toMatchObject({ hs_task_subject: 'Call now', hubspot_owner_id: ownerId, hs_task_status: 'NOT_STARTED' });
    expect(back.associations?.contacts?.results.map((r) => r.id)).toEqual([ids[5]]);
  });

  it('when contacts are listed page by page, then the SDK follows paging to the end', async () => {
    let after: string | undefined;
    let n = 0;
    do {
      const page = await client.crm.contacts.basicApi.getPage(100, after, ['email']);
      n += page.results.length;
      after = page.paging?.next?.after;
    } while (after);
    expect(n).toBe(40);
  });
});
