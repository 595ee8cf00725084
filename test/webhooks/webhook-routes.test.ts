import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealthRouter } from '../../src/http/health-routes.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { WEBHOOK_PATH } from '../../src/http/webhook-routes.ts';
import type { Store } from '../../src/store/store.ts';
import { computeSignatureV1 } from '../../src/webhooks/verify-signature.ts';
import { createJobHarness, PORTAL } from '../jobs/job-fixtures.ts';
import { writeFaults } from '../store/store-contract.ts';
import { PREVIOUS_SECRET, PUBLIC_BASE_URL, rawEvent, SECRET, signedHeaders, startWebhookServer, WEBHOOK_ENV, type WebhookServer } from './webhook-fixtures.ts';

/** Counts every store call, to show that rejected deliveries never reach it. */
function countingStore(store: Store): { store: Store; calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(name));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

let server: WebhookServer;
let storeCalls: string[];

async function start(env: Record<string, string> = {}) {
  const harness = await createJobHarness({ env: { ...WEBHOOK_ENV, ...env } });
  const counted = countingStore(harness.store);
  harness.ctx.store = counted.store;
  storeCalls = counted.calls;
  server = await startWebhookServer({ harness });
  return server;
}

afterEach(async () => {
  await server?.close();
});

const body = (events: unknown[] = [rawEvent()]) => JSON.stringify(events);

describe('POST /webhooks/hubspot', () => {
  it('when a signed delivery arrives, then it is persisted, answered 200 and the worker is woken for when its rescores are due', async () => {
    await start();
    const response = await server.postSigned([rawEvent({ objectId: 1 }), rawEvent({ objectId: 2 })]);
    expect(response).toEqual({ status: 200, json: { received: 2, accepted: 2, duplicates: 0 } });
    expect(await server.harness.store.queueDepth(PORTAL)).toBe(2);
    expect(server.notified).toHaveLength(1);
    // The end of the coalescing window, when the rescores can be leased; not "now", when nothing is due yet.
    expect(server.notifiedDue).toEqual([server.harness.clock.now + server.harness.ctx.config.RESCORE_DELAY_MS]);
    expect(server.harness.metrics.get('bant_webhook_events_total', { outcome: 'accepted' })).toBe(2);
  });

  it('when HubSpot redelivers the same events, then they are acknowledged and not enqueued again', async () => {
    await start();
    const events = [rawEvent({ objectId: 1 })];
    await server.postSigned(events);
    const leased = await server.harness.store.lease({ now: server.harness.clock.now + 5000, limit: 10, leaseMs: 60_000 });
    await server.harness.store.complete(leased.map((i) => i.id));
    const again = await server.postSigned([{ ...events[0], eventId: 777, attemptNumber: 1 }]);
    expect(again).toEqual({ status: 200, json: { received: 1, accepted: 0, duplicates: 1 } });
    expect(await server.harness.store.queueDepth()).toBe(0);
    expect(server.notified).toHaveLength(1);
  });

  it('when the delivery is signed with the previous client secret (rotation), then it is accepted', async () => {
    await start();
    expect((await server.postSigned([rawEvent()], { secret: PREVIOUS_SECRET })).status).toBe(200);
  });

  it('when only a v1 X-HubSpot-Signature is sent, then it is checked by v1', async () => {
    await start();
    const text = body();
    const headers = { 'content-type': 'application/json', 'x-hubspot-signature': computeSignatureV1(SECRET, Buffer.from(text)), 'x-hubspot-signature-version': 'v1' };
    expect((await server.post(text, headers)).status).toBe(200);
  });

  it('when the app sits behind a proxy, then the signature is checked against PUBLIC_BASE_URL plus the path and query HubSpot called', async () => {
    await start();
    const text = body();
    const path = `${WEBHOOK_PATH}?source=hubspot%3Acrm`;
    const headers = signedHeaders(text, { now: server.harness.clock.now, url: `${PUBLIC_BASE_URL}${path}` });
    expect((await server.post(text, headers, path)).status).toBe(200);
  });

  it('when events are of unknown types or the app ignores them, then the answer is still 200', async () => {
    await start();
    const response = await server.postSigned([rawEvent({ subscriptionType: 'conversation.newMessage' }), rawEvent({ propertyName: 'phone' }), rawEvent({ portalId: 999 })]);
    expect(response.status).toBe(200);
    expect(await server.harness.store.queueDepth()).toBe(0);
    expect(server.harness.metrics.get('bant_webhook_events_not_installed_total')).toBe(1);
  });

  it("when the app's own writes echo back, then the answer is 200 and nothing is enqueued", async () => {
    await start();
    const echoes = ['bant_fit_score', 'bant_priority', 'bant_qualification', 'bant_scored_at'].map((propertyName, i) => rawEvent({ propertyName, occurredAt: 1000 + i, changeSource: 'INTEGRATION', sourceId: WEBHOOK_ENV.HUBSPOT_APP_ID }));
    expect((await server.postSigned(echoes)).status).toBe(200);
    expect(await server.harness.store.queueDepth()).toBe(0);
    expect(server.notified).toHaveLength(0);
  });

  describe('rejections never touch the store', () => {
    it('when the content type is not JSON, then 415', async () => {
      await start();
      const text = body();
      const response = await server.post(text, { ...signedHeaders(text, { now: server.harness.clock.now }), 'content-type': 'text/plain' });
      expect(response.status).toBe(415);
      expect(storeCalls).toEqual([]);
    });

    it('when the body is larger than WEBHOOK_MAX_BYTES, then 413', async () => {
      await start();
      const text = body(Array.from({ length: 400 }, (_, i) => rawEvent({ objectId: i })));
      expect(Buffer.byteLength(text)).toBeGreaterThan(65536);
      const response = await server.post(text, signedHeaders(text, { now: server.harness.clock.now }));
      expect(response.status).toBe(413);
      expect(storeCalls).toEqual([]);
    });

    it('when the signature is wrong, stale, from the future or missing, then 401 naming the problem', async () => {
      await start();
      const text = body();
      const now = server.harness.clock.now;
      const cases: Array<[Record<string, string>, string]> = [
        [signedHeaders(text, { now, secret: 'wrong-secret' }), 'bad_signature'],
        [signedHeaders(text, { now: now - 5 * 60_000 - 1 }), 'stale_timestamp'],
        [signedHeaders(text, { now: now + 10 * 60_000 }), 'future_timestamp'],
        [signedHeaders(text, { now, url: 'https://other.example.com/webhooks/hubspot' }), 'bad_signature'],
        [{ 'content-type': 'application/json' }, 'missing_signature'],
        [{ ...signedHeaders(text, { now }), 'x-hubspot-request-timestamp': '' }, 'missing_timestamp'],
      ];
      for (const [headers, code] of cases) {
        const response = await server.post(text, headers);
        expect(response.status, code).toBe(401);
        expect(response.json).toMatchObject({ error: { code } });
      }
      const tampered = await server.post(text.replace('jobtitle', 'jobtitlf'), signedHeaders(text, { now }));
      expect(tampered.status).toBe(401);
      expect(storeCalls).toEqual([]);
    });

    it('when unsigned deliveries flood in, then the log gets the first in full and one summary line per interval', async () => {
      await start();
      const text = body();
      const rejections = () => server.harness.logs.filter((line) => String(line.msg).startsWith('webhook rejected: signature'));
      for (let i = 0; i < 40; i += 1) {
        const headers = i % 2 ? { 'content-type': 'application/json' } : signedHeaders(text, { now: server.harness.clock.now, secret: 'wrong-secret' });
        expect((await server.post(text, headers)).status).toBe(401);
      }
      expect(rejections()).toHaveLength(1);
      server.harness.clock.now += 60_000;
      expect((await server.post(text, { 'content-type': 'application/json' })).status).toBe(401);
      expect(rejections().map((line) => line.msg)).toEqual(['webhook rejected: signature', 'webhook rejected: signature (summary)', 'webhook rejected: signature']);
      expect(rejections()[1]).toMatchObject({ suppressed: 39, byFailure: { missing_signature: 20, bad_signature: 19 }, intervalSeconds: 60 });
    });

    it('when a signed body is not a valid array of events, then 400', async () => {
      await start();
      for (const text of ['not json', '{"objectId":1}', '[{"portalId":4711}]', JSON.stringify([rawEvent({ occurredAt: -1 })])]) {
        const response = await server.post(text, signedHeaders(text, { now: server.harness.clock.now }));
        expect(response.status, text).toBe(400);
      }
      expect(storeCalls).toEqual([]);
    });
  });

  it('when deliveries of 100 events arrive back to back, then each is answered within milliseconds', async () => {
    await start();
    const durations: number[] = [];
    for (let d = 0; d < 50; d++) {
      const events = Array.from({ length: 100 }, (_, i) => rawEvent({ objectId: (d * 100 + i) % 700, occurredAt: 1_000_000 + d * 100 + i }));
      const started = performance.now();
      expect((await server.postSigned(events)).status).toBe(200);
      durations.push(performance.now() - started);
    }
    durations.sort((a, b) => a - b);
    expect(durations[Math.floor(durations.length * 0.9)]).toBeLessThan(100);
  });

  it('when the store cannot persist the events, then the delivery is not acknowledged (503) so HubSpot retries it', async () => {
    await start();
    server.harness.ctx.store.acceptEvents = async () => {
      throw new Error('disk full');
    };
    const response = await server.postSigned([rawEvent()]);
    expect(response.status).toBe(503);
    expect(server.notified).toEqual([]);
  });

  it('when the store cannot write, then the delivery gets 503 and /readyz 503; once it can, the same delivery is processed', async () => {
    const faults = writeFaults();
    const harness = await createJobHarness({ env: WEBHOOK_ENV, store: createMemoryStore({ beforeWrite: faults.beforeWrite }) });
    server = await startWebhookServer({ harness });
    const health = express().use(createHealthRouter(harness.ctx));
    const healthServer: Server = await new Promise((resolve) => {
      const s = health.listen(0, '127.0.0.1', () => resolve(s));
    });
    const readyz = async () => (await fetch(`http://127.0.0.1:${(healthServer.address() as AddressInfo).port}/readyz`)).status;
    try {
      const events = [rawEvent({ objectId: 1 }), rawEvent({ objectId: 2 })];
      await faults.breakWrites(true);
      expect((await server.postSigned(events)).status).toBe(503);
      expect(await readyz()).toBe(503);
      await faults.breakWrites(false);
      expect(await readyz()).toBe(200);
      expect(await server.postSigned(events)).toEqual({ status: 200, json: { received: 2, accepted: 2, duplicates: 0 } });
      expect(await harness.store.queueDepth(PORTAL)).toBe(2);
    } finally {
      await new Promise<void>((resolve) => healthServer.close(() => resolve()));
    }
  });

  it('when the store has no combined acceptEvents, then work is enqueued before the keys are remembered', async () => {
    await start();
    const calls: string[] = [];
    const store = server.harness.ctx.store;
    const enqueue = store.enqueue.bind(store);
    const remember = store.rememberEvents.bind(store);
    server.harness.ctx.store = Object.assign(Object.create(store), {
      acceptEvents: undefined,
      enqueue: async (items: Parameters<typeof enqueue>[0]) => {
        calls.push('enqueue');
        return enqueue(items);
      },
      rememberEvents: async (keys: string[], now: number) => {
        calls.push('rememberEvents');
        return remember(keys, now);
      },
    });
    expect((await server.postSigned([rawEvent()])).status).toBe(200);
    expect(calls).toEqual(['enqueue', 'rememberEvents']);
    expect(await server.harness.store.queueDepth()).toBe(1);
  });
});

