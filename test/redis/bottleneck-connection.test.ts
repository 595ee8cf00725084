// Bottleneck limiters on two Redis connections (as in two app instances) share one budget.
// Needs Redis: TEST_REDIS_URL, else redis://127.0.0.1:6379. Skips loudly when unreachable.
import { randomBytes } from 'node:crypto';
import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { type BottleneckConnection, createBottleneckConnection } from '../../src/redis/bottleneck-connection.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function reachable(): Promise<boolean> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

const available = await reachable();
if (!available) {
  console.warn(
    `\n${'!'.repeat(78)}\n!! Redis not reachable at TEST_REDIS_URL / ${REDIS_URL}\n!! SKIPPING the Redis-shared rate limit tests. CI runs them; start Redis to run them here.\n${'!'.repeat(78)}\n`,
  );
}

describe.skipIf(!available)('Bottleneck on Redis', () => {
  const connections: BottleneckConnection[] = [];
  const limiters: Bottleneck[] = [];
  afterEach(async () => {
    for (const limiter of limiters.splice(0)) await limiter.disconnect(false);
    for (const connection of connections.splice(0)) await connection.close();
  });

  const limiter = (id: string, settings: Bottleneck.ConstructorOptions) => {
    const connection = createBottleneckConnection(REDIS_URL);
    connections.push(connection);
    const created = new Bottleneck({ ...settings, id, datastore: 'ioredis', connection: connection.connection, clearDatastore: false, timeout: 60_000 });
    limiters.push(created);
    return created;
  };

  it('when two instances run limiters with the same id, then together they never start more than the reservoir per window', async () => {
    const id = `test-${process.pid}-${randomBytes(4).toString('hex')}`;
    // The app's 110 per 10 s, scaled down: 10 per 1 s. A clustered limiter sees a refresh on its next heartbeat.
    const settings: Bottleneck.ConstructorOptions = {
      reservoir: 10,
      reservoirRefreshAmount: 10,
      reservoirRefreshInterval: 1_000,
      maxConcurrent: null,
      heartbeatInterval: 50,
    };
    const a = limiter(id, settings);
    const b = limiter(id, settings);
    await Promise.all([a.ready(), b.ready()]);

    const starts: number[] = [];
    const began = Date.now();
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 === 0 ? a : b).schedule(async () => {
          starts.push(Date.now());
        }),
      ),
    );
    const elapsed = Date.now() - began;

    // The reservoir empties, then refills once per window: starts come in bursts, one per window, each at most 10.
    // (Two unshared limiters would start 20 at once.)
    starts.sort((x, y) => x - y);
    const bursts: number[] = [1];
    for (let i = 1; i < starts.length; i += 1) {
      if (starts[i]! - starts[i - 1]! > 400) bursts.push(0);
      bursts[bursts.length - 1]! += 1;
    }
    expect(bursts).toEqual([10, 10, 10]);
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
  }, 20_000);

  it('when limiters use different ids, then their budgets are separate', async () => {
    const settings: Bottleneck.ConstructorOptions = { reservoir: 5, reservoirRefreshAmount: 5, reservoirRefreshInterval: 60_000 };
    const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
    const a = limiter(`portal-1-${suffix}`, settings);
    const b = limiter(`portal-2-${suffix}`, settings);
    const began = Date.now();
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i < 5 ? a : b).schedule(async () => i)));
    expect(Date.now() - began).toBeLessThan(5_000);
    expect(await a.currentReservoir()).toBe(0);
    expect(await b.currentReservoir()).toBe(0);
  });

  it('when the connection is closed twice, then the second close is harmless', async () => {
    const connection = createBottleneckConnection(REDIS_URL);
    const created = new Bottleneck({ id: `close-${randomBytes(4).toString('hex')}`, datastore: 'ioredis', connection: connection.connection });
    await created.ready();
    await connection.close();
    await connection.close();
  });
});
