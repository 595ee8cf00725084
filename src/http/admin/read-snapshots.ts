// Pages through a portal's stored snapshots (the console never asks HubSpot for what the store already knows).
import type { Profile } from '../../scoring/types.ts';
import { SAMPLE_KEYS } from '../../store/sample-key.ts';
import type { ContactSnapshot, PortalId, Store } from '../../store/store.ts';

const PAGE_SIZE = 1000;

/**
 * Visits the pages `read` answers (keyset: after the last contact of the page before), at most `limit` snapshots; the
 * next page is read while this one is visited, so the store's time and the scoring overlap. Returns how many.
 */
async function visitPages(
  read: (after: string | null, size: number) => Promise<ContactSnapshot[]>,
  visit: (snapshot: ContactSnapshot) => void,
  limit: number,
): Promise<number> {
  let seen = 0;
  let want = Math.min(PAGE_SIZE, limit);
  let next = read(null, want);
  for (;;) {
    const page = await next;
    seen += page.length;
    const last = page.at(-1);
    const more = last !== undefined && page.length === want && seen < limit;
    if (more) {
      want = Math.min(PAGE_SIZE, limit - seen);
      next = read(last.contactId, want);
      // Handled when awaited; this keeps a failed read from counting as unhandled while a visit throws.
      next.catch(() => {});
    }
    for (const snapshot of page) visit(snapshot);
    if (!more) return seen;
  }
}

export async function forEachSnapshot(
  store: Store,
  portalId: PortalId,
  visit: (snapshot: ContactSnapshot) => void,
  options: { limit?: number } = {},
): Promise<number> {
  return visitPages((after, size) => store.listSnapshots(portalId, after, size), visit, options.limit ?? Number.POSITIVE_INFINITY);
}

/**
 * Pages through the snapshots whose sample key is below `below` (all of them at SAMPLE_KEYS); returns how many.
 * `withPage` reads what the visits need of each page's contacts (their open tasks, say) before they start.
 */
export async function forEachSampledSnapshot(
  store: Store,
  portalId: PortalId,
  below: number,
  visit: (snapshot: ContactSnapshot) => void,
  withPage: (page: ContactSnapshot[]) => Promise<void> = async () => {},
): Promise<number> {
  const read = (after: string | null, size: number) =>
    below >= SAMPLE_KEYS ? store.listSnapshots(portalId, after, size) : store.listSampledSnapshots(portalId, below, after, size);
  return visitPages(
    async (after, size) => {
      const page = await read(after, size);
      await withPage(page);
      return page;
    },
    visit,
    Number.POSITIVE_INFINITY,
  );
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
