// CRM endpoints: objects (v3 and 2026-03 paths), search, properties and groups, associations v4, owners.
import { badRequest, HubSpotError, notFound } from './errors.ts';
import type { Ctx, Reply, Router } from './http.ts';
import type { CrmRecord, Portal } from './portal.ts';
import { FIELD_TYPES_BY_TYPE, normaliseObjectType, type ObjectType, type PropertyDef, type PropertyOption, scopesFor } from './schema.ts';
import { search } from './search.ts';

export const BATCH_LIMIT = 100;
export const ASSOCIATION_BATCH_LIMIT = 1_000;

const OBJECTS = ['/crm/v3/objects/{objectType}', '/crm/objects/2026-03/{objectType}'];
const PROPS = ['/crm/v3/properties/{objectType}', '/crm/properties/2026-03/{objectType}'];
const OWNERS = ['/crm/v3/owners', '/crm/owners/2026-03'];

function typeOf(params: Record<string, string>, key = 'objectType'): ObjectType {
  const t = normaliseObjectType(params[key] ?? '');
  if (!t) throw new HubSpotError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${params[key] ?? ''}`);
  return t;
}

const readScopes = (p: Record<string, string>) => {
  const t = normaliseObjectType(p.objectType ?? '');
  return t ? scopesFor(t, false) : [];
};
const writeScopes = (p: Record<string, string>) => {
  const t = normaliseObjectType(p.objectType ?? '');
  return t ? scopesFor(t, true) : [];
};
const schemaReadScopes = (p: Record<string, string>) => {
  const t = normaliseObjectType(p.objectType ?? '') ?? 'contacts';
  // Lead properties go with the leads object scopes (docs/hubspot-platform.md §4.9).
  if (t === 'leads') return ['crm.objects.leads.read', 'crm.objects.leads.write'];
  const singular = t === 'companies' ? 'companies' : 'contacts';
  return [`crm.objects.${singular}.read`, `crm.schemas.${singular}.read`, `crm.schemas.${singular}.write`];
};
const schemaWriteScopes = (p: Record<string, string>) => {
  const t = normaliseObjectType(p.objectType ?? '') ?? 'contacts';
  if (t === 'leads') return ['crm.objects.leads.write'];
  return [`crm.schemas.${t === 'companies' ? 'companies' : 'contacts'}.write`];
};

function list(value: string | null): string[] | undefined {
  if (value === null || value === '') return undefined;
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

function listParam(q: URLSearchParams, name: string): string[] | undefined {
  const all = q.getAll(name).flatMap((v) => list(v) ?? []);
  return all.length > 0 ? all : undefined;
}

function inputsOf(body: unknown, max = BATCH_LIMIT): unknown[] {
  const inputs = (body as { inputs?: unknown })?.inputs;
  if (!Array.isArray(inputs)) throw badRequest('Invalid input JSON: inputs must be an array');
  if (inputs.length > max) {
    throw badRequest(`Too many inputs: ${inputs.length}. The maximum number of inputs per batch request is ${max}.`, {
      context: { maxInputs: [String(max)], inputs: [String(inputs.length)] },
    });
  }
  return inputs;
}

function batchReply(results: unknown[], errors: unknown[], startedAt: string, okStatus = 200): Reply {
  const completedAt = new Date().toISOString();
  if (errors.length > 0) {
    return { status: 207, body: { status: 'COMPLETE', results, numErrors: errors.length, errors, startedAt, completedAt } };
  }
  return { status: okStatus, body: { status: 'COMPLETE', results, startedAt, completedAt } };
}

function withAssociations(portal: Portal, type: ObjectType, rec: CrmRecord, json: Record<string, unknown>, toTypes: string[] | undefined): Record<string, unknown> {
  if (!toTypes) return json;
  const assoc: Record<string, unknown> = {};
  for (const raw of toTypes) {
    const to = normaliseObjectType(raw);
    if (!to) continue;
    const ids = portal.associated(type, to, rec.id);
    if (ids.length === 0) continue;
    assoc[to] = {
      results: ids.flatMap((id) =>
        portal.typeIds(type, rec.id, to, id).map((typeId) => ({ id: String(id), type: typeId === 1 ? `${type.slice(0, -1)}_to_company` : `${type.slice(0, -1)}_to_${to.slice(0, -1)}` })),
      ),
    };
  }
  if (Object.keys(assoc).length > 0) json.associations = assoc;
  return json;
}

/** Creates one object from `{properties, associations}` (validated first; nothing is written on error). */
function createOne(ctx: Ctx, type: ObjectType, input: unknown): CrmRecord {
  const portal = ctx.portal!;
  const { properties, associations } = (input ?? {}) as { properties?: unknown; associations?: unknown };
  const props = portal.validate(type, properties);
  if (type === 'leads') return createLead(ctx, props, associations);
  if (type !== 'contacts' && type !== 'companies' && !props.hs_timestamp) {
    throw badRequest('Property values were not valid: hs_timestamp is required', {
      errors: [{ message: 'hs_timestamp is required', code: 'REQUIRED_PROPERTY', context: { propertyName: ['hs_timestamp'] } }],
    });
  }
  if (type === 'tasks' && !props.hs_task_status) props.hs_task_status = 'NOT_STARTED';
  const links = portal.checkAssociations(type, associations);
  const rec = portal.create(type, props, ctx.source);
  for (const l of links) portal.associate(type, rec.id, l.toType, l.toId, ctx.source, false, l.primary);
  return rec;
}

/** A lead needs a name and a contact (docs/hubspot-platform.md §4.9); without a pipeline it starts in the default's first stage. */
function checkLead(portal: Portal, props: Record<string, string>, associations: unknown): Array<{ toType: ObjectType; toId: number; primary: boolean }> {
  if (!props.hs_lead_name) {
    throw badRequest('Property values were not valid: hs_lead_name is required', {
      errors: [{ message: 'hs_lead_name is required', code: 'REQUIRED_PROPERTY', context: { propertyName: ['hs_lead_name'] } }],
    });
  }
  const links = portal.checkAssociations('leads', associations);
  if (!links.some((l) => l.toType === 'contacts')) throw badRequest('A lead must be associated with an existing contact', { subCategory: 'crm.leads.CONTACT_ASSOCIATION_REQUIRED' });
  const pipelines = portal.leadPipelines ?? [];
  const pipeline = pipelines.find((p) => p.id === (props.hs_pipeline ?? pipelines[0]?.id));
  if (props.hs_pipeline_stage && pipeline && !pipeline.stages.some((st) => st.id === props.hs_pipeline_stage)) {
    throw badRequest(`Property values were not valid: ${props.hs_pipeline_stage} is not a stage of lead pipeline ${pipeline.id}`);
  }
  return links;
}

function createLead(ctx: Ctx, props: Record<string, string>, associations: unknown): CrmRecord {
  const portal = ctx.portal!;
  const links = checkLead(portal, props, associations);
  const pipeline = (portal.leadPipelines ?? []).find((p) => p.id === (props.hs_pipeline ?? portal.leadPipelines?.[0]?.id));
  if (pipeline && !props.hs_pipeline) props.hs_pipeline = pipeline.id;
  if (pipeline && !props.hs_pipeline_stage) props.hs_pipeline_stage = [...pipeline.stages].sort((a, b) => a.displayOrder - b.displayOrder)[0]?.id ?? '';
  const rec = portal.create('leads', props, ctx.source);
  for (const l of links) portal.associate('leads', rec.id, l.toType, l.toId, ctx.source, false, l.primary);
  return rec;
}

export function registerCrmRoutes(router: Router): void {
  // ----- objects -----
  router.add('GET', OBJECTS, { scopes: readScopes }, (ctx) => {
    const type = typeOf(ctx.params);
    const portal = ctx.portal!;
    const limit = Number(ctx.query.get('limit') ?? 10);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw badRequest(`limit must be between 1 and 100; was ${ctx.query.get('limit')}`);
    const after = Number(ctx.query.get('after') ?? 0);
    const archived = ctx.query.get('archived') === 'true';
    const props = listParam(ctx.query, 'properties');
    const assoc = listParam(ctx.query, 'associations');
    const ids = portal.idList(type);
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ids[mid]! < after) lo = mid + 1;
      else hi = mid;
    }
    const results: unknown[] = [];
    let i = lo;
    for (; i < ids.length && results.length < limit; i++) {
      const rec = portal.get(type, ids[i]!, true);
      if (!rec || rec.archived !== archived) continue;
      results.push(withAssociations(portal, type, rec, portal.toJson(type, rec, props), assoc));
    }
    while (i < ids.length) {
      const rec = portal.get(type, ids[i]!, true);
      if (rec && rec.archived === archived) break;
      i++;
    }
    const body: Record<string, unknown> = { results };
    if (i < ids.length) {
      const next = String(ids[i]);
      body.paging = { next: { after: next, link: `?after=${next}` } };
    }
    return { status: 200, body };
  });

  router.add('GET', OBJECTS.map((p) => `${p}/{id}`), { scopes: readScopes }, (ctx) => {
    const type = typeOf(ctx.params);
    const portal = ctx.portal!;
    const idProperty = ctx.query.get('idProperty');
    const archived = ctx.query.get('archived') === 'true';
    let rec: CrmRecord | undefined;
    if (idProperty === 'email' && type === 'contacts') rec = portal.findContactByEmail(ctx.params.id ?? '');
    else if (idProperty && idProperty !== 'hs_object_id') throw badRequest(`${idProperty} is not a unique property`);
    else rec = portal.get(type, ctx.params.id ?? '', archived);
    if (!rec || rec.archived !== archived) throw notFound('Object not found.  objectId are usually numeric.');
    return { status: 200, body: withAssociations(portal, type, rec, portal.toJson(type, rec, listParam(ctx.query, 'properties')), listParam(ctx.query, 'associations')) };
  });

  router.add('POST', OBJECTS, { scopes: writeScopes }, (ctx) => {
    const type = typeOf(ctx.params);
    const rec = createOne(ctx, type, ctx.body);
    return { status: 201, body: ctx.portal!.toJson(type, rec, Object.keys(rec.props)) };
  });

  router.add('PATCH', OBJECTS.map((p) => `${p}/{id}`), { scopes: writeScopes }, (ctx) => {
    const type = typeOf(ctx.params);
    const portal = ctx.portal!;
    const rec = portal.get(type, ctx.params.id ?? '');
    if (!rec) throw notFound();
    const props = portal.validate(type, (ctx.body as { properties?: unknown })?.properties, rec);
    portal.update(type, rec.id, props, ctx.source);
    return { status: 200, body: portal.toJson(type, rec, Object.keys(props)) };
  });

  router.add('DELETE', OBJECTS.map((p) => `${p}/{id}`), { scopes: writeScopes }, (ctx) => {
    const type = typeOf(ctx.params);
    ctx.portal!.archive(type, Number(ctx.params.id), ctx.source);
    return { status: 204 };
  });

  router.add('POST', OBJECTS.map((p) => `${p}/batch/read`), { scopes: readScopes }, (ctx) => {
    const startedAt = new Date().toISOString();
    const type = typeOf(ctx.params);
    const portal = ctx.portal!;
    const body = ctx.body as { properties?: string[]; idProperty?: string; propertiesWithHistory?: string[] };
    const inputs = inputsOf(ctx.body, body?.propertiesWithHistory?.length ? 50 : BATCH_LIMIT) as Array<{ id?: unknown }>;
    const results: unknown[] = [];
    const missing: string[] = [];
    for (const input of inputs) {
      const id = String(input?.id ?? '');
      const rec = body.idProperty === 'email' && type === 'contacts' ? portal.findContactByEmail(id) : portal.get(type, id);
      if (rec) results.push(portal.toJson(type, rec, body.properties, body.propertiesWithHistory));
      else missing.push(id);
    }
    const errors = missing.length
      ? [
          {
            status: 'error',
            category: 'OBJECT_NOT_FOUND',
            message: `Could not get some ${type.toUpperCase().slice(0, -1)} objects, they may be deleted or not exist. Check that ids are valid.`,
            context: { ids: missing },
          },
        ]
      : [];
    return batchReply(results, errors, startedAt);
  });

  router.add('POST', OBJECTS.map((p) => `${p}/batch/create`), { scopes: writeScopes }, (ctx) => {
    const startedAt = new Date().toISOString();
    const type = typeOf(ctx.params);
    const portal = ctx.portal!;
    const inputs = inputsOf(ctx.body) as Array<{ properties?: unknown; associations?: unknown }>;
    // All-or-nothing, as HubSpot rejects the whole batch on an invalid value (docs/hubspot-platform.md §3.5).
    for (const input of inputs) {
      const props = portal.validate(type, input?.properties);
      if (type === 'leads') checkLead(portal, props, input?.associations);
      else portal.checkAssociations(type, input?.associations);
    }
    const created = inputs.map((input) => createOne(ctx, type, input));
    return batchReply(
      created.map((rec) => portal.toJson(type, rec, Object.keys(rec.props))),
      [],
      startedAt,
      201,
    );
  });

  router.add('POST', OBJECTS.map((p) => `${p}/batch/update`), { scopes: writeScopes }, (ctx) => {
    const startedAt = new Date().toISOString();
    const type = typeOf(ctx.params);
    const portal = ctx.portal!;
    const inputs = inputsOf(ctx.body) as Array<{ id?: unknown; properties?: unknown }>;
    const ids = inputs.map((i) => String(i?.id ?? ''));
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup) throw badRequest(`Duplicate IDs found in batch input: [${dup}]. IDs must be unique`);
    // Validate everything first: one invalid value rejects the whole batch with 400; unknown ids become 207 errors.
    const planned: Array<{ rec: CrmRecord; props: Record<string, string> }> = [];
    const missing: string[] = [];
    for (const input of inputs) {
      const rec = portal.get(type, String(input?.id ?? ''));
      if (!rec) {
        missing.push(String(input?.id ?? ''));
        continue;
      }
      planned.push({ rec, props: portal.validate(type, input?.properties, rec) });
    }
    const results = planned.map(({ rec, props }) => {
      portal.update(type, rec.id, props, ctx.source);
      return portal.toJson(type, rec, Object.keys(props));
    });
    const errors = missing.map((id) => ({
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      message: `Object not found. Id ${id} does not exist or was deleted.`,
      context: { ids: [id] },
    }));
    return batchReply(results, errors, startedAt);
  });

  router.add('POST', OBJECTS.map((p) => `${p}/batch/archive`), { scopes: writeScopes }, (ctx) => {
    const type = typeOf(ctx.params);
    for (const input of inputsOf(ctx.body) as Array<{ id?: unknown }>) ctx.portal!.archive(type, Number(input?.id), ctx.source);
    return { status: 204 };
  });

  router.add('POST', OBJECTS.map((p) => `${p}/search`), { rate: 'search', scopes: readScopes }, (ctx) => ({
    status: 200,
    body: search(ctx.portal!, typeOf(ctx.params), ctx.body),
  }));

  router.add('POST', OBJECTS.map((p) => `${p}/merge`), { scopes: writeScopes }, (ctx) => {
    const type = typeOf(ctx.params);
    if (type !== 'contacts') throw badRequest('The stand-in merges contacts only');
    const { primaryObjectId, objectIdToMerge } = (ctx.body ?? {}) as { primaryObjectId?: string; objectIdToMerge?: string };
    const rec = ctx.portal!.merge(Number(primaryObjectId), Number(objectIdToMerge), ctx.source);
    return { status: 200, body: ctx.portal!.toJson(type, rec, undefined) };
  });

  router.add('POST', OBJECTS.map((p) => `${p}/gdpr-delete`), { scopes: writeScopes }, (ctx) => {
    const { objectId, idProperty } = (ctx.body ?? {}) as { objectId?: string; idProperty?: string };
    const portal = ctx.portal!;
    const rec = idProperty === 'email' ? portal.findContactByEmail(String(objectId)) : portal.get('contacts', String(objectId));
    if (!rec) throw notFound();
    portal.privacyDelete(rec.id, ctx.source);
    return { status: 204 };
  });

  // ----- properties -----
  router.add('GET', PROPS, { scopes: schemaReadScopes }, (ctx) => {
    const type = typeOf(ctx.params);
    const archived = ctx.query.get('archived') === 'true';
    const results = [...ctx.portal!.properties[type].values()].filter((p) => p.archived === archived).map(propertyJson);
    return { status: 200, body: { results } };
  });

  router.add('POST', PROPS, { scopes: schemaWriteScopes }, (ctx) => {
    const type = typeOf(ctx.params);
    const def = createProperty(ctx.portal!, type, ctx.body);
    return { status: 201, body: propertyJson(def) };
  });

  router.add('POST', PROPS.map((p) => `${p}/batch/create`), { scopes: schemaWriteScopes }, (ctx) => {
    const startedAt = new Date().toISOString();
    const type = typeOf(ctx.params);
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const input of inputsOf(ctx.body)) {
      try {
        results.push(propertyJson(createProperty(ctx.portal!, type, input)));
      } catch (e) {
        if (!(e instanceof HubSpotError)) throw e;
        errors.push({ ...e.body, status: 'error' });
      }
    }
    return batchReply(results, errors, startedAt, 201);
  });

  router.add('POST', PROPS.map((p) => `${p}/batch/read`), { scopes: schemaReadScopes }, (ctx) => {
    const startedAt = new Date().toISOString();
    const type = typeOf(ctx.params);
    const results: unknown[] = [];
    const missing: string[] = [];
    for (const input of inputsOf(ctx.body) as Array<{ name?: string }>) {
      const def = ctx.portal!.properties[type].get(input?.name ?? '');
      if (def && !def.archived) results.push(propertyJson(def));
      else missing.push(input?.name ?? '');
    }
    const errors = missing.map((name) => ({ status: 'error', category: 'OBJECT_NOT_FOUND', message: `Unable to find property ${name}`, context: { name: [name] } }));
    return batchReply(results, errors, startedAt);
  });

  router.add('GET', PROPS.map((p) => `${p}/groups`), { scopes: schemaReadScopes }, (ctx) => {
    const type = typeOf(ctx.params);
    return { status: 200, body: { results: [...ctx.portal!.groups[type].values()].filter((g) => !g.archived) } };
  });

  router.add('POST', PROPS.map((p) => `${p}/groups`), { scopes: schemaWriteScopes }, (ctx) => {
    const type = typeOf(ctx.params);
    const body = (ctx.body ?? {}) as { name?: string; label?: string; displayOrder?: number };
    if (!body.name || !body.label) throw badRequest('name and label are required for a property group');
    const existing = ctx.portal!.groups[type].get(body.name);
    if (existing && !existing.archived) {
      throw new HubSpotError(409, 'OBJECT_ALREADY_EXISTS', `A property group named '${body.name}' already exists.`, { subCategory: 'PropertyGroupError.GROUP_EXISTS' });
    }
    const group = { name: body.name, label: body.label, displayOrder: body.displayOrder ?? -1, archived: false };
    ctx.portal!.groups[type].set(group.name, group);
    return { status: 201, body: group };
  });

  router.add('GET', PROPS.map((p) => `${p}/groups/{groupName}`), { scopes: schemaReadScopes }, (ctx) => {
    const group = ctx.portal!.groups[typeOf(ctx.params)].get(ctx.params.groupName ?? '');
    if (!group || group.archived) throw notFound(`Unable to find property group ${ctx.params.groupName}`);
    return { status: 200, body: group };
  });

  router.add('PATCH', PROPS.map((p) => `${p}/groups/{groupName}`), { scopes: schemaWriteScopes }, (ctx) => {
    const group = ctx.portal!.groups[typeOf(ctx.params)].get(ctx.params.groupName ?? '');
    if (!group || group.archived) throw notFound(`Unable to find property group ${ctx.params.groupName}`);
    const body = (ctx.body ?? {}) as { label?: string; displayOrder?: number };
    if (body.label !== undefined) group.label = body.label;
    if (body.displayOrder !== undefined) group.displayOrder = body.displayOrder;
    return { status: 200, body: group };
  });

  router.add('GET', PROPS.map((p) => `${p}/{name}`), { scopes: schemaReadScopes }, (ctx) => {
    const def = ctx.portal!.properties[typeOf(ctx.params)].get(ctx.params.name ?? '');
    if (!def || def.archived) throw notFound(`Unable to find property ${ctx.params.name}`);
    return { status: 200, body: propertyJson(def) };
  });

  router.add('PATCH', PROPS.map((p) => `${p}/{name}`), { scopes: schemaWriteScopes }, (ctx) => {
    const type = typeOf(ctx.params);
    const portal = ctx.portal!;
    const def = portal.properties[type].get(ctx.params.name ?? '');
    if (!def || def.archived) throw notFound(`Unable to find property ${ctx.params.name}`);
    const body = (ctx.body ?? {}) as Partial<PropertyDef> & { options?: unknown };
    if (def.hubspotDefined && (body.type !== undefined || body.fieldType !== undefined)) {
      throw badRequest(`${def.name} is a HubSpot-defined property; its type cannot be changed`);
    }
    const next: PropertyDef = { ...def };
    for (const key of ['label', 'description', 'groupName', 'type', 'fieldType', 'displayOrder', 'hidden', 'formField'] as const) {
      if (body[key] !== undefined) (next as unknown as Record<string, unknown>)[key] = body[key];
    }
    if (body.options !== undefined) next.options = normaliseOptions(body.options);
    checkDefinition(portal, type, next);
    next.updatedAt = portal.clock();
    portal.properties[type].set(def.name, next);
    return { status: 200, body: propertyJson(next) };
  });

  router.add('DELETE', PROPS.map((p) => `${p}/{name}`), { scopes: schemaWriteScopes }, (ctx) => {
    const def = ctx.portal!.properties[typeOf(ctx.params)].get(ctx.params.name ?? '');
    if (!def || def.archived) throw notFound(`Unable to find property ${ctx.params.name}`);
    if (def.hubspotDefined) throw badRequest(`${def.name} is a HubSpot-defined property and cannot be archived`);
    def.archived = true;
    return { status: 204 };
  });

  // ----- associations (v4 and the date-versioned 2026-03 path, same rules) -----
  router.add('POST', ['/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read', '/crm/associations/2026-03/{fromObjectType}/{toObjectType}/batch/read'], { scopes: (p) => readScopes({ objectType: p.fromObjectType ?? '' }) }, (ctx) => {
    const startedAt = new Date().toISOString();
    const from = typeOf(ctx.params, 'fromObjectType');
    const to = typeOf(ctx.params, 'toObjectType');
    const portal = ctx.portal!;
    const inputs = inputsOf(ctx.body, ASSOCIATION_BATCH_LIMIT) as Array<{ id?: unknown; after?: string }>;
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const input of inputs) {
      const id = Number(input?.id);
      const all = portal.get(from, id) ? portal.associated(from, to, id) : [];
      if (all.length === 0) {
        errors.push({
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
          message: `No ${to} is associated with ${from.slice(0, -1)} ${String(input?.id)}.`,
          context: { fromObjectId: [String(input?.id)], fromObjectType: [from], toObjectType: [to] },
        });
        continue;
      }
      const start = Number(input?.after ?? 0);
      const page = all.slice(start, start + 500);
      const result: Record<string, unknown> = {
        from: { id: String(id) },
        to: page.map((toId) => ({ toObjectId: toId, associationTypes: typeSpecs(portal, from, id, to, toId) })),
      };
      if (start + page.length < all.length) result.paging = { next: { after: String(start + page.length) } };
      results.push(result);
    }
    return batchReply(results, errors, startedAt);
  });

  router.add('GET', '/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}', { scopes: readScopes }, (ctx) => {
    const from = typeOf(ctx.params);
    const to = typeOf(ctx.params, 'toObjectType');
    const portal = ctx.portal!;
    const id = Number(ctx.params.objectId);
    const limit = Math.min(Number(ctx.query.get('limit') ?? 500), 500);
    const start = Number(ctx.query.get('after') ?? 0);
    const all = portal.get(from, id) ? portal.associated(from, to, id) : [];
    const page = all.slice(start, start + limit);
    const body: Record<string, unknown> = { results: page.map((toId) => ({ toObjectId: toId, associationTypes: typeSpecs(portal, from, id, to, toId) })) };
    if (start + page.length < all.length) body.paging = { next: { after: String(start + page.length), link: '' } };
    return { status: 200, body };
  });

  router.add(
    'PUT',
    '/crm/v4/objects/{objectType}/{objectId}/associations/default/{toObjectType}/{toObjectId}',
    { scopes: writeScopes },
    (ctx) => {
      const from = typeOf(ctx.params);
      const to = typeOf(ctx.params, 'toObjectType');
      const portal = ctx.portal!;
      const id = Number(ctx.params.objectId);
      const toId = Number(ctx.params.toObjectId);
      if (!portal.get(from, id) || !portal.get(to, toId)) throw badRequest('One or more objects do not exist');
      portal.associate(from, id, to, toId, ctx.source);
      return batchReply([{ from: { id: String(id) }, to: { id: String(toId) }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: portal.typeIds(from, id, to, toId)[0] } }], [], new Date().toISOString());
    },
  );

  router.add('PUT', '/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}', { scopes: writeScopes }, (ctx) => {
    const from = typeOf(ctx.params);
    const to = typeOf(ctx.params, 'toObjectType');
    const portal = ctx.portal!;
    const id = Number(ctx.params.objectId);
    const toId = Number(ctx.params.toObjectId);
    if (!portal.get(from, id)) throw notFound();
    const links = portal.checkAssociations(from, [{ to: { id: toId }, types: Array.isArray(ctx.body) ? ctx.body : [] }]);
    for (const l of links) portal.associate(from, id, l.toType, l.toId, ctx.source, false, l.primary);
    return {
      status: 201,
      body: { fromObjectTypeId: from, fromObjectId: id, toObjectTypeId: to, toObjectId: toId, labels: links.map(() => null).filter(Boolean) },
    };
  });

  router.add('DELETE', '/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}', { scopes: writeScopes }, (ctx) => {
    const from = typeOf(ctx.params);
    const to = typeOf(ctx.params, 'toObjectType');
    ctx.portal!.dissociate(from, Number(ctx.params.objectId), to, Number(ctx.params.toObjectId), ctx.source);
    return { status: 204 };
  });

  // ----- account -----
  // GET /account-info/2026-03/details (and v3): how a static token learns its portal (no scope beyond a valid token).
  router.add('GET', ['/account-info/v3/details', '/account-info/2026-03/details'], { scopes: () => [] }, (ctx) => {
    const portal = ctx.portal!;
    return {
      status: 200,
      body: { portalId: portal.id, accountType: 'STANDARD', timeZone: portal.timeZone, companyCurrency: 'EUR', additionalCurrencies: [], ...utcOffsetOf(portal.timeZone), uiDomain: 'app-eu1.hubspot.com', dataHostingLocation: 'eu1' },
    };
  });

  // ----- owners -----
  router.add('GET', OWNERS, { scopes: () => ['crm.objects.owners.read'] }, (ctx) => {
    const portal = ctx.portal!;
    const limit = Math.min(Number(ctx.query.get('limit') ?? 100), 500);
    const after = Number(ctx.query.get('after') ?? 0);
    const email = ctx.query.get('email');
    const archived = ctx.query.get('archived') === 'true';
    const all = portal.owners.filter((o) => o.archived === archived && (!email || o.email === email));
    const page = all.slice(after, after + limit);
    const body: Record<string, unknown> = { results: page.map(ownerJson) };
    if (after + page.length < all.length) body.paging = { next: { after: String(after + page.length), link: '' } };
    return { status: 200, body };
  });

  router.add('GET', OWNERS.map((p) => `${p}/{ownerId}`), { scopes: () => ['crm.objects.owners.read'] }, (ctx) => {
    const byUser = ctx.query.get('idProperty') === 'userId';
    const owner = ctx.portal!.owners.find((o) => (byUser ? String(o.userId) : o.id) === ctx.params.ownerId);
    if (!owner) throw notFound(`Owner ${ctx.params.ownerId} not found`);
    return { status: 200, body: ownerJson(owner) };
  });
}

function typeSpecs(portal: Portal, from: ObjectType, id: number, to: ObjectType, toId: number): unknown[] {
  return portal.typeIds(from, id, to, toId).map((typeId) => ({ category: 'HUBSPOT_DEFINED', typeId, label: typeId === 1 || typeId === 2 ? 'Primary' : null }));
}

function ownerJson(o: Portal['owners'][number]): Record<string, unknown> {
  return {
    id: o.id,
    email: o.email,
    type: 'PERSON',
    firstName: o.firstName,
    lastName: o.lastName,
    userId: o.deactivated ? null : o.userId,
    userIdIncludingInactive: o.userId,
    createdAt: new Date(o.createdAt).toISOString(),
    updatedAt: new Date(o.updatedAt).toISOString(),
    archived: o.archived,
    teams: o.teams,
  };
}

export function propertyJson(p: PropertyDef): Record<string, unknown> {
  return {
    updatedAt: new Date(p.updatedAt).toISOString(),
    createdAt: new Date(p.createdAt).toISOString(),
    name: p.name,
    label: p.label,
    type: p.type,
    fieldType: p.fieldType,
    description: p.description,
    groupName: p.groupName,
    options: p.options,
    displayOrder: p.displayOrder,
    calculated: p.calculated,
    externalOptions: false,
    hasUniqueValue: p.hasUniqueValue,
    hidden: p.hidden,
    hubspotDefined: p.hubspotDefined,
    modificationMetadata: { archivable: !p.hubspotDefined, readOnlyDefinition: p.hubspotDefined, readOnlyValue: p.readOnlyValue },
    formField: p.formField,
    archived: p.archived,
    dataSensitivity: 'non_sensitive',
  };
}

function normaliseOptions(raw: unknown): PropertyOption[] {
  if (!Array.isArray(raw)) throw badRequest('options must be an array');
  return raw.map((o: Partial<PropertyOption>, i) => {
    if (typeof o?.label !== 'string' || typeof o?.value !== 'string') throw badRequest(`options[${i}] needs a label and a value (strings)`);
    const out: PropertyOption = { label: o.label, value: o.value, displayOrder: o.displayOrder ?? i, hidden: o.hidden ?? false };
    if (o.description !== undefined) out.description = o.description;
    return out;
  });
}

function checkDefinition(portal: Portal, type: ObjectType, def: PropertyDef): void {
  const allowed = FIELD_TYPES_BY_TYPE[def.type];
  if (!allowed) throw badRequest(`type ${def.type} is not one of ${Object.keys(FIELD_TYPES_BY_TYPE).join(', ')}`, { subCategory: 'PropertyValidationError.INVALID_TYPE' });
  if (!allowed.includes(def.fieldType)) {
    throw badRequest(`fieldType ${def.fieldType} is not valid for a property of type ${def.type}; use one of ${allowed.join(', ')}`, {
      subCategory: 'PropertyValidationError.INVALID_FIELD_TYPE',
    });
  }
  if (def.type === 'enumeration' && def.fieldType !== 'calculation_equation' && def.options.length === 0) {
    throw badRequest(`An enumeration property needs options`, { subCategory: 'PropertyValidationError.MISSING_OPTIONS' });
  }
  const values = def.options.map((o) => o.value);
  const dup = values.find((v, i) => values.indexOf(v) !== i);
  if (dup !== undefined) throw badRequest(`Option value ${dup} appears more than once`, { subCategory: 'PropertyValidationError.DUPLICATE_OPTION' });
  const group = portal.groups[type].get(def.groupName);
  if (!group || group.archived) throw badRequest(`Property group ${def.groupName} does not exist`, { subCategory: 'PropertyValidationError.GROUP_DOES_NOT_EXIST' });
}

function createProperty(portal: Portal, type: ObjectType, raw: unknown): PropertyDef {
  const body = (raw ?? {}) as Partial<PropertyDef> & { options?: unknown };
  for (const field of ['name', 'label', 'type', 'fieldType', 'groupName'] as const) {
    if (typeof body[field] !== 'string' || body[field] === '') throw badRequest(`${field} is required to create a property`);
  }
  const name = body.name!;
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw badRequest(`Property name ${name} is not valid: use lowercase letters, digits and _ , starting with a letter`);
  const existing = portal.properties[type].get(name);
  if (existing && !existing.archived) {
    throw new HubSpotError(409, 'OBJECT_ALREADY_EXISTS', `A property named '${name}' already exists.`, { subCategory: 'PropertyValidationError.PROPERTY_EXISTS' });
  }
  const now = portal.clock();
  const def: PropertyDef = {
    name,
    label: body.label!,
    type: body.type!,
    fieldType: body.fieldType!,
    groupName: body.groupName!,
    description: body.description ?? '',
    options: body.options === undefined ? [] : normaliseOptions(body.options),
    displayOrder: body.displayOrder ?? -1,
    hasUniqueValue: body.hasUniqueValue ?? false,
    hidden: body.hidden ?? false,
    formField: body.formField ?? false,
    hubspotDefined: false,
    calculated: false,
    readOnlyValue: false,
    createdAt: now,
    updatedAt: now,
    archived: false,
  };
  if (def.type === 'bool' && def.options.length === 0) {
    def.options = [
      { label: 'Yes', value: 'true', displayOrder: 0, hidden: false },
      { label: 'No', value: 'false', displayOrder: 1, hidden: false },
    ];
  }
  checkDefinition(portal, type, def);
  portal.properties[type].set(name, def);
  if (type === 'contacts') portal.applyPending(name);
  return def;
}

/** The account's current UTC offset, as HubSpot reports it next to the zone ("+01:00" and in ms). */
function utcOffsetOf(timeZone: string): { utcOffset: string; utcOffsetMilliseconds: number } {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(Date.now()).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!m) return { utcOffset: '+00:00', utcOffsetMilliseconds: 0 };
  const ms = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
  return { utcOffset: `${m[1]}${m[2]}:${m[3]}`, utcOffsetMilliseconds: ms };
}
