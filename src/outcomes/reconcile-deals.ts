// Deals the webhooks missed: each reconciliation searches deals modified in its window; the first sweep after the
// install lists every deal once, so deals won or lost before the app came count too.
import type { AppContext } from '../app-context.ts';
import type { PortalClient } from '../hubspot/portal-client.ts';
import type { Installation, PortalId } from '../store/store.ts';
import { recordDealOutcomes } from './deal-outcomes.ts';
import { hasDealAccess } from './deal-scope.ts';

const DEAL_BATCH = 100;
/** The first sweep lists at most this many deals (100 per call); beyond it, webhooks and later sweeps carry on. */
const MAX_FIRST_SWEEP_DEALS = 100_000;

export async function reconcileDeals(
  ctx: AppContext,
  client: PortalClient,
  portalId: PortalId,
  installation: Installation | undefined,
  window: { since: number; until: number; first: boolean },
): Promise<{ deals: number; outcomes: number }> {
  if (!hasDealAccess(installation) || !client.searchModifiedDealIds || !client.listDealIds) return { deals: 0, outcomes: 0 };
  const ids: string[] = [];
  if (window.first) {
    let after: string | undefined;
    do {
      const page = await client.listDealIds(after, DEAL_BATCH);
      ids.push(...page.ids);
      after = page.after;
    } while (after && ids.length < MAX_FIRST_SWEEP_DEALS);
  } else {
    ids.push(...(await client.searchModifiedDealIds(window.since, window.until)));
  }
  let outcomes = 0;
  for (let start = 0; start < ids.length; start += DEAL_BATCH) {
    outcomes += (await recordDealOutcomes(ctx, client, portalId, ids.slice(start, start + DEAL_BATCH))).outcomes;
  }
  return { deals: ids.length, outcomes };
}
