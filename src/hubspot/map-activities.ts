// HubSpot records → docs/contract.md section 5 activities (pure). Engagement objects give dated events; for web and
// marketing-email activity HubSpot offers only rollup properties on the contact (docs/hubspot-platform.md §4.6), so those become
// at most one or two dated activities each; the counts themselves stay available to the model as properties.
import type { Activity, ActivityType, PropertyBag } from '../scoring/types.ts';

/** Default call outcomes (docs/hubspot-platform.md §4.4), used when the portal's option list cannot be read. */
export const DEFAULT_CALL_DISPOSITIONS: ReadonlyMap<string, string> = new Map([
  ['9d9162e7-6cf3-4944-bf63-4dff82258764', 'Busy'],
  ['f240bbac-87c9-4f6e-bf70-924b57d47db7', 'Connected'],
  ['a4c4c377-d246-4b32-a13b-75a56a4cd0ff', 'Left live message'],
  ['b2cf5968-551e-4856-9783-52b3da59a7d0', 'Left voicemail'],
  ['73a0d17f-1163-4015-bdd5-ec830791da20', 'No answer'],
  ['17b47fee-58de-441e-a44c-c6300d46f273', 'Wrong number'],
]);

export const ENGAGEMENT_PROPERTIES = {
  calls: ['hs_timestamp', 'hs_call_disposition', 'hs_call_title', 'hs_call_status'],
  meetings: ['hs_timestamp', 'hs_createdate', 'hs_meeting_outcome', 'hs_meeting_start_time', 'hs_meeting_title'],
  emails: ['hs_timestamp', 'hs_email_direction', 'hs_email_status', 'hs_email_subject'],
} as const;

export type ReadEngagementType = keyof typeof ENGAGEMENT_PROPERTIES;

/** Contact rollups read for activities (docs/hubspot-platform.md §4.6). */
export const ROLLUP_PROPERTIES = [
  'createdate',
  'num_conversion_events',
  'recent_conversion_date',
  'recent_conversion_event_name',
  'first_conversion_date',
  'first_conversion_event_name',
  'hs_email_open',
  'hs_email_last_open_date',
  'hs_email_click',
  'hs_email_last_click_date',
  'hs_email_replied',
  'hs_email_last_reply_date',
  'hs_email_bounce',
  'hs_email_last_send_date',
  'hs_email_optout',
  'hs_analytics_num_page_views',
  'hs_analytics_last_visit_timestamp',
  'hs_analytics_first_visit_timestamp',
] as const;

/** HubSpot datetimes arrive as ISO strings or epoch-ms strings (docs/hubspot-platform.md §8.14). */
export function toIsoTime(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : undefined;
}

function activity(type: ActivityType, at: string | undefined, extra: { title?: string | null | undefined; source: string }): Activity[] {
  if (!at) return [];
  return [{ type, at, ...(extra.title ? { title: extra.title } : {}), source: extra.source }];
}

export function meetingActivities(p: PropertyBag): Activity[] {
  const outcome = (p.hs_meeting_outcome ?? '').toUpperCase();
  const title = p.hs_meeting_title;
  if (outcome === 'COMPLETED') return activity('meeting_held', toIsoTime(p.hs_meeting_start_time) ?? toIsoTime(p.hs_timestamp), { title, source: 'hubspot:meeting' });
  // Booked = logged and not (yet) held; dated when it was booked. No-shows and cancellations count for nothing.
  if (outcome === '' || outcome === 'SCHEDULED' || outcome === 'RESCHEDULED') {
    return activity('meeting_booked', toIsoTime(p.hs_createdate) ?? toIsoTime(p.hs_timestamp), { title, source: 'hubspot:meeting' });
  }
  return [];
}

/** Call outcomes are GUIDs resolved through the portal's `hs_call_disposition` options (docs/hubspot-platform.md §8.19). */
export function callActivities(p: PropertyBag, dispositionLabels: ReadonlyMap<string, string>): Activity[] {
  const guid = p.hs_call_disposition ?? '';
  const label = dispositionLabels.get(guid) ?? DEFAULT_CALL_DISPOSITIONS.get(guid) ?? '';
  if (label.trim().toLowerCase() !== 'connected') return [];
  return activity('call_connected', toIsoTime(p.hs_timestamp), { title: p.hs_call_title, source: 'hubspot:call' });
}

/** One-to-one CRM emails: an incoming email is the contact's reply; a bounced outgoing one is a bounce. */
export function emailActivities(p: PropertyBag): Activity[] {
  const at = toIsoTime(p.hs_timestamp);
  if (p.hs_email_direction === 'INCOMING_EMAIL') return activity('email_reply', at, { title: p.hs_email_subject, source: 'hubspot:email' });
  if (p.hs_email_direction === 'EMAIL' && p.hs_email_status === 'BOUNCED') return activity('email_bounce', at, { title: p.hs_email_subject, source: 'hubspot:email' });
  return [];
}

/**
 * The conversion's kind from its name (a heuristic: HubSpot stores only the form or page name). "Demo" → demo
 * request, "webinar" → webinar registration, downloads of content → content download, else a form submission.
 */
export function classifyConversion(name: string | null | undefined): ActivityType {
  const n = (name ?? '').toLowerCase();
  if (/\bdemo\b/.test(n)) return 'demo_request';
  if (/webinar/.test(n)) return 'webinar_registration';
  if (/download|whitepaper|white paper|e-?book|checklist|guide|report/.test(n)) return 'content_download';
  return 'form_submission';
}

const positive = (value: string | null | undefined) => Number(value ?? 0) > 0;

export function rollupActivities(p: PropertyBag): Activity[] {
  const out: Activity[] = [];
  // Approximation (docs/hubspot-platform.md §4.6): num_conversion_events counts form submissions, but only the first and the most
  // recent carry a date and a name; those two become activities, the others are not dated and not listed.
  if (positive(p.num_conversion_events)) {
    const recent = toIsoTime(p.recent_conversion_date);
    out.push(...activity(classifyConversion(p.recent_conversion_event_name), recent, { title: p.recent_conversion_event_name, source: 'hubspot:recent_conversion' }));
    const first = toIsoTime(p.first_conversion_date);
    if (Number(p.num_conversion_events) >= 2 && first && first !== recent) {
      out.push(...activity(classifyConversion(p.first_conversion_event_name), first, { title: p.first_conversion_event_name, source: 'hubspot:first_conversion' }));
    }
  }
  // Approximation (§4.6): marketing email counts (hs_email_click/open/replied) with only the last date: one activity each.
  if (positive(p.hs_email_click)) out.push(...activity('email_click', toIsoTime(p.hs_email_last_click_date), { source: 'hubspot:hs_email_click' }));
  if (positive(p.hs_email_open)) out.push(...activity('email_open', toIsoTime(p.hs_email_last_open_date), { source: 'hubspot:hs_email_open' }));
  if (positive(p.hs_email_replied)) out.push(...activity('email_reply', toIsoTime(p.hs_email_last_reply_date), { source: 'hubspot:hs_email_replied' }));
  // Approximation (§4.6): page views are a count plus the first and last session times: a view at each.
  if (positive(p.hs_analytics_num_page_views)) {
    const last = toIsoTime(p.hs_analytics_last_visit_timestamp);
    out.push(...activity('page_view', last, { source: 'hubspot:hs_analytics_last_visit_timestamp' }));
    const first = toIsoTime(p.hs_analytics_first_visit_timestamp);
    if (Number(p.hs_analytics_num_page_views) >= 2 && first && first !== last) {
      out.push(...activity('page_view', first, { source: 'hubspot:hs_analytics_first_visit_timestamp' }));
    }
  }
  // Approximation (§4.6): bounces and opt-outs have no date of their own; the last marketing send (else the contact's
  // creation) bounds them from below and stays stable, so decay still applies.
  const lastSend = toIsoTime(p.hs_email_last_send_date) ?? toIsoTime(p.createdate);
  if (positive(p.hs_email_bounce)) out.push(...activity('email_bounce', lastSend, { source: 'hubspot:hs_email_bounce' }));
  if (p.hs_email_optout === 'true') out.push(...activity('unsubscribe', lastSend, { source: 'hubspot:hs_email_optout' }));
  return out;
}
