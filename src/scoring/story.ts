// One story per contact: the outcome, the priority, the card's headline and the task text never contradict each other.
// The outcome comes from the BANT answers (seed 000: reif when need and budget are there); the priority (grade × tier)
// is marketing's view of fit and engagement. When the answers make a contact sales-ready, every text says so first and
// shows the priority as what it is, instead of "SQL" next to an unexplained "D4".
import type { LeadProcess } from './lead-process.ts';
import { CRITERIA, type Criterion, type CriterionResult, type Grade, type Priority, type Qualification, type Tier } from './types.ts';

const NAMES: Record<Criterion, string> = { budget: 'Budget', authority: 'Authority', need: 'Need', timeline: 'Timeline' };

export interface Story {
  qualification: Qualification;
  disqualifyReason: string | null;
  priority: Priority;
  fit: { score: number; grade: Grade };
  engagement: { score: string; tier: Tier };
  bant: Record<Criterion, Pick<CriterionResult, 'state'>>;
}

/** "priority D4 (fit D, engagement tier 4)", with a word on what it means when it is low. */
function marketingPriority(story: Story): string {
  const low = story.fit.grade >= 'C' || story.engagement.tier >= 3;
  return `marketing priority ${story.priority} (fit ${story.fit.grade}, engagement tier ${story.engagement.tier})${low ? ', low: the answers outweigh it' : ''}`;
}

function listMet(story: Story): string {
  const met = CRITERIA.filter((c) => story.bant[c].state === 'met').map((c) => NAMES[c]);
  return met.length ? `${met.join(', ')} met` : 'no BANT criterion met yet';
}

/** The line under the contact in every task body. */
export function summaryLine(story: Story): string {
  const figures = `fit ${story.fit.score} (${story.fit.grade}) · engagement ${story.engagement.score} (tier ${story.engagement.tier})`;
  if (story.qualification === 'sql') return `Sales-ready by the BANT answers (${listMet(story)}) · ${marketingPriority(story)} · ${figures}`;
  return `Priority ${story.priority} · ${figures} · ${story.qualification}`;
}

/** The card's headline: one sentence on the outcome, consistent with the tasks. */
export function headline(story: Story, leadProcess: LeadProcess): string {
  if (!leadProcess.inLeadProcess) {
    const why = leadProcess.because === 'deal' ? 'it has an open or won deal' : `its lifecycle stage is ${leadProcess.stage}`;
    return `Not in the lead process: ${why}. Scores are kept up to date for reference; no lead tasks.`;
  }
  const unknown = CRITERIA.filter((c) => story.bant[c].state === 'unknown').map((c) => NAMES[c].toLowerCase());
  switch (story.qualification) {
    case 'disqualified':
      return `Disqualified as ${(story.disqualifyReason ?? 'other').replace('_', ' ')}; no sales follow-up.`;
    case 'sql':
      return `Sales-ready by the BANT answers (${listMet(story)}): call within the SLA. The ${marketingPriority(story)}.`;
    case 'mql':
      return `Priority ${story.priority} is in the MQL cells; ${listMet(story)}${unknown.length ? `; ask about ${unknown.join(', ')}` : ''}.`;
    default:
      return `Not ready yet (priority ${story.priority}): ${listMet(story)}; keep nurturing.`;
  }
}
