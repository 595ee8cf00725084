// Resident memory of the app process run from the sources with type stripping (`npm run start:source`, how `npm start`
// ran before the build) and from the compiled dist/ (`npm start`): idle after start-up, and the peak (VmHWM) through an
// OAuth install and the backfill of a small portal. Builds dist/ first. Sizes: `--contacts N` (default 2,000;
// --quick 500), the stand-in's limit raised so the run is about memory, not waiting.
import { spawnSync } from 'node:child_process';
import {
  appEnv,
  freePort,
  installViaOAuth,
  makeTempDir,
  REPO_ROOT,
  removeDir,
  reportResult,
  sleep,
  spawnApp,
  startBenchStandIn,
  waitForBackfill,
} from './lib/harness.ts';

const quick = process.argv.includes('--quick');
const contactsArg = process.argv.indexOf('--contacts');
const contacts = contactsArg > 0 ? Number(process.argv[contactsArg + 1]) : quick ? 500 : 2_000;
const PER_10S = 2_000;

async function measure(entry: 'source' | 'dist'): Promise<{ idleMiB: number; idlePeakMiB: number; peakMiB: number; afterMiB: number }> {
  const port = await freePort();
  const standIn = await startBenchStandIn({
    webhookTargetUrl: `http://127.0.0.1:${port}/webhooks/hubspot`,
    rateLimit: { perTenSeconds: PER_10S, searchPerSecond: 50 },
  });
  const portal = standIn.createPortal({ contacts, seed: 31 });
  const dataDir = await makeTempDir(`bench-memory-${entry}`);
  const app = await spawnApp(appEnv({ port, standIn, dataDir, extra: { HUBSPOT_RATE_LIMIT_PER_10S: String(PER_10S) } }), { entry });
  try {
    await sleep(5_000);
    const idle = await app.memory();
    await installViaOAuth(app.url, portal.id);
    await waitForBackfill(app.url, { timeoutMs: 10 * 60_000 });
    await sleep(2_000);
    const after = await app.memory();
    return { idleMiB: idle?.rssMiB ?? Number.NaN, idlePeakMiB: idle?.peakMiB ?? Number.NaN, peakMiB: after?.peakMiB ?? Number.NaN, afterMiB: after?.rssMiB ?? Number.NaN };
  } finally {
    await app.stop();
    await standIn.close();
    await removeDir(dataDir);
  }
}

const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
if (build.status !== 0) throw new Error('npm run build failed');
const figures = new Map<string, Awaited<ReturnType<typeof measure>>>();
for (const entry of ['source', 'dist'] as const) {
  const m = await measure(entry);
  figures.set(entry, m);
  console.log(`  ${entry}: idle RSS ${m.idleMiB.toFixed(1)} MiB (start-up peak ${m.idlePeakMiB.toFixed(1)}), peak through install + backfill of ${contacts} contacts ${m.peakMiB.toFixed(1)} MiB, RSS afterwards ${m.afterMiB.toFixed(1)} MiB`);
  reportResult({ bench: `app memory, ${entry === 'dist' ? 'dist/ (npm start)' : 'sources, type stripping'}`, metric: 'idle RSS MiB', value: Number(m.idleMiB.toFixed(1)) });
  reportResult({ bench: `app memory, ${entry === 'dist' ? 'dist/ (npm start)' : 'sources, type stripping'}`, metric: `peak RSS MiB, backfill of ${contacts}`, value: Number(m.peakMiB.toFixed(1)) });
}
const [source, dist] = [figures.get('source')!, figures.get('dist')!];
console.log(`app-memory: idle ${source.idleMiB.toFixed(1)} → ${dist.idleMiB.toFixed(1)} MiB, peak ${source.peakMiB.toFixed(1)} → ${dist.peakMiB.toFixed(1)} MiB (sources → dist)`);
