import { describe, expect, it } from 'vitest';
import { buildExamples } from '../../src/outcomes/build-examples.ts';
import { checkPickedProperties, outcomeReadProperties } from '../../src/outcomes/candidate-properties.ts';
import { isNewOutcome, outcomesOfProperties } from '../../src/outcomes/contact-outcomes.ts';
import { FunnelBuilder } from '../../src/outcomes/funnel-report.ts';
import { featuresBefore, isOutcomeSide } from '../../src/outcomes/outcome-features.ts';
import { describeChanges, isScoreChange, milestoneWrites } from '../../src/outcomes/score-history.ts';
import type { ScoringResult } from '../../src/scoring/types.ts';
import type { ContactSnapshot, OutcomeRecord } from '../../src/store/store.ts';
import { outcome, scoreChange, snapshot } from '../store/store-contract.ts';

const features = (at: string[]) => ({ properties: { jobtitle: 'CEO' }, company: null, activities: at.map((t) => ({ type: 'page_view' as const, at: t })) });

describe('features before the outcome', () => {
  it('when a profile is cut at the outcome, then later activities and outcome-side properties are gone and answers stay', () => {
    const cut = featuresBefore(
      {
        properties: { jobtitle: 'CEO', lifecyclestage: 'customer', bant_feedback: 'won', bant_priority: 'A1', bant_budget_answer: 'approved', hs_date_entered_customer: '1' },
        company: { properties: { industry: 'MACHINERY', hs_deal_stage_probability: '1' } },
        activities: [
          { type: 'page_view', at: '2026-01-01T00:00:00.000Z' },
          { type: 'demo_request', at: '2026-02-01T00:00:00.000Z' },
        ],
      },
      '2026-02-01T00:00:00.000Z',
    );
    expect(cut.properties).toEqual({ jobtitle: 'CEO', bant_budget_answer: 'approved' });
    expect(cut.company?.properties).toEqual({ industry: 'MACHINERY' });
    expect(cut.activities.map((a) => a.type)).toEqual(['page_view']);
    expect(isOutcomeSide('bant_feedback_criterion')).toBe(true);
    expect(isOutcomeSide('hs_analytics_source')).toBe(false);
  });
});

describe('outcome examples', () => {
  it('when a contact was lost and later won, then it is one won example at the win, with activities before the win only', () => {
    const records: OutcomeRecord[] = [
      outcome(1, '7', { outcome: 'lost', at: '2026-01-10T00:00:00.000Z', source: 'feedback', dealId: undefined, features: features(['2026-01-01T00:00:00.000Z']), featuresFrom: 'before' }),
      outcome(1, '7', { outcome: 'won', at: '2026-03-01T00:00:00.000Z', features: features(['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z']), featuresFrom: 'before' }),
      outcome(1, '8', { outcome: 'lost', at: '2026-02-01T00:00:00.000Z', features: features([]), featuresFrom: 'at_outcome' }),
      outcome(1, '9', { outcome: 'won' }),
    ];
    const set = buildExamples(records);
    expect(set.contactIds).toEqual(['7', '8']);
    expect(set.examples.map((e) => [e.outcome, e.at])).toEqual([
      ['won', '2026-03-01T00:00:00.000Z'],
      ['lost', '2026-02-01T00:00:00.000Z'],
    ]);
    expect(set.examples[0]?.profile.activities.map((a) => a.at)).toEqual(['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z']);
    expect([set.won, set.lost, set.withoutFeatures, set.firstSight]).toEqual([1, 1, 1, 1]);
    expect(set.period).toEqual({ from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' });
  });
});

describe('outcomes from the contact properties', () => {
  it('when a rep says won, lost or rejected, then won, lost and lost (with criterion and competitor); accepted is no outcome', () => {
    const at = '2026-05-01T00:00:00.000Z';
    expect(outcomesOfProperties(1, '5', { bant_feedback: 'won' }, at)).toEqual([{ portalId: 1, contactId: '5', outcome: 'won', at, source: 'feedback', feedback: 'won' }]);
    expect(outcomesOfProperties(1, '5', { bant_feedback: 'rejected', bant_feedback_criterion: 'pseudo_lead' }, at)[0]).toMatchObject({ outcome: 'lost', criterion: 'pseudo_lead' });
    expect(outcomesOfProperties(1, '5', { bant_feedback: 'lost', bant_feedback_competitor: ' LeadRank ' }, at)[0]).toMatchObject({ outcome: 'lost', competitor: 'LeadRank' });
    expect(outcomesOfProperties(1, '5', { bant_feedback: 'accepted' }, at)).toEqual([]);
  });

  it('when the lifecycle stage is customer, then it is won at the customer date HubSpot keeps, else now', () => {
    const now = '2026-05-01T00:00:00.000Z';
    expect(outcomesOfProperties(1, '5', { lifecyclestage: 'customer', hs_lifecyclestage_customer_date: '2026-04-02T10:00:00Z' }, now)[0]).toMatchObject({
      outcome: 'won',
      source: 'lifecycle',
      at: '2026-04-02T10:00:00.000Z',
    });
    expect(outcomesOfProperties(1, '5', { lifecyclestage: 'customer' }, now)[0]?.at).toBe(now);
  });

  it('when the same feedback is seen again, then it is not new; a changed criterion is', () => {
    const stored = outcome(1, '5', { outcome: 'lost', source: 'feedback', dealId: undefined, feedback: 'lost', criterion: 'budget' });
    const [same] = outcomesOfProperties(1, '5', { bant_feedback: 'lost', bant_feedback_criterion: 'budget' }, 'x');
    const [changed] = outcomesOfProperties(1, '5', { bant_feedback: 'lost', bant_feedback_criterion: 'need' }, 'x');
    expect(isNewOutcome(stored, same!)).toBe(false);
    expect(isNewOutcome(stored, changed!)).toBe(true);
    expect(isNewOutcome(undefined, same!)).toBe(true);
  });
});

describe('score history', () => {
  it('when only the time or model version differs, then it is no change; any score value is', () => {
    const a = scoreChange('2026-01-01T00:00:00.000Z');
    expect(isScoreChange(undefined, a)).toBe(true);
    expect(isScoreChange(a, { ...a, at: '2026-02-01T00:00:00.000Z', modelVersion: '2' })).toBe(false);
    expect(isScoreChange(a, { ...a, leadScore: '43' })).toBe(true);
    expect(isScoreChange(a, { ...a, timeline: 'met' })).toBe(true);
  });

  it('when a contact first becomes MQL and then SQL, then each time is written once and kept afterwards', () => {
    const result = (qualification: string, scoredAt: string) => ({ qualification, scoredAt }) as ScoringResult;
    expect(milestoneWrites(result('nurture', 't0'), {})).toEqual({});
    expect(milestoneWrites(result('mql', 't1'), {})).toEqual({ bant_became_mql_at: 't1' });
    expect(milestoneWrites(result('sql', 't2'), { bant_became_mql_at: 't1' })).toEqual({ bant_became_sql_at: 't2' });
    expect(milestoneWrites(result('sql', 't2'), {})).toEqual({ bant_became_mql_at: 't2', bant_became_sql_at: 't2' });
    expect(milestoneWrites(result('nurture', 't3'), { bant_became_mql_at: 't1', bant_became_sql_at: 't2' })).toEqual({});
  });

  it('when changes are described, then the newest comes first, naming what moved', () => {
    const lines = describeChanges(
      [scoreChange('t1'), scoreChange('t2', { qualification: 'sql', priority: 'A1' }), scoreChange('t3', { qualification: 'sql', priority: 'A1', budget: 'met' })],
      2,
    );
    expect(lines.map((l) => l.text)).toEqual(['budget unknown → met', 'outcome mql → sql, priority B2 → A1']);
  });
});

describe('funnel', () => {
  it('when contacts pass MQL, SQL and win, then cohort rates, the sales cycle and lost reasons are counted', () => {
    const s = (id: string, written: Record<string, string>): ContactSnapshot => snapshot(1, id, { written });
    const builder = new FunnelBuilder();
    builder.addSnapshots([
      s('1', { bant_became_mql_at: '2026-01-05T00:00:00.000Z', bant_became_sql_at: '2026-01-10T00:00:00.000Z' }),
      s('2', { bant_became_mql_at: '2026-01-20T00:00:00.000Z', bant_became_sql_at: '2026-01-25T00:00:00.000Z' }),
      s('3', { bant_became_mql_at: '2026-01-07T00:00:00.000Z' }),
      s('4', { bant_became_mql_at: '2026-02-01T00:00:00.000Z' }),
      s('5', {}),
    ]);
    const report = builder.build([
      outcome(1, '1', { outcome: 'won', at: '2026-01-30T00:00:00.000Z' }),
      outcome(1, '2', { outcome: 'lost', at: '2026-02-10T00:00:00.000Z', source: 'feedback', dealId: undefined, criterion: 'budget', competitor: 'LeadRank' }),
      outcome(1, '3', { outcome: 'lost', at: '2026-02-10T00:00:00.000Z', source: 'feedback', dealId: undefined, criterion: 'budget' }),
      outcome(1, '5', { outcome: 'lost', at: '2026-02-10T00:00:00.000Z', source: 'feedback', dealId: undefined }),
    ]);
    expect(report.total).toMatchObject({ mql: 4, sql: 2, won: 1, sqlWon: 1, mqlToSql: 0.5, sqlToWon: 0.5, mqlToWon: 0.25 });
    expect(report.cohorts.map((c) => [c.cohort, c.mql, c.sql, c.won])).toEqual([
      ['2026-01', 3, 2, 1],
      ['2026-02', 1, 0, 0],
    ]);
    expect(report.salesCycleDays).toEqual({ n: 1, median: 20, mean: 20, p90: 20 });
    expect(report.lostReasons).toEqual({ byCriterion: { budget: 2 }, byCompetitor: { LeadRank: 1 }, unspecified: 1 });
  });
});

describe('calibration candidates and task completion', () => {
  it('when an admin picks properties, then names are checked and outcome-side ones refused; the defaults are always read', () => {
    expect(checkPickedProperties(['city', 'city', 'hs_persona'])).toEqual({ ok: true, properties: ['city', 'hs_persona'] });
    expect(checkPickedProperties(['lifecyclestage'])).toMatchObject({ ok: false, message: expect.stringMatching(/outcome/) });
    expect(checkPickedProperties(['Drop Table'])).toMatchObject({ ok: false });
    expect(checkPickedProperties('city')).toMatchObject({ ok: false });
    const read = outcomeReadProperties(['my_lead_channel']);
    for (const name of ['hs_analytics_source', 'hs_latest_source', 'country', 'industry', 'numemployees', 'annualrevenue', 'hs_persona', 'my_lead_channel']) expect(read).toContain(name);
    expect(new Set(read).size).toBe(read.length);
  });
});
