// Which scoring model a portal uses: its installation's active model, else the default (SCORING_MODEL).
import type { Logger } from './log.ts';
import { parseModel } from './scoring/index.ts';
import type { ScoringModel } from './scoring/model-schema.ts';
import type { Installation, PortalId, Store } from './store/store.ts';

export function createModelRegistry(deps: { store: Store; defaultModel: ScoringModel; log: Logger }) {
  // Parsed models keyed by their stored JSON, so a portal's model is validated once, not per rescore.
  const parsed = new Map<string, ScoringModel>();

  async function modelFor(portalId: PortalId, known?: Installation): Promise<ScoringModel> {
    const installation = known ?? (await deps.store.getInstallation(portalId));
    if (!installation?.activeModel) return deps.defaultModel;
    const key = JSON.stringify(installation.activeModel);
    const cached = parsed.get(key);
    if (cached) return cached;
    const result = parseModel(installation.activeModel);
    if (!result.ok) {
      deps.log.error('stored model is invalid; using the default model', { portalId, issues: result.issues.slice(0, 5) });
      return deps.defaultModel;
    }
    if (parsed.size > 100) parsed.clear();
    parsed.set(key, result.model);
    return result.model;
  }

  return { modelFor };
}
