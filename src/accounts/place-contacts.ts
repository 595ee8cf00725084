// The contact side of account qualification: a rescored contact is placed in its account's last known context
// (the stored account snapshot: no HubSpot call), and its account is queued for a coalesced rescore.
import type { AppContext } from '../app-context.ts';
import type { ScoringModel } from '../scoring/model-schema.ts';
import { placeInAccount } from '../scoring/place-in-account.ts';
import type { Criterion, Profile, ScoringResult } from '../scoring/types.ts';
import type { PortalId } from '../store/store.ts';
import { enqueueAccountRescores, storedAccount } from './rescore-accounts.ts';

export interface PlaceableItem {
  contactId: string;
  result: ScoringResult;
  profile?: Profile;
  answeredAt?: Partial<Record<Criterion, string>>;
}

/**
 * Replaces each item's result by the result in its account; then queues the accounts to be qualified after the settle
 * window (src/accounts/rescore-accounts.ts, accountSettle). `companyOf`: contact id → company id.
 */
export async function placeInStoredAccounts(
  ctx: AppContext,
  portalId: PortalId,
  model: ScoringModel,
  items: PlaceableItem[],
  companyOf: ReadonlyMap<string, string>,
  now: Date,
  settle: { settleMs: number; align: boolean },
): Promise<void> {
  const companyIds = [...new Set(items.map((i) => companyOf.get(i.contactId)).filter((id): id is string => id !== undefined))];
  if (companyIds.length === 0) return;
  const accounts = await ctx.store.getAccountSnapshots(portalId, companyIds);
  for (const item of items) {
    const companyId = companyOf.get(item.contactId);
    const account = companyId === undefined ? null : storedAccount(accounts.get(companyId));
    if (account && item.profile) item.result = placeInAccount(item.result, item.profile, item.contactId, account, model, now, item.answeredAt);
  }
  await enqueueAccountRescores(ctx, portalId, companyIds, settle.settleMs, settle.align);
}
