// End to end (issue 15 item 7): an installation set to German gets German task titles and bodies, German reasons and
// German property labels in HubSpot; switching back to English relabels the properties (names and option values
// unchanged) and rewrites the app's open tasks in English. The task body's last line never changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmRecord } from '../../standin/index.ts';
import { type AdminClient, createAdminClient, signIn } from '../ui/admin-client.ts';
import type { RunningConsole } from '../ui/console-fixtures.ts';
import { appTasks, contactsOf, type Env, SQL_ANSWERS, startEnv, waitAllScored, waitQuiescent, waitUntil } from './harness.ts';

let env: Env;
let admin: AdminClient;
const quiet = () => waitQuiescent(env.standIn, { metricsUrl: env.app!.url });
const contactProperty = (name: string) => env.portal.properties.contacts.get(name);
const companyProperty = (name: string) => env.portal.properties.companies.get(name);
const optionLabel = (name: string, value: string) => contactProperty(name)?.options.find((o) => o.value === value)?.label;
const ENGLISH_ACCOUNT = /\b(?:via|engagement:|decision maker|influencer|champion|by title|nobody|conflict on|employees)\b/;
const accountTexts = () =>
  [...env.portal.live('companies')].flatMap((c) => [c.props.bant_buying_center ?? '', c.props.bant_account_score_reasons ?? '']).filter((t) => t !== '');
const openCall = (contactId: number) => appTasks(env.portal, contactId, 'call_sql').find((t) => t.props.hs_task_status !== 'COMPLETED');

function leads(): CrmRecord[] {
  return contactsOf(env.portal).filter(
    (c) => c.props.hubspot_owner_id && !['disqualified', 'sql'].includes(c.props.bant_qualification ?? '') && ['', 'subscriber', 'lead'].includes(c.props.lifecyclestage ?? ''),
  );
}

async function setLanguage(language: 'en' | 'de') {
  const current = ((await (await admin.get('/admin/api/settings')).json()) as { settings: Record<string, unknown> }).settings;
  const { syncLifecycleStage, syncLeadStatus, taskKinds } = current;
  const response = await admin.send('PUT', '/admin/api/settings', { syncLifecycleStage, syncLeadStatus, taskKinds, language });
  expect(response.status).toBe(200);
  return (await response.json()) as { settings: { language: string }; language?: { relabelled: boolean; rescore: string } };
}

let first: CrmRecord;
let firstTaskId: string;

beforeAll(async () => {
  env = await startEnv({ portal: { contacts: 20, seed: 21 } });
  await waitAllScored(env.portal, { logLines: env.logLines });
  await quiet();
  admin = createAdminClient({ url: env.app!.url } as RunningConsole);
  await signIn(admin);
  first = leads()[0] as CrmRecord;
  env.standIn.simulate.updateContact(env.portal.id, first.id, { ...SQL_ANSWERS });
  await waitUntil(() => openCall(first.id), { message: 'an English call task' });
  firstTaskId = String(openCall(first.id)!.id);
  await quiet();
}, 90_000);

afterAll(async () => {
  await env?.close();
});

describe('language per installation', () => {
  it('when nothing is chosen, then tasks and property labels are English', () => {
    expect(openCall(first.id)?.props.hs_task_subject).toMatch(/^Call now: .+ is sales-ready$/);
    expect(contactProperty('bant_qualification')?.label).toBe('BANT qualification');
    expect(optionLabel('bant_budget_answer', 'approved')).toBe('Budget approved');
    expect(env.portal.groups.contacts.get('bant_scoring')?.label).toBe('BANT lead scoring');
    expect(accountTexts().some((t) => ENGLISH_ACCOUNT.test(t))).toBe(true);
  });

  it('when the admin sets German, then the properties are relabelled, the open task is rewritten and new tasks and reasons are German', async () => {
    const values = contactProperty('bant_qualification')?.options.map((o) => o.value);
    const answer = await setLanguage('de');
    expect(answer.settings.language).toBe('de');
    expect(answer.language).toEqual({ relabelled: true, rescore: 'queued' });

    expect(contactProperty('bant_qualification')?.label).toBe('BANT-Qualifizierung');
    expect(optionLabel('bant_qualification', 'sql')).toBe('Vertriebsqualifiziert (SQL)');
    expect(optionLabel('bant_budget_answer', 'approved')).toBe('Budget freigegeben');
    expect(contactProperty('bant_qualification')?.options.map((o) => o.value)).toEqual(values);
    expect(companyProperty('bant_account_qualification')?.label).toBe('BANT-Account-Qualifizierung');
    expect(env.portal.groups.contacts.get('bant_scoring')?.label).toBe('BANT-Lead-Scoring');
    expect(env.portal.groups.companies.get('bant_scoring')?.label).toBe('BANT-Lead-Scoring');

    // The same task, refreshed in place (its id and due date kept), in German; the marker line unchanged.
    await waitUntil(() => /^Jetzt anrufen: .+ ist verkaufsbereit$/.test(openCall(first.id)?.props.hs_task_subject ?? ''), {
      timeoutMs: 30_000,
      message: () => `the open call task in German, not "${openCall(first.id)?.props.hs_task_subject}"`,
    });
    const task = openCall(first.id)!;
    expect(String(task.id)).toBe(firstTaskId);
    const body = (task.props.hs_task_body ?? '').split('\n');
    expect(body[1]).toMatch(/^Verkaufsbereit nach den BANT-Antworten \(Budget, Entscheidungsbefugnis, Bedarf, Zeitrahmen erfüllt\)/);
    expect(body).toContain('[x] Budget erfüllt: Budget freigegeben');
    expect(body.at(-1)).toBe('bant-task: call_sql');
    await quiet();
    const reasons = env.portal.value('contacts', env.portal.get('contacts', first.id)!, 'bant_score_reasons') ?? '';
    expect(reasons).not.toMatch(/ ago|capped|fit: /);

    // The accounts are qualified again with the contacts: their reasons and buying centre in German too.
    await waitUntil(() => accountTexts().length > 0 && accountTexts().every((t) => !ENGLISH_ACCOUNT.test(t)), {
      timeoutMs: 30_000,
      message: () => `German account texts, not ${JSON.stringify(accountTexts().filter((t) => ENGLISH_ACCOUNT.test(t)).slice(0, 3))}`,
    });

    const second = leads().find((c) => c.id !== first.id) as CrmRecord;
    env.standIn.simulate.updateContact(env.portal.id, second.id, { ...SQL_ANSWERS });
    await waitUntil(() => openCall(second.id), { message: 'a German call task for a new SQL' });
    expect(openCall(second.id)?.props.hs_task_subject).toMatch(/^Jetzt anrufen: .+ ist verkaufsbereit$/);
    await quiet();

    // Its score history: the German entry names the switch instead of listing every English reason as gone.
    const history = (await (await admin.get(`/admin/api/contacts/${second.id}/history`)).json()) as {
      changes: Array<{ language?: string }>;
      timeline: Array<{ kind: string; languageChanged?: string; gained?: string[]; dropped?: string[] }>;
    };
    expect(history.changes.at(0)?.language).toBe('en');
    expect(history.changes.at(-1)?.language).toBe('de');
    const switched = history.timeline.filter((e) => e.kind === 'score' && e.languageChanged);
    expect(switched).toHaveLength(1);
    expect(switched[0]).toMatchObject({ languageChanged: 'de', gained: [], dropped: [] });
  }, 60_000);

  it('when the admin switches back to English, then the labels and the open tasks are English again', async () => {
    const answer = await setLanguage('en');
    expect(answer.language?.relabelled).toBe(true);
    expect(contactProperty('bant_qualification')?.label).toBe('BANT qualification');
    expect(optionLabel('bant_budget_answer', 'approved')).toBe('Budget approved');
    expect(env.portal.groups.contacts.get('bant_scoring')?.label).toBe('BANT lead scoring');
    expect(env.portal.groups.companies.get('bant_scoring')?.label).toBe('BANT lead scoring');
    await waitUntil(() => /^Call now: .+ is sales-ready$/.test(openCall(first.id)?.props.hs_task_subject ?? ''), { timeoutMs: 30_000, message: 'the open call task in English again' });
    expect(String(openCall(first.id)!.id)).toBe(firstTaskId);
    expect(openCall(first.id)?.props.hs_task_body?.split('\n').at(-1)).toBe('bant-task: call_sql');
    // Saving again without a change relabels nothing.
    expect((await setLanguage('en')).language).toBeUndefined();
  }, 60_000);
});
