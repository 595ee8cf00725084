// Two app processes behind one address, one PostgreSQL, one Redis, the HubSpot stand-in (issue 8):
// a webhook stream and the install backfill at once; the instance running the backfill is killed with SIGKILL
// mid-run and the other one finishes everything. Asserts: every contact scored (and scored after its last change),
// no duplicate open task per contact and kind, the portal's combined rate never over 110 per 10 s, queue empty.
//
// Needs PostgreSQL (TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test; a scratch database is created
// and dropped per run) and Redis (TEST_REDIS_URL, else redis://127.0.0.1:6379). Skips LOUDLY when either is missing.
//
// Time: a killed instance's queue leases and job locks run for 10 minutes before another instance may take them over
// (queue-worker leaseMs, job-progress LOCK_TTL_MS). Instead of waiting, the test moves the clock of those rows
// forward in the database ("10 minutes later") right after the kill; nothing else in the app is touched.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppProcess,
  appEnv,
  DEFAULT_DATABASE_URL,
  DEFAULT_REDIS_URL,
  freePort,
  installViaOAuth,
  postgresReachable,
  scratchDatabase,
  sleep,
  spawnApp,
  startBenchStandIn,
  waitFor,
} from '../../bench/lib/harness.ts';
import type { Portal, StandIn } from '../../standin/index.ts';
import { type RoundRobinProxy, startRoundRobinProxy } from './round-robin-proxy.ts';

async function redisReachable(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

const pgOk = await postgresReachable(DEFAULT_DATABASE_URL);
const redisOk = await redisReachable(DEFAULT_REDIS_URL);
if (!pgOk || !redisOk) {
  const missing = [!pgOk && `PostgreSQL (TEST_DATABASE_URL / ${DEFAULT_DATABASE_URL})`, !redisOk && `Redis (TEST_REDIS_URL / ${DEFAULT_REDIS_URL})`].filter(Boolean);
  console.warn(
    `\n${'!'.repeat(78)}\n!! ${missing.join(' and ')} not reachable\n!! SKIPPING the multi-instance test. CI runs it; start the servers to run it here.\n${'!'.repeat(78)}\n`,
  );
}

const CONTACTS = 1_000;
const LIMIT = 110;
const TEN_MINUTES = 10 * 60_000;

describe.skipIf(!pgOk || !redisOk)('two app instances on one PostgreSQL and one Redis', () => {
  let standIn: StandIn;
  let portal: Portal;
  let proxy: RoundRobinProxy;
  let db: { url: string; drop(): Promise<void> };
  let sql: pg.Client;
  const apps: AppProcess[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    db = await scratchDatabase(DEFAULT_DATABASE_URL, 'bant_multi');
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const ports = [await freePort(), await freePort()];
    proxy = await startRoundRobinProxy(ports.map((p) => `http://127.0.0.1:${p}`));
    standIn = await startBenchStandIn({ webhookTargetUrl: `${proxy.url}/webhooks/hubspot`, rateLimit: { perTenSeconds: LIMIT, searchPerSecond: 5 } });
    // A portal id of its own, so Bottleneck's Redis keys (per portal) are not shared with any other run.
    portal = standIn.createPortal({ portalId: 30_000_000 + Math.floor(Math.random() * 9_000_000), contacts: CONTACTS, seed: 8 });
    // One key for the fleet: tokens stored by one instance are read by the other (each would otherwise generate its own).
    const tokenKey = randomBytes(32).toString('base64');
    for (const port of ports) {
      const dir = await mkdtemp(join(tmpdir(), 'bant-multi-'));
      dirs.push(dir);
      const env = appEnv({ port, standIn, dataDir: dir, extra: { PUBLIC_BASE_URL: proxy.url, DATABASE_URL: db.url, REDIS_URL: DEFAULT_REDIS_URL, TOKEN_ENCRYPTION_KEY: tokenKey, RESCORE_DELAY_MS: '500' } });
      apps.push(await spawnApp(env));
    }
  });

  afterAll(async () => {
    for (const app of apps) await app.stop('SIGKILL').catch(() => {});
    await standIn?.close();
    await proxy?.close();
    await sql?.end().catch(() => {});
    await db?.drop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('shares the work, survives a SIGKILL of the backfilling instance and keeps the portal inside its rate limit', { timeout: 150_000 }, async () => {
    const backfillState = async () =>
      (await sql.query<{ data: { progress?: { done: number }; lastRun?: { ok: boolean; finishedAt?: string } } }>('SELECT data FROM job_states WHERE portal_id = $1 AND job = $2', [portal.id, 'backfill']))
        .rows[0]?.data;

    await installViaOAuth(proxy.url, portal.id);

    // The webhook stream: CRM users changing job titles and logging calls while the backfill runs.
    const lastChange = new Map<number, number>();
    const ids = [...portal.contacts.keys()];
    let streaming = true;
    let changes = 0;
    const stream = (async () => {
      let i = 0;
      while (streaming) {
        for (let k = 0; k < 4; k++) {
          const id = ids[(i * 7919 + k * 104_729) % ids.length]!;
          if ((i + k) % 5 === 0) standIn.simulate.addActivity(portal.id, id, { type: 'calls', properties: { hs_call_title: `Rückruf ${i}` } });
          else standIn.simulate.updateContact(portal.id, id, { jobtitle: `${['Head of IT', 'Geschäftsführer', 'Einkäufer', 'CTO'][(i + k) % 4]!} ${i}` });
          lastChange.set(id, Date.now());
          changes++;
        }
        i++;
        await sleep(200);
      }
    })();

    // Kill whichever instance holds the backfill's lock, once the backfill is well under way.
    const holder = await waitFor(
      async () => {
        const done = (await backfillState())?.progress?.done ?? 0;
        if (done < CONTACTS * 0.3) return undefined;
        const { rows } = await sql.query<{ owner: string }>('SELECT owner FROM locks WHERE name = $1', [`job:backfill:${portal.id}`]);
        return rows[0] ? apps.find((a) => rows[0]!.owner.includes(`:${a.pid}:`)) : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: 'the backfill to be 30 % done' },
    );
    const survivor = apps.find((a) => a !== holder)!;
    const doneAtKill = (await backfillState())?.progress?.done ?? 0;
    proxy.remove(holder.url);
    await holder.stop('SIGKILL');
    expect(doneAtKill).toBeLessThan(CONTACTS);

    // "10 minutes later": the dead instance's leases and locks run out (see the header comment).
    await sleep(1_000);
    const now = Date.now();
    await sql.query(`UPDATE locks SET expires_at = expires_at - $1 WHERE owner LIKE $2`, [TEN_MINUTES, `%:${holder.pid}:%`]);
    await sql.query('UPDATE work_queue SET lease_until = lease_until - $1 WHERE lease_until > $2', [TEN_MINUTES, now]);

    await sleep(6_000);
    streaming = false;
    await stream;
    await standIn.webhooksIdle();

    const diagnose = async () => {
      const queue = await sql.query('SELECT kind, count(*)::int AS n, min(not_before) AS due, max(lease_until) AS lease, max(attempts) AS attempts FROM work_queue GROUP BY kind');
      const locks = await sql.query('SELECT * FROM locks');
      return `backfill: ${JSON.stringify(await backfillState())}\nqueue: ${JSON.stringify(queue.rows)} (now ${Date.now()})\nlocks: ${JSON.stringify(locks.rows)}\nsurvivor log:\n${survivor.output().slice(-4000)}`;
    };
    // The survivor finishes: the backfill completes and the queue drains.
    await waitFor(
      async () => {
        const state = await backfillState();
        const { rows } = await sql.query<{ n: string }>('SELECT count(*) AS n FROM work_queue');
        return state?.lastRun?.ok === true && state.lastRun.finishedAt !== undefined && rows[0]!.n === '0';
      },
      { timeoutMs: 90_000, intervalMs: 250, what: 'the surviving instance to finish the backfill and drain the queue' },
    ).catch(async (error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${await diagnose()}`);
    });
    await standIn.webhooksIdle();
    await waitFor(async () => (await sql.query<{ n: string }>('SELECT count(*) AS n FROM work_queue')).rows[0]!.n === '0', {
      timeoutMs: 30_000,
      what: 'the queue to stay empty',
    });

    // Every contact scored, and scored after its last change.
    const unscored = [...portal.live('contacts')].filter((c) => !portal.value('contacts', c, 'bant_scored_at'));
    expect(unscored.map((c) => c.id)).toEqual([]);
    const { rows: snapshots } = await sql.query<{ contact_id: string; scored_at: string }>(
      `SELECT contact_id, result->>'scoredAt' AS scored_at FROM snapshot_results WHERE portal_id = $1`,
      [portal.id],
    );
    expect(snapshots.length).toBe(portal.count('contacts'));
    const scoredAt = new Map(snapshots.map((r) => [Number(r.contact_id), Date.parse(r.scored_at)]));
    const stale = [...lastChange].filter(([id, at]) => !((scoredAt.get(id) ?? 0) >= at));
    expect(stale).toEqual([]);

    // No duplicate tasks: at most one open task per contact and kind in HubSpot.
    const openByKind = new Map<string, number>();
    for (const task of portal.tasks.values()) {
      if (task.archived || task.props.hs_task_status === 'COMPLETED') continue;
      const kind = /bant-task: (\w+)/.exec(task.props.hs_task_body ?? '')?.[1];
      if (!kind) continue;
      for (const contactId of portal.associated('tasks', 'contacts', task.id)) {
        const key = `${contactId}:${kind}`;
        openByKind.set(key, (openByKind.get(key) ?? 0) + 1);
      }
    }
    expect(openByKind.size).toBeGreaterThan(0);
    expect([...openByKind].filter(([, n]) => n > 1)).toEqual([]);

    // The portal's combined rate over both instances, and HubSpot never had to refuse a request.
    expect(standIn.maxRequestsInWindow(portal.id, 10_000)).toBeLessThanOrEqual(LIMIT);
    expect(standIn.countRequests({ portalId: portal.id, status: 429 })).toBe(0);
    // Both instances did work before the kill (webhooks through the proxy, queue items from the shared queue).
    expect(proxy.served.get(survivor.url)).toBeGreaterThan(0);
    expect(proxy.served.get(holder.url)).toBeGreaterThan(0);
    expect((await sql.query<{ n: string }>('SELECT count(*) AS n FROM dead_letters')).rows[0]!.n).toBe('0');
    console.log(
      `multi-instance: ${changes} CRM changes streamed; killed pid ${holder.pid} at ${doneAtKill}/${CONTACTS} backfilled; ` +
        `max ${standIn.maxRequestsInWindow(portal.id, 10_000)} requests in 10 s; ${openByKind.size} open (contact, kind) tasks`,
    );
  });
});
