// The transport-free dispatcher: verified, parsed events in; durable work items out, in one store call.
// No HubSpot calls here: HubSpot gives a delivery 5 s and retries every failure (docs/hubspot-platform.md §1.4, §8.4).
import type { AppContext } from '../app-context.ts';
import { ROLLUP_PROPERTIES } from '../hubspot/map-activities.ts';
import { modelInputs } from '../scoring/index.ts';
import type { EventKey, PortalId, WorkItem } from '../store/store.ts';
import { classifyEventsByKey, coalesceItems, type IgnoreReason, type PortalView } from './classify-events.ts';
import type { HubSpotEvent } from './event-schema.ts';

export interface IntakeSummary {
  events: number;
  /** Events that cause work and were not seen before. */
  fresh: number;
  duplicates: number;
  /** Work items handed to the store (after coalescing within the delivery). */
  enqueued: number;
  /** The earliest notBefore of those items (epoch ms): when the first of them becomes due. */
  dueAt?: number;
  ignored: Partial<Record<IgnoreReason, number>>;
}

export interface Intake {
  /** Classifies and persists; resolves once the work is durable. Throws only if the store fails (then 5xx, HubSpot retries). */
  receive(events: HubSpotEvent[]): Promise<IntakeSummary>;
}

export interface IntakeOptions {
  /** How long what is known about an installed portal (its model's inputs) is reused, ms. */
  portalCacheMs?: number;
  /** The same for portals that are not installed (short, so a fresh install is seen soon). */
  absentCacheMs?: number;
}

const EVENTS_METRIC = 'bant_webhook_events_total';
const NOT_INSTALLED: PortalView = { installed: false, contactInputs: new Set(), companyInputs: new Set() };
const EVENTS_HELP = 'Webhook events received, by outcome';

export function createIntake(ctx: AppContext, options: IntakeOptions = {}): Intake {
  const resolvePortals = createPortalResolver(ctx, options);
  return {
    async receive(events) {
      const now = ctx.now();
      const views = await resolvePortals(portalsOf(events), now);
      const classification = classifyEventsByKey(events, {
        appId: ctx.config.HUBSPOT_APP_ID,
        now,
        rescoreDelayMs: ctx.config.RESCORE_DELAY_MS,
        portal: (portalId) => views.get(portalId) ?? NOT_INSTALLED,
      });
      const { fresh, enqueued, dueAt } = await persistAccepted(ctx, classification.accepted, now);
      const absent = [...views].filter(([, view]) => !view.installed).map(([portalId]) => portalId);
      recordOutcome(ctx, absent, classification.ignored, fresh, classification.accepted.size - fresh);
      return { events: events.length, fresh, duplicates: classification.accepted.size - fresh, enqueued, ignored: classification.ignored, ...(dueAt === undefined ? {} : { dueAt }) };
    },
  };
}

/** The distinct portals of a delivery (usually one), in order of appearance. */
function portalsOf(events: HubSpotEvent[]): PortalId[] {
  const portals = new Set<PortalId>();
  for (const event of events) portals.add(event.portalId);
  return [...portals];
}

/** One durable step: remember the keys and enqueue the fresh keys' work (Store.acceptEvents). */
async function persistAccepted(ctx: AppContext, accepted: Map<EventKey, WorkItem[]>, now: number): Promise<{ fresh: number; enqueued: number; dueAt: number | undefined }> {
  if (accepted.size === 0) return { fresh: 0, enqueued: 0, dueAt: undefined };
  const keys = [...accepted.keys()];
  let enqueued = 0;
  let dueAt: number | undefined;
  const itemsFor = (freshKeys: EventKey[]): WorkItem[] => {
    const all: WorkItem[] = [];
    for (const key of freshKeys) {
      const items = accepted.get(key);
      if (items) for (const item of items) all.push(item);
    }
    const items = coalesceItems(all);
    enqueued = items.length;
    dueAt = items.reduce<number | undefined>((earliest, item) => (earliest === undefined || item.notBefore < earliest ? item.notBefore : earliest), undefined);
    return items;
  };
  if (ctx.store.acceptEvents) {
    const fresh = await ctx.store.acceptEvents(keys, now, itemsFor);
    return { fresh: fresh.length, enqueued, dueAt };
  }
  // Without the combined call, enqueue first: a crash in between then costs a redundant rescore, never a lost event.
  await ctx.store.enqueue(itemsFor(keys));
  const fresh = await ctx.store.rememberEvents(keys, now);
  return { fresh: fresh.length, enqueued, dueAt };
}

function recordOutcome(ctx: AppContext, absentPortals: PortalId[], ignored: Partial<Record<IgnoreReason, number>>, fresh: number, duplicates: number): void {
  if (fresh) ctx.metrics.inc(EVENTS_METRIC, EVENTS_HELP, { outcome: 'accepted' }, fresh);
  if (duplicates) ctx.metrics.inc(EVENTS_METRIC, EVENTS_HELP, { outcome: 'duplicate' }, duplicates);
  for (const [reason, count] of Object.entries(ignored)) ctx.metrics.inc(EVENTS_METRIC, EVENTS_HELP, { outcome: reason }, count);
  if (ignored.not_installed) {
    ctx.metrics.inc('bant_webhook_events_not_installed_total', 'Webhook events dropped because their portal is not installed', {}, ignored.not_installed);
    ctx.log.warn('webhook events for portals that are not installed were dropped', { count: ignored.not_installed, portals: absentPortals.slice(0, 20) });
  }
}

/** Installed? Which contact and company properties does its model read? Cached briefly, so the answer stays fast. */
function createPortalResolver(ctx: AppContext, options: IntakeOptions) {
  const portalCacheMs = options.portalCacheMs ?? 30_000;
  const absentCacheMs = options.absentCacheMs ?? 5_000;
  const cache = new Map<PortalId, { until: number; view: Promise<PortalView> }>();
  const load = async (portalId: PortalId): Promise<PortalView> => {
    const installation = await ctx.store.getInstallation(portalId);
    if (installation?.status !== 'active') return NOT_INSTALLED;
    const inputs = modelInputs(await ctx.modelFor(portalId));
    // The rollups (form submissions, page views, e-mail opens and clicks) become the activities the engine scores.
    return { installed: true, contactInputs: new Set([...inputs.contact, ...ROLLUP_PROPERTIES]), companyInputs: new Set(inputs.company) };
  };
  return async (portalIds: PortalId[], now: number): Promise<Map<PortalId, PortalView>> => {
    const views = new Map<PortalId, PortalView>();
    await Promise.all(
      portalIds.map(async (portalId) => {
        let entry = cache.get(portalId);
        if (!entry || entry.until <= now) {
          const view = load(portalId);
          entry = { until: now + portalCacheMs, view };
          cache.set(portalId, entry);
          view.then(
            (v) => {
              if (!v.installed && cache.get(portalId)?.view === view) cache.set(portalId, { until: now + absentCacheMs, view });
            },
            () => {
              if (cache.get(portalId)?.view === view) cache.delete(portalId);
            },
          );
        }
        views.set(portalId, await entry.view);
      }),
    );
    return views;
  };
}
