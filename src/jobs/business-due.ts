// The call SLA counts the portal's working hours (settings; default Monday to Friday 08:00–18:00 in the portal's
// time zone): the engine drafts a clock-time due date, this puts it into business time.
import { addBusinessTime, type BusinessHours, DEFAULT_BUSINESS_HOURS } from '../scoring/business-hours.ts';
import type { ScoringModel } from '../scoring/model-schema.ts';
import type { TaskDraft } from '../scoring/types.ts';
import type { InstallationSettings } from '../store/store.ts';

const HOUR_MS = 60 * 60 * 1000;

export function businessHoursOf(settings: Pick<InstallationSettings, 'businessHours'>): BusinessHours {
  return settings.businessHours ?? DEFAULT_BUSINESS_HOURS;
}

/** call_sql drafts due `callSlaHours` of working time from `now` (the installation's override, else the model's). */
export function withBusinessDue(
  tasks: TaskDraft[],
  args: { now: number; model: ScoringModel; settings: InstallationSettings; timeZone: string | undefined },
): TaskDraft[] {
  const slaHours = args.settings.callSlaHours ?? args.model.tasks.callSlaHours;
  return tasks.map((task) =>
    task.kind === 'call_sql'
      ? { ...task, dueAt: new Date(addBusinessTime(args.now, slaHours * HOUR_MS, businessHoursOf(args.settings), args.timeZone ?? 'UTC')).toISOString() }
      : task,
  );
}

/** When an escalation is due: the grace period counted in working time after the call's due time. */
export function escalationDueAt(callDueAt: string, graceHours: number, settings: InstallationSettings, timeZone: string | undefined): number {
  return addBusinessTime(Date.parse(callDueAt), graceHours * HOUR_MS, businessHoursOf(settings), timeZone ?? 'UTC');
}
