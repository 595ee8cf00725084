// `npm run demo`: the app's main job on an embedded default, with no credentials, no services and nothing outside this
// machine. A local HubSpot stand-in with a seeded demo portal, the real app against it (embedded lowdb store in a
// temporary DATA_DIR), the OAuth install, the backfill, learning from the portal's outcomes (the active model's AUC
// before and after a calibrated model is proposed and activated), then simulated CRM activity every couple of seconds so the
// rescoring is visible, with a periodic summary. Ctrl-C stops everything and prints a final summary.
//
//   npm run demo -- [--contacts N] [--seconds N] [--interval MS] [--seed N] [--port N] [--data-dir DIR] [--reinstall]
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../src/log.ts';
import { type RunningApp, startApp } from '../src/main.ts';
import { type Portal, type StandIn, startStandIn } from '../standin/index.ts';
import { type Action, ActivitySimulator, contactName } from './activity.ts';
import { demonstrateCalibration } from './calibration-step.ts';
import { demonstrateReinstall } from './reinstall-step.ts';
import { checkTrust, describeTrust, taskKindOf } from './trust-check.ts';

const APP = { clientId: 'demo-client-id', clientSecret: 'demo-client-secret-not-a-real-one', appId: '1234567' };
const OUTCOMES = ['disqualified', 'nurture', 'mql', 'sql'] as const;
const TASK_KINDS = ['call_sql', 'qualify', 'follow_up', 'escalate'] as const;
/** The shipped model's per-rep daily task budget (config/scoring-model.json, tasks.dailyBudgetPerRep). */
const DAILY_BUDGET = 25;

interface Options {
  contacts: number;
  seconds: number | undefined;
  intervalMs: number;
  seed: number;
  port: number | undefined;
  dataDir: string | undefined;
  reinstall: boolean;
}

function usage(message: string): never {
  process.stderr.write(`${message}\nUsage: npm run demo -- [--contacts N] [--seconds N] [--interval MS] [--seed N] [--port N] [--data-dir DIR] [--reinstall]\n`);
  process.exit(2);
}

function readOptions(): Options {
  let values: Record<string, string | undefined>;
  let reinstall = false;
  try {
    const parsed = parseArgs({
      options: {
        contacts: { type: 'string' },
        seconds: { type: 'string' },
        interval: { type: 'string' },
        seed: { type: 'string' },
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        reinstall: { type: 'boolean' },
      },
      strict: true,
    });
    const { reinstall: flag, ...strings } = parsed.values;
    reinstall = flag === true;
    values = strings;
  } catch (error) {
    usage((error as Error).message);
  }
  const int = (name: string, min: number, max: number): number | undefined => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) usage(`--${name} expects a whole number from ${min} to ${max}, got "${raw}"`);
    return n;
  };
  return {
    contacts: int('contacts', 10, 100_000) ?? 800,
    seconds: int('seconds', 1, 86_400),
    intervalMs: int('interval', 100, 600_000) ?? 2_000,
    seed: int('seed', 0, 2 ** 31) ?? 2026,
    port: int('port', 1, 65_535),
    dataDir: values['data-dir'],
    reinstall,
  };
}

async function portFree(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function anyFreePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const clock = () => new Date().toTimeString().slice(0, 8);
const say = (line = '') => process.stdout.write(`${line}\n`);

/** The app's OAuth install, as the admin's browser does it: /oauth/install → HubSpot's authorize page → /oauth/callback. */
async function install(appUrl: string, portalId: number): Promise<string> {
  let res = await fetch(`${appUrl}/oauth/install`, { redirect: 'manual' });
  const authorize = new URL(res.headers.get('location') ?? '');
  authorize.searchParams.set('portal_id', String(portalId));
  res = await fetch(authorize, { redirect: 'manual' });
  res = await fetch(res.headers.get('location') ?? '', { redirect: 'manual' });
  const page = await res.text();
  if (res.status !== 200) throw new Error(`the install failed: ${res.status} ${page}`);
  return page;
}


function summary(standIn: StandIn, portal: Portal, startedAt: number, title: string): string {
  const contacts = [...portal.live('contacts')];
  const scored = contacts.filter((c) => c.props.bant_qualification);
  const outcomes = new Map<string, number>();
  for (const c of scored) outcomes.set(c.props.bant_qualification as string, (outcomes.get(c.props.bant_qualification as string) ?? 0) + 1);
  const tasks = new Map<string, number>();
  for (const t of portal.tasks.values()) {
    const kind = taskKindOf(t.props.hs_task_body);
    if (kind && !t.archived) tasks.set(kind, (tasks.get(kind) ?? 0) + 1);
  }
  const totalTasks = [...tasks.values()].reduce((a, b) => a + b, 0);
  const calls = standIn.requests.filter((r) => r.portalId === portal.id || r.path.startsWith('/oauth/'));
  const burst = standIn.maxRequestsInWindow(portal.id, 10_000);
  const delivered = standIn.deliveries.filter((d) => d.ok);
  const events = delivered.reduce((n, d) => n + d.events.length, 0);
  const seconds = Math.max(1, Math.round((Date.now() - startedAt) / 1000));
  const echoes = delivered.reduce((n, d) => n + d.events.filter((e) => e.changeSource === 'INTEGRATION' && String(e.sourceId) === APP.appId).length, 0);
  const pct = (n: number) => (scored.length ? `${Math.round((100 * n) / scored.length)}%` : '-');
  const lines = [
    `── ${title} (after ${seconds} s) ${'─'.repeat(Math.max(0, 60 - title.length))}`,
    `Contacts scored:   ${scored.length} of ${contacts.length}`,
    `Outcomes:          ${OUTCOMES.map((o) => `${o.toUpperCase()} ${outcomes.get(o) ?? 0} (${pct(outcomes.get(o) ?? 0)})`).join(' · ')}`,
    `Tasks created:     ${totalTasks}${totalTasks ? ` (${TASK_KINDS.filter((k) => tasks.get(k)).map((k) => `${k} ${tasks.get(k)}`).join(', ')})` : ''}`,
    `HubSpot API calls: ${calls.length} (busiest 10 s: ${burst} of 110 allowed; 429s: ${standIn.countRequests({ portalId: portal.id, status: 429 })})`,
    `Task trust:        ${describeTrust(checkTrust(portal), DAILY_BUDGET)}`,
    `Webhooks:          ${delivered.length} deliveries, ${events} events acknowledged (${echoes} of them echoes of the app's own writes, ignored)`,
  ];
  const rank = (q: string | undefined) => ['sql', 'mql', 'nurture'].indexOf(q ?? '');
  const examples = scored
    .filter((c) => c.props.bant_qualification !== 'disqualified')
    .sort(
      (a, b) =>
        rank(a.props.bant_qualification) - rank(b.props.bant_qualification) ||
        (a.props.bant_priority ?? 'Z9').localeCompare(b.props.bant_priority ?? 'Z9') ||
        Number(b.props.bant_fit_score) - Number(a.props.bant_fit_score),
    )
    .slice(0, 3);
  if (examples.length) {
    lines.push('Top contacts:');
    for (const c of examples) {
      const reasons = (c.props.bant_score_reasons ?? '').split('\n').filter(Boolean).slice(0, 2).join('; ');
      lines.push(`  ${c.props.bant_priority} ${c.props.bant_qualification?.toUpperCase().padEnd(7)} ${contactName(c)}`);
      if (reasons) lines.push(`     why: ${reasons}`);
    }
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const options = readOptions();
  const startedAt = Date.now();
  const port = options.port ?? ((await portFree(3000)) ? 3000 : await anyFreePort());
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'bant-demo-')));
  await mkdir(dataDir, { recursive: true });
  const logFile = join(dataDir, 'app.log');
  const logStream = createWriteStream(logFile, { flags: 'a' });

  say('BANT lead scoring: demo');
  say(`Starting a local HubSpot stand-in with a demo portal of ${options.contacts} contacts (seed ${options.seed}) …`);
  const standIn = await startStandIn({ app: APP, webhookTargetUrl: `http://127.0.0.1:${port}/webhooks/hubspot`, deliveryDelayMs: 100 });
  // With deals won and lost and sales feedback drawn from the stand-in world's hidden propensity.
  const portal = standIn.createPortal({ contacts: options.contacts, seed: options.seed, marketingEvents: 4, outcomes: { share: 1 } });
  let app: RunningApp | undefined;
  let timers: NodeJS.Timeout[] = [];
  let stopping: Promise<void> | undefined;
  /** Last look at the watched contacts before the final summary. */
  let onStop = () => {};

  const stop = (reason: string) => {
    stopping ??= (async () => {
      onStop();
      for (const t of timers) clearInterval(t);
      timers = [];
      say();
      say(`${reason}: stopping …`);
      say(summary(standIn, portal, startedAt, 'Final summary'));
      await app?.close();
      await standIn.close();
      await new Promise<void>((resolve) => logStream.end(() => resolve()));
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
      else say(`The app's data and log stay in ${dataDir}`);
      say('Stopped.');
    })();
    return stopping;
  };
  process.once('SIGINT', () => {
    stop('Ctrl-C').then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  process.once('SIGTERM', () => {
    stop('SIGTERM').then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });

  if (options.seconds !== undefined) {
    const seconds = options.seconds;
    setTimeout(() => {
      stop(`${seconds} s are up`).then(
        () => process.exit(0),
        () => process.exit(1),
      );
    }, seconds * 1000).unref();
  }

  app = await startApp({
    env: {
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      HUBSPOT_CLIENT_ID: APP.clientId,
      HUBSPOT_CLIENT_SECRET: APP.clientSecret,
      HUBSPOT_APP_ID: APP.appId,
      HUBSPOT_API_BASE_URL: standIn.url,
      HUBSPOT_AUTH_BASE_URL: standIn.url,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      RESCORE_DELAY_MS: '300',
    },
    log: createLogger({ level: 'info', write: (line) => logStream.write(`${line}\n`) }),
  });
  const appUrl = `http://127.0.0.1:${port}`;
  say(`The app runs at ${appUrl} (embedded store in ${dataDir}).`);
  say('Installing the app through OAuth …');
  await install(appUrl, portal.id);
  say(`Installed in demo portal ${portal.id}: the BANT properties were created, the backfill is scoring every contact.`);
  say();
  say('Where to look:');
  say(`  Admin console:  ${appUrl}/admin   (sign-in goes through the local stand-in, no account needed)`);
  say(`  Metrics:        ${appUrl}/metrics`);
  say(`  App log:        ${logFile}`);
  say(`  HubSpot stand-in API: ${standIn.url}`);
  say();

  // Backfill progress until every contact is scored.
  let last = -1;
  for (;;) {
    if (stopping) return;
    const scored = [...portal.live('contacts')].filter((c) => c.props.bant_qualification).length;
    if (scored !== last) say(`[${clock()}] Backfill: ${scored} of ${portal.count('contacts')} contacts scored`);
    last = scored;
    if (scored >= portal.count('contacts')) break;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  say();
  say(summary(standIn, portal, startedAt, 'After the backfill'));
  say();
  if (options.reinstall) {
    const queueEmpty = async () => {
      for (let tries = 0; tries < 240 && !stopping; tries++) {
        const metrics = await (await fetch(`${appUrl}/metrics`)).text();
        if (/^bant_queue_depth 0$/m.test(metrics)) return;
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    await demonstrateReinstall(appUrl, portal, say, { install: () => install(appUrl, portal.id), settle: async () => {
        await new Promise((r) => setTimeout(r, 1_000));
        await queueEmpty();
      },
    });
    say();
  }
  // Learning from outcomes runs beside the simulated activity; its lines appear as its steps finish.
  demonstrateCalibration(app, portal, say, () => stopping !== undefined).catch((error: unknown) => {
    if (!stopping) say(`  (learning from outcomes failed: ${(error as Error).message})`);
  });
  say(`Now simulating CRM activity every ${(options.intervalMs / 1000).toFixed(1)} s; watch the contacts being rescored. Ctrl-C stops.`);
  say();

  const simulator = new ActivitySimulator(standIn, portal, options.seed);
  const watching = new Map<number, { scoredAt: string | undefined; qualification: string | undefined; priority: string | undefined }>();
  const act = () => {
    let action: Action;
    try {
      action = simulator.next();
    } catch (error) {
      say(`[${clock()}] (simulated activity failed: ${(error as Error).message})`);
      return;
    }
    const c = portal.contacts.get(action.contactId);
    watching.set(action.contactId, { scoredAt: c?.props.bant_scored_at, qualification: c?.props.bant_qualification, priority: c?.props.bant_priority });
    say(`[${clock()}] ${action.text}`);
  };
  const watch = () => {
    for (const [id, before] of watching) {
      const c = portal.contacts.get(id);
      if (!c) {
        watching.delete(id);
        continue;
      }
      if (c.props.bant_scored_at === before.scoredAt) continue;
      watching.delete(id);
      const q = c.props.bant_qualification ?? '?';
      const moved = before.qualification && before.qualification !== q ? `${before.qualification.toUpperCase()} → ${q.toUpperCase()}` : q.toUpperCase();
      const tasks = portal
        .tasksOf(c.id)
        .map((t) => taskKindOf(t.props.hs_task_body))
        .filter(Boolean);
      const priority = before.priority === c.props.bant_priority ? `priority ${c.props.bant_priority}` : `priority ${before.priority ?? '?'} → ${c.props.bant_priority}`;
      const bant = ['budget', 'authority', 'need', 'timeline'].map((k) => `${k} ${c.props[`bant_${k}`]}`).join(', ');
      const reason = (c.props.bant_score_reasons ?? '').split('\n')[0] ?? '';
      say(`           ↳ rescored ${c.props.firstname ?? ''} ${c.props.lastname ?? ''}: ${moved}, ${priority}${tasks.length ? `; open tasks: ${tasks.join(', ')}` : ''}`);
      say(`             BANT: ${bant}${reason ? `; top reason: ${reason}` : ''}`);
    }
  };
  onStop = watch;
  act();
  timers.push(setInterval(act, options.intervalMs));
  timers.push(setInterval(watch, 250));
  timers.push(
    setInterval(() => {
      say();
      say(summary(standIn, portal, startedAt, 'Summary'));
      say();
    }, 15_000),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`The demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
