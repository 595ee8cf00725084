// Thousands of random and malformed deliveries, validly and invalidly signed, against the real router on port 0.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { createJobHarness, PORTAL } from '../jobs/job-fixtures.ts';
import { rawEvent, signedHeaders, startWebhookServer, WEBHOOK_ENV, type WebhookServer } from './webhook-fixtures.ts';

let server: WebhookServer;
let writes = 0;

beforeAll(async () => {
  const harness = await createJobHarness({ env: WEBHOOK_ENV });
  const store = harness.ctx.store;
  // Any call that could persist something counts; reads (getInstallation) are fine.
  const persisting = new Set(['rememberEvents', 'acceptEvents', 'enqueue']);
  harness.ctx.store = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (persisting.has(String(name))) writes += 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as Store;
  server = await startWebhookServer({ harness });
});

afterAll(async () => {
  await server.close();
});

const anyValue = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.object({ maxDepth: 1 }));
const eventLike = fc.record(
  {
    objectId: fc.oneof(fc.nat(), fc.string(), anyValue),
    portalId: fc.oneof(fc.constant(PORTAL), fc.constant(String(PORTAL)), fc.nat(), anyValue),
    occurredAt: fc.oneof(fc.nat(), anyValue),
    subscriptionType: fc.oneof(
      fc.constantFrom('contact.creation', 'contact.propertyChange', 'contact.merge', 'contact.deletion', 'contact.privacyDeletion', 'contact.associationChange', 'object.creation', 'deal.creation'),
      fc.string(),
      anyValue,
    ),
    eventType: fc.oneof(fc.constantFrom('contact.propertyChange', 'contact.restore'), anyValue),
    propertyName: fc.oneof(fc.constantFrom('jobtitle', 'bant_priority', 'bant_need_answer', '__proto__', 'constructor'), fc.string(), anyValue),
    mergedObjectIds: fc.oneof(fc.array(fc.oneof(fc.nat(), fc.string()), { maxLength: 4 }), anyValue),
    objectTypeId: fc.oneof(fc.constantFrom('0-1', '0-46', '0-48', '0-27'), anyValue),
    sourceId: anyValue,
    associationType: anyValue,
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc.string(),
  fc.json(),
  fc.array(eventLike, { maxLength: 20 }).map((events) => JSON.stringify(events)),
  fc.array(fc.nat({ max: 5000 }), { minLength: 1, maxLength: 20 }).map((ids) => JSON.stringify(ids.map((objectId, i) => rawEvent({ objectId, occurredAt: 1000 + i })))),
  fc.constant('[{"__proto__":{"polluted":1},"portalId":4711}]'),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);
const signing = fc.constantFrom('valid', 'wrong-secret', 'stale', 'none', 'garbage', 'v1-garbage', 'wrong-type');

function headersFor(text: string, mode: string, now: number): Record<string, string> {
  switch (mode) {
    case 'valid':
      return signedHeaders(text, { now });
    case 'wrong-secret':
      return signedHeaders(text, { now, secret: 'not-the-secret' });
    case 'stale':
      return signedHeaders(text, { now: now - 10 * 60_000 });
    case 'none':
      return { 'content-type': 'application/json' };
    case 'garbage':
      return { 'content-type': 'application/json', 'x-hubspot-signature-v3': 'AAAA', 'x-hubspot-request-timestamp': String(now) };
    case 'v1-garbage':
      return { 'content-type': 'application/json', 'x-hubspot-signature': 'zz', 'x-hubspot-signature-version': 'v1' };
    default:
      return { ...signedHeaders(text, { now }), 'content-type': 'text/html' };
  }
}

describe('webhook fuzz', () => {
  it('when thousands of random deliveries arrive, then no 5xx, no crash, and nothing is persisted from an invalid one', async () => {
    let valid = 0;
    await fc.assert(
      fc.asyncProperty(body, signing, async (text, mode) => {
        const before = writes;
        const response = await server.post(text, headersFor(text, mode, server.harness.clock.now));
        expect(response.status).toBeLessThan(500);
        if (mode === 'valid') {
          expect([200, 400, 413]).toContain(response.status);
          if (response.status === 200) valid += 1;
        } else {
          expect([401, 413, 415]).toContain(response.status);
        }
        if (response.status !== 200) expect(writes).toBe(before);
      }),
      { numRuns: 2500 },
    );
    expect(valid).toBeGreaterThan(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The server still answers after all of it.
    expect((await server.postSigned([rawEvent()])).status).toBe(200);
    // 2,500 requests take ~7 s alone; beside the suite's other workers on two cores, several times that.
  }, 120_000);
});
