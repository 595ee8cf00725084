// The MEDDIC checklist (issue 16 part 4): on a card of a contact scored by a MEDDIC model it takes the BANT
// checklist's place, with the same look: per criterion its state and the evidence the state rests on.
import { DescriptionList, DescriptionListItem, Flex, StatusTag, Text } from '@hubspot/ui-extensions';
import { type CardLanguage, cardText } from './card-texts.ts';
import type { CardMeddicCriterion, CriterionState } from './card-types.ts';

const STATE_VARIANT: Record<CriterionState, 'danger' | 'warning' | 'success' | 'default'> = {
  met: 'success',
  partial: 'warning',
  not_met: 'danger',
  unknown: 'default',
};

export function MeddicChecklist({ criteria, language = 'en' }: { criteria: CardMeddicCriterion[]; language?: CardLanguage }) {
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
