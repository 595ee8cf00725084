// Qualification in HubSpot's Lead records (docs/contract.md section 3b), after the contacts' write-back: an SQL contact
// without an open lead gets one, open leads carry the contact's priority, lead score and BANT summary, and a disqualified
// contact's open leads move to their pipeline's disqualified stage with the reason. Only when the installation enabled
// it and the portal has Leads; batched per rescore batch (one associations read, one leads read, one create, one update).
import type { AppContext } from '../app-context.ts';
import { HubSpotApiError } from '../errors.ts';
import type { PortalClient } from '../hubspot/portal-client.ts';
import type { PropertyBag, ScoringResult } from '../scoring/types.ts';
import type { Language } from '../scoring/catalogue.ts';
import { languageOf } from '../store/installation-language.ts';
import type { Installation, PortalId } from '../store/store.ts';
import { hasLeadAccess } from './lead-scope.ts';
import { type ContactForLeads, type LeadStageRef, planLeads } from './plan-leads.ts';

export interface LeadSyncSummary {
  /** Why nothing was done: the setting is off, the portal has no Leads. */
  skipped?: 'disabled' | 'unavailable';
  created: number;
  updated: number;
  disqualified: number;
  failed: Array<{ contactId: string; code: string; error: string }>;
}

export interface LeadSyncItem {
  contactId: string;
  result: ScoringResult;
  /** The contact's properties (for the lead's name): as read now, or from its snapshot when scored without a read (decay). */
  properties?: PropertyBag;
  ownerId?: string | null;
  inLeadProcess?: boolean;
}

const empty = (skipped?: LeadSyncSummary['skipped']): LeadSyncSummary => ({ ...(skipped ? { skipped } : {}), created: 0, updated: 0, disqualified: 0, failed: [] });

/** A refusal of the leads object itself (403, 404): the portal has no Leads (any more), not a failed rescore. */
function leadsRefused(error: unknown): boolean {
  return error instanceof HubSpotApiError && (error.httpStatus === 403 || error.httpStatus === 404);
}

export async function syncLeads(ctx: AppContext, client: PortalClient, portalId: PortalId, installation: Installation | undefined, items: readonly LeadSyncItem[]): Promise<LeadSyncSummary> {
  if (!installation?.settings?.leadsEnabled) return empty('disabled');
  if (!hasLeadAccess(installation) || !client.leadPipelines || !client.readContactLeads || !client.createLeads || !client.updateLeads) return empty('unavailable');
  if (items.length === 0) return empty();
  try {
    const pipelines = await client.leadPipelines();
    if (!pipelines) {
      ctx.log.info('leads not synced: the portal has no Leads (HubSpot refused the lead pipelines)', { portalId, code: 'leads_unavailable' });
      return empty('unavailable');
    }
    const language = languageOf(installation.settings);
    await client.provisionLeadProperties?.(language);
    return await writeLeads(ctx, client, portalId, items, pipelines, language);
  } catch (error) {
    if (!leadsRefused(error)) throw error;
    ctx.log.warn('leads not synced: HubSpot refused the leads object', { portalId, code: 'leads_unavailable', error });
    return empty('unavailable');
  }
}

async function writeLeads(
  ctx: AppContext,
  client: PortalClient,
  portalId: PortalId,
  items: readonly LeadSyncItem[],
  pipelines: NonNullable<Awaited<ReturnType<NonNullable<PortalClient['leadPipelines']>>>>,
  language: Language,
): Promise<LeadSyncSummary> {
  const summary = empty();
  const ids = [...new Set(items.map((i) => i.contactId))];
  const leads = await client.readContactLeads!(ids, pipelines);
  const contacts: ContactForLeads[] = items.map(({ contactId, result, properties, ownerId, inLeadProcess }) => ({
    contactId,
    qualification: result.qualification,
    disqualifyReason: result.disqualifyReason,
    priority: result.priority,
    leadScore: result.properties.bant_lead_score,
    bant: { budget: result.bant.budget.state, authority: result.bant.authority.state, need: result.bant.need.state, timeline: result.bant.timeline.state },
    properties: properties ?? {},
    ...(ownerId ? { ownerId } : {}),
    ...(inLeadProcess === undefined ? {} : { inLeadProcess }),
    leads: leads.get(contactId) ?? [],
  }));
  const stages: LeadStageRef[] = [...pipelines.stages.values()];
  const plan = planLeads(contacts, stages, pipelines.defaultPipelineId, language);
  for (const p of plan.problems) summary.failed.push({ contactId: p.contactId, code: p.code, error: p.message });

  if (plan.creates.length) {
    const created = await client.createLeads!(plan.creates);
    // HubSpot assigns leads only to users with a seat: a lead refused with its owner is created unassigned instead.
    const unassigned = plan.creates.filter((c, i) => c.properties.hubspot_owner_id && !('leadId' in (created[i] ?? { error: '' })));
    const retried = unassigned.length
      ? await client.createLeads!(unassigned.map((c) => ({ contactId: c.contactId, properties: withoutOwner(c.properties) })))
      : [];
    const retriedBy = new Map(unassigned.map((c, i) => [c.contactId, retried[i]]));
    created.forEach((first, i) => {
      const contactId = plan.creates[i]?.contactId ?? '';
      const outcome = 'leadId' in first ? first : (retriedBy.get(contactId) ?? first);
      if ('leadId' in outcome) summary.created += 1;
      else summary.failed.push({ contactId, code: 'leads_create_refused', error: outcome.error });
    });
  }
  if (plan.updates.length) {
    const report = await client.updateLeads!(plan.updates.map(({ leadId, properties }) => ({ leadId, properties })));
    const contactOf = new Map(plan.updates.map((u) => [u.leadId, u]));
    for (const u of plan.updates) {
      if (!report.updated.has(u.leadId)) continue;
      summary.updated += 1;
      if (u.disqualify) summary.disqualified += 1;
    }
    for (const f of report.failed) summary.failed.push({ contactId: contactOf.get(f.leadId)?.contactId ?? '', code: 'leads_update_refused', error: f.error });
  }
  if (summary.created || summary.updated) {
    ctx.metrics.inc('bant_leads_written_total', 'Lead records the app created or updated, by action', { portal: portalId, action: 'created' }, summary.created);
    ctx.metrics.inc('bant_leads_written_total', 'Lead records the app created or updated, by action', { portal: portalId, action: 'updated' }, summary.updated);
  }
  if (summary.failed.length) ctx.log.warn('some leads were not written', { portalId, failed: summary.failed.slice(0, 10), count: summary.failed.length });
  return summary;
}

function withoutOwner(properties: Record<string, string>): Record<string, string> {
  const { hubspot_owner_id: _owner, ...rest } = properties;
  return rest;
}
