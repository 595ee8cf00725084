// How the console names a stored contact: name, e-mail, company, owner and the link to its HubSpot record.
import type { ContactSnapshot, PortalId } from '../../store/store.ts';

export interface ContactLabel {
  contactId: string;
  name: string;
  email: string | null;
  company: string | null;
  ownerId: string | null;
  hubspotUrl: string;
}

/** The contact record in HubSpot (object type 0-1 is contacts: https://developers.hubspot.com/docs/api/crm/understanding-the-crm). */
export function hubspotRecordUrl(appBaseUrl: string, portalId: PortalId, contactId: string): string {
  return `${appBaseUrl.replace(/\/$/, '')}/contacts/${portalId}/record/0-1/${encodeURIComponent(contactId)}`;
}

export function describeContact(snapshot: ContactSnapshot, appBaseUrl: string): ContactLabel {
  const p = snapshot.properties;
  const name = [p.firstname, p.lastname].filter((v) => typeof v === 'string' && v.trim() !== '').join(' ');
  return {
    contactId: snapshot.contactId,
    name: name || p.email || `Contact ${snapshot.contactId}`,
    email: p.email || null,
    company: snapshot.companyProperties?.name || null,
    ownerId: snapshot.ownerId ?? null,
    hubspotUrl: hubspotRecordUrl(appBaseUrl, snapshot.portalId, snapshot.contactId),
  };
}
