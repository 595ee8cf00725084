// Whether a contact is still in the lead process (docs/contract.md section 4): contacts past the lead stages (lifecycle
// opportunity, customer, evangelist, other or a custom stage after them, or with an open or won deal) keep their
// computed values but get no lead task and no hs_lead_status change.

/** HubSpot's default lifecycle stage order, for callers that do not know the portal's own (portals customise it). */
export const DEFAULT_STAGE_ORDER = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other'] as const;

/** The first stages past the lead process; a custom stage the portal orders after any of them is past it too. */
export const PAST_LEAD_STAGES = ['opportunity', 'customer', 'evangelist', 'other'] as const;

/**
 * Signals besides the lifecycle stage that a contact is past the lead stages. The deals reader (another room) feeds
 * `openOrWonDeal` once it reads the contact's deals; absent means unknown, which leaves the lifecycle stage to decide.
 */
export interface PastLeadStageSignals {
  openOrWonDeal?: boolean;
}

export interface LeadProcessInput {
  /** The contact's current `lifecyclestage` in HubSpot. */
  lifecycleStage: string | null | undefined;
  /** The portal's stage values in its own order; default HubSpot's. */
  stageOrder?: readonly string[];
  signals?: PastLeadStageSignals;
}

export type LeadProcess = { inLeadProcess: true } | { inLeadProcess: false; because: 'lifecycle_stage' | 'deal'; stage?: string };

export const IN_LEAD_PROCESS: LeadProcess = Object.freeze({ inLeadProcess: true });

export function decideLeadProcess(input: LeadProcessInput): LeadProcess {
  const stage = input.lifecycleStage ?? '';
  if (stage !== '' && isPastLeadStage(stage, input.stageOrder?.length ? input.stageOrder : DEFAULT_STAGE_ORDER)) {
    return { inLeadProcess: false, because: 'lifecycle_stage', stage };
  }
  if (input.signals?.openOrWonDeal === true) return { inLeadProcess: false, because: 'deal' };
  return IN_LEAD_PROCESS;
}

function isPastLeadStage(stage: string, order: readonly string[]): boolean {
  if ((PAST_LEAD_STAGES as readonly string[]).includes(stage)) return true;
  const at = order.indexOf(stage);
  if (at < 0) return false;
  const firstPast = Math.min(...PAST_LEAD_STAGES.map((s) => order.indexOf(s)).filter((i) => i >= 0));
  return Number.isFinite(firstPast) && at >= firstPast;
}
