// Creates the `bant_scoring` group and the app's contact properties, idempotently (docs/hubspot-platform.md §4.2: creating an
// existing name is refused, commonly with 409). Reads what exists in one batch call, creates what is missing in one,
// and patches only definitions that drifted (labels, descriptions, options, group).
import type { Logger } from '../log.ts';
import { ALL_PROPERTIES, PROPERTY_GROUP, type PropertyDefinition, type PropertyGroup, type PropertyOption } from './bant-properties.ts';
import type { PortalRequest } from './request.ts';
import { propertiesPath } from './api-paths.ts';
import { groupShape, propertiesShape, propertyShape } from './response-shapes.ts';

interface HubSpotProperty {
  name: string;
  label?: string;
  description?: string;
  groupName?: string;
  type?: string;
  fieldType?: string;
  options?: Array<{ label?: string; value: string; displayOrder?: number; hidden?: boolean }>;
}

export interface ProvisionReport {
  created: string[];
  updated: string[];
  unchanged: string[];
}

export async function provisionProperties(
  request: PortalRequest,
  log: Logger,
  definitions: PropertyDefinition[] = ALL_PROPERTIES,
  objectType: 'contacts' | 'companies' | 'leads' = 'contacts',
  group?: PropertyGroup,
): Promise<ProvisionReport> {
  // POST /crm/properties/2026-03/{objectType}/groups; 409 = the group exists already.
  const created = await request('properties.createGroup', { method: 'POST', path: propertiesPath(objectType, '/groups'), body: group ?? PROPERTY_GROUP, allow: [409] });
  // An existing group keeps its label unless a language is asked for: then it is relabelled like the properties.
  if (group && created.status === 409) await relabelGroup(request, objectType, group);

  // POST /crm/properties/2026-03/contacts/batch/read: names that do not exist are absent (or listed in `errors`, 207).
  const existing = await request<{ results?: HubSpotProperty[] }>('properties.batchRead', {
    method: 'POST',
    path: propertiesPath(objectType, '/batch/read'),
    body: { archived: false, inputs: definitions.map((d) => ({ name: d.name })) },
    expect: propertiesShape,
  });
  const byName = new Map((existing.body?.results ?? []).map((p) => [p.name, p]));
  const report: ProvisionReport = { created: [], updated: [], unchanged: [] };

  const missing = definitions.filter((d) => !byName.has(d.name));
  if (missing.length) {
    // POST /crm/properties/2026-03/contacts/batch/create (≤100 inputs); a racing instance may have created some (errors, 207).
    const created = await request<{ results?: HubSpotProperty[]; errors?: Array<{ message?: string; context?: Record<string, string[]> }> }>(
      'properties.batchCreate',
      { method: 'POST', path: propertiesPath(objectType, '/batch/create'), body: { inputs: missing.map(toCreateInput) }, allow: [409], expect: propertiesShape },
    );
    for (const p of created.body?.results ?? []) report.created.push(p.name);
    const failed = missing.filter((d) => !report.created.includes(d.name));
    for (const d of failed) {
      // One by one so a property that exists (409) is told apart from one HubSpot refuses.
      const single = await request('properties.create', { method: 'POST', path: propertiesPath(objectType), body: toCreateInput(d), allow: [409], expect: propertyShape });
      if (single.status === 409) await patchIfDrifted(request, d, undefined, report, objectType);
      else report.created.push(d.name);
    }
  }
  for (const d of definitions) {
    const current = byName.get(d.name);
    if (current) await patchIfDrifted(request, d, current, report, objectType);
  }
  log.info('HubSpot properties provisioned', {
    objectType, created: report.created.length, updated: report.updated, unchanged: report.unchanged.length });
  return report;
}

async function relabelGroup(request: PortalRequest, objectType: string, group: PropertyGroup): Promise<void> {
  // GET /crm/properties/2026-03/{objectType}/groups/{groupName}; PATCH the same path with the new label.
  const current = await request<{ label?: string }>('properties.readGroup', { method: 'GET', path: propertiesPath(objectType, `/groups/${group.name}`), expect: groupShape });
  if (current.body?.label === group.label) return;
  await request('properties.updateGroup', { method: 'PATCH', path: propertiesPath(objectType, `/groups/${group.name}`), body: { label: group.label } });
}

async function patchIfDrifted(
  request: PortalRequest,
  definition: PropertyDefinition,
  current: HubSpotProperty | undefined,
  report: ProvisionReport,
  objectType: string,
): Promise<void> {
  let property = current;
  if (!property) {
    const read = await request<HubSpotProperty>('properties.read', { method: 'GET', path: propertiesPath(objectType, `/${definition.name}`), expect: propertyShape });
    property = read.body;
  }
  const patch = driftPatch(definition, property);
  if (!patch) {
    report.unchanged.push(definition.name);
    return;
  }
  // PATCH /crm/properties/2026-03/{objectType}/{name}: options given here replace the property's option list.
  await request('properties.update', { method: 'PATCH', path: propertiesPath(objectType, `/${definition.name}`), body: patch });
  report.updated.push(definition.name);
}

/** The fields to send so HubSpot's definition matches ours, or undefined when nothing drifted. */
export function driftPatch(definition: PropertyDefinition, current: HubSpotProperty): Record<string, unknown> | undefined {
  const patch: Record<string, unknown> = {};
  if (current.label !== definition.label) patch.label = definition.label;
  if ((current.description ?? '') !== definition.description) patch.description = definition.description;
  if (current.groupName !== definition.groupName) patch.groupName = definition.groupName;
  if (definition.options && !sameOptions(definition.options, current.options ?? [])) patch.options = definition.options;
  return Object.keys(patch).length ? patch : undefined;
}

function sameOptions(wanted: PropertyOption[], actual: NonNullable<HubSpotProperty['options']>): boolean {
  if (wanted.length !== actual.length) return false;
  const byValue = new Map(actual.map((o) => [o.value, o]));
  return wanted.every((w) => {
    const a = byValue.get(w.value);
    return a !== undefined && a.label === w.label && (a.hidden ?? false) === w.hidden && (a.displayOrder ?? w.displayOrder) === w.displayOrder;
  });
}

function toCreateInput(d: PropertyDefinition): Record<string, unknown> {
  return { ...d, hasUniqueValue: false, hidden: false };
}

export interface PropertyOptionValue {
  value: string;
  label: string;
  displayOrder: number;
  hidden: boolean;
}

/** GET /crm/properties/2026-03/{objectType}/{name}: the options in the portal's own order (displayOrder, then list order). */
export async function readPropertyOptions(request: PortalRequest, objectType: string, name: string): Promise<PropertyOptionValue[]> {
  const response = await request<HubSpotProperty>(`properties.read.${name}`, { method: 'GET', path: propertiesPath(objectType, `/${name}`), allow: [404], expect: propertyShape });
  if (response.status === 404) return [];
  return (response.body?.options ?? [])
    .map((o, index) => ({ value: o.value, label: o.label ?? o.value, displayOrder: o.displayOrder ?? index, hidden: o.hidden ?? false, index }))
    .sort((a, b) => a.displayOrder - b.displayOrder || a.index - b.index)
    .map(({ index: _index, ...o }) => o);
}

/**
 * Option labels of several properties of one object type in one call (POST /crm/properties/2026-03/{objectType}/batch/read;
 * names the portal does not have are left out): value → label per property.
 */
export async function readOptionLabels(request: PortalRequest, objectType: string, names: readonly string[]): Promise<Map<string, Map<string, string>>> {
  const response = await request<{ results?: HubSpotProperty[] }>(`properties.batchRead.${objectType}`, {
    method: 'POST',
    path: propertiesPath(objectType, '/batch/read'),
    body: { archived: false, inputs: names.map((name) => ({ name })) },
  });
  const out = new Map<string, Map<string, string>>();
  for (const p of response.body?.results ?? []) {
    if (!Array.isArray(p.options)) continue;
    out.set(p.name, new Map(p.options.map((o) => [o.value, o.label ?? o.value])));
  }
  return out;
}
