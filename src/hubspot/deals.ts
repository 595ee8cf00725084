// Deals as outcomes: won or lost by their pipeline stage's metadata, never by stage names (portals customise stages;
// https://developers.hubspot.com/docs/api-reference/crm-pipelines-v3/guide: a stage's metadata carries `isClosed`
// and `probability`, 1.0 for won and 0.0 for lost). Deals are read with their associated contacts and companies
// (associations batch read), so one deal change reaches every contact it counts for.
import { objectsPath, pipelinesPath } from './api-paths.ts';
import { readAssociations } from './associations.ts';
import { batchRead } from './read-contacts.ts';
import type { PortalRequest } from './request.ts';

export type DealState = 'won' | 'lost' | 'open';

export interface DealRecord {
  dealId: string;
  state: DealState;
  stageId: string;
  pipelineId: string;
  createdAt?: string;
  closedAt?: string;
  contactIds: string[];
  companyIds: string[];
}

export interface DealStage {
  pipelineId: string;
  state: DealState;
}

export const DEAL_PROPERTIES = ['dealstage', 'pipeline', 'createdate', 'closedate', 'hs_lastmodifieddate'];

interface PipelinesResponse {
  results?: Array<{
    id?: unknown;
    stages?: Array<{ id?: unknown; metadata?: { isClosed?: unknown; probability?: unknown } }>;
  }>;
}

/** The stage's outcome from its metadata: closed with probability 1 is won, closed with 0 lost, anything else open. */
export function stageState(metadata: { isClosed?: unknown; probability?: unknown } | undefined): DealState {
  const closed = metadata?.isClosed === true || metadata?.isClosed === 'true';
  if (!closed) return 'open';
  const probability = Number(metadata?.probability);
  if (!Number.isFinite(probability)) throw new Error('HubSpot answered a closed deal stage without a numeric probability');
  return probability >= 1 ? 'won' : probability <= 0 ? 'lost' : 'open';
}

/** GET /crm/pipelines/2026-03/deals: every stage of every deal pipeline, by stage id. A garbled answer is an error. */
export async function readDealStages(request: PortalRequest): Promise<Map<string, DealStage>> {
  const response = await request<PipelinesResponse>('pipelines.deals', { method: 'GET', path: pipelinesPath('deals') });
  const results = response.body?.results;
  if (!Array.isArray(results)) throw new Error('HubSpot answered the deal pipelines without a results list');
  const stages = new Map<string, DealStage>();
  for (const pipeline of results) {
    if (typeof pipeline.id !== 'string' || !Array.isArray(pipeline.stages)) throw new Error('HubSpot answered a deal pipeline without id or stages');
    for (const stage of pipeline.stages) {
      if (typeof stage.id !== 'string') throw new Error(`HubSpot answered a stage of pipeline ${pipeline.id} without an id`);
      stages.set(stage.id, { pipelineId: pipeline.id, state: stageState(stage.metadata) });
    }
  }
  return stages;
}

/** Stages per portal, read once and read again when a deal names a stage the cache does not know (a new stage). */
export function createDealStageCache(request: PortalRequest): (stageId: string) => Promise<DealStage | undefined> {
  let stages: Promise<Map<string, DealStage>> | undefined;
  const load = () => {
    const loading = readDealStages(request);
    loading.catch(() => {
      if (stages === loading) stages = undefined;
    });
    stages = loading;
    return loading;
  };
  return async (stageId) => {
    const known = (await (stages ?? load())).get(stageId);
    if (known) return known;
    return (await load()).get(stageId);
  };
}

/** Deals by id with state, dates and associated contacts and companies; ids HubSpot no longer has are absent. */
export async function readDeals(request: PortalRequest, dealIds: string[], stageOf: (stageId: string) => Promise<DealStage | undefined>): Promise<Map<string, DealRecord>> {
  const ids = [...new Set(dealIds)];
  const out = new Map<string, DealRecord>();
  if (ids.length === 0) return out;
  const [deals, contacts, companies] = await Promise.all([
    batchRead(request, 'deals', ids, DEAL_PROPERTIES),
    readAssociations(request, 'deals', 'contacts', ids),
    readAssociations(request, 'deals', 'companies', ids),
  ]);
  for (const [dealId, deal] of deals) {
    const stageId = deal.properties.dealstage ?? '';
    const stage = stageId ? await stageOf(stageId) : undefined;
    const createdAt = isoOf(deal.properties.createdate);
    const closedAt = isoOf(deal.properties.closedate);
    out.set(dealId, {
      dealId,
      // A stage no pipeline lists (deleted since) tells nothing: open.
      state: stage?.state ?? 'open',
      stageId,
      pipelineId: deal.properties.pipeline ?? stage?.pipelineId ?? '',
      ...(createdAt ? { createdAt } : {}),
      ...(closedAt ? { closedAt } : {}),
      contactIds: (contacts.get(dealId) ?? []).map((l) => l.id),
      companyIds: (companies.get(dealId) ?? []).map((l) => l.id),
    });
  }
  return out;
}

/** GET /crm/objects/2026-03/deals, one page of ids (the install's sweep of deals closed before the app came). */
export async function listDealIds(request: PortalRequest, after: string | undefined, limit: number): Promise<{ ids: string[]; after?: string }> {
  const response = await request<{ results?: Array<{ id: string }>; paging?: { next?: { after?: string } } }>('deals.list', {
    method: 'GET',
    path: objectsPath('deals'),
    qs: { limit: Math.max(1, Math.min(100, limit)), after, archived: false, properties: 'hs_object_id' },
  });
  if (!Array.isArray(response.body?.results)) throw new Error('HubSpot answered the deal list without a results list');
  const next = response.body?.paging?.next?.after;
  return { ids: (response.body?.results ?? []).map((r) => String(r.id)), ...(next ? { after: next } : {}) };
}

/** HubSpot dates come as ISO strings or epoch milliseconds. */
function isoOf(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/**
 * Contacts with at least one open or won deal (issue #15 item 1: past the lead stages), from the contacts' deal
 * associations and the deals' stages; open and won by the stage metadata (stageState), a stage no pipeline lists
 * counting as open as in readDeals. Contacts without deals are absent.
 */
export async function readContactsWithOpenOrWonDeals(request: PortalRequest, contactIds: string[], stageOf: (stageId: string) => Promise<DealStage | undefined>): Promise<Set<string>> {
  const links = await readAssociations(request, 'contacts', 'deals', [...new Set(contactIds)]);
  const dealIds = [...new Set([...links.values()].flatMap((list) => list.map((l) => l.id)))];
  const out = new Set<string>();
  if (dealIds.length === 0) return out;
  const deals = await batchRead(request, 'deals', dealIds, ['dealstage']);
  const live = new Set<string>();
  for (const [dealId, deal] of deals) {
    const stageId = deal.properties.dealstage ?? '';
    const state = stageId ? ((await stageOf(stageId))?.state ?? 'open') : 'open';
    if (state !== 'lost') live.add(dealId);
  }
  for (const [contactId, list] of links) if (list.some((l) => live.has(l.id))) out.add(contactId);
  return out;
}
