// What the store knows of contacts' call_sql tasks, for one call per account at a time (src/scoring/account-calls.ts).
import type { AppContext } from '../app-context.ts';
import type { CallCandidate } from '../scoring/account-calls.ts';
import type { PortalId } from '../store/store.ts';

/** Per contact: its call_sql task is open (or deferred by the daily budget), closed for the current cause, or none. */
export async function readCallStates(ctx: AppContext, portalId: PortalId, contactIds: readonly string[]): Promise<Map<string, CallCandidate['call']>> {
  const states = new Map<string, CallCandidate['call']>();
  if (contactIds.length === 0) return states;
  for (const record of await ctx.store.getTaskRecords(portalId, [...new Set(contactIds)])) {
    if (record.kind !== 'call_sql') continue;
    if (record.status === 'open' || record.status === 'deferred') states.set(record.contactId, 'open');
    // A call a rep closed counts as made until its cause ends; one the app closed (the contact left sql) does not.
    else if (record.closedBy !== 'app' && !record.causeEnded && states.get(record.contactId) !== 'open') states.set(record.contactId, 'closed');
  }
  return states;
}
