// End to end against the stand-in (issue 16 part 4): an installation scores with BANT until its admin activates a
// MEDDIC model through the console's API; only then do the meddic_* properties exist in the app's group, every contact
// gets MEDDIC values, and a rep's MEDDIC answers (with a buying role) make a contact sql by the model's rules.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardPayload } from '../../src/http/card-routes.ts';
import { signV3 } from '../../standin/index.ts';
import type { RunningConsole } from '../ui/console-fixtures.ts';
import { type AdminClient, createAdminClient, signIn } from '../ui/admin-client.ts';
import { APP, contactsOf, type Env, REPO_ROOT, startEnv, waitAllScored, waitQuiescent, waitUntil } from './harness.ts';

const MEDDIC_MODEL = JSON.parse(readFileSync(`${REPO_ROOT}/config/scoring-model.meddic.json`, 'utf8')) as { version: string };
const STATES = ['meddic_metrics', 'meddic_economic_buyer', 'meddic_decision_criteria', 'meddic_decision_process', 'meddic_identify_pain', 'meddic_champion'];

async function json<T>(response: Response): Promise<T> {
  const body = await response.text();
  if (!response.ok) throw new Error(`${response.status}: ${body}`);
  return JSON.parse(body) as T;
}

type ScoredCard = Extract<CardPayload, { scored: true }>;

describe('MEDDIC on an installation', () => {
  let env: Env;
  let admin: AdminClient;
  const quiet = () => waitQuiescent(env.standIn, { metricsUrl: env.app!.url });
  /** GET /card/contact as the rep's card calls it through hubspot.fetch (signed v3). */
  const fetchCard = async (contactId: string | number, locale?: string): Promise<ScoredCard> => {
    const url = `${env.app!.url}/card/contact?portalId=${env.portal.id}&contactId=${contactId}${locale ? `&locale=${locale}` : ''}`;
    const timestamp = Date.now();
    return json<ScoredCard>(await fetch(url, { headers: { 'x-hubspot-signature-v3': signV3(APP.clientSecret, 'GET', url, '', timestamp), 'x-hubspot-request-timestamp': String(timestamp) } }));
  };
  const meddicProperties = () => [...env.portal.properties.contacts.values()].filter((p) => p.name.startsWith('meddic_') && !p.archived);

  beforeAll(async () => {
    env = await startEnv({ portal: { contacts: 40, seed: 16 } });
    await waitAllScored(env.portal, { logLines: env.logLines, timeoutMs: 60_000 });
    await quiet();
    admin = createAdminClient({ url: env.app!.url } as RunningConsole);
    await signIn(admin);
  }, 90_000);

  afterAll(async () => {
    await env?.close();
  });

  it('when the installation scores with the default BANT model, then no meddic_* property exists and contacts carry no MEDDIC values', () => {
    expect(meddicProperties()).toEqual([]);
    expect(contactsOf(env.portal).filter((c) => Object.keys(c.props).some((k) => k.startsWith('meddic_')))).toEqual([]);
  });

  it('when the admin activates a MEDDIC model, then the meddic_* properties are created in the app group and every contact gets MEDDIC values', async () => {
    const draft = await json<{ valid: boolean; issues: unknown[] }>(await admin.send('PUT', '/admin/api/model/draft', { model: MEDDIC_MODEL }));
    expect(draft.issues).toEqual([]);
    expect(meddicProperties()).toEqual([]);
    await json(await admin.send('POST', '/admin/api/model/activate'));
    await waitAllScored(env.portal, { modelVersion: MEDDIC_MODEL.version, logLines: env.logLines, timeoutMs: 60_000 });
    await quiet();

    const created = new Map(meddicProperties().map((p) => [p.name, p]));
    for (const name of [...STATES, 'meddic_criteria_met', 'meddic_summary', 'meddic_metrics_answer', 'meddic_champion_answer']) {
      expect(created.get(name)?.groupName, name).toBe('bant_scoring');
    }
    expect(created.get('meddic_economic_buyer')?.options?.map((o) => o.value)).toEqual(['met', 'partial', 'not_met', 'unknown']);
    expect(created.get('meddic_identify_pain_answer')?.options?.map((o) => o.value)).toEqual(['acute', 'latent', 'none']);
    for (const contact of contactsOf(env.portal)) {
      for (const name of STATES) expect(['met', 'partial', 'not_met', 'unknown'], `${contact.id} ${name}`).toContain(contact.props[name]);
      expect(contact.props.meddic_summary).toMatch(/^MEDDIC \d of 6 met\./);
    }
  });

  it('when a rep answers the MEDDIC questions of a budget holder, then the contact meets the model’s sql criteria and becomes sql; "no pain" makes it nurture', async () => {
    const [ready, painless] = contactsOf(env.portal).filter((c) => c.props.bant_qualification !== 'disqualified' && c.props.bant_qualification !== 'sql');
    expect(ready && painless).toBeTruthy();
    const answers = { meddic_metrics_answer: 'quantified', meddic_identify_pain_answer: 'acute', meddic_champion_answer: 'yes', hs_buying_role: 'BUDGET_HOLDER' };
    env.standIn.simulate.updateContact(env.portal.id, ready!.id, answers);
    env.standIn.simulate.updateContact(env.portal.id, painless!.id, { ...answers, meddic_identify_pain_answer: 'none' });

    const after = await waitUntil(() => {
      const c = env.portal.get('contacts', ready!.id);
      return c?.props.bant_qualification === 'sql' ? c : undefined;
    }, { timeoutMs: 30_000 });
    expect(after.props).toMatchObject({ meddic_metrics: 'met', meddic_economic_buyer: 'met', meddic_identify_pain: 'met', meddic_champion: 'met', meddic_criteria_met: '4' });
    expect(after.props.meddic_summary).toContain('Decision criteria (unknown: ask');
    const other = await waitUntil(() => {
      const c = env.portal.get('contacts', painless!.id);
      return c?.props.meddic_identify_pain === 'not_met' ? c : undefined;
    }, { timeoutMs: 30_000 });
    expect(other.props.bant_qualification).toBe('nurture');
  });

  it('when the rep opens the card of a contact the MEDDIC model made sql, then it shows the six MEDDIC criteria as written to HubSpot, with the answers as evidence, in English and German', async () => {
    await quiet();
    const contact = contactsOf(env.portal).find((c) => c.props.bant_qualification === 'sql' && c.props.meddic_metrics_answer === 'quantified');
    expect(contact).toBeTruthy();
    const card = await fetchCard(contact!.id);
    expect(card.framework).toBe('meddic');
    expect(card.modelVersion).toBe(MEDDIC_MODEL.version);
    expect(card.qualification).toBe('sql');
    expect(card.meddic?.criteria.map((c) => [`meddic_${c.criterion}`, c.state])).toEqual(STATES.map((name) => [name, contact!.props[name]]));
    expect(card.meddic?.criteriaMet).toBe(Number(contact!.props.meddic_criteria_met));
    expect(card.meddic?.criteria.find((c) => c.criterion === 'metrics')?.evidence).toEqual(['meddic_metrics_answer = quantified']);
    expect(card.meddic?.criteria.map((c) => c.label)).toEqual(['Metrics', 'Economic buyer', 'Decision criteria', 'Decision process', 'Identify pain', 'Champion']);
    const german = await fetchCard(contact!.id, 'de-DE');
    expect(german.meddic?.criteria.map((c) => c.label)).toEqual(['Kennzahlen', 'Wirtschaftlicher Entscheider', 'Entscheidungskriterien', 'Entscheidungsprozess', 'Schmerzpunkt', 'Fürsprecher']);
    expect(german.meddic?.criteria.map((c) => c.state)).toEqual(card.meddic?.criteria.map((c) => c.state));
  });

  it('when the budget holder is a colleague in the same company, then the economic buyer is met through the buying centre and the contact who answered becomes sql', async () => {
    const owner = String(env.portal.owners[0]!.id);
    const companyId = env.portal.create('companies', { name: 'Muster Anlagenbau GmbH', domain: 'muster-anlagenbau.example', numberofemployees: '800', industry: 'MACHINERY', hubspot_owner_id: owner }).id;
    const karl = env.standIn.simulate.createContact(
      env.portal.id,
      { email: 'karl.brandt@muster-anlagenbau.example', firstname: 'Karl', lastname: 'Brandt', jobtitle: 'Geschäftsführer', hs_buying_role: 'BUDGET_HOLDER', hubspot_owner_id: owner },
      { companyId },
    );
    await waitUntil(() => env.portal.get('contacts', karl)?.props.meddic_economic_buyer, { timeoutMs: 30_000 });
    await quiet();
    const eva = env.standIn.simulate.createContact(
      env.portal.id,
      {
        email: 'eva.schmidt@muster-anlagenbau.example',
        firstname: 'Eva',
        lastname: 'Schmidt',
        jobtitle: 'Leiterin Instandhaltung',
        hubspot_owner_id: owner,
        meddic_metrics_answer: 'quantified',
        meddic_identify_pain_answer: 'acute',
        meddic_champion_answer: 'yes',
      },
      { companyId },
    );
    const placed = await waitUntil(
      () => {
        const c = env.portal.get('contacts', eva);
        return c?.props.meddic_economic_buyer === 'met' ? c : undefined;
      },
      { timeoutMs: 30_000, message: () => env.logLines.slice(-20).join('\n') },
    );
    await quiet();
    const after = env.portal.get('contacts', eva)!;
    expect(placed.props.hs_buying_role ?? '').toBe('');
    expect(after.props.meddic_criteria_met).toBe('4');
    expect(after.props.bant_qualification).toBe('sql');
  });
});
