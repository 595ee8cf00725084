// A portal's marketing event participations, read once for all its contacts. HubSpot also answers per contact
// (`GET /marketing/marketing-events/2026-03/participations/contacts/{contactIdentifier}/breakdown`), but that is one call
// per contact, five times the whole budget of a bulk rescore (≤ 0.2 calls per contact). The portal's events and each
// event's participations cost one call per 100 events plus one per 100 participations, whatever the number of contacts
// rescored; the result is kept for a day (src/hubspot/client.ts), so a registration reaches the score within a day.
import type { Activity } from '../scoring/types.ts';
import { marketingEventsPath } from './api-paths.ts';
import { type MarketingEventInfo, type Participation, participationActivity } from './map-marketing-events.ts';
import type { PortalRequest } from './request.ts';

/** The scope HubSpot's spec names for reading marketing events; optional for the app (app.json optionalScopes). */
export const MARKETING_EVENTS_SCOPE = 'crm.objects.marketing_events.read';
/** Bounds on what one portal's index holds in memory: events read, participations read, activities per contact. */
export const MAX_MARKETING_EVENTS = 200;
export const MAX_PARTICIPATIONS = 50_000;
export const MAX_EVENT_ACTIVITIES_PER_CONTACT = 50;
const PAGE = 100;

export interface MarketingEventIndex {
  /** Contact id → its webinar and event activities, newest first. */
  activities: ReadonlyMap<string, Activity[]>;
  events: number;
  participations: number;
  /** True when a bound cut the read short. */
  truncated: boolean;
}

interface Page {
  results?: unknown;
  paging?: { next?: { after?: string } };
}

function resultsOf(body: Page | undefined, what: string): unknown[] {
  if (!body || !Array.isArray(body.results)) throw new Error(`HubSpot returned ${what} without a results list`);
  return body.results;
}

function eventInfo(raw: unknown): MarketingEventInfo {
  const e = raw as { objectId?: unknown; eventName?: unknown; eventType?: unknown };
  if (typeof e?.objectId !== 'string' || typeof e.eventName !== 'string') throw new Error('HubSpot returned a marketing event without objectId and eventName');
  return { id: e.objectId, name: e.eventName, ...(typeof e.eventType === 'string' && e.eventType ? { type: e.eventType } : {}) };
}

function participation(raw: unknown, eventId: string): Participation {
  const p = raw as { associations?: { contact?: { contactId?: unknown } }; properties?: { attendanceState?: unknown; occurredAt?: unknown } };
  const contactId = p?.associations?.contact?.contactId;
  const state = p?.properties?.attendanceState;
  if (typeof contactId !== 'string' || typeof state !== 'string') throw new Error('HubSpot returned a participation without contact id and attendance state');
  return { contactId, eventId, state, occurredAt: p.properties?.occurredAt };
}

/**
 * Lists the portal's marketing events, then each event's participations (HubSpot's spec, marketing events 2026-03).
 * `undefined` when HubSpot refuses for want of the optional scope (403): the form-name rule stays the only source.
 */
export async function readMarketingEventIndex(request: PortalRequest): Promise<MarketingEventIndex | undefined> {
  const events = new Map<string, MarketingEventInfo>();
  let truncated = false;
  let after: string | undefined;
  do {
    const response = await request<Page>('marketingEvents.list', { method: 'GET', path: marketingEventsPath(), qs: { limit: PAGE, after }, allow: [403] });
    if (response.status === 403) return undefined;
    for (const raw of resultsOf(response.body, 'marketing events')) {
      const info = eventInfo(raw);
      events.set(info.id, info);
    }
    after = response.body?.paging?.next?.after;
    if (after && events.size >= MAX_MARKETING_EVENTS) truncated = true;
  } while (after && !truncated);

  const perContact = new Map<string, Activity[]>();
  let participations = 0;
  for (const eventId of events.keys()) {
    let cursor: string | undefined;
    do {
      const response = await request<Page>('marketingEvents.participations', {
        method: 'GET',
        path: marketingEventsPath(`/participations/${encodeURIComponent(eventId)}/breakdown`),
        qs: { limit: PAGE, after: cursor },
        allow: [403],
      });
      if (response.status === 403) return undefined;
      for (const raw of resultsOf(response.body, 'marketing event participations')) {
        participations++;
        const p = participation(raw, eventId);
        const activity = participationActivity(p, events);
        if (!activity) continue;
        const list = perContact.get(p.contactId);
        if (list) list.push(activity);
        else perContact.set(p.contactId, [activity]);
      }
      cursor = response.body?.paging?.next?.after;
      if (cursor && participations >= MAX_PARTICIPATIONS) truncated = true;
    } while (cursor && !truncated);
    if (truncated) break;
  }
  for (const [id, list] of perContact) perContact.set(id, list.sort((a, b) => b.at.localeCompare(a.at)).slice(0, MAX_EVENT_ACTIVITIES_PER_CONTACT));
  return { activities: perContact, events: events.size, participations, truncated };
}
