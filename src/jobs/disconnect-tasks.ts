// Disconnecting the app (CONTRACT.md section 4 and the issue "tasks reps can trust"): the app's open tasks would
// otherwise stay on reps' lists with nobody to close them. Before the app lets go of the portal it completes them,
// each with a last-but-one body line saying why (the admin may opt out). The contact properties stay in HubSpot.
import type { AppContext } from '../app-context.ts';
import type { PortalId } from '../store/store.ts';
import { completeStaleTasks } from './close-stale-tasks.ts';

export const DISCONNECT_REASON = 'Closed by the app: the BANT scoring app was disconnected from this portal.';

/** What stays in HubSpot after a disconnect, for the admin to read before confirming. */
export const KEPT_AFTER_DISCONNECT = [
  'the contact and company properties in the group "BANT lead scoring" and their values',
  'the sales feedback reps entered',
  'the tasks the app created (open ones are completed unless you choose otherwise; nothing is deleted)',
];

/** Completes every open task the app recorded for the portal; returns how many HubSpot completed. */
export async function completeOpenAppTasks(ctx: AppContext, portalId: PortalId): Promise<number> {
  const open = (await ctx.store.listTaskRecords(portalId, { status: 'open' })).filter((r) => r.taskId);
  if (open.length === 0) return 0;
  const client = await ctx.hubspot.forPortal(portalId);
  const outcome = await completeStaleTasks(
    client,
    open.map((record) => ({ record, why: DISCONNECT_REASON })),
  );
  await ctx.store.putTaskRecords(outcome.records);
  ctx.log.info('disconnect: open app tasks completed', { portalId, completed: outcome.completed, open: open.length });
  return outcome.completed;
}
