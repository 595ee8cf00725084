import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALL_PROPERTIES, allPropertiesIn, OUTPUT_PROPERTIES, propertyGroupIn } from '../../src/hubspot/bant-properties.ts';
import { provisionProperties, readPropertyOptions } from '../../src/hubspot/provision-properties.ts';
import { silentLogger } from '../../src/log.ts';
import { API, setupNock, teardownNock, testRequester } from './fixtures.ts';

beforeEach(setupNock);
afterEach(teardownNock);

describe('property definitions', () => {
  it('covers every CONTRACT section-3 property and answer property, with valid type/fieldType pairs and descriptions', () => {
    expect(ALL_PROPERTIES.map((p) => p.name)).toEqual([
      'bant_fit_score', 'bant_fit_grade', 'bant_engagement_score', 'bant_engagement_tier', 'bant_priority',
      'bant_budget', 'bant_authority', 'bant_need', 'bant_timeline', 'bant_criteria_met', 'bant_qualification',
      'bant_disqualify_reason', 'bant_score_reasons', 'bant_scored_at', 'bant_model_version', 'bant_lifecycle_stage',
      'bant_lead_score', 'bant_became_mql_at', 'bant_became_sql_at',
      'bant_budget_answer', 'bant_authority_answer', 'bant_need_answer', 'bant_timeline_answer',
      'bant_feedback', 'bant_feedback_criterion', 'bant_feedback_competitor',
    ]);
    const valid: Record<string, string[]> = { number: ['number'], enumeration: ['select', 'radio', 'checkbox'], string: ['text', 'textarea'], datetime: ['date'] };
    for (const p of ALL_PROPERTIES) {
      expect(valid[p.type], p.name).toContain(p.fieldType);
      expect(p.groupName).toBe('bant_scoring');
      expect(p.description.length, p.name).toBeGreaterThan(20);
      if (p.type === 'enumeration') expect(p.options?.length, p.name).toBeGreaterThan(0);
    }
    expect(OUTPUT_PROPERTIES.find((p) => p.name === 'bant_priority')?.options).toHaveLength(16);
    expect(ALL_PROPERTIES.find((p) => p.name === 'bant_timeline_answer')?.options?.map((o) => o.value)).toEqual(['lt_3_months', '3_6_months', '6_12_months', 'gt_12_months']);
    expect(ALL_PROPERTIES.find((p) => p.name === 'bant_feedback')?.options?.map((o) => o.value)).toEqual(['accepted', 'rejected', 'won', 'lost']);
    expect(ALL_PROPERTIES.find((p) => p.name === 'bant_feedback_criterion')?.options?.map((o) => o.value)).toEqual([
      'budget', 'authority', 'need', 'timeline', 'fit', 'pseudo_lead', 'competitor', 'other',
    ]);
  });
});

describe('provisionProperties', () => {
  it('when nothing exists, then the group and all properties are created in two calls after one read', async () => {
    const { request, callCount } = testRequester();
    nock(API).post('/crm/properties/2026-03/contacts/groups', { name: 'bant_scoring', label: 'BANT lead scoring', displayOrder: -1 }).reply(201, {});
    nock(API).post('/crm/properties/2026-03/contacts/batch/read').reply(200, { results: [] });
    let created: Array<Record<string, unknown>> = [];
    nock(API)
      .post('/crm/properties/2026-03/contacts/batch/create', (body: { inputs: Array<Record<string, unknown>> }) => {
        created = body.inputs;
        return true;
      })
      .reply(201, { results: ALL_PROPERTIES.map((p) => ({ name: p.name })) });
    const report = await provisionProperties(request, silentLogger);
    expect(report.created).toHaveLength(ALL_PROPERTIES.length);
    expect(created.find((p) => p.name === 'bant_fit_grade')).toMatchObject({ type: 'enumeration', fieldType: 'select', groupName: 'bant_scoring', label: 'BANT fit grade' });
    expect(created.find((p) => p.name === 'bant_scored_at')).toMatchObject({ type: 'datetime', fieldType: 'date' });
    expect(callCount()).toBe(3);
  });

  it('when everything exists and one property drifted, then the group 409 is fine and only the drifted one is patched', async () => {
    const { request } = testRequester();
    nock(API).post('/crm/properties/2026-03/contacts/groups').reply(409, { status: 'error', message: 'group already exists', category: 'CONFLICT' });
    const existing = ALL_PROPERTIES.map((p) => ({ ...p }));
    const drifted = existing.find((p) => p.name === 'bant_qualification');
    if (drifted?.options) drifted.options = drifted.options.slice(0, 2);
    nock(API).post('/crm/properties/2026-03/contacts/batch/read').reply(200, { results: existing });
    let patch: Record<string, unknown> = {};
    nock(API)
      .patch('/crm/properties/2026-03/contacts/bant_qualification', (body: Record<string, unknown>) => {
        patch = body;
        return true;
      })
      .reply(200, {});
    const report = await provisionProperties(request, silentLogger);
    expect(report).toMatchObject({ created: [], updated: ['bant_qualification'] });
    expect(Object.keys(patch)).toEqual(['options']);
    expect((patch.options as unknown[]).length).toBe(4);
  });

  it('when another instance created a property meanwhile (409), then it is compared instead', async () => {
    const { request } = testRequester();
    const [first, ...rest] = ALL_PROPERTIES;
    nock(API).post('/crm/properties/2026-03/contacts/groups').reply(409, {});
    nock(API).post('/crm/properties/2026-03/contacts/batch/read').reply(200, { results: rest });
    nock(API).post('/crm/properties/2026-03/contacts/batch/create').reply(409, { message: 'exists' });
    nock(API).post('/crm/properties/2026-03/contacts').reply(409, { message: 'exists' });
    nock(API).get(`/crm/properties/2026-03/contacts/${first?.name}`).reply(200, { ...first, label: 'Old label' });
    nock(API).patch(`/crm/properties/2026-03/contacts/${first?.name}`, { label: first?.label }).reply(200, {});
    const report = await provisionProperties(request, silentLogger);
    expect(report.updated).toEqual([first?.name]);
  });
});

describe('the property group in the installation language', () => {
  it('when the group exists with the English label and German is asked for, then it is relabelled; when it matches, it is left alone', async () => {
    const { request } = testRequester();
    const german = allPropertiesIn('de');
    expect(propertyGroupIn('de')).toEqual({ name: 'bant_scoring', label: 'BANT-Lead-Scoring', displayOrder: -1 });
    nock(API).post('/crm/properties/2026-03/companies/groups', { name: 'bant_scoring', label: 'BANT-Lead-Scoring', displayOrder: -1 }).reply(409, {}).persist();
    nock(API).post('/crm/properties/2026-03/companies/batch/read').reply(200, { results: german }).persist();
    nock(API).get('/crm/properties/2026-03/companies/groups/bant_scoring').reply(200, { name: 'bant_scoring', label: 'BANT lead scoring' });
    let patched: unknown;
    nock(API)
      .patch('/crm/properties/2026-03/companies/groups/bant_scoring', (body: unknown) => {
        patched = body;
        return true;
      })
      .reply(200, {});
    await provisionProperties(request, silentLogger, german, 'companies', propertyGroupIn('de'));
    expect(patched).toEqual({ label: 'BANT-Lead-Scoring' });
    // Already German: read, nothing patched (nock refuses an unexpected PATCH).
    nock(API).get('/crm/properties/2026-03/companies/groups/bant_scoring').reply(200, { name: 'bant_scoring', label: 'BANT-Lead-Scoring' });
    await provisionProperties(request, silentLogger, german, 'companies', propertyGroupIn('de'));
    expect(nock.pendingMocks().filter((m) => m.includes('groups/bant_scoring'))).toEqual([]);
  });

  it('when HubSpot answers the group read with garbage, then provisioning fails instead of guessing', async () => {
    const { request } = testRequester();
    nock(API).post('/crm/properties/2026-03/contacts/groups').reply(409, {});
    nock(API).get('/crm/properties/2026-03/contacts/groups/bant_scoring').reply(200, '"oops"', { 'content-type': 'application/json' });
    await expect(provisionProperties(request, silentLogger, allPropertiesIn('de'), 'contacts', propertyGroupIn('de'))).rejects.toThrow(/properties.readGroup/);
  });
});

describe('readPropertyOptions', () => {
  it('when lifecyclestage is read, then options come in the portal order by displayOrder, custom stages included', async () => {
    const { request } = testRequester();
    nock(API)
      .get('/crm/properties/2026-03/contacts/lifecyclestage')
      .reply(200, {
        name: 'lifecyclestage',
        options: [
          { value: 'customer', label: 'Customer', displayOrder: 6 },
          { value: 'lead', label: 'Lead', displayOrder: 1 },
          { value: '123456', label: 'Nurturing', displayOrder: 2 },
          { value: 'subscriber', label: 'Subscriber', displayOrder: 0 },
        ],
      });
    expect((await readPropertyOptions(request, 'contacts', 'lifecyclestage')).map((o) => o.value)).toEqual(['subscriber', 'lead', '123456', 'customer']);
  });
});
