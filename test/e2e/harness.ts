// Shared harness of the end-to-end tests: the real app (in this process through startApp, or as a child process
// running src/main.ts) with the real @hubspot/api-client, against the HubSpot stand-in over real HTTP on 127.0.0.1.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, type Logger } from '../../src/log.ts';
import { type RunningApp, startApp } from '../../src/main.ts';
import { APP_NODE_FLAGS } from '../../src/node-flags.ts';
import { type CreatePortalOptions, type CrmRecord, type Portal, type StandIn, type StandInOptions, signV1, signV3, startStandIn } from '../../standin/index.ts';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const APP = { clientId: 'e2e-client-id', clientSecret: 'e2e-client-secret-0123456789', appId: '777001' };

/** The section-3 output properties (docs/contract.md) and their allowed values (undefined: free text/number/datetime). */
export const OUTPUT_PROPERTIES: Record<string, { type: string; values?: string[] }> = {
  bant_fit_score: { type: 'number' },
  bant_fit_grade: { type: 'enumeration', values: ['A', 'B', 'C', 'D'] },
  bant_engagement_score: { type: 'number' },
  bant_engagement_tier: { type: 'enumeration', values: ['1', '2', '3', '4'] },
  bant_priority: { type: 'enumeration', values: ['A', 'B', 'C', 'D'].flatMap((g) => ['1', '2', '3', '4'].map((t) => `${g}${t}`)) },
  bant_budget: { type: 'enumeration', values: ['met', 'partial', 'not_met', 'unknown'] },
  bant_authority: { type: 'enumeration', values: ['met', 'partial', 'not_met', 'unknown'] },
  bant_need: { type: 'enumeration', values: ['met', 'partial', 'not_met', 'unknown'] },
  bant_timeline: { type: 'enumeration', values: ['met', 'partial', 'not_met', 'unknown'] },
  bant_criteria_met: { type: 'number' },
  bant_qualification: { type: 'enumeration', values: ['disqualified', 'nurture', 'mql', 'sql'] },
  bant_disqualify_reason: { type: 'enumeration', values: ['competitor', 'student', 'applicant', 'no_need', 'no_fit', 'other'] },
  bant_score_reasons: { type: 'string' },
  bant_scored_at: { type: 'datetime' },
  bant_model_version: { type: 'string' },
  bant_lifecycle_stage: { type: 'enumeration', values: ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead'] },
};

export const ANSWER_PROPERTIES: Record<string, string[]> = {
  bant_budget_answer: ['approved', 'planned', 'none'],
  bant_authority_answer: ['decision_maker', 'influencer', 'none'],
  bant_need_answer: ['acute', 'latent', 'none'],
  bant_timeline_answer: ['lt_3_months', '3_6_months', '6_12_months', 'gt_12_months'],
};

/** Answers that make any contact that is not disqualified an SQL under the default model. */
export const SQL_ANSWERS = {
  bant_budget_answer: 'approved',
  bant_authority_answer: 'decision_maker',
  bant_need_answer: 'acute',
  bant_timeline_answer: 'lt_3_months',
} as const;

/** A free TCP port on 127.0.0.1 (the app needs it before it starts: PUBLIC_BASE_URL names it). */
export async function freePort(): Promise<number> {
  return await new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export async function tempDir(prefix = 'bant-e2e-'): Promise<string> {
  return await mkdtemp(join(tmpdir(), prefix));
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Shown when the wait times out. */
  message?: string | (() => string);
}

/** Polls `check` until it returns a truthy value (returned), or throws after `timeoutMs`. */
export async function waitUntil<T>(check: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const intervalMs = options.intervalMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const message = typeof options.message === 'function' ? options.message() : (options.message ?? 'condition');
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The app's environment for a stand-in (OAuth mode unless `privateAppToken` is given). */
export function appEnv(options: {
  port: number;
  standIn: StandIn;
  dataDir: string;
  privateAppToken?: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  const base = `http://127.0.0.1:${options.port}`;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    PORT: String(options.port),
    PUBLIC_BASE_URL: base,
    HUBSPOT_CLIENT_SECRET: APP.clientSecret,
    HUBSPOT_API_BASE_URL: options.standIn.url,
    HUBSPOT_AUTH_BASE_URL: options.standIn.url,
    DATA_DIR: options.dataDir,
    LOG_LEVEL: 'warn',
    RESCORE_DELAY_MS: '100',
    // Scheduled jobs stay out of the way of the assertions (once a year, at New Year's midnight).
    CRON_RECONCILE: '0 0 1 1 *',
    CRON_DECAY: '0 0 1 1 *',
    CRON_TASKS: '0 0 1 1 *',
  };
  if (options.privateAppToken) env.HUBSPOT_PRIVATE_APP_TOKEN = options.privateAppToken;
  else {
    env.HUBSPOT_CLIENT_ID = APP.clientId;
    env.HUBSPOT_APP_ID = APP.appId;
  }
  return { ...env, ...options.extra };
}

/** Install through OAuth the way an admin's browser does: /oauth/install → HubSpot's authorize → /oauth/callback. */
export async function installViaOAuth(appUrl: string, portalId?: number): Promise<string> {
  let res = await fetch(`${appUrl}/oauth/install`, { redirect: 'manual' });
  if (res.status !== 302) throw new Error(`/oauth/install answered ${res.status}`);
  const authorize = new URL(res.headers.get('location') ?? '');
  if (portalId !== undefined) authorize.searchParams.set('portal_id', String(portalId));
  res = await fetch(authorize, { redirect: 'manual' });
  if (res.status !== 302) throw new Error(`the stand-in's authorize page answered ${res.status}: ${await res.text()}`);
  res = await fetch(res.headers.get('location') ?? '', { redirect: 'manual' });
  const page = await res.text();
  if (res.status !== 200) throw new Error(`/oauth/callback answered ${res.status}: ${page}`);
  return page;
}

/** The in-process app's log lines (info and up), kept in memory for failure messages. */
export function memoryLog(limit = 400): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = createLogger({
    level: 'info',
    write: (line) => {
      lines.push(line);
      if (lines.length > limit) lines.shift();
    },
  });
  return { log, lines };
}

export interface Env {
  standIn: StandIn;
  portal: Portal;
  port: number;
  dataDir: string;
  env: Record<string, string>;
  /** The in-process app (startEnv with `inProcess`); undefined when the test runs child processes. */
  app?: RunningApp;
  /** With `proxy`: the app's HubSpot requests with their bodies. */
  proxy?: RecordingProxy;
  /** The in-process app's recent log lines. */
  logLines: string[];
  close(): Promise<void>;
}

export interface EnvOptions {
  portal?: CreatePortalOptions;
  standIn?: Partial<StandInOptions>;
  /** Called with the portal before the app starts (e.g. set stages the install must keep). */
  beforeInstall?: (portal: Portal, standIn: StandIn) => void;
  /** Start the app in this process (default true). */
  inProcess?: boolean;
  /** Perform the OAuth install (default true; not in private-app mode). */
  install?: boolean;
  extraEnv?: Record<string, string>;
  log?: Logger;
  /** Route the app's HubSpot calls through a recording proxy (to assert request bodies). */
  proxy?: boolean;
}

/** A stand-in with one portal and (by default) the app in this process, installed through OAuth. */
export async function startEnv(options: EnvOptions = {}): Promise<Env> {
  // freePort's port is closed again before the app binds it: the stand-in (listening on port 0) or another test
  // worker may take it meanwhile. Then everything starts again on another port.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startEnvOnce(options);
    } catch (error) {
      if (attempt >= 5 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
}

async function startEnvOnce(options: EnvOptions): Promise<Env> {
  const port = await freePort();
  const dataDir = await tempDir();
  const standIn = await startStandIn({
    app: APP,
    webhookTargetUrl: `http://127.0.0.1:${port}/webhooks/hubspot`,
    deliveryDelayMs: 20,
    ...options.standIn,
  });
  const portal = standIn.createPortal({ contacts: 50, seed: 7, ...options.portal });
  options.beforeInstall?.(portal, standIn);
  const proxy = options.proxy ? await startRecordingProxy(standIn.url) : undefined;
  const env = appEnv({ port, standIn, dataDir, privateAppToken: options.portal?.privateAppToken, extra: options.extraEnv });
  if (proxy) env.HUBSPOT_API_BASE_URL = proxy.url;
  let app: RunningApp | undefined;
  const memory = memoryLog();
  if (options.inProcess ?? true) {
    try {
      app = await startApp({ env, log: options.log ?? memory.log });
    } catch (error) {
      await proxy?.close();
      await standIn.close();
      await rm(dataDir, { recursive: true, force: true });
      throw error;
    }
    if ((options.install ?? true) && !options.portal?.privateAppToken) await installViaOAuth(app.url, portal.id);
  }
  return {
    standIn,
    portal,
    port,
    dataDir,
    env,
    app,
    proxy,
    logLines: memory.lines,
    async close() {
      await app?.close();
      await proxy?.close();
      await standIn.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// ---------- a child process running the real server ----------

export interface ChildApp {
  child: ChildProcess;
  url: string;
  /** stdout + stderr so far (for failure messages). */
  output(): string;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
  kill(signal: NodeJS.Signals): Promise<number | string>;
}

/** Spawns `node --experimental-strip-types src/main.ts` (the current node: the tests run under Node 24) and waits for /healthz. */
export async function spawnApp(env: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<ChildApp> {
  const child = spawn(process.execPath, [...APP_NODE_FLAGS, '--experimental-strip-types', '--disable-warning=ExperimentalWarning', 'src/main.ts'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | string>((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit(code ?? signal ?? 'unknown'));
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  const url = `http://127.0.0.1:${env.PORT}`;
  await waitUntil(
    async () => {
      if (ended) throw new Error(`the app exited during start-up:\n${out}`);
      return (await fetch(`${url}/healthz`)).ok;
    },
    { timeoutMs: options.timeoutMs ?? 20_000, intervalMs: 50, message: () => `the app's /healthz\n${out}` },
  ).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    child,
    url,
    output: () => out,
    exited,
    async kill(signal) {
      if (!ended) child.kill(signal);
      return await exited;
    },
  };
}

// ---------- assertions on the portal ----------

export function contactsOf(portal: Portal): CrmRecord[] {
  return [...portal.live('contacts')];
}

/** Contacts without every section-3 output property (all of them are written; empty only for the disqualify reason). */
export function unscored(portal: Portal, modelVersion?: string): CrmRecord[] {
  return contactsOf(portal).filter((c) => {
    const v = (name: string) => portal.value('contacts', c, name);
    if (!v('bant_qualification') || !v('bant_scored_at') || !v('bant_priority')) return true;
    return modelVersion !== undefined && v('bant_model_version') !== modelVersion;
  });
}

export async function waitAllScored(portal: Portal, options: { modelVersion?: string; timeoutMs?: number; logLines?: string[] } = {}): Promise<void> {
  await waitUntil(() => unscored(portal, options.modelVersion).length === 0, {
    timeoutMs: options.timeoutMs ?? 30_000,
    message: () =>
      `every contact scored (${unscored(portal, options.modelVersion).length} of ${portal.count('contacts')} still unscored)` +
      (options.logLines ? `\napp log:\n${options.logLines.slice(-40).join('\n')}` : ''),
  });
}

/** The app's open tasks of a kind on a contact, found by the body's last line. */
export function appTasks(portal: Portal, contactId: number, kind?: string): CrmRecord[] {
  return portal.tasksOf(contactId).filter((t) => {
    const last = (t.props.hs_task_body ?? '').trim().split('\n').at(-1) ?? '';
    return last.startsWith('bant-task: ') && (kind === undefined || last === `bant-task: ${kind}`);
  });
}

export function taskKind(task: CrmRecord): string | undefined {
  const last = (task.props.hs_task_body ?? '').trim().split('\n').at(-1) ?? '';
  return last.startsWith('bant-task: ') ? last.slice('bant-task: '.length) : undefined;
}

/** Waits until the stand-in has delivered every webhook, the app's queue is empty, and the requests stop for `quietMs`. */
export async function waitQuiescent(standIn: StandIn, options: { quietMs?: number; timeoutMs?: number; metricsUrl?: string } = {}): Promise<void> {
  const quietMs = options.quietMs ?? 600;
  await waitUntil(
    async () => {
      await standIn.webhooksIdle();
      const before = standIn.requests.length;
      const deliveries = standIn.deliveries.length;
      await new Promise((r) => setTimeout(r, quietMs));
      if (options.metricsUrl) {
        const depth = await queueDepth(options.metricsUrl);
        if (depth !== 0) return false;
      }
      return standIn.requests.length === before && standIn.deliveries.length === deliveries;
    },
    { timeoutMs: options.timeoutMs ?? 20_000, intervalMs: 0, message: 'the app and the stand-in to go quiet' },
  );
}

/** bant_queue_depth from the app's /metrics. */
export async function queueDepth(appUrl: string): Promise<number> {
  const text = await (await fetch(`${appUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('bant_queue_depth'));
  return line ? Number(line.split(/\s+/).at(-1)) : Number.NaN;
}

/** Resends a recorded delivery as HubSpot would on a retry: the same body, a fresh timestamp and v3/v1 signatures. */
export async function redeliver(targetUrl: string, events: unknown[], clientSecret = APP.clientSecret): Promise<Response> {
  const body = JSON.stringify(events);
  const timestamp = Date.now();
  return await fetch(targetUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hubspot-signature-version': 'v1',
      'x-hubspot-signature': signV1(clientSecret, body),
      'x-hubspot-signature-v3': signV3(clientSecret, 'POST', targetUrl, body, timestamp),
      'x-hubspot-request-timestamp': String(timestamp),
    },
    body,
  });
}

// ---------- a recording proxy between the app and the stand-in (request bodies, which the stand-in does not keep) ----------

export interface ProxiedRequest {
  method: string;
  path: string;
  body: string;
  status: number;
}

export interface RecordingProxy {
  url: string;
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

/** Forwards every request to `targetUrl` unchanged and records method, path, body and status. */
export async function startRecordingProxy(targetUrl: string): Promise<RecordingProxy> {
  const requests: ProxiedRequest[] = [];
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined || ['host', 'connection', 'content-length', 'transfer-encoding'].includes(name)) continue;
        headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const method = req.method ?? 'GET';
      fetch(`${targetUrl}${req.url ?? '/'}`, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body, redirect: 'manual' })
        .then(async (answer) => {
          const text = Buffer.from(await answer.arrayBuffer());
          requests.push({ method, path: (req.url ?? '/').split('?')[0] ?? '/', body: body.toString('utf8'), status: answer.status });
          const out: Record<string, string> = {};
          answer.headers.forEach((value, name) => {
            if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(name)) out[name] = value;
          });
          res.writeHead(answer.status, out);
          res.end(text);
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', () => ready()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
