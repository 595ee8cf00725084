import { describe, expect, it } from 'vitest';
import { decideLeadProcess, IN_LEAD_PROCESS } from '../../src/scoring/lead-process.ts';
import { applicableTasks, closedBody, explainNoLongerApplies, type TaskSituation } from '../../src/scoring/task-rules.ts';
import type { TaskDraft } from '../../src/scoring/types.ts';

const PORTAL_ORDER = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'partner', 'evangelist', 'other'];
const draft = (kind: TaskDraft['kind']): TaskDraft => ({ kind, subject: 's', body: `b\nbant-task: ${kind}`, priority: 'HIGH', dueAt: '2026-01-01T00:00:00Z' });
const bant = (state: 'met' | 'unknown'): TaskSituation['bant'] => ({ budget: { state }, authority: { state }, need: { state }, timeline: { state } });

describe('decideLeadProcess', () => {
  it('when the stage is a lead stage or empty, then the contact is in the lead process', () => {
    for (const stage of ['', null, undefined, 'subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead']) {
      expect(decideLeadProcess({ lifecycleStage: stage, stageOrder: PORTAL_ORDER }), String(stage)).toEqual(IN_LEAD_PROCESS);
    }
  });

  it('when the stage is opportunity, customer, evangelist, other or a custom stage after them, then the contact is past the lead stages', () => {
    for (const stage of ['opportunity', 'customer', 'evangelist', 'other', 'partner']) {
      expect(decideLeadProcess({ lifecycleStage: stage, stageOrder: PORTAL_ORDER }), stage).toEqual({ inLeadProcess: false, because: 'lifecycle_stage', stage });
    }
  });

  it('when a custom stage comes before opportunity, then it is still a lead stage', () => {
    const order = ['subscriber', 'lead', 'webinar_lead', 'salesqualifiedlead', 'opportunity', 'customer'];
    expect(decideLeadProcess({ lifecycleStage: 'webinar_lead', stageOrder: order }).inLeadProcess).toBe(true);
  });

  it('when the deals reader reports an open or won deal, then the contact is past the lead stages', () => {
    expect(decideLeadProcess({ lifecycleStage: 'lead', signals: { openOrWonDeal: true } })).toEqual({ inLeadProcess: false, because: 'deal' });
    expect(decideLeadProcess({ lifecycleStage: 'lead', signals: { openOrWonDeal: false } }).inLeadProcess).toBe(true);
  });
});

describe('task rules', () => {
  it('when the contact is past the lead stages, then it gets no lead task', () => {
    expect(applicableTasks([draft('call_sql')], { inLeadProcess: false, because: 'lifecycle_stage', stage: 'customer' })).toEqual([]);
    expect(applicableTasks([draft('call_sql')], IN_LEAD_PROCESS)).toHaveLength(1);
  });

  it('when a task is still drafted, then it still applies', () => {
    expect(explainNoLongerApplies('call_sql', { qualification: 'sql', bant: bant('met'), leadProcess: IN_LEAD_PROCESS }, [draft('call_sql')])).toBeUndefined();
  });

  it('when a task no longer applies, then the reason names what changed', () => {
    const inLead = { bant: bant('met'), leadProcess: IN_LEAD_PROCESS };
    expect(explainNoLongerApplies('call_sql', { ...inLead, qualification: 'nurture' }, [])).toBe('Closed by the app: the contact is no longer sales-ready (now nurture).');
    expect(explainNoLongerApplies('call_sql', { ...inLead, qualification: 'disqualified', disqualifyReason: 'no_fit' }, [])).toBe(
      'Closed by the app: the contact is no longer sales-ready (now disqualified as no fit).',
    );
    expect(explainNoLongerApplies('qualify', { ...inLead, qualification: 'sql' }, [])).toMatch(/became sales-ready/);
    expect(explainNoLongerApplies('qualify', { ...inLead, qualification: 'mql' }, [])).toBe('Closed by the app: every BANT criterion is known now.');
    expect(explainNoLongerApplies('qualify', { bant: bant('unknown'), leadProcess: IN_LEAD_PROCESS, qualification: 'nurture' }, [])).toMatch(/no longer marketing-qualified \(now nurture\)/);
    expect(explainNoLongerApplies('follow_up', { ...inLead, qualification: 'nurture' }, [])).toMatch(/no longer planned beyond 12 months/);
    expect(explainNoLongerApplies('follow_up', { ...inLead, qualification: 'mql' }, [])).toMatch(/no longer in nurture \(now mql\)/);
    expect(explainNoLongerApplies('qualify', { ...inLead, qualification: 'mql', leadProcess: { inLeadProcess: false, because: 'deal' } }, [])).toMatch(/open or won deal/);
  });

  it('when a body is closed, then the reason is the last-but-one line, once', () => {
    const once = closedBody('a\nb\nbant-task: qualify\n', 'Closed by the app: x.');
    expect(once).toBe('a\nb\nClosed by the app: x.\nbant-task: qualify');
    expect(closedBody(once, 'Closed by the app: y.')).toBe('a\nb\nClosed by the app: y.\nbant-task: qualify');
  });
});
