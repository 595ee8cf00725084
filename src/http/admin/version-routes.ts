// Model versions in the console: every version with who activated it when, one version's content, the diff of any
// two (or of the draft), and restoring an old version as a new one (activated at once, every contact rescored).
import { type Request, Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { NotFoundError } from '../../errors.ts';
import { parseModel } from '../../scoring/model-schema.ts';
import type { Installation } from '../../store/store.ts';
import { activateModel } from './activate-model.ts';
import { InvalidInputError } from './invalid-input.ts';
import { diffModels } from './model-diff.ts';
import { installationOf, versionIssues } from './model-routes.ts';
import { sessionOf } from './session.ts';

const activeJsonOf = (ctx: AppContext, installation: Installation) => installation.activeModel ?? ctx.defaultModel;
const versionOf = (json: unknown) => (json && typeof json === 'object' && Object.hasOwn(json, 'version') ? String((json as { version: unknown }).version) : '');

/** `draft`, `active`, the shipped default's version or one from the history. */
function modelNamed(ctx: AppContext, installation: Installation, name: string): unknown {
  if (name === 'draft') {
    if (installation.draftModel === undefined) throw new NotFoundError('There is no draft');
    return installation.draftModel;
  }
  if (name === 'active') return activeJsonOf(ctx, installation);
  const entry = (installation.modelHistory ?? []).findLast((h) => h.version === name);
  if (entry) return entry.model;
  if (name === ctx.defaultModel.version) return ctx.defaultModel;
  throw new NotFoundError(`No model version "${name}" in this portal's history`);
}

/** `2026.1-restored`, or `2026.1-restored-2` when that is taken too. */
function restoredVersion(ctx: AppContext, installation: Installation, from: string): string {
  const used = new Set([ctx.defaultModel.version, versionOf(activeJsonOf(ctx, installation)), ...(installation.modelHistory ?? []).map((h) => h.version)]);
  const base = `${from}-restored`;
  let candidate = base;
  for (let n = 2; used.has(candidate); n += 1) candidate = `${base}-${n}`;
  return candidate;
}

export function createVersionRouter(ctx: AppContext): Router {
  const router = Router();

  router.get('/model/versions', async (_req, res) => {
    const installation = await installationOf(ctx, res);
    const activeVersion = versionOf(activeJsonOf(ctx, installation));
    const history = installation.modelHistory ?? [];
    const versions = history
      .map((h, i) => ({
        version: h.version,
        activatedAt: h.activatedAt,
        activatedBy: h.activatedBy ?? null,
        restoredFrom: h.restoredFrom ?? null,
        active: i === history.length - 1 && installation.activeModel !== undefined,
      }))
      .reverse();
    versions.push({ version: ctx.defaultModel.version, activatedAt: installation.installedAt, activatedBy: 'shipped with the app', restoredFrom: null, active: installation.activeModel === undefined });
    res.json({ active: activeVersion, hasDraft: installation.draftModel !== undefined, versions });
  });

  router.get('/model/versions/:version', async (req, res) => {
    const installation = await installationOf(ctx, res);
    res.json({ version: req.params.version, model: modelNamed(ctx, installation, String(req.params.version)) });
  });

  router.get('/model/diff', async (req: Request, res) => {
    const installation = await installationOf(ctx, res);
    const from = typeof req.query.from === 'string' ? req.query.from : 'active';
    const to = typeof req.query.to === 'string' ? req.query.to : 'draft';
    res.json({ from, to, changes: diffModels(modelNamed(ctx, installation, from), modelNamed(ctx, installation, to)) });
  });

  router.post('/model/versions/:version/restore', async (req, res) => {
    const installation = await installationOf(ctx, res);
    const from = String(req.params.version);
    const old = modelNamed(ctx, installation, from);
    const version = restoredVersion(ctx, installation, from);
    const json = { ...(old as Record<string, unknown>), version };
    const parsed = parseModel(json);
    if (!parsed.ok) throw new InvalidInputError(parsed.issues, `Version "${from}" no longer validates; open it as a draft and fix it`);
    const clash = versionIssues(installation, parsed.model, ctx.defaultModel);
    if (clash.length) throw new InvalidInputError(clash, clash[0]?.message);
    const entry = await activateModel(ctx, installation, {
      model: parsed.model,
      json,
      activatedBy: sessionOf(res).user ?? `portal ${installation.portalId} admin`,
      restoredFrom: from,
      keepDraft: true,
    });
    res.json({ restored: true, version: entry.version, restoredFrom: from, activatedAt: entry.activatedAt, rescore: 'queued' });
  });

  return router;
}
