// The scopes app.json requests against the HubSpot calls the code makes: every call is granted by a requested scope,
// and every requested scope is the one some call is granted by (marketplace review: "use every scope you request").
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appDefinition } from '../../src/app-definition.ts';
import { ENDPOINT_SCOPES, pathMatches, scopesUsed, withoutVersion } from '../../src/hubspot/endpoint-scopes.ts';
import { type FoundCall, findApiCalls } from './find-api-calls.ts';

const HUBSPOT_DIR = new URL('../../src/hubspot/', import.meta.url);

function callsInSources(): FoundCall[] {
  const files = readdirSync(HUBSPOT_DIR).filter((f) => f.endsWith('.ts') && f !== 'endpoint-scopes.ts');
  return findApiCalls(new Map(files.map((f) => [f, readFileSync(new URL(f, HUBSPOT_DIR), 'utf8')])));
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
      'POST /crm/properties/{param}/groups',
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
    const { used } = scopesUsed(calls, [...requested, 'crm.objects.tickets.read']);
    expect(used.has('crm.objects.tickets.read')).toBe(false);
  });

  it('when a call has a path parameter, then one granted entry among those it may be is enough, and only granted ones count', () => {
    const call = { method: 'POST' as const, path: '/crm/associations/2026-03/{param}/{param}/batch/read' };
    const base = ['crm.objects.contacts.read', 'crm.objects.companies.read'];
    expect(scopesUsed([call], base)).toMatchObject({ missing: [], unmatched: [] });
    expect(scopesUsed([call], base).used.has('crm.objects.deals.read')).toBe(false);
    expect(scopesUsed([call], [...base, 'crm.objects.deals.read']).used.has('crm.objects.deals.read')).toBe(true);
    // A concrete path is strict: the deals association needs the deals scope.
    const deals = { method: 'POST' as const, path: '/crm/associations/2026-03/contacts/deals/batch/read' };
    expect(scopesUsed([deals], base).missing).toEqual([expect.objectContaining({ anyOf: ['crm.objects.deals.read'] })]);
  });

  it('when the sources call path helpers and path constants, then the calls are found with their methods', () => {
    const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}.sample.txt`, import.meta.url), 'utf8');
    const sources = new Map([
      ['api-paths.ts', fixture('api-paths')],
      ['calls.ts', fixture('calls')],
    ]);
    const found = findApiCalls(sources).map((c) => `${c.method} ${c.path}`);
    expect(found.sort()).toEqual([
      'GET /crm/owners/2026-03',
      'POST /crm/objects/2026-03/tasks/batch/create',
      'POST /crm/objects/2026-03/{param}/search',
      'POST /oauth/2026-03/token/introspect',
    ]);
  });

  it('when a table entry is versioned either way, then v3 and 2026-03 paths match it', () => {
    expect(pathMatches('/crm/objects/contacts/batch/read', '/crm/v3/objects/contacts/batch/read')).toBe(true);
    expect(pathMatches('/crm/objects/contacts/batch/read', '/crm/objects/2026-03/contacts/batch/read')).toBe(true);
    expect(pathMatches('/crm/properties/contacts/{propertyName}', '/crm/properties/2026-03/contacts/{param}')).toBe(true);
    expect(pathMatches('/crm/objects/contacts/batch/read', '/crm/objects/2026-03/companies/batch/read')).toBe(false);
  });
});
