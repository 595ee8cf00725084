// Score history (issue #13 section 2): one entry per change of outcome, priority, lead score or a BANT state, with
// the model version, so accuracy can be measured on the score as it was before each outcome.
import type { ScoringResult } from '../scoring/types.ts';
import type { ScoreChange } from '../store/store.ts';

/** ` (3 d ago)`, ` (just now, capped)`: the age that ends a reason or an activity's evidence (src/scoring/format-reason.ts). */
const AGE_TAIL = / \((?:just now|\d+ [hd] ago)(?:, capped)?\)$/;
const withoutAge = (text: string) => text.replace(AGE_TAIL, '');
const CRITERIA = ['budget', 'authority', 'need', 'timeline'] as const;

export function scoreChangeOf(result: ScoringResult): ScoreChange {
  const properties = result.properties as unknown as Record<string, string | undefined>;
  const evidence: NonNullable<ScoreChange['evidence']> = {};
  for (const c of CRITERIA) {
    const first = result.bant[c].evidence[0];
    if (first) evidence[c] = withoutAge(first.text);
  }
  return {
    at: result.scoredAt,
    modelVersion: result.modelVersion,
    qualification: result.qualification,
    priority: result.priority,
    leadScore: properties.bant_lead_score ?? null,
    budget: result.bant.budget.state,
    authority: result.bant.authority.state,
    need: result.bant.need.state,
    timeline: result.bant.timeline.state,
    reasons: result.reasons.map((r) => withoutAge(r.text)),
    evidence,
  };
}

/** True when anything but the time and model version differs: a new model alone is not a change of the score. */
export function isScoreChange(previous: ScoreChange | undefined, next: ScoreChange): boolean {
  if (!previous) return true;
  return (
    previous.qualification !== next.qualification ||
    previous.priority !== next.priority ||
    previous.leadScore !== next.leadScore ||
    previous.budget !== next.budget ||
    previous.authority !== next.authority ||
    previous.need !== next.need ||
    previous.timeline !== next.timeline
  );
}

/**
 * `bant_became_mql_at` / `bant_became_sql_at` (docs/contract.md section 3): set the first time the contact reaches the
 * outcome and kept afterwards. An SQL has passed the MQL stage of the funnel too, so reaching `sql` first sets both.
 */
export function milestoneWrites(result: ScoringResult, current: Record<string, string | null | undefined>): Record<string, string> {
  const writes: Record<string, string> = {};
  const q = result.qualification;
  if ((q === 'mql' || q === 'sql') && !current.bant_became_mql_at) writes.bant_became_mql_at = result.scoredAt;
  if (q === 'sql' && !current.bant_became_sql_at) writes.bant_became_sql_at = result.scoredAt;
  return writes;
}

const FIELDS: ReadonlyArray<[keyof ScoreChange, string]> = [
  ['qualification', 'outcome'],
  ['priority', 'priority'],
  ['leadScore', 'lead score'],
  ['budget', 'budget'],
  ['authority', 'authority'],
  ['need', 'need'],
  ['timeline', 'timeline'],
];

/** The newest changes first, each as one line a rep reads, e.g. "outcome nurture → mql, priority B3 → B2". */
export function describeChanges(history: ScoreChange[], limit: number): Array<{ at: string; modelVersion: string; text: string }> {
  const out: Array<{ at: string; modelVersion: string; text: string }> = [];
  for (let i = history.length - 1; i >= 0 && out.length < limit; i--) {
    const next = history[i] as ScoreChange;
    const previous = history[i - 1];
    const parts = previous
      ? FIELDS.filter(([k]) => previous[k] !== next[k]).map(([k, label]) => `${label} ${previous[k] ?? '–'} → ${next[k] ?? '–'}`)
      : [`first scored: ${next.qualification}, priority ${next.priority}${next.leadScore !== null ? `, lead score ${next.leadScore}` : ''}`];
    out.push({ at: next.at, modelVersion: next.modelVersion, text: parts.join(', ') });
  }
  return out;
}
