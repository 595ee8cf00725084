import { describe, expect, it } from 'vitest';
import { nextLifecycleStage, planContactWrite, PROTECTED_STAGES } from '../../src/hubspot/plan-writes.ts';
import type { RecommendedStage, ScoreProperties } from '../../src/scoring/types.ts';
import { LIFECYCLE_STAGES } from '../../src/scoring/types.ts';

const DEFAULT_ORDER = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other'];
const ON = { syncLifecycleStage: true, syncLeadStatus: true };

const result = (extra: Partial<ScoreProperties> = {}): ScoreProperties => ({
  bant_fit_score: '72',
  bant_fit_grade: 'B',
  bant_engagement_score: '41.5',
  bant_engagement_tier: '2',
  bant_priority: 'B2',
  bant_budget: 'met',
  bant_authority: 'partial',
  bant_need: 'met',
  bant_timeline: 'unknown',
  bant_criteria_met: '2',
  bant_qualification: 'mql',
  bant_disqualify_reason: '',
  bant_score_reasons: '+25 webinar registration (3 d ago)',
  bant_scored_at: '2026-11-20T10:00:00.000Z',
  bant_model_version: '2026.11',
  bant_lifecycle_stage: 'marketingqualifiedlead',
  bant_lead_score: '58.3',
  ...extra,
});
const asCurrent = (r: ScoreProperties): Record<string, string | null> => ({ ...r, bant_scored_at: '2026-11-19T10:00:00.000Z' });

describe('planContactWrite: output properties', () => {
  it('when nothing changed, then nothing is written (not even bant_scored_at)', () => {
    const r = result();
    expect(planContactWrite({ result: r, current: { ...asCurrent(r), lifecyclestage: 'marketingqualifiedlead' }, stageOrder: DEFAULT_ORDER, settings: ON })).toEqual({});
  });

  it('when values changed, then only those are written, plus bant_scored_at', () => {
    const r = result();
    const current = { ...asCurrent(r), bant_priority: 'C3', bant_fit_score: '72.0', lifecyclestage: 'marketingqualifiedlead' };
    expect(planContactWrite({ result: r, current, stageOrder: DEFAULT_ORDER, settings: ON })).toEqual({
      bant_priority: 'B2',
      bant_scored_at: '2026-11-20T10:00:00.000Z',
    });
  });

  it('when the contact has never been scored, then every section-3 value is written', () => {
    const planned = planContactWrite({ result: result(), current: {}, stageOrder: DEFAULT_ORDER, settings: { syncLifecycleStage: false, syncLeadStatus: false } });
    expect(Object.keys(planned).sort()).toEqual(Object.keys(result()).filter((k) => k !== 'bant_disqualify_reason').sort());
  });

  it('when the disqualify reason is cleared, then "" is written to clear it', () => {
    const r = result();
    const planned = planContactWrite({ result: r, current: { ...asCurrent(r), bant_disqualify_reason: 'student' }, stageOrder: DEFAULT_ORDER, settings: { ...ON, syncLifecycleStage: false } });
    expect(planned).toEqual({ bant_disqualify_reason: '', bant_scored_at: r.bant_scored_at });
  });
});

describe('planContactWrite: lifecyclestage', () => {
  const plan = (current: string | null, recommended: RecommendedStage, order = DEFAULT_ORDER, settings = ON) => {
    const r = result({ bant_lifecycle_stage: recommended });
    return planContactWrite({ result: r, current: { ...asCurrent(r), lifecyclestage: current }, stageOrder: order, settings }).lifecyclestage;
  };

  it('moves only forward in the default order, for every pair of stages', () => {
    for (const from of [null, '', ...DEFAULT_ORDER]) {
      for (const to of LIFECYCLE_STAGES) {
        const fromIndex = from ? DEFAULT_ORDER.indexOf(from) : -1;
        const protectedFrom = from !== null && (PROTECTED_STAGES as readonly string[]).includes(from);
        const expected = !protectedFrom && DEFAULT_ORDER.indexOf(to) > fromIndex ? to : undefined;
        expect(plan(from, to), `${from} → ${to}`).toBe(expected);
      }
    }
  });

  it('never moves away from opportunity, customer, evangelist, other, or a custom stage after them', () => {
    const order = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', '1234567', 'customer', 'evangelist', 'other'];
    for (const from of ['opportunity', '1234567', 'customer', 'evangelist', 'other']) expect(plan(from, 'salesqualifiedlead', order)).toBeUndefined();
  });

  it('follows a custom order: a custom stage before the protected ones moves forward only', () => {
    const order = ['subscriber', 'lead', '998877', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer'];
    expect(plan('998877', 'marketingqualifiedlead', order)).toBe('marketingqualifiedlead');
    expect(plan('998877', 'lead', order)).toBeUndefined();
    expect(plan('lead', 'lead', order)).toBeUndefined();
  });

  it('leaves the stage alone when the portal lacks the recommended stage or the current one', () => {
    const order = ['subscriber', 'lead', 'salesqualifiedlead', 'opportunity', 'customer'];
    expect(plan('lead', 'marketingqualifiedlead', order)).toBeUndefined();
    expect(plan('retired-stage', 'salesqualifiedlead', order)).toBeUndefined();
  });

  it('when the portal removed every protected stage, then plain forward order applies', () => {
    expect(plan('lead', 'salesqualifiedlead', ['subscriber', 'lead', 'salesqualifiedlead'])).toBe('salesqualifiedlead');
    expect(nextLifecycleStage('salesqualifiedlead', 'lead', ['subscriber', 'lead', 'salesqualifiedlead'])).toBeUndefined();
  });

  it('when switched off, then lifecyclestage is never written', () => {
    expect(plan('subscriber', 'salesqualifiedlead', DEFAULT_ORDER, { ...ON, syncLifecycleStage: false })).toBeUndefined();
  });

  it('when stage order is empty (options not read), then nothing is written', () => {
    expect(plan(null, 'lead', [])).toBeUndefined();
  });
});

describe('planContactWrite: hs_lead_status', () => {
  const plan = (qualification: ScoreProperties['bant_qualification'], current: string | null, settings = ON, leadStatusOptions?: string[]) => {
    const r = result({ bant_qualification: qualification });
    return planContactWrite({
      result: r,
      current: { ...asCurrent(r), lifecyclestage: 'marketingqualifiedlead', hs_lead_status: current },
      stageOrder: DEFAULT_ORDER,
      settings,
      ...(leadStatusOptions ? { leadStatusOptions } : {}),
    }).hs_lead_status;
  };

  it('becomes UNQUALIFIED for disqualified contacts, only when it is not already', () => {
    expect(plan('disqualified', 'NEW')).toBe('UNQUALIFIED');
    expect(plan('disqualified', null)).toBe('UNQUALIFIED');
    expect(plan('disqualified', 'UNQUALIFIED')).toBeUndefined();
  });

  it('is not touched for other qualifications', () => {
    for (const q of ['nurture', 'mql', 'sql'] as const) expect(plan(q, 'NEW')).toBeUndefined();
  });

  it('is not written when switched off or when the portal has no UNQUALIFIED option', () => {
    expect(plan('disqualified', 'NEW', { ...ON, syncLeadStatus: false })).toBeUndefined();
    expect(plan('disqualified', 'NEW', ON, ['NEW', 'OPEN'])).toBeUndefined();
    expect(plan('disqualified', 'NEW', ON, ['NEW', 'UNQUALIFIED'])).toBe('UNQUALIFIED');
  });
});
