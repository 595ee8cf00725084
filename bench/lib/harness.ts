// Shared pieces of the benchmarks and the multi-instance test: the app as a CHILD PROCESS (so its memory and its
// event loop are its own, and it can be killed), the HubSpot stand-in in the calling process, the OAuth install,
// /metrics scraping and PostgreSQL scratch databases. Only 127.0.0.1; no machine paths.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { APP_NODE_FLAGS } from '../../src/node-flags.ts';
import { type StandIn, type StandInOptions, startStandIn } from '../../standin/index.ts';

export const APP = { clientId: 'bench-client-id', clientSecret: 'bench-secret-abcdefgh', appId: '777' } as const;
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
/** The compiled app (`npm run build`), what `npm start` runs. */
export const DIST_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export const DEFAULT_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const DEFAULT_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A free TCP port on 127.0.0.1 (closed again; the app binds it a moment later). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, options: { timeoutMs: number; intervalMs?: number; what: string }): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}`);
    await sleep(options.intervalMs ?? 200);
  }
}

export async function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `${prefix}-`));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export interface AppProcess {
  url: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** Current and peak resident memory of the app process, MiB (Linux /proc; undefined elsewhere). */
  memory(): Promise<{ rssMiB: number; peakMiB: number } | undefined>;
  /** The last lines the app wrote (stdout and stderr), for diagnostics. */
  output(): string;
  /** SIGTERM (graceful drain) or SIGKILL; resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  exited: Promise<number | null>;
}

/** The environment of one app instance talking to the stand-in. */
export function appEnv(options: { port: number; standIn: StandIn; dataDir?: string; extra?: Record<string, string | undefined> }): Record<string, string> {
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'test',
    PORT: String(options.port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${options.port}`,
    HUBSPOT_CLIENT_ID: APP.clientId,
    HUBSPOT_CLIENT_SECRET: APP.clientSecret,
    HUBSPOT_APP_ID: APP.appId,
    HUBSPOT_API_BASE_URL: options.standIn.url,
    HUBSPOT_AUTH_BASE_URL: options.standIn.url,
    DATA_DIR: options.dataDir,
    LOG_LEVEL: 'warn',
    RESCORE_DELAY_MS: '200',
    ...options.extra,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/**
 * Starts the app as a child process with `env` (plus PATH/HOME only) and waits for /healthz: src/main.ts with type
 * stripping (default), or the compiled dist/main.js (`entry: 'dist'`, build it first).
 */
export async function spawnApp(
  env: Record<string, string>,
  options: { nodeArgs?: string[]; readyTimeoutMs?: number; entry?: 'source' | 'dist' } = {},
): Promise<AppProcess> {
  const port = Number(env.PORT);
  const entry = options.entry === 'dist' ? [DIST_MAIN] : ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', MAIN];
  const child = spawn(process.execPath, [...APP_NODE_FLAGS, ...(options.nodeArgs ?? []), ...entry], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(line);
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // BENCH_APP_LOG=file: also append everything the app writes to that file (debugging, --trace-gc, …).
  if (process.env.BENCH_APP_LOG) {
    const file = createWriteStream(process.env.BENCH_APP_LOG, { flags: 'a' });
    child.stdout?.pipe(file);
    child.stderr?.pipe(file);
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  await waitFor(
    async () => {
      if (dead) throw new Error(`app exited during start-up:\n${lines.slice(-30).join('\n')}`);
      try {
        const res = await fetch(`${url}/healthz`);
        return res.ok;
      } catch {
        return false;
      }
    },
    { timeoutMs: options.readyTimeoutMs ?? 30_000, intervalMs: 100, what: 'the app to answer /healthz' },
  );
  const pid = child.pid as number;
  return {
    url,
    port,
    pid,
    child,
    exited,
    async memory() {
      try {
        const status = await readFile(`/proc/${pid}/status`, 'utf8');
        const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
        return { rssMiB: kb('VmRSS') / 1024, peakMiB: kb('VmHWM') / 1024 };
      } catch {
        return undefined;
      }
    },
    output: () => lines.join('\n'),
    async stop(signal = 'SIGTERM') {
      if (dead) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function startBenchStandIn(options: Partial<StandInOptions> = {}): Promise<StandIn> {
  // Benchmarks read no deliveries; a million contacts' would fill the heap.
  return startStandIn({ app: { ...APP }, keptDeliveries: 1_000, ...options });
}

/** The OAuth install through the app, as an admin's browser would follow it. Resolves once the callback answered. */
export async function installViaOAuth(appUrl: string, portalId?: number): Promise<void> {
  let res = await fetch(`${appUrl}/oauth/install`, { redirect: 'manual' });
  let location = res.headers.get('location');
  if (!location) throw new Error(`install: no redirect from /oauth/install (${res.status})`);
  if (portalId !== undefined) {
    const u = new URL(location);
    u.searchParams.set('portal_id', String(portalId));
    location = u.toString();
  }
  res = await fetch(location, { redirect: 'manual' });
  location = res.headers.get('location');
  if (!location) throw new Error(`install: no redirect from the stand-in's authorize page (${res.status})`);
  res = await fetch(location, { redirect: 'manual' });
  if (res.status >= 400) throw new Error(`install: callback answered ${res.status}: ${await res.text()}`);
}

/** Prometheus text → (series with labels) → value. */
export async function scrapeMetrics(appUrl: string): Promise<Map<string, number>> {
  const res = await fetch(`${appUrl}/metrics`);
  const text = await res.text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    out.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return out;
}

/** Sum of a metric over the series whose labels include every `label="value"` given. */
export function metricSum(metrics: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const [series, value] of metrics) {
    const bare = series.split('{')[0];
    if (bare !== name) continue;
    if (Object.entries(labels).every(([k, v]) => series.includes(`${k}="${v}"`))) total += value;
  }
  return total;
}

/** Waits for the app's backfill of the portal to finish (bant_job_runs_total{job="backfill",outcome="ok"} ≥ 1). */
export async function waitForBackfill(appUrl: string, options: { timeoutMs: number; onProgress?: (m: Map<string, number>) => void }): Promise<Map<string, number>> {
  let lastReport = 0;
  return waitFor(
    async () => {
      const m = await scrapeMetrics(appUrl);
      if (options.onProgress && Date.now() - lastReport > 15_000) {
        lastReport = Date.now();
        options.onProgress(m);
      }
      if (metricSum(m, 'bant_job_runs_total', { job: 'backfill', outcome: 'failed' }) > 0) throw new Error('backfill failed (see the app log)');
      return metricSum(m, 'bant_job_runs_total', { job: 'backfill', outcome: 'ok' }) >= 1 ? m : undefined;
    },
    { timeoutMs: options.timeoutMs, intervalMs: 500, what: 'the backfill to finish' },
  );
}

/** A throw-away PostgreSQL database (the app's tables live in its `public` schema), dropped by `drop()`. */
export async function scratchDatabase(baseUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 3_000 });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 3_000 });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** True when PostgreSQL answers at `url` within 3 s. */
export async function postgresReachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

/** Hubspot stand-in requests of a portal that count against the 110 per 10 s (search excluded), since `since`. */
export function burstCalls(standIn: StandIn, portalId: number, since = 0): number {
  return standIn.countRequests({ portalId, rate: 'burst', since });
}

/** Requests of a portal since `since`, grouped by a short label (method + path with ids folded). */
export function callBreakdown(standIn: StandIn, portalId: number, since = 0): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of standIn.requests) {
    if (r.portalId !== portalId || r.time < since || r.rate === 'none') continue;
    // Property definitions keep their `/properties` prefix (as with the v3 paths): api-calls counts them as the install's.
    const path = r.path
      .replace(/\/\d+(?=\/|$)/g, '/{id}')
      .replace(/^\/crm\/properties\/2026-03/, '/properties')
      .replace(/^\/crm\/(v3|v4|objects\/2026-03)/, '');
    const key = `${r.method} ${path}${r.status === 429 ? ' (429)' : ''}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** `--quick` and `--name=value` / `--name value` flags of a benchmark script. */
export function parseArgs(argv = process.argv.slice(2)): { quick: boolean; get(name: string): string | undefined; num(name: string, fallback: number): number } {
  const get = (name: string) => {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === `--${name}`) return argv[i + 1];
      if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
    }
    return undefined;
  };
  return {
    quick: argv.includes('--quick'),
    get,
    num(name, fallback) {
      const v = get(name);
      return v === undefined ? fallback : Number(v);
    },
  };
}

/** One machine-readable result line per figure; bench/run-all.ts collects these for its summary table. */
export function reportResult(result: { bench: string; metric: string; value: number | string; unit?: string; aim?: string; ok?: boolean; note?: string }): void {
  console.log(`RESULT ${JSON.stringify(result)}`);
}

/** CPU seconds a process has used (user + system; Linux /proc, NaN elsewhere). */
export async function processCpuSeconds(pid: number): Promise<number> {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** The machine's CPU time so far, busy and all, in seconds over every core (Linux /proc/stat; NaN elsewhere). */
export async function machineCpuSeconds(): Promise<{ busy: number; total: number }> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.reduce((a, b) => a + b, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { busy: (total - idle) / 100, total: total / 100 };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}
