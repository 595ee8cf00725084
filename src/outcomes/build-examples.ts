// Outcome examples for evaluation and calibration, from the stored outcomes: one per contact (won if it was ever won,
// at its first win; else lost at its first loss), with the features as they were before the outcome. Outcomes
// without features (a deal of a contact the app never scored) are counted, not guessed.
import type { Profile } from '../scoring/types.ts';
import type { OutcomeRecord } from '../store/store.ts';

/** The shape src/scoring's evaluation and calibration take (OutcomeExample). */
export interface Example {
  profile: Profile;
  outcome: 'won' | 'lost';
  at: string;
}

export interface ExampleSet {
  examples: Example[];
  contactIds: string[];
  won: number;
  lost: number;
  /** Contacts with an outcome but no features to score. */
  withoutFeatures: number;
  /** Examples whose features come from the read that found the outcome (first sight), not from before it. */
  firstSight: number;
  /** Earliest and latest outcome time, ISO. */
  period: { from: string; to: string } | null;
}

/** Records sorted by contact then time (as Store.listOutcomes returns them). */
export function buildExamples(records: OutcomeRecord[]): ExampleSet {
  const byContact = new Map<string, OutcomeRecord[]>();
  for (const r of records) {
    const list = byContact.get(r.contactId);
    if (list) list.push(r);
    else byContact.set(r.contactId, [r]);
  }
  const set: ExampleSet = { examples: [], contactIds: [], won: 0, lost: 0, withoutFeatures: 0, firstSight: 0, period: null };
  for (const [contactId, list] of byContact) {
    const sorted = [...list].sort((a, b) => a.at.localeCompare(b.at));
    const decisive = sorted.find((r) => r.outcome === 'won') ?? sorted[0];
    if (!decisive) continue;
    // The features of the decisive outcome, else of an earlier one of the same contact (taken before it, so still no leak).
    const withFeatures = decisive.features ? decisive : sorted.find((r) => r.features && r.at <= decisive.at);
    if (!withFeatures?.features) {
      set.withoutFeatures++;
      continue;
    }
    const atMs = Date.parse(decisive.at);
    const f = withFeatures.features;
    set.examples.push({
      profile: { properties: f.properties, company: f.company ?? null, activities: f.activities.filter((a) => Date.parse(a.at) < atMs) },
      outcome: decisive.outcome,
      at: decisive.at,
    });
    set.contactIds.push(contactId);
    if (decisive.outcome === 'won') set.won++;
    else set.lost++;
    if (withFeatures.featuresFrom !== 'before') set.firstSight++;
    if (!set.period || decisive.at < set.period.from) set.period = { from: decisive.at, to: set.period?.to ?? decisive.at };
    if (decisive.at > set.period.to) set.period.to = decisive.at;
  }
  return set;
}
