// A disconnect keeps what the admin made (issue #15 item 3): the portal's settings, active and draft model and model
// history stay in an inactive installation record without tokens, so a later install of the same portal restores
// them and says so. The records of the tasks it made stay too: a reinstall finds them (no second task of a kind) and
// counts today's against the per-rep budget. Everything else of the portal (queue, snapshots, history, outcomes,
// jobs, deferred tasks) goes. Not one transaction: a crash between the steps loses what was kept, which is what a
// disconnect did before.
import type { Installation, PortalId, Store } from './store.ts';

export async function retireInstallation(store: Store, portalId: PortalId, at: string): Promise<void> {
  const earlier = await store.getInstallation(portalId);
  const tasks = earlier ? (await store.listTaskRecords(portalId)).filter((r) => r.status !== 'deferred' && r.taskId) : [];
  await store.deleteInstallation(portalId);
  if (!earlier) return;
  const kept: Installation = {
    portalId,
    mode: earlier.mode,
    status: 'inactive',
    statusReason: 'disconnected from the admin console',
    installedAt: earlier.installedAt,
    scopes: [],
    settings: earlier.settings,
    disconnectedAt: earlier.disconnectedAt ?? at,
    ...(earlier.timeZone ? { timeZone: earlier.timeZone } : {}),
    ...(earlier.activeModel !== undefined ? { activeModel: earlier.activeModel } : {}),
    ...(earlier.modelHistory ? { modelHistory: earlier.modelHistory } : {}),
    ...(earlier.draftModel !== undefined ? { draftModel: earlier.draftModel } : {}),
    // Today's routing counts stay: a same-day reinstall does not give reps a second day's capacity.
    ...(earlier.leadRouting ? { leadRouting: earlier.leadRouting } : {}),
  };
  await store.putInstallation(kept);
  if (tasks.length) await store.putTaskRecords(tasks);
}
