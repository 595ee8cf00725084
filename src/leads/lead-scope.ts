// The Leads object needs the optional scopes crm.objects.leads.read and .write (app.json). HubSpot grants an optional
// scope only where the account has the feature (Sales Hub Professional or Enterprise), so the scopes granted at install
// tell whether the portal has Leads (docs/hubspot-platform.md §4.9).
import type { Installation } from '../store/store.ts';

export const LEADS_READ_SCOPE = 'crm.objects.leads.read';
export const LEADS_WRITE_SCOPE = 'crm.objects.leads.write';

/** OAuth installs know their granted scopes; a private app's token may hold them (a 403 then says the portal has no Leads). */
export function hasLeadAccess(installation: Pick<Installation, 'mode' | 'scopes'> | undefined): boolean {
  if (!installation) return false;
  return installation.mode === 'private_app' || (installation.scopes.includes(LEADS_READ_SCOPE) && installation.scopes.includes(LEADS_WRITE_SCOPE));
}

/** What the console shows: whether Leads can be used, whether the admin enabled it, and why not when not. */
export function leadsStatusOf(installation: Pick<Installation, 'mode' | 'scopes' | 'settings'> | undefined): { available: boolean; enabled: boolean; note?: string } {
  const available = hasLeadAccess(installation);
  const enabled = available && installation?.settings.leadsEnabled === true;
  if (!available) {
    return {
      available,
      enabled,
      note: `Leads are not used: the optional scopes ${LEADS_READ_SCOPE} and ${LEADS_WRITE_SCOPE} were not granted (the portal has no Leads, which needs Sales Hub Professional or Enterprise, or the admin did not grant them). After an upgrade, reinstall the app to grant them.`,
    };
  }
  if (installation?.mode === 'private_app') {
    return { available, enabled, note: "A private app's token does not say whether the portal has Leads: if it has none, HubSpot refuses the first lead call and the app leaves leads alone." };
  }
  return { available, enabled };
}
