// The MEDDIC checklist (issue 16 part 4): on a card of a contact scored by a MEDDIC model it takes the BANT
// checklist's place, with the same look: per criterion its state and the evidence the state rests on.
import { CriteriaChecklist } from './CriteriaChecklist.tsx';
import type { CardLanguage } from './card-texts.ts';
import type { CardMeddicCriterion } from './card-types.ts';

export function MeddicChecklist({ criteria, language = 'en' }: { criteria: CardMeddicCriterion[]; language?: CardLanguage }) {
  return <CriteriaChecklist criteria={criteria} language={language} />;
}
