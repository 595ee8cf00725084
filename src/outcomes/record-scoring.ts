// After a batch is scored and written: the score history (changes only) and the outcomes the contacts' properties show
// (sales feedback, lifecycle customer) with the features as they were before. Runs before the new snapshots are
// stored, so the stored ones are still "before". A rejected lead's open tasks are completed by the task sync
// (src/jobs/rescore-contacts.ts: a rejected lead wants no lead task), the one path that closes the app's tasks.
import type { AppContext } from '../app-context.ts';
import type { Language } from '../scoring/catalogue.ts';
import type { Profile, ScoringResult } from '../scoring/types.ts';
import type { OutcomeRecord, PortalId, ScoreChange } from '../store/store.ts';
import { indexOutcomes, isNewOutcome, outcomesOfProperties } from './contact-outcomes.ts';
import { featuresBefore, profileOfSnapshot } from './outcome-features.ts';
import { isScoreChange, scoreChangeOf } from './score-history.ts';
import { outcomeKey } from '../store/store.ts';
import { CLOSED_PREFIX } from '../scoring/task-rules.ts';

export interface ScoredContact {
  contactId: string;
  result: ScoringResult;
  /** What was scored now; absent for the decay job (no new read). */
  profile?: Profile;
}

/** The closing line of a rejected lead's tasks (docs/contract.md section 4), escalations included. */
export const REJECTED_REASON = `${CLOSED_PREFIX}sales rejected this lead (bant_feedback = rejected).`;

/** True for contacts whose rep rejected them: no lead tasks are wanted for them. */
export function isRejected(profile: Profile | undefined): boolean {
  return (profile?.properties.bant_feedback ?? '').trim() === 'rejected';
}

/** `language`: the installation's, in which the results' reasons are worded (kept with each history entry). */
export async function recordScoring(ctx: AppContext, portalId: PortalId, scored: ScoredContact[], language?: Language): Promise<void> {
  if (scored.length === 0) return;
  const ids = scored.map((s) => s.contactId);
  await recordHistory(ctx, portalId, scored, ids, language);
  const withProfile = scored.filter((s) => s.profile);
  if (withProfile.length) await recordPropertyOutcomes(ctx, portalId, withProfile);
}

async function recordHistory(ctx: AppContext, portalId: PortalId, scored: ScoredContact[], ids: string[], language: Language | undefined): Promise<void> {
  const latest = await ctx.store.getLatestScoreChanges(portalId, ids);
  const changes: Array<{ contactId: string; change: ScoreChange }> = [];
  for (const s of scored) {
    const change = scoreChangeOf(s.result, language);
    if (isScoreChange(latest.get(s.contactId), change)) changes.push({ contactId: s.contactId, change });
  }
  await ctx.store.appendScoreChanges(portalId, changes);
}

async function recordPropertyOutcomes(ctx: AppContext, portalId: PortalId, scored: ScoredContact[]): Promise<void> {
  const now = new Date(ctx.now()).toISOString();
  const found = scored.flatMap((s) => outcomesOfProperties(portalId, s.contactId, s.profile?.properties ?? {}, now).map((o) => ({ o, s })));
  if (found.length === 0) return;
  const contactIds = [...new Set(found.map((f) => f.s.contactId))];
  const [stored, snapshots] = await Promise.all([ctx.store.listOutcomes(portalId, contactIds), ctx.store.getSnapshots(portalId, contactIds)]);
  const byKey = indexOutcomes(stored);
  const records: OutcomeRecord[] = [];
  for (const { o, s } of found) {
    if (!isNewOutcome(byKey.get(outcomeKey(o)), o)) continue;
    const before = snapshots.get(s.contactId);
    const profile = before ? profileOfSnapshot(before) : (s.profile as Profile);
    records.push({ ...o, recordedAt: now, features: featuresBefore(profile, o.at), featuresFrom: before ? 'before' : 'at_outcome' });
  }
  await ctx.store.putOutcomes(records);
  if (records.length) ctx.metrics.inc('bant_outcomes_recorded_total', 'Outcomes recorded, by source', { source: 'properties' }, records.length);
}
