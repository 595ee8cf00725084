// Settings per installation: lifecycle and lead-status sync, task kinds, SLA hours, escalation owner, task budget, Leads,
// language, lead routing.
import { type Request, Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { NotFoundError } from '../../errors.ts';
import { checkBusinessHours, DEFAULT_BUSINESS_HOURS } from '../../scoring/business-hours.ts';
import { formatIssues } from '../../scoring/model-schema.ts';
import { TASK_KINDS } from '../../scoring/types.ts';
import { LANGUAGES, type Language } from '../../scoring/catalogue.ts';
import { languageOf } from '../../store/installation-language.ts';
import { leadsStatusOf } from '../../leads/lead-scope.ts';
import { DEFAULT_SETTINGS, type InstallationSettings, type PortalId } from '../../store/store.ts';
import { InvalidInputError } from './invalid-input.ts';
import { sessionOf } from './session.ts';

const ownerId = z.string().trim().regex(/^\d+$/, 'expected a HubSpot owner id (digits)');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24 h), e.g. 08:00');
/** Working days (ISO weekdays, 1 = Monday) and hours the call SLA and escalations count, in the portal's time zone. */
const businessHours = z
  .strictObject({ days: z.array(z.number().int().min(1).max(7)).min(1, 'at least one working day'), start: hhmm, end: hhmm })
  .refine((h) => checkBusinessHours(h) === null, { message: 'the working day must end after it starts', path: ['end'] });

/** Lead routing: the team, an optional daily capacity per rep, optional weights per owner (default 1). */
const leadRouting = z.strictObject({
  enabled: z.boolean(),
  teamId: z.string().trim().regex(/^\d+$/, 'expected a HubSpot team id (digits)'),
  dailyCapacity: z.number().int('must be a whole number').min(1).max(1000).optional(),
  weights: z
    .array(z.strictObject({ ownerId, weight: z.number().min(0).max(100) }))
    .max(1000)
    .refine((list) => new Set(list.map((w) => w.ownerId)).size === list.length, { message: 'each owner at most once' })
    .optional(),
});

/** Empty fields mean "use the model's value". */
const settingsSchema = z.strictObject({
  syncLifecycleStage: z.boolean(),
  syncLeadStatus: z.boolean(),
  taskKinds: z.strictObject(Object.fromEntries(TASK_KINDS.map((k) => [k, z.boolean()])) as Record<(typeof TASK_KINDS)[number], z.ZodBoolean>),
  callSlaHours: z.number().positive('must be more than 0 hours').max(24 * 14, 'at most 336 hours (two weeks)').optional(),
  escalationOwnerId: ownerId.optional(),
  dailyTaskBudget: z.number().int('must be a whole number').min(1).max(1000).optional(),
  fallbackOwnerId: ownerId.optional(),
  businessHours: businessHours.optional(),
  leadRouting: leadRouting.optional(),
  leadsEnabled: z.boolean().optional(),
  /** Tasks, reasons, property labels and the card (without a user locale) in English or German. */
  language: z.enum(LANGUAGES, { message: `expected one of ${LANGUAGES.join(', ')}` }).optional(),
});

export function withDefaults(settings: Partial<InstallationSettings> | undefined): InstallationSettings {
  return { ...DEFAULT_SETTINGS, ...settings, taskKinds: { ...DEFAULT_SETTINGS.taskKinds, ...settings?.taskKinds }, language: languageOf(settings) };
}

/**
 * A new language: the app's HubSpot properties are relabelled at once (labels, descriptions and option labels; names
 * and values stay), and every contact is rescored so reasons and the app's open tasks are rewritten in it. The setting
 * is saved either way; a relabel HubSpot refuses is reported and repeated by the next install or language change.
 */
async function switchLanguage(ctx: AppContext, portalId: PortalId, language: Language): Promise<{ relabelled: boolean; rescore: 'queued'; error?: string }> {
  await ctx.store.enqueue([{ portalId, kind: 'backfill', key: 'all', payload: { reason: 'language_changed' }, notBefore: ctx.now() }]);
  try {
    await (await ctx.hubspot.forPortal(portalId)).provisionProperties(language);
    return { relabelled: true, rescore: 'queued' };
  } catch (error) {
    ctx.log.warn('the properties could not be relabelled in the new language', { portalId, language, error });
    return { relabelled: false, rescore: 'queued', error: error instanceof Error ? error.message : String(error) };
  }
}

export function createSettingsRouter(ctx: AppContext): Router {
  const router = Router();

  router.get('/settings', async (_req, res) => {
    const { portalId } = sessionOf(res);
    const installation = await ctx.store.getInstallation(portalId);
    if (!installation) throw new NotFoundError(`The app is no longer installed in portal ${portalId}`);
    const model = await ctx.modelFor(portalId);
    res.json({
      settings: withDefaults(installation.settings),
      modelDefaults: {
        callSlaHours: model.tasks.callSlaHours,
        escalationOwnerId: model.tasks.escalationOwnerId,
        dailyTaskBudget: model.tasks.dailyBudgetPerRep,
        businessHours: DEFAULT_BUSINESS_HOURS,
      },
      timeZone: installation.timeZone ?? null,
      // Whether the portal has Leads (the optional scopes granted at install), for the console's Leads switch.
      leads: leadsStatusOf(installation),
    });
  });

  router.put('/settings', async (req: Request, res) => {
    const { portalId } = sessionOf(res);
    const parsed = settingsSchema.safeParse(req.body);
    if (!parsed.success) throw new InvalidInputError(formatIssues(parsed.error), 'The settings are invalid');
    const installation = await ctx.store.getInstallation(portalId);
    const before = installation?.settings;
    if (parsed.data.leadsEnabled && !leadsStatusOf(installation).available) {
      throw new InvalidInputError([{ path: 'leadsEnabled', message: leadsStatusOf(installation).note ?? 'Leads are not available in this portal' }], 'The settings are invalid');
    }
    // A form that does not show the working hours, the language or the lead routing keeps those already set.
    const settings: InstallationSettings = { ...parsed.data };
    if (!settings.businessHours && before?.businessHours) settings.businessHours = before.businessHours;
    const keptLanguage = parsed.data.language ?? before?.language;
    if (keptLanguage) settings.language = keptLanguage;
    if (!settings.leadRouting && before?.leadRouting) settings.leadRouting = before.leadRouting;
    // The console does not edit weights: a routing without them keeps those set through the API (send [] to clear).
    else if (settings.leadRouting && !settings.leadRouting.weights && before?.leadRouting?.weights) settings.leadRouting = { ...settings.leadRouting, weights: before.leadRouting.weights };
    // Only the settings: a token refresh running at the same time keeps its new tokens.
    if (!(await ctx.store.updateInstallation(portalId, { settings }))) throw new NotFoundError(`The app is no longer installed in portal ${portalId}`);
    ctx.log.info('installation settings changed', { portalId });
    // Leads switched on: every contact is rescored once, so contacts already SQL get their lead too (src/leads/).
    if (settings.leadsEnabled && !before?.leadsEnabled) {
      await ctx.store.enqueue([{ portalId, kind: 'backfill', key: 'all', payload: { requestedAt: ctx.now() }, notBefore: ctx.now() }]);
      ctx.notifyWork();
      ctx.log.info('leads enabled; rescoring every contact', { portalId });
    }
    const language = languageOf(settings);
    const relabel = language === languageOf(before) ? undefined : await switchLanguage(ctx, portalId, language);
    res.json({ saved: true, settings, ...(relabel ? { language: relabel } : {}) });
  });

  // The escalation-owner choice; the only console read that asks HubSpot, and it may fail without harm.
  router.get('/owners', async (_req, res) => {
    const { portalId } = sessionOf(res);
    try {
      const client = await ctx.hubspot.forPortal(portalId);
      // Owners of deactivated users can take no task or lead: not offered.
      res.json({ owners: (await client.listOwners()).filter((o) => !o.deactivated) });
    } catch (error) {
      ctx.log.warn('owners could not be read for the console', { portalId, error });
      res.json({ owners: [], unavailable: true });
    }
  });

  return router;
}
