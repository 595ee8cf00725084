import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CardPayload } from '../../src/http/card-routes.ts';
import { parseModel } from '../../src/scoring/index.ts';
import { ACCOUNT_COMPANY_ID, EVA_ID, KARL_ID, seedAccount } from './account-fixture.ts';
import { installation, PORTAL_ID, type RunningConsole, seedPortal, signCardRequest, startConsoleApp } from '../ui/console-fixtures.ts';

let app: RunningConsole;
let seeded: Awaited<ReturnType<typeof seedPortal>>;

beforeEach(async () => {
  app = await startConsoleApp(async (test) => {
    seeded = await seedPortal(test.store, { contacts: 40 });
  });
});
afterEach(async () => {
  await app.close();
});

/** GET as hubspot.fetch sends it: signed over the public URL, with HubSpot's own query parameters appended. */
async function fetchCard(query: string, options: { sign?: boolean; timestamp?: number; signedQuery?: string } = {}) {
  const path = `/card/contact?${query}`;
  const signedUrl = `${app.test.ctx.config.PUBLIC_BASE_URL}/card/contact?${options.signedQuery ?? query}`;
  const headers = options.sign === false ? {} : signCardRequest(signedUrl, options.timestamp ?? app.test.clock.now);
  return fetch(`${app.url}${path}`, { headers });
}

function sqlContact() {
  const snapshot = seeded.snapshots.find((s) => s.written.bant_qualification === 'sql') ?? seeded.snapshots[0];
  if (!snapshot) throw new Error('seed has no contacts');
  return snapshot;
}

describe('GET /card/contact', () => {
  it('when HubSpot signs the request, then the card gets grade, tier, priority, outcome, BANT with evidence, reasons and open tasks', async () => {
    const snapshot = sqlContact();
    const response = await fetchCard(`portalId=${PORTAL_ID}&contactId=${snapshot.contactId}&userId=5&userEmail=rep%40example.com&appId=777`);
    expect(response.status).toBe(200);
    const card = (await response.json()) as Extract<CardPayload, { scored: true }>;
    expect(card.scored).toBe(true);
    expect(card.fit.grade).toBe(snapshot.written.bant_fit_grade);
    expect(String(card.engagement.tier)).toBe(snapshot.written.bant_engagement_tier);
    expect(card.priority).toBe(snapshot.written.bant_priority);
    expect(card.qualification).toBe(snapshot.written.bant_qualification);
    expect(card.why.length).toBeGreaterThan(10);
    expect(card.bant.map((c) => c.criterion)).toEqual(['budget', 'authority', 'need', 'timeline']);
    expect(card.bant.every((c) => Array.isArray(c.evidence))).toBe(true);
    expect(card.reasons.length).toBeLessThanOrEqual(5);
    expect(card.scoredAt).toBe(snapshot.scoredAt);
    expect(card.modelVersion).toBe(snapshot.modelVersion);
    expect(card.modelCurrent).toBe(true);
    const open = seeded.tasks.filter((t) => t.contactId === snapshot.contactId && t.status === 'open').map((t) => t.kind);
    expect(card.openTasks.map((t) => t.kind).sort()).toEqual(open.sort());
  });

  it('when the score of the contact changed, then the card lists the last changes, newest first', async () => {
    const snapshot = sqlContact();
    await app.test.store.appendScoreChanges(PORTAL_ID, [
      { contactId: snapshot.contactId, change: { at: '2026-01-01T00:00:00.000Z', modelVersion: '1', qualification: 'mql', priority: 'B2', leadScore: '40', budget: 'unknown', authority: 'partial', need: 'partial', timeline: 'unknown' } },
      { contactId: snapshot.contactId, change: { at: '2026-01-02T00:00:00.000Z', modelVersion: '1', qualification: 'sql', priority: 'A1', leadScore: '71', budget: 'met', authority: 'met', need: 'met', timeline: 'met' } },
    ]);
    const card = (await (await fetchCard(`portalId=${PORTAL_ID}&contactId=${snapshot.contactId}`)).json()) as Extract<CardPayload, { scored: true }>;
    expect(card.recentChanges?.map((c) => c.at)).toEqual(['2026-01-02T00:00:00.000Z', '2026-01-01T00:00:00.000Z']);
    expect(card.recentChanges?.[0]?.text).toMatch(/^outcome mql → sql, priority B2 → A1, lead score 40 → 71/);
  });

  it('when the card passes the viewer’s locale, then the card speaks it; without one, the installation’s language; an unknown locale falls back', async () => {
    const snapshot = sqlContact();
    const query = `portalId=${PORTAL_ID}&contactId=${snapshot.contactId}`;
    const german = (await (await fetchCard(`${query}&locale=de-DE`)).json()) as Extract<CardPayload, { scored: true }>;
    expect(german.language).toBe('de');
    expect(german.bant.map((c) => c.label)).toEqual(['Budget', 'Entscheidungsbefugnis', 'Bedarf', 'Zeitrahmen']);
    expect(german.why).toMatch(/^(Verkaufsbereit|Priorität|Noch nicht|Disqualifiziert|Nicht im Lead-Prozess)/);
    expect(german.openTasks.every((t) => !/Call|Qualify|Follow|Escalation/.test(t.label))).toBe(true);
    const english = (await (await fetchCard(query)).json()) as Extract<CardPayload, { scored: true }>;
    expect(english.language).toBe('en');
    expect(english.bant.map((c) => c.label)).toEqual(['Budget', 'Authority', 'Need', 'Timeline']);
    expect(((await (await fetchCard(`${query}&locale=fr-FR`)).json()) as { language: string }).language).toBe('en');

    const current = await app.test.store.getInstallation(PORTAL_ID);
    await app.test.store.updateInstallation(PORTAL_ID, { settings: { ...current!.settings, language: 'de' } });
    expect(((await (await fetchCard(query)).json()) as { language: string }).language).toBe('de');
    // The viewer's locale wins over the installation's language.
    expect(((await (await fetchCard(`${query}&locale=en-US`)).json()) as { language: string }).language).toBe('en');
    const unscored = (await (await fetchCard(`portalId=${PORTAL_ID}&contactId=999999`)).json()) as { scored: boolean; message: string };
    expect(unscored.scored).toBe(false);
    expect(unscored.message).toMatch(/^Dieser Kontakt ist noch nicht bewertet/);
    expect((await fetchCard(`${query}&locale=${'x'.repeat(60)}`)).status).toBe(400);
  });

  it('when the card is answered, then HubSpot is not called', async () => {
    await fetchCard(`portalId=${PORTAL_ID}&contactId=${sqlContact().contactId}`);
    expect(app.test.hubspotCalls).toEqual([]);
  });

  it('when the request carries no signature, then it is refused with 401', async () => {
    const response = await fetchCard(`portalId=${PORTAL_ID}&contactId=${sqlContact().contactId}`, { sign: false });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('bad_signature');
  });

  it('when the signature is older than five minutes, then it is refused with 401', async () => {
    const response = await fetchCard(`portalId=${PORTAL_ID}&contactId=${sqlContact().contactId}`, { timestamp: app.test.clock.now - 5 * 60 * 1000 - 1 });
    expect(response.status).toBe(401);
  });

  it('when someone changes the contact id of a signed request, then it is refused with 401', async () => {
    const [a, b] = seeded.snapshots;
    const response = await fetchCard(`portalId=${PORTAL_ID}&contactId=${b?.contactId}`, { signedQuery: `portalId=${PORTAL_ID}&contactId=${a?.contactId}` });
    expect(response.status).toBe(401);
  });

  it('when the portal has not installed the app, then the card is refused with 403', async () => {
    const response = await fetchCard(`portalId=999&contactId=${sqlContact().contactId}`);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_installed');
  });

  it('when the installation is inactive, then the card is refused with 403', async () => {
    await app.test.store.putInstallation(installation(PORTAL_ID, { status: 'inactive', statusReason: 'refresh token revoked' }));
    const response = await fetchCard(`portalId=${PORTAL_ID}&contactId=${sqlContact().contactId}`);
    expect(response.status).toBe(403);
  });

  it('when the request names another app, then it is refused with 403', async () => {
    const response = await fetchCard(`portalId=${PORTAL_ID}&contactId=${sqlContact().contactId}&appId=1`);
    expect(response.status).toBe(403);
  });

  it('when the contact has not been scored yet, then the card says so', async () => {
    const response = await fetchCard(`portalId=${PORTAL_ID}&contactId=424242`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ scored: false, contactId: '424242' });
  });

  it('when HubSpot repeats portalId with the same value, then the card answers; with another value, then 400', async () => {
    const id = sqlContact().contactId;
    expect((await fetchCard(`portalId=${PORTAL_ID}&contactId=${id}&portalId=${PORTAL_ID}`)).status).toBe(200);
    expect((await fetchCard(`portalId=${PORTAL_ID}&contactId=${id}&portalId=1`)).status).toBe(400);
  });

  it('when a newer model is active, then the card says the contact was scored by the older one', async () => {
    const current = await app.test.store.getInstallation(PORTAL_ID);
    const model = { ...structuredClone(app.test.ctx.defaultModel), version: 'newer-1' };
    await app.test.store.putInstallation({ ...(current ?? installation()), activeModel: model });
    const card = (await (await fetchCard(`portalId=${PORTAL_ID}&contactId=${sqlContact().contactId}`)).json()) as Extract<CardPayload, { scored: true }>;
    expect(card.modelVersion).toBe(app.test.ctx.defaultModel.version);
    expect(card.modelCurrent).toBe(false);
  });

  it('when answered, then it takes well under HubSpot’s 15 s limit', async () => {
    const started = performance.now();
    await fetchCard(`portalId=${PORTAL_ID}&contactId=${sqlContact().contactId}`);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('GET /card/contact: the account section', () => {
  type Scored = Extract<CardPayload, { scored: true }>;
  const cardOf = async (contactId: string) => (await (await fetchCard(`portalId=${PORTAL_ID}&contactId=${contactId}`)).json()) as Scored;

  it('when the contact has a qualified company, then the card shows the account grade, BANT across the buying centre and who decides', async () => {
    const { account } = await seedAccount(app.test.store, PORTAL_ID, app.test.ctx.defaultModel, app.test.clock.now);
    const card = await cardOf(EVA_ID);
    expect(card.account?.companyId).toBe(ACCOUNT_COMPANY_ID);
    expect(card.account?.grade).toBe(account.fit.grade);
    expect(card.account?.priority).toBe(account.priority);
    expect(card.account?.qualification).toBe(account.qualification);
    expect(card.account?.bant.map((c) => [c.criterion, c.state])).toEqual([
      ['budget', 'met'],
      ['authority', 'met'],
      ['need', 'met'],
      ['timeline', 'met'],
    ]);
    expect(card.account?.deciders).toEqual([{ name: 'Karl Brandt', jobtitle: 'Geschäftsführer', roles: ['decision maker'] }]);
    expect(card.account?.others.map((m) => m.name)).not.toContain('Karl Brandt');
  });

  it('when a colleague approved the budget, then the contact’s own checklist takes it from the account, naming him', async () => {
    await seedAccount(app.test.store, PORTAL_ID, app.test.ctx.defaultModel, app.test.clock.now);
    const eva = await cardOf(EVA_ID);
    expect(eva.account?.inherited).toEqual(['budget', 'timeline']);
    const budget = eva.bant.find((c) => c.criterion === 'budget');
    expect(budget?.state).toBe('met');
    expect(budget?.evidence[0]).toContain('via Karl Brandt, Geschäftsführer');
    expect(eva.bant.find((c) => c.criterion === 'need')?.state).toBe('met');
    const karl = await cardOf(KARL_ID);
    expect(karl.account?.inherited).toEqual([]);
    expect(karl.bant.find((c) => c.criterion === 'need')?.state).not.toBe('met');
  });

  it('when the contact has no company, then the card has no account section', async () => {
    expect(sqlContact().companyId).toBeUndefined();
    expect((await cardOf(sqlContact().contactId)).account).toBeUndefined();
  });
});

describe('GET /card/contact: a MEDDIC model', () => {
  type Scored = Extract<CardPayload, { scored: true }>;
  const cardOf = async (contactId: string, locale?: string) =>
    (await (await fetchCard(`portalId=${PORTAL_ID}&contactId=${contactId}${locale ? `&locale=${locale}` : ''}`)).json()) as Scored;

  /** The MEDDIC example model active, and one contact scored by it with a rep's MEDDIC answers. */
  async function activateMeddic(answers: Record<string, string>) {
    const parsed = parseModel(JSON.parse(readFileSync(new URL('../../config/scoring-model.meddic.json', import.meta.url), 'utf8')));
    if (!parsed.ok) throw new Error('the MEDDIC example model does not parse');
    const current = await app.test.store.getInstallation(PORTAL_ID);
    await app.test.store.putInstallation({ ...(current ?? installation()), activeModel: parsed.model });
    const snapshot = sqlContact();
    await app.test.store.putSnapshots([{ ...snapshot, modelVersion: parsed.model.version, properties: { ...snapshot.properties, ...answers } }]);
    return snapshot.contactId;
  }

  it('when the contact was scored by a MEDDIC model, then the card carries the framework and the six criteria with state and evidence, in English', async () => {
    const id = await activateMeddic({ meddic_metrics_answer: 'quantified', meddic_identify_pain_answer: 'none', hs_buying_role: 'BUDGET_HOLDER' });
    const card = await cardOf(id);
    expect(card.framework).toBe('meddic');
    expect(card.modelCurrent).toBe(true);
    expect(card.meddic?.criteria.map((c) => [c.criterion, c.label])).toEqual([
      ['metrics', 'Metrics'],
      ['economic_buyer', 'Economic buyer'],
      ['decision_criteria', 'Decision criteria'],
      ['decision_process', 'Decision process'],
      ['identify_pain', 'Identify pain'],
      ['champion', 'Champion'],
    ]);
    const byName = new Map(card.meddic?.criteria.map((c) => [c.criterion, c]));
    expect(byName.get('metrics')).toMatchObject({ state: 'met', evidence: ['meddic_metrics_answer = quantified'] });
    expect(byName.get('identify_pain')?.state).toBe('not_met');
    expect(byName.get('economic_buyer')?.state).toBe('met');
    expect(byName.get('economic_buyer')?.evidence.join(' ')).toMatch(/budget/i);
    expect(byName.get('decision_criteria')).toMatchObject({ state: 'unknown', evidence: [] });
    expect(card.meddic?.criteriaMet).toBe(2);
    expect(card.qualification).toBe('nurture');
  });

  it('when the viewer is German, then the MEDDIC criteria are labelled in German', async () => {
    const id = await activateMeddic({ meddic_champion_answer: 'yes' });
    const card = await cardOf(id, 'de-DE');
    expect(card.language).toBe('de');
    expect(card.meddic?.criteria.map((c) => c.label)).toEqual(['Kennzahlen', 'Wirtschaftlicher Entscheider', 'Entscheidungskriterien', 'Entscheidungsprozess', 'Schmerzpunkt', 'Fürsprecher']);
    expect(card.meddic?.criteria.find((c) => c.criterion === 'champion')?.state).toBe('met');
  });

  it('when the contact was scored by a BANT model, then the card names BANT and carries no MEDDIC criteria', async () => {
    const card = await cardOf(sqlContact().contactId);
    expect(card.framework).toBe('bant');
    expect(card.meddic).toBeUndefined();
  });
});
