// End to end: the hourly reconciliation against the stand-in. Right after the install backfill it reads none of the
// contacts the app itself wrote (their latest change is the app's write), but it does read a contact a rep changed
// afterwards without a webhook reaching the app; and a company change whose webhook was lost is found by its company
// search, so the contacts of that company get the new fit grade.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDefinition } from '../../src/app-definition.ts';
import { runReconcile } from '../../src/jobs/reconcile.ts';
import type { CrmRecord, Subscription } from '../../standin/index.ts';
import { type Env, startEnv, waitAllScored, waitQuiescent, waitUntil } from './harness.ts';

const MEMBERS = 30;
const DOMAIN = 'klein-beratung.example';

let env: Env;
let companyId: number;
const members: CrmRecord[] = [];
/** Scored at Anders AG; a rep changes their title later. */
let edited: CrmRecord;

function appSubscriptions(): Subscription[] {
  const { crmObjects, legacyCrmObjects, hubEvents } = appDefinition.webhooks.subscriptions;
  return [...crmObjects, ...legacyCrmObjects, ...hubEvents];
}

/** Makes a change in HubSpot whose webhooks of this type prefix (e.g. `company.`) never reach the app. */
function withWebhooksLost(prefix: string, change: () => void): void {
  env.standIn.setSubscriptions(appSubscriptions().filter((s) => !s.subscriptionType.startsWith(prefix)));
  try {
    change();
  } finally {
    env.standIn.setSubscriptions(appSubscriptions());
  }
}

const quiet = () => waitQuiescent(env.standIn, { metricsUrl: env.app!.url });
const grades = (contacts: CrmRecord[]) => new Set(contacts.map((c) => c.props.bant_fit_grade));
const reconcile = async () => {
  const outcome = await runReconcile(env.app!.ctx, env.portal.id);
  if (!outcome.ran) throw new Error('the reconciliation did not run');
  return outcome.result;
};
/** The contact ids the app batch-read since the proxy's request `mark`. */
const contactsRead = (mark: number) =>
  env
    .proxy!.requests.slice(mark)
    .filter((r) => r.path === '/crm/objects/2026-03/contacts/batch/read')
    .flatMap((r) => (JSON.parse(r.body) as { inputs: Array<{ id: string }> }).inputs.map((i) => Number(i.id)))
    .sort((a, b) => a - b);

beforeAll(async () => {
  env = await startEnv({
    portal: { contacts: 20, seed: 43 },
    standIn: { subscriptions: appSubscriptions() },
    proxy: true,
    beforeInstall: (portal) => {
      // Companies last changed an hour ago: the sweeps here come seconds apart, and each window reaches 5 minutes back.
      const anHourAgo = Date.now() - 60 * 60_000;
      // A managing director at a small consultancy: position A (40) + industry D (6) = 46, grade C.
      companyId = portal.create('companies', { name: 'Klein Beratung GmbH', domain: DOMAIN, numberofemployees: '12', industry: 'MANAGEMENT_CONSULTING' }, undefined, anHourAgo).id;
      for (let i = 0; i < MEMBERS; i++) {
        const contact = portal.create('contacts', { email: `gf${i}@${DOMAIN}`, firstname: 'Erika', lastname: `Klein-${i}`, jobtitle: 'Geschäftsführerin' });
        portal.associate('contacts', contact.id, 'companies', companyId, undefined, true, true);
        members.push(contact);
      }
      const anders = portal.create('companies', { name: 'Anders AG', domain: 'anders.example', numberofemployees: '40', industry: 'MANAGEMENT_CONSULTING' }, undefined, anHourAgo).id;
      edited = portal.create('contacts', { email: 'gf@anders.example', firstname: 'Max', lastname: 'Anders', jobtitle: 'Geschäftsführer' });
      portal.associate('contacts', edited.id, 'companies', anders, undefined, true, true);
    },
  });
  await waitAllScored(env.portal, { logLines: env.logLines });
  await quiet();
}, 60_000);

afterAll(async () => {
  await env?.close();
});

describe('reconciliation', () => {
  it('when it runs right after the backfill, then it reads none of the contacts the app wrote, but reads and rescores one a rep changed since', async () => {
    const all = env.portal.count('contacts');
    let mark = env.standIn.requests.length;
    let markProxied = env.proxy!.requests.length;

    const first = await reconcile();

    const calls = () => env.standIn.requests.slice(mark);
    const count = (path: string) => calls().filter((r) => r.path === path).length;
    expect(first).toMatchObject({ contacts: 0, ownWrites: all, companies: 0 });
    expect(count('/crm/objects/2026-03/contacts/search')).toBe(1);
    expect(count('/crm/objects/2026-03/companies/search')).toBe(1);
    expect(contactsRead(markProxied)).toEqual([]);
    expect(count('/crm/objects/2026-03/contacts/batch/update')).toBe(0);
    // The first sweep after the install also lists the portal's deals once (deals closed before the app came).
    expect(count('/crm/objects/2026-03/deals')).toBe(1);
    expect(calls()).toHaveLength(3);

    expect(edited.props.bant_fit_grade).toBe('C');
    withWebhooksLost('contact.', () => {
      env.standIn.simulate.updateContact(env.portal.id, edited.id, { jobtitle: 'Sachbearbeiter' });
    });
    await quiet();
    expect(edited.props.bant_fit_grade).toBe('C');
    mark = env.standIn.requests.length;
    markProxied = env.proxy!.requests.length;

    const second = await reconcile();

    expect(second).toMatchObject({ contacts: 1, ownWrites: all - 1 });
    // Later sweeps search modified deals instead (none here).
    expect(count('/crm/objects/2026-03/deals/search')).toBe(1);
    expect(contactsRead(markProxied)).toEqual([edited.id]);
    expect(count('/crm/objects/2026-03/contacts/batch/update')).toBe(1);
    // Position D (10) + industry D (6): grade D.
    expect(edited.props.bant_fit_grade).toBe('D');
    expect(grades(members)).toEqual(new Set(['C']));
  });

  it('when a company change’s webhook is lost, then the next reconciliation finds the company and its contacts get the new fit grade', async () => {
    await quiet();
    withWebhooksLost('company.', () => {
      env.standIn.simulate.updateCompany(env.portal.id, companyId, { numberofemployees: '20000', industry: 'MACHINERY' });
    });
    await quiet();
    expect(grades(members)).toEqual(new Set(['C']));
    const markProxied = env.proxy!.requests.length;

    const result = await reconcile();

    expect(result).toMatchObject({ contacts: 0, companies: 1 });
    // 40 (position A) + 35 (size A) + 25 (industry A) = 100.
    await waitUntil(() => members.every((c) => c.props.bant_fit_grade === 'A'), {
      message: () => `every member at fit grade A (now ${[...grades(members)].join(', ')})\n${env.logLines.slice(-20).join('\n')}`,
    });
    await quiet();
    expect(members.every((c) => Number(c.props.bant_fit_score) === 100)).toBe(true);
    // The company's contacts were read once each, through the worker; nobody else.
    expect(contactsRead(markProxied)).toEqual(members.map((c) => c.id).sort((a, b) => a - b));
    expect(edited.props.bant_fit_grade).toBe('D');
  });
});
