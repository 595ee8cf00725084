// A contact in its account's context (issue 16 part 2): the model names the criteria a contact takes from its
// company (default: budget and timeline are the company's; need and authority stay personal). Inherited evidence
// names the colleague it comes from: "budget approved, via Karl Brandt, Geschäftsführer".
import { DEFAULT_LANGUAGE, type Language } from './catalogue.ts';
import { MESSAGES } from './messages.ts';
import type { BantResult } from './assess-bant.ts';
import { assessMeddicInAccount } from './assess-meddic.ts';
import { compileModel } from './compile-model.ts';
import { decideQualification, recommendStage } from './decide-qualification.ts';
import { draftTasks } from './draft-tasks.ts';
import { formatTenths } from './format-reason.ts';
import type { ScoringModel } from './model-schema.ts';
import { type AccountResult, answerOf, wordAnswer } from './qualify-account.ts';
import { toEpochMs } from './to-epoch-ms.ts';
import { CRITERIA, type Criterion, type CriterionResult, type CriterionState, type Grade, type Profile, type Qualification, type ScoringResult } from './types.ts';

export const DEFAULT_INHERITED: readonly Criterion[] = ['budget', 'timeline'];

/** What the card and tasks show of the contact's account. */
export interface AccountContext {
  grade: Grade;
  qualification: Qualification;
  bant: Record<Criterion, CriterionState>;
  /** `decision maker: Karl Brandt (Geschäftsführer)` lines, who decides first. */
  buyingCenter: string[];
  /** Colleagues who can decide, as `Karl Brandt, Geschäftsführer`-style lines. */
  deciders: string[];
  inherited: Criterion[];
}

export type ResultInAccount = ScoringResult & { account: AccountContext };

export function inheritedCriteria(model: ScoringModel): readonly Criterion[] {
  return model.accounts?.inherit ?? DEFAULT_INHERITED;
}

function inheritCriterion(
  criterion: Criterion,
  own: CriterionResult,
  account: AccountResult,
  contactId: string,
  answeredAt: Partial<Record<Criterion, string>> | undefined,
  language: Language,
): CriterionResult {
  const source = account.sources[criterion];
  // The contact's own answer is already the account's, or the account knows nothing the contact does not.
  if (source === null || source.contactId === contactId) return own;
  // The contact's own answer stands unless the colleague's is known to be newer (the account may be older than it).
  if (answerOf(own, criterion) !== null) {
    const ownAt = answeredAt && Object.hasOwn(answeredAt, criterion) ? Date.parse(answeredAt[criterion] ?? '') : Number.NaN;
    const theirs = source.at === null ? Number.NaN : Date.parse(source.at);
    if (!(Number.isFinite(ownAt) && Number.isFinite(theirs) && theirs > ownAt)) return own;
  }
  const state = account.bant[criterion].state;
  const first = account.bant[criterion].evidence[0];
  const say = MESSAGES.in(language);
  // English keeps the words it always wrote (`budget approved, via …`); other languages name criterion and value.
  const what =
    language === DEFAULT_LANGUAGE
      ? `${criterion} ${source.answer ?? state}`
      : say('account.criterionValue', { criterion: say(`criterionInText.${criterion}`), value: source.answer === null ? say(`state.${state}`) : wordAnswer(criterion, source.answer, language) });
  return {
    state,
    evidence: [
      {
        source: first?.source ?? 'property',
        name: first?.name ?? criterion,
        ...(source.answer !== null ? { value: source.answer } : {}),
        text: say('account.via', { text: what, who: source.label }),
      },
    ],
  };
}

/**
 * `result` (the contact scored alone) with the inherited criteria taken from `account`, and qualification,
 * lifecycle stage, tasks and properties following from them. A disqualified contact stays disqualified.
 */
export function placeInAccount(
  result: ScoringResult,
  profile: Profile,
  contactId: string,
  account: AccountResult,
  model: ScoringModel,
  now: Date | string | number,
  answeredAt?: Partial<Record<Criterion, string>>,
  language: Language = DEFAULT_LANGUAGE,
): ResultInAccount {
  const compiled = compileModel(model, language);
  const inherited = inheritedCriteria(model);
  const taken: Criterion[] = [];
  const bant = { ...result.bant } as BantResult;
  for (const criterion of inherited) {
    const next = inheritCriterion(criterion, result.bant[criterion], account, contactId, answeredAt, language);
    if (next !== result.bant[criterion]) taken.push(criterion);
    bant[criterion] = next;
  }
  bant.criteriaMet = CRITERIA.filter((c) => bant[c].state === 'met').length;

  const context: AccountContext = {
    grade: account.fit.grade,
    qualification: account.qualification,
    bant: { budget: account.bant.budget.state, authority: account.bant.authority.state, need: account.bant.need.state, timeline: account.bant.timeline.state },
    buyingCenter: account.buyingCenter.map((m) => m.line),
    deciders: account.buyingCenter.filter((m) => m.canDecide).map((m) => m.line),
    inherited: taken,
  };
  // MEDDIC: economic buyer and champion may come from colleagues in the buying centre.
  const meddic = assessMeddicInAccount(result, profile, account.buyingCenter, model, compiled, now, language);
  if (taken.length === 0 && !meddic?.changed) return { ...result, account: context };

  const disqualification = result.disqualifyReason ? { reason: result.disqualifyReason, text: '' } : null;
  const qualification = decideQualification(disqualification, bant, result.priority, compiled, meddic?.verdict);
  const lifecycleStage = recommendStage(qualification);
  const engagementScore = formatTenths(result.engagement.score);
  const tasks = draftTasks({
    profile,
    qualification,
    bant,
    summary: () => {
      const say = MESSAGES.in(language);
      const figures = say('story.figures', { fitScore: result.fit.score, grade: result.fit.grade, engagementScore, tier: result.engagement.tier });
      return say('story.summaryInAccount', {
        priority: result.priority,
        figures,
        qualification: say(`qualification.${qualification}`),
        accountPriority: account.priority,
        accountQualification: say(`qualification.${account.qualification}`),
      });
    },
    reasons: result.reasons,
    compiled,
    nowMs: toEpochMs(now),
  });
  return {
    ...result,
    bant,
    qualification,
    lifecycleStage,
    tasks,
    account: context,
    properties: {
      ...result.properties,
      bant_budget: bant.budget.state,
      bant_authority: bant.authority.state,
      bant_need: bant.need.state,
      bant_timeline: bant.timeline.state,
      bant_criteria_met: String(bant.criteriaMet),
      bant_qualification: qualification,
      bant_lifecycle_stage: lifecycleStage,
      ...meddic?.properties,
    },
    ...(meddic ? { meddic: meddic.result } : {}),
  };
}
