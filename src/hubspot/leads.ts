// HubSpot's Leads object (object type 0-136, `leads`; Sales Hub Professional and Enterprise; docs/hubspot-platform.md §4.9):
// the lead pipelines with their stages, a contact's leads, and batch create/update. Lead stages are told apart by their
// metadata, never by ids or labels, which portals customise. A portal without Leads answers 403 or 404 on the leads
// object: that is "no Leads here", reported as undefined, never as an empty pipeline list.
import { HubSpotApiError } from '../errors.ts';
import { objectsPath, pipelinesPath } from './api-paths.ts';
import { readAssociations } from './associations.ts';
import { batchRead } from './read-contacts.ts';
import type { PortalRequest } from './request.ts';
import { batchWriteShape, leadPipelinesShape } from './response-shapes.ts';

export const LEADS_OBJECT = 'leads';
/** Lead → contact, the lead's primary contact (HUBSPOT_DEFINED 578, docs/hubspot-platform.md §4.9): required at creation. */
export const LEAD_TO_PRIMARY_CONTACT = 578;
const BATCH_SIZE = 100;

export type LeadStageKind = 'open' | 'qualified' | 'disqualified';

export interface LeadStageInfo {
  stageId: string;
  pipelineId: string;
  label: string;
  displayOrder: number;
  kind: LeadStageKind;
}

export interface LeadPipelines {
  /** The portal's first pipeline by display order: where the app's new leads go. */
  defaultPipelineId: string;
  stages: Map<string, LeadStageInfo>;
}

export interface LeadRecord {
  leadId: string;
  pipelineId: string;
  stageId: string;
  /** The stage's kind; undefined when no pipeline lists the stage (deleted since). */
  kind?: LeadStageKind;
  properties: Record<string, string | null>;
}

export interface LeadCreate {
  contactId: string;
  properties: Record<string, string>;
}

export interface LeadUpdate {
  leadId: string;
  properties: Record<string, string>;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A lead stage's kind from its metadata: `leadState` names the stage type (qualified, unqualified, new, in progress);
 * `isClosed` marks the end stages. A closed stage without a lead state is neither open nor known as disqualified.
 */
export function leadStageKind(metadata: unknown): LeadStageKind | undefined {
  const m = isRecord(metadata) ? metadata : {};
  const state = typeof m.leadState === 'string' ? m.leadState.toUpperCase() : '';
  if (state.includes('UNQUALIFIED') || state.includes('DISQUALIFIED')) return 'disqualified';
  if (state.includes('QUALIFIED')) return 'qualified';
  const closed = m.isClosed === true || m.isClosed === 'true';
  if (closed) return undefined;
  return 'open';
}

/** GET /crm/pipelines/2026-03/leads: every stage with its kind; undefined when the portal has no Leads (403/404). */
export async function readLeadPipelines(request: PortalRequest): Promise<LeadPipelines | undefined> {
  const response = await request<{ results: Array<{ id: string; displayOrder?: unknown; stages: Array<{ id: string; label?: unknown; displayOrder?: unknown; metadata?: unknown }> }> }>(
    'pipelines.leads',
    { method: 'GET', path: pipelinesPath('leads'), allow: [403, 404], expect: leadPipelinesShape },
  );
  if (response.status === 403 || response.status === 404) return undefined;
  const pipelines = [...response.body.results].sort((a, b) => Number(a.displayOrder ?? 0) - Number(b.displayOrder ?? 0));
  const first = pipelines[0];
  if (!first) return undefined;
  const stages = new Map<string, LeadStageInfo>();
  for (const pipeline of pipelines) {
    for (const stage of pipeline.stages) {
      const kind = leadStageKind(stage.metadata);
      if (!kind) continue;
      stages.set(stage.id, { stageId: stage.id, pipelineId: pipeline.id, label: typeof stage.label === 'string' ? stage.label : stage.id, displayOrder: Number(stage.displayOrder ?? 0), kind });
    }
  }
  return { defaultPipelineId: first.id, stages };
}

/** Per contact, its leads with pipeline, stage and the given properties (associations, then a batch read of the leads). */
export async function readContactLeads(request: PortalRequest, contactIds: string[], pipelines: LeadPipelines, properties: readonly string[]): Promise<Map<string, LeadRecord[]>> {
  const out = new Map<string, LeadRecord[]>();
  if (!contactIds.length) return out;
  const links = await readAssociations(request, 'contacts', 'leads', contactIds);
  const leadIds = [...new Set([...links.values()].flat().map((l) => l.id))];
  const leads = leadIds.length ? await batchRead(request, 'leads', leadIds, ['hs_pipeline', 'hs_pipeline_stage', 'hs_lead_name', ...properties]) : new Map();
  for (const [contactId, list] of links) {
    const records: LeadRecord[] = [];
    for (const { id } of list) {
      const lead = leads.get(id);
      if (!lead) continue;
      const stageId = lead.properties.hs_pipeline_stage ?? '';
      const stage = pipelines.stages.get(stageId);
      records.push({ leadId: id, pipelineId: lead.properties.hs_pipeline ?? stage?.pipelineId ?? '', stageId, ...(stage ? { kind: stage.kind } : {}), properties: lead.properties });
    }
    out.set(contactId, records);
  }
  return out;
}

interface BatchCreateResponse {
  results?: Array<{ id: string; objectWriteTraceId?: string }>;
  errors?: Array<{ message?: string; category?: string; objectWriteTraceId?: string }>;
}

/**
 * POST /crm/objects/2026-03/leads/batch/create (≤100), each lead with its primary contact (578). Not idempotent: a
 * timeout is not retried blindly; the next rescore reads the contact's leads again and finds one that was made.
 */
export async function createLeads(request: PortalRequest, creates: LeadCreate[]): Promise<Array<{ leadId: string } | { error: string }>> {
  const out: Array<{ leadId: string } | { error: string }> = creates.map(() => ({ error: 'not sent' }));
  for (let start = 0; start < creates.length; start += BATCH_SIZE) {
    const indexes = Array.from({ length: Math.min(BATCH_SIZE, creates.length - start) }, (_, k) => start + k);
    await createBatch(request, creates, indexes, out);
  }
  return out;
}

async function createBatch(request: PortalRequest, creates: LeadCreate[], indexes: number[], out: Array<{ leadId: string } | { error: string }>): Promise<void> {
  let body: BatchCreateResponse;
  try {
    const response = await request<BatchCreateResponse>('leads.batchCreate', {
      method: 'POST',
      path: objectsPath('leads', '/batch/create'),
      idempotent: false,
      body: {
        inputs: indexes.map((i) => {
          const create = creates[i] as LeadCreate;
          return {
            objectWriteTraceId: String(i),
            properties: create.properties,
            associations: [{ to: { id: create.contactId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: LEAD_TO_PRIMARY_CONTACT }] }],
          };
        }),
      },
      expect: batchWriteShape,
    });
    body = response.body;
  } catch (error) {
    // A 400 rejects the whole batch and creates nothing: halves are sent again until the bad input stands alone.
    if (!(error instanceof HubSpotApiError) || error.httpStatus !== 400) throw error;
    if (indexes.length === 1) {
      out[indexes[0] as number] = { error: error.message };
      return;
    }
    const half = Math.ceil(indexes.length / 2);
    await createBatch(request, creates, indexes.slice(0, half), out);
    await createBatch(request, creates, indexes.slice(half), out);
    return;
  }
  const results = body.results ?? [];
  results.forEach((r, k) => {
    // HubSpot echoes objectWriteTraceId; without it, results come in input order.
    const index = r.objectWriteTraceId !== undefined ? Number(r.objectWriteTraceId) : indexes[k];
    if (index !== undefined && indexes.includes(index)) out[index] = { leadId: String(r.id) };
  });
  for (const e of body.errors ?? []) {
    const index = Number(e.objectWriteTraceId);
    if (indexes.includes(index)) out[index] = { error: [e.category, e.message].filter(Boolean).join(': ') || 'HubSpot did not create this lead' };
  }
}

interface BatchUpdateResponse {
  results?: Array<{ id: string }>;
  errors?: Array<{ message?: string; category?: string; context?: Record<string, string[]> }>;
}

/** POST /crm/objects/2026-03/leads/batch/update (≤100): the ids updated, and per refused lead the reason. */
export async function updateLeads(request: PortalRequest, updates: LeadUpdate[]): Promise<{ updated: Set<string>; failed: Array<{ leadId: string; error: string }> }> {
  const updated = new Set<string>();
  const failed: Array<{ leadId: string; error: string }> = [];
  for (let start = 0; start < updates.length; start += BATCH_SIZE) await updateBatch(request, updates.slice(start, start + BATCH_SIZE), updated, failed);
  return { updated, failed };
}

async function updateBatch(request: PortalRequest, batch: LeadUpdate[], updated: Set<string>, failed: Array<{ leadId: string; error: string }>): Promise<void> {
  if (!batch.length) return;
  let body: BatchUpdateResponse;
  try {
    const response = await request<BatchUpdateResponse>('leads.batchUpdate', {
      method: 'POST',
      path: objectsPath('leads', '/batch/update'),
      body: { inputs: batch.map((u) => ({ id: u.leadId, properties: u.properties })) },
      expect: batchWriteShape,
    });
    body = response.body;
  } catch (error) {
    if (!(error instanceof HubSpotApiError) || (error.httpStatus !== 400 && error.httpStatus !== 404)) throw error;
    if (batch.length === 1) {
      failed.push({ leadId: batch[0]?.leadId ?? '', error: error.message });
      return;
    }
    const half = Math.ceil(batch.length / 2);
    await updateBatch(request, batch.slice(0, half), updated, failed);
    await updateBatch(request, batch.slice(half), updated, failed);
    return;
  }
  for (const r of body.results ?? []) updated.add(String(r.id));
  const reason = (body.errors ?? []).map((e) => [e.category, e.message].filter(Boolean).join(': ')).join('; ') || 'HubSpot did not update this lead and gave no reason';
  for (const u of batch) if (!updated.has(u.leadId)) failed.push({ leadId: u.leadId, error: reason });
}
