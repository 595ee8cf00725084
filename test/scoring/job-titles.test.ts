// The position rules against real-world job titles: leaders get their grade, their assistants, secretaries, interns
// and students do not (issue: "Assistenz der Geschäftsführung" matched position A).
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../src/scoring/compile-model.ts';
import { score } from '../../src/scoring/index.ts';
import { JOB_TITLES } from './job-titles.ts';
import { model, NOW, profile } from './fixtures.ts';

const compiled = compileModel(model);
const gradeOf = (title: string) => compiled.position.find((rule) => rule.test(title))?.grade ?? null;

describe('position grades of real-world job titles', () => {
  it('when the list is checked, then it holds at least 200 distinct titles in German and English', () => {
    expect(new Set(JOB_TITLES.map(([title]) => title)).size).toBe(JOB_TITLES.length);
    expect(JOB_TITLES.length).toBeGreaterThanOrEqual(200);
  });

  it('when each title is graded by the default model, then it gets the expected grade', () => {
    const wrong = JOB_TITLES.filter(([title, grade]) => gradeOf(title) !== grade).map(([title, grade]) => `${title}: expected ${grade}, got ${gradeOf(title)}`);
    expect(wrong).toEqual([]);
  });

  it('when an assistant of the management answers authority none, then the fit is not that of a managing director', () => {
    const company = { name: 'Muster Anlagenbau GmbH', numberofemployees: '12000', industry: 'MACHINERY' };
    const assistant = score(profile({ jobtitle: 'Assistenz der Geschäftsführung', bant_authority_answer: 'none' }, company), model, NOW);
    const director = score(profile({ jobtitle: 'Geschäftsführer' }, company), model, NOW);
    expect(director.fit.score).toBe(100);
    expect(assistant.fit.score).toBeLessThan(director.fit.score - 20);
    expect(assistant.reasons.map((r) => r.text).join('\n')).toContain('position "Assistenz der Geschäftsführung" (D)');
  });
});
