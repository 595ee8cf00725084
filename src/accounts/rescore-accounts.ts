// Account qualification wired to HubSpot (issue 16, docs/contract.md sections 3a and 4): per company, its contacts'
// current results (re-scored from their snapshots, no HubSpot reads) → qualifyAccount → only changed company values
// written → the find_decision_maker task → the account snapshot → the contacts placed in their account.
// A burst of contact changes of one company coalesces into one `account` work item (key = company id), so the
// account part costs a few calls per batch of up to 100 companies, not per contact.
import { MESSAGES } from '../scoring/messages.ts';
import type { Language } from '../scoring/catalogue.ts';
import { languageOf } from '../store/installation-language.ts';
import type { AppContext } from '../app-context.ts';
import type { HubSpotPortalClient } from '../hubspot/client.ts';
import { completeCompanyTasks, createCompanyTasks, findCompanyTasks } from '../hubspot/company-tasks.ts';
import { planCompanyWrite, readCompanies, writeCompanies } from '../hubspot/write-companies.ts';
import { draftAccountTasks, needsDecisionMaker } from '../scoring/draft-account-tasks.ts';
import { modelInputs, score } from '../scoring/index.ts';
import type { ScoringModel } from '../scoring/model-schema.ts';
import { placeInAccount } from '../scoring/place-in-account.ts';
import { type AccountContact, type AccountResult, labelContact, qualifyAccount } from '../scoring/qualify-account.ts';
import { type CallCandidate, type Callee, chooseCallee, waitsForCall } from '../scoring/account-calls.ts';
import { readCallStates } from './call-states.ts';
import type { Profile, PropertyBag } from '../scoring/types.ts';
import type { AccountSnapshot, ContactSnapshot, Installation, PortalId, WorkItem } from '../store/store.ts';
import { applyResults, type ResultItem } from '../jobs/rescore-contacts.ts';

/** The contact values an account's context can change (src/scoring/place-in-account.ts). */
const CONTEXT_PROPERTIES = ['bant_budget', 'bant_authority', 'bant_need', 'bant_timeline', 'bant_criteria_met', 'bant_qualification', 'bant_lifecycle_stage'] as const;

/**
 * How long an account waits after its contacts' rescores are due, so the batches of one burst of contact changes
 * (100 contacts a batch) all land before the account is qualified once.
 */
export const ACCOUNT_SETTLE_MS = 2_000;

/**
 * The settle window after bulk rescores (backfill, model activation, reconciliation), in rescore delays: a backfill
 * rescores about 90 contacts a second at HubSpot's limit, so with the default delay (1 s) several hundred companies fall
 * due together after 30 s and each account pass fills its batch of 100 companies, instead of one pass per contact page.
 */
export const BULK_SETTLE_DELAYS = 30;
const BULK_REASONS: ReadonlySet<string> = new Set(['backfill', 'model_activated', 'reconcile']);

export function accountSettle(reason: string | undefined, rescoreDelayMs: number): { settleMs: number; align: boolean } {
  return reason !== undefined && BULK_REASONS.has(reason)
    ? { settleMs: Math.max(ACCOUNT_SETTLE_MS, BULK_SETTLE_DELAYS * rescoreDelayMs), align: true }
    : { settleMs: rescoreDelayMs + ACCOUNT_SETTLE_MS, align: false };
}

/** In the account snapshot's `written`: a find_decision_maker task exists for the current cause. */
const TASK_MARK = 'find_decision_maker';
/** In the account snapshot's `written`: the contact being called (one call_sql per account), and its label. */
export const CALLEE_MARK = 'call_sql_for';
export const CALLEE_LABEL_MARK = 'call_sql_label';

export interface AccountRescoreSummary {
  companies: number;
  written: number;
  tasksCreated: number;
  tasksCompleted: number;
  failed: Array<{ companyId: string; error: string }>;
}

/**
 * One `account` item per company; the store merges repeats, keeping the later notBefore (coalescing). With `align`
 * (bulk rescores) the due time is rounded up to a multiple of `delayMs`, so companies queued by successive contact
 * pages fall due together and one pass takes them in full batches, rather than one pass per page.
 */
export async function enqueueAccountRescores(ctx: AppContext, portalId: PortalId, companyIds: Iterable<string>, delayMs: number, align = false): Promise<void> {
  const now = ctx.now();
  const due = align && delayMs > 0 ? Math.ceil((now + delayMs) / delayMs) * delayMs : now + delayMs;
  const items: WorkItem[] = [...new Set(companyIds)].map((key) => ({ portalId, kind: 'account', key, notBefore: due }));
  if (items.length === 0) return;
  await ctx.store.enqueue(items);
  ctx.notifyWork();
}

function hasRequest(client: unknown): client is HubSpotPortalClient {
  return typeof (client as { request?: unknown }).request === 'function';
}

function profileOf(snapshot: ContactSnapshot, company: PropertyBag): Profile {
  return { properties: snapshot.properties, company: { properties: company }, activities: snapshot.activities };
}

function memberOf(snapshot: ContactSnapshot, profile: Profile, model: ScoringModel, now: Date, language: Language): AccountContact & { profile: Profile; snapshot: ContactSnapshot } {
  const p = snapshot.properties;
  const name = [p.firstname, p.lastname].filter((s) => typeof s === 'string' && s.trim() !== '').join(' ');
  return {
    id: snapshot.contactId,
    name,
    jobtitle: p.jobtitle ?? '',
    buyingRoles: p.hs_buying_role ?? null,
    result: score(profile, model, now, { language }),
    ...(snapshot.answeredAt ? { answeredAt: snapshot.answeredAt } : {}),
    profile,
    snapshot,
  };
}

/** The account result as stored: JSON, read back only through this. */
export function storedAccount(snapshot: AccountSnapshot | undefined): AccountResult | null {
  const result = snapshot?.result as AccountResult | undefined;
  return result && typeof result === 'object' && result.sources && result.bant ? result : null;
}

export async function rescoreAccounts(
  ctx: AppContext,
  portalId: PortalId,
  companyIds: string[],
  options: { /** The portal's installation as the caller has just read it; absent: read here. */ installation?: Installation } = {},
): Promise<AccountRescoreSummary> {
  const summary: AccountRescoreSummary = { companies: 0, written: 0, tasksCreated: 0, tasksCompleted: 0, failed: [] };
  const ids = [...new Set(companyIds)];
  if (ids.length === 0) return summary;
  const installation = options.installation ?? (await ctx.store.getInstallation(portalId));
  const client = await ctx.hubspot.forPortal(portalId, installation);
  const language = languageOf(installation?.settings);
  if (!hasRequest(client)) throw new Error('account qualification needs the HubSpot client');
  const model = await ctx.modelFor(portalId, installation);
  const now = new Date(ctx.now());

  const companies = await readCompanies(client.request, ids, modelInputs(model).company);
  const contactsOf = await client.companyContactIds([...companies.keys()]);
  const allContactIds = [...new Set([...contactsOf.values()].flat())];
  const snapshots = allContactIds.length ? await ctx.store.getSnapshots(portalId, allContactIds) : new Map<string, ContactSnapshot>();
  const previous = await ctx.store.getAccountSnapshots(portalId, [...companies.keys()]);

  const accounts: Array<{ companyId: string; account: AccountResult; members: ReturnType<typeof memberOf>[]; changes: Record<string, string> }> = [];
  for (const [companyId, company] of companies) {
    const members: ReturnType<typeof memberOf>[] = [];
    for (const contactId of contactsOf.get(companyId) ?? []) {
      const snapshot = snapshots.get(contactId);
      // A contact never scored yet has no result to add; its own first rescore enqueues the account again.
      if (snapshot) members.push(memberOf(snapshot, profileOf(snapshot, company.properties), model, now, language));
    }
    if (members.length === 0) continue;
    const account = qualifyAccount({ properties: company.properties, contacts: members }, model, now, language);
    const { bant_account_scored_at: _at, ...values } = account.properties;
    const changes = planCompanyWrite(values, company.current);
    // The time is written only with a change, so an unchanged account costs no write.
    if (Object.keys(changes).length > 0) changes.bant_account_scored_at = account.properties.bant_account_scored_at;
    accounts.push({ companyId, account, members, changes });
  }
  summary.companies = accounts.length;

  const report = await writeCompanies(
    client.request,
    accounts.map((a) => ({ companyId: a.companyId, properties: a.changes })),
  );
  summary.written = report.written.length;
  summary.failed.push(...report.failed);
  const refused = new Set(report.failed.map((f) => f.companyId));
  const done = accounts.filter((a) => !refused.has(a.companyId));

  // find_decision_maker: read the company's tasks only when one may be wanted or may have to be completed.
  const neededBefore = (companyId: string) => previous.get(companyId)?.written[TASK_MARK] === 'created';
  const taskCompanies = done.filter((a) => needsDecisionMaker(a.account) || neededBefore(a.companyId));
  const created = new Set<string>();
  if (taskCompanies.length > 0) {
    const existing = await findCompanyTasks(client.request, taskCompanies.map((a) => a.companyId));
    const toCreate = [];
    const toComplete = [];
    for (const a of taskCompanies) {
      const mine = existing.filter((t) => t.companyId === a.companyId);
      if (needsDecisionMaker(a.account)) {
        // One task per cause: none while one exists, and a task a rep completed or deleted is not recreated (docs/contract.md section 4).
        if (mine.length > 0 || neededBefore(a.companyId)) {
          created.add(a.companyId);
          continue;
        }
        const company = companies.get(a.companyId)!;
        for (const draft of draftAccountTasks(a.account, company.properties.name ?? '', model, now, language)) toCreate.push({ companyId: a.companyId, ownerId: company.ownerId, draft });
      } else {
        toComplete.push(...mine.filter((t) => t.status === 'open'));
      }
    }
    if (toCreate.length) {
      summary.tasksCreated = (await createCompanyTasks(client.request, toCreate)).length;
      for (const c of toCreate) created.add(c.companyId);
    }
    if (toComplete.length) {
      await completeCompanyTasks(client.request, toComplete, MESSAGES.in(language)('closed.deciderKnown'));
      summary.tasksCompleted = toComplete.length;
    }
  }

  // The contacts in their account's context: inherited criteria and what follows from them. A contact of several
  // companies is placed in the one it is scored with (its primary), as its own rescore does.
  const placements = done.map((a) => ({
    a,
    placed: a.members
      .filter((m) => m.snapshot.companyId === undefined || m.snapshot.companyId === a.companyId)
      .map((m) => ({ m, result: placeInAccount(m.result as Parameters<typeof placeInAccount>[0], m.profile, m.id, a.account, model, now, m.snapshot.answeredAt, language) })),
  }));
  // One call_sql per account at a time: the callee from the placed results and what the store knows of their calls.
  const calls = await readCallStates(
    ctx,
    portalId,
    placements.flatMap((p) => p.placed.filter((x) => x.result.qualification === 'sql').map((x) => x.m.id)),
  );
  const callees = new Map<string, Callee | null>();
  for (const { a, placed } of placements) {
    const candidates: CallCandidate[] = placed.map(({ m, result }) => ({
      contactId: m.id,
      label: labelContact(m, language),
      qualification: result.qualification,
      priority: result.priority,
      leadScore: Number.isFinite(result.leadScore) ? result.leadScore : null,
      inLeadProcess: m.snapshot.leadProcess?.inLeadProcess ?? true,
      call: calls.get(m.id) ?? 'none',
    }));
    callees.set(a.companyId, chooseCallee(candidates));
  }

  await ctx.store.putAccountSnapshots(
    done.map((a) => {
      const company = companies.get(a.companyId)!;
      const written: Record<string, string> = {};
      for (const [name, value] of Object.entries(company.current)) if (typeof value === 'string') written[name] = value;
      Object.assign(written, a.changes);
      if (created.has(a.companyId)) written[TASK_MARK] = 'created';
      const callee = callees.get(a.companyId) ?? null;
      written[CALLEE_MARK] = callee?.contactId ?? '';
      written[CALLEE_LABEL_MARK] = callee?.label ?? '';
      const writtenAt = report.updatedAt.get(a.companyId) ?? previous.get(a.companyId)?.writtenAt;
      return { portalId, companyId: a.companyId, contactIds: a.members.map((m) => m.id), result: a.account, written, ...(writtenAt ? { writtenAt } : {}), scoredAt: a.account.scoredAt };
    }),
  );

  // Written only if their account context changed (time alone, decay, is the decay job's to write), or, for the
  // sales-ready ones, when the account's callee changed (the next one may now be called).
  const items: ResultItem[] = [];
  for (const { a, placed } of placements) {
    const callee = callees.get(a.companyId) ?? null;
    const calleeChanged = (previous.get(a.companyId)?.written[CALLEE_MARK] ?? '') !== (callee?.contactId ?? '');
    for (const { m, result } of placed) {
      const contextChanged = CONTEXT_PROPERTIES.some((name) => result.properties[name] !== m.snapshot.written[name]);
      if (!contextChanged && !(calleeChanged && result.qualification === 'sql')) continue;
      const waits = waitsForCall({ contactId: m.id, qualification: result.qualification, call: calls.get(m.id) ?? 'none' }, callee);
      items.push({
        contactId: m.id,
        result,
        current: m.snapshot.written,
        ownerId: m.snapshot.ownerId ?? null,
        profile: m.profile,
        companyId: m.snapshot.companyId ?? a.companyId,
        ...(m.snapshot.answeredAt ? { answeredAt: m.snapshot.answeredAt } : {}),
        ...(waits && callee ? { callWaitsFor: callee } : {}),
      });
    }
  }
  if (items.length) await applyResults(ctx, portalId, items, { client, model });
  ctx.log.debug('accounts rescored', { portalId, companies: summary.companies, written: summary.written, tasksCreated: summary.tasksCreated, tasksCompleted: summary.tasksCompleted });
  return summary;
}
