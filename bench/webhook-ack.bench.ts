// Acknowledgement latency of POST /webhooks/hubspot under load (issue 4): 200 deliveries per second of 100 events
// each (v3-signed, as HubSpot sends them), for ~20 s, against the real app as a CHILD PROCESS; this process is the
// load generator (and hosts the stand-in the app was installed from, which sees only the app's ~11 calls/s).
// Open loop: deliveries go out on a fixed schedule whether or not earlier ones were answered, so a slow app shows
// up as latency, not as a lower send rate. Latency = request sent → response complete, measured here (client side).
// Every event is a distinct propertyChange of a property the model reads, on the portal's contacts, so each one is
// remembered for de-duplication and enqueued (coalesced per contact) before the answer. Aim: p99 ≤ 25 ms.
// Run: scripts/with-node24 node --experimental-strip-types bench/webhook-ack.bench.ts [--quick] [--seconds S] [--rate R] [--store lowdb|postgres|both]
import { Agent, request } from 'node:http';
import { signV3 } from '../standin/index.ts';
import {
  APP,
  appEnv,
  DEFAULT_DATABASE_URL,
  freePort,
  installViaOAuth,
  makeTempDir,
  parseArgs,
  percentile,
  removeDir,
  reportResult,
  scratchDatabase,
  sleep,
  spawnApp,
  startBenchStandIn,
  waitForBackfill,
} from './lib/harness.ts';

const args = parseArgs();
const seconds = args.num('seconds', args.quick ? 8 : 20);
const warmupSeconds = args.num('warmup', 2);
const rate = args.num('rate', 200);
const eventsPerDelivery = args.num('events', 100);
const contactsInPortal = args.num('contacts', 1_000);
const storeArg = args.get('store') ?? 'both';
const stores = storeArg === 'both' ? ['lowdb', 'postgres'] : [storeArg];
/** Extra node flags for the app process, e.g. --app-node-args=--cpu-prof (for profiling; default none). */
const appNodeArgs = (args.get('app-node-args') ?? '').split(' ').filter(Boolean);
const PROPERTIES = ['jobtitle', 'hs_buying_role', 'company', 'lifecyclestage', 'hs_lead_status'];

interface Sample {
  latencyMs: number;
  status: number;
  /** How late the request left against its schedule (the generator's own lag). */
  lateMs: number;
}

async function measure(store: string): Promise<void> {
  const port = await freePort();
  // No webhook target: the stand-in's own (echo) deliveries would add load the generator does not control.
  const standIn = await startBenchStandIn({});
  const portal = standIn.createPortal({ contacts: contactsInPortal, seed: 5 });
  const contactIds = [...portal.contacts.keys()];
  const dataDir = await makeTempDir('bench-webhook-ack');
  const db = store === 'postgres' ? await scratchDatabase(DEFAULT_DATABASE_URL, 'bench_ack') : undefined;
  const app = await spawnApp(appEnv({ port, standIn, dataDir, extra: { DATABASE_URL: db?.url, RESCORE_DELAY_MS: '1000' } }), { nodeArgs: appNodeArgs });
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const url = `http://127.0.0.1:${port}/webhooks/hubspot`;
  let eventId = 1;
  let occurredAt = Date.now() - 60_000;

  const delivery = (): string => {
    const events = [];
    for (let i = 0; i < eventsPerDelivery; i++) {
      const id = eventId++;
      events.push({
        eventId: id,
        subscriptionId: 4_200_001,
        portalId: portal.id,
        appId: Number(APP.appId),
        occurredAt: occurredAt++,
        subscriptionType: 'contact.propertyChange',
        attemptNumber: 0,
        objectId: contactIds[id % contactIds.length],
        propertyName: PROPERTIES[id % PROPERTIES.length],
        propertyValue: `value ${id}`,
        changeSource: 'CRM_UI',
        sourceId: 'userId:9000000',
      });
    }
    return JSON.stringify(events);
  };

  const post = (body: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const timestamp = Date.now();
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
            'X-HubSpot-Signature-v3': signV3(APP.clientSecret, 'POST', url, body, timestamp),
            'X-HubSpot-Request-Timestamp': String(timestamp),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  /** Open-loop: the i-th delivery is due at start + i / rate. */
  const run = async (durationSeconds: number, record: boolean): Promise<{ samples: Sample[]; sent: number; seconds: number }> => {
    const samples: Sample[] = [];
    const pending: Array<Promise<void>> = [];
    const start = performance.now();
    const total = Math.round(durationSeconds * rate);
    let sent = 0;
    while (sent < total) {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - start) / 1000) * rate) + 1);
      while (sent < due) {
        const scheduled = start + (sent * 1000) / rate;
        const body = delivery();
        const t = performance.now();
        const lateMs = t - scheduled;
        pending.push(
          post(body).then(
            (status) => {
              if (record) samples.push({ latencyMs: performance.now() - t, status, lateMs });
            },
            () => {
              if (record) samples.push({ latencyMs: performance.now() - t, status: 0, lateMs });
            },
          ),
        );
        sent++;
      }
      await sleep(1);
    }
    await Promise.all(pending);
    return { samples, sent, seconds: (performance.now() - start) / 1000 };
  };

  let sampledPeak = 0;
  const sampler = setInterval(() => {
    void app.memory().then((m) => {
      if (m && m.rssMiB > sampledPeak) sampledPeak = m.rssMiB;
    });
  }, 500);
  try {
    await installViaOAuth(app.url, portal.id);
    await waitForBackfill(app.url, { timeoutMs: 10 * 60_000 });
    await run(warmupSeconds, false);
    const { samples, sent, seconds: took } = await run(seconds, true);
    const ok = samples.filter((s) => s.status === 200);
    const sorted = ok.map((s) => s.latencyMs).sort((a, b) => a - b);
    const late = samples.map((s) => s.lateMs).sort((a, b) => a - b);
    const p = (q: number) => percentile(sorted, q);
    console.log(
      `  [${store}] ${sent} deliveries × ${eventsPerDelivery} events in ${took.toFixed(1)} s (${(sent / took).toFixed(0)}/s offered; ${ok.length} answered 200, ${samples.length - ok.length} other)`,
    );
    console.log(
      `    ack latency ms: p50 ${p(50).toFixed(1)}  p95 ${p(95).toFixed(1)}  p99 ${p(99).toFixed(1)}  max ${p(100).toFixed(1)}   (aim p99 ≤ 25 ms: ${p(99) <= 25 ? 'met' : 'MISSED'})`,
    );
    console.log(`    generator lag behind schedule: p99 ${percentile(late, 99).toFixed(1)} ms, max ${percentile(late, 100).toFixed(1)} ms; app peak RSS ${sampledPeak.toFixed(0)} MiB`);
    const label = `webhook ack ${rate}/s × ${eventsPerDelivery} (${store})`;
    reportResult({ bench: label, metric: 'p50', value: Number(p(50).toFixed(1)), unit: 'ms' });
    reportResult({ bench: label, metric: 'p95', value: Number(p(95).toFixed(1)), unit: 'ms' });
    reportResult({ bench: label, metric: 'p99', value: Number(p(99).toFixed(1)), unit: 'ms', aim: '≤ 25 ms', ok: p(99) <= 25 });
    reportResult({ bench: label, metric: 'max', value: Number(p(100).toFixed(1)), unit: 'ms', note: `${samples.length - ok.length} non-200` });
  } finally {
    clearInterval(sampler);
    agent.destroy();
    await app.stop();
    await standIn.close();
    await removeDir(dataDir);
    await db?.drop();
  }
}

console.log(`webhook-ack: ${rate} deliveries/s × ${eventsPerDelivery} events, ${seconds} s measured after ${warmupSeconds} s warm-up, signed v3; app in a child process`);
for (const store of stores) await measure(store);
