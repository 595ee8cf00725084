// A counting fake of the CRM behind a PortalClient: contacts with profiles and current values, writes applied,
// batch sizes recorded. Built on the shared job fixture's fake client (tasks, statuses, call counts).
import type { ContactWrite } from '../../src/hubspot/portal-client.ts';
import type { Profile } from '../../src/scoring/types.ts';
import { createFakePortalClient, type FakePortalClient } from '../jobs/job-fixtures.ts';

export interface FakeContact {
  profile: Profile;
  current: Record<string, string | null>;
  ownerId: string | null;
}

export interface FakeCrm {
  client: FakePortalClient;
  contacts: Map<string, FakeContact>;
  writes: ContactWrite[];
  readBatches: number[];
  writeBatches: number[];
  /** Engagement id → associated contact ids. */
  engagements: Map<string, string[]>;
  /** Company id → the contacts it is the company of. */
  companies: Map<string, string[]>;
  /** The company ids of each companyContactIds call. */
  companyReads: string[][];
}

export function createFakeCrm(client: FakePortalClient = createFakePortalClient()): FakeCrm {
  const crm: FakeCrm = { client, contacts: new Map(), writes: [], readBatches: [], writeBatches: [], engagements: new Map(), companies: new Map(), companyReads: [] };
  const count = (name: string) => {
    client.calls[name] = (client.calls[name] ?? 0) + 1;
  };
  client.readContacts = async (ids) => {
    count('readContacts');
    if (ids.length > 100) throw new Error(`batch read of ${ids.length} contacts: HubSpot takes 100`);
    crm.readBatches.push(ids.length);
    const found = new Map();
    for (const id of ids) {
      const c = crm.contacts.get(id);
      if (c) found.set(id, { contactId: id, profile: structuredClone(c.profile), ownerId: c.ownerId, current: { ...c.current } });
    }
    return found;
  };
  client.writeContacts = async (writes) => {
    count('writeContacts');
    if (writes.length > 100) throw new Error(`batch write of ${writes.length} contacts: HubSpot takes 100`);
    crm.writeBatches.push(writes.length);
    for (const w of writes) {
      crm.writes.push(structuredClone(w));
      const c = crm.contacts.get(w.contactId);
      if (c) Object.assign(c.current, w.properties);
    }
    return { written: writes.map((w) => w.contactId), failed: [] };
  };
  client.associatedContactIds = async (_type, ids) => {
    count('associatedContactIds');
    return new Map(ids.map((id) => [id, crm.engagements.get(id) ?? []] as const));
  };
  client.companyContactIds = async (ids) => {
    count('companyContactIds');
    crm.companyReads.push([...ids]);
    return new Map(ids.map((id) => [id, crm.companies.get(id) ?? []] as const));
  };
  return crm;
}

const RECENT = '2026-03-01T09:00:00Z';

/** Scores sql with the default model at 2026-03-02 (a call_sql task). */
export function hotProfile(n = 1): Profile {
  return {
    properties: {
      email: `ceo${n}@muster.de`,
      jobtitle: 'CEO',
      hs_buying_role: 'DECISION_MAKER',
      numemployees: '1000-5000',
      industry: 'MACHINERY',
      bant_budget_answer: 'approved',
      bant_authority_answer: 'decision_maker',
      bant_need_answer: 'acute',
      bant_timeline_answer: 'lt_3_months',
    },
    company: { properties: { name: 'Muster', numberofemployees: '2000', industry: 'MACHINERY' } },
    activities: [
      { type: 'demo_request', at: RECENT },
      { type: 'webinar_attendance', at: '2026-02-25T09:00:00Z' },
      { type: 'page_view', at: RECENT, url: 'https://example.com/pricing' },
    ],
  };
}

/** Scores disqualified (no tasks). */
export function coldProfile(n = 1): Profile {
  return { properties: { email: `student${n}@gmail.com`, jobtitle: 'Student' }, activities: [] };
}

export function addContacts(crm: FakeCrm, ids: string[], profile: (n: number) => Profile = hotProfile, ownerId: string | null = '501'): void {
  ids.forEach((id, n) => {
    crm.contacts.set(id, { profile: profile(n), current: { lifecyclestage: 'lead' }, ownerId });
  });
}
