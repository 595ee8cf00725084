// The OAuth scopes each HubSpot endpoint the app calls needs, from the `security` blocks of HubSpot's OpenAPI
// specifications (docs/hubspot-platform.md §2.7). Marketplace review wants every requested scope used and nothing
// more (docs/hubspot-platform.md §7): test/project/scopes.test.ts checks app.json's scopes against this table and
// the request paths in src/hubspot/*.ts. A call the code makes that is missing here fails that test.

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface EndpointScopes {
  method: HttpMethod;
  /** The path without its API version segment (`v3`, `2026-03`, …); `{name}` stands for one path segment. */
  path: string;
  /**
   * Every entry must be granted; an entry lists alternatives, any one of which is enough (the spec's `security`
   * alternatives). Empty: the call authenticates with the app's client credentials, not a portal token.
   */
  requires: readonly (readonly string[])[];
}

const CONTACTS_READ = ['crm.objects.contacts.read'] as const;
const CONTACTS_WRITE = ['crm.objects.contacts.write'] as const;
const COMPANIES_READ = ['crm.objects.companies.read'] as const;
const COMPANIES_WRITE = ['crm.objects.companies.write'] as const;
/** Emails' spec accepts either scope; the contacts one is always requested, so `sales-email-read` is never needed. */
const EMAILS_READ = ['crm.objects.contacts.read', 'sales-email-read'] as const;
const CONTACT_SCHEMA_READ = ['crm.objects.contacts.read', 'crm.schemas.contacts.read'] as const;
const CONTACT_SCHEMA_WRITE = ['crm.schemas.contacts.write'] as const;
const COMPANY_SCHEMA_READ = ['crm.objects.companies.read', 'crm.schemas.companies.read'] as const;
const COMPANY_SCHEMA_WRITE = ['crm.schemas.companies.write'] as const;

/** Engagement objects the app reads; tasks, calls, meetings and notes use the contacts scopes (§2.7). */
const ENGAGEMENT_READ: Record<string, readonly string[]> = {
  calls: CONTACTS_READ,
  meetings: CONTACTS_READ,
  notes: CONTACTS_READ,
  tasks: CONTACTS_READ,
  emails: EMAILS_READ,
};

const objectReads: EndpointScopes[] = [
  { method: 'GET', path: '/crm/objects/contacts', requires: [CONTACTS_READ] },
  { method: 'POST', path: '/crm/objects/contacts/batch/read', requires: [CONTACTS_READ] },
  { method: 'POST', path: '/crm/objects/contacts/search', requires: [CONTACTS_READ] },
  { method: 'POST', path: '/crm/objects/companies/batch/read', requires: [COMPANIES_READ] },
  { method: 'POST', path: '/crm/objects/companies/search', requires: [COMPANIES_READ] },
  ...Object.entries(ENGAGEMENT_READ).map(([type, scopes]): EndpointScopes => ({ method: 'POST', path: `/crm/objects/${type}/batch/read`, requires: [scopes] })),
];

const objectWrites: EndpointScopes[] = [
  { method: 'POST', path: '/crm/objects/contacts/batch/update', requires: [CONTACTS_WRITE] },
  { method: 'POST', path: '/crm/objects/companies/batch/update', requires: [COMPANIES_WRITE] },
  // Tasks are created with their association to the contact (or company) in the same call.
  { method: 'POST', path: '/crm/objects/tasks/batch/create', requires: [CONTACTS_WRITE] },
  { method: 'POST', path: '/crm/objects/tasks/batch/update', requires: [CONTACTS_WRITE] },
];

const DEALS_READ = ['crm.objects.deals.read'] as const;
const MARKETING_EVENTS_READ = ['crm.objects.marketing_events.read'] as const;

const dealReads: EndpointScopes[] = [
  { method: 'GET', path: '/crm/objects/deals', requires: [DEALS_READ] },
  { method: 'POST', path: '/crm/objects/deals/batch/read', requires: [DEALS_READ] },
  { method: 'POST', path: '/crm/objects/deals/search', requires: [DEALS_READ] },
  // Deal stages (won, lost) come from the deal pipelines.
  { method: 'GET', path: '/crm/pipelines/deals', requires: [DEALS_READ] },
];

const LEADS_READ = ['crm.objects.leads.read'] as const;
const LEADS_WRITE = ['crm.objects.leads.write'] as const;

// HubSpot's Leads object (docs/hubspot-platform.md §4.9), optional scopes: read the lead pipelines and a contact's leads,
// create leads with their contact, update their values and stage, and the app's properties on leads.
const leads: EndpointScopes[] = [
  { method: 'GET', path: '/crm/pipelines/leads', requires: [LEADS_READ] },
  { method: 'POST', path: '/crm/objects/leads/batch/read', requires: [LEADS_READ] },
  { method: 'POST', path: '/crm/objects/leads/batch/create', requires: [LEADS_WRITE, CONTACTS_READ] },
  { method: 'POST', path: '/crm/objects/leads/batch/update', requires: [LEADS_WRITE] },
  { method: 'POST', path: '/crm/associations/contacts/leads/batch/read', requires: [CONTACTS_READ, LEADS_READ] },
  { method: 'GET', path: '/crm/properties/leads/{propertyName}', requires: [LEADS_READ] },
  { method: 'POST', path: '/crm/properties/leads/batch/read', requires: [LEADS_READ] },
  { method: 'POST', path: '/crm/properties/leads/groups', requires: [LEADS_WRITE] },
  { method: 'POST', path: '/crm/properties/leads', requires: [LEADS_WRITE] },
  { method: 'POST', path: '/crm/properties/leads/batch/create', requires: [LEADS_WRITE] },
  { method: 'PATCH', path: '/crm/properties/leads/{propertyName}', requires: [LEADS_WRITE] },
];

const associationReads: EndpointScopes[] = [
  { method: 'POST', path: '/crm/associations/contacts/companies/batch/read', requires: [CONTACTS_READ, COMPANIES_READ] },
  { method: 'POST', path: '/crm/associations/companies/contacts/batch/read', requires: [COMPANIES_READ, CONTACTS_READ] },
  { method: 'POST', path: '/crm/associations/contacts/deals/batch/read', requires: [CONTACTS_READ, DEALS_READ] },
  { method: 'POST', path: '/crm/associations/deals/contacts/batch/read', requires: [DEALS_READ, CONTACTS_READ] },
  { method: 'POST', path: '/crm/associations/companies/deals/batch/read', requires: [COMPANIES_READ, DEALS_READ] },
  { method: 'POST', path: '/crm/associations/deals/companies/batch/read', requires: [DEALS_READ, COMPANIES_READ] },
  ...Object.entries(ENGAGEMENT_READ).map(([type, scopes]): EndpointScopes => ({
    method: 'POST',
    path: `/crm/associations/contacts/${type}/batch/read`,
    requires: [CONTACTS_READ, scopes],
  })),
];

const properties: EndpointScopes[] = [
  { method: 'GET', path: '/crm/properties/contacts/{propertyName}', requires: [CONTACT_SCHEMA_READ] },
  // Call outcomes (hs_call_disposition) are options of a calls property.
  { method: 'GET', path: '/crm/properties/calls/{propertyName}', requires: [CONTACT_SCHEMA_READ] },
  { method: 'POST', path: '/crm/properties/contacts/batch/read', requires: [CONTACT_SCHEMA_READ] },
  { method: 'POST', path: '/crm/properties/contacts/groups', requires: [CONTACT_SCHEMA_WRITE] },
  { method: 'GET', path: '/crm/properties/contacts/groups/{groupName}', requires: [CONTACT_SCHEMA_READ] },
  { method: 'PATCH', path: '/crm/properties/contacts/groups/{groupName}', requires: [CONTACT_SCHEMA_WRITE] },
  { method: 'POST', path: '/crm/properties/contacts', requires: [CONTACT_SCHEMA_WRITE] },
  { method: 'POST', path: '/crm/properties/contacts/batch/create', requires: [CONTACT_SCHEMA_WRITE] },
  { method: 'PATCH', path: '/crm/properties/contacts/{propertyName}', requires: [CONTACT_SCHEMA_WRITE] },
  { method: 'GET', path: '/crm/properties/companies/{propertyName}', requires: [COMPANY_SCHEMA_READ] },
  { method: 'POST', path: '/crm/properties/companies/batch/read', requires: [COMPANY_SCHEMA_READ] },
  { method: 'POST', path: '/crm/properties/companies/groups', requires: [COMPANY_SCHEMA_WRITE] },
  { method: 'GET', path: '/crm/properties/companies/groups/{groupName}', requires: [COMPANY_SCHEMA_READ] },
  { method: 'PATCH', path: '/crm/properties/companies/groups/{groupName}', requires: [COMPANY_SCHEMA_WRITE] },
  { method: 'POST', path: '/crm/properties/companies', requires: [COMPANY_SCHEMA_WRITE] },
  { method: 'POST', path: '/crm/properties/companies/batch/create', requires: [COMPANY_SCHEMA_WRITE] },
  { method: 'PATCH', path: '/crm/properties/companies/{propertyName}', requires: [COMPANY_SCHEMA_WRITE] },
];

const account: EndpointScopes[] = [
  { method: 'GET', path: '/crm/owners', requires: [['crm.objects.owners.read']] },
  // Any token of the portal may read its details; `oauth` is the scope every OAuth app holds.
  { method: 'GET', path: '/account-info/details', requires: [['oauth']] },
  { method: 'DELETE', path: '/appinstalls/external-install', requires: [['oauth']] },
  { method: 'POST', path: '/oauth/token', requires: [] },
  { method: 'POST', path: '/oauth/token/introspect', requires: [] },
];

const marketingEvents: EndpointScopes[] = [
  { method: 'GET', path: '/marketing/marketing-events', requires: [MARKETING_EVENTS_READ] },
  { method: 'GET', path: '/marketing/marketing-events/participations/{marketingEventId}/breakdown', requires: [MARKETING_EVENTS_READ] },
  { method: 'GET', path: '/marketing/marketing-events/participations/contacts/{contactIdentifier}/breakdown', requires: [MARKETING_EVENTS_READ] },
];

export const ENDPOINT_SCOPES: readonly EndpointScopes[] = [
  ...objectReads,
  ...objectWrites,
  ...dealReads,
  ...leads,
  ...associationReads,
  ...properties,
  ...account,
  ...marketingEvents,
];

const VERSION_SEGMENT = /^(v\d+|\d{4}-\d{2}(-beta)?)$/;

/** `/crm/objects/2026-03/contacts` and `/crm/v3/objects/contacts` both become `/crm/objects/contacts`. */
export function withoutVersion(path: string): string {
  return path
    .split('/')
    .filter((segment) => !VERSION_SEGMENT.test(segment))
    .join('/');
}

const isParameter = (segment: string) => segment.startsWith('{') && segment.endsWith('}');

/** Whether a path (possibly with `{…}` parameters, e.g. from a template literal) can be the table entry's path. */
export function pathMatches(entryPath: string, path: string): boolean {
  const a = withoutVersion(entryPath).split('/');
  const b = withoutVersion(path).split('/');
  return a.length === b.length && a.every((segment, i) => segment === b[i] || isParameter(segment) || isParameter(b[i] ?? ''));
}

/**
 * For each requirement of the matching entries, the scope the app gets it by: the first alternative among `granted`
 * (required scopes before optional ones). A call with a path parameter where the table has several entries (e.g.
 * `/crm/objects/{objectType}/batch/read`) may be made for any of them: it needs one entry granted, and uses the scopes of
 * the granted ones. Returns the scopes used, the calls the table does not know and the requirements nothing grants.
 */
export function scopesUsed(
  calls: readonly { method: HttpMethod; path: string }[],
  granted: readonly string[],
  table: readonly EndpointScopes[] = ENDPOINT_SCOPES,
): { used: Set<string>; unmatched: { method: HttpMethod; path: string }[]; missing: { method: HttpMethod; path: string; anyOf: readonly string[] }[] } {
  const used = new Set<string>();
  const unmatched: { method: HttpMethod; path: string }[] = [];
  const missing: { method: HttpMethod; path: string; anyOf: readonly string[] }[] = [];
  const chosen = (anyOf: readonly string[]) => granted.find((scope) => anyOf.includes(scope));
  for (const call of calls) {
    const entries = table.filter((entry) => entry.method === call.method && pathMatches(entry.path, call.path));
    if (!entries.length) {
      unmatched.push(call);
      continue;
    }
    const parameterised = withoutVersion(call.path).split('/').some(isParameter);
    const grantedEntries = entries.filter((entry) => entry.requires.every((anyOf) => chosen(anyOf)));
    const counted = parameterised && grantedEntries.length ? grantedEntries : entries;
    for (const entry of counted) {
      for (const anyOf of entry.requires) {
        const scope = chosen(anyOf);
        if (scope) used.add(scope);
        else missing.push({ method: entry.method, path: entry.path, anyOf });
      }
    }
  }
  return { used, unmatched, missing };
}
