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

const OUTCOME_VARIANT: Record<CardAccount['qualification'], 'success' | 'info' | 'warning' | 'error'> = {
  sql: 'success',
  mql: 'info',
  nurture: 'warning',
  disqualified: 'error',
};

/** Members shown per list; the rest are in the company's `bant_buying_center`. */
const MAX_MEMBERS = 10;

function MemberList({ members }: { members: CardAccountMember[] }) {
  return (
    <List variant="unordered-styled">
      {members.slice(0, MAX_MEMBERS).map((m) => (
        <Text key={ACCOUNT_TEXT.member(m)}>{ACCOUNT_TEXT.member(m)}</Text>
      ))}
    </List>
  );
}

export function AccountSection({ account, children }: { account: CardAccount; children?: ReactNode }) {
  return (
    <Flex direction="column" gap="sm">
      <Heading>{ACCOUNT_TEXT.heading}</Heading>
      <Flex direction="row" gap="sm" align="center" wrap>
        <Tag variant={OUTCOME_VARIANT[account.qualification]}>{ACCOUNT_TEXT.outcome[account.qualification]}</Tag>
        <Text inline>{ACCOUNT_TEXT.criteriaMet(account.criteriaMet)}</Text>
      </Flex>
      <Statistics>
        <StatisticsItem label={ACCOUNT_TEXT.grade} number={account.grade} />
        <StatisticsItem label={ACCOUNT_TEXT.priority} number={account.priority} />
      </Statistics>
      <Heading>{ACCOUNT_TEXT.bantHeading}</Heading>
      {children}
      {account.inherited.length ? <Text variant="microcopy">{ACCOUNT_TEXT.inherited(account.inherited)}</Text> : null}
      <Heading>{ACCOUNT_TEXT.decidersHeading}</Heading>
      {account.deciders.length ? <MemberList members={account.deciders} /> : <Text>{ACCOUNT_TEXT.noDecider}</Text>}
      {account.others.length ? (
        <>
          <Heading>{ACCOUNT_TEXT.othersHeading}</Heading>
          <MemberList members={account.others} />
        </>
      ) : null}
    </Flex>
  );
}
