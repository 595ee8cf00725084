// Pure: which events lead to which work. No I/O; the intake passes what it knows about each portal.
// Duplicates happen and eventId is not unique, order is not guaranteed (docs/hubspot-platform.md §1.3, §8.5);
// the app's own writes come back as propertyChange events (docs/hubspot-platform.md §8.6).
import { LIFECYCLE_STAGES } from '../scoring/types.ts';
import type { EngagementObjectType } from '../hubspot/portal-client.ts';
import type { EventKey, PortalId, WorkItem } from '../store/store.ts';
import type { HubSpotEvent } from './event-schema.ts';

/** What the intake knows about a portal when classifying. */
export interface PortalView {
  installed: boolean;
  /** Contact properties the portal's model reads (modelInputs(model).contact). */
  contactInputs: ReadonlySet<string>;
  /** Company properties the portal's model reads (modelInputs(model).company): the firmographics behind fit. */
  companyInputs: ReadonlySet<string>;
}

export interface ClassifyOptions {
  /** HUBSPOT_APP_ID: events whose source is the app itself are echoes of its own writes. */
  appId?: string | undefined;
  now: number;
  /** Coalescing window for rescoring (RESCORE_DELAY_MS). */
  rescoreDelayMs: number;
  portal(portalId: PortalId): PortalView;
}

export type IgnoreReason =
  | 'not_installed'
  | 'own_change'
  | 'output_property'
  | 'unread_property'
  | 'unrelated_association'
  | 'unhandled_type';

export interface ClassifiedEvent {
  key: EventKey;
  items: WorkItem[];
}

export interface Classification {
  /** Events that cause work, one entry per dedup key, oldest occurredAt first. */
  accepted: ClassifiedEvent[];
  ignored: Partial<Record<IgnoreReason, number>>;
}

/** Reps and forms fill these in; they change BANT criteria, so they trigger a rescore (docs/contract.md §3). */
export const ANSWER_PROPERTIES: ReadonlySet<string> = new Set([
  'bant_budget_answer',
  'bant_authority_answer',
  'bant_need_answer',
  'bant_timeline_answer',
]);

/** Sales feedback (docs/contract.md §3): an outcome and, for a loss naming a criterion, a BANT change: rescore. */
export const FEEDBACK_PROPERTIES: ReadonlySet<string> = new Set(['bant_feedback', 'bant_feedback_criterion', 'bant_feedback_competitor']);

/**
 * A contact moving past the lead stages ends its lead tasks (docs/contract.md §4), so a change of its stage triggers a
 * rescore too, except to the stages the app itself writes: those are the app's echo (docs/hubspot-platform.md §8.6), also
 * in private-app mode, where no app id marks the app's own changes.
 */
function isLeadProcessChange(name: string, value: string | undefined): boolean {
  return name === 'lifecyclestage' && !(LIFECYCLE_STAGES as readonly string[]).includes(value ?? '');
}

/** Engagement object type ids (docs/hubspot-platform.md §1.2) whose creation means new activity on associated contacts. */
// A Map, not an object literal: the id comes from the delivery, and `__proto__` or `constructor` must not be found.
export const ENGAGEMENT_TYPE_IDS: ReadonlyMap<string, EngagementObjectType> = new Map([
  ['0-46', 'notes'],
  ['0-47', 'meetings'],
  ['0-48', 'calls'],
  ['0-49', 'emails'],
]);
const CONTACT_TYPE_ID = '0-1';
const COMPANY_TYPE_ID = '0-2';
const DEAL_TYPE_ID = '0-3';
/** Deal properties whose change can make a deal won or lost: its stage (and pipeline, which moves it to other stages). */
const DEAL_OUTCOME_PROPERTIES: ReadonlySet<string> = new Set(['dealstage', 'pipeline', 'closedate']);
/** Associations that change what the engine sees: the company (firmographics) and engagements (activities). */
const RELEVANT_ASSOCIATION = /COMPANY|CALL|MEETING|EMAIL|NOTE|ENGAGEMENT/i;

/** The app's output properties: everything `bant_*` except the answer and feedback properties reps fill in. */
export function isOutputProperty(name: string): boolean {
  return name.startsWith('bant_') && !ANSWER_PROPERTIES.has(name) && !FEEDBACK_PROPERTIES.has(name);
}

/** sourceId is e.g. "userId:45678" or the app id, possibly prefixed (docs/hubspot-platform.md §1.3); changeSource may carry it too. */
export function isOwnChange(event: HubSpotEvent, appId: string | undefined): boolean {
  if (!appId) return false;
  if (event.changeSource === appId) return true;
  const source = event.sourceId;
  if (!source) return false;
  if (source === appId) return true;
  const colon = source.lastIndexOf(':');
  // `source.slice(colon + 1) === appId`, without making the slice (this runs for every event of a delivery).
  return colon > 0 && source.length - colon - 1 === appId.length && source.endsWith(appId) && !/^user/i.test(source.slice(0, colon));
}

/** Dedup key: (portal, subscription, object, property, occurredAt), plus association ends; eventId is not unique. */
export function eventKey(event: HubSpotEvent): EventKey {
  const ends = event.fromObjectId || event.toObjectId ? `|${event.fromObjectId ?? ''}>${event.toObjectId ?? ''}${event.associationRemoved ? '-' : '+'}` : '';
  return `${event.portalId}|${event.type}|${event.objectTypeId ?? ''}|${event.objectId}|${event.propertyName ?? ''}|${event.occurredAt}${ends}`;
}

/** A type split at its first dot: `contact.propertyChange` → contact, propertyChange. */
interface TypeParts {
  prefix: string;
  action: string;
}
/** Deliveries repeat a handful of types; splitting each once saves two strings per event. Bounded. */
const typeParts = new Map<string, TypeParts>();

function splitType(type: string): TypeParts {
  let parts = typeParts.get(type);
  if (parts === undefined) {
    const dot = type.indexOf('.');
    parts = { prefix: dot < 0 ? type : type.slice(0, dot), action: dot < 0 ? '' : type.slice(dot + 1) };
    if (typeParts.size < 256) typeParts.set(type, parts);
  }
  return parts;
}

/** `contact.*` and `object.*` on 0-1 are the same thing, as are `company.*` and `object.*` on 0-2 (docs/hubspot-platform.md §1.2). */
function objectOf(event: HubSpotEvent, prefix: string): 'contact' | 'company' | 'deal' | 'engagement' | 'other' {
  if (prefix === 'contact') return 'contact';
  if (prefix === 'company') return 'company';
  if (prefix === 'deal' || (prefix === 'object' && event.objectTypeId === DEAL_TYPE_ID)) return 'deal';
  if (prefix === 'object' && event.objectTypeId === CONTACT_TYPE_ID) return 'contact';
  if (prefix === 'object' && event.objectTypeId === COMPANY_TYPE_ID) return 'company';
  if (prefix === 'object' && event.objectTypeId && ENGAGEMENT_TYPE_IDS.has(event.objectTypeId)) return 'engagement';
  return 'other';
}

/** The contact end of an association event (`CONTACT_TO_COMPANY`: from; `COMPANY_TO_CONTACT`: to). */
function associatedContactId(event: HubSpotEvent, type: string | undefined): string {
  if (type?.startsWith('CONTACT_TO_')) return event.fromObjectId ?? event.objectId;
  if (type?.endsWith('_TO_CONTACT')) return event.toObjectId ?? event.objectId;
  return event.objectId;
}

type Decision = { items: WorkItem[] } | { ignored: IgnoreReason };

/** The ignore decisions, made once (they are only read). */
const IGNORE: { readonly [R in IgnoreReason]: Decision } = {
  not_installed: { ignored: 'not_installed' },
  own_change: { ignored: 'own_change' },
  output_property: { ignored: 'output_property' },
  unread_property: { ignored: 'unread_property' },
  unrelated_association: { ignored: 'unrelated_association' },
  unhandled_type: { ignored: 'unhandled_type' },
};

function rescore(event: HubSpotEvent, contactId: string, options: ClassifyOptions): WorkItem {
  return { portalId: event.portalId, kind: 'rescore', key: contactId, notBefore: options.now + options.rescoreDelayMs, occurredAt: event.occurredAt };
}

function purge(event: HubSpotEvent, contactId: string, payload: Record<string, unknown>, options: ClassifyOptions): WorkItem {
  return { portalId: event.portalId, kind: 'purge', key: contactId, payload, notBefore: options.now, occurredAt: event.occurredAt };
}

/** A company's properties are the firmographics of its contacts' fit (docs/contract.md §5): the worker finds those contacts. */
function decideCompany(event: HubSpotEvent, action: string, view: PortalView, options: ClassifyOptions): Decision {
  if (action !== 'propertyChange') return IGNORE.unhandled_type;
  if (isOwnChange(event, options.appId)) return IGNORE.own_change;
  if (!view.companyInputs.has(event.propertyName ?? '')) return IGNORE.unread_property;
  return {
    items: [{ portalId: event.portalId, kind: 'company', key: event.objectId, notBefore: options.now + options.rescoreDelayMs, occurredAt: event.occurredAt }],
  };
}

/** A deal created or moved to another stage: the worker reads it and records the outcome of its contacts. */
function decideDeal(event: HubSpotEvent, action: string, options: ClassifyOptions): Decision {
  if (action === 'propertyChange' && !DEAL_OUTCOME_PROPERTIES.has(event.propertyName ?? '')) return IGNORE.unread_property;
  if (action !== 'creation' && action !== 'propertyChange' && action !== 'restore') return IGNORE.unhandled_type;
  return { items: [{ portalId: event.portalId, kind: 'deal', key: event.objectId, notBefore: options.now + options.rescoreDelayMs, occurredAt: event.occurredAt }] };
}

function decide(event: HubSpotEvent, view: PortalView, options: ClassifyOptions): Decision {
  if (!view.installed) return IGNORE.not_installed;
  const { prefix, action } = splitType(event.type);
  const object = objectOf(event, prefix);
  const portalId = event.portalId;

  if (object === 'engagement') {
    if (action !== 'creation') return IGNORE.unhandled_type;
    const objectType = ENGAGEMENT_TYPE_IDS.get(event.objectTypeId ?? '') as EngagementObjectType;
    return {
      items: [
        {
          portalId,
          kind: 'engagement',
          key: `${objectType}:${event.objectId}`,
          payload: { objectType, objectId: event.objectId },
          notBefore: options.now + options.rescoreDelayMs,
          occurredAt: event.occurredAt,
        },
      ],
    };
  }
  if (object === 'company') return decideCompany(event, action, view, options);
  if (object === 'deal') return decideDeal(event, action, options);
  if (object !== 'contact') return IGNORE.unhandled_type;

  switch (action) {
    case 'privacyDeletion':
      // GDPR delete: purge everything held about the contact; it also fires contact.deletion (docs/hubspot-platform.md §1.3).
      return { items: [purge(event, event.objectId, { privacyDeletion: true }, options)] };
    case 'deletion':
      // A rescore reads HubSpot first and purges contacts it no longer has, so a later restore is never undone.
      return { items: [rescore(event, event.objectId, options)] };
    case 'merge': {
      const survivor = event.newObjectId ?? event.primaryObjectId ?? event.objectId;
      const merged = new Set([...(event.mergedObjectIds ?? []), event.primaryObjectId ?? survivor, event.objectId]);
      merged.delete(survivor);
      return { items: [rescore(event, survivor, options), ...[...merged].map((id) => purge(event, id, { merged: true }, options))] };
    }
    case 'creation':
    case 'restore':
      return isOwnChange(event, options.appId) ? IGNORE.own_change : { items: [rescore(event, event.objectId, options)] };
    case 'propertyChange': {
      if (isOwnChange(event, options.appId)) return IGNORE.own_change;
      const name = event.propertyName ?? '';
      if (isOutputProperty(name)) return IGNORE.output_property;
      if (!ANSWER_PROPERTIES.has(name) && !FEEDBACK_PROPERTIES.has(name) && !isLeadProcessChange(name, event.propertyValue) && !view.contactInputs.has(name)) return IGNORE.unread_property;
      return { items: [rescore(event, event.objectId, options)] };
    }
    case 'associationChange': {
      if (isOwnChange(event, options.appId)) return IGNORE.own_change;
      const type = event.associationType;
      if (type !== undefined && !RELEVANT_ASSOCIATION.test(type)) return IGNORE.unrelated_association;
      return { items: [rescore(event, associatedContactId(event, type), options)] };
    }
    default:
      return IGNORE.unhandled_type;
  }
}

/** Sorts by occurredAt (never arrival order), drops duplicates within the delivery, decides each event's work. */
export function classifyEvents(events: HubSpotEvent[], options: ClassifyOptions): Classification {
  const { accepted, ignored } = classifyEventsByKey(events, options);
  return { accepted: [...accepted].map(([key, items]) => ({ key, items })), ignored };
}

/** classifyEvents with `accepted` as a map (dedup key → items, oldest occurredAt first): the intake's form. */
export function classifyEventsByKey(events: HubSpotEvent[], options: ClassifyOptions): { accepted: Map<EventKey, WorkItem[]>; ignored: Classification['ignored'] } {
  // Deliveries usually arrive in order already: then no sorted copy is needed (sort is stable, so the result is the same).
  const sorted = inOrder(events) ? events : [...events].sort((a, b) => a.occurredAt - b.occurredAt);
  const accepted = new Map<EventKey, WorkItem[]>();
  const ignored: Partial<Record<IgnoreReason, number>> = {};
  for (const event of sorted) {
    const key = eventKey(event);
    if (accepted.has(key)) continue;
    const decision = decide(event, options.portal(event.portalId), options);
    if ('ignored' in decision) ignored[decision.ignored] = (ignored[decision.ignored] ?? 0) + 1;
    else accepted.set(key, decision.items);
  }
  return { accepted, ignored };
}

function inOrder(events: HubSpotEvent[]): boolean {
  for (let i = 1; i < events.length; i++) if ((events[i] as HubSpotEvent).occurredAt < (events[i - 1] as HubSpotEvent).occurredAt) return false;
  return true;
}

/** One item per (portal, kind, key): payloads merge, notBefore and occurredAt keep the later (as the store does). */
export function coalesceItems(items: WorkItem[]): WorkItem[] {
  const byKey = new Map<string, WorkItem>();
  for (const item of items) {
    const id = `${item.portalId}\u0000${item.kind}\u0000${item.key}`;
    const existing = byKey.get(id);
    if (!existing) {
      byKey.set(id, { ...item, ...(item.payload ? { payload: { ...item.payload } } : {}) });
      continue;
    }
    existing.notBefore = Math.max(existing.notBefore, item.notBefore);
    if (item.occurredAt !== undefined) existing.occurredAt = Math.max(existing.occurredAt ?? 0, item.occurredAt);
    if (item.payload) existing.payload = { ...existing.payload, ...item.payload };
  }
  return [...byKey.values()];
}
