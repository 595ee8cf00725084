// Seed 000's three outcomes (passt nicht / noch nicht reif / reif) plus mql from the priority matrix.
import type { CompiledModel } from './compile-model.ts';
import type { BantResult } from './assess-bant.ts';
import type { Disqualification } from './detect-disqualification.ts';
import { CRITERIA, type Grade, type Priority, type Qualification, type RecommendedStage } from './types.ts';

export function decideQualification(
  disqualification: Disqualification | null,
  bant: BantResult,
  priority: Priority,
  compiled: CompiledModel,
  /** With a MEDDIC model (framework "meddic"): its outcome rules' verdict (decideMeddic) replaces the BANT rules. */
  meddicVerdict?: 'sql' | 'nurture' | null,
): Qualification {
  if (disqualification) return 'disqualified';
  const { sqlRequires, notReadyWhen, sqlMinFitGrade } = compiled.model.qualification;
  if (meddicVerdict !== undefined) {
    if (meddicVerdict === 'sql' && reachesGrade(priority, sqlMinFitGrade)) return 'sql';
    if (meddicVerdict === 'nurture') return 'nurture';
    return compiled.mqlCells.has(priority) ? 'mql' : 'nurture';
  }
  if (CRITERIA.every((c) => sqlRequires[c].includes(bant[c].state)) && reachesGrade(priority, sqlMinFitGrade)) return 'sql';
  if (CRITERIA.some((c) => notReadyWhen[c].includes(bant[c].state))) return 'nurture';
  if (compiled.mqlCells.has(priority)) return 'mql';
  // Neither ready nor in an MQL cell: the lead stays with marketing to mature (seed 000: Lead Nurturing).
  return 'nurture';
}

/** Grades order A (best) … D as letters do; without a minimum every grade reaches it. */
function reachesGrade(priority: Priority, minimum: Grade | null | undefined): boolean {
  return !minimum || priority[0]! <= minimum;
}

/**
 * Disqualified contacts are recommended `subscriber`: seed 002 says Pseudo-Leads are no leads at all,
 * and since lifecyclestage only ever moves forward, this never demotes a contact that is further along.
 */
export function recommendStage(qualification: Qualification): RecommendedStage {
  switch (qualification) {
    case 'disqualified':
      return 'subscriber';
    case 'nurture':
      return 'lead';
    case 'mql':
      return 'marketingqualifiedlead';
    case 'sql':
      return 'salesqualifiedlead';
  }
}
