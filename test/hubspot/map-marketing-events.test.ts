import { describe, expect, it } from 'vitest';
import { type MarketingEventInfo, participationActivity, withEventActivities } from '../../src/hubspot/map-marketing-events.ts';
import type { Activity } from '../../src/scoring/types.ts';

const T0 = Date.parse('2026-11-01T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const events = new Map<string, MarketingEventInfo>([
  ['1', { id: '1', name: 'Lead Scoring mit HubSpot', type: 'WEBINAR' }],
  ['2', { id: '2', name: 'Hannover Messe', type: 'TRADE_SHOW' }],
  ['3', { id: '3', name: 'Online-Workshop: BANT' }],
]);

describe('participationActivity', () => {
  it('when a contact registered for and attended a webinar, then those are webinar registration and attendance at their times', () => {
    expect(participationActivity({ contactId: '7', eventId: '1', state: 'REGISTERED', occurredAt: T0 }, events)).toEqual({
      type: 'webinar_registration',
      at: iso(T0),
      title: 'Lead Scoring mit HubSpot',
      source: 'hubspot:marketing_event',
    });
    expect(participationActivity({ contactId: '7', eventId: '1', state: 'ATTENDED', occurredAt: String(T0) }, events)?.type).toBe('webinar_attendance');
  });

  it('when the event is a trade show, then attendance is event attendance and a registration alone counts for nothing', () => {
    expect(participationActivity({ contactId: '7', eventId: '2', state: 'ATTENDED', occurredAt: T0 }, events)?.type).toBe('event_attendance');
    expect(participationActivity({ contactId: '7', eventId: '2', state: 'REGISTERED', occurredAt: T0 }, events)).toBeUndefined();
  });

  it('when the event has no type, then its name decides', () => {
    expect(participationActivity({ contactId: '7', eventId: '3', state: 'ATTENDED', occurredAt: T0 }, events)?.type).toBe('webinar_attendance');
  });

  it('when cancelled, a no-show, undated or of an unknown event, then no activity', () => {
    expect(participationActivity({ contactId: '7', eventId: '1', state: 'CANCELLED', occurredAt: T0 }, events)).toBeUndefined();
    expect(participationActivity({ contactId: '7', eventId: '1', state: 'NO_SHOW', occurredAt: T0 }, events)).toBeUndefined();
    expect(participationActivity({ contactId: '7', eventId: '1', state: 'ATTENDED', occurredAt: 'soon' }, events)).toBeUndefined();
    expect(participationActivity({ contactId: '7', eventId: '9', state: 'ATTENDED', occurredAt: T0 }, events)).toBeUndefined();
  });
});

describe('withEventActivities', () => {
  const form: Activity = { type: 'webinar_registration', at: iso(T0 - 3_600_000), title: 'Webinar: Lead Scoring', source: 'hubspot:history:recent_conversion' };
  const older: Activity = { ...form, at: iso(T0 - 40 * 86_400_000) };
  const event: Activity = { type: 'webinar_registration', at: iso(T0), source: 'hubspot:marketing_event' };

  it('when a webinar form fill and the marketing event registration are the same registration, then it counts once', () => {
    expect(withEventActivities([form, older], [event])).toEqual([older, event]);
  });

  it('when the contact has no marketing event activity, then the form-name rule stands alone', () => {
    const list = [form];
    expect(withEventActivities(list, [])).toBe(list);
  });
});
