// Pages through a portal's stored snapshots (the console never asks HubSpot for what the store already knows).
import type { Profile } from '../../scoring/types.ts';
import { SAMPLE_KEYS } from '../../store/sample-key.ts';
import type { ContactSnapshot, PortalId, Store } from '../../store/store.ts';

const PAGE_SIZE = 1000;

export async function forEachSnapshot(
  store: Store,
  portalId: PortalId,
  visit: (snapshot: ContactSnapshot) => void,
  options: { limit?: number } = {},
): Promise<number> {
  let after: string | null = null;
  let seen = 0;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  while (seen < limit) {
    const want = Math.min(PAGE_SIZE, limit - seen);
    const page = await store.listSnapshots(portalId, after, want);
    for (const snapshot of page) visit(snapshot);
    seen += page.length;
    const last = page.at(-1);
    if (!last || page.length < want) break;
    after = last.contactId;
  }
  return seen;
}

/** Pages through the snapshots whose sample key is below `below` (all of them at SAMPLE_KEYS); returns how many. */
export async function forEachSampledSnapshot(store: Store, portalId: PortalId, below: number, visit: (snapshot: ContactSnapshot) => void): Promise<number> {
  if (below >= SAMPLE_KEYS) return forEachSnapshot(store, portalId, visit);
  let seen = 0;
  let next = store.listSampledSnapshots(portalId, below, null, PAGE_SIZE);
  for (;;) {
    const page = await next;
    const last = page.at(-1);
    const more = last !== undefined && page.length === PAGE_SIZE;
    // The next page is read while this one is scored: the store's time and the scoring overlap.
    if (more) {
      next = store.listSampledSnapshots(portalId, below, last.contactId, PAGE_SIZE);
      // Handled when awaited; this keeps a failed read from counting as unhandled while a visit throws.
      next.catch(() => {});
    }
    for (const snapshot of page) visit(snapshot);
    seen += page.length;
    if (!more) return seen;
  }
}

export function profileOf(snapshot: ContactSnapshot): Profile {
  return {
    properties: snapshot.properties,
    company: snapshot.companyProperties ? { properties: snapshot.companyProperties } : null,
    activities: snapshot.activities,
  };
}

/** The profile as it was at `atMs`: activities after it removed (properties are kept as they are now). */
export function profileAt(snapshot: ContactSnapshot, atMs: number): Profile {
  const profile = profileOf(snapshot);
  return { ...profile, activities: profile.activities.filter((a) => Date.parse(a.at) <= atMs) };
}
