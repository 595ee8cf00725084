// Every English text MEDDIC scoring produces, in one place so a message catalogue can take them over.
import type { MeddicCriterion } from './meddic-schema.ts';
import type { CriterionState } from './types.ts';

export const MEDDIC_LABELS: Record<MeddicCriterion, string> = {
  metrics: 'Metrics',
  economic_buyer: 'Economic buyer',
  decision_criteria: 'Decision criteria',
  decision_process: 'Decision process',
  identify_pain: 'Identify pain',
  champion: 'Champion',
};

const STATE_WORDS: Record<CriterionState, string> = { met: 'met', partial: 'partly met', not_met: 'not met', unknown: 'unknown' };

export function describeAnswer(name: string, value: string): string {
  return `${name} = ${value}`;
}

export function describeOwnRole(roleLabel: string): string {
  return `buying role: ${roleLabel}`;
}

export function describeColleagueRole(criterion: MeddicCriterion, name: string, roleLabel: string): string {
  return `${MEDDIC_LABELS[criterion].toLowerCase()}: ${name} (${roleLabel}), via the buying centre`;
}

/** `MEDDIC 4 of 6 met. Open: Decision process (not met), Champion (unknown: ask "Who sells for us inside?")` */
export function describeMeddicSummary(met: number, total: number, open: ReadonlyArray<{ criterion: MeddicCriterion; state: CriterionState; question: string }>): string {
  const head = `MEDDIC ${met} of ${total} met.`;
  if (open.length === 0) return head;
  const items = open.map(({ criterion, state, question }) =>
    state === 'unknown' ? `${MEDDIC_LABELS[criterion]} (unknown: ask "${question}")` : `${MEDDIC_LABELS[criterion]} (${STATE_WORDS[state]})`,
  );
  return `${head} Open: ${items.join(', ')}`;
}
