// Deals won and lost become outcomes of the contacts they count for (issue #13 section 1): the deal's own contacts;
// a deal with a company but no contacts counts for the contacts whose primary company that is. A deal naming its
// buyers does not make every colleague at the company a conversion (that would teach calibration noise). A deal event records them with the features the contacts had
// before (their snapshots, scored before the change) and then queues the contacts' rescore.
import type { AppContext } from '../app-context.ts';
import type { DealRecord } from '../hubspot/deals.ts';
import type { PortalClient } from '../hubspot/portal-client.ts';
import { HubSpotApiError } from '../errors.ts';
import type { HandlerOutcome, WorkHandler } from '../jobs/queue-worker.ts';
import { type OutcomeRecord, outcomeKey, type PortalId, type WorkItem } from '../store/store.ts';
import { hasDealAccess } from './deal-scope.ts';
import { featuresBefore, profileOfSnapshot } from './outcome-features.ts';

export interface DealOutcomeSummary {
  deals: number;
  outcomes: number;
  contacts: number;
}

/** Reads the deals, records the won and lost ones for their contacts, queues those contacts and open deals' contacts for a rescore. */
export async function recordDealOutcomes(ctx: AppContext, client: PortalClient, portalId: PortalId, dealIds: string[]): Promise<DealOutcomeSummary> {
  if (!client.readDeals || dealIds.length === 0) return { deals: 0, outcomes: 0, contacts: 0 };
  const deals = await client.readDeals(dealIds);
  const closed = [...deals.values()].filter((d) => d.state !== 'open');
  const companyIds = [...new Set(closed.filter((d) => d.contactIds.length === 0).flatMap((d) => d.companyIds))];
  const companyContacts = companyIds.length ? await client.companyContactIds(companyIds) : new Map<string, string[]>();
  const contactsOf = (deal: DealRecord) =>
    deal.contactIds.length ? [...new Set(deal.contactIds)] : [...new Set(deal.companyIds.flatMap((c) => companyContacts.get(c) ?? []))];

  const allContacts = [...new Set(closed.flatMap(contactsOf))];
  const [stored, snapshots] = await Promise.all([ctx.store.listOutcomes(portalId, allContacts), ctx.store.getSnapshots(portalId, allContacts)]);
  const byKey = new Map(stored.map((r) => [outcomeKey(r), r]));
  const now = new Date(ctx.now()).toISOString();
  const records: OutcomeRecord[] = [];
  for (const deal of closed) {
    const outcome = deal.state as 'won' | 'lost';
    const at = deal.closedAt ?? now;
    for (const contactId of contactsOf(deal)) {
      const previous = byKey.get(outcomeKey({ contactId, source: 'deal', dealId: deal.dealId }));
      if (previous && previous.outcome === outcome && previous.at === at) continue;
      const snapshot = snapshots.get(contactId);
      records.push({
        portalId,
        contactId,
        outcome,
        at,
        source: 'deal',
        dealId: deal.dealId,
        ...(deal.createdAt ? { dealCreatedAt: deal.createdAt } : {}),
        recordedAt: now,
        // A contact the app never scored has no "before": it is left without features (evaluation skips it).
        // A snapshot scored after the close (the install's first sweep of old deals) is first sight, not "before".
        ...(snapshot ? { features: featuresBefore(profileOfSnapshot(snapshot), at), featuresFrom: snapshot.scoredAt < at ? ('before' as const) : ('at_outcome' as const) } : {}),
      });
    }
  }
  await ctx.store.putOutcomes(records);
  // An open deal is no outcome, but its contacts leave the lead process (their lead tasks close): rescored too.
  const opened = [...deals.values()].filter((d) => d.state === 'open').flatMap((d) => d.contactIds);
  const touched = [...new Set([...records.map((r) => r.contactId), ...opened])];
  const nowMs = ctx.now();
  const rescores: WorkItem[] = touched.map((key) => ({ portalId, kind: 'rescore', key, notBefore: nowMs }));
  await ctx.store.enqueue(rescores);
  if (rescores.length) ctx.notifyWork();
  if (records.length) ctx.metrics.inc('bant_outcomes_recorded_total', 'Outcomes recorded, by source', { source: 'deal' }, records.length);
  return { deals: deals.size, outcomes: records.length, contacts: touched.length };
}

/** deal: a deal was created or changed stage. Without the deals scope the items are dropped (the console says why). */
export const handleDeals: WorkHandler = async (ctx, portalId, items): Promise<HandlerOutcome> => {
  const installation = await ctx.store.getInstallation(portalId);
  if (installation?.status !== 'active' || !hasDealAccess(installation)) return {};
  const client = await ctx.hubspot.forPortal(portalId, installation);
  try {
    const summary = await recordDealOutcomes(ctx, client, portalId, items.map((i) => i.key));
    ctx.log.debug('deal changes recorded', { portalId, ...summary });
  } catch (error) {
    // A private app whose token lacks the deals scope: nothing to retry.
    if (error instanceof HubSpotApiError && error.httpStatus === 403) {
      ctx.log.warn('deals cannot be read (scope crm.objects.deals.read missing): deal outcomes skipped', { portalId });
      return {};
    }
    throw error;
  }
  return {};
};
