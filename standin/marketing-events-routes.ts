// Marketing events (2026-03 and v3 paths): the portal's events, one event's participations and one contact's
// participations, paged as HubSpot's spec describes (limit ≤ 100, default 10; `after` cursor). Scope
// `crm.objects.marketing_events.read`.
import { badRequest, notFound } from './errors.ts';
import type { Ctx, Router } from './http.ts';
import type { EventParticipation, MarketingEvent, Portal } from './portal.ts';

const BASES = ['/marketing/v3/marketing-events', '/marketing/marketing-events/2026-03'];
const scopes = () => ['crm.objects.marketing_events.read'];

function page<T>(ctx: Ctx, items: T[]): { results: T[]; paging?: { next: { after: string } } } {
  const limit = Number(ctx.query.get('limit') ?? 10);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw badRequest(`limit must be between 1 and 100; was ${ctx.query.get('limit')}`);
  const after = Number(ctx.query.get('after') ?? 0);
  if (!Number.isInteger(after) || after < 0) throw badRequest(`after is not a valid cursor: ${ctx.query.get('after')}`);
  const results = items.slice(after, after + limit);
  return { results, ...(after + limit < items.length ? { paging: { next: { after: String(after + limit) } } } : {}) };
}

function eventJson(e: MarketingEvent): Record<string, unknown> {
  return {
    objectId: e.objectId,
    eventName: e.eventName,
    eventType: e.eventType,
    startDateTime: new Date(e.startDateTime).toISOString(),
    createdAt: new Date(e.createdAt).toISOString(),
    updatedAt: new Date(e.createdAt).toISOString(),
    customProperties: [],
  };
}

function breakdownJson(portal: Portal, e: MarketingEvent, p: EventParticipation): Record<string, unknown> {
  const contact = portal.get('contacts', p.contactId);
  return {
    id: `${e.objectId}-${p.contactId}-${p.state}`,
    createdAt: new Date(p.occurredAt).toISOString(),
    associations: {
      contact: { contactId: String(p.contactId), email: contact?.props.email ?? '' },
      marketingEvent: { marketingEventId: e.objectId, name: e.eventName },
    },
    properties: { attendanceState: p.state, occurredAt: p.occurredAt },
  };
}

function stateFilter(ctx: Ctx): (p: EventParticipation) => boolean {
  const state = ctx.query.get('state');
  return (p) => !state || p.state === state;
}

export function registerMarketingEventRoutes(router: Router): void {
  router.add('GET', BASES, { scopes }, (ctx) => ({ status: 200, body: page(ctx, ctx.portal!.marketingEvents.map(eventJson)) }));

  router.add('GET', BASES.map((b) => `${b}/participations/{marketingEventId}/breakdown`), { scopes }, (ctx) => {
    const portal = ctx.portal!;
    const event = portal.marketingEvents.find((e) => e.objectId === ctx.params.marketingEventId);
    if (!event) throw notFound();
    const contactId = ctx.query.get('contactIdentifier');
    const list = (portal.participations.get(event.objectId) ?? []).filter((p) => stateFilter(ctx)(p) && (!contactId || String(p.contactId) === contactId));
    const body = page(ctx, list.map((p) => breakdownJson(portal, event, p)));
    return { status: 200, body: { total: list.length, ...body } };
  });

  router.add('GET', BASES.map((b) => `${b}/participations/contacts/{contactIdentifier}/breakdown`), { scopes }, (ctx) => {
    const portal = ctx.portal!;
    const identifier = ctx.params.contactIdentifier ?? '';
    const contact = identifier.includes('@') ? portal.findContactByEmail(identifier) : portal.get('contacts', identifier);
    if (!contact) throw notFound();
    const list: Array<Record<string, unknown>> = [];
    for (const event of portal.marketingEvents) {
      for (const p of portal.participations.get(event.objectId) ?? []) {
        if (p.contactId === contact.id && stateFilter(ctx)(p)) list.push(breakdownJson(portal, event, p));
      }
    }
    return { status: 200, body: { total: list.length, ...page(ctx, list) } };
  });
}
