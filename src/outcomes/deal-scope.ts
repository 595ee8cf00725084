// `crm.objects.deals.read` is an optional scope (app.json): without it only the sales feedback and the lifecycle
// stage count as outcomes, and the console says so.
import type { Installation } from '../store/store.ts';

export const DEALS_SCOPE = 'crm.objects.deals.read';

/** OAuth installs know their granted scopes; a private app's token carries whatever the admin chose (a 403 then says no). */
export function hasDealAccess(installation: Pick<Installation, 'mode' | 'scopes'> | undefined): boolean {
  if (!installation) return false;
  return installation.mode === 'private_app' || installation.scopes.includes(DEALS_SCOPE);
}

export function outcomeSourcesOf(installation: Pick<Installation, 'mode' | 'scopes'> | undefined): { deals: boolean; sources: string[]; note?: string } {
  if (hasDealAccess(installation)) return { deals: true, sources: ['deal', 'feedback', 'lifecycle'] };
  return {
    deals: false,
    sources: ['feedback', 'lifecycle'],
    note: `Deals are not read: the optional scope ${DEALS_SCOPE} was not granted. Only the sales feedback properties and the lifecycle stage customer count as outcomes; reinstall the app granting it to learn from deals won and lost.`,
  };
}
