// Which values to send to HubSpot for one contact (pure). docs/contract.md section 3: a value is written only when it
// changes; `lifecyclestage` moves only forward in the portal's own option order and never away from opportunity,
// customer, evangelist, other or a custom stage after them; `hs_lead_status` becomes UNQUALIFIED for disqualified
// contacts; both switchable per installation.
import type { ScoreProperties } from '../scoring/types.ts';
import type { InstallationSettings } from '../store/store.ts';

/** Stages the app never moves a contact away from (docs/contract.md section 3). */
export const PROTECTED_STAGES = ['opportunity', 'customer', 'evangelist', 'other'] as const;

const NUMERIC = new Set(['bant_fit_score', 'bant_engagement_score', 'bant_criteria_met', 'meddic_criteria_met']);

export interface PlanContactWriteInput {
  result: ScoreProperties;
  /** HubSpot's current values (null or absent = empty). */
  current: Record<string, string | null | undefined>;
  /** The portal's `lifecyclestage` option values in its order (PortalClient.lifecycleStageOrder). */
  stageOrder: string[];
  settings: Pick<InstallationSettings, 'syncLifecycleStage' | 'syncLeadStatus'>;
  /** The portal's `hs_lead_status` option values, when known: UNQUALIFIED is written only if the portal has it. */
  leadStatusOptions?: string[];
}

export function planContactWrite(input: PlanContactWriteInput): Record<string, string> {
  const { result, current } = input;
  const changes: Record<string, string> = {};
  for (const [name, value] of Object.entries(result) as Array<[string, string]>) {
    if (name === 'bant_scored_at') continue;
    if (!sameValue(name, value, current[name])) changes[name] = value;
  }
  // A rescore that changes nothing writes nothing: the timestamp alone is not worth a call and a webhook echo.
  if (Object.keys(changes).length) changes.bant_scored_at = result.bant_scored_at;

  if (input.settings.syncLifecycleStage) {
    const stage = nextLifecycleStage(current.lifecyclestage ?? null, result.bant_lifecycle_stage, input.stageOrder);
    if (stage !== undefined) changes.lifecyclestage = stage;
  }
  if (
    input.settings.syncLeadStatus &&
    result.bant_qualification === 'disqualified' &&
    current.hs_lead_status !== 'UNQUALIFIED' &&
    (input.leadStatusOptions === undefined || input.leadStatusOptions.includes('UNQUALIFIED'))
  ) {
    changes.hs_lead_status = 'UNQUALIFIED';
  }
  return changes;
}

/** The stage to write, or undefined to leave `lifecyclestage` alone. */
export function nextLifecycleStage(current: string | null, recommended: string, stageOrder: string[]): string | undefined {
  const target = stageOrder.indexOf(recommended);
  if (target < 0) return undefined;
  if (current === null || current === '') return recommended;
  if ((PROTECTED_STAGES as readonly string[]).includes(current)) return undefined;
  const from = stageOrder.indexOf(current);
  // A stage the portal no longer lists: we cannot tell forward from backward, so leave it.
  if (from < 0) return undefined;
  const protectedIndexes = PROTECTED_STAGES.map((s) => stageOrder.indexOf(s)).filter((i) => i >= 0);
  if (protectedIndexes.length && from >= Math.min(...protectedIndexes)) return undefined;
  return target > from ? recommended : undefined;
}

function sameValue(name: string, wanted: string, actual: string | null | undefined): boolean {
  const have = actual ?? '';
  if (wanted === have) return true;
  if (NUMERIC.has(name) && wanted !== '' && have !== '') return Number(wanted) === Number(have);
  return false;
}
