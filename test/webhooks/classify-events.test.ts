import { describe, expect, it } from 'vitest';
import { type ClassifyOptions, classifyEvents, coalesceItems, eventKey, isOwnChange } from '../../src/webhooks/classify-events.ts';
import { parseDelivery } from '../../src/webhooks/event-schema.ts';
import { PORTAL } from '../jobs/job-fixtures.ts';
import { APP_ID, parsedEvent, rawEvent } from './webhook-fixtures.ts';

const NOW = 1_772_441_100_000;
const OTHER_PORTAL = 999;
const options = (overrides: Partial<ClassifyOptions> = {}): ClassifyOptions => ({
  appId: APP_ID,
  now: NOW,
  rescoreDelayMs: 1000,
  portal: (portalId) => ({
    installed: portalId === PORTAL,
    contactInputs: new Set(['jobtitle', 'hs_buying_role', 'numemployees']),
    companyInputs: new Set(['numberofemployees', 'industry']),
  }),
  ...overrides,
});
const items = (events: Parameters<typeof classifyEvents>[0], o = options()) => classifyEvents(events, o).accepted.flatMap((a) => a.items);

describe('parseDelivery', () => {
  it('when events use subscriptionType or eventType, then both parse to the same type', () => {
    const body = JSON.stringify([rawEvent(), { ...rawEvent({ subscriptionType: undefined }), eventType: 'contact.propertyChange' }]);
    const parsed = parseDelivery(Buffer.from(body));
    expect(parsed.ok && parsed.events.map((e) => e.type)).toEqual(['contact.propertyChange', 'contact.propertyChange']);
  });

  it('when ids arrive as numbers or strings, then they are normalised to strings and a number portal id', () => {
    const parsed = parseDelivery(Buffer.from(JSON.stringify([rawEvent({ objectId: '42', portalId: String(PORTAL), mergedObjectIds: [1, '2'] })])));
    expect(parsed.ok && parsed.events[0]).toMatchObject({ objectId: '42', portalId: PORTAL, mergedObjectIds: ['1', '2'] });
  });

  it('when the body is not a JSON array of events, then it is malformed with a reason', () => {
    for (const body of ['', 'nope', '{}', '[1]', '[{"portalId":1}]', JSON.stringify([rawEvent({ subscriptionType: undefined })]), JSON.stringify([rawEvent({ occurredAt: 'yesterday' })])]) {
      const parsed = parseDelivery(Buffer.from(body));
      expect(parsed.ok, body).toBe(false);
    }
  });

  it('when an unknown event type arrives, then it still parses (it is acknowledged, not rejected)', () => {
    const parsed = parseDelivery(Buffer.from(JSON.stringify([rawEvent({ subscriptionType: 'conversation.newMessage', messageId: 'x' })])));
    expect(parsed.ok).toBe(true);
  });
});

describe('classifyEvents', () => {
  it('when a property the model reads changes, then the contact is rescored after the coalescing window', () => {
    expect(items([parsedEvent({ objectId: '7', propertyName: 'jobtitle', occurredAt: 5 })])).toEqual([
      { portalId: PORTAL, kind: 'rescore', key: '7', notBefore: NOW + 1000, occurredAt: 5 },
    ]);
  });

  it('when a property the model does not read changes, then nothing is done', () => {
    const result = classifyEvents([parsedEvent({ propertyName: 'phone' })], options());
    expect(result.accepted).toEqual([]);
    expect(result.ignored).toEqual({ unread_property: 1 });
  });

  it('when a contact moves to a stage past the lead process, then it is rescored; a move to a stage the app writes is its echo and ignored', () => {
    const noApp = options({ appId: undefined });
    expect(items([parsedEvent({ objectId: '8', propertyName: 'lifecyclestage', propertyValue: 'customer', occurredAt: 5 })], noApp)).toHaveLength(1);
    expect(items([parsedEvent({ objectId: '8', propertyName: 'lifecyclestage', propertyValue: 'partner', occurredAt: 5 })], noApp)).toHaveLength(1);
    const echo = classifyEvents([parsedEvent({ objectId: '8', propertyName: 'lifecyclestage', propertyValue: 'salesqualifiedlead' })], noApp);
    expect(echo).toEqual({ accepted: [], ignored: { unread_property: 1 } });
  });

  it("when the app's own output properties come back (the echo of its writes), then nothing is enqueued", () => {
    const echoes = ['bant_fit_score', 'bant_priority', 'bant_qualification', 'bant_scored_at', 'bant_lifecycle_stage'].map((propertyName, i) =>
      parsedEvent({ propertyName, occurredAt: i, changeSource: 'INTEGRATION' }),
    );
    const result = classifyEvents(echoes, options());
    expect(result.accepted).toEqual([]);
    expect(result.ignored).toEqual({ output_property: 5 });
  });

  it('when a change is marked with the app as its source, then it is ignored even for a property the model reads', () => {
    for (const source of [{ sourceId: APP_ID }, { sourceId: `app:${APP_ID}` }, { changeSource: APP_ID }]) {
      expect(classifyEvents([parsedEvent({ propertyName: 'lifecyclestage', ...source })], options({ portal: () => ({ installed: true, contactInputs: new Set(['lifecyclestage']), companyInputs: new Set() }) })).ignored).toEqual({ own_change: 1 });
    }
  });

  it("when a user whose id happens to equal the app id changes a property, then it is not mistaken for the app's own change", () => {
    expect(isOwnChange(parsedEvent({ sourceId: `userId:${APP_ID}` }), APP_ID)).toBe(false);
  });

  it('when a rep fills in a BANT answer property, then the contact is rescored', () => {
    const answers = ['bant_budget_answer', 'bant_authority_answer', 'bant_need_answer', 'bant_timeline_answer'].map((propertyName, i) => parsedEvent({ objectId: String(i), propertyName }));
    expect(items(answers, options({ portal: () => ({ installed: true, contactInputs: new Set(), companyInputs: new Set() }) })).map((i) => i.key)).toEqual(['0', '1', '2', '3']);
  });

  it('when the same event arrives twice (same eventId or not), then it yields one key', () => {
    const a = parsedEvent({ eventId: '1' });
    const b = parsedEvent({ eventId: '2' });
    expect(eventKey(a)).toBe(eventKey(b));
    expect(classifyEvents([a, b], options()).accepted).toHaveLength(1);
  });

  it('when events arrive out of order, then they are handled by occurredAt and the item keeps the newest', () => {
    const result = classifyEvents([parsedEvent({ occurredAt: 30 }), parsedEvent({ occurredAt: 10, propertyName: 'hs_buying_role' }), parsedEvent({ occurredAt: 20, propertyName: 'numemployees' })], options());
    expect(result.accepted.map((a) => a.items[0]?.occurredAt)).toEqual([10, 20, 30]);
    expect(coalesceItems(result.accepted.flatMap((a) => a.items))).toEqual([{ portalId: PORTAL, kind: 'rescore', key: '1246965', notBefore: NOW + 1000, occurredAt: 30 }]);
  });

  it('when contacts are created or restored, then they are rescored', () => {
    expect(items([parsedEvent({ type: 'contact.creation', objectId: '1' }), parsedEvent({ type: 'contact.restore', objectId: '2' })]).map((i) => [i.kind, i.key])).toEqual([
      ['rescore', '1'],
      ['rescore', '2'],
    ]);
  });

  it('when contacts are merged, then the survivor is rescored and the merged ids are purged', () => {
    const merge = parsedEvent({ type: 'contact.merge', objectId: '10', primaryObjectId: '10', mergedObjectIds: ['11', '12'], newObjectId: '10' });
    expect(items([merge]).map((i) => [i.kind, i.key, i.payload])).toEqual([
      ['rescore', '10', undefined],
      ['purge', '11', { merged: true }],
      ['purge', '12', { merged: true }],
    ]);
  });

  it('when a contact is deleted, then a rescore checks HubSpot and purges it there (a later restore is never undone)', () => {
    expect(items([parsedEvent({ type: 'contact.deletion', objectId: '5' })]).map((i) => [i.kind, i.key])).toEqual([['rescore', '5']]);
  });

  it('when a privacy deletion arrives, then a purge is enqueued at once, even if the app was its source', () => {
    expect(items([parsedEvent({ type: 'contact.privacyDeletion', objectId: '5', sourceId: APP_ID })])).toEqual([
      { portalId: PORTAL, kind: 'purge', key: '5', payload: { privacyDeletion: true }, notBefore: NOW, occurredAt: 1_772_441_000_000 },
    ]);
  });

  it('when a company association changes, then the contact end is rescored; unrelated associations are ignored', () => {
    const toCompany = parsedEvent({ type: 'contact.associationChange', objectId: '3', fromObjectId: '3', toObjectId: '900', associationType: 'CONTACT_TO_COMPANY' });
    const fromCompany = parsedEvent({ type: 'contact.associationChange', objectId: '900', fromObjectId: '900', toObjectId: '4', associationType: 'COMPANY_TO_CONTACT' });
    const toDeal = parsedEvent({ type: 'contact.associationChange', objectId: '3', fromObjectId: '3', toObjectId: '77', associationType: 'CONTACT_TO_DEAL' });
    const result = classifyEvents([toCompany, fromCompany, toDeal], options());
    expect(result.accepted.flatMap((a) => a.items.map((i) => i.key))).toEqual(['3', '4']);
    expect(result.ignored).toEqual({ unrelated_association: 1 });
  });

  it('when a call, meeting, email or note is created, then an engagement item finds its contacts later', () => {
    const created = ['0-48', '0-47', '0-49', '0-46'].map((objectTypeId, i) => parsedEvent({ type: 'object.creation', objectTypeId, objectId: String(100 + i), propertyName: undefined }));
    expect(items(created).map((i) => [i.kind, i.key])).toEqual([
      ['engagement', 'calls:100'],
      ['engagement', 'meetings:101'],
      ['engagement', 'emails:102'],
      ['engagement', 'notes:103'],
    ]);
  });

  it('when objectTypeId names an object key (__proto__, constructor, toString), then the event is ignored, not taken for an engagement', () => {
    const odd = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'].map((objectTypeId, i) =>
      parsedEvent({ type: 'object.creation', objectTypeId, objectId: String(200 + i), propertyName: undefined }),
    );
    const result = classifyEvents(odd, options());
    expect(result.accepted).toEqual([]);
    expect(result.ignored).toEqual({ unhandled_type: 5 });
  });

  it('when a generic object event is about a contact (0-1), then it is treated like the classic one', () => {
    expect(items([parsedEvent({ type: 'object.propertyChange', objectTypeId: '0-1', objectId: '8' })]).map((i) => i.key)).toEqual(['8']);
  });

  it("when a company property the model reads changes, then a company item finds the company's contacts after the coalescing window", () => {
    const changes = [
      parsedEvent({ type: 'company.propertyChange', objectId: '900', propertyName: 'numberofemployees', occurredAt: 5 }),
      parsedEvent({ type: 'object.propertyChange', objectTypeId: '0-2', objectId: '901', propertyName: 'industry', occurredAt: 6 }),
    ];
    expect(items(changes)).toEqual([
      { portalId: PORTAL, kind: 'company', key: '900', notBefore: NOW + 1000, occurredAt: 5 },
      { portalId: PORTAL, kind: 'company', key: '901', notBefore: NOW + 1000, occurredAt: 6 },
    ]);
  });

  it('when several properties of one company change at once, then they coalesce into one company item with the newest occurredAt', () => {
    const changes = ['numberofemployees', 'industry'].map((propertyName, i) => parsedEvent({ type: 'company.propertyChange', objectId: '900', propertyName, occurredAt: 10 + i }));
    const result = classifyEvents(changes, options());
    expect(result.accepted).toHaveLength(2);
    expect(coalesceItems(result.accepted.flatMap((a) => a.items))).toEqual([{ portalId: PORTAL, kind: 'company', key: '900', notBefore: NOW + 1000, occurredAt: 11 }]);
  });

  it('when a company property the model does not read changes, then nothing is done', () => {
    const result = classifyEvents(
      [
        parsedEvent({ type: 'company.propertyChange', objectId: '900', propertyName: 'phone' }),
        // A contact input is not a company input: `jobtitle` on a company means nothing to the model.
        parsedEvent({ type: 'object.propertyChange', objectTypeId: '0-2', objectId: '900', propertyName: 'jobtitle' }),
      ],
      options(),
    );
    expect(result).toEqual({ accepted: [], ignored: { unread_property: 2 } });
  });

  it('when the app itself is the source of a company change, then it is ignored as its own change', () => {
    const result = classifyEvents([parsedEvent({ type: 'company.propertyChange', objectId: '900', propertyName: 'industry', sourceId: APP_ID })], options());
    expect(result).toEqual({ accepted: [], ignored: { own_change: 1 } });
  });

  it('when a company is created, deleted or merged, or a company change belongs to a portal without the app, then no company work is made', () => {
    const result = classifyEvents(
      [
        parsedEvent({ type: 'company.creation', objectId: '900', propertyName: undefined }),
        parsedEvent({ type: 'company.deletion', objectId: '901', propertyName: undefined }),
        parsedEvent({ type: 'object.merge', objectTypeId: '0-2', objectId: '902', propertyName: undefined }),
        parsedEvent({ type: 'company.propertyChange', portalId: OTHER_PORTAL, objectId: '903', propertyName: 'industry' }),
      ],
      options(),
    );
    expect(result).toEqual({ accepted: [], ignored: { unhandled_type: 3, not_installed: 1 } });
  });

  it('when events belong to a portal that is not installed, then they are counted and dropped', () => {
    const result = classifyEvents([parsedEvent({ portalId: OTHER_PORTAL }), parsedEvent({ portalId: OTHER_PORTAL, type: 'contact.creation' })], options());
    expect(result.accepted).toEqual([]);
    expect(result.ignored).toEqual({ not_installed: 2 });
  });

  it('when event types are unknown or not handled, then they are ignored without error', () => {
    const result = classifyEvents([parsedEvent({ type: 'deal.deletion' }), parsedEvent({ type: 'conversation.newMessage' }), parsedEvent({ type: 'object.creation', objectTypeId: '0-27' })], options());
    expect(result).toEqual({ accepted: [], ignored: { unhandled_type: 3 } });
  });

  it('when a deal is created or changes stage, then a deal item is queued, and other deal properties are ignored', () => {
    const result = classifyEvents(
      [
        parsedEvent({ type: 'deal.creation', objectId: '501' }),
        parsedEvent({ type: 'deal.propertyChange', objectId: '502', propertyName: 'dealstage' }),
        parsedEvent({ type: 'object.propertyChange', objectTypeId: '0-3', objectId: '503', propertyName: 'dealstage' }),
        parsedEvent({ type: 'deal.propertyChange', objectId: '504', propertyName: 'amount' }),
      ],
      options(),
    );
    expect(result.accepted.flatMap((a) => a.items.map((i) => [i.kind, i.key]))).toEqual([
      ['deal', '501'],
      ['deal', '502'],
      ['deal', '503'],
    ]);
    expect(result.ignored).toEqual({ unread_property: 1 });
  });

  it('when a rep fills in sales feedback, then the contact is rescored', () => {
    const result = classifyEvents(
      ['bant_feedback', 'bant_feedback_criterion', 'bant_feedback_competitor'].map((propertyName, i) =>
        parsedEvent({ type: 'contact.propertyChange', objectId: String(700 + i), propertyName }),
      ),
      options(),
    );
    expect(result.accepted.flatMap((a) => a.items.map((i) => [i.kind, i.key]))).toEqual([
      ['rescore', '700'],
      ['rescore', '701'],
      ['rescore', '702'],
    ]);
  });
});
