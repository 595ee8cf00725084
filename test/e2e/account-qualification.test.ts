// End to end on the stand-in (issue 16): a company whose decision maker and need answer sit in two different contacts
// is qualified as an account (docs/contract.md section 3a), both contacts show the account context, and a
// find_decision_maker task for the company's owner appears while nobody can decide and completes itself once someone can.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDefinition } from '../../src/app-definition.ts';
import type { CardPayload } from '../../src/http/card-routes.ts';
import { type CrmRecord, type Subscription, signV3 } from '../../standin/index.ts';
import { APP, appTasks, type Env, SQL_ANSWERS, startEnv, waitAllScored, waitQuiescent, waitUntil } from './harness.ts';
import { metricSum, scrapeMetrics } from '../../bench/lib/harness.ts';

let env: Env;
let companyId: number;
let karl: CrmRecord;
const BURST = 100;
const burst: CrmRecord[] = [];
let eva: CrmRecord;

function appSubscriptions(): Subscription[] {
  const { crmObjects, legacyCrmObjects, hubEvents } = appDefinition.webhooks.subscriptions;
  return [...crmObjects, ...legacyCrmObjects, ...hubEvents];
}

const company = () => env.portal.get('companies', companyId)!;
const quiet = () => waitQuiescent(env.standIn, { metricsUrl: env.app!.url });
const companyTasks = () =>
  env.portal
    .associated('companies', 'tasks', companyId)
    .map((id) => env.portal.get('tasks', id)!)
    .filter((t) => (t.props.hs_task_body ?? '').trim().endsWith('bant-task: find_decision_maker'));
const log = () => env.logLines.slice(-30).join('\n');

async function fetchCard(contactId: number): Promise<Extract<CardPayload, { scored: true }>> {
  const url = `${env.app!.url}/card/contact?portalId=${env.portal.id}&contactId=${contactId}`;
  const timestamp = Date.now();
  const res = await fetch(url, { headers: { 'x-hubspot-signature-v3': signV3(APP.clientSecret, 'GET', url, '', timestamp), 'x-hubspot-request-timestamp': String(timestamp) } });
  expect(res.status).toBe(200);
  return (await res.json()) as Extract<CardPayload, { scored: true }>;
}

beforeAll(async () => {
  // The shipped model: contacts take budget and timeline from their company.
  env = await startEnv({
    portal: { contacts: 5, seed: 16 },
    standIn: { subscriptions: appSubscriptions() },
    beforeInstall: (portal) => {
      companyId = portal.create('companies', { name: 'Muster Anlagenbau GmbH', domain: 'muster-anlagenbau.example', numberofemployees: '12000', industry: 'MACHINERY', hubspot_owner_id: String(portal.owners[0]!.id) }).id;
      // Eva has the need, the budget and the timing, and only influences the decision; Karl (added later) decides.
      eva = portal.create('contacts', {
        email: 'eva.schmidt@muster-anlagenbau.example',
        firstname: 'Eva',
        lastname: 'Schmidt',
        jobtitle: 'Leiterin Instandhaltung',
        bant_need_answer: 'acute',
        bant_budget_answer: 'approved',
        bant_timeline_answer: '3_6_months',
        bant_authority_answer: 'influencer',
      });
      portal.associate('contacts', eva.id, 'companies', companyId, undefined, true, true);
      const big = portal.create('companies', { name: 'Groß Maschinen AG', domain: 'gross-maschinen.example', numberofemployees: '8000', industry: 'MACHINERY' }).id;
      for (let i = 0; i < BURST; i++) {
        const c = portal.create('contacts', { email: `mitarbeiter${i}@gross-maschinen.example`, firstname: 'M', lastname: `Nr-${i}`, jobtitle: 'Ingenieur' });
        portal.associate('contacts', c.id, 'companies', big, undefined, true, true);
        burst.push(c);
      }
    },
  });
  await waitAllScored(env.portal, { logLines: env.logLines });
  await quiet();
}, 60_000);

afterAll(async () => {
  await env?.close();
});

describe('account qualification', () => {
  it('when a qualified company has nobody who decides, then the account values are written and its owner gets one find_decision_maker task', async () => {
    await waitUntil(() => company().props.bant_account_qualification, { message: () => `account values on the company\n${log()}` });
    await quiet();
    const props = company().props;
    expect(props.bant_account_need).toBe('met');
    expect(props.bant_account_authority).toBe('partial');
    expect(props.bant_account_qualification).toBe('sql');
    expect(props.bant_buying_center).toBe('influencer: Eva Schmidt (Leiterin Instandhaltung)');
    const tasks = companyTasks();
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.props.hs_task_status).not.toBe('COMPLETED');
    expect(tasks[0]!.props.hubspot_owner_id).toBe(company().props.hubspot_owner_id);
  });

  it('when the decision maker is a second contact, then the account is sql, both contacts show the account, and the task completes itself', async () => {
    const karlId = env.standIn.simulate.createContact(env.portal.id, {
      email: 'karl.brandt@muster-anlagenbau.example',
      firstname: 'Karl',
      lastname: 'Brandt',
      jobtitle: 'Geschäftsführer',
      hs_buying_role: 'DECISION_MAKER',
    }, { companyId });
    karl = env.portal.get('contacts', karlId)!;
    await waitUntil(() => company().props.bant_account_authority === 'met' && companyTasks().every((t) => t.props.hs_task_status === 'COMPLETED'), {
      timeoutMs: 30_000,
      message: () => `authority met and the task completed (authority ${company().props.bant_account_authority})\n${log()}`,
    });
    await quiet();
    const props = company().props;
    expect(props.bant_account_qualification).toBe('sql');
    expect(props.bant_buying_center?.split('\n')[0]).toBe('decision maker: Karl Brandt (Geschäftsführer)');
    expect(props.bant_account_need).toBe('met');

    // Karl inherits budget and timeline from Eva (need stays his own); Eva's own answers are already the account's.
    const k = env.portal.get('contacts', karl.id)!;
    expect(k.props.bant_budget).toBe('met');
    expect(k.props.bant_timeline).toBe('met');
    const e = env.portal.get('contacts', eva.id)!;
    expect(e.props.bant_need).toBe('met');

    // The card of each shows the account: its grade, BANT across the buying centre and who decides.
    const karlCard = await fetchCard(karl.id);
    expect(karlCard.account?.companyId).toBe(String(companyId));
    expect(karlCard.account?.grade).toBe(props.bant_account_fit_grade);
    expect(karlCard.account?.bant.map((c) => c.state)).toEqual([props.bant_account_budget, props.bant_account_authority, props.bant_account_need, props.bant_account_timeline]);
    expect(karlCard.account?.deciders.map((d) => d.name)).toEqual(['Karl Brandt']);
    expect(karlCard.account?.inherited).toEqual(['budget', 'timeline']);
    expect(karlCard.bant.find((c) => c.criterion === 'budget')?.evidence[0]).toContain('via Eva Schmidt, Leiterin Instandhaltung');
    const evaCard = await fetchCard(eva.id);
    expect(evaCard.account?.deciders.map((d) => d.name)).toEqual(['Karl Brandt']);
    expect(evaCard.account?.others.map((m) => m.name)).toEqual(['Eva Schmidt']);

    const tasks = companyTasks();
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.props.hs_task_status).toBe('COMPLETED');
    expect(tasks[0]!.props.hs_task_body).toContain('Completed by the app: someone in the buying centre can decide now');
  });

  it('when 100 contacts of one company change in one burst, then the account is rescored once with at most 5 calls', async () => {
    const before = await scrapeMetrics(env.app!.url);
    for (const c of burst) env.standIn.simulate.updateContact(env.portal.id, c.id, { bant_need_answer: 'latent' });
    await waitUntil(() => burst.every((c) => env.portal.get('contacts', c.id)!.props.bant_need === 'partial'), { timeoutMs: 30_000, message: () => `burst rescored\n${log()}` });
    await quiet();
    const after = await scrapeMetrics(env.app!.url);
    const delta = (name: string, labels: Record<string, string> = {}) => metricSum(after, name, labels) - metricSum(before, name, labels);
    expect(delta('bant_queue_items_total', { kind: 'account', outcome: 'done' })).toBe(1);
    expect(delta('bant_accounts_rescored_total')).toBe(1);
    expect(delta('bant_account_api_calls_total')).toBeGreaterThan(0);
    expect(delta('bant_account_api_calls_total')).toBeLessThanOrEqual(5);
  });

  it('when two contacts of one company become sales-ready together, then only the better one gets call_sql; once that call is made, the other gets its call', async () => {
    const owner = String(env.portal.owners[0]!.id);
    const companyOfPair = env.portal.create('companies', { name: 'Zwei Werke GmbH', domain: 'zwei-werke.example', numberofemployees: '5000', industry: 'MACHINERY', hubspot_owner_id: owner }).id;
    const anna = env.standIn.simulate.createContact(env.portal.id, { email: 'anna.berg@zwei-werke.example', firstname: 'Anna', lastname: 'Berg', jobtitle: 'Geschäftsführerin', hubspot_owner_id: owner }, { companyId: companyOfPair });
    const bernd = env.standIn.simulate.createContact(env.portal.id, { email: 'bernd.kurz@zwei-werke.example', firstname: 'Bernd', lastname: 'Kurz', jobtitle: 'Werkstattleiter', hubspot_owner_id: owner }, { companyId: companyOfPair });
    const props = (id: number) => env.portal.get('contacts', id)!.props;
    await waitUntil(() => Boolean(props(anna).bant_scored_at && props(bernd).bant_scored_at), { message: () => `both scored\n${log()}` });
    await quiet();
    const openCalls = (id: number) => appTasks(env.portal, id, 'call_sql').filter((t) => t.props.hs_task_status !== 'COMPLETED');

    env.standIn.simulate.updateContact(env.portal.id, anna, { ...SQL_ANSWERS });
    env.standIn.simulate.updateContact(env.portal.id, bernd, { ...SQL_ANSWERS });
    await waitUntil(() => props(anna).bant_qualification === 'sql' && props(bernd).bant_qualification === 'sql', { timeoutMs: 30_000, message: () => `both sql\n${log()}` });
    await quiet();
    expect(openCalls(anna), 'Anna (the better priority) is called').toHaveLength(1);
    expect(openCalls(bernd), 'Bernd waits for Anna’s call').toHaveLength(0);
    expect(appTasks(env.portal, bernd, 'call_sql')).toHaveLength(0);

    env.standIn.simulate.completeTask(env.portal.id, openCalls(anna)[0]!.id);
    env.standIn.simulate.updateContact(env.portal.id, anna, { jobtitle: 'Geschäftsführerin Technik' });
    await waitUntil(() => openCalls(bernd).length === 1, { timeoutMs: 30_000, message: () => `Bernd's call after Anna's\n${log()}` });
    await quiet();
    expect(openCalls(anna)).toHaveLength(0);
    expect(appTasks(env.portal, anna, 'call_sql')).toHaveLength(1);
    expect(openCalls(bernd)).toHaveLength(1);
  });
});
