// A company → the contacts it is the scoring company of, with associations v4 batch reads only (docs/hubspot-platform.md §4.3):
// companies → contacts (1,000 companies a call, §3.5; paged per company), then contacts → companies for the links not
// labelled primary, so the choice is readContacts' own (primary company, else the only one).
import { readAssociations } from './associations.ts';
import { scoringCompanyOf } from './read-contacts.ts';
import type { PortalRequest } from './request.ts';

/**
 * Company → contact where the company is the contact's primary: HubSpot's reverse of contact → company type 1 (§4.3 lists
 * only 1). Links without it are checked from the contact's side, so a missing label costs a read, never a contact.
 */
export const PRIMARY_COMPANY_TO_CONTACT = 2;
/** Association pages read per company: at 500 a page (the v4 default, §3.5), up to 50,000 contacts. */
export const MAX_CONTACT_PAGES = 100;

export async function readCompanyContacts(
  request: PortalRequest,
  companyIds: string[],
  onTruncated?: (companyIds: string[]) => void,
): Promise<Map<string, string[]>> {
  const links = await readAssociations(request, 'companies', 'contacts', companyIds, { maxPages: MAX_CONTACT_PAGES, ...(onTruncated ? { onTruncated } : {}) });
  const out = new Map<string, string[]>();
  /** Contact → the companies asked about that it is linked to without the primary label. */
  const unlabelled = new Map<string, string[]>();
  for (const [companyId, contacts] of links) {
    const mine: string[] = [];
    out.set(companyId, mine);
    for (const contact of contacts) {
      if (contact.typeIds.includes(PRIMARY_COMPANY_TO_CONTACT)) mine.push(contact.id);
      else unlabelled.set(contact.id, [...(unlabelled.get(contact.id) ?? []), companyId]);
    }
  }
  if (unlabelled.size === 0) return out;
  const companiesOf = await readAssociations(request, 'contacts', 'companies', [...unlabelled.keys()]);
  for (const [contactId, candidates] of unlabelled) {
    const scoringCompany = scoringCompanyOf(companiesOf.get(contactId) ?? [])?.id;
    if (scoringCompany !== undefined && candidates.includes(scoringCompany)) out.get(scoringCompany)?.push(contactId);
  }
  return out;
}
