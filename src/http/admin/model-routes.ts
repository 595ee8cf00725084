// The scoring model in the console: view the active one, keep a draft (validated on every save, errors with their
// paths), what-if on the stored snapshots, activate (history kept, every contact rescored), and the history.
import { type Request, type Response, Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { NotFoundError } from '../../errors.ts';
import { type ModelIssue, parseModel, type ScoringModel } from '../../scoring/model-schema.ts';
import type { Installation, InstallationPatch } from '../../store/store.ts';
import { activateModel } from './activate-model.ts';
import { InvalidInputError } from './invalid-input.ts';
import { sessionOf } from './session.ts';
import { runWhatIf } from './what-if.ts';

export async function installationOf(ctx: AppContext, res: Response): Promise<Installation> {
  const { portalId } = sessionOf(res);
  const installation = await ctx.store.getInstallation(portalId);
  if (!installation) throw new NotFoundError(`The app is no longer installed in portal ${portalId}`);
  return installation;
}

/** Writes only the model fields, so a token refresh at the same time keeps its tokens (and the save its model). */
async function updateModelFields(ctx: AppContext, portalId: number, patch: InstallationPatch): Promise<void> {
  if (!(await ctx.store.updateInstallation(portalId, patch))) throw new NotFoundError(`The app is no longer installed in portal ${portalId}`);
}

function issuesOf(draft: unknown): ModelIssue[] {
  if (draft === undefined) return [];
  const parsed = parseModel(draft);
  return parsed.ok ? [] : parsed.issues;
}

/** A version already used by the active model or an earlier one would make `bant_model_version` ambiguous. */
export function versionIssues(installation: Installation, model: ScoringModel, defaultModel: ScoringModel): ModelIssue[] {
  const used = new Set([defaultModel.version, ...(installation.modelHistory ?? []).map((h) => h.version)]);
  const active = parseModel(installation.activeModel ?? defaultModel);
  if (active.ok) used.add(active.model.version);
  return used.has(model.version) ? [{ path: 'version', message: `version "${model.version}" is already used; give the draft a new version` }] : [];
}

function requireValidDraft(installation: Installation, body: unknown): ScoringModel {
  const candidate = body ?? installation.draftModel;
  if (candidate === undefined) throw new InvalidInputError([{ path: '', message: 'there is no draft; save one first' }], 'No draft model');
  const parsed = parseModel(candidate);
  if (!parsed.ok) throw new InvalidInputError(parsed.issues, 'The draft model is invalid');
  return parsed.model;
}

export function createModelRouter(ctx: AppContext): Router {
  const router = Router();

  router.get('/model', async (_req, res) => {
    const installation = await installationOf(ctx, res);
    const active = await ctx.modelFor(installation.portalId);
    res.json({
      active: { version: active.version, isDefault: installation.activeModel === undefined, model: installation.activeModel ?? ctx.defaultModel },
      draft: installation.draftModel === undefined ? null : { model: installation.draftModel, issues: issuesOf(installation.draftModel) },
      history: (installation.modelHistory ?? []).map((h) => ({ version: h.version, activatedAt: h.activatedAt, activatedBy: h.activatedBy ?? null, restoredFrom: h.restoredFrom ?? null })).reverse(),
    });
  });

  router.get('/model/history/:version', async (req, res) => {
    const installation = await installationOf(ctx, res);
    const entry = (installation.modelHistory ?? []).find((h) => h.version === req.params.version);
    if (!entry) throw new NotFoundError(`No model version "${req.params.version}" in this portal's history`);
    res.json(entry);
  });

  // Saves the draft even when invalid, so work is never lost; the answer lists every problem with its path.
  router.put('/model/draft', async (req: Request, res) => {
    const body = req.body as { model?: unknown } | undefined;
    if (!body || body.model === undefined) throw new InvalidInputError([{ path: '', message: 'expected {"model": {...}}' }]);
    const installation = await installationOf(ctx, res);
    const parsed = parseModel(body.model);
    const issues = parsed.ok ? versionIssues(installation, parsed.model, ctx.defaultModel) : parsed.issues;
    await updateModelFields(ctx, installation.portalId, { draftModel: body.model });
    res.json({ saved: true, valid: issues.length === 0, issues });
  });

  router.delete('/model/draft', async (_req, res) => {
    const { portalId } = sessionOf(res);
    await updateModelFields(ctx, portalId, { draftModel: undefined });
    res.json({ deleted: true });
  });

  router.post('/model/what-if', async (req: Request, res) => {
    const installation = await installationOf(ctx, res);
    const draft = requireValidDraft(installation, (req.body as { model?: unknown } | undefined)?.model);
    const active = await ctx.modelFor(installation.portalId);
    res.json(
      await runWhatIf({
        store: ctx.store,
        portalId: installation.portalId,
        draft,
        active,
        nowMs: ctx.now(),
        appBaseUrl: ctx.config.HUBSPOT_AUTH_BASE_URL,
        enabledTaskKinds: installation.settings.taskKinds,
      }),
    );
  });

  router.post('/model/activate', async (_req, res) => {
    const installation = await installationOf(ctx, res);
    const model = requireValidDraft(installation, undefined);
    const clash = versionIssues(installation, model, ctx.defaultModel);
    if (clash.length) throw new InvalidInputError(clash, clash[0]?.message);
    const { activatedAt } = await activateModel(ctx, installation, { model, json: installation.draftModel, activatedBy: sessionOf(res).user ?? `portal ${installation.portalId} admin` });
    res.json({ activated: true, version: model.version, activatedAt, rescore: 'queued' });
  });

  return router;
}
