// The demo's "disconnect and reinstall" step (npm run demo -- --reinstall): the admin changes a setting, disconnects
// keeping the app's tasks open (the harder case: they stay in HubSpot), and installs again through OAuth. The app must
// restore the settings and model history, adopt its open tasks instead of duplicating them, and keep each rep's
// daily budget; the step prints what a rep and an admin would check.
import type { Portal } from '../standin/index.ts';
import { signInToConsole } from './console-api.ts';
import { checkTrust, describeTrust } from './trust-check.ts';

const CHANGED_SLA_HOURS = 6;

export interface ReinstallHooks {
  /** The OAuth install as the admin's browser does it; answers the install-complete page. */
  install: () => Promise<string>;
  /** Resolves once the app's queue is empty again. */
  settle: () => Promise<void>;
}

export async function demonstrateReinstall(appUrl: string, portal: Portal, say: (line?: string) => void, hooks: ReinstallHooks): Promise<void> {
  say('Disconnect and reinstall: an admin changes a setting, disconnects keeping the open tasks, and installs again …');
  // The backfill's task work may still be under way when every contact has its values.
  await hooks.settle();
  let api = await signInToConsole(appUrl);
  const { settings } = (await (await api('GET', '/admin/api/settings')).json()) as { settings: Record<string, unknown> };
  const saved = await api('PUT', '/admin/api/settings', { ...settings, callSlaHours: CHANGED_SLA_HOURS });
  if (!saved.ok) throw new Error(`saving the settings failed (${saved.status})`);
  const budget = Number(settings.dailyTaskBudget ?? 25);
  const openBefore = countOpenAppTasks(portal);
  const answer = (await (await api('POST', '/admin/api/disconnect', { confirmPortalId: portal.id, completeOpenTasks: false })).json()) as { disconnected?: boolean; kept?: string[] };
  if (!answer.disconnected) throw new Error('the disconnect was refused');
  say(`  Disconnected; kept in HubSpot: ${(answer.kept ?? []).join(', ')}; ${openBefore} open app tasks left open.`);
  const page = await hooks.install();
  await hooks.settle();
  api = await signInToConsole(appUrl);
  const after = ((await (await api('GET', '/admin/api/settings')).json()) as { settings: Record<string, unknown> }).settings;
  const restored = page.includes('data-restored') && after.callSlaHours === CHANGED_SLA_HOURS;
  say(`  Reinstalled: settings and model history ${restored ? `restored (call SLA ${after.callSlaHours} h, as set before the disconnect)` : 'NOT restored'}.`);
  say(`  ${countOpenAppTasks(portal)} open app tasks after the reinstall's backfill (${openBefore} before).`);
  say(`  Task trust: ${describeTrust(checkTrust(portal), budget)}`);
}

function countOpenAppTasks(portal: Portal): number {
  let n = 0;
  for (const task of portal.tasks.values()) if (!task.archived && task.props.hs_task_status !== 'COMPLETED' && (task.props.hs_task_body ?? '').includes('bant-task: ')) n += 1;
  return n;
}
