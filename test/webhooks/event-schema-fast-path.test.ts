// The parser takes a fast path for the plain shape HubSpot sends; zod stays the authority. For any delivery, both
// must agree: the same events (keys, order, values) when valid, and a rejection whenever zod rejects.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deliverySchema, parseDelivery } from '../../src/webhooks/event-schema.ts';

const id = fc.oneof(fc.nat({ max: 2 ** 40 }), fc.stringMatching(/^\d{1,12}$/), fc.constant(' 12 '), fc.constant(-1), fc.constant('abc'), fc.double());
const text = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constant({}));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const event = fc.record(
  {
    subscriptionType: maybe(fc.constantFrom('contact.creation', 'contact.propertyChange', 'object.creation', '', 'x'.repeat(201))),
    eventType: maybe(fc.constantFrom('contact.deletion', 'contact.merge', 3)),
    portalId: fc.oneof(fc.integer({ min: -2, max: 2 ** 33 }), fc.stringMatching(/^[0-9]{1,8}$/), fc.constant(' 42')),
    objectId: id,
    occurredAt: fc.oneof(fc.nat(), fc.constant(-5), fc.constant(1.5), fc.constant('1700000000000')),
    propertyName: maybe(fc.oneof(fc.string({ maxLength: 30 }), fc.integer())),
    propertyValue: maybe(text),
    changeSource: maybe(text),
    sourceId: maybe(text),
    eventId: maybe(text),
    subscriptionId: maybe(text),
    attemptNumber: maybe(fc.oneof(fc.nat(), fc.string())),
    objectTypeId: maybe(fc.constantFrom('0-1', '0-48', 7)),
    primaryObjectId: maybe(id),
    mergedObjectIds: maybe(fc.oneof(fc.array(id, { maxLength: 3 }), fc.constant('1,2'))),
    newObjectId: maybe(id),
    associationType: maybe(fc.constantFrom('CONTACT_TO_COMPANY', 5)),
    fromObjectId: maybe(id),
    toObjectId: maybe(id),
    associationRemoved: maybe(fc.oneof(fc.boolean(), fc.constant('true'))),
    extra: maybe(fc.string()),
  },
  { requiredKeys: [] },
);

/** The shape HubSpot actually sends, so most deliveries take the fast path. */
const plainEvent = fc.record(
  {
    subscriptionType: fc.constantFrom('contact.creation', 'contact.propertyChange', 'contact.merge', 'object.creation'),
    portalId: fc.integer({ min: 1, max: 2 ** 40 }),
    objectId: fc.oneof(fc.nat({ max: 2 ** 40 }), fc.stringMatching(/^\d{1,12}$/)),
    occurredAt: fc.nat(),
    propertyName: fc.string({ maxLength: 30 }),
    propertyValue: fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean()),
    changeSource: fc.constantFrom('CRM_UI', 'INTEGRATION', 'API'),
    sourceId: fc.oneof(fc.constant('userId:45678'), fc.integer()),
    eventId: fc.oneof(fc.integer(), fc.string({ maxLength: 10 })),
    subscriptionId: fc.integer(),
    attemptNumber: fc.nat({ max: 10 }),
    objectTypeId: fc.constantFrom('0-1', '0-48'),
    mergedObjectIds: fc.array(fc.nat({ max: 2 ** 40 }), { maxLength: 3 }),
    associationType: fc.constant('CONTACT_TO_COMPANY'),
    fromObjectId: fc.nat(),
    toObjectId: fc.nat(),
    associationRemoved: fc.boolean(),
  },
  { requiredKeys: ['subscriptionType', 'portalId', 'objectId', 'occurredAt'] },
);

describe('parseDelivery fast path', () => {
  it('when any delivery is parsed, then the result equals what the zod schema gives (events when valid, a rejection when not)', () => {
    fc.assert(
      fc.property(fc.oneof({ arbitrary: fc.array(plainEvent, { minLength: 1, maxLength: 5 }), weight: 3 }, { arbitrary: fc.array(fc.oneof(plainEvent, event), { maxLength: 5 }), weight: 1 }), (events) => {
        const raw = Buffer.from(JSON.stringify(events));
        const viaZod = deliverySchema.safeParse(JSON.parse(raw.toString('utf8')));
        const parsed = parseDelivery(raw);
        expect(parsed.ok).toBe(viaZod.success);
        if (parsed.ok && viaZod.success) expect(JSON.stringify(parsed.events)).toBe(JSON.stringify(viaZod.data));
      }),
      { numRuns: 3000 },
    );
  });
});
