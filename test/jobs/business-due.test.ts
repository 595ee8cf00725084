import { describe, expect, it } from 'vitest';
import { escalationDueAt, withBusinessDue } from '../../src/jobs/business-due.ts';
import type { TaskDraft } from '../../src/scoring/types.ts';
import { DEFAULT_SETTINGS } from '../../src/store/store.ts';
import { testModel } from './job-fixtures.ts';

const draft = (kind: TaskDraft['kind']): TaskDraft => ({ kind, subject: 's', body: `b\nbant-task: ${kind}`, priority: 'HIGH', dueAt: '2026-12-04T23:00:00.000Z' });

describe('business due times', () => {
  it('when a call task is drafted on Friday night, then it is due on Monday morning in the portal’s zone; other kinds keep their date', () => {
    const tasks = withBusinessDue([draft('call_sql'), draft('qualify')], { now: Date.parse('2026-12-04T22:00:00Z'), model: testModel(), settings: DEFAULT_SETTINGS, timeZone: 'Europe/Berlin' });
    expect(testModel().tasks.callSlaHours).toBe(1);
    expect(tasks.map((t) => t.dueAt)).toEqual(['2026-12-07T08:00:00.000Z', '2026-12-04T23:00:00.000Z']);
  });

  it("when the installation sets other hours and a 2 h SLA, then Saturday 15:30 is due on Monday 09:30 (1.5 h Saturday, 0.5 h Monday)", () => {
    const settings = { ...DEFAULT_SETTINGS, callSlaHours: 2, businessHours: { days: [1, 2, 3, 4, 5, 6], start: '09:00', end: '17:00' } };
    const [call] = withBusinessDue([draft('call_sql')], { now: Date.parse('2026-12-05T15:30:00Z'), model: testModel(), settings, timeZone: 'UTC' });
    expect(call?.dueAt).toBe('2026-12-07T09:30:00.000Z');
  });

  it('when a call was due on Friday at 17:00, then the escalation grace runs on into Monday', () => {
    expect(new Date(escalationDueAt('2026-12-04T16:00:00.000Z', 4, DEFAULT_SETTINGS, 'Europe/Berlin')).toISOString()).toBe('2026-12-07T10:00:00.000Z');
  });
});
