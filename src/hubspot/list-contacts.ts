// Paging through a portal: the list endpoint for everything (search stops at 10,000 results, PLATFORM.md §3.4),
// search for "modified since", split into time windows so no query passes that cap.
import type { PortalRequest } from './request.ts';

export const SEARCH_CAP = 10_000;
const SEARCH_PAGE = 200;

interface SearchResponse {
  total?: number;
  results?: Array<{ id: string }>;
  paging?: { next?: { after?: string } };
}

/** GET /crm/v3/objects/contacts?limit&after (limit ≤100). */
export async function listContactIds(request: PortalRequest, after: string | undefined, limit: number): Promise<{ ids: string[]; after?: string }> {
  const response = await request<{ results?: Array<{ id: string }>; paging?: { next?: { after?: string } } }>('contacts.list', {
    method: 'GET',
    path: '/crm/v3/objects/contacts',
    qs: { limit: Math.max(1, Math.min(100, limit)), after, archived: false, properties: 'hs_object_id' },
  });
  const next = response.body?.paging?.next?.after;
  return { ids: (response.body?.results ?? []).map((r) => String(r.id)), ...(next ? { after: next } : {}) };
}

function modifiedBetween(since: number, until: number, after: string | undefined, limit: number): Record<string, unknown> {
  return {
    filterGroups: [
      {
        filters: [
          { propertyName: 'lastmodifieddate', operator: 'GTE', value: String(since) },
          { propertyName: 'lastmodifieddate', operator: 'LT', value: String(until) },
        ],
      },
    ],
    sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
    properties: ['hs_object_id'],
    limit,
    ...(after ? { after } : {}),
  };
}

/** POST /crm/v3/objects/contacts/search on lastmodifieddate in [since, until); a window over 10,000 is halved. */
export async function searchModifiedContactIds(request: PortalRequest, since: number, until: number): Promise<string[]> {
  const ids = new Set<string>();
  const windows: Array<[number, number]> = [[since, until]];
  while (windows.length) {
    const [from, to] = windows.shift() as [number, number];
    if (to <= from) continue;
    let after: string | undefined;
    let first = true;
    do {
      const response = await request<SearchResponse>('contacts.search', {
        method: 'POST',
        path: '/crm/v3/objects/contacts/search',
        kind: 'search',
        body: modifiedBetween(from, to, after, SEARCH_PAGE),
      });
      const total = response.body?.total ?? 0;
      if (first && total > SEARCH_CAP && to - from > 1) {
        const mid = from + Math.floor((to - from) / 2);
        windows.unshift([from, mid], [mid, to]);
        break;
      }
      first = false;
      for (const r of response.body?.results ?? []) ids.add(String(r.id));
      after = response.body?.paging?.next?.after;
      // Asking past the 10,000th result is a 400 (PLATFORM.md §3.4).
      if (after !== undefined && Number(after) >= SEARCH_CAP) after = undefined;
    } while (after !== undefined);
  }
  return [...ids];
}

/** An approximate total: one search with limit 1 (`total` counts all matches). */
export async function countContacts(request: PortalRequest): Promise<number> {
  const response = await request<SearchResponse>('contacts.count', {
    method: 'POST',
    path: '/crm/v3/objects/contacts/search',
    kind: 'search',
    body: { filterGroups: [], properties: ['hs_object_id'], limit: 1 },
  });
  return response.body?.total ?? 0;
}

/** GET /crm/v3/owners (paged, 100 per page), active owners only. */
export async function listOwners(request: PortalRequest): Promise<Array<{ id: string; email?: string; firstName?: string; lastName?: string }>> {
  const owners: Array<{ id: string; email?: string; firstName?: string; lastName?: string }> = [];
  let after: string | undefined;
  do {
    const response = await request<{
      results?: Array<{ id: string | number; email?: string; firstName?: string; lastName?: string }>;
      paging?: { next?: { after?: string } };
    }>('owners.list', { method: 'GET', path: '/crm/v3/owners', qs: { limit: 100, after, archived: false } });
    for (const o of response.body?.results ?? []) {
      owners.push({
        id: String(o.id),
        ...(o.email ? { email: o.email } : {}),
        ...(o.firstName ? { firstName: o.firstName } : {}),
        ...(o.lastName ? { lastName: o.lastName } : {}),
      });
    }
    after = response.body?.paging?.next?.after;
  } while (after);
  return owners;
}
