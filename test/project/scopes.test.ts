// The scopes app.json requests against the HubSpot calls the code makes: every call is granted by a requested scope,
// and every requested scope is the one some call is granted by (marketplace review: "use every scope you request").
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appDefinition } from '../../src/app-definition.ts';
import { ENDPOINT_SCOPES, type HttpMethod, pathMatches, scopesUsed, withoutVersion } from '../../src/hubspot/endpoint-scopes.ts';

const HUBSPOT_DIR = new URL('../../src/hubspot/', import.meta.url);
const API_ROOTS = ['crm', 'oauth', 'appinstalls', 'account-info', 'marketing', 'events', 'webhooks', 'webhooks-journal', 'communication-preferences', 'automation', 'settings'];
const API_PATH = new RegExp(`/(?:${API_ROOTS.join('|')})(?:/[^\\s'"\`?#]*)?`);

interface FoundCall {
  method: HttpMethod;
  path: string;
  file: string;
}

/** Source without comments, so paths quoted in comments are not taken for calls. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/** `const NAME = 'value'` and `NAME: 'value'` in src/hubspot: what `${NAME}` or `${X.NAME}` in a path stands for. */
function stringConstants(sources: string[]): Map<string, string> {
  const constants = new Map<string, string>();
  for (const source of sources) {
    for (const m of source.matchAll(/(?:const\s+)?([A-Za-z_$][\w$]*)\s*[:=]\s*(['"`])(\/[^'"`$]*)\2/g)) constants.set(m[1]!, m[3]!);
  }
  return constants;
}

function resolve(template: string, constants: Map<string, string>): string {
  return template.replace(/\$\{([^}]*)\}/g, (_all, expression: string) => {
    const name = expression.trim().split('.').at(-1) ?? '';
    return constants.get(name) ?? '{param}';
  });
}

/** The HTTP method of the call a path literal belongs to: its `method: 'X'`, postForm → POST, else GET. */
function methodAt(source: string, start: number, end: number): HttpMethod {
  const head = source.slice(Math.max(0, start - 400), start);
  const call = [...head.matchAll(/\b(request|fetchWithTimeout|postForm)\s*(?:<[^()]*>)?\(/g)].at(-1);
  if (call?.[1] === 'postForm') return 'POST';
  const before = call ? head.slice(call.index) : '';
  const tail = source.slice(end, end + 300);
  const after = tail.slice(0, tail.search(/\b(request|fetchWithTimeout|postForm)\s*(<[^()]*>)?\(/) + 1 || tail.length);
  const declared = /method:\s*['"](\w+)['"]/.exec(before) ?? /method:\s*['"](\w+)['"]/.exec(after);
  return (declared?.[1] ?? 'GET') as HttpMethod;
}

/** Paths in src/hubspot that are not API calls: the consent page the browser opens, and the app's own callback. */
const NOT_API_CALLS = new Set(['/oauth/authorize', '/oauth/callback']);

function callsInSources(): FoundCall[] {
  const files = readdirSync(HUBSPOT_DIR).filter((f) => f.endsWith('.ts'));
  const sources = new Map(files.map((f) => [f, code(readFileSync(new URL(f, HUBSPOT_DIR), 'utf8'))]));
  const constants = stringConstants([...sources.values()]);
  const calls: FoundCall[] = [];
  for (const [file, source] of sources) {
    if (file === 'endpoint-scopes.ts') continue;
    for (const m of source.matchAll(/(['"`])((?:(?!\1)[^\\\n]|\\.)*)\1/g)) {
      const literal = m[1] === '`' ? resolve(m[2]!, constants) : m[2]!;
      const path = API_PATH.exec(literal)?.[0];
      if (!path || path.split('/').length < 3 || NOT_API_CALLS.has(path)) continue;
      calls.push({ method: methodAt(source, m.index, m.index + m[0].length), path: path.replace(/\/+$/, ''), file });
    }
  }
  return calls;
}

const requested = [...appDefinition.auth.requiredScopes, ...appDefinition.auth.optionalScopes, ...appDefinition.auth.conditionallyRequiredScopes];

describe('scopes of app.json and the HubSpot calls in src/hubspot', () => {
  const calls = callsInSources();

  it('when src/hubspot is read, then the calls the app makes are found (reads, writes, properties, OAuth, uninstall)', () => {
    const paths = calls.map((c) => `${c.method} ${withoutVersion(c.path)}`);
    for (const expected of [
      'POST /crm/objects/contacts/batch/update',
      'POST /crm/objects/tasks/batch/create',
      'GET /crm/owners',
      'POST /oauth/token',
      'DELETE /appinstalls/external-install',
      'POST /crm/properties/contacts/groups',
    ]) {
      expect(paths).toContain(expected);
    }
  });

  it('when a call is made, then the endpoint → scope table knows it', () => {
    const { unmatched } = scopesUsed(calls, requested);
    expect(unmatched.map((c) => `${c.method} ${c.path} (${(c as FoundCall).file})`)).toEqual([]);
  });

  it('when a call is made, then a scope the app requests grants it', () => {
    expect(scopesUsed(calls, requested).missing).toEqual([]);
  });

  it('when the app requests a scope, then some call needs it (nothing requested only in case)', () => {
    const { used } = scopesUsed(calls, requested);
    expect(requested.filter((scope) => !used.has(scope))).toEqual([]);
  });

  it('when the emails batch read is the only call that accepts sales-email-read, then that scope is not requested', () => {
    const emailsRead = ENDPOINT_SCOPES.find((e) => e.method === 'POST' && pathMatches(e.path, '/crm/objects/2026-03/emails/batch/read'));
    expect(emailsRead?.requires).toEqual([['crm.objects.contacts.read', 'sales-email-read']]);
    expect(requested).not.toContain('sales-email-read');
  });

  it('when app.json asked for a scope no call needs, then the check names it', () => {
    const { used } = scopesUsed(calls, [...requested, 'crm.objects.deals.read']);
    expect(used.has('crm.objects.deals.read')).toBe(false);
  });

  it('when a table entry is versioned either way, then v3 and 2026-03 paths match it', () => {
    expect(pathMatches('/crm/objects/contacts/batch/read', '/crm/v3/objects/contacts/batch/read')).toBe(true);
    expect(pathMatches('/crm/objects/contacts/batch/read', '/crm/objects/2026-03/contacts/batch/read')).toBe(true);
    expect(pathMatches('/crm/properties/contacts/{propertyName}', '/crm/properties/2026-03/contacts/{param}')).toBe(true);
    expect(pathMatches('/crm/objects/contacts/batch/read', '/crm/objects/2026-03/companies/batch/read')).toBe(false);
  });
});
