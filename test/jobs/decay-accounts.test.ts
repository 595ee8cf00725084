// Decay places each contact in its account's stored context, as a webhook rescore does: a criterion a contact
// inherits from a colleague (the shipped model: budget and timeline are the company's) must survive the daily pass
// instead of being written back to the contact's own value.
import { describe, expect, it, vi } from 'vitest';
import { runDecay } from '../../src/jobs/decay.ts';
import { score } from '../../src/scoring/index.ts';
import { placeInAccount } from '../../src/scoring/place-in-account.ts';
import { qualifyAccount } from '../../src/scoring/qualify-account.ts';
import type { Activity, PropertyBag, ScoringResult } from '../../src/scoring/types.ts';
import type { ContactSnapshot } from '../../src/store/store.ts';
import { activity, ago, DAY, model, NOW, profile } from '../scoring/fixtures.ts';
import { createJobHarness, PORTAL, snapshotOf } from './job-fixtures.ts';

type Item = { contactId: string; result: ScoringResult };
const handed = vi.hoisted(() => [] as Item[]);
vi.mock('../../src/jobs/rescore-contacts.ts', () => ({
  rescoreContacts: vi.fn(async () => ({})),
  applyResults: vi.fn(async (_ctx: unknown, _portalId: number, items: Item[]) => {
    handed.push(...items);
    return {};
  }),
}));

const COMPANY: PropertyBag = { name: 'Muster Anlagenbau GmbH', numberofemployees: '12000', industry: 'MACHINERY', domain: 'muster.de' };
const COMPANY_ID = '9001';

function member(id: string, properties: PropertyBag, activities: Activity[], answeredAt: ContactSnapshot['answeredAt'] = {}) {
  const p = profile(properties, COMPANY, activities);
  const name = [properties.firstname, properties.lastname].filter(Boolean).join(' ');
  return { id, name, jobtitle: properties.jobtitle ?? '', buyingRoles: properties.hs_buying_role ?? null, result: score(p, model, NOW), answeredAt, profile: p, properties, activities };
}

describe('decay in the account context', () => {
  it('when a contact inherits budget from a colleague, then decay keeps it: unchanged contacts are not written, changed ones carry the inherited value', async () => {
    handed.length = 0;
    const eva = member(
      '102',
      { firstname: 'Eva', lastname: 'Schmidt', jobtitle: 'Leiterin Instandhaltung', bant_need_answer: 'acute', bant_budget_answer: 'approved', bant_timeline_answer: '3_6_months' },
      [],
      { need: ago(3), budget: ago(3), timeline: ago(3) },
    );
    // Karl has nothing that decays; Anna's recent visits lose weight over a week.
    const karl = member('101', { firstname: 'Karl', lastname: 'Brandt', jobtitle: 'Geschäftsführer', hs_buying_role: 'DECISION_MAKER' }, []);
    const anna = member('103', { firstname: 'Anna', lastname: 'Berg', jobtitle: 'Einkauf' }, [activity('demo_request', 1), activity('webinar_attendance', 1)]);
    const account = qualifyAccount({ properties: COMPANY, contacts: [karl, eva, anna] }, model, NOW);
    expect(account.bant.budget.state).toBe('met');

    const h = await createJobHarness({ model, now: NOW + 7 * DAY });
    const snapshots = [karl, eva, anna].map((m) => {
      const placed = placeInAccount(m.result, m.profile, m.id, account, model, NOW, m.answeredAt);
      return snapshotOf(m.id, {
        properties: m.properties,
        companyProperties: COMPANY,
        activities: m.activities,
        companyId: COMPANY_ID,
        answeredAt: m.answeredAt,
        written: { ...placed.properties },
        scoredAt: new Date(NOW).toISOString(),
        modelVersion: model.version,
      });
    });
    expect(snapshots[0]!.written.bant_budget).toBe('met');
    expect(snapshots[2]!.written.bant_budget).toBe('met');
    await h.store.putSnapshots(snapshots);
    await h.store.putAccountSnapshots([{ portalId: PORTAL, companyId: COMPANY_ID, contactIds: ['101', '102', '103'], result: account, written: {}, scoredAt: new Date(NOW).toISOString() }]);

    await runDecay(h.ctx, PORTAL);

    const ids = handed.map((i) => i.contactId);
    expect(ids).not.toContain('101');
    expect(ids).toContain('103');
    expect(handed.find((i) => i.contactId === '103')?.result.properties.bant_budget).toBe('met');
  });
});

describe('due follow-ups in the account context', () => {
  it('when a contact said "beyond 12 months" but its company buys within 6 (a newer colleague answer it inherits), then no follow-up is created; alone it gets one', async () => {
    const { ensureFollowUps } = await import('../../src/jobs/sla.ts');
    const { DEFAULT_SETTINGS } = await import('../../src/store/store.ts');
    const late = { firstname: 'Lena', lastname: 'Spät', jobtitle: 'Einkauf', bant_timeline_answer: 'gt_12_months' };
    const lena = member('201', late, [], { timeline: ago(20) });
    const colleague = member('202', { firstname: 'Eva', lastname: 'Schmidt', jobtitle: 'Leiterin Instandhaltung', bant_timeline_answer: '3_6_months', bant_budget_answer: 'approved' }, [], { timeline: ago(2), budget: ago(2) });
    expect(lena.result.qualification).toBe('nurture');
    expect(lena.result.tasks.map((t) => t.kind)).toContain('follow_up');
    const account = qualifyAccount({ properties: COMPANY, contacts: [lena, colleague] }, model, NOW);
    expect(account.bant.timeline.state).toBe('met');

    const snapshotFor = (m: ReturnType<typeof member>, companyId?: string) => {
      const placed = companyId ? placeInAccount(m.result, m.profile, m.id, account, model, NOW, m.answeredAt).properties : m.result.properties;
      return snapshotOf(m.id, {
        properties: m.properties,
        companyProperties: COMPANY,
        activities: m.activities,
        ...(companyId ? { companyId } : {}),
        answeredAt: m.answeredAt,
        written: { ...placed },
        scoredAt: new Date(NOW).toISOString(),
        modelVersion: model.version,
      });
    };
    const inAccount = await createJobHarness({ model, now: NOW + DAY });
    await inAccount.store.putSnapshots([snapshotFor(lena, COMPANY_ID)]);
    await inAccount.store.putAccountSnapshots([{ portalId: PORTAL, companyId: COMPANY_ID, contactIds: ['201', '202'], result: account, written: {}, scoredAt: new Date(NOW).toISOString() }]);
    // Still nurture in its account (so the follow-up pass looks at it), but its timeline is the company's.
    expect((await inAccount.store.getSnapshots(PORTAL, ['201'])).get('201')?.written).toMatchObject({ bant_qualification: 'nurture', bant_timeline: 'met' });
    expect(await ensureFollowUps(inAccount.ctx, PORTAL, inAccount.client, model, DEFAULT_SETTINGS)).toBe(0);

    const alone = await createJobHarness({ model, now: NOW + DAY });
    await alone.store.putSnapshots([snapshotFor(lena)]);
    expect(await ensureFollowUps(alone.ctx, PORTAL, alone.client, model, DEFAULT_SETTINGS)).toBe(1);
  });
});
