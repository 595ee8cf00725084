// Lead routing's guard: right before it assigns owners, the app reads `hubspot_owner_id` again, so a contact a rep
// took meanwhile keeps its owner. HubSpot's batch update has no condition ("only if still empty"), so a rep's
// assignment between this read and the app's write can still be overwritten; the window is one API round trip.
import type { PortalRequest } from './request.ts';
import { batchRead } from './read-contacts.ts';

/** Per contact, its current owner id or null; contacts HubSpot no longer has are absent. */
export async function readContactOwners(request: PortalRequest, contactIds: string[]): Promise<Map<string, string | null>> {
  const records = await batchRead(request, 'contacts', [...new Set(contactIds)], ['hubspot_owner_id']);
  return new Map([...records].map(([id, r]) => [id, r.properties.hubspot_owner_id || null]));
}
