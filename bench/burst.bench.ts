// A burst of 1,000 property changes on 100 contacts, made in the stand-in (simulate.updateContact, as a CRM user)
// so they reach the app as real signed webhook deliveries: how many rescorings the app performs and how many
// HubSpot API calls it spends on them. Issue 4: "at most 100 rescorings in a handful of batched API calls".
// The app runs as a child process with the default coalescing window (RESCORE_DELAY_MS 1,000 ms).
// Run: scripts/with-node24 node --experimental-strip-types bench/burst.bench.ts [--quick] [--store lowdb|postgres|both]
import {
  appEnv,
  burstCalls,
  callBreakdown,
  DEFAULT_DATABASE_URL,
  freePort,
  installViaOAuth,
  makeTempDir,
  metricSum,
  parseArgs,
  removeDir,
  reportResult,
  scrapeMetrics,
  scratchDatabase,
  sleep,
  spawnApp,
  startBenchStandIn,
  waitFor,
  waitForBackfill,
} from './lib/harness.ts';

const args = parseArgs();
const changes = args.num('changes', 1_000);
const contacts = args.num('contacts', 100);
const storeArg = args.get('store') ?? 'both';
const stores = storeArg === 'both' ? ['lowdb', 'postgres'] : [storeArg];
const TITLES = ['Head of IT', 'Geschäftsführer', 'Einkäufer', 'IT-Leiter', 'CTO', 'Marketing Manager', 'Werkstudent', 'CFO', 'Vorstand', 'Teamleiter'];

/** Rescorings so far and the queue depth, from the app's /metrics. */
async function appCounters(url: string): Promise<{ rescored: number; depth: number; events: number }> {
  const m = await scrapeMetrics(url);
  return {
    rescored: metricSum(m, 'bant_contacts_rescored_total') - metricSum(m, 'bant_contacts_rescored_total', { reason: 'backfill' }),
    depth: metricSum(m, 'bant_queue_depth'),
    events: metricSum(m, 'bant_webhook_events_total'),
  };
}

/** Quiet = queue empty and nothing rescored for `quietMs`. */
async function waitQuiet(url: string, quietMs: number, timeoutMs: number): Promise<void> {
  let last = -1;
  let since = Date.now();
  await waitFor(
    async () => {
      const c = await appCounters(url);
      if (c.rescored !== last || c.depth > 0) {
        last = c.rescored;
        since = Date.now();
      }
      return Date.now() - since >= quietMs;
    },
    { timeoutMs, intervalMs: 250, what: 'the app to go quiet' },
  );
}

for (const store of stores) {
  const port = await freePort();
  const standIn = await startBenchStandIn({ webhookTargetUrl: `http://127.0.0.1:${port}/webhooks/hubspot` });
  const portal = standIn.createPortal({ contacts: 400, seed: 3 });
  const dataDir = await makeTempDir('bench-burst');
  const db = store === 'postgres' ? await scratchDatabase(DEFAULT_DATABASE_URL, 'bench_burst') : undefined;
  const app = await spawnApp(appEnv({ port, standIn, dataDir, extra: { DATABASE_URL: db?.url, RESCORE_DELAY_MS: '1000' } }));
  try {
    await installViaOAuth(app.url, portal.id);
    await waitForBackfill(app.url, { timeoutMs: 10 * 60_000 });
    await standIn.webhooksIdle();
    await waitQuiet(app.url, 3_000, 120_000);
    const before = await appCounters(app.url);
    const deliveriesBefore = standIn.deliveries.length;
    const targets = [...portal.contacts.keys()].slice(0, contacts);
    const t0 = Date.now();
    for (let i = 0; i < changes; i++) {
      const contactId = targets[i % targets.length]!;
      standIn.simulate.updateContact(portal.id, contactId, { jobtitle: `${TITLES[Math.floor(i / targets.length) % TITLES.length]} ${i}` });
    }
    const madeIn = Date.now() - t0;
    await standIn.webhooksIdle();
    await sleep(1_500);
    await waitQuiet(app.url, 4_000, 120_000);
    await standIn.webhooksIdle();
    const after = await appCounters(app.url);
    const calls = burstCalls(standIn, portal.id, t0);
    const rescorings = after.rescored - before.rescored;
    const deliveries = standIn.deliveries.length - deliveriesBefore;
    console.log(`  [${store}] ${changes} property changes on ${targets.length} contacts made in ${madeIn} ms → ${deliveries} signed deliveries (incl. echoes of the app's own writes), ${after.events - before.events} events`);
    console.log(`    ${rescorings} rescorings (aim ≤ ${targets.length}), ${calls} HubSpot API calls: ${JSON.stringify(callBreakdown(standIn, portal.id, t0))}`);
    const label = `burst ${changes} changes / ${targets.length} contacts (${store})`;
    reportResult({ bench: label, metric: 'rescorings', value: rescorings, aim: `≤ ${targets.length}`, ok: rescorings <= targets.length });
    reportResult({ bench: label, metric: 'API calls', value: calls });
  } finally {
    await app.stop();
    await standIn.close();
    await removeDir(dataDir);
    await db?.drop();
  }
}
