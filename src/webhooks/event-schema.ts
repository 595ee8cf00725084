// The webhook body: a JSON array of events (PLATFORM.md §1.3). Lenient about fields the app does not use, strict
// about the ones it routes on. Both `subscriptionType` and `eventType` occur for the type field (PLATFORM.md §1.3).
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

/** Parses the raw bytes (already signature-checked) into events; never throws. */
export function parseDelivery(rawBody: Buffer): ParsedDelivery {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { ok: false, message: 'body is not valid JSON' };
  }
  if (!Array.isArray(json)) return { ok: false, message: 'body must be a JSON array of events' };
  const parsed = deliverySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.map(String).join('.') : '';
    return { ok: false, message: `invalid event${where ? ` at ${where}` : ''}: ${issue?.message ?? 'unknown problem'}` };
  }
  return { ok: true, events: parsed.data };
}
