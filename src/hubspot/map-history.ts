// Property history → dated activities (pure). HubSpot keeps every value a contact property had, with its timestamp
// (batch read with `propertiesWithHistory`, docs/hubspot-platform.md "History of property values"). The rollups below
// change on each event, so their history is the event series: every form fill with its name, every marketing-email
// open, click and reply, every page seen with its URL. Where a rollup comes back without history, the rollup
// approximation of map-activities.ts stays.
import type { Activity, ActivityType, PropertyBag } from '../scoring/types.ts';
import { classifyConversion, rollupActivities, toIsoTime } from './map-activities.ts';

/** Contact properties whose history is read (≤ 50 contacts per batch read when history is asked for). */
export const HISTORY_PROPERTIES = [
  'recent_conversion_event_name',
  'recent_conversion_date',
  'hs_email_last_open_date',
  'hs_email_last_click_date',
  'hs_email_last_reply_date',
  'hs_analytics_last_visit_timestamp',
  'hs_analytics_last_url',
] as const;

/** Values kept per property, newest first: older events count for little once decayed, and a profile stays small. */
export const MAX_HISTORY_PER_PROPERTY = 100;

/**
 * A conversion sets its name and its date in one update; HubSpot stamps both values with (nearly) the same time. A
 * date value is paired with the name in effect at its timestamp, allowing this much clock skew.
 */
export const PAIR_TOLERANCE_MS = 60_000;

/** One historic value as HubSpot returns it (`sourceType`, `sourceId` are not needed here). */
export interface HistoryValue {
  value: string;
  timestamp: string;
}

export type PropertyHistory = ReadonlyMap<string, readonly HistoryValue[]>;

/**
 * `propertiesWithHistory` of one batch-read result. A shape that is not HubSpot's (not an object of arrays of objects
 * with string `value` and `timestamp`) is an error, never "no history"; single values that are empty stay out.
 */
export function parseHistory(raw: unknown): Map<string, HistoryValue[]> {
  const out = new Map<string, HistoryValue[]>();
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error('HubSpot returned propertiesWithHistory that is not an object');
  for (const [name, list] of Object.entries(raw)) {
    if (!Array.isArray(list)) throw new Error(`HubSpot returned a history of ${name} that is not a list`);
    const values: HistoryValue[] = [];
    for (const entry of list) {
      const { value, timestamp } = (entry ?? {}) as { value?: unknown; timestamp?: unknown };
      if (typeof entry !== 'object' || entry === null || (value !== undefined && value !== null && typeof value !== 'string') || typeof timestamp !== 'string') {
        throw new Error(`HubSpot returned a history value of ${name} without a string value and timestamp`);
      }
      if (typeof value === 'string' && value !== '') values.push({ value, timestamp });
    }
    out.set(name, values);
  }
  return out;
}

interface Dated {
  ms: number;
  value: string;
}

/** A property's values with a valid timestamp, newest first, at most `MAX_HISTORY_PER_PROPERTY`. */
function newest(history: PropertyHistory, name: string): Dated[] {
  const out: Dated[] = [];
  for (const h of history.get(name) ?? []) {
    const at = toIsoTime(h.timestamp);
    if (at) out.push({ ms: Date.parse(at), value: h.value });
  }
  return out.sort((a, b) => b.ms - a.ms).slice(0, MAX_HISTORY_PER_PROPERTY);
}

function dated(type: ActivityType, at: string, source: string, extra: { title?: string; url?: string } = {}): Activity {
  return { type, at, ...(extra.title ? { title: extra.title } : {}), ...(extra.url ? { url: extra.url } : {}), source };
}

/** Every form submission: each historic `recent_conversion_date` with the name in effect at its timestamp. */
export function conversionActivities(history: PropertyHistory): Activity[] {
  const names = newest(history, 'recent_conversion_event_name');
  const dates = newest(history, 'recent_conversion_date');
  const source = 'hubspot:history:recent_conversion';
  if (dates.length === 0) return names.map((n) => dated(classifyConversion(n.value), new Date(n.ms).toISOString(), source, { title: n.value }));
  const out: Activity[] = [];
  for (const d of dates) {
    const at = toIsoTime(d.value);
    if (!at) continue;
    const name = names.find((n) => n.ms <= d.ms + PAIR_TOLERANCE_MS)?.value;
    out.push(dated(classifyConversion(name), at, source, name ? { title: name } : {}));
  }
  return out;
}

/** One activity per historic date value of a "last … date" rollup (marketing-email opens, clicks, replies). */
export function dateHistoryActivities(history: PropertyHistory, name: string, type: ActivityType): Activity[] {
  const out: Activity[] = [];
  for (const d of newest(history, name)) {
    const at = toIsoTime(d.value);
    if (at) out.push(dated(type, at, `hubspot:history:${name}`));
  }
  return out;
}

/** Page views: each page seen (`hs_analytics_last_url`) with its URL, else each session (`hs_analytics_last_visit_timestamp`). */
export function pageViewActivities(history: PropertyHistory): Activity[] {
  const urls = newest(history, 'hs_analytics_last_url');
  if (urls.length > 0) return urls.map((u) => dated('page_view', new Date(u.ms).toISOString(), 'hubspot:history:hs_analytics_last_url', { url: u.value }));
  return dateHistoryActivities(history, 'hs_analytics_last_visit_timestamp', 'page_view');
}

/** Rollup approximations (map-activities.ts sources) each history family replaces. */
const ROLLUP_SOURCES = {
  conversions: ['hubspot:recent_conversion', 'hubspot:first_conversion'],
  opens: ['hubspot:hs_email_open'],
  clicks: ['hubspot:hs_email_click'],
  replies: ['hubspot:hs_email_replied'],
  pageViews: ['hubspot:hs_analytics_last_visit_timestamp', 'hubspot:hs_analytics_first_visit_timestamp'],
} as const;

/** The same event twice (one type, one time) is one activity. */
export function collapseDuplicates(activities: Activity[]): Activity[] {
  const seen = new Set<string>();
  return activities.filter((a) => {
    const key = `${a.type}|${a.at}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A contact's web, form and marketing-email activities: from property history where HubSpot returned some, else the
 * rollup approximation. The first conversion (a rollup of its own) is kept when it is older than the history goes.
 */
export function historyActivities(properties: PropertyBag, history: PropertyHistory): Activity[] {
  const rollups = rollupActivities(properties);
  const families: Array<[keyof typeof ROLLUP_SOURCES, Activity[]]> = [
    ['conversions', conversionActivities(history)],
    ['opens', dateHistoryActivities(history, 'hs_email_last_open_date', 'email_open')],
    ['clicks', dateHistoryActivities(history, 'hs_email_last_click_date', 'email_click')],
    ['replies', dateHistoryActivities(history, 'hs_email_last_reply_date', 'email_reply')],
    ['pageViews', pageViewActivities(history)],
  ];
  const replaced = new Set<string>();
  const out: Activity[] = [];
  for (const [family, activities] of families) {
    if (activities.length === 0) continue;
    for (const s of ROLLUP_SOURCES[family]) replaced.add(s);
    out.push(...collapseDuplicates(activities));
    if (family === 'conversions') {
      const oldest = Math.min(...activities.map((a) => Date.parse(a.at)));
      const firstAt = toIsoTime(properties.first_conversion_date);
      if (firstAt && Date.parse(firstAt) < oldest) {
        out.push(dated(classifyConversion(properties.first_conversion_event_name), firstAt, 'hubspot:first_conversion', { title: properties.first_conversion_event_name ?? '' }));
      }
    }
  }
  return [...rollups.filter((a) => !replaced.has(a.source ?? '')), ...out];
}
