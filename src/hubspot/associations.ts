// Associations v4 batch read (docs/hubspot-platform.md §4.3): up to 1,000 inputs per call (§3.5); a `paging.next.after` on a
// result means that object has more associations, fetched by sending the id again with `after`.
import type { PortalRequest } from './request.ts';
import { associationsPath } from './api-paths.ts';
import { associationsShape } from './response-shapes.ts';

export const ASSOCIATION_BATCH = 1000;

export interface AssociatedObject {
  id: string;
  typeIds: number[];
}

interface AssociationsResponse {
  results?: Array<{
    from: { id: string };
    to?: Array<{ toObjectId: string | number; associationTypes?: Array<{ typeId: number; category?: string }> }>;
    paging?: { next?: { after?: string } };
  }>;
}

export async function readAssociations(
  request: PortalRequest,
  fromType: string,
  toType: string,
  ids: string[],
  options: { maxPages?: number; onTruncated?: (ids: string[]) => void } = {},
): Promise<Map<string, AssociatedObject[]>> {
  const out = new Map<string, AssociatedObject[]>();
  let pending: Array<{ id: string; after?: string }> = [...new Set(ids)].map((id) => ({ id }));
  const maxPages = options.maxPages ?? 3;
  for (let page = 0; pending.length && page < maxPages; page++) {
    const next: Array<{ id: string; after: string }> = [];
    for (let i = 0; i < pending.length; i += ASSOCIATION_BATCH) {
      // POST /crm/associations/2026-03/{fromObjectType}/{toObjectType}/batch/read; ids without associations come back
      // as errors (207), which simply means "none".
      const response = await request<AssociationsResponse>(`associations.batchRead.${fromType}.${toType}`, {
        method: 'POST',
        path: associationsPath(fromType, toType, '/batch/read'),
        body: { inputs: pending.slice(i, i + ASSOCIATION_BATCH) },
        expect: associationsShape,
      });
      for (const r of response.body?.results ?? []) {
        const from = String(r.from.id);
        const list = out.get(from) ?? [];
        for (const t of r.to ?? []) list.push({ id: String(t.toObjectId), typeIds: (t.associationTypes ?? []).map((a) => a.typeId) });
        out.set(from, list);
        if (r.paging?.next?.after) next.push({ id: from, after: r.paging.next.after });
      }
    }
    pending = next;
  }
  if (pending.length) options.onTruncated?.(pending.map((p) => p.id));
  return out;
}
