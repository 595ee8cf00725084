// A contact's place in the what-if's sample: the first 28 bits of the MD5 of its id, the same in every store
// (PostgreSQL keeps it in a generated column). MD5 spreads any ids evenly, so the contacts whose key is below k are
// a uniform sample of k / 2^28 of them, wherever they sit in the id space; the first N ids would be the oldest contacts.
import { createHash } from 'node:crypto';

export const SAMPLE_KEYS = 2 ** 28;

export function sampleKeyOf(contactId: string): number {
  return Number.parseInt(createHash('md5').update(contactId, 'utf8').digest('hex').slice(0, 7), 16);
}

/** The key bound for a sample of about `wanted` of `total` contacts (all of them when wanted ≥ total). */
export function sampleBoundFor(wanted: number, total: number): number {
  if (total <= wanted) return SAMPLE_KEYS;
  return Math.ceil((SAMPLE_KEYS * wanted) / total);
}

const orders = new WeakMap<readonly string[], { ids: string[]; keys: number[] }>();

/** Ids sorted by (sample key, id), kept as long as the store keeps the same sorted id array. */
function sampleOrder(sortedIds: readonly string[]): { ids: string[]; keys: number[] } {
  let order = orders.get(sortedIds);
  if (!order) {
    const keyed = sortedIds.map((id) => ({ id, key: sampleKeyOf(id) })).sort((a, b) => a.key - b.key || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    order = { ids: keyed.map((k) => k.id), keys: keyed.map((k) => k.key) };
    orders.set(sortedIds, order);
  }
  return order;
}

/** For the embedded stores: a page of the sample, `limit` ids with key below `below` after `afterId`, in (key, id) order. */
export function sampledPage(sortedIds: readonly string[], below: number, afterId: string | null, limit: number): string[] {
  const { ids, keys } = sampleOrder(sortedIds);
  let low = 0;
  if (afterId !== null) {
    const afterKey = sampleKeyOf(afterId);
    let high = ids.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const key = keys[middle]!;
      if (key < afterKey || (key === afterKey && ids[middle]! <= afterId)) low = middle + 1;
      else high = middle;
    }
  }
  const page: string[] = [];
  for (let i = low; i < ids.length && page.length < limit && keys[i]! < below; i++) page.push(ids[i]!);
  return page;
}
