// The account's task (docs/contract.md section 4): `find_decision_maker` when the company is mql or sql as an account
// but nobody in its buying centre can decide. The company's owner gets it, associated with the company.
import { DEFAULT_LANGUAGE, type Language } from './catalogue.ts';
import { MESSAGES } from './messages.ts';
import { DAY_MS } from './time-units.ts';
import { createIsoFormatter } from './iso-time.ts';
import type { ScoringModel } from './model-schema.ts';
import type { AccountResult } from './qualify-account.ts';
import { toEpochMs } from './to-epoch-ms.ts';
import { CRITERIA } from './types.ts';

export const FIND_DECISION_MAKER = 'find_decision_maker';

export interface AccountTaskDraft {
  kind: typeof FIND_DECISION_MAKER;
  subject: string;
  /** Multi-line; the last line is `bant-task: find_decision_maker`. */
  body: string;
  priority: 'HIGH' | 'MEDIUM' | 'LOW';
  dueAt: string;
}

const dueIso = createIsoFormatter();

/** Whether the account asks for a decision maker: qualified (mql or sql) with nobody who can decide. */
export function needsDecisionMaker(account: AccountResult): boolean {
  return (account.qualification === 'mql' || account.qualification === 'sql') && account.deciders.length === 0;
}

export function draftAccountTasks(
  account: AccountResult,
  companyName: string,
  model: ScoringModel,
  now: Date | string | number,
  language: Language = DEFAULT_LANGUAGE,
): AccountTaskDraft[] {
  if (!needsDecisionMaker(account)) return [];
  const say = MESSAGES.in(language);
  const name = companyName.trim();
  const lines = [
    say('account.intro', { company: name === '' ? say('account.unnamed') : name, qualification: say(`qualification.${account.qualification}`), priority: account.priority }),
    say('account.howTo'),
    '',
    say('account.bant'),
    ...CRITERIA.map((c) => `${say(`criterion.${c}`)}: ${say(`state.${account.bant[c].state}`)}`),
  ];
  if (account.buyingCenter.length > 0) lines.push('', say('account.buyingCentre'), ...account.buyingCenter.slice(0, 10).map((m) => m.line));
  // The last line is the contract's marker and never changes with the language.
  lines.push('', `bant-task: ${FIND_DECISION_MAKER}`);
  return [
    {
      kind: FIND_DECISION_MAKER,
      subject: name === '' ? say('account.subjectUnnamed') : say('account.subject', { company: name }),
      body: lines.join('\n'),
      priority: account.qualification === 'sql' ? 'HIGH' : 'MEDIUM',
      dueAt: dueIso(toEpochMs(now) + model.tasks.qualifyDueDays * DAY_MS),
    },
  ];
}
