// The contact side of account qualification: a rescored contact is placed in its account's last known context
// (the stored account snapshot: no HubSpot call), and its account is queued for a coalesced rescore.
import { DEFAULT_LANGUAGE, type Language } from '../scoring/catalogue.ts';
import type { AppContext } from '../app-context.ts';
import type { ScoringModel } from '../scoring/model-schema.ts';
import { placeInAccount } from '../scoring/place-in-account.ts';
import type { Criterion, Profile, ScoringResult } from '../scoring/types.ts';
import type { AccountSnapshot, PortalId } from '../store/store.ts';
import { CALLEE_LABEL_MARK, CALLEE_MARK, enqueueAccountRescores, storedAccount } from './rescore-accounts.ts';
import { readCallStates } from './call-states.ts';
import { type CallCandidate, type Callee, chooseCallee, waitsForCall } from '../scoring/account-calls.ts';
import { labelContact } from '../scoring/qualify-account.ts';

export interface PlaceableItem {
  contactId: string;
  result: ScoringResult;
  profile?: Profile;
  answeredAt?: Partial<Record<Criterion, string>>;
  callWaitsFor?: Callee;
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
  await holdCalls(ctx, portalId, items, companyOf, accounts, language);
}

function labelOf(item: PlaceableItem, language: Language): string {
  const p = item.profile?.properties ?? {};
  const name = [p.firstname, p.lastname].filter((s) => typeof s === 'string' && s.trim() !== '').join(' ');
  return labelContact({ id: item.contactId, name, jobtitle: p.jobtitle ?? '', buyingRoles: null, result: item.result }, language);
}

/**
 * One call_sql per account at a time, as far as this batch and the stored account know: the sales-ready contacts of
 * one company in the batch, with the colleague whose call is open, choose one callee; the others wait. The account
 * pass that follows decides again from all its contacts.
 */
async function holdCalls(
  ctx: AppContext,
  portalId: PortalId,
  items: PlaceableItem[],
  companyOf: ReadonlyMap<string, string>,
  accounts: ReadonlyMap<string, AccountSnapshot>,
  language: Language,
): Promise<void> {
  const ready = items.filter((i) => i.result.qualification === 'sql' && companyOf.has(i.contactId));
  if (ready.length === 0) return;
  const inBatch = new Set(items.map((i) => i.contactId));
  const byCompany = new Map<string, PlaceableItem[]>();
  for (const item of ready) {
    const companyId = companyOf.get(item.contactId)!;
    byCompany.set(companyId, [...(byCompany.get(companyId) ?? []), item]);
  }
  // Colleagues outside the batch whose call may be open: the stored account's contacts (a call made since the last
  // account pass included), named as the account knows them.
  const colleagues = new Map<string, Callee[]>();
  for (const companyId of byCompany.keys()) {
    const snapshot = accounts.get(companyId);
    if (!snapshot) continue;
    const names = new Map((storedAccount(snapshot)?.buyingCenter ?? []).map((m) => [m.contactId, m.name && m.jobtitle ? `${m.name}, ${m.jobtitle}` : m.name]));
    const calleeId = snapshot.written[CALLEE_MARK];
    if (calleeId && snapshot.written[CALLEE_LABEL_MARK]) names.set(calleeId, snapshot.written[CALLEE_LABEL_MARK]);
    const others = snapshot.contactIds.filter((id) => !inBatch.has(id));
    colleagues.set(
      companyId,
      others.map((id) => ({ contactId: id, label: names.get(id) || `contact ${id}` })),
    );
  }
  const calls = await readCallStates(ctx, portalId, [...ready.map((i) => i.contactId), ...[...colleagues.values()].flat().map((c) => c.contactId)]);
  for (const [companyId, group] of byCompany) {
    const candidates: CallCandidate[] = group.map((i) => ({
      contactId: i.contactId,
      label: labelOf(i, language),
      qualification: i.result.qualification,
      priority: i.result.priority,
      leadScore: Number.isFinite(i.result.leadScore) ? i.result.leadScore : null,
      inLeadProcess: true,
      call: calls.get(i.contactId) ?? 'none',
    }));
    for (const colleague of colleagues.get(companyId) ?? []) {
      if (calls.get(colleague.contactId) === 'open') candidates.push({ ...colleague, qualification: 'sql', priority: 'A1', leadScore: null, inLeadProcess: true, call: 'open' });
    }
    const callee = chooseCallee(candidates);
    for (const item of group) {
      if (callee && waitsForCall({ contactId: item.contactId, qualification: item.result.qualification, call: calls.get(item.contactId) ?? 'none' }, callee)) item.callWaitsFor = callee;
    }
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
