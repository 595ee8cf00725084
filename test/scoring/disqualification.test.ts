// Seed 000 "passt nicht" and seed 002's Pseudo-Leads.
import { describe, expect, it } from 'vitest';
import { score } from '../../src/scoring/index.ts';
import type { Activity, PropertyBag } from '../../src/scoring/types.ts';
import { activity, model, modelWith, NOW, profile } from './fixtures.ts';

const good = { email: 'anna@muster-anlagenbau.de', jobtitle: 'Geschäftsführerin' };
const goodCompany = { numberofemployees: '12000', industry: 'MACHINERY' };

function outcome(contact: PropertyBag, company: PropertyBag | null = goodCompany, activities: Activity[] = [], m = model) {
  const r = score(profile(contact, company, activities), m, NOW);
  return { qualification: r.qualification, reason: r.disqualifyReason, property: r.properties.bant_disqualify_reason, first: r.reasons[0]?.text };
}

describe('disqualification', () => {
  it('when nothing disqualifies, then the reason is null and the property empty', () => {
    expect(outcome(good)).toMatchObject({ reason: null, property: '' });
  });

  it('when the e-mail or company domain is a competitor’s, then the contact is disqualified as competitor', () => {
    const m = modelWith((x) => {
      x.disqualification.competitor.domains = ['rivale.de'];
    });
    expect(outcome({ ...good, email: 'spy@vertrieb.rivale.de' }, goodCompany, [], m)).toMatchObject({
      qualification: 'disqualified',
      reason: 'competitor',
      property: 'competitor',
      first: 'disqualified: competitor (e-mail domain vertrieb.rivale.de)',
    });
    expect(outcome({ ...good, email: 'x@gmail.com' }, { ...goodCompany, domain: 'https://www.rivale.de/' }, [], m).reason).toBe('competitor');
    expect(outcome({ ...good, email: 'x@notrivale.de' }, goodCompany, [], m).reason).toBeNull();
  });

  it.each(['Student', 'Studentin Wirtschaftsinformatik', 'Werkstudent Marketing', 'Praktikantin', 'Azubi', 'Auszubildender', 'Marketing Intern', 'PhD student'])(
    'when the jobtitle is "%s", then the contact is disqualified as student',
    (jobtitle) => {
      expect(outcome({ ...good, jobtitle }).reason).toBe('student');
    },
  );

  it('when a student asks for thesis material, then the form gives them away', () => {
    expect(outcome({ email: 'x@uni.de' }, null, [activity('form_submission', 1, { title: 'Anfrage Masterarbeit' })]).reason).toBe('student');
  });

  it.each(['Bewerber', 'Bewerberin Vertrieb', 'Job seeker', 'Jobseeker', 'arbeitssuchend', 'Open to work', 'Looking for new opportunities'])(
    'when the jobtitle is "%s", then the contact is disqualified as applicant',
    (jobtitle) => {
      expect(outcome({ ...good, jobtitle }).reason).toBe('applicant');
    },
  );

  it('when the contact submitted the careers form, then the contact is disqualified as applicant', () => {
    expect(outcome(good, goodCompany, [activity('form_submission', 1, { title: 'Bewerbung Initiativ' })]).reason).toBe('applicant');
    expect(outcome(good, goodCompany, [activity('page_view', 1, { url: 'https://example.com/karriere' })]).reason).toBeNull();
  });

  it('when the need was answered none, then the contact is disqualified as no_need', () => {
    expect(outcome({ ...good, bant_need_answer: 'none' })).toMatchObject({ reason: 'no_need', first: 'disqualified: no need (No need)' });
  });

  it('when the company is below the model’s minimum size, then the contact is disqualified as no_fit', () => {
    expect(outcome(good, { numberofemployees: '49' }).reason).toBe('no_fit');
    expect(outcome(good, { numberofemployees: '50' }).reason).toBeNull();
    expect(outcome({ ...good, numemployees: '5-25' }, null).reason).toBe('no_fit');
    expect(outcome({ ...good, numemployees: '25-50' }, null).reason).toBe('no_fit');
    expect(outcome({ ...good, numemployees: '50-100' }, null).reason).toBeNull();
  });

  it('when the company size is unknown, then no_fit is not assumed', () => {
    expect(outcome(good, null).reason).toBeNull();
  });

  it('when several reasons apply, then the first in the model’s order wins (competitor before student before no_fit)', () => {
    const m = modelWith((x) => {
      x.disqualification.competitor.domains = ['rivale.de'];
    });
    expect(outcome({ email: 'a@rivale.de', jobtitle: 'Werkstudent' }, { numberofemployees: '10' }, [], m).reason).toBe('competitor');
    expect(outcome({ jobtitle: 'Werkstudent' }, { numberofemployees: '10' }).reason).toBe('student');
  });
});
