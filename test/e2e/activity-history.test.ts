// End to end: dated activities from property history and from HubSpot's marketing events. The real app (startApp)
// installs through OAuth, backfills, and scores; the stand-in answers batch reads with `propertiesWithHistory` and the
// 2026-03 marketing events API. Five form fills become five dated activities; pricing-page views carry their URL;
// a webinar attended and a trade show visited come from the marketing events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmRecord, Portal } from '../../standin/index.ts';
import { type Env, startEnv, waitAllScored } from './harness.ts';

const DAY = 86_400_000;
let env: Env;
let now: number;
let formFiller: CrmRecord;
let visitor: CrmRecord;
const fills = [
  ['Kontaktformular', 50],
  ['Whitepaper: Lead Scoring im Mittelstand', 40],
  ['Newsletter-Anmeldung', 30],
  ['E-Book: B2B Marketing Automation', 20],
  ['Kontaktformular', 10],
] as const;

/** A contact without engagements, so its profile shows only what this test gives it. */
function quietContact(portal: Portal, skip: number[]): CrmRecord {
  return [...portal.live('contacts')].find(
    (c) =>
      !skip.includes(c.id) &&
      !/Student|Praktikant|Intern|Bewerber|Auszubild/.test(c.props.jobtitle ?? '') &&
      ['calls', 'meetings', 'emails'].every((t) => portal.associated('contacts', t as 'calls', c.id).length === 0),
  )!;
}

beforeAll(async () => {
  env = await startEnv({
    portal: { contacts: 40, seed: 7 },
    beforeInstall: (portal) => {
      now = portal.clock();
      formFiller = quietContact(portal, []);
      visitor = quietContact(portal, [formFiller.id]);
      for (const c of [formFiller, visitor]) {
        for (const name of Object.keys(c.props)) if (/^(hs_email_|hs_analytics_|num_conversion|recent_conversion|first_conversion)/.test(name)) delete c.props[name];
      }
      // Five form fills, as HubSpot's history of the conversion rollups shows them (newest first).
      const times = fills.map(([, daysAgo]) => now - daysAgo * DAY).reverse();
      const names = fills.map(([name]) => name).reverse();
      Object.assign(formFiller.props, {
        num_conversion_events: '5',
        first_conversion_event_name: names.at(-1)!,
        first_conversion_date: new Date(times.at(-1)!).toISOString(),
        recent_conversion_event_name: names[0]!,
        recent_conversion_date: new Date(times[0]!).toISOString(),
      });
      portal.history.set(
        formFiller.id,
        new Map([
          ['recent_conversion_event_name', names.map((value, i) => ({ value, timestamp: times[i]!, sourceType: 'FORM' }))],
          ['recent_conversion_date', times.map((t) => ({ value: new Date(t).toISOString(), timestamp: t, sourceType: 'FORM' }))],
        ]),
      );
      // Three pricing-page views in the last three days.
      const views = [1, 2, 3].map((d) => now - d * DAY);
      Object.assign(visitor.props, { hs_analytics_num_page_views: '3', hs_analytics_num_visits: '3', hs_analytics_last_visit_timestamp: new Date(views[0]!).toISOString() });
      portal.history.set(visitor.id, new Map([['hs_analytics_last_url', views.map((t) => ({ value: '/pricing', timestamp: t, sourceType: 'ANALYTICS' }))]]));
      // A webinar the visitor registered for and attended; a trade show the form filler visited.
      portal.marketingEvents.push(
        { objectId: '9001', eventName: 'Lead Scoring live', eventType: 'WEBINAR', startDateTime: now - 4 * DAY, createdAt: now - 30 * DAY },
        { objectId: '9002', eventName: 'Hannover Messe', eventType: 'TRADE_SHOW', startDateTime: now - 6 * DAY, createdAt: now - 60 * DAY },
      );
      portal.participations.set('9001', [
        { contactId: visitor.id, state: 'REGISTERED', occurredAt: now - 9 * DAY },
        { contactId: visitor.id, state: 'ATTENDED', occurredAt: now - 4 * DAY },
      ]);
      portal.participations.set('9002', [
        { contactId: formFiller.id, state: 'ATTENDED', occurredAt: now - 6 * DAY },
        { contactId: visitor.id, state: 'NO_SHOW', occurredAt: now - 6 * DAY },
      ]);
    },
  });
  await waitAllScored(env.portal, { logLines: env.logLines });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

describe('dated activities from property history and marketing events', () => {
  it('when a contact filled in five forms, then the scored profile has five dated activities with their names', async () => {
    const client = await env.app!.ctx.hubspot.forPortal(env.portal.id);
    const record = (await client.readContacts([String(formFiller.id)], { contact: [], company: [] })).get(String(formFiller.id))!;
    const conversions = record.profile.activities.filter((a) => a.source?.includes('conversion'));
    expect(conversions.map((a) => [a.type, a.at, a.title])).toEqual(
      [...fills].map(([name, daysAgo]) => [name.startsWith('Kontakt') || name.startsWith('Newsletter') ? 'form_submission' : 'content_download', new Date(now - daysAgo * DAY).toISOString(), name]),
    );
    expect(record.profile.activities.filter((a) => a.type === 'event_attendance')).toEqual([
      { type: 'event_attendance', at: new Date(now - 6 * DAY).toISOString(), title: 'Hannover Messe', source: 'hubspot:marketing_event' },
    ]);
    const reasons = env.portal.get('contacts', formFiller.id)!.props.bant_score_reasons ?? '';
    expect(reasons).toMatch(/content request/);
    expect(reasons).toMatch(/trade show|event/i);
  });

  it('when a contact viewed the pricing page three times and attended a webinar, then each view is dated with its URL and the webinar counts, in the reasons too', async () => {
    const client = await env.app!.ctx.hubspot.forPortal(env.portal.id);
    const record = (await client.readContacts([String(visitor.id)], { contact: [], company: [] })).get(String(visitor.id))!;
    expect(record.profile.activities.filter((a) => a.type === 'page_view').map((a) => [a.at, a.url])).toEqual(
      [3, 2, 1].map((d) => [new Date(now - d * DAY).toISOString(), '/pricing']),
    );
    expect(record.profile.activities.filter((a) => a.source === 'hubspot:marketing_event').map((a) => [a.type, a.at])).toEqual([
      ['webinar_registration', new Date(now - 9 * DAY).toISOString()],
      ['webinar_attendance', new Date(now - 4 * DAY).toISOString()],
    ]);
    const reasons = env.portal.get('contacts', visitor.id)!.props.bant_score_reasons ?? '';
    expect(reasons).toMatch(/pricing page visit/);
    expect(reasons).toMatch(/webinar attendance/);
    expect(reasons).toMatch(/webinar registration/);
  });

  it('when the backfill read the marketing events, then it read them once for the whole portal', () => {
    const eventCalls = env.standIn.requests.filter((r) => r.portalId === env.portal.id && r.path.startsWith('/marketing/marketing-events/2026-03'));
    // One list call and one breakdown per event, however many contacts were scored (the reads above hit the cache).
    expect(eventCalls.map((r) => r.path).sort()).toEqual([
      '/marketing/marketing-events/2026-03',
      '/marketing/marketing-events/2026-03/participations/9001/breakdown',
      '/marketing/marketing-events/2026-03/participations/9002/breakdown',
    ]);
  });
});
