// Activating a model, from a draft or by restoring an earlier version: it becomes active, enters the history with who
// did it, and every contact is rescored.
import type { AppContext } from '../../app-context.ts';
import { NotFoundError } from '../../errors.ts';
import type { ScoringModel } from '../../scoring/model-schema.ts';
import type { Installation, InstallationPatch } from '../../store/store.ts';

export type ModelHistoryEntry = NonNullable<Installation['modelHistory']>[number];

export async function activateModel(
  ctx: AppContext,
  installation: Installation,
  args: { model: ScoringModel; json: unknown; activatedBy?: string; restoredFrom?: string; keepDraft?: boolean },
): Promise<ModelHistoryEntry> {
  const entry: ModelHistoryEntry = {
    version: args.model.version,
    activatedAt: new Date(ctx.now()).toISOString(),
    model: args.json,
    ...(args.activatedBy ? { activatedBy: args.activatedBy } : {}),
    ...(args.restoredFrom ? { restoredFrom: args.restoredFrom } : {}),
  };
  const patch: InstallationPatch = { activeModel: args.json, modelHistory: [...(installation.modelHistory ?? []), entry] };
  if (!args.keepDraft) patch.draftModel = undefined;
  // Only the model fields, so a token refresh at the same time keeps its tokens.
  if (!(await ctx.store.updateInstallation(installation.portalId, patch))) throw new NotFoundError(`The app is no longer installed in portal ${installation.portalId}`);
  await ctx.store.enqueue([{ portalId: installation.portalId, kind: 'backfill', key: 'all', payload: { reason: 'model_activated' }, notBefore: ctx.now() }]);
  ctx.notifyWork();
  ctx.log.info('scoring model activated; rescoring every contact', { portalId: installation.portalId, version: entry.version, restoredFrom: entry.restoredFrom });
  return entry;
}
