// Contacts → scoring profiles with batch endpoints only (docs/hubspot-platform.md §4.4 approach 1): batch read contacts with the
// history of their event rollups (≤50), associations v4 to companies and engagements (≤1,000), batch read of the
// primary companies and the engagements (≤100 each). 100 contacts with 10 activities each cost about 18 calls.
import type { Activity, PropertyBag } from '../scoring/types.ts';
import { type AssociatedObject, readAssociations } from './associations.ts';
import { FEEDBACK_PROPERTY_NAMES, OUTPUT_PROPERTY_NAMES } from './bant-properties.ts';
import {
  callActivities,
  ENGAGEMENT_PROPERTIES,
  emailActivities,
  meetingActivities,
  type ReadEngagementType,
  ROLLUP_PROPERTIES,
} from './map-activities.ts';
import { ANSWER_HISTORY_PROPERTIES, readAnswerTimes } from './answer-times.ts';
import { HISTORY_PROPERTIES, historyActivities, type PropertyHistory, parseHistory } from './map-history.ts';
import { withEventActivities } from './map-marketing-events.ts';
import type { ContactRecord } from './portal-client.ts';
import type { PortalRequest } from './request.ts';
import { objectsPath } from './api-paths.ts';
import { batchReadShape } from './response-shapes.ts';

export const OBJECT_BATCH = 100;
/** Contact → primary company (docs/hubspot-platform.md §4.3). */
export const PRIMARY_COMPANY = 1;
/**
 * Engagements read per contact and type, newest first by id (HubSpot ids grow over time; an approximation of
 * "most recent" that costs no extra call). Older history matters little once decayed.
 */
export const MAX_ENGAGEMENTS_PER_TYPE = 50;
/** Notes are a rep's free text, not the buyer's engagement (docs/contract.md section 5 has no note activity): not read. */
export const READ_ENGAGEMENT_TYPES: ReadEngagementType[] = ['meetings', 'calls', 'emails'];

/** Read on every rescore: the sales feedback and the customer date are outcomes (src/outcomes/), never features. */
const STANDARD = ['lifecyclestage', 'hs_lead_status', 'hubspot_owner_id', 'lastmodifieddate', 'hs_lifecyclestage_customer_date', ...FEEDBACK_PROPERTY_NAMES];

interface BatchReadResponse {
  results?: Array<{ id: string; properties?: Record<string, string | null>; propertiesWithHistory?: unknown; updatedAt?: string; archived?: boolean }>;
}

export interface ReadContactsOptions {
  /** hs_call_disposition GUID → label, read once per portal. */
  callDispositionLabels: () => Promise<ReadonlyMap<string, string>>;
  /** Contact id → webinar and event activities from HubSpot's marketing events; undefined without the optional scope. */
  marketingEventActivities?: () => Promise<ReadonlyMap<string, Activity[]> | undefined>;
}

export async function readContacts(
  request: PortalRequest,
  contactIds: string[],
  propertyNames: { contact: string[]; company: string[]; outputs?: string[] },
  options: ReadContactsOptions,
): Promise<Map<string, ContactRecord>> {
  const out = new Map<string, ContactRecord>();
  const ids = [...new Set(contactIds)];
  for (let i = 0; i < ids.length; i += OBJECT_BATCH) {
    for (const record of await readChunk(request, ids.slice(i, i + OBJECT_BATCH), propertyNames, options)) out.set(record.contactId, record);
  }
  return out;
}

async function readChunk(
  request: PortalRequest,
  ids: string[],
  propertyNames: { contact: string[]; company: string[]; outputs?: string[] },
  options: ReadContactsOptions,
): Promise<ContactRecord[]> {
  // A MEDDIC model's meddic_* values are outputs too (modelInputs(model).outputs).
  const outputNames = propertyNames.outputs?.length ? [...OUTPUT_PROPERTY_NAMES, ...propertyNames.outputs] : OUTPUT_PROPERTY_NAMES;
  const contactProperties = [...new Set([...propertyNames.contact, ...outputNames, ...STANDARD, ...ROLLUP_PROPERTIES])];
  const withCompany = propertyNames.company.length > 0;
  // The contact batch and the association reads do not depend on each other.
  const [contacts, eventActivities, companyLinks, ...engagementLinks] = await Promise.all([
    batchRead(request, 'contacts', ids, contactProperties, [...HISTORY_PROPERTIES, ...ANSWER_HISTORY_PROPERTIES]),
    options.marketingEventActivities?.(),
    withCompany ? readAssociations(request, 'contacts', 'companies', ids) : Promise.resolve(new Map<string, AssociatedObject[]>()),
    ...READ_ENGAGEMENT_TYPES.map((type) => readAssociations(request, 'contacts', type, ids)),
  ]);
  const found = ids.filter((id) => contacts.has(id));

  const primaryCompany = new Map<string, string>();
  for (const id of found) {
    const primary = scoringCompanyOf(companyLinks.get(id) ?? []);
    if (primary) primaryCompany.set(id, primary.id);
  }

  const engagementIds = READ_ENGAGEMENT_TYPES.map((_type, k) => {
    const perContact = new Map<string, string[]>();
    for (const id of found) {
      const newest = (engagementLinks[k]?.get(id) ?? [])
        .map((l) => l.id)
        .sort((a, b) => Number(b) - Number(a))
        .slice(0, MAX_ENGAGEMENTS_PER_TYPE);
      perContact.set(id, newest);
    }
    return perContact;
  });

  const hasCalls = anyIds(engagementIds[READ_ENGAGEMENT_TYPES.indexOf('calls')]);
  const [companies, dispositions, ...engagements] = await Promise.all([
    withCompany && primaryCompany.size
      ? batchRead(request, 'companies', [...new Set(primaryCompany.values())], propertyNames.company)
      : Promise.resolve(new Map<string, { properties: PropertyBag }>()),
    hasCalls ? options.callDispositionLabels() : Promise.resolve(new Map<string, string>()),
    ...READ_ENGAGEMENT_TYPES.map((type, k) =>
      batchRead(request, type, [...new Set([...(engagementIds[k]?.values() ?? [])].flat())], [...ENGAGEMENT_PROPERTIES[type]]),
    ),
  ]);

  return found.map((id) => {
    const contact = contacts.get(id) as { properties: PropertyBag; history: PropertyHistory; updatedAt?: string };
    const activities = withEventActivities(historyActivities(contact.properties, contact.history), eventActivities?.get(id) ?? []);
    READ_ENGAGEMENT_TYPES.forEach((type, k) => {
      for (const engagementId of engagementIds[k]?.get(id) ?? []) {
        const props = engagements[k]?.get(engagementId)?.properties;
        if (!props) continue;
        if (type === 'meetings') activities.push(...meetingActivities(props));
        else if (type === 'calls') activities.push(...callActivities(props, dispositions));
        else activities.push(...emailActivities(props));
      }
    });
    activities.sort((a, b) => a.at.localeCompare(b.at));
    const companyId = primaryCompany.get(id);
    const company = companyId ? companies.get(companyId) : undefined;
    const current: Record<string, string | null> = {};
    for (const name of [...outputNames, 'lifecyclestage', 'hs_lead_status']) current[name] = contact.properties[name] ?? null;
    const modelInputs = new Set(propertyNames.contact);
    const properties: PropertyBag = {};
    for (const [name, value] of Object.entries(contact.properties)) {
      // A JSON key "__proto__" would set the bag's prototype, not a property.
      if (name === '__proto__' || (outputNames.includes(name) && !modelInputs.has(name))) continue;
      properties[name] = value;
    }
    const updatedAt = contact.properties.lastmodifieddate ?? contact.updatedAt;
    const record: ContactRecord = {
      contactId: id,
      profile: { properties, company: company ? { properties: company.properties } : null, activities },
      ownerId: contact.properties.hubspot_owner_id || null,
      current,
      ...(companyId && company ? { companyId } : {}),
      answeredAt: readAnswerTimes(contact.properties, contact.history),
      ...(updatedAt ? { updatedAt } : {}),
    };
    return record;
  });
}

/** The company a contact is scored with: its primary company, else its only one. */
export function scoringCompanyOf(links: AssociatedObject[]): AssociatedObject | undefined {
  return links.find((l) => l.typeIds.includes(PRIMARY_COMPANY)) ?? (links.length === 1 ? links[0] : undefined);
}

function anyIds(perContact: Map<string, string[]> | undefined): boolean {
  for (const list of perContact?.values() ?? []) if (list.length) return true;
  return false;
}

/** HubSpot takes at most 50 inputs per batch read that asks for property history (docs/hubspot-platform.md, batch limits). */
export const HISTORY_BATCH = 50;

/**
 * POST /crm/objects/2026-03/{type}/batch/read (≤100, ≤50 with `propertiesWithHistory`; cannot return associations,
 * docs/hubspot-platform.md §8.16). Missing ids are absent.
 */
export async function batchRead(
  request: PortalRequest,
  objectType: string,
  ids: string[],
  properties: string[],
  propertiesWithHistory: string[] = [],
): Promise<Map<string, { properties: PropertyBag; history: PropertyHistory; updatedAt?: string }>> {
  const out = new Map<string, { properties: PropertyBag; history: PropertyHistory; updatedAt?: string }>();
  const size = propertiesWithHistory.length ? HISTORY_BATCH : OBJECT_BATCH;
  for (let i = 0; i < ids.length; i += size) {
    const chunk = ids.slice(i, i + size);
    const response = await request<BatchReadResponse>(`${objectType}.batchRead`, {
      method: 'POST',
      path: objectsPath(objectType, '/batch/read'),
      body: { properties, ...(propertiesWithHistory.length ? { propertiesWithHistory } : {}), inputs: chunk.map((id) => ({ id })) },
      allow: [404],
      expect: batchReadShape(chunk),
    });
    for (const r of response.body?.results ?? []) {
      if (r.archived) continue;
      out.set(String(r.id), { properties: r.properties ?? {}, history: parseHistory(r.propertiesWithHistory), ...(r.updatedAt ? { updatedAt: r.updatedAt } : {}) });
    }
  }
  return out;
}
