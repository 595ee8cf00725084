import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countContacts, listContactIds, listOwners, searchModifiedCompanyIds, searchModifiedContacts } from '../../src/hubspot/list-contacts.ts';
import { API, setupNock, teardownNock, testRequester } from './fixtures.ts';

beforeEach(setupNock);
afterEach(teardownNock);

type SearchBody = {
  filterGroups: Array<{ filters: Array<{ propertyName: string; value: string }> }>;
  sorts: Array<{ propertyName: string }>;
  properties: string[];
  after?: string;
  limit: number;
};

describe('listing contacts', () => {
  it('when listing, then GET /crm/objects/2026-03/contacts pages with after and limit ≤100', async () => {
    const { request } = testRequester();
    nock(API).get('/crm/objects/2026-03/contacts').query({ limit: '100', archived: 'false', properties: 'hs_object_id' }).reply(200, { results: [{ id: '1' }, { id: '2' }], paging: { next: { after: '3' } } });
    nock(API).get('/crm/objects/2026-03/contacts').query({ limit: '100', after: '3', archived: 'false', properties: 'hs_object_id' }).reply(200, { results: [{ id: '3' }] });
    expect(await listContactIds(request, undefined, 500)).toEqual({ ids: ['1', '2'], after: '3' });
    expect(await listContactIds(request, '3', 100)).toEqual({ ids: ['3'] });
  });

  it('when a modified window holds more than 10,000, then it is halved until each half fits', async () => {
    const { request } = testRequester();
    const windows: Array<[string, string]> = [];
    nock(API)
      .post('/crm/objects/2026-03/contacts/search')
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
    const found = await searchModifiedContacts(request, 0, 1000);
    expect(windows[0]).toEqual(['0', '1000']);
    expect(windows).toHaveLength(11);
    expect(found.map((f) => f.id).sort()).toEqual(['0-a', '0-b', '250-a', '250-b', '500-a', '500-b', '750-a', '750-b'].sort());
  });

  it('when a record already seen is modified again while pages are read, then no other record is stepped over', async () => {
    const { request } = testRequester();
    // 450 contacts modified at 1000, 1001, …: a search that pages by offset would lose one when contact 10 leaves.
    const times = new Map(Array.from({ length: 450 }, (_, i) => [String(i + 1), 1000 + i]));
    const bodies: SearchBody[] = [];
    nock(API)
      .post('/crm/objects/2026-03/contacts/search')
      .times(3)
      .reply(200, async (req: Request) => {
        const body = (await req.json()) as SearchBody;
        bodies.push(body);
        const [from, to] = (body.filterGroups[0]?.filters ?? []).map((f) => Number(f.value)) as [number, number];
        const matching = [...times].filter(([, t]) => t >= from && t < to).sort((a, b) => a[1] - b[1]);
        const offset = Number(body.after ?? 0);
        const page = matching.slice(offset, offset + body.limit);
        // A rep edits contact 10 after the first page was served: it moves past the window's end.
        if (bodies.length === 1) times.set('10', 999_999);
        return {
          total: matching.length,
          results: page.map(([id, t]) => ({ id, properties: { lastmodifieddate: String(t) } })),
          ...(offset + body.limit < matching.length ? { paging: { next: { after: String(offset + body.limit) } } } : {}),
        };
      });
    const found = await searchModifiedContacts(request, 0, 10_000);
    expect(new Set(found.map((f) => f.id)).size).toBe(450);
    expect(bodies[1]?.after).toBeUndefined();
    expect(bodies[1]?.filterGroups[0]?.filters[0]?.value).toBe(String(1000 + 199));
  });

  it('when a whole page shares one modification time, then the next page is asked for by offset', async () => {
    const { request } = testRequester();
    const bodies: SearchBody[] = [];
    nock(API)
      .post('/crm/objects/2026-03/contacts/search')
      .times(2)
      .reply(200, async (req: Request) => {
        const body = (await req.json()) as SearchBody;
        bodies.push(body);
        const offset = Number(body.after ?? 0);
        const ids = Array.from({ length: 250 }, (_, i) => String(i + 1)).slice(offset, offset + body.limit);
        return {
          total: 250,
          results: ids.map((id) => ({ id, properties: { lastmodifieddate: '5000' } })),
          ...(offset === 0 ? { paging: { next: { after: '200' } } } : {}),
        };
      });
    const found = await searchModifiedContacts(request, 5000, 6000);
    expect(found).toHaveLength(250);
    expect(bodies.map((b) => [b.after, b.filterGroups[0]?.filters[0]?.value])).toEqual([
      [undefined, '5000'],
      ['200', '5000'],
    ]);
  });

  it('when contacts are searched, then each comes with its lastmodifieddate, asked for as a property; without one it has no time', async () => {
    const { request } = testRequester();
    let body: SearchBody | undefined;
    nock(API)
      .post('/crm/objects/2026-03/contacts/search')
      .reply(200, async (req: Request) => {
        body = (await req.json()) as SearchBody;
        return {
          total: 3,
          results: [
            { id: '1', properties: { lastmodifieddate: '2026-03-02T08:10:00.123Z' } },
            { id: '2', properties: { lastmodifieddate: null }, updatedAt: '2026-03-02T08:20:00.000Z' },
            { id: '3', properties: { lastmodifieddate: 'not a date' } },
          ],
        };
      });
    const found = await searchModifiedContacts(request, 0, 1000);
    expect(body?.properties).toEqual(['lastmodifieddate']);
    expect(body?.filterGroups[0]?.filters.map((f) => f.propertyName)).toEqual(['lastmodifieddate', 'lastmodifieddate']);
    expect(found).toEqual([
      { id: '1', modifiedAt: Date.parse('2026-03-02T08:10:00.123Z') },
      { id: '2', modifiedAt: Date.parse('2026-03-02T08:20:00.000Z') },
      { id: '3' },
    ]);
  });

  it('when companies are searched, then on hs_lastmodifieddate (companies have no lastmodifieddate), windows halved like contacts', async () => {
    const { request } = testRequester();
    const bodies: SearchBody[] = [];
    nock(API)
      .post('/crm/objects/2026-03/companies/search')
      .times(3)
      .reply(200, async (req: Request) => {
        const body = (await req.json()) as SearchBody;
        bodies.push(body);
        const [from, to] = (body.filterGroups[0]?.filters ?? []).map((f) => f.value) as [string, string];
        if (Number(to) - Number(from) > 500) return { total: 12_000, results: [] };
        return { total: 1, results: [{ id: `c${from}`, properties: { hs_lastmodifieddate: new Date(Number(from)).toISOString() } }] };
      });
    expect((await searchModifiedCompanyIds(request, 0, 1000)).sort()).toEqual(['c0', 'c500']);
    expect(bodies).toHaveLength(3);
    for (const body of bodies) {
      expect(body.filterGroups[0]?.filters.map((f) => f.propertyName)).toEqual(['hs_lastmodifieddate', 'hs_lastmodifieddate']);
      expect(body.sorts[0]?.propertyName).toBe('hs_lastmodifieddate');
      expect(body.limit).toBe(200);
    }
  });

  it('when counting, then one search with limit 1 gives the total', async () => {
    const { request } = testRequester();
    nock(API).post('/crm/objects/2026-03/contacts/search', { filterGroups: [], properties: ['hs_object_id'], limit: 1 }).reply(200, { total: 4242, results: [{ id: '1' }] });
    expect(await countContacts(request)).toBe(4242);
  });

  it('when owners span pages, then all are listed', async () => {
    const { request } = testRequester();
    nock(API).get('/crm/owners/2026-03').query({ limit: '100', archived: 'false' }).reply(200, { results: [{ id: '1', email: 'a@x.de', firstName: 'A' }], paging: { next: { after: 'n' } } });
    nock(API)
      .get('/crm/owners/2026-03')
      .query({ limit: '100', after: 'n', archived: 'false' })
      .reply(200, { results: [{ id: 2, lastName: 'B', teams: [{ id: 7, name: 'Inside Sales', primary: true }] }, { id: '3', userIdIncludingInactive: 12, teams: [] }] });
    expect(await listOwners(request)).toEqual([
      { id: '1', email: 'a@x.de', firstName: 'A', teams: [] },
      { id: '2', lastName: 'B', teams: [{ id: '7', name: 'Inside Sales', primary: true }] },
      { id: '3', teams: [], deactivated: true },
    ]);
  });

  it("when an owner's teams are garbled, then listing the owners fails instead of routing to nobody", async () => {
    const { request } = testRequester();
    nock(API).get('/crm/owners/2026-03').query({ limit: '100', archived: 'false' }).reply(200, { results: [{ id: '1', teams: 'Inside Sales' }] });
    await expect(listOwners(request)).rejects.toThrow(/teams that are not a list/);
  });
});
