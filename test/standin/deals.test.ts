import { afterEach, describe, expect, it } from 'vitest';
import { generateDeals } from '../../standin/generate-deals.ts';
import type { WebhookEvent } from '../../standin/webhooks.ts';
import type { Profile } from '../../src/scoring/types.ts';
import { type Fixture, fixture } from './helpers.ts';

let f: Fixture;
afterEach(async () => {
  await f.standIn.close();
});

/** A propensity of the stand-in's own: managers of large companies convert, students never. */
const propensity = (profile: Profile) => (/Leiter|Head|Geschäftsführer|CEO|Director/i.test(profile.properties.jobtitle ?? '') ? 0.8 : 0.1);

describe('deals and pipelines', () => {
  it('when the pipelines are read on both API versions, then stages carry isClosed and probability as strings', async () => {
    f = await fixture();
    for (const path of ['/crm/pipelines/2026-03/deals', '/crm/v3/pipelines/deals']) {
      const res = await f.call('GET', path);
      expect(res.status).toBe(200);
      const stages = (res.body.results as Array<{ stages: Array<{ id: string; metadata: Record<string, string> }> }>)[0]!.stages;
      expect(stages.find((s) => s.id === 'closedwon')?.metadata).toEqual({ isClosed: 'true', probability: '1.0' });
      expect(stages.find((s) => s.id === 'closedlost')?.metadata).toEqual({ isClosed: 'true', probability: '0.0' });
    }
  });

  it('when the token lacks crm.objects.deals.read, then pipelines and deals answer 403', async () => {
    f = await fixture();
    const { accessToken } = f.standIn.issueToken(f.portalId, ['oauth', 'crm.objects.contacts.read']);
    expect((await f.call('GET', '/crm/pipelines/2026-03/deals', undefined, accessToken)).status).toBe(403);
    expect((await f.call('GET', '/crm/objects/2026-03/deals', undefined, accessToken)).status).toBe(403);
  });

  it('when a deal is created with a stage no pipeline has, then 400, and a valid one is associated with its contact', async () => {
    f = await fixture();
    const contactId = [...f.standIn.portal(f.portalId).live('contacts')][0]!.id;
    expect(() => f.standIn.simulate.createDeal(f.portalId, { dealname: 'x', pipeline: 'default', dealstage: 'nope' })).toThrow(/not a stage/);
    const dealId = f.standIn.simulate.createDeal(f.portalId, { dealname: 'x', pipeline: 'default', dealstage: 'qualifiedtobuy' }, { contactIds: [contactId] });
    const res = await f.call('POST', '/crm/associations/2026-03/deals/contacts/batch/read', { inputs: [{ id: String(dealId) }] });
    expect((res.body.results as Array<{ to: Array<{ toObjectId: number }> }>)[0]!.to.map((t) => t.toObjectId)).toEqual([contactId]);
  });

  it('when a deal is created and moved to a closed stage, then deal.creation and deal.propertyChange dealstage are delivered', async () => {
    const events: WebhookEvent[] = [];
    f = await fixture({ subscriptions: [{ subscriptionType: 'deal.creation' }, { subscriptionType: 'deal.propertyChange', propertyName: 'dealstage' }] });
    const portal = f.standIn.portal(f.portalId);
    portal.installed = true;
    const server = await import('node:http').then((http) =>
      http.createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => {
          body += c.toString('utf8');
        });
        req.on('end', () => {
          events.push(...(JSON.parse(body) as WebhookEvent[]));
          res.end();
        });
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    f.standIn.setWebhookTarget(`http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks`);
    const dealId = f.standIn.simulate.createDeal(f.portalId, { dealname: 'x', pipeline: 'default', dealstage: 'qualifiedtobuy' });
    f.standIn.simulate.updateDeal(f.portalId, dealId, { dealstage: 'closedwon', amount: '100' });
    await f.standIn.webhooksIdle();
    await new Promise((r) => server.close(r));
    // As HubSpot does, a creation also reports the properties it was created with.
    expect(events[0]).toMatchObject({ subscriptionType: 'deal.creation', objectId: dealId });
    expect(events.slice(1).map((e) => [e.subscriptionType, e.objectId, e.propertyName, e.propertyValue])).toEqual([
      ['deal.propertyChange', dealId, 'dealstage', 'qualifiedtobuy'],
      ['deal.propertyChange', dealId, 'dealstage', 'closedwon'],
    ]);
  });

  it('when outcomes are generated from a propensity, then likely contacts win more often, deals sit in a customised pipeline, and the same seed gives the same deals', async () => {
    f = await fixture({}, 400);
    const portal = f.standIn.portal(f.portalId);
    const counts = generateDeals(portal, { seed: 5, propensity, share: 1 });
    expect(counts.won).toBeGreaterThan(20);
    expect(counts.lost).toBeGreaterThan(20);
    expect(counts.feedback).toBeGreaterThan(10);
    expect(portal.dealPipelines.map((p) => p.id)).toEqual(['default', '7400001']);
    const deals = [...portal.live('deals')];
    expect(deals.some((d) => d.props.dealstage === '7400014')).toBe(true);
    const winRate = (likely: boolean) => {
      const contacts = deals.flatMap((d) => portal.associated('deals', 'contacts', d.id).map((c) => ({ c: portal.contacts.get(c)!, won: d.props.dealstage === 'closedwon' || d.props.dealstage === '7400014' })));
      const group = contacts.filter((x) => propensity({ properties: x.c.props, activities: [] }) > 0.5 === likely);
      return group.filter((x) => x.won).length / Math.max(1, group.length);
    };
    expect(winRate(true)).toBeGreaterThan(winRate(false) + 0.3);

    const again = await fixture({}, 400);
    try {
      generateDeals(again.standIn.portal(again.portalId), { seed: 5, propensity, share: 1 });
      expect([...again.standIn.portal(again.portalId).live('deals')].map((d) => d.props.dealstage)).toEqual(deals.map((d) => d.props.dealstage));
    } finally {
      await again.standIn.close();
    }
  });
});
