import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assessMeddic, decideMeddic, meddicProperties } from '../../src/scoring/assess-meddic.ts';
import { parseModel, score } from '../../src/scoring/index.ts';
import { placeInAccount } from '../../src/scoring/place-in-account.ts';
import { qualifyAccount } from '../../src/scoring/qualify-account.ts';
import type { CriterionState, PropertyBag } from '../../src/scoring/types.ts';
import { MEDDIC_CRITERIA, type MeddicModel, meddicSchema } from '../../src/scoring/meddic-schema.ts';
import { activity, MODEL_JSON, model, NOW, profile } from './fixtures.ts';
import { compileModel } from '../../src/scoring/compile-model.ts';
import { ACTIVITY_TYPES } from '../../src/scoring/types.ts';

const YES_NO = { yes: 'met', partly: 'partial', no: 'not_met' } as const;
const MEDDIC: MeddicModel = meddicSchema.parse({
  metrics: { answers: { quantified: 'met', rough: 'partial', none: 'not_met' }, question: 'Which numbers will the buyer judge the result by?' },
  economic_buyer: { answers: { known: 'met', unknown: 'unknown' }, question: 'Who signs the budget?', buyingRoles: ['EXECUTIVE_SPONSOR', 'BUDGET_HOLDER'] },
  decision_criteria: { answers: YES_NO, question: 'How will they choose?' },
  decision_process: { answers: YES_NO, question: 'Which steps until the signature?' },
  identify_pain: { answers: { acute: 'met', latent: 'partial', none: 'not_met' }, question: 'What hurts today?', evidenceRules: ['demo_request', 'pricing_page'], withinDays: 90 },
  champion: { answers: YES_NO, question: 'Who sells for us inside?', buyingRoles: ['CHAMPION'] },
  qualification: { sqlRequires: ['metrics', 'economic_buyer', 'identify_pain', 'champion'], notReadyWhen: ['identify_pain'] },
});

describe('assessMeddic', () => {
  it('when answers are set, then each decides its criterion with the answer as evidence, and the rest stay unknown', () => {
    const result = assessMeddic({ properties: { meddic_metrics_answer: 'rough', meddic_identify_pain_answer: 'acute', meddic_decision_process_answer: 'no' } }, MEDDIC);
    expect(MEDDIC_CRITERIA.map((c) => [c, result[c].state])).toEqual([
      ['metrics', 'partial'],
      ['economic_buyer', 'unknown'],
      ['decision_criteria', 'unknown'],
      ['decision_process', 'not_met'],
      ['identify_pain', 'met'],
      ['champion', 'unknown'],
    ]);
    expect(result.identify_pain.evidence[0]).toMatchObject({ name: 'meddic_identify_pain_answer', value: 'acute' });
    expect(result.criteriaMet).toBe(1);
  });

  it('when an answer is no key of the model (or an inherited name), then it decides nothing', () => {
    const result = assessMeddic({ properties: { meddic_metrics_answer: '__proto__', meddic_champion_answer: 'constructor', meddic_decision_criteria_answer: 'YES' } }, MEDDIC);
    expect(result.metrics.state).toBe('unknown');
    expect(result.champion.state).toBe('unknown');
    expect(result.decision_criteria.state).toBe('met');
  });

  it('when a colleague in the buying centre holds the budget, then the economic buyer is met naming the colleague; the contact’s own champion role counts too', () => {
    const result = assessMeddic(
      {
        properties: { hs_buying_role: 'CHAMPION;END_USER' },
        buyingCenter: [
          { contactId: '7', name: 'Eva Schmidt', roles: ['INFLUENCER'] },
          { contactId: '3', name: 'Karl Brandt', roles: ['DECISION_MAKER', 'BUDGET_HOLDER'] },
        ],
      },
      MEDDIC,
    );
    expect(result.economic_buyer.state).toBe('met');
    expect(result.economic_buyer.evidence.map((e) => e.text)).toEqual(['Economic buyer: Karl Brandt (Budget holder), via the buying centre']);
    expect(result.champion.state).toBe('met');
    expect(result.champion.evidence[0]).toMatchObject({ name: 'hs_buying_role', value: 'CHAMPION' });
  });

  it('when an answer says otherwise, then it decides over the buying roles', () => {
    const result = assessMeddic({ properties: { hs_buying_role: 'CHAMPION', meddic_champion_answer: 'no' } }, MEDDIC);
    expect(result.champion.state).toBe('not_met');
  });
});

describe('the framework in the model', () => {
  it('when the shipped model is read, then its framework is BANT (none named) and it has no MEDDIC block', () => {
    expect(model.framework ?? 'bant').toBe('bant');
    expect(model.meddic).toBeUndefined();
  });

  it('when a model names MEDDIC with its criteria, then it is valid; naming MEDDIC without them is refused with the path', () => {
    const ok = parseModel({ ...structuredClone(MODEL_JSON), framework: 'meddic', meddic: MEDDIC });
    expect(ok.ok).toBe(true);
    const missing = parseModel({ ...structuredClone(MODEL_JSON), framework: 'meddic' });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.issues.map((i) => i.path)).toContain('meddic');
    const unknownFramework = parseModel({ ...structuredClone(MODEL_JSON), framework: 'spiced' });
    expect(unknownFramework.ok).toBe(false);
  });
});

const RANK: Record<CriterionState, number> = { unknown: 0, not_met: 0, partial: 1, met: 2 };
const ROLES = ['BUDGET_HOLDER', 'EXECUTIVE_SPONSOR', 'DECISION_MAKER', 'CHAMPION', 'INFLUENCER', 'END_USER', 'BLOCKER'];
const member = fc.record({ contactId: fc.integer({ min: 1, max: 50 }).map(String), name: fc.constantFrom('Karl Brandt', 'Eva Schmidt', 'Jan Ott'), roles: fc.subarray(ROLES) });
const answers = fc.record(
  Object.fromEntries(MEDDIC_CRITERIA.map((c) => [`meddic_${c}_answer`, fc.option(fc.constantFrom(...Object.keys(MEDDIC[c].answers)), { nil: undefined })])),
  { requiredKeys: [] },
) as fc.Arbitrary<Record<string, string | undefined>>;
const clean = (bag: Record<string, string | undefined>) => Object.fromEntries(Object.entries(bag).filter(([, v]) => v !== undefined)) as Record<string, string>;

describe('MEDDIC evidence from the buying centre (properties)', () => {
  it('when the buying centre is listed in any order, then every state is the same', () => {
    fc.assert(
      fc.property(answers, fc.array(member, { maxLength: 8 }), fc.integer(), (props, centre, seed) => {
        const shuffled = [...centre].sort((a, b) => ((a.contactId.length * 31 + seed) % 7) - ((b.contactId.length * 17 + seed) % 5));
        const a = assessMeddic({ properties: clean(props), buyingCenter: centre }, MEDDIC);
        const b = assessMeddic({ properties: clean(props), buyingCenter: shuffled.reverse() }, MEDDIC);
        for (const c of MEDDIC_CRITERIA) expect(b[c]).toEqual(a[c]);
      }),
    );
  });

  it('when a colleague with a role joins the buying centre, then no criterion falls', () => {
    fc.assert(
      fc.property(answers, fc.array(member, { maxLength: 6 }), member, (props, centre, extra) => {
        const before = assessMeddic({ properties: clean(props), buyingCenter: centre }, MEDDIC);
        const after = assessMeddic({ properties: clean(props), buyingCenter: [...centre, extra] }, MEDDIC);
        for (const c of MEDDIC_CRITERIA) expect(RANK[after[c].state]).toBeGreaterThanOrEqual(RANK[before[c].state]);
        expect(after.criteriaMet).toBeGreaterThanOrEqual(before.criteriaMet);
      }),
    );
  });
});

describe('MEDDIC evidence from activities (properties)', () => {
  const compiled = compileModel(model);
  const act = fc.record({ type: fc.constantFrom(...ACTIVITY_TYPES), days: fc.integer({ min: 0, max: 200 }) }).map(({ type, days }) => activity(type, days));

  it('when the activities come in any order, then every state and its evidence are the same', () => {
    fc.assert(
      fc.property(answers, fc.array(act, { maxLength: 12 }), (props, activities) => {
        const a = assessMeddic({ properties: clean(props), activities, compiled, nowMs: NOW }, MEDDIC);
        const b = assessMeddic({ properties: clean(props), activities: [...activities].reverse(), compiled, nowMs: NOW }, MEDDIC);
        for (const c of MEDDIC_CRITERIA) expect(b[c]).toEqual(a[c]);
      }),
    );
  });

  it('when an activity is added, then no criterion falls', () => {
    fc.assert(
      fc.property(answers, fc.array(act, { maxLength: 10 }), act, (props, activities, extra) => {
        const before = assessMeddic({ properties: clean(props), activities, compiled, nowMs: NOW }, MEDDIC);
        const after = assessMeddic({ properties: clean(props), activities: [...activities, extra], compiled, nowMs: NOW }, MEDDIC);
        for (const c of MEDDIC_CRITERIA) expect(RANK[after[c].state]).toBeGreaterThanOrEqual(RANK[before[c].state]);
      }),
    );
  });

  it('when a demo was requested recently, then an unanswered identify pain is partial with the demo as evidence; an old one or an answer decides otherwise', () => {
    const recent = assessMeddic({ properties: {}, activities: [activity('demo_request', 10)], compiled, nowMs: NOW }, MEDDIC);
    expect(recent.identify_pain.state).toBe('partial');
    expect(recent.identify_pain.evidence[0]).toMatchObject({ source: 'activity', name: 'demo_request' });
    expect(recent.metrics.state).toBe('unknown');
    expect(assessMeddic({ properties: {}, activities: [activity('demo_request', 120)], compiled, nowMs: NOW }, MEDDIC).identify_pain.state).toBe('unknown');
    expect(assessMeddic({ properties: { meddic_identify_pain_answer: 'none' }, activities: [activity('demo_request', 10)], compiled, nowMs: NOW }, MEDDIC).identify_pain.state).toBe('not_met');
  });

  it('when a MEDDIC evidence rule names no engagement rule, then the model is refused with the path', () => {
    const meddic = structuredClone(MEDDIC) as unknown as Record<string, Record<string, unknown>>;
    meddic.metrics!.evidenceRules = ['no_such_rule'];
    const parsed = parseModel({ ...structuredClone(MODEL_JSON), framework: 'meddic', meddic });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.issues.map((i) => i.path)).toContain('meddic.metrics.evidenceRules[0]');
  });
});

describe("MEDDIC's outcome rules and properties", () => {
  const allMet = { meddic_metrics_answer: 'quantified', meddic_identify_pain_answer: 'acute', hs_buying_role: 'CHAMPION' };

  it('when every required criterion is met, then sql; a not_met criterion of notReadyWhen means nurture; otherwise the priority cells decide', () => {
    const centre = [{ contactId: '3', name: 'Karl Brandt', roles: ['BUDGET_HOLDER'] }];
    expect(decideMeddic(assessMeddic({ properties: allMet, buyingCenter: centre }, MEDDIC), MEDDIC)).toBe('sql');
    expect(decideMeddic(assessMeddic({ properties: allMet }, MEDDIC), MEDDIC)).toBeNull();
    expect(decideMeddic(assessMeddic({ properties: { ...allMet, meddic_identify_pain_answer: 'none' }, buyingCenter: centre }, MEDDIC), MEDDIC)).toBe('nurture');
  });

  it('when the criteria are assessed, then the meddic_* values carry each state, the count and a summary that asks for what is unknown', () => {
    const props = meddicProperties(assessMeddic({ properties: { ...allMet, meddic_decision_process_answer: 'no' } }, MEDDIC), MEDDIC);
    expect(props).toMatchObject({
      meddic_metrics: 'met',
      meddic_economic_buyer: 'unknown',
      meddic_decision_criteria: 'unknown',
      meddic_decision_process: 'not_met',
      meddic_identify_pain: 'met',
      meddic_champion: 'met',
      meddic_criteria_met: '3',
    });
    expect(props.meddic_summary).toContain('MEDDIC 3 of 6 met.');
    expect(props.meddic_summary).toContain('Economic buyer (unknown: ask "Who signs the budget?")');
    expect(props.meddic_summary).toContain('Decision process (not met)');
  });

  it('when the installation speaks German, then the summary and the buying-centre evidence are German', () => {
    const centre = [{ contactId: '3', name: 'Karl Brandt', roles: ['BUDGET_HOLDER'] }];
    const result = assessMeddic({ properties: { ...allMet, hs_buying_role: '' }, buyingCenter: centre, language: 'de' }, MEDDIC);
    expect(result.economic_buyer.evidence[0]?.text).toBe('Wirtschaftlicher Entscheider: Karl Brandt (Budgetverantwortlich), über das Buying Center');
    const props = meddicProperties(result, MEDDIC, 'de');
    expect(props.meddic_summary).toMatch(/^MEDDIC: 3 von 6 erfüllt\. Offen: /);
    expect(props.meddic_summary).toContain('Entscheidungsprozess (unbekannt: fragen „Which steps until the signature?“)');
    expect(props.meddic_summary).not.toMatch(/\b(met|unknown|ask)\b/);
  });
});

describe('score() with the MEDDIC example model', () => {
  const parsed = parseModel(JSON.parse(readFileSync(new URL('../../config/scoring-model.meddic.json', import.meta.url), 'utf8')));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const meddicModel = parsed.model;
  const ready = { meddic_metrics_answer: 'quantified', meddic_identify_pain_answer: 'acute', meddic_champion_answer: 'yes', hs_buying_role: 'BUDGET_HOLDER', jobtitle: 'Einkauf' };

  it('when the model names MEDDIC, then the result carries meddic states and meddic_* values, and the MEDDIC rules decide sql where BANT would not', () => {
    const meddic = score(profile(ready), meddicModel, NOW);
    expect(meddic.meddic?.economic_buyer.state).toBe('met');
    expect(meddic.properties.meddic_criteria_met).toBe('4');
    expect(meddic.qualification).toBe('sql');
    const bant = score(profile(ready), model, NOW);
    expect(bant.qualification).not.toBe('sql');
    expect(bant.meddic).toBeUndefined();
    expect(Object.keys(bant.properties).filter((k) => k.startsWith('meddic_'))).toEqual([]);
  });

  it('when a required criterion is missing, then the MEDDIC model does not make the contact sql', () => {
    const result = score(profile({ ...ready, meddic_champion_answer: 'no' }), meddicModel, NOW);
    expect(result.meddic?.champion.state).toBe('not_met');
    expect(result.qualification).not.toBe('sql');
    const disqualified = score(profile({ ...ready, meddic_identify_pain_answer: 'none' }), meddicModel, NOW);
    expect(disqualified.qualification).toBe('nurture');
  });
});

describe('a MEDDIC contact in its account', () => {
  const parsed = parseModel(JSON.parse(readFileSync(new URL('../../config/scoring-model.meddic.json', import.meta.url), 'utf8')));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const meddicModel = parsed.model;
  const COMPANY: PropertyBag = { name: 'Muster Anlagenbau GmbH', numberofemployees: '800', industry: 'MACHINERY' };
  const member = (id: string, properties: PropertyBag) => {
    const p = profile(properties, COMPANY);
    return { id, name: `${properties.firstname} ${properties.lastname}`, jobtitle: properties.jobtitle ?? '', buyingRoles: properties.hs_buying_role ?? null, result: score(p, meddicModel, NOW), profile: p };
  };
  const karl = member('101', { firstname: 'Karl', lastname: 'Brandt', jobtitle: 'Geschäftsführer', hs_buying_role: 'BUDGET_HOLDER' });
  const eva = member('102', { firstname: 'Eva', lastname: 'Schmidt', jobtitle: 'Leiterin Instandhaltung', meddic_metrics_answer: 'quantified', meddic_identify_pain_answer: 'acute', meddic_champion_answer: 'yes' });

  it('when a colleague holds the budget, then the economic buyer is met naming him, and the MEDDIC rules (not BANT) make the contact sql', () => {
    expect(eva.result.meddic?.economic_buyer.state).toBe('unknown');
    expect(eva.result.qualification).not.toBe('sql');
    const account = qualifyAccount({ properties: COMPANY, contacts: [karl, eva] }, meddicModel, NOW);
    const placed = placeInAccount(eva.result, eva.profile, eva.id, account, meddicModel, NOW);
    expect(placed.meddic?.economic_buyer.evidence[0]?.text).toContain('Karl Brandt');
    expect(placed.properties).toMatchObject({ meddic_economic_buyer: 'met', meddic_criteria_met: '4', bant_qualification: 'sql' });
    expect(placed.qualification).toBe('sql');
  });

  it('when the contact inherits BANT criteria from a colleague, then the MEDDIC verdict still decides, not the BANT rules', () => {
    const ready = member('103', { firstname: 'Jan', lastname: 'Ott', jobtitle: 'Leiter Einkauf', hs_buying_role: 'BUDGET_HOLDER', meddic_metrics_answer: 'quantified', meddic_identify_pain_answer: 'acute', meddic_champion_answer: 'yes' });
    const colleague = member('104', { firstname: 'Uwe', lastname: 'Kern', jobtitle: 'Controller', bant_budget_answer: 'approved', bant_timeline_answer: 'lt_3_months' });
    expect(ready.result.qualification).toBe('sql');
    const account = qualifyAccount({ properties: COMPANY, contacts: [ready, colleague] }, meddicModel, NOW);
    const placed = placeInAccount(ready.result, ready.profile, ready.id, account, meddicModel, NOW);
    expect(placed.account.inherited.length).toBeGreaterThan(0);
    expect(placed.qualification).toBe('sql');
    expect(placed.properties.bant_qualification).toBe('sql');
  });
});
