// End to end: a company's firmographics change in HubSpot → a signed company.propertyChange (subscribed through
// app.json) → the contacts it is the primary company of are found with batched association reads → they are rescored
// in batches and their fit grade rewritten. A contact linked to the company whose primary company is another is left alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDefinition } from '../../src/app-definition.ts';
import type { CrmRecord, Subscription } from '../../standin/index.ts';
import { type Env, redeliver, startEnv, waitAllScored, waitQuiescent, waitUntil } from './harness.ts';

const MEMBERS = 150;
const DOMAIN = 'klein-beratung.example';

let env: Env;
let companyId: number;
const members: CrmRecord[] = [];
/** Linked to the company, but its primary company is another one. */
let outsider: CrmRecord;

/** The stand-in delivers only what app.json subscribes to, as HubSpot would after `hs project upload`. */
function appSubscriptions(): Subscription[] {
  const { crmObjects, legacyCrmObjects, hubEvents } = appDefinition.webhooks.subscriptions;
  return [...crmObjects, ...legacyCrmObjects, ...hubEvents];
}

const quiet = () => waitQuiescent(env.standIn, { metricsUrl: env.app!.url });
const grades = (contacts: CrmRecord[]) => new Set(contacts.map((c) => c.props.bant_fit_grade));

beforeAll(async () => {
  env = await startEnv({
    portal: { contacts: 20, seed: 31 },
    standIn: { subscriptions: appSubscriptions() },
    proxy: true,
    beforeInstall: (portal) => {
      // A small consultancy: a managing director there scores position A (40) + industry D (6) = 46, grade C.
      companyId = portal.create('companies', { name: 'Klein Beratung GmbH', domain: DOMAIN, numberofemployees: '12', industry: 'MANAGEMENT_CONSULTING' }).id;
      const elsewhere = portal.create('companies', { name: 'Anders AG', domain: 'anders.example', numberofemployees: '40', industry: 'MANAGEMENT_CONSULTING' }).id;
      for (let i = 0; i < MEMBERS; i++) {
        const contact = portal.create('contacts', { email: `gf${i}@${DOMAIN}`, firstname: 'Erika', lastname: `Klein-${i}`, jobtitle: 'Geschäftsführerin' });
        portal.associate('contacts', contact.id, 'companies', companyId, undefined, true, true);
        members.push(contact);
      }
      outsider = portal.create('contacts', { email: `gf@anders.example`, firstname: 'Max', lastname: 'Anders', jobtitle: 'Geschäftsführer' });
      portal.associate('contacts', outsider.id, 'companies', elsewhere, undefined, true, true);
      portal.associate('contacts', outsider.id, 'companies', companyId, undefined, true, false);
    },
  });
  await waitAllScored(env.portal, { logLines: env.logLines });
  await quiet();
}, 60_000);

afterAll(async () => {
  await env?.close();
});

describe('a company changes in HubSpot', () => {
  it('when its employee count and industry change, then every contact it is the primary company of gets the new fit grade, in few batched calls', async () => {
    expect(grades(members)).toEqual(new Set(['C']));
    expect(outsider.props.bant_fit_grade).toBe('C');
    const outsiderScoredAt = outsider.props.bant_scored_at;
    const mark = env.standIn.requests.length;
    const markProxied = env.proxy!.requests.length;
    const markDeliveries = env.standIn.deliveries.length;

    env.standIn.simulate.updateCompany(env.portal.id, companyId, { numberofemployees: '20000', industry: 'MACHINERY' });
    // 40 (position A) + 35 (size A) + 25 (industry A) = 100.
    await waitUntil(() => members.every((c) => c.props.bant_fit_grade === 'A'), {
      message: () => `every member at fit grade A (now ${[...grades(members)].join(', ')})\n${env.logLines.slice(-20).join('\n')}`,
    });
    await quiet();

    const events = env.standIn.deliveries.slice(markDeliveries).flatMap((d) => d.events);
    expect(events.filter((e) => e.subscriptionType === 'company.propertyChange' && e.objectId === companyId).map((e) => e.propertyName)).toEqual(
      expect.arrayContaining(['numberofemployees', 'industry']),
    );
    expect(env.standIn.deliveries.slice(markDeliveries).every((d) => d.ok)).toBe(true);
    expect(members.every((c) => Number(c.props.bant_fit_score) === 100)).toBe(true);

    const calls = env.standIn.requests.slice(mark);
    const count = (path: string) => calls.filter((r) => r.path === path).length;
    // Both changes coalesce into one company item: one read of its contacts; the account pass after the 150 rescores
    // (coalesced into one account item, issue 16) reads them once more and writes the company once.
    expect(count('/crm/associations/2026-03/companies/contacts/batch/read')).toBe(2);
    expect(count('/crm/objects/2026-03/companies/batch/update')).toBe(1);
    // 150 contacts: three batch reads (50 each: HubSpot's limit when property history is asked for) and at most two
    // batch writes, never one call per contact.
    expect(count('/crm/objects/2026-03/contacts/batch/read')).toBe(3);
    expect(count('/crm/objects/2026-03/contacts/batch/update')).toBeLessThanOrEqual(2);
    expect(calls.filter((r) => /^\/crm\/v3\/objects\/contacts\/\d+$/.test(r.path))).toEqual([]);
    // 20 for the contacts, at most 5 more for the account part (issue 16's target).
    expect(calls.length).toBeLessThanOrEqual(25);

    // Exactly the members were read for rescoring. The outsider's fit comes from Anders AG: not read, not rescored.
    const read = env.proxy!.requests.slice(markProxied).filter((r) => r.path === '/crm/objects/2026-03/contacts/batch/read');
    const readIds = read.flatMap((r) => (JSON.parse(r.body) as { inputs: Array<{ id: string }> }).inputs.map((i) => Number(i.id)));
    expect(readIds.sort((a, b) => a - b)).toEqual(members.map((c) => c.id).sort((a, b) => a - b));
    expect(outsider.props.bant_scored_at).toBe(outsiderScoredAt);
    expect(outsider.props.bant_fit_grade).toBe('C');
  });

  it('when a change to a company property the model does not read is delivered, then the app acknowledges it and calls nothing', async () => {
    const original = [...env.standIn.deliveries].reverse().find((d) => d.ok && d.events.some((e) => e.subscriptionType === 'company.propertyChange'));
    expect(original).toBeDefined();
    const event = original!.events.find((e) => e.subscriptionType === 'company.propertyChange')!;
    const mark = env.standIn.requests.length;
    const res = await redeliver(`http://127.0.0.1:${env.port}/webhooks/hubspot`, [{ ...event, propertyName: 'city', propertyValue: 'Hamburg', occurredAt: Date.now() }]);
    expect(res.status).toBeLessThan(300);
    await quiet();
    expect(env.standIn.requests.slice(mark)).toEqual([]);
  });
});
