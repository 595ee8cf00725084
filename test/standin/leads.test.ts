import { afterEach, describe, expect, it } from 'vitest';
import { type Fixture, fixture } from './helpers.ts';

let f: Fixture;
afterEach(async () => {
  await f.standIn.close();
});

const contactOf = (fx: Fixture) => [...fx.standIn.portal(fx.portalId).live('contacts')][0]!.id;
const toContact = (id: number, typeId = 578) => [{ to: { id: String(id) }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }] }];

describe('the leads object', () => {
  it('when the lead pipelines are read, then every stage says by metadata whether it is closed and which lead state it is', async () => {
    f = await fixture();
    const res = await f.call('GET', '/crm/pipelines/2026-03/leads');
    expect(res.status).toBe(200);
    const stages = (res.body.results as Array<{ id: string; stages: Array<{ id: string; metadata: Record<string, string> }> }>)[0]!.stages;
    expect(stages.map((s) => s.metadata.leadState)).toEqual(['NEW_STAGE_TYPE', 'IN_PROGRESS_STAGE_TYPE', 'IN_PROGRESS_STAGE_TYPE', 'QUALIFIED_STAGE_TYPE', 'UNQUALIFIED_STAGE_TYPE']);
    expect(stages.find((s) => s.metadata.leadState === 'UNQUALIFIED_STAGE_TYPE')?.metadata.isClosed).toBe('true');
  });

  it('when a lead is created without a name or without a contact, then 400 and nothing is created', async () => {
    f = await fixture();
    const contactId = contactOf(f);
    expect((await f.call('POST', '/crm/objects/2026-03/leads', { properties: {}, associations: toContact(contactId) })).status).toBe(400);
    expect((await f.call('POST', '/crm/objects/2026-03/leads', { properties: { hs_lead_name: 'x' } })).status).toBe(400);
    const batch = await f.call('POST', '/crm/objects/2026-03/leads/batch/create', {
      inputs: [
        { properties: { hs_lead_name: 'ok' }, associations: toContact(contactId) },
        { properties: { hs_lead_name: 'no contact' } },
      ],
    });
    expect(batch.status).toBe(400);
    expect([...f.standIn.portal(f.portalId).live('leads')]).toHaveLength(0);
  });

  it('when a lead is created with its primary contact, then it starts in the first stage and the contact lists it', async () => {
    f = await fixture();
    const contactId = contactOf(f);
    const res = await f.call('POST', '/crm/objects/2026-03/leads/batch/create', { inputs: [{ properties: { hs_lead_name: 'Erika Muster' }, associations: toContact(contactId) }] });
    expect(res.status).toBe(201);
    const leadId = (res.body.results as Array<{ id: string; properties: Record<string, string> }>)[0]!;
    expect(leadId.properties).toMatchObject({ hs_pipeline: 'lead-pipeline-id', hs_pipeline_stage: 'new-stage-id' });
    const links = await f.call('POST', '/crm/associations/2026-03/contacts/leads/batch/read', { inputs: [{ id: String(contactId) }] });
    expect((links.body.results as Array<{ to: Array<{ toObjectId: number }> }>)[0]!.to.map((t) => String(t.toObjectId))).toEqual([leadId.id]);
    const moved = await f.call('POST', '/crm/objects/2026-03/leads/batch/update', { inputs: [{ id: leadId.id, properties: { hs_pipeline_stage: 'no-such-stage' } }] });
    expect(moved.status).toBe(400);
  });

  it('when the token lacks the leads scopes, or the portal has no Leads, then the leads object answers 403', async () => {
    f = await fixture();
    const { accessToken } = f.standIn.issueToken(f.portalId, ['oauth', 'crm.objects.contacts.read']);
    expect((await f.call('GET', '/crm/pipelines/2026-03/leads', undefined, accessToken)).status).toBe(403);
    f.standIn.portal(f.portalId).leadPipelines = null;
    const res = await f.call('GET', '/crm/pipelines/2026-03/leads');
    expect(res.status).toBe(403);
    expect(res.body.category).toBe('MISSING_SCOPES');
    expect((await f.call('POST', '/crm/associations/2026-03/contacts/leads/batch/read', { inputs: [{ id: String(contactOf(f)) }] })).status).toBe(403);
    expect((await f.call('GET', '/crm/pipelines/2026-03/deals')).status).toBe(200);
  });
});
