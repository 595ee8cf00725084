// The calls the app really makes, recorded by the stand-in through an install, a backfill with activities and SQL
// contacts (tasks): each is in the endpoint → scope table of src/hubspot/endpoint-scopes.ts and granted by a scope
// app.json requests. (test/project/scopes.test.ts checks the other direction on the sources: every requested scope
// is needed by some call.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDefinition } from '../../src/app-definition.ts';
import { type HttpMethod, scopesUsed } from '../../src/hubspot/endpoint-scopes.ts';
import { type Env, SQL_ANSWERS, startEnv, waitAllScored, waitQuiescent } from './harness.ts';

let env: Env;
const requested = [...appDefinition.auth.requiredScopes, ...appDefinition.auth.optionalScopes];
/** The browser's consent page is not an API call. */
const isApiCall = (path: string) => !path.startsWith('/oauth/authorize');

beforeAll(async () => {
  env = await startEnv({
    portal: { contacts: 40, seed: 11 },
    beforeInstall: (portal) => {
      [...portal.live('contacts')].slice(0, 5).forEach((c) => {
        for (const [name, value] of Object.entries(SQL_ANSWERS)) {
          const pending = portal.pendingValues.get(name) ?? new Map<number, string>();
          pending.set(c.id, value);
          portal.pendingValues.set(name, pending);
        }
      });
    },
  });
  await waitAllScored(env.portal, { logLines: env.logLines });
  await waitQuiescent(env.standIn, { metricsUrl: env.app!.url });
}, 90_000);

afterAll(async () => {
  await env?.close();
});

describe('scopes of the calls the app makes', () => {
  it('when the app installs, backfills and creates tasks, then every call it makes is in the scope table and granted by app.json', () => {
    const calls = env.standIn.requests.filter((r) => isApiCall(r.path)).map((r) => ({ method: r.method as HttpMethod, path: r.path }));
    const distinct = [...new Map(calls.map((c) => [`${c.method} ${c.path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`, c])).values()];
    expect(distinct.map((c) => c.path)).toEqual(expect.arrayContaining([expect.stringMatching(/tasks\/batch\/create$/), expect.stringMatching(/contacts\/batch\/update$/)]));
    const { unmatched, missing } = scopesUsed(distinct, requested);
    expect(unmatched.map((c) => `${c.method} ${c.path}`)).toEqual([]);
    expect(missing).toEqual([]);
    expect(env.standIn.countRequests({ status: 403 })).toBe(0);
  });
});
