import { describe, expect, it } from 'vitest';
import { COMPETITOR_DOMAINS, FREE_MAIL_DOMAINS, generatePortal, UNIVERSITY_DOMAINS } from '../../standin/generate-portal.ts';
import { Portal } from '../../standin/portal.ts';

const NOW = Date.UTC(2026, 10, 2);

function generate(seed: number, contacts: number): Portal {
  const portal = new Portal({ portalId: 7, clock: () => NOW });
  generatePortal(portal, { seed, contacts });
  return portal;
}

function snapshot(p: Portal): unknown {
  return {
    contacts: [...p.live('contacts')].map((c) => [c.id, c.props, c.createdAt]),
    companies: [...p.live('companies')].map((c) => [c.id, c.props]),
    calls: [...p.live('calls')].map((c) => [c.id, c.props]),
    pending: [...p.pendingValues].map(([k, v]) => [k, [...v]]),
  };
}

describe('generatePortal', () => {
  it('when the same seed is used twice, then the portals are identical; another seed gives another portal', () => {
    expect(snapshot(generate(5, 300))).toEqual(snapshot(generate(5, 300)));
    expect(snapshot(generate(6, 300))).not.toEqual(snapshot(generate(5, 300)));
  });

  it('when 2,000 contacts are generated, then titles, domains, sizes, owners and activity are varied and valid', () => {
    const p = generate(9, 2000);
    const contacts = [...p.live('contacts')];
    expect(contacts).toHaveLength(2000);
    const titles = new Set(contacts.map((c) => c.props.jobtitle));
    for (const t of ['Geschäftsführer', 'Leiter Marketing', 'Head of IT', 'Marketing Manager', 'Werkstudent', 'Praktikant', 'Bewerber', 'CEO', 'CMO']) {
      expect(titles, t).toContain(t);
    }
    const domain = (c: (typeof contacts)[number]) => c.props.email!.split('@')[1]!;
    expect(contacts.some((c) => FREE_MAIL_DOMAINS.includes(domain(c)))).toBe(true);
    expect(contacts.some((c) => COMPETITOR_DOMAINS.includes(domain(c)))).toBe(true);
    expect(contacts.some((c) => UNIVERSITY_DOMAINS.includes(domain(c)))).toBe(true);
    const sizes = [...p.live('companies')].map((c) => Number(c.props.numberofemployees));
    expect(Math.min(...sizes)).toBeLessThan(100);
    expect(Math.max(...sizes)).toBeGreaterThan(10_000);
    const industries = new Set([...p.live('companies')].map((c) => c.props.industry));
    for (const i of ['MACHINERY', 'COMPUTER_SOFTWARE', 'RETAIL', 'MANAGEMENT_CONSULTING']) expect(industries).toContain(i);
    const ownerIds = new Set(p.owners.map((o) => o.id));
    const owned = contacts.filter((c) => c.props.hubspot_owner_id);
    expect(owned.length / contacts.length).toBeGreaterThan(0.75);
    expect(owned.every((c) => ownerIds.has(c.props.hubspot_owner_id!))).toBe(true);
    expect(contacts.some((c) => c.props.hs_buying_role)).toBe(true);
    expect(contacts.some((c) => Number(c.props.hs_analytics_num_page_views) > 10)).toBe(true);
    // Every generated value passes HubSpot's own validation (allowing read-only values, which HubSpot computes).
    for (const c of contacts.slice(0, 300)) expect(() => p.validate('contacts', c.props, undefined, true)).not.toThrow();
    const calls = [...p.live('calls')];
    expect(calls.length).toBeGreaterThan(100);
    for (const call of calls.slice(0, 200)) expect(() => p.validate('calls', call.props, undefined, true)).not.toThrow();
    const oldest = Math.min(...calls.map((c) => Date.parse(c.props.hs_timestamp!)));
    expect(NOW - oldest).toBeLessThanOrEqual(180 * 86_400_000);
    expect(new Set([...p.live('emails')].map((e) => e.props.hs_email_direction))).toEqual(new Set(['EMAIL', 'INCOMING_EMAIL']));
    expect(new Set([...p.live('meetings')].map((m) => m.props.hs_meeting_outcome))).toContain('COMPLETED');
    expect(calls.every((c) => p.associated('calls', 'contacts', c.id).length === 1)).toBe(true);
  });

  it('when 20,000 contacts are generated, then it takes well under the time a test can afford', () => {
    const started = performance.now();
    const p = generate(1, 20_000);
    expect(p.count('contacts')).toBe(20_000);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
