// End to end (issue #15 item 9): with lead routing on, unowned contacts that become sales-ready go to the active reps
// of the chosen team, at most the daily capacity each, never to an archived or deactivated owner; an owned contact
// keeps its owner; the reasons say who and why; the call task goes to the new owner; the console counts them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminClient, signIn } from '../ui/admin-client.ts';
import type { RunningConsole } from '../ui/console-fixtures.ts';
import { appTasks, contactsOf, type Env, SQL_ANSWERS, startEnv, waitAllScored, waitQuiescent, waitUntil } from './harness.ts';

let env: Env;
const TEAM = '101';
const CAPACITY = 2;
const quiet = () => waitQuiescent(env.standIn, { metricsUrl: env.app!.url });
const admin = () => createAdminClient({ url: env.app!.url } as RunningConsole);
const ROUTED = /assigned to (.+) \(team Vertrieb DACH\) by lead routing/;

beforeAll(async () => {
  env = await startEnv({ portal: { contacts: 24, seed: 21 } });
  await waitAllScored(env.portal, { logLines: env.logLines });
  await quiet();
}, 90_000);

afterAll(async () => {
  await env?.close();
});

describe('lead routing', () => {
  const newLeads: number[] = [];
  let owned = 0;
  let ownedBy = '';

  it('when routing is on and five unowned contacts and one owned contact become SQLs, then four go to the team’s two active reps, two each, and the owned one keeps its owner', async () => {
    const team = env.portal.owners.filter((o) => o.teams.some((t) => t.id === TEAM));
    const active = team.filter((o) => !o.archived && !o.deactivated).map((o) => o.id);
    expect(active).toHaveLength(2);
    expect(team.length).toBeGreaterThan(active.length);
    const client = admin();
    await signIn(client);
    const { settings } = (await (await client.get('/admin/api/settings')).json()) as { settings: Record<string, unknown> };
    const saved = await client.send('PUT', '/admin/api/settings', { ...settings, leadRouting: { enabled: true, teamId: TEAM, dailyCapacity: CAPACITY } });
    expect(saved.status).toBe(200);

    for (let i = 0; i < 5; i++) {
      newLeads.push(env.standIn.simulate.createContact(env.portal.id, { email: `lead${i}@kunde-${i}.de`, firstname: `Lea${i}`, lastname: 'Neu', jobtitle: 'Geschäftsführer', lifecyclestage: 'lead', ...SQL_ANSWERS }));
    }
    ownedBy = env.portal.owners.find((o) => o.teams.some((t) => t.id === '102'))?.id as string;
    owned = env.standIn.simulate.createContact(env.portal.id, { email: 'owned@kunde.de', jobtitle: 'Geschäftsführer', lifecyclestage: 'lead', hubspot_owner_id: ownedBy, ...SQL_ANSWERS });
    const byId = (id: number) => contactsOf(env.portal).find((c) => c.id === id);
    await waitUntil(() => [...newLeads, owned].every((id) => byId(id)?.props.bant_qualification === 'sql'), { message: 'the new leads scored as SQLs', timeoutMs: 30_000 });
    await quiet();

    const routed = contactsOf(env.portal).filter((c) => ROUTED.test(c.props.bant_score_reasons ?? ''));
    expect(routed).toHaveLength(2 * CAPACITY);
    const perRep = new Map<string, number>();
    for (const c of routed) perRep.set(c.props.hubspot_owner_id ?? '', (perRep.get(c.props.hubspot_owner_id ?? '') ?? 0) + 1);
    expect([...perRep.keys()].sort()).toEqual([...active].sort());
    expect([...perRep.values()]).toEqual([CAPACITY, CAPACITY]);
    // The reason names the rep who got the lead.
    for (const c of routed) {
      const owner = env.portal.owners.find((o) => o.id === c.props.hubspot_owner_id);
      expect(c.props.bant_score_reasons).toContain(`assigned to ${owner?.firstName} ${owner?.lastName} (team Vertrieb DACH) by lead routing`);
      // The call task goes to the new owner.
      const calls = appTasks(env.portal, c.id, 'call_sql');
      expect(calls).toHaveLength(1);
      expect(calls[0]?.props.hubspot_owner_id).toBe(c.props.hubspot_owner_id);
    }
    // Capacity reached: at least one new lead waits without an owner.
    expect(newLeads.filter((id) => !byId(id)?.props.hubspot_owner_id).length).toBeGreaterThanOrEqual(1);
    expect(byId(owned)?.props.hubspot_owner_id).toBe(ownedBy);
    expect(byId(owned)?.props.bant_score_reasons ?? '').not.toMatch(ROUTED);
  });

  it('when a routed contact is scored again, then it keeps its owner and the reason line', async () => {
    const routed = newLeads.map((id) => contactsOf(env.portal).find((c) => c.id === id)).find((c) => c?.props.hubspot_owner_id);
    expect(routed).toBeDefined();
    const owner = routed?.props.hubspot_owner_id;
    expect(routed?.props.bant_need).toBe('met');
    env.standIn.simulate.updateContact(env.portal.id, routed!.id, { bant_need_answer: 'latent' });
    await waitUntil(() => contactsOf(env.portal).find((c) => c.id === routed!.id)?.props.bant_need !== 'met', { message: 'the rescore' });
    await quiet();
    const after = contactsOf(env.portal).find((c) => c.id === routed!.id);
    expect(after?.props.hubspot_owner_id).toBe(owner);
    expect(after?.props.bant_score_reasons).toMatch(ROUTED);
  });

  it('when the admin opens the overview, then the console counts the leads routing assigned', async () => {
    const client = admin();
    await signIn(client);
    const overview = (await (await client.get('/admin/api/overview')).json()) as { routing: { enabled: boolean; assignedToday: number; assigned: number } };
    expect(overview.routing).toMatchObject({ enabled: true, assignedToday: 2 * CAPACITY, assigned: 2 * CAPACITY });
    // The card of a routed contact says it too.
    const routed = newLeads.find((id) => ROUTED.test(contactsOf(env.portal).find((c) => c.id === id)?.props.bant_score_reasons ?? '')) as number;
    const card = (await (await client.get(`/admin/api/card-preview?contactId=${routed}`)).json()) as { reasons: Array<{ text: string }> };
    expect(card.reasons.map((r) => r.text).some((t) => ROUTED.test(t))).toBe(true);
  });
});
