// Anonymous floods (issue 12, items 1 and 2) against the real app as a CHILD PROCESS on the embedded lowdb store,
// installed from the stand-in. This process generates the load and, all the while, sends signed webhook deliveries
// of the installed portal on a fixed schedule and times their acknowledgement (the floods run in a worker thread).
//   phase 1: 3,000 GET /oauth/install?returnTo=<15 KB> and 1,000 GET /admin/signin, over 32 connections
//   phase 2: 32 connections POST 1 MB of nested JSON without a cookie to the admin API, for 10 s
// Then a real install of a second portal is timed. Printed: the app's RSS growth (aim ≤ 64 MB), the data directory's
// size (≤ 10 MB), webhook ack p99 (≤ 250 ms) and failed deliveries (0) during the floods, the install time (≤ 3 s).
// Run: scripts/with-node24 node --experimental-strip-types bench/flood.ts [--quick] [--installs N] [--signins N] [--body-seconds S]
import { readdir, stat } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { FloodJob, FloodResult } from './lib/flood-worker.ts';
import { join } from 'node:path';
import { signV3 } from '../standin/index.ts';
import {
  APP,
  appEnv,
  freePort,
  installViaOAuth,
  makeTempDir,
  parseArgs,
  percentile,
  removeDir,
  reportResult,
  scrapeMetrics,
  sleep,
  spawnApp,
  startBenchStandIn,
  waitForBackfill,
} from './lib/harness.ts';

const args = parseArgs();
const installs = args.num('installs', args.quick ? 300 : 3_000);
const signins = args.num('signins', args.quick ? 100 : 1_000);
const bodySeconds = args.num('body-seconds', args.quick ? 3 : 10);
const connections = args.num('connections', 32);
const returnToBytes = args.num('return-to', 15_000);
const bodyBytes = args.num('body-bytes', 1024 * 1024);
/** Signed deliveries per second during the floods, each of `events` events. */
const webhookRate = args.num('webhook-rate', 20);
const eventsPerDelivery = args.num('events', 10);
/** Where the 1 MB bodies go: the admin API (default, no cookie), the webhook route (no signature), or both in turn. */
const bodyTarget = args.get('body-target') ?? 'admin';
/** Extra node flags for the app process, e.g. --app-node-args=--trace-gc (default none). */
const appNodeArgs = (args.get('app-node-args') ?? '').split(' ').filter(Boolean);
/** Also print the app's peak memory by kind (V8 heap, external, array buffers), from bench/lib/memory-trace.ts. */
const memoryBreakdown = process.argv.includes('--memory-breakdown');

const MiB = 1024 * 1024;

async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await directorySize(path) : (await stat(path)).size;
  }
  return total;
}

/** Runs one flood in a worker thread (bench/lib/flood-worker.ts) and resolves with what it counted. */
function flood(job: FloodJob): Promise<FloodResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./lib/flood-worker.ts', import.meta.url), { workerData: job });
    worker.once('message', (result: FloodResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`flood worker exited with ${code}`));
    });
  });
}

async function main(): Promise<void> {
  const standIn = await startBenchStandIn({});
  const portal = standIn.createPortal({ contacts: 200, seed: 12 });
  const later = standIn.createPortal({ contacts: 50, seed: 13 });
  const contactIds = [...portal.contacts.keys()];
  const dataDir = await makeTempDir('bench-flood');
  const port = await freePort();
  const traceArgs = memoryBreakdown ? [`--import=${new URL('./lib/memory-trace.ts', import.meta.url).pathname}`] : [];
  const app = await spawnApp(appEnv({ port, standIn, dataDir, extra: { RESCORE_DELAY_MS: '1000' } }), { nodeArgs: [...appNodeArgs, ...traceArgs] });
  let takeBaseline = false;
  const memoryPeaks = new Map<string, number>();
  const memoryAtBaseline = new Map<string, number>();
  if (memoryBreakdown) {
    app.child.stderr?.on('data', (chunk: Buffer) => {
      for (const match of chunk.toString('utf8').matchAll(/^MEMTRACE (\{.*\})$/gm)) {
        let sample: Record<string, number>;
        try {
          sample = JSON.parse(match[1] as string) as Record<string, number>;
        } catch {
          continue;
        }
        for (const [kind, mib] of Object.entries(sample)) {
          if (!memoryAtBaseline.has(kind)) continue;
          memoryPeaks.set(kind, Math.max(memoryPeaks.get(kind) ?? 0, mib));
        }
        if (memoryAtBaseline.size === 0 && takeBaseline) for (const [kind, mib] of Object.entries(sample)) memoryAtBaseline.set(kind, mib);
      }
    });
  }

  const webhookUrl = `${app.url}/webhooks/hubspot`;
  const webhookAgent = new Agent({ keepAlive: true, maxSockets: 64 });
  let eventId = 1;
  let occurredAt = Date.now() - 60_000;

  const deliver = (): Promise<{ ms: number; status: number }> => {
    const events = Array.from({ length: eventsPerDelivery }, () => {
      const id = eventId++;
      return {
        eventId: id,
        subscriptionId: 4_200_001,
        portalId: portal.id,
        appId: Number(APP.appId),
        occurredAt: occurredAt++,
        subscriptionType: 'contact.propertyChange',
        attemptNumber: 0,
        objectId: contactIds[id % contactIds.length],
        propertyName: 'jobtitle',
        propertyValue: `title ${id}`,
        changeSource: 'CRM_UI',
        sourceId: 'userId:9000000',
      };
    });
    const body = JSON.stringify(events);
    const timestamp = Date.now();
    const started = performance.now();
    return new Promise((resolve) => {
      const req = request(
        webhookUrl,
        {
          method: 'POST',
          agent: webhookAgent,
          // HubSpot gives up after 5 s (docs/hubspot-platform.md §1.4): a delivery without an answer by then failed.
          timeout: 5_000,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
            'X-HubSpot-Signature-v3': signV3(APP.clientSecret, 'POST', webhookUrl, body, timestamp),
            'X-HubSpot-Request-Timestamp': String(timestamp),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ ms: performance.now() - started, status: res.statusCode ?? 0 }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve({ ms: performance.now() - started, status: 0 }));
      req.end(body);
    });
  };

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  let peakRss = 0;
  const sampler = setInterval(() => {
    void app.memory().then((m) => {
      if (m && m.rssMiB > peakRss) peakRss = m.rssMiB;
    });
  }, 200);

  try {
    await installViaOAuth(app.url, portal.id);
    await waitForBackfill(app.url, { timeoutMs: 5 * 60_000 });
    // Let the backfill's rescoring settle before the baseline.
    await sleep(2_000);
    const baseline = (await app.memory())?.rssMiB ?? Number.NaN;
    takeBaseline = true;
    loopDelay.enable();
    peakRss = baseline;
    const dataBefore = await directorySize(dataDir);

    // Webhooks on a fixed schedule for as long as the floods run.
    const acks: Array<{ ms: number; status: number; phase: string }> = [];
    let phase = 'quiet';
    const inFlight: Array<Promise<void>> = [];
    let flooding = true;
    const webhooks = (async () => {
      const start = performance.now();
      let sent = 0;
      while (flooding) {
        const due = Math.floor(((performance.now() - start) / 1000) * webhookRate);
        while (sent < due) {
          const during = phase;
          inFlight.push(deliver().then((a) => void acks.push({ ...a, phase: during })));
          sent += 1;
        }
        await sleep(5);
      }
      await Promise.all(inFlight);
    })();

    // A few quiet seconds first: warms the webhook path and gives the latency without a flood.
    await sleep(args.num('quiet-seconds', 3) * 1000);
    const quietPeakRss = peakRss;
    phase = 'states';

    // Phase 1: OAuth states from anonymous requests.
    const returnTo = `/${'a'.repeat(returnToBytes - 1)}`;
    const jobs: string[] = [];
    for (let i = 0, signinsQueued = 0; i < installs + signins; i += 1) {
      // Sign-ins spread evenly over the install flood.
      const signin = signinsQueued < Math.floor(((i + 1) * signins) / (installs + signins));
      if (signin) signinsQueued += 1;
      jobs.push(signin ? `${app.url}/admin/signin` : `${app.url}/oauth/install?returnTo=${returnTo}`);
    }
    const states = await flood({ kind: 'states', urls: jobs, connections });
    const phase1Seconds = states.seconds;
    await sleep(300);
    const statesPeakRss = peakRss;

    // Phase 2: unauthenticated 1 MB nested JSON bodies to the admin API.
    phase = 'bodies';
    const bodyUrls = { admin: [`${app.url}/admin/api/model/what-if`], webhook: [webhookUrl], both: [`${app.url}/admin/api/model/what-if`, webhookUrl] }[bodyTarget];
    if (!bodyUrls) throw new Error(`--body-target must be admin, webhook or both, not ${bodyTarget}`);
    const bodies: FloodResult = { statuses: {}, sent: 0, seconds: 0 };
    for (const url of bodyUrls) {
      const part = await flood({ kind: 'bodies', url, seconds: bodySeconds, bytes: bodyBytes, connections });
      for (const [status, count] of Object.entries(part.statuses)) bodies.statuses[`${new URL(url).pathname} ${status}`] = count;
      bodies.sent += part.sent;
      bodies.seconds += part.seconds;
    }

    flooding = false;
    await webhooks;
    loopDelay.disable();
    const afterRss = (await app.memory())?.rssMiB ?? Number.NaN;
    // The app's own view: time from request to acknowledgement inside the app (histogram buckets, seconds).
    const serverSide = await scrapeMetrics(app.url);
    const ackBuckets = [...serverSide].filter(([series]) => series.startsWith('bant_webhook_ack_seconds_bucket')).map(([series, count]) => `${/le="([^"]+)"/.exec(series)?.[1]}:${count}`);
    const dataAfter = await directorySize(dataDir);

    const installStarted = performance.now();
    await installViaOAuth(app.url, later.id);
    const installSeconds = (performance.now() - installStarted) / 1000;

    const delivered = acks.filter((a) => a.phase !== 'quiet');
    const ok = delivered.filter((a) => a.status === 200);
    const failed = delivered.length - ok.length;
    const failedStatuses = delivered.filter((a) => a.status !== 200).map((a) => a.status);
    const sorted = ok.map((a) => a.ms).sort((a, b) => a - b);
    const p99 = percentile(sorted, 99);
    const growth = peakRss - baseline;
    const p99Of = (name: string) => percentile(acks.filter((a) => a.phase === name && a.status === 200).map((a) => a.ms).sort((a, b) => a - b), 99);
    console.log(`  phase 1: ${installs} installs with a ${returnToBytes}-byte returnTo and ${signins} sign-ins over ${connections} connections in ${phase1Seconds.toFixed(1)} s; answers ${JSON.stringify(states.statuses)}`);
    console.log(`  phase 2: ${bodies.sent} unauthenticated ${(bodyBytes / MiB).toFixed(0)} MiB nested-JSON bodies (${bodyTarget}) over ${connections} connections in ${bodies.seconds.toFixed(1)} s; answers ${JSON.stringify(bodies.statuses)}`);
    console.log(`  app RSS: ${baseline.toFixed(0)} MiB before, peak ${peakRss.toFixed(0)} MiB (+${growth.toFixed(1)}), ${afterRss.toFixed(0)} MiB after  (aim growth ≤ 64 MB: ${growth * 1.048576 <= 64 ? 'met' : 'MISSED'})`);
    console.log(`  data directory: ${(dataBefore / MiB).toFixed(2)} MiB before, ${(dataAfter / MiB).toFixed(2)} MiB after  (aim ≤ 10 MB: ${dataAfter <= 10_000_000 ? 'met' : 'MISSED'})`);
    console.log(
      `  webhook acks during the floods: ${delivered.length} deliveries, ${failed} failed; ms p50 ${percentile(sorted, 50).toFixed(1)}  p99 ${p99.toFixed(1)}  max ${percentile(sorted, 100).toFixed(1)}  (aim p99 ≤ 250 ms, 0 failed: ${p99 <= 250 && failed === 0 ? 'met' : 'MISSED'})`,
    );
    if (failed > 0) console.log(`    failed deliveries by status (0 = no answer within 5 s or a connection error): ${failedStatuses.join(', ')}`);
    console.log(`    inside the app, acknowledgements by bucket (le seconds: count, since start): ${ackBuckets.join(' ')}`);
    console.log(`    peak RSS ${quietPeakRss.toFixed(0)} MiB before the floods, ${statesPeakRss.toFixed(0)} MiB after the state flood`);
    console.log(`    by phase: p99 ${p99Of('quiet').toFixed(1)} ms before the floods, ${p99Of('states').toFixed(1)} ms during the state flood, ${p99Of('bodies').toFixed(1)} ms during the bodies; the timing loop's own event-loop delay p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms`);
    if (memoryBreakdown) {
      const kinds = [...memoryAtBaseline.keys()].map((kind) => `${kind} ${memoryAtBaseline.get(kind)?.toFixed(0)} → peak ${memoryPeaks.get(kind)?.toFixed(0)}`);
      console.log(`    app memory by kind, MiB (process.memoryUsage, baseline → peak of 100 ms samples): ${kinds.join(', ')}`);
    }
    console.log(`  a real install right after: ${installSeconds.toFixed(2)} s  (aim ≤ 3 s: ${installSeconds <= 3 ? 'met' : 'MISSED'})`);
    const bench = `flood ${installs}+${signins} states, ${bodySeconds} s of 1 MB bodies (lowdb)`;
    reportResult({ bench, metric: 'app RSS growth', value: Number((growth * 1.048576).toFixed(1)), unit: 'MB', aim: '≤ 64 MB', ok: growth * 1.048576 <= 64, note: `peak ${peakRss.toFixed(0)} MiB` });
    reportResult({ bench, metric: 'data directory', value: Number((dataAfter / 1e6).toFixed(2)), unit: 'MB', aim: '≤ 10 MB', ok: dataAfter <= 10_000_000 });
    reportResult({ bench, metric: 'webhook ack p99', value: Number(p99.toFixed(1)), unit: 'ms', aim: '≤ 250 ms', ok: p99 <= 250, note: `${delivered.length} deliveries; ${p99Of('quiet').toFixed(0)} ms without a flood` });
    reportResult({ bench, metric: 'failed deliveries', value: failed, aim: '0', ok: failed === 0 });
    reportResult({ bench, metric: 'install after', value: Number(installSeconds.toFixed(2)), unit: 's', aim: '≤ 3 s', ok: installSeconds <= 3 });
  } finally {
    clearInterval(sampler);
    webhookAgent.destroy();
    await app.stop();
    await standIn.close();
    await removeDir(dataDir);
  }
}

console.log(`flood: ${installs} installs (returnTo ${returnToBytes} bytes) + ${signins} sign-ins, then ${bodySeconds} s of ${bodyBytes}-byte bodies, ${connections} connections; webhooks ${webhookRate}/s × ${eventsPerDelivery} events meanwhile`);
await main();
