// A 2xx from HubSpot is only a success when its body has the shape the endpoint documents: a gateway's HTML page, a
// truncated JSON body or a body without its `results` array is a garbled answer, retried like a 502 (src/hubspot/request.ts),
// never read as "no data". Batch reads must also account for every id asked about: returned, or reported not found
// (HubSpot's OBJECT_NOT_FOUND error with `context.ids`), so that a contact or task is taken for deleted only on
// HubSpot's explicit word (https://developers.hubspot.com/docs/api/crm/understanding-the-crm, batch endpoints).

/** What is wrong with a body, or undefined when it has the expected shape. `status` is the 2xx or allowed status. */
export type ShapeCheck = (body: unknown, status: number) => string | undefined;

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isId = (value: unknown): value is string | number => (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value));

function resultsOf(body: unknown): unknown[] | string {
  if (!isRecord(body)) return 'a body that is not a JSON object';
  if (!Array.isArray(body.results)) return 'no results array';
  return body.results;
}

function checkPaging(body: Json): string | undefined {
  if (body.paging === undefined) return undefined;
  if (!isRecord(body.paging)) return 'paging that is not an object';
  const next = body.paging.next;
  if (next !== undefined && (!isRecord(next) || typeof next.after !== 'string')) return 'paging.next without an after cursor';
  return undefined;
}

/** Every result an object with an id, and properties (when present) an object of string or null values. */
function checkObjectResults(body: unknown): string | undefined {
  const results = resultsOf(body);
  if (typeof results === 'string') return results;
  for (const r of results) {
    if (!isRecord(r) || !isId(r.id)) return 'a result without an id';
    if (r.properties !== undefined) {
      if (!isRecord(r.properties)) return `properties of ${String(r.id)} that are not an object`;
      for (const value of Object.values(r.properties)) if (value !== null && typeof value !== 'string') return `a property of ${String(r.id)} that is not a string`;
    }
  }
  return checkPaging(body as Json);
}

/** Ids HubSpot reports as not found in a batch answer (`errors[]` with category OBJECT_NOT_FOUND and `context.ids`). */
export function notFoundIds(body: unknown): Set<string> {
  const ids = new Set<string>();
  if (!isRecord(body) || !Array.isArray(body.errors)) return ids;
  for (const error of body.errors) {
    if (!isRecord(error) || error.category !== 'OBJECT_NOT_FOUND' || !isRecord(error.context) || !Array.isArray(error.context.ids)) continue;
    for (const id of error.context.ids) if (isId(id)) ids.add(String(id));
  }
  return ids;
}

/** POST …/batch/read of objects: results with ids, and every id asked about either returned or reported not found. */
export function batchReadShape(ids: readonly string[]): ShapeCheck {
  return (body, status) => {
    if (status === 404) return isRecord(body) && body.category === 'OBJECT_NOT_FOUND' ? undefined : "a 404 that is not HubSpot's OBJECT_NOT_FOUND";
    const problem = checkObjectResults(body);
    if (problem) return problem;
    const accounted = notFoundIds(body);
    for (const r of (body as { results: Array<{ id: string | number }> }).results) accounted.add(String(r.id));
    const unaccounted = ids.filter((id) => !accounted.has(id)).length;
    return unaccounted > 0 ? `${unaccounted} of ${ids.length} ids neither returned nor reported not found` : undefined;
  };
}

/** GET /crm/objects/…, owners: a page of results with ids. */
export const listShape: ShapeCheck = (body) => checkObjectResults(body);

/** POST …/search: a page of results with ids and a numeric total. */
export const searchShape: ShapeCheck = (body) => checkObjectResults(body) ?? (typeof (body as Json).total === 'number' ? undefined : 'no numeric total');

/** Associations batch read: results `{from: {id}, to: [{toObjectId}]}`; ids without associations come as errors. */
export const associationsShape: ShapeCheck = (body) => {
  const results = resultsOf(body);
  if (typeof results === 'string') return results;
  for (const r of results) {
    if (!isRecord(r) || !isRecord(r.from) || !isId(r.from.id)) return 'a result without from.id';
    if (r.to !== undefined) {
      if (!Array.isArray(r.to)) return `to of ${String(r.from.id)} that is not an array`;
      for (const t of r.to) {
        if (!isRecord(t) || !isId(t.toObjectId)) return `an association of ${String(r.from.id)} without toObjectId`;
        if (t.associationTypes !== undefined && !Array.isArray(t.associationTypes)) return 'associationTypes that are not an array';
      }
    }
    if (r.paging !== undefined && checkPaging(r as Json)) return `paging of ${String(r.from.id)} without an after cursor`;
  }
  return undefined;
};

/** Property definitions (batch read and create): results with a name. */
export const propertiesShape: ShapeCheck = (body, status) => {
  if (status === 409) return isRecord(body) ? undefined : 'a 409 that is not a JSON object';
  const results = resultsOf(body);
  if (typeof results === 'string') return results;
  return results.every((p) => isRecord(p) && typeof p.name === 'string') ? undefined : 'a property without a name';
};

/** One property definition; a 404 must be HubSpot's own (JSON), not a gateway's. */
export const propertyShape: ShapeCheck = (body, status) => {
  if (!isRecord(body)) return 'a body that is not a JSON object';
  if (status === 404 || status === 409) return undefined;
  return body.options === undefined || Array.isArray(body.options) ? undefined : 'options that are not an array';
};

/** One property group: its label is a string (a garbled answer is an error, not "another label"). */
export const groupShape: ShapeCheck = (body) => {
  if (!isRecord(body)) return 'a body that is not a JSON object';
  return typeof body.label === 'string' ? undefined : 'a group without a label';
};

/** Batch create or update: results with ids. */
export const batchWriteShape: ShapeCheck = (body) => checkObjectResults(body);

/** Any JSON object (account details and the like). */
export const objectShape: ShapeCheck = (body) => (isRecord(body) ? undefined : 'a body that is not a JSON object');

/**
 * Lead pipelines (GET /crm/pipelines/…/leads): pipelines with ids and stages with ids. A 403 or 404 is the portal saying
 * it has no Leads only when it is HubSpot's JSON error body; a gateway's page is garbled.
 */
export const leadPipelinesShape: ShapeCheck = (body, status) => {
  if (status === 403 || status === 404) return isRecord(body) && typeof body.category === 'string' ? undefined : `a ${status} that is not HubSpot's error body`;
  const results = resultsOf(body);
  if (typeof results === 'string') return results;
  for (const p of results) {
    if (!isRecord(p) || typeof p.id !== 'string' || !Array.isArray(p.stages)) return 'a pipeline without id or stages';
    for (const s of p.stages) if (!isRecord(s) || typeof s.id !== 'string') return `a stage of pipeline ${p.id} without an id`;
  }
  return undefined;
};
