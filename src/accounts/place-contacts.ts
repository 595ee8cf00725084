// The contact side of account qualification: a rescored contact is placed in its account's last known context
// (the stored account snapshot: no HubSpot call), and its account is queued for a coalesced rescore.
import { DEFAULT_LANGUAGE, type Language } from '../scoring/catalogue.ts';
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
 * Replaces each item's result by the result in its account's last known context. `companyOf`: contact id → company id.
 */
export async function placeInStoredAccounts(
  ctx: AppContext,
  portalId: PortalId,
  model: ScoringModel,
  items: PlaceableItem[],
  companyOf: ReadonlyMap<string, string>,
  now: Date,
  language: Language = DEFAULT_LANGUAGE,
): Promise<void> {
  const companyIds = companiesOf(items, companyOf);
  if (companyIds.length === 0) return;
  const accounts = await ctx.store.getAccountSnapshots(portalId, companyIds);
  for (const item of items) {
    const companyId = companyOf.get(item.contactId);
    const account = companyId === undefined ? null : storedAccount(accounts.get(companyId));
    if (account && item.profile) item.result = placeInAccount(item.result, item.profile, item.contactId, account, model, now, item.answeredAt, language);
  }
}

function companiesOf(items: readonly { contactId: string }[], companyOf: ReadonlyMap<string, string>): string[] {
  return [...new Set(items.map((i) => companyOf.get(i.contactId)).filter((id): id is string => id !== undefined))];
}

/**
 * Queues the accounts of `items` once their snapshots are stored: an account pass that ran before would qualify the
 * company from the contacts' previous results, and no later pass would correct it.
 */
export async function queueAccountsOf(
  ctx: AppContext,
  portalId: PortalId,
  items: readonly { contactId: string }[],
  companyOf: ReadonlyMap<string, string>,
  settle: { settleMs: number; align: boolean },
): Promise<void> {
  await enqueueAccountRescores(ctx, portalId, companiesOf(items, companyOf), settle.settleMs, settle.align);
}
