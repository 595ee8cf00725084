// Seed 000's three outcomes (reif / noch nicht reif / passt nicht), mql from the matrix, and the recommended stage.
import { describe, expect, it } from 'vitest';
import { score } from '../../src/scoring/index.ts';
import type { Activity, PropertyBag } from '../../src/scoring/types.ts';
import { activity, model, modelWith, NOW, profile } from './fixtures.ts';

const ceo = { email: 'anna@muster-anlagenbau.de', firstname: 'Anna', lastname: 'Schmidt', jobtitle: 'Geschäftsführerin' };
const bigMachinery = { name: 'Muster Anlagenbau GmbH', numberofemployees: '12000', industry: 'MACHINERY' };
const ready = { bant_budget_answer: 'approved', bant_need_answer: 'acute', bant_timeline_answer: '3_6_months' };
const hot: Activity[] = [activity('event_attendance', 2), activity('webinar_attendance', 3), activity('demo_request', 1)];

function run(contact: PropertyBag, company: PropertyBag | null = bigMachinery, activities: Activity[] = [], m = model) {
  return score(profile(contact, company, activities), m, NOW);
}

describe('qualification outcomes', () => {
  it('when need and budget are met, authority partial and the timeline within 12 months, then the contact is sql (reif)', () => {
    const r = run({ ...ceo, ...ready });
    expect(r.bant.authority.state).toBe('partial');
    expect(r).toMatchObject({ qualification: 'sql', lifecycleStage: 'salesqualifiedlead' });
  });

  it('when authority is answered none, then the contact is not sql even with budget and need', () => {
    expect(run({ ...ceo, ...ready, bant_authority_answer: 'none' }, bigMachinery, hot).qualification).toBe('mql');
  });

  it('when need is only latent, then the contact is not sql', () => {
    expect(run({ ...ceo, ...ready, bant_need_answer: 'latent' }).qualification).not.toBe('sql');
  });

  it('when the purchase is more than 12 months away, then the contact is nurture (noch nicht reif), even in a hot cell', () => {
    const r = run({ ...ceo, ...ready, bant_timeline_answer: 'gt_12_months' }, bigMachinery, hot);
    expect(r.priority).toBe('A1');
    expect(r).toMatchObject({ qualification: 'nurture', lifecycleStage: 'lead' });
  });

  it('when the budget is answered none, then the contact is nurture (seed 000: budget not released)', () => {
    expect(run({ ...ceo, bant_budget_answer: 'none' }, bigMachinery, hot).qualification).toBe('nurture');
  });

  it.each([
    ['A1', hot, 'mql'],
    ['A4', [], 'nurture'],
  ] as const)('when the priority cell is %s, then the outcome is %s', (priority, activities, qualification) => {
    const r = run(ceo, bigMachinery, [...activities]);
    expect(r.priority).toBe(priority);
    expect(r).toMatchObject({ qualification, lifecycleStage: qualification === 'mql' ? 'marketingqualifiedlead' : 'lead' });
  });

  it('when the grade is B and engagement tier 2, then it is mql; grade C tier 1 is not (default cells A1 A2 B1 B2)', () => {
    const b = run({ jobtitle: 'Bereichsleiter' }, { numberofemployees: '6000', industry: 'COMPUTER_SOFTWARE' }, [
      activity('event_attendance', 1),
      activity('webinar_registration', 1),
    ]);
    expect([b.priority, b.qualification]).toEqual(['B2', 'mql']);
    const c = run({ jobtitle: 'Marketing Manager' }, { numberofemployees: '3000', industry: 'RETAIL' }, hot);
    expect([c.priority, c.qualification]).toEqual(['C1', 'nurture']);
  });

  it('when the model lists C1 as an MQL cell, then a C1 contact is mql', () => {
    const m = modelWith((x) => {
      x.mqlCells = ['C1'];
    });
    expect(run({ jobtitle: 'Marketing Manager' }, { numberofemployees: '3000', industry: 'RETAIL' }, hot, m).qualification).toBe('mql');
  });

  it('when a disqualified contact would otherwise be sql, then disqualified wins and the stage is subscriber', () => {
    const r = run({ ...ceo, ...ready, jobtitle: 'Werkstudent' });
    expect(r).toMatchObject({ qualification: 'disqualified', disqualifyReason: 'student', lifecycleStage: 'subscriber' });
  });

  it('when priority is computed, then it is the grade followed by the tier', () => {
    const r = run(ceo, bigMachinery, hot);
    expect(r.priority).toBe(`${r.fit.grade}${r.engagement.tier}`);
  });
});
