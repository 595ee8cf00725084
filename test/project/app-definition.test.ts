import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  appDefinition,
  installScopes,
  parseAppDefinition,
  subscribedCompanyProperties,
  subscribedContactProperties,
  subscribedObjectCreations,
} from '../../src/app-definition.ts';
import { ModelValidationError } from '../../src/errors.ts';
import { modelInputs, parseModel } from '../../src/scoring/index.ts';

const rawAppJson = () => JSON.parse(readFileSync(new URL('../../app.json', import.meta.url), 'utf8')) as Record<string, unknown>;

function defaultModel() {
  const parsed = parseModel(JSON.parse(readFileSync(new URL('../../config/scoring-model.json', import.meta.url), 'utf8')));
  if (!parsed.ok) throw new Error('default model invalid');
  return parsed.model;
}

describe('app.json', () => {
  it('when every contact property the default model reads changes, then a propertyChange subscription delivers it', () => {
    const subscribed = new Set(subscribedContactProperties(appDefinition));
    const missing = modelInputs(defaultModel()).contact.filter((p) => !subscribed.has(p));
    expect(missing).toEqual([]);
  });

  it('when a company property the default model reads changes, then a company.propertyChange subscription delivers it', () => {
    const subscribed = new Set(subscribedCompanyProperties(appDefinition));
    const missing = modelInputs(defaultModel()).company.filter((p) => !subscribed.has(p));
    expect(missing).toEqual([]);
    // Subscribing to an object needs that object's read scope (docs/hubspot-platform.md §1.1).
    expect(appDefinition.auth.requiredScopes).toContain('crm.objects.companies.read');
  });

  it('when a rep fills in a BANT answer, then a propertyChange subscription delivers it', () => {
    const subscribed = subscribedContactProperties(appDefinition);
    for (const answer of ['bant_budget_answer', 'bant_authority_answer', 'bant_need_answer', 'bant_timeline_answer']) expect(subscribed).toContain(answer);
  });

  it('when the app writes its own results, then no subscription echoes them back (docs/hubspot-platform.md §8.6)', () => {
    const own = subscribedContactProperties(appDefinition).filter((p) => p.startsWith('bant_') && !p.endsWith('_answer') && !p.startsWith('bant_feedback'));
    expect(own).toEqual([]);
    // lifecyclestage is subscribed for contacts leaving the lead process; the classifier drops the stages the app writes.
    expect(subscribedContactProperties(appDefinition)).not.toContain('hs_lead_status');
  });

  it('when HubSpot refuses propertyChange on a property, then app.json does not subscribe to it', () => {
    const subscribed = subscribedContactProperties(appDefinition);
    expect(subscribed).not.toContain('num_unique_conversion_events');
    expect(subscribed).not.toContain('hs_lastmodifieddate');
  });

  it('when a rep gives sales feedback or a deal is created or changes stage, then the app hears of it', () => {
    const subscribed = subscribedContactProperties(appDefinition);
    for (const name of ['bant_feedback', 'bant_feedback_criterion', 'bant_feedback_competitor']) expect(subscribed).toContain(name);
    const legacy = appDefinition.webhooks.subscriptions.legacyCrmObjects;
    expect(legacy.some((s) => s.subscriptionType === 'deal.creation' && s.active)).toBe(true);
    expect(legacy.some((s) => s.subscriptionType === 'deal.propertyChange' && s.propertyName === 'dealstage' && s.active)).toBe(true);
  });

  it('when contacts are created, deleted, merged, restored, re-associated or erased, then the app hears of it', () => {
    const legacy = appDefinition.webhooks.subscriptions.legacyCrmObjects.map((s) => s.subscriptionType);
    for (const type of ['contact.creation', 'contact.deletion', 'contact.merge', 'contact.restore', 'contact.associationChange']) expect(legacy).toContain(type);
    expect(appDefinition.webhooks.subscriptions.hubEvents.map((s) => s.subscriptionType)).toEqual(['contact.privacyDeletion']);
  });

  it('when a call, meeting, email or note is logged, then an object.creation subscription names its object type id', () => {
    expect([...subscribedObjectCreations(appDefinition).keys()].sort()).toEqual(['0-46', '0-47', '0-48', '0-49']);
  });

  it('when the app installs, then it asks for the least scopes: oauth, contacts, contact schema, companies and their schema (account values), owners; deals and marketing events optional', () => {
    expect(installScopes()).toEqual({
      required: [
        'oauth',
        'crm.objects.contacts.read',
        'crm.objects.contacts.write',
        'crm.schemas.contacts.write',
        'crm.objects.companies.read',
        'crm.objects.companies.write',
        'crm.schemas.companies.write',
        'crm.objects.owners.read',
      ],
      optional: ['crm.objects.deals.read', 'crm.objects.marketing_events.read', 'crm.objects.leads.read', 'crm.objects.leads.write'],
    });
    expect(installScopes().required.some((s) => s.includes('sensitive'))).toBe(false);
  });

  it('when app.json is for the marketplace, then it has OAuth, the redirect and webhook paths, the card and support contacts', () => {
    expect(appDefinition.distribution).toBe('marketplace');
    expect(appDefinition.auth).toMatchObject({ type: 'oauth', redirectPath: '/oauth/callback' });
    expect(appDefinition.webhooks.targetPath).toBe('/webhooks/hubspot');
    expect(appDefinition.cards).toEqual([expect.objectContaining({ name: 'BANT score', location: 'crm.record.tab', objectTypes: ['contacts'], fetchPath: '/card/contact' })]);
    expect(appDefinition.support.supportEmail).toMatch(/@/);
  });

  it('when the oauth scope is missing, then loading fails naming requiredScopes', () => {
    const json = rawAppJson();
    const auth = json.auth as { requiredScopes: string[] };
    auth.requiredScopes = auth.requiredScopes.filter((s) => s !== 'oauth');
    expect(() => parseAppDefinition(json)).toThrow(ModelValidationError);
    try {
      parseAppDefinition(json);
    } catch (error) {
      expect((error as ModelValidationError).issues.map((i) => i.path)).toContain('auth.requiredScopes');
    }
  });

  it('when a propertyChange subscription has no propertyName, then loading fails with its path', () => {
    const json = rawAppJson();
    const subscriptions = (json.webhooks as { subscriptions: { legacyCrmObjects: Array<Record<string, unknown>> } }).subscriptions;
    subscriptions.legacyCrmObjects.push({ subscriptionType: 'contact.propertyChange', active: true });
    expect(() => parseAppDefinition(json)).toThrow(/webhooks\.subscriptions\.legacyCrmObjects\.\d+/);
  });

  it('when a company.propertyChange subscription has no propertyName, then loading fails with its path', () => {
    const json = rawAppJson();
    const subscriptions = (json.webhooks as { subscriptions: { legacyCrmObjects: Array<Record<string, unknown>> } }).subscriptions;
    subscriptions.legacyCrmObjects.push({ subscriptionType: 'company.propertyChange', active: true });
    expect(() => parseAppDefinition(json)).toThrow(/webhooks\.subscriptions\.legacyCrmObjects\.\d+/);
  });
});
