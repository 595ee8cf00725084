// End to end in private-app mode: one portal, a static token (HUBSPOT_PRIVATE_APP_TOKEN), no OAuth install. The app
// provisions its properties at start-up and a changed contact is scored end to end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Env, OUTPUT_PROPERTIES, SQL_ANSWERS, startEnv, waitAllScored, waitQuiescent, waitUntil } from './harness.ts';

const TOKEN = `pat-eu1-${'e2e0'.repeat(8)}-0000-4000-8000-000000000000`;
const PORTAL_ID = 24_500_001;
let env: Env;

beforeAll(async () => {
  // No HUBSPOT_PORTAL_ID: the app learns the portal from the token (GET /account-info/2026-03/details).
  env = await startEnv({ portal: { portalId: PORTAL_ID, contacts: 30, seed: 9, privateAppToken: TOKEN } });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

describe('private-app mode', () => {
  it('when the app starts with a static token, then it never calls the OAuth endpoints and /oauth/install explains there is nothing to install', async () => {
    expect(env.standIn.countRequests({ path: /^\/oauth\// })).toBe(0);
    expect(env.standIn.countRequests({ path: /^\/account-info\/2026-03\/details/ })).toBe(1);
    const res = await fetch(`${env.app!.url}/oauth/install`, { redirect: 'manual' });
    expect(res.status).toBe(400);
  });

  it('when the app starts, then it provisions its properties and backfills every contact once', async () => {
    await waitAllScored(env.portal, { logLines: env.logLines });
    expect(env.portal.groups.contacts.has('bant_scoring')).toBe(true);
    expect(env.portal.properties.contacts.has('bant_budget_answer')).toBe(true);
  });

  it('when a contact changes, then its webhook is verified with the client secret and the contact is rescored with every section-3 property', async () => {
    await waitQuiescent(env.standIn, { metricsUrl: env.app!.url });
    const contact = [...env.portal.live('contacts')].find((c) => c.props.hubspot_owner_id && !/student|praktikant/i.test(c.props.jobtitle ?? '')) ?? [...env.portal.live('contacts')][0]!;
    env.standIn.simulate.updateContact(env.portal.id, contact.id, { ...SQL_ANSWERS, jobtitle: 'Geschäftsführer' });
    await waitUntil(() => contact.props.bant_budget === 'met', { message: () => `contact ${contact.id} rescored\n${env.logLines.slice(-20).join('\n')}` });
    for (const name of Object.keys(OUTPUT_PROPERTIES)) {
      if (name === 'bant_disqualify_reason' || name === 'bant_score_reasons') continue;
      expect(contact.props[name], name).toBeDefined();
    }
    expect(contact.props.bant_budget).toBe('met');
    expect(contact.props.bant_criteria_met).toBe('4');
    await waitQuiescent(env.standIn, { metricsUrl: env.app!.url });
    // Every request carried the static token (the stand-in records the portal only for authenticated requests).
    expect(env.standIn.requests.every((r) => r.portalId === env.portal.id && r.status < 400)).toBe(true);
  });
});
