import { describe, expect, it } from 'vitest';
import {
  collapseDuplicates,
  conversionActivities,
  type HistoryValue,
  historyActivities,
  MAX_HISTORY_PER_PROPERTY,
  pageViewActivities,
  parseHistory,
} from '../../src/hubspot/map-history.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-01T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const h = (value: string, ms: number): HistoryValue => ({ value, timestamp: iso(ms) });
const history = (entries: Record<string, HistoryValue[]>) => new Map(Object.entries(entries));

describe('conversionActivities', () => {
  it('when five form fills are in the history, then each becomes a dated activity named by the form in effect at its time', () => {
    const names = ['Kontaktformular', 'Whitepaper: Lead Scoring', 'Webinar: BANT', 'Demo anfragen', 'Newsletter'];
    const times = names.map((_n, i) => T0 - i * 7 * DAY);
    const activities = conversionActivities(
      history({
        recent_conversion_event_name: names.map((n, i) => h(n, times[i]! + 150)),
        recent_conversion_date: times.map((t) => h(iso(t), t + 200)),
      }),
    );
    expect(activities.map((a) => [a.type, a.at, a.title])).toEqual([
      ['form_submission', iso(times[0]!), 'Kontaktformular'],
      ['content_download', iso(times[1]!), 'Whitepaper: Lead Scoring'],
      ['webinar_registration', iso(times[2]!), 'Webinar: BANT'],
      ['demo_request', iso(times[3]!), 'Demo anfragen'],
      ['form_submission', iso(times[4]!), 'Newsletter'],
    ]);
  });

  it('when the same form is filled twice (its name unchanged, so only the date has a new value), then both fills carry its name', () => {
    const activities = conversionActivities(
      history({
        recent_conversion_event_name: [h('Demo anfragen', T0 - 10 * DAY)],
        recent_conversion_date: [h(iso(T0), T0), h(iso(T0 - 10 * DAY), T0 - 10 * DAY)],
      }),
    );
    expect(activities.map((a) => [a.type, a.at])).toEqual([
      ['demo_request', iso(T0)],
      ['demo_request', iso(T0 - 10 * DAY)],
    ]);
  });

  it('when only names have history, then each name is dated by its own timestamp', () => {
    const activities = conversionActivities(history({ recent_conversion_event_name: [h('Kontaktformular', T0)] }));
    expect(activities).toEqual([{ type: 'form_submission', at: iso(T0), title: 'Kontaktformular', source: 'hubspot:history:recent_conversion' }]);
  });
});

describe('historyActivities', () => {
  const rollups = {
    num_conversion_events: '5',
    recent_conversion_date: iso(T0),
    recent_conversion_event_name: 'Kontaktformular',
    first_conversion_date: iso(T0 - 300 * DAY),
    first_conversion_event_name: 'E-Book: B2B',
    hs_email_open: '4',
    hs_email_last_open_date: iso(T0),
    hs_email_click: '1',
    hs_email_last_click_date: iso(T0 - DAY),
    hs_analytics_num_page_views: '20',
    hs_analytics_last_visit_timestamp: iso(T0),
    hs_analytics_first_visit_timestamp: iso(T0 - 200 * DAY),
  };

  it('when no history comes back, then the rollup approximation stays', () => {
    const activities = historyActivities(rollups, new Map());
    expect(activities.filter((a) => a.type === 'page_view')).toHaveLength(2);
    expect(activities.filter((a) => a.type === 'email_open')).toHaveLength(1);
    expect(activities.map((a) => a.source)).toContain('hubspot:recent_conversion');
  });

  it('when opens and page views have history, then they replace those rollups and the others stay', () => {
    const activities = historyActivities(
      rollups,
      history({
        hs_email_last_open_date: [0, 1, 2, 3].map((k) => h(iso(T0 - k * DAY), T0 - k * DAY)),
        hs_analytics_last_url: [h('https://example.de/pricing', T0), h('https://example.de/blog', T0 - DAY), h('https://example.de/pricing', T0 - 2 * DAY)],
      }),
    );
    expect(activities.filter((a) => a.type === 'email_open').map((a) => a.at)).toEqual([0, 1, 2, 3].map((k) => iso(T0 - k * DAY)));
    expect(activities.filter((a) => a.type === 'page_view').map((a) => a.url)).toEqual([
      'https://example.de/pricing',
      'https://example.de/blog',
      'https://example.de/pricing',
    ]);
    expect(activities.filter((a) => a.type === 'email_click').map((a) => a.source)).toEqual(['hubspot:hs_email_click']);
    expect(activities.filter((a) => a.source === 'hubspot:recent_conversion')).toHaveLength(1);
  });

  it('when the conversion history does not reach back to the first conversion, then the first conversion is added from its rollup', () => {
    const activities = historyActivities(rollups, history({ recent_conversion_date: [h(iso(T0), T0), h(iso(T0 - 5 * DAY), T0 - 5 * DAY)] }));
    const conversions = activities.filter((a) => a.source?.includes('conversion'));
    expect(conversions.map((a) => a.at)).toEqual([iso(T0), iso(T0 - 5 * DAY), iso(T0 - 300 * DAY)]);
    expect(conversions[2]).toMatchObject({ type: 'content_download', title: 'E-Book: B2B', source: 'hubspot:first_conversion' });
  });

  it('when a property has more values than the bound, then only the newest are kept', () => {
    const many = Array.from({ length: MAX_HISTORY_PER_PROPERTY + 30 }, (_v, k) => h(iso(T0 - k * 3_600_000), T0 - k * 3_600_000)).reverse();
    const opens = historyActivities({}, history({ hs_email_last_open_date: many })).filter((a) => a.type === 'email_open');
    expect(opens).toHaveLength(MAX_HISTORY_PER_PROPERTY);
    expect(opens[0]!.at).toBe(iso(T0));
    expect(opens.at(-1)!.at).toBe(iso(T0 - (MAX_HISTORY_PER_PROPERTY - 1) * 3_600_000));
  });

  it('when the same value is recorded twice, then one activity stands for it', () => {
    const clicks = historyActivities({}, history({ hs_email_last_click_date: [h(iso(T0), T0 + 5), h(iso(T0), T0), h(iso(T0 - DAY), T0 - DAY)] })).filter(
      (a) => a.type === 'email_click',
    );
    expect(clicks.map((a) => a.at)).toEqual([iso(T0), iso(T0 - DAY)]);
  });

  it('when history values are garbage (no date, bad timestamp), then they are ignored and the rest count', () => {
    const opens = historyActivities(
      {},
      history({
        hs_email_last_open_date: [h('not a date', T0), { value: iso(T0 - DAY), timestamp: 'yesterday' }, h(iso(T0 - 2 * DAY), T0 - 2 * DAY), h('0', T0 - 3 * DAY)],
      }),
    ).filter((a) => a.type === 'email_open');
    expect(opens.map((a) => a.at)).toEqual([iso(T0 - 2 * DAY)]);
  });
});

describe('pageViewActivities', () => {
  it('when there is no URL history, then each session is a page view', () => {
    const views = pageViewActivities(history({ hs_analytics_last_visit_timestamp: [h(String(T0), T0), h(String(T0 - DAY), T0 - DAY)] }));
    expect(views.map((a) => [a.type, a.at, a.url])).toEqual([
      ['page_view', iso(T0), undefined],
      ['page_view', iso(T0 - DAY), undefined],
    ]);
  });
});

describe('collapseDuplicates', () => {
  it('when two activities share type and time, then the first stays; a different type at the same time stays too', () => {
    const a = { type: 'email_open' as const, at: iso(T0) };
    expect(collapseDuplicates([a, { ...a, source: 'x' }, { type: 'email_click', at: iso(T0) }])).toEqual([a, { type: 'email_click', at: iso(T0) }]);
  });
});

describe('parseHistory', () => {
  it('when HubSpot returns history values, then empty ones are left out and the rest kept in order', () => {
    const parsed = parseHistory({ hs_analytics_last_url: [{ value: '/pricing', timestamp: iso(T0), sourceType: 'ANALYTICS' }, { value: '', timestamp: iso(T0 - DAY) }] });
    expect(parsed.get('hs_analytics_last_url')).toEqual([{ value: '/pricing', timestamp: iso(T0) }]);
  });

  it('when the history is garbled (not a list, or a value without timestamp), then it is an error, not "no history"', () => {
    expect(() => parseHistory({ recent_conversion_date: 'x' })).toThrow(/not a list/);
    expect(() => parseHistory({ recent_conversion_date: [{ value: iso(T0) }] })).toThrow(/timestamp/);
    expect(() => parseHistory(['x'])).toThrow(/not an object/);
  });

  it('when no history was returned, then it is empty', () => {
    expect(parseHistory(undefined).size).toBe(0);
  });
});
