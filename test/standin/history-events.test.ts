import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Portal } from '../../standin/index.ts';
import { type Fixture, fixture } from './helpers.ts';

let f: Fixture;
let portal: Portal;

beforeEach(async () => {
  f = await fixture({}, 200);
  portal = f.standIn.portal(f.portalId);
});
afterEach(async () => {
  await f.standIn.close();
});

type HistoryJson = Array<{ value: string; timestamp: string; sourceType: string }>;
type Result = { id: string; properties: Record<string, string | null>; propertiesWithHistory?: Record<string, HistoryJson> };

async function readWithHistory(ids: number[], names: string[]): Promise<Result[]> {
  const res = await f.call('POST', '/crm/objects/2026-03/contacts/batch/read', {
    properties: ['num_conversion_events', 'first_conversion_date', 'recent_conversion_date', 'hs_email_open', 'hs_analytics_num_page_views'],
    propertiesWithHistory: names,
    inputs: ids.map((id) => ({ id: String(id) })),
  });
  expect(res.status).toBe(200);
  return res.body.results as Result[];
}

describe('property history', () => {
  it('when contacts with several form fills are read with history, then every fill comes back newest first, ending at the first conversion', async () => {
    const busy = [...portal.live('contacts')].filter((c) => Number(c.props.num_conversion_events ?? 0) >= 3).slice(0, 10);
    expect(busy.length).toBeGreaterThan(0);
    for (const r of await readWithHistory(
      busy.map((c) => c.id),
      ['recent_conversion_date', 'recent_conversion_event_name'],
    )) {
      const dates = r.propertiesWithHistory!.recent_conversion_date!;
      const names = r.propertiesWithHistory!.recent_conversion_event_name!;
      expect(dates).toHaveLength(Number(r.properties.num_conversion_events));
      expect(names.map((n) => n.timestamp)).toEqual(dates.map((d) => d.timestamp));
      expect(dates[0]!.value).toBe(r.properties.recent_conversion_date);
      expect(dates.at(-1)!.value).toBe(r.properties.first_conversion_date);
      const times = dates.map((d) => Date.parse(d.timestamp));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      expect(dates[0]).toMatchObject({ sourceType: 'FORM' });
    }
  });

  it('when page views and e-mail opens are read with history, then there is a URL per view and a date per open, the newest the current value', async () => {
    const active = [...portal.live('contacts')].filter((c) => Number(c.props.hs_analytics_num_page_views ?? 0) >= 5 && Number(c.props.hs_email_open ?? 0) >= 2).slice(0, 5);
    expect(active.length).toBeGreaterThan(0);
    const results = await readWithHistory(
      active.map((c) => c.id),
      ['hs_analytics_last_url', 'hs_email_last_open_date'],
    );
    for (const r of results) {
      const urls = r.propertiesWithHistory!.hs_analytics_last_url!;
      expect(urls).toHaveLength(Math.min(120, Number(r.properties.hs_analytics_num_page_views)));
      for (const u of urls) expect(u.value).toMatch(/^\//);
      expect(urls[0]!.value).toBe(portal.get('contacts', r.id)!.props.hs_analytics_last_url);
      const opens = r.propertiesWithHistory!.hs_email_last_open_date!;
      expect(opens).toHaveLength(Math.min(120, Number(r.properties.hs_email_open)));
    }
    expect(results.flatMap((r) => r.propertiesWithHistory!.hs_analytics_last_url!.map((u) => u.value))).toContain('/pricing');
  });

  it('when more than 50 contacts are asked for with history, then 400 as HubSpot; without history 100 pass', async () => {
    const ids = [...portal.live('contacts')].slice(0, 51).map((c) => ({ id: String(c.id) }));
    const refused = await f.call('POST', '/crm/objects/2026-03/contacts/batch/read', { properties: [], propertiesWithHistory: ['recent_conversion_date'], inputs: ids });
    expect(refused.status).toBe(400);
    expect(String(refused.body.message)).toMatch(/maximum number of inputs per batch request is 50/);
    const many = [...portal.live('contacts')].slice(0, 100).map((c) => ({ id: String(c.id) }));
    expect((await f.call('POST', '/crm/objects/2026-03/contacts/batch/read', { properties: [], inputs: many })).status).toBe(200);
  });

  it('when a rollup changes after generation, then its history gains the new value on top and keeps the earlier series', async () => {
    const c = [...portal.live('contacts')].find((x) => Number(x.props.num_conversion_events ?? 0) >= 2)!;
    const [before] = await readWithHistory([c.id], ['recent_conversion_date']);
    f.advance(60_000);
    const at = new Date(f.now()).toISOString();
    portal.update('contacts', c.id, { recent_conversion_date: at, num_conversion_events: String(Number(c.props.num_conversion_events) + 1) }, { changeSource: 'FORM', sourceId: 'form-9' });
    const [after] = await readWithHistory([c.id], ['recent_conversion_date']);
    expect(after!.propertiesWithHistory!.recent_conversion_date![0]).toEqual({ value: at, timestamp: at, sourceType: 'FORM', sourceId: 'form-9' });
    expect(after!.propertiesWithHistory!.recent_conversion_date!.slice(1)).toEqual(before!.propertiesWithHistory!.recent_conversion_date);
  });

  it('when a property without a series is asked for, then its history is the current value alone', async () => {
    const c = [...portal.live('contacts')][0]!;
    const [r] = await readWithHistory([c.id], ['email']);
    expect(r!.propertiesWithHistory!.email!.map((h) => h.value)).toEqual([c.props.email]);
  });

  it('when another property of the contact is written later, then a value keeps the time it was set', async () => {
    const c = [...portal.live('contacts')][1]!;
    const [untouched] = await readWithHistory([c.id], ['email']);
    f.advance(60_000);
    portal.update('contacts', c.id, { jobtitle: 'Einkäuferin (neu)' });
    const setAt = new Date(f.now()).toISOString();
    f.advance(60_000);
    portal.update('contacts', c.id, { lastname: `${c.props.lastname ?? ''}x` });
    const [r] = await readWithHistory([c.id], ['jobtitle', 'email']);
    expect(r!.propertiesWithHistory!.jobtitle!.map((h) => [h.value, h.timestamp])).toEqual([['Einkäuferin (neu)', setAt]]);
    expect(r!.propertiesWithHistory!.email).toEqual(untouched!.propertiesWithHistory!.email);
  });
});

describe('marketing events', () => {
  it('when a portal has marketing events, then the 2026-03 list, per-event and per-contact breakdowns page through registrations and attendance', async () => {
    const other = f.standIn.createPortal({ contacts: 300, seed: 5, marketingEvents: 3 });
    const token = f.standIn.issueToken(other.id).accessToken;
    const events = await f.call('GET', '/marketing/marketing-events/2026-03?limit=2', undefined, token);
    expect(events.status).toBe(200);
    const list = events.body.results as Array<{ objectId: string; eventName: string; eventType: string }>;
    expect(list).toHaveLength(2);
    expect((events.body.paging as { next: { after: string } }).next.after).toBe('2');
    const breakdown = await f.call('GET', `/marketing/marketing-events/2026-03/participations/${list[0]!.objectId}/breakdown?limit=100`, undefined, token);
    const results = breakdown.body.results as Array<{ associations: { contact: { contactId: string } }; properties: { attendanceState: string; occurredAt: number } }>;
    expect(results.length).toBeGreaterThan(0);
    expect(breakdown.body.total).toBe(other.participations.get(list[0]!.objectId)!.length);
    expect(new Set(results.map((r) => r.properties.attendanceState))).toContain('REGISTERED');
    const contactId = results[0]!.associations.contact.contactId;
    const mine = await f.call('GET', `/marketing/marketing-events/2026-03/participations/contacts/${contactId}/breakdown`, undefined, token);
    expect((mine.body.results as unknown[]).length).toBeGreaterThan(0);
  });

  it('when the token lacks crm.objects.marketing_events.read, then 403 MISSING_SCOPES', async () => {
    const token = f.standIn.issueToken(f.portalId, ['oauth', 'crm.objects.contacts.read']).accessToken;
    const res = await f.call('GET', '/marketing/marketing-events/2026-03', undefined, token);
    expect(res.status).toBe(403);
    expect(res.body.category).toBe('MISSING_SCOPES');
  });
});

describe('simulated events', () => {
  it('when a form is submitted, then its history gains exactly one fill on top of the earlier series', async () => {
    const c = [...portal.live('contacts')].find((x) => Number(x.props.num_conversion_events ?? 0) >= 2)!;
    const [before] = await readWithHistory([c.id], ['recent_conversion_event_name']);
    f.advance(60_000);
    f.standIn.simulate.submitForm(f.portalId, c.id, 'Demo anfragen');
    const [after] = await readWithHistory([c.id], ['recent_conversion_event_name']);
    const names = after!.propertiesWithHistory!.recent_conversion_event_name!;
    expect(names).toHaveLength(Number(after!.properties.num_conversion_events));
    expect(names[0]).toMatchObject({ value: 'Demo anfragen', sourceType: 'FORM' });
    expect(names.slice(1)).toEqual(before!.propertiesWithHistory!.recent_conversion_event_name);
  });

  it('when pages are viewed, then each page seen is one value of the last page seen, 30 s apart, ending now', async () => {
    const c = [...portal.live('contacts')][3]!;
    const [before] = await readWithHistory([c.id], ['hs_analytics_last_url']);
    f.advance(60_000);
    f.standIn.simulate.viewPages(f.portalId, c.id, 3, ['/produkte', '/pricing']);
    const [after] = await readWithHistory([c.id], ['hs_analytics_last_url']);
    const urls = after!.propertiesWithHistory!.hs_analytics_last_url!;
    expect(urls.slice(0, 3).map((u) => [u.value, Date.parse(u.timestamp)])).toEqual([
      ['/produkte', f.now()],
      ['/pricing', f.now() - 30_000],
      ['/produkte', f.now() - 60_000],
    ]);
    expect(urls.slice(3)).toEqual(before!.propertiesWithHistory!.hs_analytics_last_url);
  });
});
