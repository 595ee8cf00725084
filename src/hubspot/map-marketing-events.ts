// Marketing event participations → docs/contract.md activities (pure). HubSpot's marketing events (webinars, trade shows,
// conferences; docs/hubspot-platform.md "Marketing events") record per contact a registration, attendance,
// cancellation or no-show with the time it happened. The event's type, else its name, tells a webinar from an event
// on site; only webinars have a registration activity of their own.
import type { Activity, ActivityType } from '../scoring/types.ts';
import { toIsoTime } from './map-activities.ts';

/** The event as listed by HubSpot; the type is free text set by the integration that created it (e.g. "WEBINAR"). */
export interface MarketingEventInfo {
  id: string;
  name: string;
  type?: string;
}

export interface Participation {
  contactId: string;
  eventId: string;
  /** ATTENDED, REGISTERED, CANCELLED, NO_SHOW or EMPTY. */
  state: string;
  /** Epoch ms or ISO, as HubSpot sends `occurredAt`. */
  occurredAt: unknown;
}

const WEBINAR = /webinar|webcast|web seminar|online|virtual|livestream|live stream/i;

export function isWebinar(event: MarketingEventInfo): boolean {
  return WEBINAR.test(event.type ?? '') || WEBINAR.test(event.name);
}

function activityType(event: MarketingEventInfo, state: string): ActivityType | undefined {
  const webinar = isWebinar(event);
  if (state === 'ATTENDED') return webinar ? 'webinar_attendance' : 'event_attendance';
  if (state === 'REGISTERED') return webinar ? 'webinar_registration' : undefined;
  return undefined;
}

/** A participation's activity, or undefined when it counts for nothing (cancelled, no-show, undated, unknown event). */
export function participationActivity(p: Participation, events: ReadonlyMap<string, MarketingEventInfo>): Activity | undefined {
  const event = events.get(p.eventId);
  if (!event) return undefined;
  const type = activityType(event, p.state.toUpperCase());
  const raw = typeof p.occurredAt === 'number' ? String(p.occurredAt) : typeof p.occurredAt === 'string' ? p.occurredAt : undefined;
  const at = toIsoTime(raw);
  if (!type || !at) return undefined;
  return { type, at, ...(event.name ? { title: event.name } : {}), source: 'hubspot:marketing_event' };
}

/** A form fill and a marketing-event registration this close together are the same registration. */
export const SAME_REGISTRATION_MS = 24 * 3_600_000;

/**
 * Adds a contact's marketing-event activities. The form-name rule (a form called "webinar …" is a webinar
 * registration) stays for registrations HubSpot's marketing events do not know; one they do know is not counted twice.
 */
export function withEventActivities(activities: Activity[], eventActivities: readonly Activity[]): Activity[] {
  if (eventActivities.length === 0) return activities;
  const registrations = eventActivities.filter((a) => a.type === 'webinar_registration').map((a) => Date.parse(a.at));
  const kept = activities.filter(
    (a) => a.type !== 'webinar_registration' || !registrations.some((at) => Math.abs(at - Date.parse(a.at)) <= SAME_REGISTRATION_MS),
  );
  return [...kept, ...eventActivities];
}
