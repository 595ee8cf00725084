// Lead routing (issue #15 item 9): contacts without an owner that become mql or sql get a rep of the chosen team,
// before their tasks are made, so the tasks go to that rep. One instance at a time routes a portal (a store lock):
// the turn and the daily counts live in the installation record and are read and written inside the lock.
// An owned contact is never reassigned: owners are read again from HubSpot just before the write (see
// src/hubspot/contact-owners.ts for the race that remains).
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { AppContext } from '../app-context.ts';
import type { PortalClient, PortalOwner } from '../hubspot/portal-client.ts';
import { INSTANCE_ID } from '../instance-id.ts';
import { localDate } from '../jobs/local-date.ts';
import { DEFAULT_LANGUAGE, type Language } from '../scoring/catalogue.ts';
import { MESSAGES } from '../scoring/messages.ts';
import type { ScoringModel } from '../scoring/model-schema.ts';
import type { ScoringResult } from '../scoring/types.ts';
import { languageOf } from '../store/installation-language.ts';
import type { InstallationSettings, LeadRoutingSettings, PortalId } from '../store/store.ts';
import { assignOwners, type RoutingRep } from './assign-owners.ts';

export const routingLockName = (portalId: PortalId) => `lead-routing:${portalId}`;
const LOCK_TTL_MS = 60_000;
const LOCK_WAIT_MS = 15_000;
const ROUTED_QUALIFICATIONS = new Set(['mql', 'sql']);

export interface RoutableItem {
  contactId: string;
  ownerId: string | null;
  result: ScoringResult;
}

export interface RoutingOutcome {
  /** Contact → the reason line of the owner routing gave it now. */
  assigned: Map<string, { ownerId: string; reason: string }>;
  /** Unowned leads no rep of the team could take (all at capacity, none active). */
  waiting: number;
}

/** Adds the routing line to a result's reasons (text and property), once. */
export function withRoutingReason(result: ScoringResult, reason: string): ScoringResult {
  if (result.reasons.some((r) => r.text === reason)) return result;
  const text = result.properties.bant_score_reasons;
  return { ...result, reasons: [...result.reasons, { points: 0, text: reason }], properties: { ...result.properties, bant_score_reasons: text ? `${text}\n${reason}` : reason } };
}

export function routingReason(owner: PortalOwner | undefined, ownerId: string, team: string, language: Language = DEFAULT_LANGUAGE): string {
  const say = MESSAGES.in(language);
  const name = (owner && ([owner.firstName, owner.lastName].filter(Boolean).join(' ') || owner.email)) || say('routing.owner', { id: ownerId });
  return say('routing.assigned', { name, team });
}

/**
 * Assigns owners to the unowned mql/sql items in `leads` (the caller picks those in the lead process) and sets
 * their `ownerId`. Writes `hubspot_owner_id` only for contacts HubSpot still shows without an owner.
 */
export async function routeLeads(
  ctx: AppContext,
  client: PortalClient,
  portalId: PortalId,
  leads: RoutableItem[],
  options: { settings: InstallationSettings; model: ScoringModel; timeZone: string | undefined },
): Promise<RoutingOutcome> {
  const outcome: RoutingOutcome = { assigned: new Map(), waiting: 0 };
  const routing = options.settings.leadRouting;
  if (!routing?.enabled || !client.readContactOwners) return outcome;
  const unowned = leads.filter((l) => !l.ownerId && ROUTED_QUALIFICATIONS.has(l.result.qualification));
  if (unowned.length === 0) return outcome;
  // One owner per call: two routings of the portal in one process must not share the lock.
  const lockOwner = `${INSTANCE_ID}:${randomUUID()}`;
  if (!(await takeLock(ctx, portalId, lockOwner))) {
    ctx.log.warn('lead routing: another instance held the routing lock too long; these leads wait for their next rescore', { portalId, leads: unowned.length });
    outcome.waiting = unowned.length;
    return outcome;
  }
  try {
    const owners = await client.listOwners();
    const current = await client.readContactOwners(unowned.map((l) => l.contactId));
    const open: RoutableItem[] = [];
    for (const lead of unowned) {
      const now = current.get(lead.contactId);
      // Taken meanwhile (or gone): the rep's choice stands.
      if (now) lead.ownerId = now;
      else if (current.has(lead.contactId)) open.push(lead);
    }
    if (open.length === 0) return outcome;
    const team = teamOf(owners, routing);
    const installation = await ctx.store.getInstallation(portalId);
    const at = ctx.now();
    const capacity = routing.dailyCapacity ?? options.settings.dailyTaskBudget ?? options.model.tasks.dailyBudgetPerRep;
    const { owners: chosen, state } = assignOwners({
      reps: team.reps,
      state: installation?.leadRouting,
      day: localDate(at, options.timeZone ?? installation?.timeZone),
      capacity,
      leads: open.length,
      at: new Date(at).toISOString(),
    });
    // The counts first: a crash after this costs a rep one lead of capacity, never one over it.
    if (!(await ctx.store.updateInstallation(portalId, { leadRouting: state }))) return outcome;
    const writes = open.flatMap((lead, i) => (chosen[i] ? [{ contactId: lead.contactId, properties: { hubspot_owner_id: chosen[i] as string } }] : []));
    outcome.waiting = open.length - writes.length;
    const report = writes.length ? await client.writeContacts(writes) : { failed: [] };
    const refused = new Set(report.failed.map((f) => f.contactId));
    const byId = new Map(owners.map((o) => [o.id, o]));
    open.forEach((lead, i) => {
      const ownerId = chosen[i];
      if (!ownerId || refused.has(lead.contactId)) return;
      lead.ownerId = ownerId;
      outcome.assigned.set(lead.contactId, { ownerId, reason: routingReason(byId.get(ownerId), ownerId, team.name, languageOf(options.settings)) });
    });
    if (refused.size) ctx.log.warn('lead routing: HubSpot refused some owner assignments', { portalId, refused: refused.size, error: report.failed[0]?.error });
    if (outcome.assigned.size) ctx.metrics.inc('bant_leads_routed_total', 'Unowned leads lead routing assigned to a rep', { portal: portalId }, outcome.assigned.size);
    if (outcome.waiting) ctx.log.info('lead routing: no rep of the team can take more leads today', { portalId, waiting: outcome.waiting, teamId: routing.teamId });
    return outcome;
  } finally {
    await ctx.store.releaseLock(routingLockName(portalId), lockOwner).catch(() => undefined);
  }
}

/** The team's reps, by owner id so every instance sees the same order; archived and deactivated owners stay out of turns. */
function teamOf(owners: PortalOwner[], routing: LeadRoutingSettings): { name: string; reps: RoutingRep[] } {
  const weights = new Map((routing.weights ?? []).map((w) => [w.ownerId, w.weight]));
  const members = owners.filter((o) => o.teams.some((t) => t.id === routing.teamId)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const name = members.flatMap((o) => o.teams).find((t) => t.id === routing.teamId)?.name ?? routing.teamId;
  return { name, reps: members.map((o) => ({ ownerId: o.id, weight: weights.get(o.id) ?? 1, ...(o.deactivated ? { archived: true } : {}) })) };
}

async function takeLock(ctx: AppContext, portalId: PortalId, owner: string): Promise<boolean> {
  const started = Date.now();
  for (let pause = 25; ; pause = Math.min(pause * 2, 500)) {
    if (await ctx.store.acquireLock(routingLockName(portalId), owner, LOCK_TTL_MS, ctx.now())) return true;
    if (Date.now() - started > LOCK_WAIT_MS) return false;
    await delay(pause);
  }
}
