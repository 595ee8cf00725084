// The daily decay pass (src/jobs/decay.ts) over N stored contacts, on the lowdb and the PostgreSQL store: the same
// as bench/decay.bench.ts (which uses the in-memory store), but with the store's real reads and writes of snapshots.
// The fake HubSpot counts calls: decay must read no contact from HubSpot. Snapshots are written as yesterday's
// results, so only contacts whose score decays across a band are written.
// Run: scripts/with-node24 node --experimental-strip-types bench/decay-store.bench.ts [--quick] [--contacts N] [--store lowdb|postgres|both]
import { readFileSync } from 'node:fs';
import { runDecay } from '../src/jobs/decay.ts';
import { parseModel, score } from '../src/scoring/index.ts';
import { ACTIVITY_TYPES, type Activity } from '../src/scoring/types.ts';
import { openLowdbStore } from '../src/store/lowdb-store.ts';
import { openPostgresStore } from '../src/store/postgres-store.ts';
import type { ContactSnapshot, Store } from '../src/store/store.ts';
import { createJobHarness, PORTAL } from '../test/jobs/job-fixtures.ts';
import { DEFAULT_DATABASE_URL, makeTempDir, parseArgs, postgresReachable, removeDir, reportResult, scratchDatabase } from './lib/harness.ts';

const args = parseArgs();
const count = args.num('contacts', args.quick ? 20_000 : 100_000);
const storeArg = args.get('store') ?? 'both';
const stores = storeArg === 'both' ? ['lowdb', 'postgres'] : [storeArg];

const parsed = parseModel(JSON.parse(readFileSync(new URL('../config/scoring-model.json', import.meta.url), 'utf8')));
if (!parsed.ok) throw new Error('default model invalid');
const model = parsed.model;
const DAY = 86_400_000;
const NOW = Date.parse('2026-11-23T03:30:00Z');
const YESTERDAY = NOW - DAY;
const TITLES = ['Geschäftsführer', 'Head of IT', 'Marketing Manager', 'Einkäufer', 'CEO', 'Werkstudent', ''];
const INDUSTRIES = ['MACHINERY', 'COMPUTER_SOFTWARE', 'RETAIL', 'MANAGEMENT_CONSULTING', ''];
const URLS = ['https://example.com/pricing', 'https://example.com/produkte/x', 'https://example.com/blog/post', undefined];

function* snapshots(n: number): Generator<ContactSnapshot[]> {
  let seed = 7;
  const next = (k: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % k;
  };
  let batch: ContactSnapshot[] = [];
  for (let i = 0; i < n; i++) {
    const activities: Activity[] = Array.from({ length: 1 + next(12) }, () => {
      const a: Activity = { type: ACTIVITY_TYPES[next(ACTIVITY_TYPES.length)]!, at: new Date(YESTERDAY - next(240) * DAY - next(DAY)).toISOString() };
      const url = URLS[next(URLS.length)];
      if (url) a.url = url;
      return a;
    });
    const properties = { email: `person${i}@firma${i % 997}.de`, firstname: 'Max', lastname: `Muster${i}`, jobtitle: TITLES[next(TITLES.length)]!, hs_buying_role: next(3) === 0 ? 'DECISION_MAKER' : '' };
    const companyProperties = { name: `Firma ${i % 997}`, numberofemployees: String(next(20_000)), industry: INDUSTRIES[next(INDUSTRIES.length)]! };
    const result = score({ properties, company: { properties: companyProperties }, activities }, model, YESTERDAY);
    batch.push({
      portalId: PORTAL,
      contactId: String(100_000_000 + i),
      properties,
      companyProperties,
      activities,
      ownerId: String(500 + (i % 40)),
      written: { ...result.properties, lifecyclestage: result.lifecycleStage },
      scoredAt: result.scoredAt,
      modelVersion: result.modelVersion,
    });
    if (batch.length === 1_000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

for (const kind of stores) {
  let store: Store;
  let cleanup: () => Promise<void>;
  if (kind === 'postgres') {
    if (!(await postgresReachable(DEFAULT_DATABASE_URL))) {
      console.log(`decay (${kind}): SKIPPED, PostgreSQL not reachable at ${DEFAULT_DATABASE_URL}`);
      continue;
    }
    const db = await scratchDatabase(DEFAULT_DATABASE_URL, 'bench_decay');
    store = await openPostgresStore(db.url);
    cleanup = async () => {
      await store.close();
      await db.drop();
    };
  } else {
    const dir = await makeTempDir('bench-decay');
    store = await openLowdbStore(dir);
    cleanup = async () => {
      await store.close();
      await removeDir(dir);
    };
  }
  try {
    const h = await createJobHarness({ model, now: NOW, store });
    const loadStart = performance.now();
    for (const batch of snapshots(count)) await store.putSnapshots(batch);
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const start = performance.now();
    const outcome = await runDecay(h.ctx, PORTAL);
    const seconds = (performance.now() - start) / 1000;
    if (!outcome.ran) throw new Error('decay did not run');
    const calls = h.client.calls;
    const reads = ['readContacts', 'listContactIds', 'searchModifiedContactIds', 'countContacts', 'associatedContactIds'].reduce((sum, name) => sum + (calls[name] ?? 0), 0);
    const written = h.metrics.sum('bant_contacts_written_total');
    console.log(`decay (${kind}): ${count} contacts in ${seconds.toFixed(1)} s (${Math.round(count / seconds)}/s), ${reads} HubSpot reads, ${written} contacts written in ${calls.writeContacts ?? 0} batch calls (loading the snapshots took ${loadSeconds.toFixed(1)} s)`);
    reportResult({ bench: `decay ${count} contacts (${kind})`, metric: 'time', value: Number(seconds.toFixed(1)), unit: 's', note: `${Math.round(count / seconds)}/s, ${written} written` });
    reportResult({ bench: `decay ${count} contacts (${kind})`, metric: 'HubSpot reads', value: reads, aim: '0', ok: reads === 0 });
  } finally {
    await cleanup();
  }
}
