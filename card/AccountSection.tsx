// The card's account section (issue 16): the contact's company as the buyer, with its grade, BANT across the buying
// centre and who decides. Its texts are in ACCOUNT_TEXT; the BANT checklist is the card's own, passed in as children.
import type { ReactNode } from 'react';
import { Flex, Heading, List, Statistics, StatisticsItem, Tag, Text } from '@hubspot/ui-extensions';
import type { CardAccount, CardAccountMember } from './card-types.ts';

export const ACCOUNT_TEXT = {
  heading: 'Account: the company as the buyer',
  grade: 'Account grade',
  priority: 'Account priority',
  criteriaMet: (n: number) => `${n} of 4 BANT criteria met across the buying centre`,
  outcome: {
    sql: 'Account SQL',
    mql: 'Account MQL',
    nurture: 'Account nurture',
    disqualified: 'Account disqualified',
  } satisfies Record<CardAccount['qualification'], string>,
  bantHeading: 'BANT across the buying centre',
  inherited: (criteria: string[]) => `This contact's ${criteria.join(' and ')} come from the account (a colleague's answer).`,
  decidersHeading: 'Who decides',
  noDecider: 'Nobody in the buying centre is known to decide yet.',
  othersHeading: 'Others in the buying centre',
  member: (m: CardAccountMember) => `${m.name}${m.jobtitle ? `, ${m.jobtitle}` : ''}${m.roles.length ? ` (${m.roles.join(', ')})` : ''}`,
};

const GERMAN_CRITERIA: Record<string, string> = { budget: 'Budget', authority: 'Entscheidungsbefugnis', need: 'Bedarf', timeline: 'Zeitrahmen' };

/** The same texts in German (the card's language follows the viewer's locale, card/card-texts.ts). */
export const ACCOUNT_TEXT_DE: typeof ACCOUNT_TEXT = {
  heading: 'Account: das Unternehmen als Käufer',
  grade: 'Account-Note',
  priority: 'Account-Priorität',
  criteriaMet: (n: number) => `${n} von 4 BANT-Kriterien im Buying Center erfüllt`,
  outcome: {
    sql: 'Account SQL',
    mql: 'Account MQL',
    nurture: 'Account in Pflege',
    disqualified: 'Account disqualifiziert',
  },
  bantHeading: 'BANT über das Buying Center',
  inherited: (criteria: string[]) => `${criteria.map((c) => GERMAN_CRITERIA[c] ?? c).join(' und ')} dieses Kontakts stammen vom Account (Antwort eines Kollegen).`,
  decidersHeading: 'Wer entscheidet',
  noDecider: 'Im Buying Center ist noch niemand als Entscheider bekannt.',
  othersHeading: 'Weitere im Buying Center',
  member: ACCOUNT_TEXT.member,
};

const OUTCOME_VARIANT: Record<CardAccount['qualification'], 'success' | 'info' | 'warning' | 'error'> = {
  sql: 'success',
  mql: 'info',
  nurture: 'warning',
  disqualified: 'error',
};

/** Members shown per list; the rest are in the company's `bant_buying_center`. */
const MAX_MEMBERS = 10;

function MemberList({ members, text }: { members: CardAccountMember[]; text: typeof ACCOUNT_TEXT }) {
  return (
    <List variant="unordered-styled">
      {members.slice(0, MAX_MEMBERS).map((m) => (
        <Text key={text.member(m)}>{text.member(m)}</Text>
      ))}
    </List>
  );
}

export function AccountSection({ account, children, language = 'en' }: { account: CardAccount; children?: ReactNode; language?: 'en' | 'de' }) {
  const text = language === 'de' ? ACCOUNT_TEXT_DE : ACCOUNT_TEXT;
  return (
    <Flex direction="column" gap="sm">
      <Heading>{text.heading}</Heading>
      <Flex direction="row" gap="sm" align="center" wrap>
        <Tag variant={OUTCOME_VARIANT[account.qualification]}>{text.outcome[account.qualification]}</Tag>
        <Text inline>{text.criteriaMet(account.criteriaMet)}</Text>
      </Flex>
      <Statistics>
        <StatisticsItem label={text.grade} number={account.grade} />
        <StatisticsItem label={text.priority} number={account.priority} />
      </Statistics>
      <Heading>{text.bantHeading}</Heading>
      {children}
      {account.inherited.length ? <Text variant="microcopy">{text.inherited(account.inherited)}</Text> : null}
      <Heading>{text.decidersHeading}</Heading>
      {account.deciders.length ? <MemberList members={account.deciders} text={text} /> : <Text>{text.noDecider}</Text>}
      {account.others.length ? (
        <>
          <Heading>{text.othersHeading}</Heading>
          <MemberList members={account.others} text={text} />
        </>
      ) : null}
    </Flex>
  );
}
