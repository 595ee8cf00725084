// CRM search (POST …/search) with HubSpot's limits (docs/hubspot-platform.md §3.4): 5 filter groups × 6 filters, 18 in total,
// one sort, limit ≤ 200, the 10,000-result cap, operators incl. BETWEEN/IN/HAS_PROPERTY and `associations.<type>`.
import { badRequest } from './errors.ts';
import type { CrmRecord, Portal } from './portal.ts';
import { normaliseObjectType, type ObjectType } from './schema.ts';

interface Filter {
  propertyName?: string;
  operator?: string;
  value?: unknown;
  highValue?: unknown;
  values?: unknown[];
}

interface SearchBody {
  filterGroups?: Array<{ filters?: Filter[] }>;
  sorts?: Array<string | { propertyName?: string; direction?: string }>;
  properties?: string[];
  limit?: number;
  after?: string | number;
  query?: string;
}

export const SEARCH_MAX_LIMIT = 200;
export const SEARCH_RESULT_CAP = 10_000;
/** Properties a record's id and dates answer, so a search on them alone needs no property values. */
const STAMPS = new Set(['hs_object_id', 'createdate', 'hs_createdate', 'lastmodifieddate', 'hs_lastmodifieddate']);
const OPERATORS = new Set(['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN']);

export function search(portal: Portal, type: ObjectType, rawBody: unknown): Record<string, unknown> {
  const body = (rawBody ?? {}) as SearchBody;
  const groups = body.filterGroups ?? [];
  if (groups.length > 5) throw badRequest(`There are ${groups.length} filter groups; at most 5 are allowed.`);
  let total = 0;
  for (const g of groups) {
    const n = g.filters?.length ?? 0;
    if (n > 6) throw badRequest(`A filter group has ${n} filters; at most 6 per group are allowed.`);
    total += n;
  }
  if (total > 18) throw badRequest(`The request has ${total} filters; at most 18 in total are allowed.`);
  if ((body.sorts?.length ?? 0) > 1) throw badRequest('At most one sort is allowed.');
  const limit = body.limit ?? 10;
  if (!Number.isInteger(limit) || limit < 0 || limit > SEARCH_MAX_LIMIT) {
    throw badRequest(`limit must be between 0 and ${SEARCH_MAX_LIMIT}; was ${String(limit)}`);
  }
  const after = body.after === undefined || body.after === '' ? 0 : Number(body.after);
  if (!Number.isInteger(after) || after < 0) throw badRequest(`after must be a non-negative integer offset; was ${String(body.after)}`);
  if (after + limit > SEARCH_RESULT_CAP) {
    throw badRequest(
      `Search results are limited to ${SEARCH_RESULT_CAP} items; after ${after} plus limit ${limit} goes beyond that. Narrow the query (for example by a date range) instead of paging further.`,
      { subCategory: 'SEARCH_RESULT_LIMIT_EXCEEDED' },
    );
  }
  const predicates = groups.map((g) => (g.filters ?? []).map((f) => compile(portal, type, f)));
  const query = body.query?.toLowerCase().trim();

  const sort = body.sorts?.[0];
  const sortName = sort === undefined ? undefined : typeof sort === 'string' ? sort.replace(/^-/, '') : (sort.propertyName ?? 'hs_object_id');
  const sortKind = sortName === undefined ? 'string' : (portal.properties[type].get(sortName)?.type ?? 'string');
  // Only ids and sort keys are kept: a large portal computes its records, and a search may match most of them.
  const matches: Array<{ id: number; key: number | string | null }> = [];
  const names = [...groups.flatMap((g) => (g.filters ?? []).map((f) => f.propertyName ?? '')), ...(sortName === undefined ? [] : [sortName])];
  const records = !query && names.every((n) => STAMPS.has(n)) ? portal.liveStamps(type) : portal.live(type);
  for (const rec of records) {
    if (predicates.length > 0 && !predicates.some((group) => group.every((p) => p(rec)))) continue;
    if (query && !matchesQuery(portal, type, rec, query)) continue;
    matches.push({ id: rec.id, key: sortName === undefined ? null : sortKey(sortKind, portal.value(type, rec, sortName)) });
  }
  if (sort) {
    const desc = typeof sort === 'string' ? sort.startsWith('-') : sort.direction === 'DESCENDING';
    matches.sort((a, b) => {
      const ka = a.key;
      const kb = b.key;
      const c = ka === kb ? a.id - b.id : ka === null ? 1 : kb === null ? -1 : ka < kb ? -1 : 1;
      return desc && ka !== null && kb !== null ? -c : c;
    });
  }
  const page = matches
    .slice(after, after + limit)
    .map((m) => portal.get(type, m.id))
    .filter((r): r is CrmRecord => r !== undefined);
  const out: Record<string, unknown> = { total: matches.length, results: page.map((r) => portal.toJson(type, r, body.properties)) };
  const next = after + page.length;
  if (next < matches.length && page.length > 0) out.paging = { next: { after: String(next), link: '' } };
  return out;
}

function sortKey(kind: string, v: string | undefined): number | string | null {
  if (v === undefined) return null;
  if (kind === 'number') return Number(v);
  if (kind === 'datetime' || kind === 'date') return Date.parse(v);
  return v.toLowerCase();
}

function matchesQuery(portal: Portal, type: ObjectType, rec: CrmRecord, q: string): boolean {
  const fields = type === 'contacts' ? ['email', 'firstname', 'lastname', 'phone', 'company'] : type === 'companies' ? ['name', 'domain', 'website'] : [];
  return fields.some((f) => portal.value(type, rec, f)?.toLowerCase().includes(q));
}

function compile(portal: Portal, type: ObjectType, f: Filter): (rec: CrmRecord) => boolean {
  const name = f.propertyName ?? '';
  const op = f.operator ?? 'EQ';
  if (!OPERATORS.has(op)) throw badRequest(`Unknown filter operator ${op}`);
  if (name.startsWith('associations.')) {
    const other = normaliseObjectType(name.slice('associations.'.length));
    if (!other) throw badRequest(`Unknown association filter ${name}`);
    const want = new Set((op === 'IN' ? (f.values ?? []) : [f.value]).map((v) => Number(v)));
    return (rec) => portal.associated(type, other, rec.id).some((id) => want.has(id));
  }
  const def = portal.properties[type].get(name);
  if (!def) throw badRequest(`Unable to search on property ${name}: it does not exist for ${type}`, { subCategory: 'PROPERTY_DOESNT_EXIST' });
  const kind = def.type;
  const norm = (v: unknown): number | string => {
    const s = String(v ?? '');
    if (kind === 'number') return Number(s);
    if (kind === 'datetime' || kind === 'date') return /^-?\d+$/.test(s) ? Number(s) : Date.parse(s);
    return def.type === 'enumeration' ? s : s.toLowerCase();
  };
  const get = (rec: CrmRecord): number | string | undefined => {
    const v = portal.value(type, rec, name);
    return v === undefined ? undefined : norm(v);
  };
  const value = norm(f.value);
  switch (op) {
    case 'HAS_PROPERTY':
      return (rec) => get(rec) !== undefined;
    case 'NOT_HAS_PROPERTY':
      return (rec) => get(rec) === undefined;
    case 'EQ':
      return kind === 'enumeration' && def.fieldType === 'checkbox'
        ? (rec) => (portal.value(type, rec, name) ?? '').split(';').includes(String(f.value))
        : (rec) => get(rec) === value;
    case 'NEQ':
      return (rec) => get(rec) !== value;
    case 'LT':
      return (rec) => cmp(get(rec), value) < 0;
    case 'LTE':
      return (rec) => cmp(get(rec), value) <= 0;
    case 'GT':
      return (rec) => cmp(get(rec), value) > 0;
    case 'GTE':
      return (rec) => cmp(get(rec), value) >= 0;
    case 'BETWEEN': {
      const high = norm(f.highValue);
      return (rec) => cmp(get(rec), value) >= 0 && cmp(get(rec), high) <= 0;
    }
    case 'IN':
    case 'NOT_IN': {
      if (!Array.isArray(f.values)) throw badRequest(`${op} needs a values array`);
      const set = new Set(f.values.map(norm));
      return op === 'IN' ? (rec) => set.has(get(rec) as string) : (rec) => !set.has(get(rec) as string);
    }
    default: {
      const token = String(f.value ?? '').toLowerCase();
      const re = new RegExp(`(^|\\W)${token.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}($|\\W)`);
      const has = (rec: CrmRecord) => re.test((portal.value(type, rec, name) ?? '').toLowerCase());
      return op === 'CONTAINS_TOKEN' ? has : (rec) => !has(rec);
    }
  }
}

/** Missing values never match a range comparison. */
function cmp(a: number | string | undefined, b: number | string): number {
  if (a === undefined || (typeof a === 'number' && Number.isNaN(a))) return Number.NaN;
  return a < b ? -1 : a > b ? 1 : 0;
}
