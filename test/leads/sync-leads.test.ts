import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app-context.ts';
import { HubSpotApiError } from '../../src/errors.ts';
import type { LeadCreate, LeadPipelines } from '../../src/hubspot/leads.ts';
import type { PortalClient } from '../../src/hubspot/portal-client.ts';
import { silentLogger } from '../../src/log.ts';
import { syncLeads } from '../../src/leads/sync-leads.ts';
import { Metrics } from '../../src/metrics.ts';
import type { ScoringResult } from '../../src/scoring/types.ts';
import { DEFAULT_SETTINGS, type Installation } from '../../src/store/store.ts';

const ctx = { log: silentLogger, metrics: new Metrics() } as unknown as AppContext;
const PIPELINES: LeadPipelines = {
  defaultPipelineId: 'p',
  stages: new Map([
    ['new', { stageId: 'new', pipelineId: 'p', label: 'New', displayOrder: 0, kind: 'open' }],
    ['out', { stageId: 'out', pipelineId: 'p', label: 'Disqualified', displayOrder: 4, kind: 'disqualified' }],
  ]),
};

function installation(overrides: Partial<Installation> = {}): Installation {
  return {
    portalId: 1,
    mode: 'oauth',
    status: 'active',
    installedAt: '2026-11-01T00:00:00Z',
    scopes: ['crm.objects.leads.read', 'crm.objects.leads.write'],
    settings: { ...DEFAULT_SETTINGS, leadsEnabled: true },
    ...overrides,
  };
}

const sqlResult = {
  qualification: 'sql',
  disqualifyReason: null,
  priority: 'A1',
  bant: { budget: { state: 'met' }, authority: { state: 'met' }, need: { state: 'met' }, timeline: { state: 'met' }, criteriaMet: 4 },
  properties: { bant_lead_score: '90' },
} as unknown as ScoringResult;

function fakeClient(options: { pipelines?: () => Promise<LeadPipelines | undefined>; refuseOwner?: boolean } = {}) {
  const creates: LeadCreate[][] = [];
  let calls = 0;
  const client = {
    leadPipelines: async () => {
      calls += 1;
      return (options.pipelines ?? (async () => PIPELINES))();
    },
    provisionLeadProperties: async () => {},
    readContactLeads: async () => {
      calls += 1;
      return new Map();
    },
    createLeads: async (batch: LeadCreate[]) => {
      calls += 1;
      creates.push(batch);
      return batch.map((c, i) => (options.refuseOwner && c.properties.hubspot_owner_id ? { error: 'VALIDATION_ERROR: owner has no seat' } : { leadId: `L${creates.length}-${i}` }));
    },
    updateLeads: async () => ({ updated: new Set<string>(), failed: [] }),
  } as unknown as PortalClient;
  return { client, creates, calls: () => calls };
}

const item = { contactId: '7', result: sqlResult, ownerId: '555', inLeadProcess: true, properties: { firstname: 'Erika' } };

describe('syncing leads after the write-back', () => {
  it('when the setting is off or the leads scopes were not granted, then no HubSpot call is made', async () => {
    const off = fakeClient();
    expect((await syncLeads(ctx, off.client, 1, installation({ settings: { ...DEFAULT_SETTINGS } }), [item])).skipped).toBe('disabled');
    expect((await syncLeads(ctx, off.client, 1, installation({ scopes: ['crm.objects.contacts.read'] }), [item])).skipped).toBe('unavailable');
    expect(off.calls()).toBe(0);
  });

  it("when HubSpot refuses the leads object (403), then the portal counts as without Leads; a 5xx is thrown for the queue's retry", async () => {
    const refused = new HubSpotApiError({ operation: 'pipelines.leads', httpStatus: 403, category: 'MISSING_SCOPES', message: 'no leads' });
    const noLeads = fakeClient({ pipelines: async () => Promise.reject(refused) });
    expect(await syncLeads(ctx, noLeads.client, 1, installation({ mode: 'private_app', scopes: [] }), [item])).toMatchObject({ skipped: 'unavailable', created: 0 });
    const down = new HubSpotApiError({ operation: 'pipelines.leads', httpStatus: 503, message: 'unavailable' });
    await expect(syncLeads(ctx, fakeClient({ pipelines: async () => Promise.reject(down) }).client, 1, installation(), [item])).rejects.toBe(down);
    expect((await syncLeads(ctx, fakeClient({ pipelines: async () => undefined }).client, 1, installation(), [item])).skipped).toBe('unavailable');
  });

  it("when HubSpot refuses the contact's owner on the new lead, then the lead is created unassigned", async () => {
    const { client, creates } = fakeClient({ refuseOwner: true });
    const summary = await syncLeads(ctx, client, 1, installation(), [item]);
    expect(summary).toMatchObject({ created: 1, failed: [] });
    expect(creates.map((batch) => batch.map((c) => c.properties.hubspot_owner_id ?? 'none'))).toEqual([['555'], ['none']]);
    expect(creates[1]?.[0]).toMatchObject({ contactId: '7', properties: { hs_lead_name: 'Erika', hs_pipeline_stage: 'new' } });
  });
});
