// Outcomes a contact's own properties tell (issue #13 section 1): the rep's sales feedback (won, lost, rejected) and
// a lifecycle stage of `customer`. Deals are handled in deal-outcomes.ts.
import type { PropertyBag } from '../scoring/types.ts';
import { type OutcomeRecord, outcomeKey, type PortalId } from '../store/store.ts';

const FEEDBACK_OUTCOME: ReadonlyMap<string, 'won' | 'lost'> = new Map([
  ['won', 'won'],
  ['lost', 'lost'],
  // Not a real lead: for ranking, a negative like a loss.
  ['rejected', 'lost'],
]);

type Found = Omit<OutcomeRecord, 'recordedAt' | 'features' | 'featuresFrom'>;

/** The outcomes the properties show now; `at` is `now` unless HubSpot names the time. */
export function outcomesOfProperties(portalId: PortalId, contactId: string, properties: PropertyBag, now: string): Found[] {
  const found: Found[] = [];
  const feedback = (properties.bant_feedback ?? '').trim();
  const outcome = FEEDBACK_OUTCOME.get(feedback);
  if (outcome) {
    const criterion = (properties.bant_feedback_criterion ?? '').trim();
    const competitor = (properties.bant_feedback_competitor ?? '').trim().slice(0, 200);
    found.push({ portalId, contactId, outcome, at: now, source: 'feedback', feedback, ...(criterion ? { criterion } : {}), ...(competitor ? { competitor } : {}) });
  }
  if (properties.lifecyclestage === 'customer') {
    const since = Date.parse(properties.hs_lifecyclestage_customer_date ?? '');
    found.push({ portalId, contactId, outcome: 'won', at: Number.isFinite(since) ? new Date(since).toISOString() : now, source: 'lifecycle' });
  }
  return found;
}

/** True when `next` says something `stored` does not (a first outcome, or a different feedback, criterion or competitor). */
export function isNewOutcome(stored: OutcomeRecord | undefined, next: Found): boolean {
  if (!stored) return true;
  return stored.outcome !== next.outcome || stored.feedback !== next.feedback || stored.criterion !== next.criterion || stored.competitor !== next.competitor;
}

export function indexOutcomes(records: OutcomeRecord[]): Map<string, OutcomeRecord> {
  return new Map(records.map((r) => [outcomeKey(r), r]));
}
