// End to end: HubSpot expires the access token mid-run (as it does after 30 minutes, or early); the app refreshes it
// at the 2026-03 token endpoint once, transparently, and the work goes on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmRecord } from '../../standin/index.ts';
import { contactsOf, type Env, queueDepth, startEnv, waitAllScored, waitQuiescent, waitUntil } from './harness.ts';

let env: Env;

beforeAll(async () => {
  env = await startEnv({ portal: { contacts: 30, seed: 5 } });
  await waitAllScored(env.portal, { logLines: env.logLines });
  await waitQuiescent(env.standIn, { metricsUrl: env.app!.url });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

describe('a token expiry mid-run', () => {
  it('when the access token expires and several contacts change, then one refresh happens and every change is rescored', async () => {
    const refreshesBefore = env.standIn.countRequests({ method: 'POST', path: '/oauth/2026-03/token', status: 200 });
    const contacts = contactsOf(env.portal)
      .filter((c) => c.props.bant_qualification !== 'disqualified')
      .slice(0, 5);
    expect(contacts.length).toBe(5);
    const scoredAt = new Map(contacts.map((c) => [c.id, c.props.bant_scored_at]));
    env.standIn.expireTokens(env.portal.id);
    const mark = Date.now();
    for (const c of contacts) env.standIn.simulate.updateContact(env.portal.id, c.id, { bant_timeline_answer: 'gt_12_months' });
    await waitUntil(() => contacts.every((c: CrmRecord) => c.props.bant_timeline === 'not_met' && c.props.bant_scored_at !== scoredAt.get(c.id)), {
      message: () => `the changed contacts rescored after the expiry\n${env.logLines.slice(-20).join('\n')}`,
    });
    await waitQuiescent(env.standIn, { metricsUrl: env.app!.url });
    // The refresh grant went to the current endpoint, exactly once (single flight), never to v1.
    expect(env.standIn.countRequests({ method: 'POST', path: '/oauth/2026-03/token', status: 200 })).toBe(refreshesBefore + 1);
    expect(env.standIn.countRequests({ path: /^\/oauth\/v1\// })).toBe(0);
    // The expired token was refused at most once or twice before the refresh; nothing was given up on.
    expect(env.standIn.countRequests({ status: 401, since: mark })).toBeLessThanOrEqual(2);
    expect(await queueDepth(env.app!.url)).toBe(0);
    const metrics = await (await fetch(`${env.app!.url}/metrics`)).text();
    expect(metrics).toMatch(/^bant_dead_letters 0$/m);
    for (const c of contacts) expect(c.props.bant_qualification, String(c.id)).toBe('nurture');
  });
});
