// Seed 002's explicit scoring table, row by row, plus seed 001's free-mail rule.
import { describe, expect, it } from 'vitest';
import { score } from '../../src/scoring/index.ts';
import { labelOf } from '../../src/scoring/option-labels.ts';
import { model, NOW, profile } from './fixtures.ts';

function fitOf(contact: Record<string, string>, company: Record<string, string> | null = null) {
  return score(profile(contact, company), model, NOW);
}

function reasonFor(contact: Record<string, string>, company: Record<string, string> | null, pattern: RegExp): string | undefined {
  return fitOf(contact, company).reasons.find((r) => pattern.test(r.text))?.text;
}

describe('fit: position (seed 002, Position)', () => {
  it.each([
    ['Geschäftsführer', 'A'],
    ['Geschaeftsfuehrerin', 'A'],
    ['Mitglied der Geschäftsleitung', 'A'],
    ['Marketingleiter', 'A'],
    ['Leiterin Marketing', 'A'],
    ['CEO', 'A'],
    ['Managing Director', 'A'],
    ['CMO', 'A'],
    ['Head of Marketing', 'A'],
    ['VP Marketing', 'A'],
    ['Bereichsleiter Produktion', 'B'],
    ['Fachbereichsleiterin IT', 'B'],
    ['Abteilungsleiter Einkauf', 'B'],
    ['Vertriebsleiter', 'B'],
    ['Head of Engineering', 'B'],
    ['VP Sales', 'B'],
    ['Marketing-Manager', 'C'],
    ['Marketing Manager', 'C'],
    ['Senior Marketing Managerin', 'C'],
    ['Einkäufer', 'D'],
    ['Software Engineer', 'D'],
  ])('when the jobtitle is "%s", then the position is grade %s', (jobtitle, grade) => {
    expect(reasonFor({ jobtitle }, null, /position/)).toMatch(new RegExp(`\\(${grade}\\)$`));
  });

  it('when there is no jobtitle, then position adds nothing', () => {
    expect(fitOf({}).fit.score).toBe(0);
  });
});

describe('fit: company size (seed 002, Firmengröße; seed 003: size earns points)', () => {
  it.each([
    ['10001', 'A', 35],
    ['10000', 'B', 26],
    ['5001', 'B', 26],
    ['2501', 'C', 17],
    ['2500', 'D', 8],
    ['101', 'D', 8],
  ])('when the company has %s employees, then size is grade %s (%i points)', (numberofemployees, grade, points) => {
    const result = fitOf({}, { numberofemployees });
    expect(result.fit.score).toBe(points);
    expect(result.reasons[0]?.text).toBe(`+${points} fit: ${numberofemployees} employees (${grade})`);
  });

  it('when the company has 100 employees, then size adds nothing (below the table)', () => {
    expect(fitOf({}, { numberofemployees: '100' }).fit.score).toBe(0);
  });

  it.each([
    ['1000+', 8],
    ['500-1000', 8],
    ['100-500', 8],
    ['50-100', 0],
  ])('when only the contact range numemployees is "%s", then size adds %i', (numemployees, points) => {
    expect(fitOf({ numemployees }).fit.score).toBe(points);
  });

  it('when both are set, then the company’s numberofemployees wins over the contact range', () => {
    expect(fitOf({ numemployees: '100-500' }, { numberofemployees: '12000' }).fit.score).toBe(35);
  });

  it('when numberofemployees uses thousands separators, then it is still read', () => {
    expect(fitOf({}, { numberofemployees: '12.000' }).fit.score).toBe(35);
  });
});

describe('fit: industry (seed 002, Branche)', () => {
  it.each([
    ['MACHINERY', 'A', 25],
    ['INDUSTRIAL_AUTOMATION', 'A', 25],
    ['MECHANICAL_OR_INDUSTRIAL_ENGINEERING', 'A', 25],
    ['COMPUTER_SOFTWARE', 'B', 19],
    ['INFORMATION_TECHNOLOGY_AND_SERVICES', 'B', 19],
    ['RETAIL', 'C', 12],
    ['WHOLESALE', 'C', 12],
    ['MANAGEMENT_CONSULTING', 'D', 6],
  ])('when the company industry is %s, then industry is grade %s', (industry, grade, points) => {
    expect(fitOf({}, { industry }).reasons[0]?.text).toBe(`+${points} fit: industry ${labelOf(undefined, 'industry', industry)} (${grade})`);
  });

  it.each([
    ['Anlagenbau', 25],
    ['Maschinenbau', 25],
    ['IT-Dienstleistungen', 19],
    ['Einzelhandel', 12],
    ['Unternehmensberatung', 6],
    ['Landwirtschaft', 0],
  ])('when the contact’s free-text industry is "%s", then industry adds %i', (industry, points) => {
    expect(fitOf({ industry }).fit.score).toBe(points);
  });
});

describe('fit: score and grade', () => {
  const allA = { jobtitle: 'Geschäftsführer', email: 'gf@muster-anlagenbau.de' };
  const allACompany = { numberofemployees: '20000', industry: 'MACHINERY' };

  it('when every dimension is A, then the fit is 100 and grade A', () => {
    expect(fitOf(allA, allACompany).fit).toEqual({ score: 100, grade: 'A' });
  });

  it('when every dimension is B, then the grade is B', () => {
    expect(fitOf({ jobtitle: 'Bereichsleiter' }, { numberofemployees: '6000', industry: 'COMPUTER_SOFTWARE' }).fit).toEqual({ score: 75, grade: 'B' });
  });

  it('when every dimension is C, then the grade is C', () => {
    expect(fitOf({ jobtitle: 'Marketing Manager' }, { numberofemployees: '3000', industry: 'RETAIL' }).fit).toEqual({ score: 49, grade: 'C' });
  });

  it('when every dimension is D, then the grade is D', () => {
    expect(fitOf({ jobtitle: 'Sachbearbeiter' }, { numberofemployees: '200', industry: 'MANAGEMENT_CONSULTING' }).fit).toEqual({
      score: 24,
      grade: 'D',
    });
  });

  it('when the address is free-mail, then fit drops by 10 and the reason says why (seed 001)', () => {
    const result = fitOf({ ...allA, email: 'gf.muster@gmail.com' }, allACompany);
    expect(result.fit).toEqual({ score: 90, grade: 'A' });
    expect(result.reasons.map((r) => r.text)).toContain('-10 fit: free-mail address (gmail.com)');
  });

  it('when only the free-mail rule applies, then fit stays at 0, never negative', () => {
    expect(fitOf({ email: 'x@web.de' }).fit.score).toBe(0);
  });
});
