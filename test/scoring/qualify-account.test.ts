// Account qualification (issue 16): the company as the buyer, rolled up from its contacts' results.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { draftAccountTasks } from '../../src/scoring/draft-account-tasks.ts';
import { score } from '../../src/scoring/index.ts';
import { placeInAccount } from '../../src/scoring/place-in-account.ts';
import { type AccountContact, qualifyAccount } from '../../src/scoring/qualify-account.ts';
import type { Profile, PropertyBag, ScoringResult } from '../../src/scoring/types.ts';
import { activity, ago, model, NOW, profile } from './fixtures.ts';

const COMPANY: PropertyBag = { name: 'Muster Anlagenbau GmbH', numberofemployees: '12000', industry: 'MACHINERY', domain: 'muster.de' };

function member(id: string, properties: PropertyBag, activities = [] as Profile['activities'], answeredAt: AccountContact['answeredAt'] = {}): AccountContact & { profile: Profile; result: ScoringResult } {
  const p = profile(properties, COMPANY, activities);
  const name = [properties.firstname, properties.lastname].filter(Boolean).join(' ');
  return { id, name, jobtitle: properties.jobtitle ?? '', buyingRoles: properties.hs_buying_role ?? null, result: score(p, model, NOW), answeredAt, profile: p };
}

const karl = () => member('101', { firstname: 'Karl', lastname: 'Brandt', jobtitle: 'Geschäftsführer', hs_buying_role: 'DECISION_MAKER' });
const eva = () =>
  member(
    '102',
    { firstname: 'Eva', lastname: 'Schmidt', jobtitle: 'Leiterin Instandhaltung', bant_need_answer: 'acute', bant_budget_answer: 'approved', bant_timeline_answer: '3_6_months' },
    [activity('demo_request', 2), activity('webinar_attendance', 5)],
    { need: ago(3), budget: ago(3), timeline: ago(3) },
  );

describe('qualifyAccount', () => {
  it('when the decision maker and the need answer sit in two different contacts, then the account is sql with both', () => {
    const k = karl();
    const e = eva();
    expect(k.result.qualification).not.toBe('sql');
    const account = qualifyAccount({ properties: COMPANY, contacts: [k, e] }, model, NOW);
    expect(account.bant.authority.state).toBe('met');
    expect(account.bant.need.state).toBe('met');
    expect(account.qualification).toBe('sql');
    expect(account.deciders).toEqual(['101']);
    expect(account.properties.bant_buying_center.split('\n')[0]).toBe('decision maker: Karl Brandt (Geschäftsführer)');
    expect(account.sources.need).toEqual({ contactId: '102', label: 'Eva Schmidt, Leiterin Instandhaltung', answer: 'acute', at: ago(3) });
    expect(account.properties.bant_account_qualification).toBe('sql');
    // The account ranks as its most likely buyer does.
    expect(account.properties.bant_account_lead_score).toBe(String(Math.round(Math.max(k.result.leadScore, e.result.leadScore))));
  });

  it('when two contacts answered need differently, then the newest answer wins and the conflict is named', () => {
    const older = member('1', { firstname: 'Alt', lastname: 'A', bant_need_answer: 'latent' }, [], { need: ago(20) });
    const newer = member('2', { firstname: 'Neu', lastname: 'N', bant_need_answer: 'acute' }, [], { need: ago(1) });
    for (const contacts of [[older, newer], [newer, older]]) {
      const account = qualifyAccount({ properties: COMPANY, contacts }, model, NOW);
      expect(account.bant.need.state).toBe('met');
      expect(account.reasons.map((r) => r.text)).toContain('conflict on need: acute (Neu N) vs latent (Alt A); the newest answer counts');
    }
  });

  it('when one contact is very busy, then its share is capped and the account is not hot on it alone', () => {
    const busy = member('1', { firstname: 'Viel', lastname: 'Klick' }, Array.from({ length: 40 }, (_, i) => activity(i % 2 ? 'demo_request' : 'meeting_held', i % 5)));
    expect(busy.result.engagement.score).toBeGreaterThan(model.engagement.tiers['1']);
    const account = qualifyAccount({ properties: COMPANY, contacts: [busy] }, model, NOW);
    expect(account.engagement.score).toBe(model.engagement.tiers['1']);
    expect(account.engagement.tier).toBeGreaterThan(1);
  });

  it('when a contact is a pseudo-lead (student), then it is not part of the buying centre', () => {
    const student = member('9', { firstname: 'S', lastname: 'T', jobtitle: 'Werkstudent', hs_buying_role: 'DECISION_MAKER' }, [activity('demo_request', 1)]);
    expect(student.result.disqualifyReason).toBe('student');
    const account = qualifyAccount({ properties: COMPANY, contacts: [student] }, model, NOW);
    expect(account.deciders).toEqual([]);
    expect(account.engagement.score).toBe(0);
  });

  it('when roles come from hs_buying_role and titles, then bant_buying_center names them, deciders first', () => {
    const champion = member('3', { firstname: 'Cora', lastname: 'Champ', jobtitle: 'Ingenieurin', hs_buying_role: 'CHAMPION;END_USER' });
    const boss = member('4', { firstname: 'Bodo', lastname: 'Boss', jobtitle: 'Geschäftsführer' });
    const account = qualifyAccount({ properties: COMPANY, contacts: [champion, boss, karl()] }, model, NOW);
    expect(account.properties.bant_buying_center).toBe(
      ['decision maker: Karl Brandt (Geschäftsführer)', 'champion, end user: Cora Champ (Ingenieurin)', 'decision maker (by title): Bodo Boss (Geschäftsführer)'].join('\n'),
    );
    expect(account.deciders).toEqual(['101']);
  });

  it('when contacts carry a lead score, then the account has the best of them', () => {
    const a = { ...karl(), result: { ...karl().result, leadScore: 40 } };
    const b = { ...eva(), result: { ...eva().result, leadScore: 72.4 } };
    expect(qualifyAccount({ properties: COMPANY, contacts: [a, b] }, model, NOW).properties.bant_account_lead_score).toBe('72');
  });

  it('when the company is too small, then the account is disqualified as no_fit', () => {
    const account = qualifyAccount({ properties: { ...COMPANY, numberofemployees: '3' }, contacts: [eva()] }, model, NOW);
    expect(account.qualification).toBe('disqualified');
    expect(account.disqualifyReason).toBe('no_fit');
  });
});

describe('placeInAccount', () => {
  // The shipped model lets the company decide budget and timeline.
  const inheriting = model;

  it('when the shipped model is used, then budget and timeline are inherited; with inherit [] nothing is', () => {
    expect(model.accounts?.inherit).toEqual(['budget', 'timeline']);
    const none: typeof model = { ...model, accounts: { inherit: [] } };
    const k = karl();
    const e = eva();
    const account = qualifyAccount({ properties: COMPANY, contacts: [k, e] }, none, NOW);
    const placed = placeInAccount(k.result, k.profile, k.id, account, none, NOW);
    expect(placed.account.inherited).toEqual([]);
    expect(placed.bant).toEqual(k.result.bant);
  });

  it('when a colleague approved the budget, then the contact inherits it naming the colleague, and need stays personal', () => {
    const k = karl();
    const e = eva();
    const account = qualifyAccount({ properties: COMPANY, contacts: [k, e] }, inheriting, NOW);
    const placed = placeInAccount(k.result, k.profile, k.id, account, inheriting, NOW);
    expect(placed.bant.budget.state).toBe('met');
    expect(placed.bant.budget.evidence[0]!.text).toBe('budget approved, via Eva Schmidt, Leiterin Instandhaltung');
    expect(placed.bant.timeline.state).toBe('met');
    expect(placed.bant.need).toEqual(k.result.bant.need);
    expect(placed.properties.bant_budget).toBe('met');
    expect(placed.account.inherited).toEqual(['budget', 'timeline']);
    expect(placed.account.deciders).toEqual(['decision maker: Karl Brandt (Geschäftsführer)']);
    const own = placeInAccount(e.result, e.profile, e.id, account, inheriting, NOW);
    expect(own.account.inherited).toEqual([]);
    expect(own.bant).toEqual(e.result.bant);
  });

  it('when the contact has its own budget answer, then it keeps it unless the colleague’s answer is known to be newer', () => {
    const e = eva();
    const own = member('103', { firstname: 'Otto', lastname: 'Eigen', bant_budget_answer: 'planned' });
    const account = qualifyAccount({ properties: COMPANY, contacts: [e, own] }, inheriting, NOW);
    expect(account.sources.budget?.contactId).toBe('102');
    expect(placeInAccount(own.result, own.profile, own.id, account, inheriting, NOW).bant.budget.state).toBe('partial');
    expect(placeInAccount(own.result, own.profile, own.id, account, inheriting, NOW, { budget: ago(1) }).bant.budget.state).toBe('partial');
    const older = placeInAccount(own.result, own.profile, own.id, account, inheriting, NOW, { budget: ago(10) });
    expect(older.bant.budget.state).toBe('met');
    expect(older.bant.budget.evidence[0]!.text).toBe('budget approved, via Eva Schmidt, Leiterin Instandhaltung');
  });

  it('when the model inherits need too, then the contact takes the colleague’s need and can become sql', () => {
    const k = karl();
    const e = eva();
    const mm: typeof model = { ...model, accounts: { inherit: ['budget', 'timeline', 'need'] } };
    const account = qualifyAccount({ properties: COMPANY, contacts: [k, e] }, mm, NOW);
    const placed = placeInAccount(score(k.profile, mm, NOW), k.profile, k.id, account, mm, NOW);
    expect(placed.bant.need.evidence[0]!.text).toBe('need acute, via Eva Schmidt, Leiterin Instandhaltung');
    expect(placed.qualification).toBe('sql');
    expect(placed.properties.bant_qualification).toBe('sql');
    expect(placed.tasks.map((t) => t.kind)).toEqual(['call_sql']);
  });
});

describe('draftAccountTasks', () => {
  it('when the account is sql but nobody can decide, then one find_decision_maker task is drafted; with a decider none', () => {
    const e = eva();
    const account = qualifyAccount({ properties: COMPANY, contacts: [e] }, model, NOW);
    expect(account.qualification).toBe('sql');
    const tasks = draftAccountTasks(account, 'Muster Anlagenbau GmbH', model, NOW);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.body.split('\n').at(-1)).toBe('bant-task: find_decision_maker');
    expect(draftAccountTasks(qualifyAccount({ properties: COMPANY, contacts: [e, karl()] }, model, NOW), 'x', model, NOW)).toEqual([]);
  });
});

const contactArb = fc
  .record({
    id: fc.integer({ min: 1, max: 10_000 }).map(String),
    jobtitle: fc.constantFrom('', 'Geschäftsführer', 'Head of IT', 'Einkäufer', 'Werkstudent'),
    hs_buying_role: fc.constantFrom(undefined, 'DECISION_MAKER', 'CHAMPION', 'BUDGET_HOLDER;INFLUENCER', 'BLOCKER'),
    bant_budget_answer: fc.constantFrom(undefined, 'approved', 'planned', 'none'),
    bant_need_answer: fc.constantFrom(undefined, 'acute', 'latent', 'none'),
    bant_authority_answer: fc.constantFrom(undefined, 'decision_maker', 'influencer', 'none'),
    answeredDaysAgo: fc.constantFrom(undefined, 1, 5, 30),
    activities: fc.array(
      fc.record({ type: fc.constantFrom('demo_request', 'page_view', 'meeting_held', 'email_open', 'webinar_attendance' as const), days: fc.integer({ min: 0, max: 200 }) }),
      { maxLength: 25 },
    ),
  })
  .map(({ id, answeredDaysAgo, activities, ...props }) => {
    const at = answeredDaysAgo === undefined ? undefined : ago(answeredDaysAgo);
    return member(id, { firstname: `F${id}`, lastname: 'L', ...props }, activities.map((a) => activity(a.type, a.days)), { budget: at, need: at, authority: at });
  });
const contactsArb = fc.uniqueArray(contactArb, { selector: (c) => c.id, maxLength: 8 });

describe('account invariants', () => {
  it('when the contacts come in any order, then the account result is the same', () => {
    fc.assert(
      fc.property(contactsArb, fc.integer(), (contacts, seed) => {
        const shuffled = [...contacts].sort((a, b) => ((Number(a.id) * 7919 + seed) % 101) - ((Number(b.id) * 7919 + seed) % 101));
        expect(qualifyAccount({ properties: COMPANY, contacts: shuffled }, model, NOW)).toEqual(qualifyAccount({ properties: COMPANY, contacts }, model, NOW));
      }),
      { numRuns: 150 },
    );
  });

  it('when a contact is added, then account engagement never goes down', () => {
    fc.assert(
      fc.property(contactsArb, contactArb, (contacts, extra) => {
        fc.pre(!contacts.some((c) => c.id === extra.id));
        const before = qualifyAccount({ properties: COMPANY, contacts }, model, NOW).engagement.score;
        const after = qualifyAccount({ properties: COMPANY, contacts: [...contacts, extra] }, model, NOW).engagement.score;
        expect(after).toBeGreaterThanOrEqual(before);
      }),
      { numRuns: 150 },
    );
  });
});

describe('the account in German', () => {
  const memberDe = (id: string, properties: PropertyBag, activities = [] as Profile['activities'], answeredAt: AccountContact['answeredAt'] = {}) => {
    const p = profile(properties, COMPANY, activities);
    const name = [properties.firstname, properties.lastname].filter(Boolean).join(' ');
    return { id, name, jobtitle: properties.jobtitle ?? '', buyingRoles: properties.hs_buying_role ?? null, result: score(p, model, NOW, { language: 'de' }), answeredAt, profile: p };
  };

  it('when the installation speaks German, then reasons, buying centre and inherited evidence are German and the values stay', () => {
    const k = memberDe('101', { firstname: 'Karl', lastname: 'Brandt', jobtitle: 'Geschäftsführer', hs_buying_role: 'DECISION_MAKER' });
    const older = memberDe('1', { firstname: 'Alt', lastname: 'A', bant_need_answer: 'latent' }, [], { need: ago(20) });
    const newer = memberDe('2', { jobtitle: 'Leiterin Instandhaltung', bant_need_answer: 'acute', bant_budget_answer: 'approved' }, [], { need: ago(1), budget: ago(1) });
    const en = qualifyAccount({ properties: COMPANY, contacts: [k, older, newer] }, model, NOW);
    const de = qualifyAccount({ properties: COMPANY, contacts: [k, older, newer] }, model, NOW, 'de');
    expect(de.properties.bant_buying_center.split('\n')[0]).toBe('Entscheider: Karl Brandt (Geschäftsführer)');
    expect(de.reasons.map((r) => r.text)).toContain('Widerspruch bei Bedarf: Akuter Bedarf (Kontakt 2) vs. Latenter Bedarf (Alt A); die neueste Antwort zählt');
    expect(en.reasons.map((r) => r.text)).toContain('conflict on need: acute (contact 2) vs latent (Alt A); the newest answer counts');
    expect(de.bant.authority.evidence[0]!.text).toBe('entscheidet, über Karl Brandt, Geschäftsführer');
    expect(en.bant.authority.evidence[0]!.text).toBe('decides, via Karl Brandt, Geschäftsführer');
    const placed = placeInAccount(k.result, k.profile, k.id, de, model, NOW, undefined, 'de');
    expect(placed.bant.budget.evidence[0]!.text).toBe('Budget: Budget freigegeben, über Kontakt 2, Leiterin Instandhaltung');
    // Only the words change with the language.
    const { reasons: _r, buyingCenter: _b, bant: _bant, sources: _s, properties: deProps, ...deRest } = de;
    const { reasons: _r2, buyingCenter: _b2, bant: _bant2, sources: _s2, properties: enProps, ...enRest } = en;
    expect(deRest).toEqual(enRest);
    expect({ ...deProps, bant_buying_center: '', bant_account_score_reasons: '' }).toEqual({ ...enProps, bant_buying_center: '', bant_account_score_reasons: '' });
  });
});
