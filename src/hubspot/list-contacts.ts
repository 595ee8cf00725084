// Paging through a portal: the list endpoint for everything (search stops at 10,000 results, docs/hubspot-platform.md §3.4),
// search for "modified since", split into time windows so no query passes that cap.
import type { ModifiedRecord, PortalOwner } from './portal-client.ts';
import type { PortalRequest } from './request.ts';
import { OWNERS_PATH, objectsPath } from './api-paths.ts';
import { listShape, searchShape } from './response-shapes.ts';

export const SEARCH_CAP = 10_000;
const SEARCH_PAGE = 200;

interface SearchResponse {
  total?: number;
  results?: Array<{ id: string; properties?: Record<string, string | null>; updatedAt?: string }>;
  paging?: { next?: { after?: string } };
}

/** GET /crm/objects/2026-03/contacts?limit&after (limit ≤100). */
export async function listContactIds(request: PortalRequest, after: string | undefined, limit: number): Promise<{ ids: string[]; after?: string }> {
  const response = await request<{ results?: Array<{ id: string }>; paging?: { next?: { after?: string } } }>('contacts.list', {
    method: 'GET',
    path: objectsPath('contacts'),
    qs: { limit: Math.max(1, Math.min(100, limit)), after, archived: false, properties: 'hs_object_id' },
    expect: listShape,
  });
  const next = response.body?.paging?.next?.after;
  return { ids: (response.body?.results ?? []).map((r) => String(r.id)), ...(next ? { after: next } : {}) };
}

type ModifiedObjectType = 'contacts' | 'companies' | 'deals';

/** Contacts keep `lastmodifieddate`; companies, like the other objects, have only `hs_lastmodifieddate`. */
const LAST_MODIFIED: Record<ModifiedObjectType, string> = { contacts: 'lastmodifieddate', companies: 'hs_lastmodifieddate', deals: 'hs_lastmodifieddate' };

function modifiedBetween(property: string, since: number, until: number, after: string | undefined, limit: number): Record<string, unknown> {
  return {
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
    limit,
    ...(after ? { after } : {}),
  };
}

/** The property's value (ISO, or epoch ms as filters take it), else the record's `updatedAt`; undefined when neither parses. */
function modifiedAtOf(result: NonNullable<SearchResponse['results']>[number], property: string): number | undefined {
  const raw = result.properties?.[property] ?? result.updatedAt;
  if (!raw) return undefined;
  const at = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  return Number.isFinite(at) ? at : undefined;
}

/** A record seen twice (modified while the pages were read) keeps its later time; no time at all means "read it". */
function addFound(found: Map<string, ModifiedRecord>, id: string, modifiedAt: number | undefined): void {
  const seen = found.get(id);
  const at = seen === undefined ? modifiedAt : seen.modifiedAt === undefined || modifiedAt === undefined ? undefined : Math.max(seen.modifiedAt, modifiedAt);
  found.set(id, at === undefined ? { id } : { id, modifiedAt: at });
}

/**
 * POST /crm/objects/2026-03/{type}/search on the last-modified property in [since, until), oldest first. The next page is
 * asked for from the last time seen (keyset), not by offset: a record modified while the pages are read leaves the
 * window, and an offset would then step over a record not yet seen. Records at that boundary time come again and
 * count once. Only a page whose records all share one time is passed by offset; a window over 10,000 is halved
 * (offsets stop at 10,000, docs/hubspot-platform.md §3.4).
 */
async function searchModified(request: PortalRequest, objectType: ModifiedObjectType, since: number, until: number): Promise<ModifiedRecord[]> {
  const property = LAST_MODIFIED[objectType];
  const found = new Map<string, ModifiedRecord>();
  const windows: Array<[number, number]> = [[since, until]];
  while (windows.length) {
    let [from, to] = windows.shift() as [number, number];
    if (to <= from) continue;
    let after: string | undefined;
    let first = true;
    for (;;) {
      const response = await request<SearchResponse>(`${objectType}.search`, {
        method: 'POST',
        path: objectsPath(objectType, '/search'),
        kind: 'search',
        body: modifiedBetween(property, from, to, after, SEARCH_PAGE),
        expect: searchShape,
      });
      const total = response.body?.total ?? 0;
      if (first && total > SEARCH_CAP && to - from > 1) {
        const mid = from + Math.floor((to - from) / 2);
        windows.unshift([from, mid], [mid, to]);
        break;
      }
      first = false;
      let last: number | undefined;
      for (const r of response.body?.results ?? []) {
        const at = modifiedAtOf(r, property);
        addFound(found, String(r.id), at);
        if (at !== undefined) last = at;
      }
      const next = response.body?.paging?.next?.after;
      if (next === undefined) break;
      if (last !== undefined && last > from) {
        from = last;
        after = undefined;
        continue;
      }
      after = next;
      if (Number(after) >= SEARCH_CAP) break;
    }
  }
  return [...found.values()];
}

/** Contacts whose `lastmodifieddate` is in [since, until), each with that time. */
export async function searchModifiedContacts(request: PortalRequest, since: number, until: number): Promise<ModifiedRecord[]> {
  return await searchModified(request, 'contacts', since, until);
}

/** Ids of the companies whose `hs_lastmodifieddate` is in [since, until). */
export async function searchModifiedCompanyIds(request: PortalRequest, since: number, until: number): Promise<string[]> {
  return (await searchModified(request, 'companies', since, until)).map((r) => r.id);
}

/** The companies whose `hs_lastmodifieddate` is in [since, until), with that time (to skip the app's own account writes). */
export async function searchModifiedCompanies(request: PortalRequest, since: number, until: number): Promise<ModifiedRecord[]> {
  return await searchModified(request, 'companies', since, until);
}

/** An approximate total: one search with limit 1 (`total` counts all matches). */
export async function countContacts(request: PortalRequest): Promise<number> {
  const response = await request<SearchResponse>('contacts.count', {
    method: 'POST',
    path: objectsPath('contacts', '/search'),
    kind: 'search',
    body: { filterGroups: [], properties: ['hs_object_id'], limit: 1 },
    expect: searchShape,
  });
  return response.body?.total ?? 0;
}

/** GET /crm/owners/2026-03 (paged, 100 per page), active owners only, with their teams (docs/hubspot-platform.md §4.5). */
export async function listOwners(request: PortalRequest): Promise<PortalOwner[]> {
  const owners: PortalOwner[] = [];
  let after: string | undefined;
  do {
    const response = await request<{
      results?: Array<{ id: string | number; email?: string; firstName?: string; lastName?: string; archived?: unknown; userId?: unknown; userIdIncludingInactive?: unknown; teams?: unknown }>;
      paging?: { next?: { after?: string } };
    }>('owners.list', { method: 'GET', path: OWNERS_PATH, qs: { limit: 100, after, archived: false }, expect: listShape });
    for (const o of response.body?.results ?? []) {
      // An owner whose user was deactivated keeps its id but loses `userId` (only userIdIncludingInactive remains).
      const deactivated = o.archived === true || ((o.userId === null || o.userId === undefined) && o.userIdIncludingInactive !== undefined && o.userIdIncludingInactive !== null);
      owners.push({
        id: String(o.id),
        ...(o.email ? { email: o.email } : {}),
        ...(o.firstName ? { firstName: o.firstName } : {}),
        ...(o.lastName ? { lastName: o.lastName } : {}),
        teams: teamsOf(o.id, o.teams),
        ...(deactivated ? { deactivated: true } : {}),
      });
    }
    after = response.body?.paging?.next?.after;
  } while (after);
  return owners;
}

/** An owner's teams; absent = none, anything but a list of `{id, name}` is a garbled answer. */
function teamsOf(ownerId: unknown, teams: unknown): PortalOwner['teams'] {
  if (teams === undefined || teams === null) return [];
  if (!Array.isArray(teams)) throw new Error(`HubSpot answered owner ${String(ownerId)} with teams that are not a list`);
  return teams.map((t: { id?: unknown; name?: unknown; primary?: unknown }) => {
    if ((typeof t?.id !== 'string' && typeof t?.id !== 'number') || typeof t.name !== 'string') throw new Error(`HubSpot answered a team of owner ${String(ownerId)} without id or name`);
    return { id: String(t.id), name: t.name, primary: t.primary === true };
  });
}

/** Ids of the deals whose `hs_lastmodifieddate` is in [since, until): a stage change the webhook missed. */
export async function searchModifiedDealIds(request: PortalRequest, since: number, until: number): Promise<string[]> {
  return (await searchModified(request, 'deals', since, until)).map((r) => r.id);
}
