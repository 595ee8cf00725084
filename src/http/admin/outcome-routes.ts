// What the outcomes teach, per portal (issue #13 sections 2, 5, 6): a contact's score history, the evaluation of the
// active model on the portal's outcomes with the funnel, and a calibrated model proposed as the draft. A proposal
// is never activated here: the admin reviews it (what-if) and activates it through the model routes.
import { type Request, Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { NotFoundError } from '../../errors.ts';
import { checkPickedProperties } from '../../outcomes/candidate-properties.ts';
import { outcomeSourcesOf } from '../../outcomes/deal-scope.ts';
import { candidatePropertiesFor, loadExamples, loadFunnel } from '../../outcomes/portal-outcomes.ts';
import { describeChanges } from '../../outcomes/score-history.ts';
import { buildTimeline } from '../../outcomes/score-timeline.ts';
import { calibrateModel, MIN_OUTCOMES_PER_CLASS } from '../../scoring/calibrate.ts';
import { evaluateOutcomes } from '../../scoring/evaluate.ts';
import type { Installation } from '../../store/store.ts';
import { describeContact } from './describe-contact.ts';
import { InvalidInputError } from './invalid-input.ts';
import { sessionOf } from './session.ts';

const CONTACT_ID = /^\d{1,20}$/;

async function installationOf(ctx: AppContext, portalId: number): Promise<Installation> {
  const installation = await ctx.store.getInstallation(portalId);
  if (!installation) throw new NotFoundError(`The app is no longer installed in portal ${portalId}`);
  return installation;
}

/** What is missing for a fair measure, or undefined when both outcomes are there. */
function tooLittle(won: number, lost: number, minimum: number): string | undefined {
  if (won >= minimum && lost >= minimum) return undefined;
  return `Too little data: ${won} won and ${lost} lost outcomes with features; at least ${minimum} of each are needed. Outcomes come from deals won and lost, the sales feedback property and contacts becoming customers.`;
}

/**
 * Whether HubSpot has a contact the app has not scored: one batch read (no company, no properties beyond the
 * defaults). null when HubSpot could not be asked; an error is "unknown", never "does not exist".
 */
async function existsInHubSpot(ctx: AppContext, portalId: number, contactId: string): Promise<boolean | null> {
  try {
    const client = await ctx.hubspot.forPortal(portalId);
    return (await client.readContacts([contactId], { contact: [], company: [] })).has(contactId);
  } catch (error) {
    ctx.log.warn('could not check whether a contact exists', { portalId, error });
    return null;
  }
}

function historyMessage(contactId: string, scored: boolean, exists: boolean | null, changes: number): string | null {
  if (!scored && exists === false) return `Contact ${contactId} does not exist in HubSpot (or was deleted).`;
  if (!scored && exists === true) return `Contact ${contactId} exists in HubSpot but has not been scored yet: it is scored within minutes of its next change, or by the next backfill.`;
  if (!scored) return `Contact ${contactId} has not been scored by the app; whether HubSpot has it could not be checked just now.`;
  if (changes === 0) return `Contact ${contactId} is scored, but no change of its score has been recorded yet: the history starts with the next rescore that changes something.`;
  return null;
}

export function createOutcomeRouter(ctx: AppContext): Router {
  const router = Router();

  router.get('/contacts/:contactId/history', async (req, res) => {
    const { portalId } = sessionOf(res);
    const contactId = String(req.params.contactId);
    if (!CONTACT_ID.test(contactId)) throw new InvalidInputError([{ path: 'contactId', message: 'a contact id is digits only' }]);
    const [history, outcomes, snapshots] = await Promise.all([
      ctx.store.getScoreHistory(portalId, [contactId]),
      ctx.store.listOutcomes(portalId, [contactId]),
      ctx.store.getSnapshots(portalId, [contactId]),
    ]);
    const changes = history.get(contactId) ?? [];
    const snapshot = snapshots.get(contactId);
    const scored = snapshot !== undefined;
    const exists = scored ? true : await existsInHubSpot(ctx, portalId, contactId);
    res.json({
      contactId,
      scored,
      exists,
      contact: snapshot ? describeContact(snapshot, ctx.config.HUBSPOT_AUTH_BASE_URL) : null,
      changes,
      summary: describeChanges(changes, changes.length),
      timeline: buildTimeline(changes, outcomes),
      outcomes: outcomes.map(({ features: _features, ...o }) => o),
      message: historyMessage(contactId, scored, exists, changes.length),
    });
  });

  router.get('/outcomes/evaluate', async (_req, res) => {
    const installation = await installationOf(ctx, sessionOf(res).portalId);
    const model = await ctx.modelFor(installation.portalId);
    const [set, funnel] = await Promise.all([loadExamples(ctx, installation), loadFunnel(ctx.store, installation.portalId)]);
    // Ranking needs both outcomes; anything fewer than a handful of each would be noise dressed as a number.
    const missing = tooLittle(set.won, set.lost, 1);
    res.json({
      sources: outcomeSourcesOf(installation),
      outcomes: { won: set.won, lost: set.lost, withoutFeatures: set.withoutFeatures, firstSight: set.firstSight, period: set.period },
      model: { version: model.version },
      evaluation: missing ? null : evaluateOutcomes(model, set.examples),
      ...(missing ? { message: missing, minimumPerOutcome: 1 } : {}),
      funnel,
    });
  });

  router.post('/outcomes/calibrate', async (req: Request, res) => {
    const installation = await installationOf(ctx, sessionOf(res).portalId);
    const picked = checkPickedProperties((req.body as { properties?: unknown } | undefined)?.properties);
    if (!picked.ok) throw new InvalidInputError([{ path: 'properties', message: picked.message }], picked.message);
    if (picked.properties.length) {
      // From now on every rescore reads them, so the next proposal has their values from before each outcome.
      await ctx.store.updateInstallation(installation.portalId, { settings: { ...installation.settings, calibrationProperties: picked.properties } });
    }
    const base = await ctx.modelFor(installation.portalId);
    const set = await loadExamples(ctx, installation);
    const missing = tooLittle(set.won, set.lost, MIN_OUTCOMES_PER_CLASS);
    if (missing) {
      res.status(422).json({ error: { code: 'too_little_data', message: missing }, outcomes: { won: set.won, lost: set.lost, withoutFeatures: set.withoutFeatures }, minimumPerOutcome: MIN_OUTCOMES_PER_CLASS });
      return;
    }
    const candidateProperties = candidatePropertiesFor(base, picked.properties.length ? picked.properties : installation.settings.calibrationProperties);
    const result = calibrateModel(base, set.examples, { candidateProperties, seed: installation.portalId, now: new Date(ctx.now()).toISOString() });
    if (!result.ok) {
      res.status(422).json({ error: { code: 'calibration_refused', message: result.reason }, details: result.details });
      return;
    }
    await ctx.store.updateInstallation(installation.portalId, { draftModel: result.model });
    ctx.log.info('calibrated model proposed as the draft', { portalId: installation.portalId, version: result.model.version, outcomes: set.examples.length });
    res.json({ proposed: true, version: result.model.version, activate: 'POST /admin/api/model/activate after review', candidateProperties, report: result.report, model: result.model });
  });

  return router;
}
