// score(profile, model, now): the whole engine in one pure call. Same input, same result; no clock, no I/O.
import { assessBant } from './assess-bant.ts';
import { assessMeddic, decideMeddic, type MeddicInput, meddicProperties } from './assess-meddic.ts';
import { DEFAULT_LANGUAGE, type Language } from './catalogue.ts';
import { MESSAGES } from './messages.ts';
import { compileModel } from './compile-model.ts';
import { computeLeadScore } from './compute-lead-score.ts';
import { formatTenths } from './format-reason.ts';
import { createIsoFormatter } from './iso-time.ts';
import { decideQualification, recommendStage } from './decide-qualification.ts';
import { detectDisqualification } from './detect-disqualification.ts';
import { draftTasks } from './draft-tasks.ts';
import type { ScoringModel } from './model-schema.ts';
import { readFacts } from './read-facts.ts';
import { type Contribution, describeContribution, scoreEngagement } from './score-engagement.ts';
import { labellerFor, type OptionLabels } from './option-labels.ts';
import { scoreFit } from './score-fit.ts';
import { scoreSignals } from './score-signals.ts';
import { summaryLine } from './story.ts';
import { toEpochMs } from './to-epoch-ms.ts';
import { GRADES, type Grade, type Priority, type Profile, type Reason, type ScoringResult, TIERS, type Tier } from './types.ts';

export const MAX_REASONS = 10;

/**
 * The `limit` largest of `first` then `second` by |points|, largest first, ties in input order
 * (a partial insertion sort, without concatenating the two lists).
 */
function selectLargest(first: readonly Reason[], second: readonly Contribution[], limit: number): Array<Reason | Contribution> {
  const top: Array<Reason | Contribution> = [];
  const total = first.length + second.length;
  for (let k = 0; k < total; k++) {
    const item = k < first.length ? first[k]! : second[k - first.length]!;
    const weight = Math.abs(item.points);
    let i = top.length;
    while (i > 0 && Math.abs(top[i - 1]!.points) < weight) i--;
    if (i >= limit) continue;
    // Insert at i, dropping the last when the list is full.
    let j = top.length < limit ? top.length : limit - 1;
    if (j === top.length) top.push(item);
    for (; j > i; j--) top[j] = top[j - 1]!;
    top[i] = item;
  }
  return top;
}

const PRIORITY_OF = Object.fromEntries(GRADES.map((g) => [g, Object.fromEntries(TIERS.map((t) => [t, `${g}${t}`]))])) as Record<
  Grade,
  Record<Tier, Priority>
>;

const isoOf = createIsoFormatter();

function toReason(item: Reason | Contribution): Reason {
  return 'text' in item ? item : { points: item.points, text: describeContribution(item) };
}

/** The texts of `reasons`, one a line. */
function joinTexts(reasons: readonly Reason[]): string {
  const texts = new Array<string>(reasons.length);
  for (let i = 0; i < reasons.length; i++) texts[i] = reasons[i]!.text;
  return texts.join('\n');
}

export interface ScoreOptions {
  /** The portal's option labels, so reasons and evidence show labels, not internal values. */
  labels?: OptionLabels;
  /** The contact's account's buying centre, for MEDDIC's economic buyer and champion. */
  buyingCenter?: MeddicInput['buyingCenter'];
  /** The language of reasons, evidence and tasks (the installation's setting); default English. */
  language?: Language;
}

export function score(profile: Profile, model: ScoringModel, now: Date | string | number, options: ScoreOptions = {}): ScoringResult {
  const language = options.language ?? DEFAULT_LANGUAGE;
  const compiled = compileModel(model, language);
  const label = labellerFor(options.labels, language);
  const say = MESSAGES.in(language);
  const nowMs = toEpochMs(now);
  const scoredAt = isoOf(nowMs);
  const facts = readFacts(profile);

  const fit = scoreFit(facts, compiled, label);
  const engagement = scoreEngagement(profile.activities, compiled, nowMs);
  const bant = assessBant(profile.properties, facts, fit.positionGrade, engagement, compiled, nowMs, label);
  const disqualification = detectDisqualification(profile.properties, facts, profile.activities, compiled, label);
  const priority = PRIORITY_OF[fit.grade][engagement.tier];
  const meddic = model.framework === 'meddic' && model.meddic ? assessMeddic({ properties: profile.properties, buyingCenter: options.buyingCenter, activities: profile.activities, compiled, nowMs, language, label }, model.meddic) : undefined;
  const qualification = decideQualification(disqualification, bant, priority, compiled, meddic && model.meddic ? decideMeddic(meddic, model.meddic) : undefined);
  const lifecycleStage = recommendStage(qualification);
  const signals = scoreSignals(compiled.signals, profile, nowMs, { position: fit.positionGrade, size: fit.sizeGrade, industry: fit.industryGrade });
  const leadScore = computeLeadScore(model.leadScore, {
    fitScore: fit.score,
    engagementScore: engagement.score,
    signalPoints: signals.points,
    disqualified: disqualification !== null,
  });

  // The disqualification explains everything else, so it leads; then the largest contributions.
  const limit = disqualification ? MAX_REASONS - 1 : MAX_REASONS;
  let ranked: Array<Reason | Contribution>;
  if (model.leadScore.method === 'logistic' && signals.reasons.length > 0) {
    // A calibrated model's lead score is its signal points (log-odds scale): they explain it, so they lead, and
    // fit and engagement points (another scale) only fill the rest.
    ranked = selectLargest(signals.reasons, [], limit);
    if (ranked.length < limit) ranked.push(...selectLargest(fit.reasons, engagement.contributions, limit - ranked.length));
  } else {
    const firstReasons = signals.reasons.length === 0 ? fit.reasons : [...fit.reasons, ...signals.reasons];
    ranked = selectLargest(firstReasons, engagement.contributions, limit);
  }
  const reasons: Reason[] = [];
  if (disqualification) {
    reasons.push({ points: 0, text: say('reason.disqualified', { reason: say(`disqualify.${disqualification.reason}`), detail: disqualification.text }) });
  }
  // Contributions under one point (an e-mail open at +0.5) are noise in a list a rep reads.
  for (const item of ranked) if (Math.abs(item.points) >= 1) reasons.push(toReason(item));

  const engagementScore = formatTenths(engagement.score);
  const tasks = draftTasks({
    profile,
    qualification,
    bant,
    summary: () =>
      summaryLine({ qualification, disqualifyReason: disqualification?.reason ?? null, priority, fit, engagement: { score: engagementScore, tier: engagement.tier }, bant }, language),
    reasons,
    compiled,
    nowMs,
  });

  const result: ScoringResult = {
    fit: { score: fit.score, grade: fit.grade },
    engagement: { score: engagement.score, tier: engagement.tier },
    priority,
    leadScore,
    bant,
    qualification,
    disqualifyReason: disqualification?.reason ?? null,
    lifecycleStage,
    reasons,
    tasks,
    modelVersion: model.version,
    scoredAt,
    properties: {
      bant_fit_score: String(fit.score),
      bant_fit_grade: fit.grade,
      bant_engagement_score: engagementScore,
      bant_engagement_tier: `${engagement.tier}`,
      bant_priority: priority,
      bant_budget: bant.budget.state,
      bant_authority: bant.authority.state,
      bant_need: bant.need.state,
      bant_timeline: bant.timeline.state,
      bant_criteria_met: String(bant.criteriaMet),
      bant_qualification: qualification,
      bant_disqualify_reason: disqualification?.reason ?? '',
      bant_score_reasons: joinTexts(reasons),
      bant_scored_at: scoredAt,
      bant_model_version: model.version,
      bant_lifecycle_stage: lifecycleStage,
      bant_lead_score: formatTenths(leadScore),
    },
  };
  // Added after, in the order spreads would give, so a BANT result's objects are made whole from their literals.
  if (meddic && model.meddic) Object.assign(result.properties, meddicProperties(meddic, model.meddic, language));
  if (meddic) result.meddic = meddic;
  return result;
}
