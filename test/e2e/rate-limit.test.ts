// End to end: the app stays inside HubSpot's rolling 10-second budget per portal under a stream of changes, and rides
// out 5xx answers with retries. The portal's budget is lowered to 30 on both sides (the app's
// HUBSPOT_RATE_LIMIT_PER_10S and the stand-in's limit) so the test needs more calls than one window allows within seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmRecord } from '../../standin/index.ts';
import { contactsOf, type Env, startEnv, waitAllScored, waitQuiescent, waitUntil } from './harness.ts';

const LIMIT = 30;
let env: Env;

beforeAll(async () => {
  env = await startEnv({
    portal: { contacts: 30, seed: 13 },
    standIn: { rateLimit: { perTenSeconds: LIMIT } },
    extraEnv: { HUBSPOT_RATE_LIMIT_PER_10S: String(LIMIT), RESCORE_DELAY_MS: '50' },
  });
  await waitAllScored(env.portal, { logLines: env.logLines });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

describe('rate limits', () => {
  it('when changes keep arriving, then no rolling 10 s window holds more than the limit, HubSpot never answers 429, and every change is scored', async () => {
    const contacts = contactsOf(env.portal).filter((c) => c.props.bant_qualification !== 'disqualified');
    const changed: CrmRecord[] = [];
    // Waves of changes while earlier ones are being scored: each wave is its own rescoring batch.
    for (let wave = 0; wave < 5; wave++) {
      for (const c of contacts.slice(wave * 3, wave * 3 + 3)) {
        env.standIn.simulate.updateContact(env.portal.id, c.id, { bant_timeline_answer: 'gt_12_months' });
        changed.push(c);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
    await waitUntil(() => changed.every((c) => c.props.bant_timeline === 'not_met'), {
      timeoutMs: 40_000,
      message: () => `every changed contact rescored (${changed.filter((c) => c.props.bant_timeline !== 'not_met').length} left)`,
    });
    await waitQuiescent(env.standIn, { metricsUrl: env.app!.url });
    const burst = env.standIn.requests.filter((r) => r.portalId === env.portal.id && r.rate === 'burst');
    // More calls than one window allows were needed, so the limit was binding …
    expect(burst.length).toBeGreaterThan(LIMIT);
    // … and held.
    expect(env.standIn.maxRequestsInWindow(env.portal.id, 10_000)).toBeLessThanOrEqual(LIMIT);
    expect(env.standIn.countRequests({ portalId: env.portal.id, status: 429 })).toBe(0);
  }, 60_000);

  it('when HubSpot answers 502, 503 and 504 for a while, then the app retries and the change is still scored, with no dead letter', async () => {
    const contact = contactsOf(env.portal).find((c) => c.props.bant_qualification !== 'disqualified' && c.props.bant_need_answer !== 'acute') as CrmRecord;
    env.standIn.injectFaults(env.portal.id, { status5xx: 3 });
    env.standIn.simulate.updateContact(env.portal.id, contact.id, { bant_need_answer: 'acute' });
    await waitUntil(() => contact.props.bant_need === 'met', { timeoutMs: 30_000, message: 'the rescore despite the faults' });
    expect(env.standIn.requests.filter((r) => r.portalId === env.portal.id && r.status >= 500).map((r) => r.status)).toEqual([502, 503, 504]);
    const metrics = await (await fetch(`${env.app!.url}/metrics`)).text();
    expect(metrics).toMatch(/^bant_dead_letters 0$/m);
  }, 40_000);
});
