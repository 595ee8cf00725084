// End to end (issue #15 item 1): a contact with an open or won deal is past the lead stages, whatever its lifecycle
// stage says. Open and won come from the pipeline stage metadata: its lead tasks close saying why, it gets no new
// call, qualify or follow-up task and no hs_lead_status change; a lost deal alone leaves it in the lead process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmRecord } from '../../standin/index.ts';
import { appTasks, contactsOf, type Env, SQL_ANSWERS, startEnv, waitAllScored, waitQuiescent, waitUntil } from './harness.ts';

let env: Env;
const quiet = () => waitQuiescent(env.standIn, { metricsUrl: env.app!.url });
const contact = (id: number) => contactsOf(env.portal).find((c) => c.id === id) as CrmRecord;
const open = (id: number) => appTasks(env.portal, id).filter((t) => t.props.hs_task_status !== 'COMPLETED');
let leads: CrmRecord[] = [];

beforeAll(async () => {
  env = await startEnv({ portal: { contacts: 30, seed: 44 } });
  await waitAllScored(env.portal, { logLines: env.logLines });
  await quiet();
  leads = contactsOf(env.portal)
    .filter((c) => c.props.hubspot_owner_id && !['disqualified', 'sql'].includes(c.props.bant_qualification ?? '') && ['', 'subscriber', 'lead'].includes(c.props.lifecyclestage ?? ''))
    .filter((c) => !/student|praktikant|bewerb|assist/i.test(c.props.jobtitle ?? ''))
    .slice(0, 3);
  expect(leads).toHaveLength(3);
}, 90_000);

afterAll(async () => {
  await env?.close();
});

describe('an open or won deal ends the lead process', () => {
  it('when a sales-ready lead gets an open deal, then its call task is completed saying why and it keeps its lifecycle stage', async () => {
    const lead = leads[0] as CrmRecord;
    env.standIn.simulate.updateContact(env.portal.id, lead.id, { ...SQL_ANSWERS });
    await waitUntil(() => open(lead.id).length === 1 && appTasks(env.portal, lead.id, 'call_sql').length === 1, { message: 'the call task' });
    await quiet();
    env.standIn.simulate.createDeal(env.portal.id, { dealname: 'Rahmenvertrag', pipeline: 'default', dealstage: 'qualifiedtobuy' }, { contactIds: [lead.id] });
    await waitUntil(() => open(lead.id).length === 0, { message: 'the call task completed' });
    const body = appTasks(env.portal, lead.id, 'call_sql')[0]?.props.hs_task_body ?? '';
    expect(body).toMatch(/open or won deal/);
    expect(contact(lead.id).props.bant_qualification).toBe('sql');
  });

  it('when a lead with a won deal is disqualified, then hs_lead_status is left as it was and no task is made', async () => {
    const lead = leads[1] as CrmRecord;
    env.standIn.simulate.updateContact(env.portal.id, lead.id, { hs_lead_status: 'IN_PROGRESS' });
    env.standIn.simulate.createDeal(env.portal.id, { dealname: 'Wartung', pipeline: 'default', dealstage: 'closedwon' }, { contactIds: [lead.id] });
    await quiet();
    env.standIn.simulate.updateContact(env.portal.id, lead.id, { ...SQL_ANSWERS, bant_need_answer: 'none' });
    await waitUntil(() => contact(lead.id).props.bant_qualification === 'disqualified', { message: 'the disqualification' });
    await quiet();
    expect(contact(lead.id).props.hs_lead_status).toBe('IN_PROGRESS');
    env.standIn.simulate.updateContact(env.portal.id, lead.id, { ...SQL_ANSWERS });
    await waitUntil(() => contact(lead.id).props.bant_qualification === 'sql', { message: 'the SQL' });
    await quiet();
    expect(appTasks(env.portal, lead.id)).toEqual([]);
  });

  it('when a lead has only a lost deal, then it stays in the lead process and gets its call', async () => {
    const lead = leads[2] as CrmRecord;
    env.standIn.simulate.createDeal(env.portal.id, { dealname: 'Altprojekt', pipeline: 'default', dealstage: 'closedlost' }, { contactIds: [lead.id] });
    await quiet();
    env.standIn.simulate.updateContact(env.portal.id, lead.id, { ...SQL_ANSWERS });
    await waitUntil(() => appTasks(env.portal, lead.id, 'call_sql').length === 1, { message: 'the call task of a lead with a lost deal' });
  });
});
