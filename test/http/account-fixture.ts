// A company of two contacts stored as the app's rescores leave it (contact snapshots with their company id, and the
// account snapshot): Karl Brandt decides and approved the budget; Eva Schmidt has the need and no budget answer.
import { profileOf } from '../../src/http/admin/read-snapshots.ts';
import { score } from '../../src/scoring/index.ts';
import type { ScoringModel } from '../../src/scoring/model-schema.ts';
import { type AccountResult, qualifyAccount } from '../../src/scoring/qualify-account.ts';
import type { ContactSnapshot, Store } from '../../src/store/store.ts';

export const ACCOUNT_COMPANY_ID = '7700';
export const KARL_ID = '9001';
export const EVA_ID = '9002';

export async function seedAccount(store: Store, portalId: number, model: ScoringModel, nowMs: number): Promise<{ account: AccountResult; karl: ContactSnapshot; eva: ContactSnapshot }> {
  const at = (hoursAgo: number) => new Date(nowMs - hoursAgo * 3_600_000).toISOString();
  const company = { name: 'Muster Anlagenbau GmbH', numberofemployees: '1200', industry: 'MACHINERY' };
  const snapshotOf = (contactId: string, properties: Record<string, string>, answeredAt: ContactSnapshot['answeredAt']): ContactSnapshot => {
    const result = score({ properties, company: { properties: company }, activities: [] }, model, nowMs);
    return {
      portalId,
      contactId,
      properties,
      companyProperties: company,
      activities: [],
      ownerId: '100',
      written: { ...result.properties },
      scoredAt: result.scoredAt,
      modelVersion: result.modelVersion,
      answeredAt,
      companyId: ACCOUNT_COMPANY_ID,
    };
  };
  const karl = snapshotOf(
    KARL_ID,
    { firstname: 'Karl', lastname: 'Brandt', jobtitle: 'Geschäftsführer', hs_buying_role: 'DECISION_MAKER', bant_budget_answer: 'approved', bant_timeline_answer: 'lt_3_months' },
    { budget: at(2), timeline: at(2) },
  );
  const eva = snapshotOf(EVA_ID, { firstname: 'Eva', lastname: 'Schmidt', jobtitle: 'Einkäuferin', bant_need_answer: 'acute' }, { need: at(1) });
  const account = qualifyAccount(
    {
      properties: company,
      contacts: [karl, eva].map((s) => ({
        id: s.contactId,
        name: `${s.properties.firstname} ${s.properties.lastname}`,
        jobtitle: s.properties.jobtitle ?? '',
        buyingRoles: s.properties.hs_buying_role ?? null,
        result: score(profileOf(s), model, nowMs),
        ...(s.answeredAt ? { answeredAt: s.answeredAt } : {}),
      })),
    },
    model,
    nowMs,
  );
  await store.putSnapshots([karl, eva]);
  await store.putAccountSnapshots([{ portalId, companyId: ACCOUNT_COMPANY_ID, contactIds: [KARL_ID, EVA_ID], result: account, written: {}, scoredAt: account.scoredAt }]);
  return { account, karl, eva };
}
