// The stand-in's heap for a generated portal (issue 18): a portal that holds its records against one that computes
// contacts and engagements on demand (standin/computed-contacts.ts), and what reading a computed contact costs.
// Run: scripts/with-node24 node --experimental-strip-types bench/standin-memory.bench.ts [--quick] [--contacts N] [--held-contacts N]
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { generatePortal } from '../standin/generate-portal.ts';
import { Portal } from '../standin/portal.ts';
import { search } from '../standin/search.ts';
import { parseArgs, reportResult } from './lib/harness.ts';

const args = parseArgs();
const computedContacts = args.num('contacts', args.quick ? 100_000 : 1_000_000);
// Held portals need ~2.6 KB a contact: 100,000 shows the figure without a raised heap.
const heldContacts = args.num('held-contacts', args.quick ? 20_000 : 100_000);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfter(make: () => unknown): { bytes: number; seconds: number; kept: unknown } {
  gc();
  const before = process.memoryUsage().heapUsed;
  const start = performance.now();
  const kept = make();
  const seconds = (performance.now() - start) / 1000;
  gc();
  return { bytes: process.memoryUsage().heapUsed - before, seconds, kept };
}

function generate(contacts: number, lazy: boolean): Portal {
  const portal = new Portal({ portalId: 1, clock: () => Date.UTC(2026, 11, 1) });
  generatePortal(portal, { contacts, seed: 21, lazy });
  return portal;
}

const mib = (b: number) => (b / 2 ** 20).toFixed(0);
for (const [contacts, lazy] of [
  [heldContacts, false],
  [computedContacts, true],
] as const) {
  const { bytes, seconds, kept } = heapAfter(() => generate(contacts, lazy));
  const mode = lazy ? 'computed' : 'held';
  console.log(`${mode}, ${contacts} contacts: generated in ${seconds.toFixed(1)} s, heap ${mib(bytes)} MiB, ${(bytes / contacts).toFixed(0)} B a contact`);
  reportResult({ bench: 'standin-memory', metric: `heap per contact, ${mode}, ${contacts} contacts`, value: Math.round(bytes / contacts), unit: 'B' });
  if (!lazy) continue;
  const portal = kept as Portal;
  const ids = portal.idList('contacts');
  const reads = 20_000;
  let start = performance.now();
  for (let i = 0; i < reads; i++) portal.toJson('contacts', portal.get('contacts', ids[(i * 7919) % ids.length]!)!, ['email', 'hs_analytics_last_url']);
  const perRead = ((performance.now() - start) * 1000) / reads;
  start = performance.now();
  const since = String(Date.UTC(2026, 10, 24));
  const found = search(portal, 'contacts', { filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: since }] }], sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }], limit: 200 });
  const searchSeconds = (performance.now() - start) / 1000;
  console.log(`  a computed contact read: ${perRead.toFixed(1)} µs; a lastmodifieddate search over all: ${searchSeconds.toFixed(2)} s (${String(found.total)} found)`);
  reportResult({ bench: 'standin-memory', metric: 'computed contact read', value: Number(perRead.toFixed(1)), unit: 'µs' });
  reportResult({ bench: 'standin-memory', metric: `lastmodifieddate search, ${contacts} contacts`, value: Number(searchSeconds.toFixed(2)), unit: 's' });
}
