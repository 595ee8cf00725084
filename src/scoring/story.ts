// One story per contact: the outcome, the priority, the card's headline and the task text never contradict each other.
// The outcome comes from the BANT answers (seed 000: sales-ready when need and budget are there); the priority (grade × tier)
// is marketing's view of fit and engagement. When the answers make a contact sales-ready, every text says so first and
// shows the priority as what it is, instead of "SQL" next to an unexplained "D4".
import { DEFAULT_LANGUAGE, type Language } from './catalogue.ts';
import type { LeadProcess } from './lead-process.ts';
import { MESSAGES, type SayMessage } from './messages.ts';
import { CRITERIA, type Criterion, type CriterionResult, type Grade, type Priority, type Qualification, type Tier } from './types.ts';

export interface Story {
  qualification: Qualification;
  disqualifyReason: string | null;
  priority: Priority;
  fit: { score: number; grade: Grade };
  engagement: { score: string; tier: Tier };
  bant: Record<Criterion, Pick<CriterionResult, 'state'>>;
}

/** "marketing priority D4 (fit D, engagement tier 4)", with a word on what it means when it is low. */
function marketingPriority(story: Story, say: SayMessage): string {
  const low = story.fit.grade >= 'C' || story.engagement.tier >= 3;
  return `${say('story.marketingPriority', { priority: story.priority, grade: story.fit.grade, tier: story.engagement.tier })}${low ? say('story.lowPriority') : ''}`;
}

function listMet(story: Story, say: SayMessage): string {
  const met = CRITERIA.filter((c) => story.bant[c].state === 'met').map((c) => say(`criterion.${c}`));
  return met.length ? say('story.met', { criteria: met.join(', ') }) : say('story.noneMet');
}

function figures(story: Story, say: SayMessage): string {
  return say('story.figures', { fitScore: story.fit.score, grade: story.fit.grade, engagementScore: story.engagement.score, tier: story.engagement.tier });
}

/** The line under the contact in every task body. */
export function summaryLine(story: Story, language: Language = DEFAULT_LANGUAGE): string {
  const say = MESSAGES.in(language);
  if (story.qualification === 'sql') return say('story.summarySql', { met: listMet(story, say), marketing: marketingPriority(story, say), figures: figures(story, say) });
  return say('story.summary', { priority: story.priority, figures: figures(story, say), qualification: say(`qualification.${story.qualification}`) });
}

/** The card's headline: one sentence on the outcome, consistent with the tasks. */
export function headline(story: Story, leadProcess: LeadProcess, language: Language = DEFAULT_LANGUAGE): string {
  const say = MESSAGES.in(language);
  if (!leadProcess.inLeadProcess) {
    const why = leadProcess.because === 'deal' ? say('headline.becauseDeal') : say('headline.becauseStage', { stage: leadProcess.stage ?? '' });
    return say('headline.notInLeadProcess', { why });
  }
  switch (story.qualification) {
    case 'disqualified':
      return say('headline.disqualified', { reason: disqualifyReasonText(story.disqualifyReason, say) });
    case 'sql':
      return say('headline.sql', { met: listMet(story, say), marketing: marketingPriority(story, say) });
    case 'mql': {
      const unknown = CRITERIA.filter((c) => story.bant[c].state === 'unknown').map((c) => say(`criterionInText.${c}`));
      if (unknown.length === 0) return say('headline.mql', { priority: story.priority, met: listMet(story, say) });
      return say('headline.mqlAsk', { priority: story.priority, met: listMet(story, say), criteria: unknown.join(', ') });
    }
    default:
      return say('headline.nurture', { priority: story.priority, met: listMet(story, say) });
  }
}

const DISQUALIFY_KEYS = new Map([
  ['competitor', 'disqualify.competitor'],
  ['student', 'disqualify.student'],
  ['applicant', 'disqualify.applicant'],
  ['no_need', 'disqualify.no_need'],
  ['no_fit', 'disqualify.no_fit'],
  ['other', 'disqualify.other'],
] as const);

function disqualifyReasonText(reason: string | null, say: SayMessage): string {
  const key = DISQUALIFY_KEYS.get((reason ?? 'other') as 'other');
  return key ? say(key) : (reason ?? '').replace('_', ' ');
}
