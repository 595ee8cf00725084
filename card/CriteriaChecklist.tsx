// A qualification checklist on the card, shared by BANT and MEDDIC: per criterion its state and the evidence the state
// rests on.
import { DescriptionList, DescriptionListItem, Flex, StatusTag, Text } from '@hubspot/ui-extensions';
import { type CardLanguage, cardText } from './card-texts.ts';
import type { CriterionState } from './card-types.ts';

const STATE_VARIANT: Record<CriterionState, 'danger' | 'warning' | 'success' | 'default'> = {
  met: 'success',
  partial: 'warning',
  not_met: 'danger',
  unknown: 'default',
};

export interface ChecklistCriterion {
  criterion: string;
  label: string;
  state: CriterionState;
  evidence: string[];
}

export function CriteriaChecklist({ criteria, language = 'en' }: { criteria: readonly ChecklistCriterion[]; language?: CardLanguage }) {
  return (
    <DescriptionList direction="row">
      {criteria.map((c) => (
        <DescriptionListItem key={c.criterion} label={c.label}>
          <Flex direction="column" gap="flush">
            <StatusTag variant={STATE_VARIANT[c.state]}>{cardText(language, `state.${c.state}`)}</StatusTag>
            <Text variant="microcopy">{c.evidence.length ? c.evidence.join('; ') : cardText(language, 'noEvidence')}</Text>
          </Flex>
        </DescriptionListItem>
      ))}
    </DescriptionList>
  );
}
