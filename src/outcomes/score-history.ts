// Score history (issue #13 section 2): one entry per change of outcome, priority, lead score or a BANT state, with
// the model version, so accuracy can be measured on the score as it was before each outcome.
import { DEFAULT_LANGUAGE, type Language } from '../scoring/catalogue.ts';
import { MESSAGES, type SayMessage } from '../scoring/messages.ts';
import { CRITERIA, CRITERION_STATES, type Criterion, type CriterionState, QUALIFICATIONS, type Qualification, type ScoringResult } from '../scoring/types.ts';
import type { ScoreChange } from '../store/store.ts';

/**
 * ` (3 d ago)`, ` (just now, capped)`, ` (vor 3 Tg., gedeckelt)`: the age that ends a reason or an activity's evidence
 * in either language (src/scoring/format-reason.ts, the `age.*` texts of src/scoring/messages.ts).
 */
const AGE_TAIL = / \((?:just now|\d+ [hd] ago|gerade eben|vor \d+ (?:Std|Tg)\.)(?:, capped|, gedeckelt)?\)$/;
const withoutAge = (text: string) => text.replace(AGE_TAIL, '');

export function scoreChangeOf(result: ScoringResult, language?: Language): ScoreChange {
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
    ...(language ? { language } : {}),
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

const FIELDS: ReadonlyArray<keyof ScoreChange> = ['qualification', 'priority', 'leadScore', 'budget', 'authority', 'need', 'timeline'];

/** How a field is named in a change line, in `language`. */
function fieldName(field: keyof ScoreChange, say: SayMessage): string {
  if (field === 'qualification') return say('change.outcome');
  if (field === 'priority') return say('change.priority');
  if (field === 'leadScore') return say('change.leadScore');
  return isCriterion(field) ? say(`criterionInText.${field}`) : field;
}

function isCriterion(field: string): field is Criterion {
  return (CRITERIA as readonly string[]).includes(field);
}

/** English keeps the stored values as they were always shown; German shows outcomes and states in words. */
function fieldValue(field: keyof ScoreChange, value: string | null | undefined, language: Language, say: SayMessage): string {
  if (value === null || value === undefined) return '–';
  if (language === 'en') return value;
  if (field === 'qualification' && (QUALIFICATIONS as readonly string[]).includes(value)) return say(`qualification.${value as Qualification}`);
  if (isCriterion(field) && (CRITERION_STATES as readonly string[]).includes(value)) return say(`state.${value as CriterionState}`);
  return value;
}

/** The newest changes first, each as one line a rep reads, e.g. "outcome nurture → mql, priority B3 → B2". */
export function describeChanges(history: ScoreChange[], limit: number, language: Language = DEFAULT_LANGUAGE): Array<{ at: string; modelVersion: string; text: string }> {
  const say = MESSAGES.in(language);
  const out: Array<{ at: string; modelVersion: string; text: string }> = [];
  for (let i = history.length - 1; i >= 0 && out.length < limit; i--) {
    const next = history[i] as ScoreChange;
    const previous = history[i - 1];
    const qualification = fieldValue('qualification', next.qualification, language, say);
    const parts = previous
      ? FIELDS.filter((k) => previous[k] !== next[k]).map(
          (k) => `${fieldName(k, say)} ${fieldValue(k, previous[k] as string | null, language, say)} → ${fieldValue(k, next[k] as string | null, language, say)}`,
        )
      : [
          next.leadScore !== null
            ? say('change.firstWithScore', { qualification, priority: next.priority, leadScore: next.leadScore })
            : say('change.first', { qualification, priority: next.priority }),
        ];
    out.push({ at: next.at, modelVersion: next.modelVersion, text: parts.join(', ') });
  }
  return out;
}
