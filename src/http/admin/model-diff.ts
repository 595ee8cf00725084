// What changed between two models, field by field, with engagement rules and penalties named by their id (so a
// reordered list is no change) and fit rules by dimension and grade.
export interface ModelChange {
  path: string;
  before: unknown;
  after: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A stable name for an element of a list of objects, or null when the list is compared by position. */
function elementKey(element: unknown): string | null {
  if (!isObject(element)) return null;
  if (typeof element.id === 'string') return element.id;
  if (typeof element.dimension === 'string' && typeof element.grade === 'string') return `${element.dimension} ${element.grade}`;
  return null;
}

function keyed(list: unknown[]): Map<string, unknown> | null {
  const map = new Map<string, unknown>();
  for (const element of list) {
    const key = elementKey(element);
    if (key === null || map.has(key)) return null;
    map.set(key, element);
  }
  return map;
}

function walk(before: unknown, after: unknown, path: string, out: ModelChange[]): void {
  if (isObject(before) && isObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const key of keys) {
      if (key === '$schema') continue;
      walk(Object.hasOwn(before, key) ? before[key] : undefined, Object.hasOwn(after, key) ? after[key] : undefined, path ? `${path}.${key}` : key, out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const a = keyed(before);
    const b = keyed(after);
    if (a && b && (a.size > 0 || b.size > 0)) {
      for (const key of new Set([...a.keys(), ...b.keys()])) walk(a.get(key), b.get(key), `${path}[${key}]`, out);
      return;
    }
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ path, before: before ?? null, after: after ?? null });
}

export function diffModels(before: unknown, after: unknown): ModelChange[] {
  const out: ModelChange[] = [];
  walk(before, after, '', out);
  return out;
}
