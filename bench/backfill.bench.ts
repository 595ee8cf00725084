// Backfill of a portal through the real app (a child process) against the HubSpot stand-in.
//
// Per store, and the output says which run is which:
//  1. AT HUBSPOT'S LIMIT (110 requests per rolling 10 s on both sides): N contacts (default 100,000, about 18 minutes
//     per store; --quick 2,000). Wall time against the rate-limit lower bound = calls made ÷ 11 per second (aim:
//     within 1.2×), and the app process's peak memory (VmHWM from /proc, aim ≤ 300 MB).
//  2. RAISED LIMIT, memory only, when asked (--memory-contacts N; --quick: 20,000): HUBSPOT_RATE_LIMIT_PER_10S and the
//     stand-in's rateLimit both raised, so a large portal goes through in minutes. The app's peak memory when it works
//     flat out, the worst case for the heap; its wall time says nothing about HubSpot's limit.
// Run: scripts/with-node24 node --experimental-strip-types bench/backfill.bench.ts [--quick] [--contacts N] [--memory-contacts N]
//      [--raised-limit PER_10S] [--store lowdb|postgres|both] [--skip-limit]
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
  scratchDatabase,
  spawnApp,
  startBenchStandIn,
  waitForBackfill,
} from './lib/harness.ts';

const args = parseArgs();
const limitContacts = args.num('contacts', args.quick ? 2_000 : 100_000);
const memoryContacts = args.num('memory-contacts', args.quick ? 20_000 : 0);
const raisedLimit = args.num('raised-limit', 3_000);
const storeArg = args.get('store') ?? 'both';
const stores = storeArg === 'both' ? ['lowdb', 'postgres'] : [storeArg];
const MB = 1024 * 1024;
/** Extra node flags for the app process, e.g. --app-node-args=--max-old-space-size=200 (default: none). */
const appNodeArgs = (args.get('app-node-args') ?? '').split(' ').filter(Boolean);

interface Run {
  contacts: number;
  seconds: number;
  calls: number;
  rescored: number;
  peakMiB: number;
  sampledPeakMiB: number;
  maxWindow: number;
  throttled: number;
  breakdown: Record<string, number>;
}

async function runBackfill(options: { contacts: number; perTenSeconds: number; store: string }): Promise<Run> {
  const port = await freePort();
  const standIn = await startBenchStandIn({
    webhookTargetUrl: `http://127.0.0.1:${port}/webhooks/hubspot`,
    rateLimit: { perTenSeconds: options.perTenSeconds, searchPerSecond: 5 },
  });
  const genStart = performance.now();
  const portal = standIn.createPortal({ contacts: options.contacts, seed: 21 });
  const genSeconds = (performance.now() - genStart) / 1000;
  const dataDir = await makeTempDir('bench-backfill');
  const db = options.store === 'postgres' ? await scratchDatabase(DEFAULT_DATABASE_URL, 'bench_backfill') : undefined;
  const app = await spawnApp(appEnv({ port, standIn, dataDir, extra: { DATABASE_URL: db?.url, HUBSPOT_RATE_LIMIT_PER_10S: String(options.perTenSeconds) } }), { nodeArgs: appNodeArgs });
  let sampledPeak = 0;
  const sampler = setInterval(() => {
    void app.memory().then((m) => {
      if (m && m.rssMiB > sampledPeak) sampledPeak = m.rssMiB;
    });
  }, 250);
  try {
    console.log(`    portal generated in ${genSeconds.toFixed(1)} s; app pid ${app.pid}, store ${options.store}, limit ${options.perTenSeconds}/10 s on both sides`);
    const t0 = Date.now();
    await installViaOAuth(app.url, portal.id);
    const metrics = await waitForBackfill(app.url, {
      timeoutMs: 60 * 60_000,
      onProgress: (m) => {
        const done = metricSum(m, 'bant_job_items_done', { job: 'backfill' });
        console.log(`    … ${done} / ${options.contacts} contacts after ${((Date.now() - t0) / 1000).toFixed(0)} s, ${burstCalls(standIn, portal.id, t0)} calls`);
      },
    });
    const seconds = (Date.now() - t0) / 1000;
    const memory = await app.memory();
    return {
      contacts: options.contacts,
      seconds,
      calls: burstCalls(standIn, portal.id, t0),
      rescored: metricSum(metrics, 'bant_contacts_rescored_total', { reason: 'backfill' }),
      peakMiB: memory?.peakMiB ?? Number.NaN,
      sampledPeakMiB: Math.max(sampledPeak, memory?.rssMiB ?? 0),
      maxWindow: standIn.maxRequestsInWindow(portal.id, 10_000),
      breakdown: callBreakdown(standIn, portal.id, t0),
      throttled: standIn.countRequests({ portalId: portal.id, status: 429 }),
    };
  } finally {
    clearInterval(sampler);
    await app.stop();
    await standIn.close();
    await removeDir(dataDir);
    await db?.drop();
  }
}

console.log(`backfill: machine ${(await import('node:os')).cpus().length} cores, ${Math.round((await import('node:os')).totalmem() / 1024 / MB)} GiB; other processes may share it`);
for (const store of stores) {
  if (!args.get('skip-limit') && !process.argv.includes('--skip-limit')) {
    console.log(`  [${store}] 1. AT HUBSPOT'S LIMIT (110 per 10 s): ${limitContacts} contacts`);
    const r = await runBackfill({ contacts: limitContacts, perTenSeconds: 110, store });
    const lowerBound = r.calls / 11;
    const ratio = r.seconds / lowerBound;
    const perContact = r.calls / r.rescored;
    const memoryOk = r.peakMiB * MB <= 300e6;
    console.log(`    ${r.rescored} contacts in ${r.seconds.toFixed(1)} s with ${r.calls} calls (${perContact.toFixed(3)} per contact)`);
    console.log(`    lower bound ${r.calls} ÷ 11/s = ${lowerBound.toFixed(1)} s → ${ratio.toFixed(3)}× the bound (aim ≤ 1.2×: ${ratio <= 1.2 ? 'met' : 'MISSED'})`);
    console.log(`    stand-in: max ${r.maxWindow} requests in a 10 s window, ${r.throttled} × 429`);
    console.log(`    by endpoint: ${JSON.stringify(r.breakdown)}`);
    console.log(`    app peak memory: VmHWM ${r.peakMiB.toFixed(0)} MiB (sampled RSS max ${r.sampledPeakMiB.toFixed(0)} MiB) (aim ≤ 300 MB: ${memoryOk ? 'met' : 'MISSED'})`);
    const label = `backfill at 110/10 s (${store})`;
    const note = `${r.rescored} contacts, ${r.seconds.toFixed(0)} s, ${r.calls} calls`;
    reportResult({ bench: label, metric: 'wall ÷ rate-limit bound', value: Number(ratio.toFixed(3)), aim: '≤ 1.2', ok: ratio <= 1.2, note });
    reportResult({ bench: label, metric: 'app peak RSS', value: Math.round(r.peakMiB), unit: 'MiB', aim: '≤ 300 MB', ok: memoryOk, note });
    reportResult({ bench: label, metric: 'max requests in 10 s', value: r.maxWindow, aim: '≤ 110', ok: r.maxWindow <= 110 });
  }
  if (memoryContacts > 0) {
    console.log(`  [${store}] 2. RAISED LIMIT (${raisedLimit} per 10 s on both sides; memory only, wall time not comparable): ${memoryContacts} contacts`);
    const r = await runBackfill({ contacts: memoryContacts, perTenSeconds: raisedLimit, store });
    console.log(`    ${r.rescored} contacts in ${r.seconds.toFixed(1)} s with ${r.calls} calls (${(r.calls / r.rescored).toFixed(3)} per contact)`);
    console.log(`    app peak memory: VmHWM ${r.peakMiB.toFixed(0)} MiB (sampled RSS max ${r.sampledPeakMiB.toFixed(0)} MiB) (aim ≤ 300 MB: ${r.peakMiB * MB <= 300e6 ? 'met' : 'MISSED'})`);
    const label = `backfill memory, raised limit (${store})`;
    reportResult({ bench: label, metric: 'app peak RSS', value: Math.round(r.peakMiB), unit: 'MiB', aim: '≤ 300 MB', ok: r.peakMiB * MB <= 300e6, note: `${r.rescored} contacts in ${r.seconds.toFixed(0)} s` });
  }
}
