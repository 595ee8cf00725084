// Decay (daily): engagement loses weight with time, so scores change even when nothing happens. The pass rescores
// every contact from its stored snapshot at the new time, reads nothing from HubSpot, and writes only contacts whose
// written values changed (tiny drifts do not count, see decayChanges; a new bant_scored_at alone is no change).
import { DEFAULT_LANGUAGE, type Language } from '../scoring/catalogue.ts';
import { languageOf } from '../store/installation-language.ts';
import type { AppContext } from '../app-context.ts';
import { planContactWrite } from '../hubspot/plan-writes.ts';
import type { PortalClient } from '../hubspot/portal-client.ts';
import { score } from '../scoring/index.ts';
import { labelsFromStored } from '../scoring/option-labels.ts';
import type { ScoringModel } from '../scoring/model-schema.ts';
import type { Profile, ScoringResult } from '../scoring/types.ts';
import type { ContactSnapshot, PortalId } from '../store/store.ts';
import { type ExclusiveOutcome, runExclusive, trackJobRun } from './job-progress.ts';
import { applyResults, type ResultItem } from './rescore-contacts.ts';
import { type PlaceableItem, placeInStoredAccounts } from '../accounts/place-contacts.ts';

/** Snapshots read per page. */
export const DECAY_PAGE = 5000;
/** Snapshots scored at a time; the pipeline's writes of earlier ones go on meanwhile. */
export const DECAY_SCORE_CHUNK = 500;
/**
 * Changed contacts handed to the pipeline per call (at least; whole batches of 100): the pipeline still writes them
 * 100 per batch call (docs/hubspot-platform.md §3.5), and a larger hand-over shares its store round trips (tasks,
 * score history, snapshots).
 */
export const DECAY_WRITE_BATCH = 1000;
/** Hand-overs being written at once (see runDecay). */
export const DECAY_WRITES_IN_FLIGHT = 2;
/** Contacts per batch write (docs/hubspot-platform.md §3.5). */
const BATCH_CALL = 100;
/** The section-3 values only: lifecyclestage and hs_lead_status follow them, and the pipeline decides those. */
const OWN_PROPERTIES_ONLY = { syncLifecycleStage: false, syncLeadStatus: false };

export interface DecayResult {
  summary: string;
  contacts: number;
  changed: number;
  failed: number;
  cursor: null;
}

/** The profile the engine scores, rebuilt from a snapshot without HubSpot. */
export function profileFromSnapshot(snapshot: ContactSnapshot): Profile {
  return {
    properties: snapshot.properties,
    company: snapshot.companyProperties ? { properties: snapshot.companyProperties } : null,
    activities: snapshot.activities,
  };
}

/**
 * Time alone moves the engagement score, and the lead score that follows it, by fractions of a point and ages the
 * reasons ("(160 d ago)" → "(161 d ago)") every day; written as they come, decay would rewrite nearly every contact
 * daily (each write a share of the portal's API limit). So decay counts a drift of either score only from this many
 * points, and never the reasons' text alone. Bands, priority and outcome count at once. A contact that is written gets
 * all its values.
 */
export const ENGAGEMENT_DRIFT_POINTS = 1;
/** The scores whose drift decay counts only from ENGAGEMENT_DRIFT_POINTS. */
const DRIFTING_SCORES: ReadonlySet<string> = new Set(['bant_engagement_score', 'bant_lead_score']);

/** Names of the result's values that differ from what was last written, by the pipeline's own diff; bant_scored_at alone is no change. */
export function changedProperties(result: ScoringResult, written: Record<string, string>): string[] {
  const changes = planContactWrite({ result: result.properties, current: written, stageOrder: [], settings: OWN_PROPERTIES_ONLY });
  return Object.keys(changes).filter((name) => name !== 'bant_scored_at');
}

/** The changes worth a write when only time has passed (see ENGAGEMENT_DRIFT_POINTS). */
export function decayChanges(result: ScoringResult, written: Record<string, string>): string[] {
  return changedProperties(result, written).filter((name) => {
    if (name === 'bant_score_reasons') return false;
    if (!DRIFTING_SCORES.has(name)) return true;
    const before = Number(written[name]);
    const now = Number(result.properties[name as 'bant_engagement_score' | 'bant_lead_score']);
    return !Number.isFinite(before) || !Number.isFinite(now) || Math.abs(now - before) >= ENGAGEMENT_DRIFT_POINTS;
  });
}

/**
 * Rescores snapshots at `now`, each placed in its account's stored context (criteria it inherits from colleagues and
 * a colleague's open call survive the pass as they do a webhook rescore); returns those whose written values would
 * change, and how many failed to score.
 */
export async function decaySnapshots(
  ctx: AppContext,
  portalId: PortalId,
  snapshots: ContactSnapshot[],
  model: ScoringModel,
  now: Date,
  onError: (contactId: string, error: unknown) => void,
  language: Language = DEFAULT_LANGUAGE,
): Promise<{ changed: ResultItem[]; failed: number }> {
  const scored: Array<PlaceableItem & { snapshot: ContactSnapshot }> = [];
  let failed = 0;
  for (const snapshot of snapshots) {
    try {
      const profile = profileFromSnapshot(snapshot);
      const result = score(profile, model, now, { labels: labelsFromStored(snapshot.optionLabels), language });
      scored.push({ contactId: snapshot.contactId, result, profile, ...(snapshot.answeredAt ? { answeredAt: snapshot.answeredAt } : {}), snapshot });
    } catch (error) {
      failed += 1;
      onError(snapshot.contactId, error);
    }
  }
  const companyOf = new Map<string, string>();
  for (const item of scored) if (item.snapshot.companyId !== undefined) companyOf.set(item.contactId, item.snapshot.companyId);
  if (companyOf.size > 0) await placeInStoredAccounts(ctx, portalId, model, scored, companyOf, now, language);
  const changed: ResultItem[] = [];
  for (const { snapshot, result, callWaitsFor } of scored) {
    if (decayChanges(result, snapshot.written).length === 0) continue;
    // A contact past the lead stages by its deal stays so until its next read (decay reads nothing from HubSpot).
    const byDeal = snapshot.leadProcess?.inLeadProcess === false && snapshot.leadProcess.because === 'deal';
    changed.push({
      contactId: snapshot.contactId,
      result,
      current: snapshot.written,
      ownerId: snapshot.ownerId ?? null,
      snapshot,
      ...(byDeal ? { pastLeadStages: { openOrWonDeal: true } } : {}),
      ...(callWaitsFor ? { callWaitsFor } : {}),
    });
  }
  return { changed, failed };
}

/** Applies decay to every snapshot of the portal, page by page; a restart resumes after the last page done. */
export async function runDecay(ctx: AppContext, portalId: PortalId): Promise<ExclusiveOutcome<DecayResult>> {
  return runExclusive(ctx, 'decay', portalId, async () => {
    const model = await ctx.modelFor(portalId);
    const language = languageOf((await ctx.store.getInstallation(portalId))?.settings);
    const total = await ctx.store.countSnapshots(portalId);
    return trackJobRun(ctx, 'decay', portalId, { total }, async (run) => {
      const now = new Date(ctx.now());
      const onError = (contactId: string, error: unknown) => ctx.log.warn('decay: contact could not be scored', { portalId, contactId, error });
      let client: PortalClient | undefined;
      let after = run.resumeCursor;
      let contacts = 0;
      let changed = 0;
      let failed = 0;
      // Up to DECAY_WRITES_IN_FLIGHT hand-overs are written while the next chunk is scored: the store works while the
      // engine does, and one hand-over's history and snapshot writes overlap the next one's task sync (which take
      // turns, src/jobs/portal-turns.ts). A page's cursor moves only once every hand-over before it is written.
      const writing: Array<Promise<unknown>> = [];
      const afterWrites = async (step: (before: Promise<unknown>) => Promise<unknown>) => {
        while (writing.length >= DECAY_WRITES_IN_FLIGHT) await writing.shift();
        const before = Promise.all(writing);
        before.catch(() => {});
        const write = step(before);
        write.catch(() => {});
        writing.push(write);
      };
      let reading = ctx.store.listSnapshots(portalId, after, DECAY_PAGE);
      for (;;) {
        const page = await reading;
        if (page.length === 0) break;
        const last = page[page.length - 1]?.contactId ?? after;
        // The next page is read while this one is scored and written.
        reading = ctx.store.listSnapshots(portalId, last, DECAY_PAGE);
        reading.catch(() => {});
        let pending: ResultItem[] = [];
        for (let start = 0; start < page.length; start += DECAY_SCORE_CHUNK) {
          const decayed = await decaySnapshots(ctx, portalId, page.slice(start, start + DECAY_SCORE_CHUNK), model, now, onError, language);
          changed += decayed.changed.length;
          failed += decayed.failed;
          pending.push(...decayed.changed);
          const endOfPage = start + DECAY_SCORE_CHUNK >= page.length;
          // Whole batch calls of 100 within a page; the page's remainder goes with its last chunk.
          const handOver = endOfPage ? pending.length : pending.length - (pending.length % BATCH_CALL);
          if (!endOfPage && handOver < DECAY_WRITE_BATCH) continue;
          const items = pending.slice(0, handOver);
          pending = pending.slice(handOver);
          await afterWrites(async (before) => {
            if (items.length > 0) {
              client ??= await ctx.hubspot.forPortal(portalId);
              await applyResults(ctx, portalId, items, { client, model });
            }
            if (!endOfPage) return;
            await before;
            contacts += page.length;
            after = last;
            await run.advance(page.length, last);
          });
        }
      }
      while (writing.length > 0) await writing.shift();
      const summary = `${contacts} contacts decayed, ${changed} changed and written, ${failed} could not be scored`;
      return { summary, contacts, changed, failed, cursor: null };
    });
  });
}
