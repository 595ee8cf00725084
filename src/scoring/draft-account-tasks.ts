// The account's task (docs/contract.md section 4): `find_decision_maker` when the company is mql or sql as an account
// but nobody in its buying centre can decide. The company's owner gets it, associated with the company.
import { KNOWN_LABELS } from './option-labels.ts';
import { DEFAULT_LANGUAGE, type Language } from './catalogue.ts';
import { MESSAGES } from './messages.ts';
import { DAY_MS } from './time-units.ts';
import { createIsoFormatter } from './iso-time.ts';
import type { ScoringModel } from './model-schema.ts';
import type { AccountResult, BuyingCenterMember } from './qualify-account.ts';
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

/**
 * A buying-centre line in `language`: the account keeps its lines in English (`decision maker: Karl Brandt (CEO)`),
 * so other languages word the roles anew and keep who it is.
 */
function memberLine(member: BuyingCenterMember, language: Language): string {
  if (language === DEFAULT_LANGUAGE) return member.line;
  const say = MESSAGES.in(language);
  const at = member.line.indexOf(': ');
  const who = at >= 0 ? member.line.slice(at + 2) : member.line;
  const known = KNOWN_LABELS[language].get('hs_buying_role');
  const roles = member.roles.map((r) => known?.get(r) ?? r.toLowerCase().replaceAll('_', ' ')).join(', ');
  return `${roles}${member.fromTitle ? say('account.byTitle') : ''}: ${who}`;
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
  if (account.buyingCenter.length > 0) lines.push('', say('account.buyingCentre'), ...account.buyingCenter.slice(0, 10).map((m) => memberLine(m, language)));
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
