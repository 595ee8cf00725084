// docs/contract.md section 4: call_sql, qualify and follow_up drafts, with the kind on the body's last line.
import { describe, expect, it } from 'vitest';
import { score } from '../../src/scoring/index.ts';
import type { Activity, PropertyBag } from '../../src/scoring/types.ts';
import { activity, DAY, model, modelWith, NOW, profile } from './fixtures.ts';

const ceo = { email: 'anna@muster-anlagenbau.de', firstname: 'Anna', lastname: 'Schmidt', jobtitle: 'Geschäftsführerin' };
const company = { name: 'Muster Anlagenbau GmbH', numberofemployees: '12000', industry: 'MACHINERY' };
const hot: Activity[] = [activity('event_attendance', 2), activity('webinar_attendance', 3), activity('webinar_registration', 4)];

function tasksOf(contact: PropertyBag, activities: Activity[] = [], m = model) {
  return score(profile(contact, company, activities), m, NOW).tasks;
}

describe('tasks', () => {
  it('when the contact is sql, then a HIGH call_sql task is due within the call SLA and names the contact', () => {
    const [task, ...rest] = tasksOf({ ...ceo, bant_budget_answer: 'approved', bant_need_answer: 'acute', bant_timeline_answer: 'lt_3_months' }, hot);
    expect(rest).toEqual([]);
    expect(task).toMatchObject({
      kind: 'call_sql',
      priority: 'HIGH',
      subject: 'Call now: Anna Schmidt (Muster Anlagenbau GmbH) is sales-ready',
      dueAt: new Date(NOW + 3_600_000).toISOString(),
    });
    const lines = task!.body.split('\n');
    expect(lines.at(-1)).toBe('bant-task: call_sql');
    expect(lines[0]).toBe('Anna Schmidt (Muster Anlagenbau GmbH), Geschäftsführerin, anna@muster-anlagenbau.de');
    expect(task!.body).toContain('[x] Budget met: Budget approved');
    expect(task!.body).toContain('[~] Authority partial');
    expect(task!.body).toMatch(/Why:\n\+40 fit: position/);
  });

  it('when the model’s call SLA is 4 hours, then call_sql is due in 4 hours', () => {
    const m = modelWith((x) => {
      x.tasks.callSlaHours = 4;
    });
    const [task] = tasksOf({ ...ceo, bant_budget_answer: 'approved', bant_need_answer: 'acute', bant_timeline_answer: 'lt_3_months' }, [], m);
    expect(task?.dueAt).toBe(new Date(NOW + 4 * 3_600_000).toISOString());
  });

  it('when the contact is mql with unknown criteria, then a qualify task lists exactly those with the question to ask', () => {
    const [task] = tasksOf({ ...ceo, bant_budget_answer: 'planned' }, hot);
    expect(task).toMatchObject({ kind: 'qualify', priority: 'MEDIUM', subject: 'Qualify Anna Schmidt (Muster Anlagenbau GmbH): ask about need, timeline' });
    expect(task!.dueAt).toBe(new Date(NOW + 2 * DAY).toISOString());
    expect(task!.body).toContain(`- Need: ${model.bant.need.question}`);
    expect(task!.body).toContain(`- Timeline: ${model.bant.timeline.question}`);
    expect(task!.body).not.toContain('- Budget:');
    expect(task!.body.split('\n').at(-1)).toBe('bant-task: qualify');
  });

  it('when the contact is mql with nothing unknown, then there is nothing to qualify', () => {
    expect(tasksOf({ ...ceo, bant_budget_answer: 'planned', bant_need_answer: 'latent', bant_timeline_answer: '6_12_months', bant_authority_answer: 'influencer' }, hot)).toEqual([]);
  });

  it('when the contact is nurture with a timeline beyond 12 months, then a follow_up is due after the model’s delay', () => {
    const [task] = tasksOf({ ...ceo, bant_timeline_answer: 'gt_12_months' });
    expect(task).toMatchObject({ kind: 'follow_up', priority: 'LOW', dueAt: new Date(NOW + 180 * DAY).toISOString() });
    expect(task!.body.split('\n').at(-1)).toBe('bant-task: follow_up');
  });

  it('when the contact is plain nurture or disqualified, then no task is drafted', () => {
    expect(tasksOf(ceo)).toEqual([]);
    expect(tasksOf({ ...ceo, jobtitle: 'Werkstudent', bant_timeline_answer: 'gt_12_months' }, hot)).toEqual([]);
  });

  it('when the contact has no name, then the subject falls back to the e-mail address', () => {
    const [task] = score(
      profile({ email: 'info@firma.de', bant_budget_answer: 'approved', bant_need_answer: 'acute', bant_timeline_answer: 'lt_3_months', hs_buying_role: 'DECISION_MAKER' }, null),
      model,
      NOW,
    ).tasks;
    expect(task?.subject).toBe('Call now: info@firma.de is sales-ready');
  });
});
