import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countContacts, listContactIds, listOwners, searchModifiedContactIds } from '../../src/hubspot/list-contacts.ts';
import { API, setupNock, teardownNock, testRequester } from './fixtures.ts';

beforeEach(setupNock);
afterEach(teardownNock);

type SearchBody = { filterGroups: Array<{ filters: Array<{ value: string }> }>; after?: string; limit: number };

describe('listing contacts', () => {
  it('when listing, then GET /crm/v3/objects/contacts pages with after and limit ≤100', async () => {
    const { request } = testRequester();
    nock(API).get('/crm/v3/objects/contacts').query({ limit: '100', archived: 'false', properties: 'hs_object_id' }).reply(200, { results: [{ id: '1' }, { id: '2' }], paging: { next: { after: '3' } } });
    nock(API).get('/crm/v3/objects/contacts').query({ limit: '100', after: '3', archived: 'false', properties: 'hs_object_id' }).reply(200, { results: [{ id: '3' }] });
    expect(await listContactIds(request, undefined, 500)).toEqual({ ids: ['1', '2'], after: '3' });
    expect(await listContactIds(request, '3', 100)).toEqual({ ids: ['3'] });
  });

  it('when a modified window holds more than 10,000, then it is halved until each half fits', async () => {
    const { request } = testRequester();
    const windows: Array<[string, string]> = [];
    nock(API)
      .post('/crm/v3/objects/contacts/search')
      .times(11)
      .reply(200, async (req: Request) => {
        const body = (await req.json()) as SearchBody;
        const [from, to] = (body.filterGroups[0]?.filters ?? []).map((f) => f.value) as [string, string];
        windows.push([from, to]);
        const span = Number(to) - Number(from);
        if (span > 250) return { total: 20_000, results: [] };
        if (!body.after) return { total: 201, results: [{ id: `${from}-a` }], paging: { next: { after: '200' } } };
        return { total: 201, results: [{ id: `${from}-b` }] };
      });
    const ids = await searchModifiedContactIds(request, 0, 1000);
    expect(windows[0]).toEqual(['0', '1000']);
    expect(windows).toHaveLength(11);
    expect(ids.sort()).toEqual(['0-a', '0-b', '250-a', '250-b', '500-a', '500-b', '750-a', '750-b'].sort());
  });

  it('when counting, then one search with limit 1 gives the total', async () => {
    const { request } = testRequester();
    nock(API).post('/crm/v3/objects/contacts/search', { filterGroups: [], properties: ['hs_object_id'], limit: 1 }).reply(200, { total: 4242, results: [{ id: '1' }] });
    expect(await countContacts(request)).toBe(4242);
  });

  it('when owners span pages, then all are listed', async () => {
    const { request } = testRequester();
    nock(API).get('/crm/v3/owners').query({ limit: '100', archived: 'false' }).reply(200, { results: [{ id: '1', email: 'a@x.de', firstName: 'A' }], paging: { next: { after: 'n' } } });
    nock(API).get('/crm/v3/owners').query({ limit: '100', after: 'n', archived: 'false' }).reply(200, { results: [{ id: 2, lastName: 'B' }] });
    expect(await listOwners(request)).toEqual([{ id: '1', email: 'a@x.de', firstName: 'A' }, { id: '2', lastName: 'B' }]);
  });
});
