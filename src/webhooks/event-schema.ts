// The webhook body: a JSON array of events (docs/hubspot-platform.md §1.3). Lenient about fields the app does not use, strict
// about the ones it routes on. Both `subscriptionType` and `eventType` occur for the type field (docs/hubspot-platform.md §1.3).
import { z } from 'zod';

const numericId = z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().trim().regex(/^\d{1,19}$/)]).transform(String);
const optionalId = numericId.optional().catch(undefined);
const optionalText = z.union([z.string(), z.number(), z.boolean()]).transform(String).optional().catch(undefined);

const rawEventSchema = z.object({
  subscriptionType: z.string().min(1).max(200).optional(),
  eventType: z.string().min(1).max(200).optional(),
  portalId: z.union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), z.string().trim().regex(/^[1-9]\d{0,15}$/).transform(Number)]),
  objectId: numericId,
  occurredAt: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  propertyName: z.string().max(500).optional().catch(undefined),
  propertyValue: optionalText,
  changeSource: optionalText,
  sourceId: optionalText,
  eventId: optionalText,
  subscriptionId: optionalText,
  attemptNumber: z.number().optional().catch(undefined),
  objectTypeId: z.string().max(50).optional().catch(undefined),
  // merge events
  primaryObjectId: optionalId,
  mergedObjectIds: z.array(numericId).max(1000).optional().catch(undefined),
  newObjectId: optionalId,
  // association events
  associationType: z.string().max(200).optional().catch(undefined),
  fromObjectId: optionalId,
  toObjectId: optionalId,
  associationRemoved: z.boolean().optional().catch(undefined),
});

/** One event, normalised: `type` is `subscriptionType ?? eventType`, ids are strings, `portalId` a number. */
export interface HubSpotEvent {
  type: string;
  portalId: number;
  objectId: string;
  occurredAt: number;
  propertyName?: string | undefined;
  propertyValue?: string | undefined;
  changeSource?: string | undefined;
  sourceId?: string | undefined;
  eventId?: string | undefined;
  subscriptionId?: string | undefined;
  objectTypeId?: string | undefined;
  primaryObjectId?: string | undefined;
  mergedObjectIds?: string[] | undefined;
  newObjectId?: string | undefined;
  associationType?: string | undefined;
  fromObjectId?: string | undefined;
  toObjectId?: string | undefined;
  associationRemoved?: boolean | undefined;
}

const eventSchema = rawEventSchema
  .refine((e) => e.subscriptionType !== undefined || e.eventType !== undefined, {
    message: 'an event needs subscriptionType (or eventType)',
    path: ['subscriptionType'],
  })
  .transform(({ subscriptionType, eventType, attemptNumber: _attempt, ...rest }): HubSpotEvent => ({
    ...rest,
    type: (subscriptionType ?? eventType) as string,
  }));

export const deliverySchema = z.array(eventSchema);

export type ParsedDelivery = { ok: true; events: HubSpotEvent[] } | { ok: false; message: string };

// The fast path. A webhook delivery is parsed ~20,000 events a second under load; zod's parse of every event costs
// ~6 µs and ~8 KB of short-lived garbage per event, which turns into young-generation GC pauses in the acknowledgement
// tail. `fastEvents` accepts only the plain, well-formed shape HubSpot sends (every field either absent or of its
// canonical type and within bounds) and builds exactly what `deliverySchema` returns for it: same keys, same order,
// same values. Anything else (a string portal id, padded ids, a field zod would reset to undefined, any error) returns
// undefined and the whole delivery goes through `deliverySchema`, which stays the authority for what is accepted and
// for the 400 message naming the bad field.
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const NUMERIC_ID = /^\d{1,19}$/;
const NO_ID = Symbol('invalid id');
const TEXT_FIELDS = ['propertyValue', 'changeSource', 'sourceId', 'eventId', 'subscriptionId'] as const;

/** `numericId` for the canonical inputs (a safe non-negative integer, or a string of 1–19 digits); NO_ID otherwise. */
function fastId(value: unknown): string | typeof NO_ID {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= MAX_SAFE ? String(value) : NO_ID;
  if (typeof value === 'string') return NUMERIC_ID.test(value) ? value : NO_ID;
  return NO_ID;
}

/** `optionalText` for present values: a string, number or boolean, as a string; undefined for anything else. */
function fastText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Copies an optional id field as the schema gives it (in the caller's key order); false when present but not an id. */
function copyId(event: HubSpotEvent, e: Record<string, unknown>, name: 'primaryObjectId' | 'newObjectId' | 'fromObjectId' | 'toObjectId'): boolean {
  const value = e[name];
  if (value === undefined) return true;
  const id = fastId(value);
  if (id === NO_ID) return false;
  event[name] = id;
  return true;
}

const isTypeName = (value: unknown): boolean => value === undefined || (typeof value === 'string' && value.length >= 1 && value.length <= 200);
const isShortText = (value: unknown, max: number): boolean => typeof value === 'string' && value.length <= max;

function fastEvent(raw: unknown): HubSpotEvent | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const e = raw as Record<string, unknown>;
  const { subscriptionType, eventType, portalId, occurredAt } = e;
  if (!isTypeName(subscriptionType) || !isTypeName(eventType)) return undefined;
  const type = (subscriptionType ?? eventType) as string | undefined;
  if (type === undefined) return undefined;
  if (typeof portalId !== 'number' || !Number.isInteger(portalId) || portalId <= 0 || portalId > MAX_SAFE) return undefined;
  if (typeof occurredAt !== 'number' || !Number.isInteger(occurredAt) || occurredAt < 0 || occurredAt > MAX_SAFE) return undefined;
  const objectId = fastId(e.objectId);
  if (objectId === NO_ID) return undefined;
  // Keys in the schema's order, present exactly when present in the input (as zod's object parse does).
  const event = { portalId, objectId, occurredAt } as HubSpotEvent;
  const { propertyName, objectTypeId, mergedObjectIds, associationType, associationRemoved } = e;
  if (propertyName !== undefined) {
    if (!isShortText(propertyName, 500)) return undefined;
    event.propertyName = propertyName as string;
  }
  for (const name of TEXT_FIELDS) {
    const value = e[name];
    if (value === undefined) continue;
    const text = fastText(value);
    if (text === undefined) return undefined;
    event[name] = text;
  }
  if (objectTypeId !== undefined) {
    if (!isShortText(objectTypeId, 50)) return undefined;
    event.objectTypeId = objectTypeId as string;
  }
  if (!copyId(event, e, 'primaryObjectId')) return undefined;
  if (mergedObjectIds !== undefined) {
    if (!Array.isArray(mergedObjectIds) || mergedObjectIds.length > 1000) return undefined;
    const ids: string[] = [];
    for (const value of mergedObjectIds) {
      const id = fastId(value);
      if (id === NO_ID) return undefined;
      ids.push(id);
    }
    event.mergedObjectIds = ids;
  }
  if (!copyId(event, e, 'newObjectId')) return undefined;
  if (associationType !== undefined) {
    if (!isShortText(associationType, 200)) return undefined;
    event.associationType = associationType as string;
  }
  if (!copyId(event, e, 'fromObjectId')) return undefined;
  if (!copyId(event, e, 'toObjectId')) return undefined;
  if (associationRemoved !== undefined) {
    if (typeof associationRemoved !== 'boolean') return undefined;
    event.associationRemoved = associationRemoved;
  }
  event.type = type;
  return event;
}

/** The events when every one takes the fast path; undefined as soon as one does not. */
function fastEvents(json: unknown[]): HubSpotEvent[] | undefined {
  const events: HubSpotEvent[] = new Array(json.length);
  for (let i = 0; i < json.length; i++) {
    const event = fastEvent(json[i]);
    if (event === undefined) return undefined;
    events[i] = event;
  }
  return events;
}

/** Parses the raw bytes (already signature-checked) into events; never throws. */
export function parseDelivery(rawBody: Buffer): ParsedDelivery {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { ok: false, message: 'body is not valid JSON' };
  }
  if (!Array.isArray(json)) return { ok: false, message: 'body must be a JSON array of events' };
  const fast = fastEvents(json);
  if (fast !== undefined) return { ok: true, events: fast };
  const parsed = deliverySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.map(String).join('.') : '';
    return { ok: false, message: `invalid event${where ? ` at ${where}` : ''}: ${issue?.message ?? 'unknown problem'}` };
  }
  return { ok: true, events: parsed.data };
}
