// Token refresh with several app instances on one store: one refresh per portal across all of them (the store lock),
// waiters take the holder's new token, and a lock whose holder never finishes does not wedge the portal.
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import nock from 'nock';
import pg from 'pg';
import { postgresReachable, TEST_DATABASE_URL } from '../test-database.ts';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthorizationError } from '../../src/errors.ts';
import { createInstallationAuth, type InstallationAuth, refreshLockName } from '../../src/hubspot/installations.ts';
import { decryptToken } from '../../src/hubspot/token-crypto.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { openPostgresStore } from '../../src/store/postgres-store.ts';
import type { Store } from '../../src/store/store.ts';
import { API, captureLogs, PORTAL, setupNock, testConfig } from './fixtures.ts';

const INSTALLED_AT = Date.parse('2026-11-20T10:00:00Z');
const NEEDS_REFRESH_AT = Date.parse('2026-11-20T10:26:00Z');
const TOKEN_PATH = '/oauth/2026-03/token';

let clock: number;
let tokenCalls: number;

beforeEach(() => {
  setupNock();
  clock = INSTALLED_AT;
  tokenCalls = 0;
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

/** The token endpoint: counts refresh grants and answers each after `waitFor` (a delay or a gate). */
function tokenEndpoint(options: { waitFor?: () => Promise<unknown>; status?: number; accessToken?: string } = {}) {
  const waitFor = options.waitFor ?? (() => delay(40));
  nock(API)
    .post(TOKEN_PATH)
    .times(5)
    .reply(options.status ?? 200, async () => {
      tokenCalls += 1;
      await waitFor();
      return (options.status ?? 200) === 200
        ? { access_token: options.accessToken ?? 'access-two-xxxxxxxx', refresh_token: 'refresh-two-xxxxxxxx', expires_in: 1800 }
        : { status: 'BAD_REFRESH_TOKEN', message: 'refresh token is invalid, expired or revoked' };
    });
}

interface Fleet {
  a: InstallationAuth;
  b: InstallationAuth;
  logsOfB: string[];
  tokenKey: Buffer;
}

/** Two instances (one InstallationAuth each, own lock owner) sharing `stores` ([a's, b's]: one store or two on one database). */
async function fleet(stores: [Store, Store], options: { refreshWaitMs?: number; sleep?: (ms: number) => Promise<void> } = {}): Promise<Fleet> {
  const config = testConfig();
  const tokenKey = randomBytes(32);
  const common = { config, tokenKey, now: () => clock, ...options };
  const a = createInstallationAuth({ ...common, store: stores[0], log: captureLogs().log, lockOwner: 'instance-a' });
  const { log, lines } = captureLogs();
  const b = createInstallationAuth({ ...common, store: stores[1], log, lockOwner: 'instance-b' });
  await a.saveOAuthInstallation(
    { accessToken: 'access-one-xxxxxxxx', refreshToken: 'refresh-one-xxxxxxxx', expiresIn: 1800 },
    { active: true, hubId: PORTAL, userId: 5, scopes: ['oauth'] },
  );
  return { a, b, logsOfB: lines, tokenKey };
}

async function storedRefreshToken(store: Store, tokenKey: Buffer): Promise<string> {
  return decryptToken(tokenKey, (await store.getInstallation(PORTAL))?.refreshTokenEnc ?? '', `hubspot:${PORTAL}:refresh`);
}

describe('two instances on one store', () => {
  it('when both need a refresh at the same time, then HubSpot gets exactly one refresh grant and every caller gets its token', async () => {
    const store = createMemoryStore();
    const { a, b, tokenKey } = await fleet([store, store]);
    clock = NEEDS_REFRESH_AT;
    tokenEndpoint();
    const tokens = await Promise.all([...Array.from({ length: 5 }, () => a.authorize(PORTAL)), ...Array.from({ length: 5 }, () => b.authorize(PORTAL))]);
    expect(tokenCalls).toBe(1);
    expect(new Set(tokens)).toEqual(new Set(['access-two-xxxxxxxx']));
    expect(await storedRefreshToken(store, tokenKey)).toBe('refresh-two-xxxxxxxx');
    // The lock is free again: a later refresh elsewhere is not held up.
    expect(await store.acquireLock(refreshLockName(PORTAL), 'someone-else', 1_000, clock)).toBe(true);
  });

  it('when both got 401 for the same token, then one instance refreshes and the other takes the new token from the store', async () => {
    const store = createMemoryStore();
    const { a, b } = await fleet([store, store]);
    expect(await a.authorize(PORTAL)).toBe('access-one-xxxxxxxx');
    expect(await b.authorize(PORTAL)).toBe('access-one-xxxxxxxx');
    a.invalidate?.(PORTAL, 'access-one-xxxxxxxx');
    b.invalidate?.(PORTAL, 'access-one-xxxxxxxx');
    tokenEndpoint();
    expect(await Promise.all([a.authorize(PORTAL), b.authorize(PORTAL)])).toEqual(['access-two-xxxxxxxx', 'access-two-xxxxxxxx']);
    expect(tokenCalls).toBe(1);
  });

  it('when the lock holder stores no new token (it died or hangs), then the other refreshes after a bounded wait', async () => {
    const store = createMemoryStore();
    const pauses: number[] = [];
    const { b, logsOfB } = await fleet([store, store], {
      refreshWaitMs: 300,
      sleep: async (ms) => {
        pauses.push(ms);
        await delay(1);
      },
    });
    clock = NEEDS_REFRESH_AT;
    expect(await store.acquireLock(refreshLockName(PORTAL), 'instance-that-died', 60_000, clock)).toBe(true);
    tokenEndpoint();
    expect(await b.authorize(PORTAL)).toBe('access-two-xxxxxxxx');
    expect(tokenCalls).toBe(1);
    expect(pauses.length).toBeGreaterThan(1);
    expect(pauses.reduce((sum, ms) => sum + ms, 0)).toBe(300);
    expect(logsOfB.some((line) => line.includes('refreshing without the lock'))).toBe(true);
  });

  it("when the lock holder's refresh is refused, then the waiting instance fails with AuthorizationError and asks HubSpot nothing", async () => {
    const store = createMemoryStore();
    const { a, b } = await fleet([store, store]);
    clock = NEEDS_REFRESH_AT;
    tokenEndpoint({ status: 400 });
    const holder = a.authorize(PORTAL);
    await delay(10);
    const [fromA, fromB] = await Promise.allSettled([holder, b.authorize(PORTAL)]);
    expect((fromA as PromiseRejectedResult).reason).toBeInstanceOf(AuthorizationError);
    expect((fromB as PromiseRejectedResult).reason).toBeInstanceOf(AuthorizationError);
    expect(tokenCalls).toBe(1);
    expect((await store.getInstallation(PORTAL))?.status).toBe('inactive');
  });
});

const DATABASE_URL = TEST_DATABASE_URL;


const postgresOk = await postgresReachable();
if (!postgresOk) console.warn(`\n!! PostgreSQL not reachable at ${DATABASE_URL}: SKIPPING the two-instance token refresh test on PostgreSQL\n`);

describe.skipIf(!postgresOk)('two instances on one PostgreSQL database', () => {
  const schema = `bant_test_refresh_${process.pid}_${randomBytes(3).toString('hex')}`;
  const opened: Store[] = [];

  afterAll(async () => {
    for (const store of opened) await store.close();
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('when both need a refresh at the same time, then HubSpot gets exactly one refresh grant', async () => {
    const first = await openPostgresStore(DATABASE_URL, { schema, poolSize: 3 });
    opened.push(first);
    const second = await openPostgresStore(DATABASE_URL, { schema, poolSize: 3 });
    opened.push(second);
    const { a, b, tokenKey } = await fleet([first, second]);
    clock = NEEDS_REFRESH_AT;
    tokenEndpoint();
    const tokens = await Promise.all([a.authorize(PORTAL), b.authorize(PORTAL), a.authorize(PORTAL), b.authorize(PORTAL)]);
    expect(tokenCalls).toBe(1);
    expect(new Set(tokens)).toEqual(new Set(['access-two-xxxxxxxx']));
    expect(await storedRefreshToken(second, tokenKey)).toBe('refresh-two-xxxxxxxx');
  });
});
