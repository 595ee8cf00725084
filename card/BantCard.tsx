// The rep's card on the contact record: grade, tier, priority, the outcome and why, the BANT checklist with evidence
// (the MEDDIC checklist, card/MeddicChecklist.tsx, when a MEDDIC model scored the contact),
// its account (card/AccountSection.tsx), the top reasons, the app's open tasks, and when and by which model the contact was scored.
import { useEffect, useState } from 'react';
import {
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
  Tag,
  Text,
} from '@hubspot/ui-extensions';
import { AccountSection } from './AccountSection.tsx';
import { CriteriaChecklist } from './CriteriaChecklist.tsx';
import { MeddicChecklist } from './MeddicChecklist.tsx';
import { type CardData, type CardCriterion, type LoadCard, loadCardData, type ScoredCard } from './card-data.ts';
import { type CardLanguage, type CardTextKey, cardLanguageOf, cardText, formatWhen } from './card-texts.ts';

// The viewing user's locale decides the card's language (context.user in the UI extensions SDK); the backend answers
// in it too, falling back to the installation's language when the card passes none.
hubspot.extend<'crm.record.tab'>(({ context }) => (
  <BantCard portalId={context.portal.id} contactId={String(context.crm.objectId)} locale={context.user.locale ?? context.user.language} load={loadCardData} />
));

const OUTCOME_VARIANT: Record<ScoredCard['qualification'], 'success' | 'info' | 'warning' | 'error'> = {
  sql: 'success',
  mql: 'info',
  nurture: 'warning',
  disqualified: 'error',
};

export { formatWhen };

export function BantChecklist({ criteria, language = 'en' }: { criteria: CardCriterion[]; language?: CardLanguage }) {
  return <CriteriaChecklist criteria={criteria} language={language} />;
}

export function BantCardView({ data }: { data: ScoredCard }) {
  const language: CardLanguage = data.language === 'de' ? 'de' : 'en';
  const t = (key: CardTextKey, params?: Record<string, string | number>) => cardText(language, key, params);
  const meddic = data.framework === 'meddic' ? data.meddic : undefined;
  return (
    <Flex direction="column" gap="sm">
      <Flex direction="row" gap="sm" align="center" wrap>
        {data.inLeadProcess === false ? <Tag variant="default">{t('notInLeadProcess')}</Tag> : null}
        <Tag variant={OUTCOME_VARIANT[data.qualification]}>{t(`outcome.${data.qualification}`)}</Tag>
        <Text inline>{data.why}</Text>
      </Flex>
      <Statistics>
        <StatisticsItem label={t('fitGrade')} number={data.fit.grade}>
          <Text variant="microcopy">{t('fitScore', { score: data.fit.score })}</Text>
        </StatisticsItem>
        <StatisticsItem label={t('engagementTier')} number={data.engagement.tier}>
          <Text variant="microcopy">{t('engagementPoints', { score: data.engagement.score })}</Text>
        </StatisticsItem>
        <StatisticsItem label={t('priority')} number={data.priority}>
          <Text variant="microcopy">{meddic ? t('meddicCriteriaMet', { met: meddic.criteriaMet }) : t('criteriaMet', { met: data.criteriaMet })}</Text>
        </StatisticsItem>
      </Statistics>
      <Divider />
      {meddic ? (
        <>
          <Heading>{t('meddicChecklist')}</Heading>
          <MeddicChecklist criteria={meddic.criteria} language={language} />
        </>
      ) : (
        <>
          <Heading>{t('checklist')}</Heading>
          <BantChecklist criteria={data.bant} language={language} />
        </>
      )}
      <Divider />
      {data.account ? (
        <>
          <AccountSection account={data.account} language={language}>
            <BantChecklist criteria={data.account.bant} language={language} />
          </AccountSection>
          <Divider />
        </>
      ) : null}
      <Heading>{t('topReasons')}</Heading>
      {data.reasons.length ? (
        <List variant="unordered-styled">
          {data.reasons.map((r) => (
            <Text key={r.text}>{r.text}</Text>
          ))}
        </List>
      ) : (
        <Text>{t('noReasons')}</Text>
      )}
      <Heading>{t('openTasks')}</Heading>
      {data.openTasks.length ? (
        <List variant="unordered-styled">
          {data.openTasks.map((task) => (
            <Text key={task.kind}>
              {t('taskDue', { task: task.label, when: formatWhen(task.dueAt, language) })}
              {task.overdue ? t('overdue') : ''}
            </Text>
          ))}
        </List>
      ) : (
        <Text>{t('noTasks')}</Text>
      )}
      {data.recentChanges?.length ? (
        <>
          <Heading>{t('recentChanges')}</Heading>
          <List variant="unordered-styled">
            {data.recentChanges.map((c) => (
              <Text key={`${c.at}-${c.text}`}>
                {formatWhen(c.at, language)}: {c.text}
              </Text>
            ))}
          </List>
        </>
      ) : null}
      <Divider />
      <Text variant="microcopy">
        {t('scoredBy', { when: formatWhen(data.scoredAt, language), version: data.modelVersion })}
        {data.modelCurrent ? '' : t('newerModel')}
      </Text>
    </Flex>
  );
}

type LoadState = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'loaded'; data: CardData };

export function BantCard({ portalId, contactId, locale, load }: { portalId: number; contactId: string; locale?: string; load: LoadCard }) {
  const language = cardLanguageOf(locale);
  const [state, setState] = useState<LoadState>({ status: 'loading' });
  useEffect(() => {
    let current = true;
    load(portalId, contactId, locale).then(
      (data) => current && setState({ status: 'loaded', data }),
      (error: unknown) => current && setState({ status: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
  }, [portalId, contactId, locale, load]);

  if (state.status === 'loading') return <LoadingSpinner label={cardText(language, 'loading')} />;
  if (state.status === 'failed') {
    return (
      <ErrorState title={cardText(language, 'failed')}>
        <Text>{state.message}</Text>
      </ErrorState>
    );
  }
  if (!state.data.scored) {
    return (
      <EmptyState title={cardText(state.data.language === 'de' ? 'de' : language, 'notScored')} layout="vertical">
        <Text>{state.data.message}</Text>
      </EmptyState>
    );
  }
  return <BantCardView data={state.data} />;
}
