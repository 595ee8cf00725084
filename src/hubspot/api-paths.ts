// Every HubSpot API path the app calls, built in one place so the next API version is a one-line change.
// HubSpot's date-versioned APIs replace v1–v4: v4 is unsupported from 2027-03-30 and v1–v3 from 2027-09, and the
// changelog asks not to use v3 or v4 as an intermediate step
// (https://developers.hubspot.com/docs/developer-tooling/platform/versioning).

/** The API version of every call: a new one ships each March and September and is supported for 18 months. */
export const API_VERSION = '2026-03';

/** CRM objects: list, batch read/update/create, search (`/crm/objects/{version}/{objectType}`). */
export function objectsPath(objectType: string, suffix = ''): string {
  return `/crm/objects/${API_VERSION}/${objectType}${suffix}`;
}

/** Associations between two object types (`/crm/associations/{version}/{from}/{to}`). */
export function associationsPath(fromObjectType: string, toObjectType: string, suffix = ''): string {
  return `/crm/associations/${API_VERSION}/${fromObjectType}/${toObjectType}${suffix}`;
}

/** Property definitions and groups of an object type (`/crm/properties/{version}/{objectType}`). */
export function propertiesPath(objectType: string, suffix = ''): string {
  return `/crm/properties/${API_VERSION}/${objectType}${suffix}`;
}

/** Pipelines and their stages of an object type, e.g. deals (`/crm/pipelines/{version}/{objectType}`). */
export function pipelinesPath(objectType: string, suffix = ''): string {
  return `/crm/pipelines/${API_VERSION}/${objectType}${suffix}`;
}

/** The portal's users who can own records (`/crm/owners/{version}`). */
export const OWNERS_PATH = `/crm/owners/${API_VERSION}`;

/** The account's details: portal id and time zone (`/account-info/{version}/details`). */
export const ACCOUNT_DETAILS_PATH = `/account-info/${API_VERSION}/details`;

/** OAuth token exchange, refresh and introspection (`/oauth/{version}/token`). */
export const OAUTH_TOKEN_PATH = `/oauth/${API_VERSION}/token`;

/** The app uninstalls itself from a portal (`/appinstalls/{version}/external-install`). */
export const EXTERNAL_INSTALL_PATH = `/appinstalls/${API_VERSION}/external-install`;

/**
 * Marketing events and their participations (`/marketing/marketing-events/{version}`; HubSpot's spec collection,
 * Marketing Events rollout 129888, 2026-03: list `GET …`, participations of one event `GET …/participations/{id}/breakdown`).
 */
export function marketingEventsPath(suffix = ''): string {
  return `/marketing/marketing-events/${API_VERSION}${suffix}`;
}
