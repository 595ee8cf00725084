import { describe, expect, it } from 'vitest';
import { generatePortal } from '../../standin/generate-portal.ts';
import { Portal } from '../../standin/portal.ts';
import { search } from '../../standin/search.ts';
import { ENGAGEMENT_TYPES, type ObjectType } from '../../standin/schema.ts';

const NOW = Date.UTC(2026, 10, 2);
const TYPES: ObjectType[] = ['contacts', 'companies', ...ENGAGEMENT_TYPES];

function generate(lazy: boolean, contacts = 1500): Portal {
  const portal = new Portal({ portalId: 7, clock: () => NOW });
  generatePortal(portal, { seed: 11, contacts, lazy, marketingEvents: 2 });
  return portal;
}

/** Everything the API serves of a portal: records, associations both ways, history, pending values, events. */
function served(p: Portal): unknown {
  const out: Record<string, unknown> = {};
  for (const type of TYPES) {
    out[type] = Array.from(p.idList(type)).map((id) => {
      const rec = p.get(type, id, true)!;
      return [rec, TYPES.map((to) => p.associated(type, to, id)), type === 'contacts' ? p.historyOf(type, rec, 'hs_analytics_last_url') : []];
    });
    out[`${type} count`] = p.count(type);
    out[`${type} stamps`] = [...p.liveStamps(type)].map((r) => [r.id, r.createdAt, r.updatedAt]);
    out[`${type} search`] = [
      search(p, type, { filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: String(NOW - 30 * 86_400_000) }] }], sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }], limit: 50, after: 20 }),
      search(p, type, { filterGroups: [{ filters: [{ propertyName: 'hubspot_owner_id', operator: 'HAS_PROPERTY' }] }], sorts: ['-hs_object_id'], limit: 20 }),
    ];
  }
  out.pending = [...p.pendingValues].map(([k, v]) => [k, [...v]]);
  out.events = [p.marketingEvents, [...p.participations]];
  return out;
}

describe('computed contacts (large portals)', () => {
  it('when a portal computes its contacts, then it serves the same records, associations and history as one that holds them', () => {
    const held = generate(false);
    const computed = generate(true);
    expect(computed.contacts.size).toBe(0);
    expect(computed.count('contacts')).toBe(1500);
    expect(served(computed)).toEqual(served(held));
  });

  it('when computed contacts are looked up by e-mail, then each is found, and a changed address only under its new value', () => {
    const held = generate(false, 400);
    const computed = generate(true, 400);
    for (const rec of held.live('contacts')) expect(computed.findContactByEmail(rec.props.email!.toUpperCase())?.id).toBe(rec.id);
    const first = held.idList('contacts')[0]!;
    const email = held.get('contacts', first)!.props.email!;
    computed.update('contacts', first, { email: 'new@example.com' });
    expect(computed.findContactByEmail(email)).toBeUndefined();
    expect(computed.findContactByEmail('new@example.com')?.id).toBe(first);
    expect(computed.findContactByEmail('nobody@example.com')).toBeUndefined();
  });

  it('when computed records are written, archived and dissociated, then the changes stay and the rest is as generated', () => {
    const held = generate(false, 400);
    const computed = generate(true, 400);
    for (const p of [held, computed]) {
      const [a, b, c] = Array.from(p.idList('contacts'));
      p.update('contacts', a!, { firstname: 'Zoe', jobtitle: '' });
      p.archive('contacts', b!);
      const company = p.associated('contacts', 'companies', c!)[0];
      if (company !== undefined) p.dissociate('contacts', c!, 'companies', company);
      const call = p.idList('calls')[0]!;
      p.update('calls', call, { hs_call_title: 'Changed' });
      p.properties.contacts.set('bant_budget_answer', { ...p.properties.contacts.get('firstname')!, name: 'bant_budget_answer' });
      p.applyPending('bant_budget_answer');
    }
    expect(computed.get('contacts', computed.idList('contacts')[0]!)!.props.firstname).toBe('Zoe');
    expect(computed.get('contacts', computed.idList('contacts')[1]!)).toBeUndefined();
    expect(served(computed)).toEqual(served(held));
  });
});
