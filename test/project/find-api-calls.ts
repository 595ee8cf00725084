// Finds the HubSpot API calls in source files, for the scope checks: path literals and templates (`'/crm/…'`,
// `${BASE}${PATH}`), and calls of path helpers (`objectsPath('tasks', '/batch/create')`) whose template is defined in
// the sources (`function objectsPath(objectType, suffix = ''): string { return `/crm/objects/${API_VERSION}/…`; }`).
// Arguments that are not string literals become `{param}` (one path segment of any value).
import type { HttpMethod } from '../../src/hubspot/endpoint-scopes.ts';

export interface FoundCall {
  method: HttpMethod;
  path: string;
  file: string;
}

const API_ROOTS = ['crm', 'oauth', 'appinstalls', 'account-info', 'marketing', 'events', 'webhooks', 'webhooks-journal', 'communication-preferences', 'automation', 'settings'];
const API_PATH = new RegExp(`/(?:${API_ROOTS.join('|')})(?:/[^\\s'"\`?#]*)?`);
/** Paths that are not API calls: the consent page the browser opens, and the app's own callback. */
const NOT_API_CALLS = new Set(['/oauth/authorize', '/oauth/callback']);
const CALLERS = /\b(request|fetchWithTimeout|postForm)\s*(?:<[^()]*>)?\(/g;

/** Source without comments and imports, so paths quoted in comments or names imported are not taken for calls. */
function code(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
    .replace(/^\s*(?:import|export)\s[^;]*?\sfrom\s+['"][^'"]+['"];?/gm, '');
}

interface Helper {
  params: { name: string; fallback: string }[];
  template: string;
}

/** `UPPER_CASE = '…'` / `` `…` `` constants, resolved among themselves (`OWNERS_PATH` uses `API_VERSION`). */
function constantsOf(sources: string[]): Map<string, string> {
  const raw = new Map<string, string>();
  for (const source of sources) {
    for (const m of source.matchAll(/\b([A-Z][A-Z0-9_]*)\s*[:=]\s*(['"`])([^'"`\n]*)\2/g)) raw.set(m[1]!, m[3]!);
  }
  const resolved = new Map<string, string>();
  for (let round = 0; round < 3; round++) {
    for (const [name, value] of raw) resolved.set(name, substitute(value, new Map(), resolved));
  }
  return resolved;
}

function helpersOf(sources: string[]): Map<string, Helper> {
  const helpers = new Map<string, Helper>();
  for (const source of sources) {
    for (const m of source.matchAll(/function\s+(\w+)\(([^)]*)\)\s*:\s*string\s*\{\s*return\s+`([^`]*)`;?\s*\}/g)) {
      const params = m[2]!
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)
        .map((p) => ({ name: p.split(/[\s:=?]/)[0]!, fallback: /=\s*(['"])(.*)\1\s*$/.exec(p)?.[2] ?? '{param}' }));
      helpers.set(m[1]!, { params, template: m[3]! });
    }
  }
  return helpers;
}

function substitute(template: string, scope: Map<string, string>, constants: Map<string, string>): string {
  return template.replace(/\$\{([^}]*)\}/g, (_all, expression: string) => {
    const name = expression.trim();
    return scope.get(name) ?? constants.get(name.split('.').at(-1) ?? '') ?? '{param}';
  });
}

/** A call argument's value: a string literal, a template with known constants, a constant, or `{param}`. */
function argumentValue(arg: string, constants: Map<string, string>): string {
  const text = arg.trim();
  const quoted = /^(['"])(.*)\1$/.exec(text);
  if (quoted) return quoted[2]!;
  const template = /^`(.*)`$/.exec(text);
  if (template) return substitute(template[1]!, new Map(), constants);
  return constants.get(text.split('.').at(-1) ?? '') ?? '{param}';
}

/** The arguments of the call whose `(` is at `open`, split at top-level commas. */
function argumentsAt(source: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (let i = open + 1; i < source.length; i++) {
    const c = source[i]!;
    if (quote) {
      current += c;
      if (c === quote && source[i - 1] !== '\\') quote = undefined;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) {
        if (current.trim()) args.push(current);
        return args;
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      args.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  return args;
}

/** The HTTP method of the call at `start`..`end`: its `method: 'X'`, postForm → POST, else GET. */
function methodAt(source: string, start: number, end: number): HttpMethod {
  const head = source.slice(Math.max(0, start - 400), start);
  const call = [...head.matchAll(CALLERS)].at(-1);
  if (call?.[1] === 'postForm') return 'POST';
  const before = call ? head.slice(call.index) : '';
  const tail = source.slice(end, end + 300);
  const after = tail.slice(0, tail.search(new RegExp(CALLERS.source)) + 1 || tail.length);
  const declared = /method:\s*['"](\w+)['"]/.exec(before) ?? /method:\s*['"](\w+)['"]/.exec(after);
  return (declared?.[1] ?? 'GET') as HttpMethod;
}

function apiPath(text: string): string | undefined {
  const path = API_PATH.exec(text)?.[0]?.replace(/\/+$/, '');
  if (!path || path.split('/').length < 3 || NOT_API_CALLS.has(path)) return undefined;
  return path;
}

/** `sources`: file name → text. */
export function findApiCalls(sources: Map<string, string>): FoundCall[] {
  const texts = new Map([...sources].map(([file, text]) => [file, code(text)]));
  const constants = constantsOf([...texts.values()]);
  const helpers = helpersOf([...texts.values()]);
  const calls: FoundCall[] = [];
  for (const [file, source] of texts) {
    for (const m of source.matchAll(/(['"`])((?:(?!\1)[^\\\n]|\\.)*)\1/g)) {
      // Definitions (`return `…``, `NAME = '…'`) are where paths are built, not called.
      if (/(\breturn|=)\s*$/.test(source.slice(Math.max(0, m.index - 12), m.index))) continue;
      const path = apiPath(m[1] === '`' ? substitute(m[2]!, new Map(), constants) : m[2]!);
      if (path) calls.push({ method: methodAt(source, m.index, m.index + m[0].length), path, file });
    }
    // A path constant passed as it is (`path: OWNERS_PATH`, `postForm(config, op, OAUTH_TOKEN_PATH, …)`).
    for (const [name, value] of constants) {
      const path = apiPath(value);
      if (!path) continue;
      for (const m of source.matchAll(new RegExp(`(?<![\\w.$]|\\$\\{)${name}\\b(?!\\s*[:=][^=])`, 'g'))) {
        calls.push({ method: methodAt(source, m.index, m.index + name.length), path, file });
      }
    }
    for (const [name, helper] of helpers) {
      for (const m of source.matchAll(new RegExp(`(?<!function\\s)\\b${name}\\(`, 'g'))) {
        const open = m.index + m[0].length - 1;
        const args = argumentsAt(source, open);
        const scope = new Map(helper.params.map((p, i) => [p.name, args[i] === undefined ? p.fallback : argumentValue(args[i]!, constants)]));
        const path = apiPath(substitute(helper.template, scope, constants));
        if (path) calls.push({ method: methodAt(source, m.index, open), path, file });
      }
    }
  }
  return calls;
}
