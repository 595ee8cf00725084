// Disconnecting the app (docs/contract.md section 4 and the issue "tasks reps can trust"): the app's open tasks would
// otherwise stay on reps' lists with nobody to close them. Before the app lets go of the portal it completes them,
// each with a last-but-one body line saying why (the admin may opt out). The contact properties stay in HubSpot.
import { MESSAGES } from '../scoring/messages.ts';
import { languageOf } from '../store/installation-language.ts';
import type { AppContext } from '../app-context.ts';
import type { PortalId } from '../store/store.ts';
import { completeStaleTasks } from './close-stale-tasks.ts';

export const DISCONNECT_REASON = MESSAGES.in('en')('closed.disconnected');

/** What stays in HubSpot after a disconnect, for the admin to read before confirming. */
export const KEPT_AFTER_DISCONNECT = [
  'the contact and company properties in the group "BANT lead scoring" and their values',
  'the sales feedback reps entered',
  'the tasks the app created (open ones are completed unless you choose otherwise; nothing is deleted)',
  'in the app: your settings and model history, restored if you install the app in this portal again',
];

/**
 * Completes every open task the app recorded for the portal: how many HubSpot completed, and why not all when
 * HubSpot could not be reached (the disconnect goes on: the admin asked for it, and the tasks stay as they are).
 */
export async function completeOpenAppTasks(ctx: AppContext, portalId: PortalId): Promise<{ completed: number; open: number; error?: string }> {
  const open = (await ctx.store.listTaskRecords(portalId, { status: 'open' })).filter((r) => r.taskId);
  if (open.length === 0) return { completed: 0, open: 0 };
  try {
    const client = await ctx.hubspot.forPortal(portalId);
    const why = MESSAGES.in(languageOf((await ctx.store.getInstallation(portalId))?.settings))('closed.disconnected');
    const outcome = await completeStaleTasks(
      client,
      open.map((record) => ({ record, why })),
    );
    await ctx.store.putTaskRecords(outcome.records);
    ctx.log.info('disconnect: open app tasks completed', { portalId, completed: outcome.completed, open: open.length });
    return { completed: outcome.completed, open: open.length };
  } catch (error) {
    ctx.log.warn('disconnect: the open app tasks could not be completed', { portalId, open: open.length, error });
    return { completed: 0, open: open.length, error: 'HubSpot could not be reached to complete the open tasks; they stay open' };
  }
}
