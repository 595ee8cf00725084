// End to end on the stand-in: HubSpot's Leads object (docs/contract.md section 3b). A portal with Leads and the setting
// on: every SQL contact gets exactly one open lead carrying its priority, lead score and BANT summary (also after a
// redelivery), and a disqualified contact's open lead moves to the pipeline's disqualified stage with the reason; the
// portal's own pipeline has numeric stage ids and the disqualified stage in the middle. A portal without Leads is
// unaffected: no lead call over OAuth (the scopes are not granted), and over a private app's token HubSpot's 403 is
// taken as "no Leads" while contacts are scored as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDefinition } from '../../src/app-definition.ts';
import { type HttpMethod, scopesUsed } from '../../src/hubspot/endpoint-scopes.ts';
import { customLeadPipeline } from '../../standin/pipelines.ts';
import type { CrmRecord, Portal } from '../../standin/index.ts';
import { createAdminClient, signIn } from '../ui/admin-client.ts';
import type { RunningConsole } from '../ui/console-fixtures.ts';
import { appTasks, contactsOf, type Env, redeliver, SQL_ANSWERS, startEnv, waitAllScored, waitQuiescent, waitUntil } from './harness.ts';

const leadsOf = (portal: Portal, contactId: number): CrmRecord[] => portal.associated('contacts', 'leads', contactId).map((id) => portal.get('leads', id)).filter((l): l is CrmRecord => Boolean(l));
const OPEN_STAGES = new Set(customLeadPipeline().stages.filter((s) => s.metadata.isClosed === 'false').map((s) => s.id));
const DISQUALIFIED = customLeadPipeline().stages.find((s) => s.metadata.leadState === 'UNQUALIFIED_STAGE_TYPE')!.id;
const openLeadsOf = (portal: Portal, contactId: number) => leadsOf(portal, contactId).filter((l) => OPEN_STAGES.has(l.props.hs_pipeline_stage ?? ''));
/** Lifecycle stages of the lead process (docs/contract.md section 4): later ones get no new lead. */
const LEAD_STAGES = new Set(['', 'subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead']);
const leadRequests = (env: Env) => env.standIn.requests.filter((r) => r.portalId === env.portal.id && /\/leads\b/.test(r.path));

async function admin(env: Env) {
  const client = createAdminClient({ url: env.app!.url } as RunningConsole);
  await signIn(client);
  return client;
}

describe('a portal with Leads, the setting on', () => {
  let env: Env;
  const quiet = () => waitQuiescent(env.standIn, { metricsUrl: env.app!.url });

  beforeAll(async () => {
    env = await startEnv({
      portal: { contacts: 30, seed: 41 },
      proxy: true,
      beforeInstall: (portal) => {
        portal.leadPipelines = [customLeadPipeline()];
      },
    });
    await waitAllScored(env.portal, { logLines: env.logLines });
    await quiet();
  }, 60_000);

  afterAll(async () => {
    await env?.close();
  });

  it('when the setting is off, then SQL contacts get no lead and the app makes no lead call', async () => {
    const picked = contactsOf(env.portal).filter((c) => c.props.bant_qualification !== 'disqualified' && c.props.bant_qualification !== 'sql').slice(0, 2);
    for (const c of picked) env.standIn.simulate.updateContact(env.portal.id, c.id, { ...SQL_ANSWERS });
    await waitUntil(() => picked.every((c) => c.props.bant_qualification === 'sql'), { message: () => env.logLines.slice(-20).join('\n') });
    await quiet();
    expect(leadRequests(env)).toEqual([]);
    expect([...env.portal.live('leads')]).toEqual([]);
  });

  it('when the admin enables Leads, then the console showed them available and every contact already SQL gets one open lead with the app values', async () => {
    const client = await admin(env);
    const current = (await (await client.get('/admin/api/settings')).json()) as { settings: Record<string, unknown>; leads: { available: boolean; enabled: boolean } };
    expect(current.leads).toEqual({ available: true, enabled: false });
    const saved = await client.send('PUT', '/admin/api/settings', { ...current.settings, leadsEnabled: true });
    expect(saved.status).toBe(200);
    const sql = () => contactsOf(env.portal).filter((c) => c.props.bant_qualification === 'sql' && LEAD_STAGES.has(c.props.lifecyclestage ?? ''));
    await waitUntil(() => sql().length > 0 && sql().every((c) => openLeadsOf(env.portal, c.id).length === 1), {
      timeoutMs: 40_000,
      message: () => `every SQL contact with one open lead (${sql().filter((c) => openLeadsOf(env.portal, c.id).length !== 1).length} without)\n${env.logLines.slice(-20).join('\n')}`,
    });
    await quiet();
    for (const contact of sql()) {
      const [lead] = openLeadsOf(env.portal, contact.id);
      expect(lead?.props).toMatchObject({ hs_pipeline: '8800001', hs_pipeline_stage: '8800011', bant_priority: contact.props.bant_priority });
      expect(Number(lead?.props.bant_lead_score)).toBe(Number(contact.props.bant_lead_score));
      expect(lead?.props.bant_summary).toMatch(/^Budget \w+.* · Authority .* · Need .* · Timeline /);
      expect(lead?.props.hs_lead_name).toBeTruthy();
      // The contact's owner works the lead.
      expect(lead?.props.hubspot_owner_id ?? '').toBe(contact.props.hubspot_owner_id ?? '');
    }
    // Contacts that are not SQL got none, nor SQL contacts past the lead stages.
    for (const contact of contactsOf(env.portal).filter((c) => !sql().includes(c))) expect(leadsOf(env.portal, contact.id)).toEqual([]);
    // The app's lead properties were created in its group on the leads object.
    expect(env.portal.properties.leads.get('bant_summary')?.groupName).toBe('bant_scoring');
    // Every lead call is in the endpoint → scope table and granted by a scope app.json requests.
    const calls = leadRequests(env).map((r) => ({ method: r.method as HttpMethod, path: r.path }));
    expect(calls.length).toBeGreaterThan(0);
    const requested = [...appDefinition.auth.requiredScopes, ...appDefinition.auth.optionalScopes];
    expect(scopesUsed(calls, requested)).toMatchObject({ unmatched: [], missing: [] });
  }, 60_000);

  let contact: CrmRecord;

  it('when a contact becomes SQL through a webhook, then it gets exactly one lead, and redelivered webhooks create nothing new', async () => {
    contact = contactsOf(env.portal).find((c) => c.props.bant_qualification === 'mql' || c.props.bant_qualification === 'nurture') as CrmRecord;
    expect(contact).toBeDefined();
    const since = Date.now();
    env.standIn.simulate.updateContact(env.portal.id, contact.id, { ...SQL_ANSWERS });
    await waitUntil(() => contact.props.bant_qualification === 'sql' && openLeadsOf(env.portal, contact.id).length === 1, {
      message: () => `contact ${contact.id} sql with a lead (now ${contact.props.bant_qualification}, ${leadsOf(env.portal, contact.id).length} leads)\n${env.logLines.slice(-20).join('\n')}`,
    });
    await quiet();
    const [lead] = openLeadsOf(env.portal, contact.id);
    expect(lead?.props.bant_summary).toBe('Budget met · Authority met · Need met · Timeline met');
    expect(lead?.props.bant_priority).toBe(contact.props.bant_priority);
    const events = env.standIn.deliveries.filter((d) => d.at >= since).flatMap((d) => d.events);
    expect(events.length).toBeGreaterThan(0);
    const creates = () => env.proxy!.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/leads/batch/create')).length;
    const before = creates();
    const target = `http://127.0.0.1:${env.port}/webhooks/hubspot`;
    expect((await redeliver(target, events.map((e) => ({ ...e, attemptNumber: Number(e.attemptNumber ?? 0) + 1 })))).status).toBeLessThan(300);
    const [a, b] = await Promise.all([redeliver(target, events), redeliver(target, events)]);
    expect([a.status, b.status].every((s) => s < 300)).toBe(true);
    // A change of another property the model reads rescores the contact again, and the lead sync reads its leads again.
    const leadReads = () => env.proxy!.requests.filter((r) => r.path.endsWith('/contacts/leads/batch/read')).length;
    const readsBefore = leadReads();
    env.standIn.simulate.updateContact(env.portal.id, contact.id, { jobtitle: contact.props.jobtitle === 'Leiter Vertrieb' ? 'Leiter Einkauf' : 'Leiter Vertrieb' });
    await waitUntil(() => leadReads() > readsBefore, { message: `contact ${contact.id} rescored after its job title changed` });
    await quiet();
    expect(leadsOf(env.portal, contact.id)).toHaveLength(1);
    expect(creates()).toBe(before);
    expect(appTasks(env.portal, contact.id, 'call_sql')).toHaveLength(1);
  });

  it("when the contact is then disqualified, then its open lead moves to the portal's disqualified stage with the reason", async () => {
    env.standIn.simulate.updateContact(env.portal.id, contact.id, { bant_need_answer: 'none' });
    await waitUntil(() => contact.props.bant_qualification === 'disqualified' && leadsOf(env.portal, contact.id)[0]?.props.hs_pipeline_stage === DISQUALIFIED, {
      message: () => `contact ${contact.id} disqualified, lead moved (now ${contact.props.bant_qualification}, stage ${leadsOf(env.portal, contact.id)[0]?.props.hs_pipeline_stage})\n${env.logLines.slice(-20).join('\n')}`,
    });
    await quiet();
    const leads = leadsOf(env.portal, contact.id);
    expect(leads).toHaveLength(1);
    expect(leads[0]?.props.bant_disqualify_reason).toBe(contact.props.bant_disqualify_reason);
    expect(contact.props.bant_disqualify_reason).toBe('no_need');
  });
});

describe('a portal without Leads', () => {
  it('when the app is installed through OAuth, then the leads scopes are not granted, the setting is refused and no lead call is made', async () => {
    const env = await startEnv({ portal: { contacts: 20, seed: 42, leads: false } });
    try {
      await waitAllScored(env.portal, { logLines: env.logLines });
      const client = await admin(env);
      const current = (await (await client.get('/admin/api/settings')).json()) as { settings: Record<string, unknown>; leads: { available: boolean; note: string } };
      expect(current.leads.available).toBe(false);
      expect(current.leads.note).toContain('crm.objects.leads.read');
      const refused = await client.send('PUT', '/admin/api/settings', { ...current.settings, leadsEnabled: true });
      expect(refused.status).toBe(422);
      const status = (await (await client.get('/admin/api/overview')).json()) as { installation: { scopes: string[]; leads: { available: boolean } } };
      expect(status.installation.scopes).not.toContain('crm.objects.leads.read');
      expect(status.installation.leads.available).toBe(false);
      const contact = contactsOf(env.portal).find((c) => c.props.bant_qualification !== 'sql' && c.props.bant_qualification !== 'disqualified') as CrmRecord;
      env.standIn.simulate.updateContact(env.portal.id, contact.id, { ...SQL_ANSWERS });
      await waitUntil(() => contact.props.bant_qualification === 'sql', { message: () => env.logLines.slice(-20).join('\n') });
      await waitQuiescent(env.standIn, { metricsUrl: env.app!.url });
      expect(leadRequests(env)).toEqual([]);
    } finally {
      await env.close();
    }
  }, 60_000);

  it("when a private app's token reaches a portal without Leads and the setting is on, then HubSpot's 403 means no Leads and contacts are scored as before", async () => {
    const env = await startEnv({ portal: { contacts: 20, seed: 43, leads: false, privateAppToken: 'pat-eu1-leads-e2e-0000' } });
    try {
      await waitAllScored(env.portal, { logLines: env.logLines });
      const installation = await env.app!.ctx.store.getInstallation(env.portal.id);
      expect(installation).toBeDefined();
      await env.app!.ctx.store.updateInstallation(env.portal.id, { settings: { ...installation!.settings, leadsEnabled: true } });
      const contact = contactsOf(env.portal).find((c) => c.props.bant_qualification !== 'sql' && c.props.bant_qualification !== 'disqualified') as CrmRecord;
      env.standIn.simulate.updateContact(env.portal.id, contact.id, { ...SQL_ANSWERS });
      await waitUntil(() => contact.props.bant_qualification === 'sql' && appTasks(env.portal, contact.id, 'call_sql').length === 1, { message: () => env.logLines.slice(-20).join('\n') });
      await waitQuiescent(env.standIn, { metricsUrl: env.app!.url });
      const refused = leadRequests(env);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.every((r) => r.status === 403 && r.path.includes('/pipelines/'))).toBe(true);
      expect([...env.portal.live('leads')]).toEqual([]);
    } finally {
      await env.close();
    }
  }, 60_000);
});
