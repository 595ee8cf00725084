// The rep's card on the contact record: grade, tier, priority, the outcome and why, the BANT checklist with evidence,
// its account (card/AccountSection.tsx), the top reasons, the app's open tasks, and when and by which model the contact was scored.
import { useEffect, useState } from 'react';
import {
  DescriptionList,
  DescriptionListItem,
  Divider,
  EmptyState,
  ErrorState,
  Flex,
  Heading,
  hubspot,
  List,
  LoadingSpinner,
  Statistics,
  StatisticsItem,
  StatusTag,
  Tag,
  Text,
} from '@hubspot/ui-extensions';
import { AccountSection } from './AccountSection.tsx';
import { type CardData, type CardCriterion, type LoadCard, loadCardData, type ScoredCard } from './card-data.ts';

hubspot.extend<'crm.record.tab'>(({ context }) => (
  <BantCard portalId={context.portal.id} contactId={String(context.crm.objectId)} load={loadCardData} />
));

type StatusVariant = 'danger' | 'warning' | 'info' | 'success' | 'default';

const STATE_VARIANT: Record<CardCriterion['state'], StatusVariant> = {
  met: 'success',
  partial: 'warning',
  not_met: 'danger',
  unknown: 'default',
};
const STATE_LABEL: Record<CardCriterion['state'], string> = {
  met: 'Met',
  partial: 'Partly met',
  not_met: 'Not met',
  unknown: 'Unknown',
};
const OUTCOME_LABEL: Record<ScoredCard['qualification'], string> = {
  sql: 'SQL: sales-ready',
  mql: 'MQL: marketing-qualified',
  nurture: 'Nurture: not ready yet',
  disqualified: 'Disqualified',
};
const OUTCOME_VARIANT: Record<ScoredCard['qualification'], 'success' | 'info' | 'warning' | 'error'> = {
  sql: 'success',
  mql: 'info',
  nurture: 'warning',
  disqualified: 'error',
};

export function formatWhen(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
}

export function BantChecklist({ criteria }: { criteria: CardCriterion[] }) {
  return (
    <DescriptionList direction="row">
      {criteria.map((c) => (
        <DescriptionListItem key={c.criterion} label={c.label}>
          <Flex direction="column" gap="flush">
            <StatusTag variant={STATE_VARIANT[c.state]}>{STATE_LABEL[c.state]}</StatusTag>
            <Text variant="microcopy">{c.evidence.length ? c.evidence.join('; ') : 'No evidence yet'}</Text>
          </Flex>
        </DescriptionListItem>
      ))}
    </DescriptionList>
  );
}

export function BantCardView({ data }: { data: ScoredCard }) {
  return (
    <Flex direction="column" gap="sm">
      <Flex direction="row" gap="sm" align="center" wrap>
        {data.inLeadProcess === false ? <Tag variant="default">Not in the lead process</Tag> : null}
        <Tag variant={OUTCOME_VARIANT[data.qualification]}>{OUTCOME_LABEL[data.qualification]}</Tag>
        <Text inline>{data.why}</Text>
      </Flex>
      <Statistics>
        <StatisticsItem label="Fit grade" number={data.fit.grade}>
          <Text variant="microcopy">score {data.fit.score} of 100</Text>
        </StatisticsItem>
        <StatisticsItem label="Engagement tier" number={data.engagement.tier}>
          <Text variant="microcopy">{data.engagement.score} points</Text>
        </StatisticsItem>
        <StatisticsItem label="Priority" number={data.priority}>
          <Text variant="microcopy">{data.criteriaMet} of 4 BANT criteria met</Text>
        </StatisticsItem>
      </Statistics>
      <Divider />
      <Heading>BANT checklist</Heading>
      <BantChecklist criteria={data.bant} />
      <Divider />
      {data.account ? (
        <>
          <AccountSection account={data.account}>
            <BantChecklist criteria={data.account.bant} />
          </AccountSection>
          <Divider />
        </>
      ) : null}
      <Heading>Top reasons</Heading>
      {data.reasons.length ? (
        <List variant="unordered-styled">
          {data.reasons.map((r) => (
            <Text key={r.text}>{r.text}</Text>
          ))}
        </List>
      ) : (
        <Text>No scoring contributions yet.</Text>
      )}
      <Heading>Open tasks from the app</Heading>
      {data.openTasks.length ? (
        <List variant="unordered-styled">
          {data.openTasks.map((t) => (
            <Text key={t.kind}>
              {t.label}: due {formatWhen(t.dueAt)}
              {t.overdue ? ' (overdue)' : ''}
            </Text>
          ))}
        </List>
      ) : (
        <Text>No open tasks.</Text>
      )}
      {data.recentChanges?.length ? (
        <>
          <Heading>Recent changes</Heading>
          <List variant="unordered-styled">
            {data.recentChanges.map((c) => (
              <Text key={`${c.at}-${c.text}`}>
                {formatWhen(c.at)}: {c.text}
              </Text>
            ))}
          </List>
        </>
      ) : null}
      <Divider />
      <Text variant="microcopy">
        Scored {formatWhen(data.scoredAt)} UTC by model {data.modelVersion}
        {data.modelCurrent ? '' : ' (a newer model is active; the contact is being rescored)'}
      </Text>
    </Flex>
  );
}

type LoadState = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'loaded'; data: CardData };

export function BantCard({ portalId, contactId, load }: { portalId: number; contactId: string; load: LoadCard }) {
  const [state, setState] = useState<LoadState>({ status: 'loading' });
  useEffect(() => {
    let current = true;
    load(portalId, contactId).then(
      (data) => current && setState({ status: 'loaded', data }),
      (error: unknown) => current && setState({ status: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
  }, [portalId, contactId, load]);

  if (state.status === 'loading') return <LoadingSpinner label="Loading the BANT score" />;
  if (state.status === 'failed') {
    return (
      <ErrorState title="The BANT score could not be loaded">
        <Text>{state.message}</Text>
      </ErrorState>
    );
  }
  if (!state.data.scored) {
    return (
      <EmptyState title="Not scored yet" layout="vertical">
        <Text>{state.data.message}</Text>
      </EmptyState>
    );
  }
  return <BantCardView data={state.data} />;
}
