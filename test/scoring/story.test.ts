// One story per contact: outcome, priority, card headline and task text agree (issue: SQL next to an unexplained D4).
import { describe, expect, it } from 'vitest';
import { score } from '../../src/scoring/index.ts';
import { IN_LEAD_PROCESS } from '../../src/scoring/lead-process.ts';
import { headline } from '../../src/scoring/story.ts';
import { formatTenths } from '../../src/scoring/format-reason.ts';
import type { ScoringResult } from '../../src/scoring/types.ts';
import { model, modelWith, NOW, profile } from './fixtures.ts';

const answers = { bant_budget_answer: 'approved', bant_authority_answer: 'decision_maker', bant_need_answer: 'acute', bant_timeline_answer: 'lt_3_months' };
/** A small company's clerk with every BANT answer: grade D, tier 4, yet sales-ready by the answers. */
const weakFitReady = profile({ firstname: 'Lena', lastname: 'Kurz', jobtitle: 'Sachbearbeiterin', ...answers }, { name: 'Klein GmbH', numberofemployees: '60', industry: 'RETAIL' });
const story = (r: ScoringResult) => ({ ...r, engagement: { score: formatTenths(r.engagement.score), tier: r.engagement.tier } });

describe('one story per contact', () => {
  it('when BANT answers make a low-priority contact sales-ready, then the task and the card say so and name the priority as marketing priority', () => {
    const r = score(weakFitReady, model, NOW);
    expect(r.qualification).toBe('sql');
    expect(r.priority).toMatch(/^[CD][34]$/);
    const task = r.tasks.find((t) => t.kind === 'call_sql');
    const second = task?.body.split('\n')[1] ?? '';
    expect(second).toMatch(/^Sales-ready by the BANT answers \(Budget, Authority, Need, Timeline met\) · marketing priority [CD][34] \(fit [CD], engagement tier [34]\), low: the answers outweigh it/);
    expect(second).not.toMatch(/^Priority /);
    const line = headline(story(r), IN_LEAD_PROCESS);
    expect(line).toMatch(/^Sales-ready by the BANT answers/);
    expect(line).toContain(`marketing priority ${r.priority}`);
  });

  it('when the model sets a minimum fit grade for sql, then a contact below it is not sql and gets no call task', () => {
    const strict = modelWith((m) => {
      m.qualification.sqlMinFitGrade = 'B';
    });
    const r = score(weakFitReady, strict, NOW);
    expect(r.qualification).not.toBe('sql');
    expect(r.tasks.map((t) => t.kind)).not.toContain('call_sql');
    expect(headline(story(r), IN_LEAD_PROCESS)).not.toMatch(/Sales-ready/);
  });

  it('when no minimum is set (the default), then the answers alone decide', () => {
    expect(model.qualification.sqlMinFitGrade).toBeNull();
    expect(score(weakFitReady, model, NOW).qualification).toBe('sql');
  });
});
