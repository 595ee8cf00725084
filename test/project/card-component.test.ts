// The rep card rendered with @hubspot/ui-extensions' own testing utilities (they run offline, no HubSpot needed),
// fed with what the backend route really answers.
import { DescriptionListItem, EmptyState, ErrorState, Heading, StatisticsItem, StatusTag, Tag, Text } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { readFileSync } from 'node:fs';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_TEXT, ACCOUNT_TEXT_DE } from '../../card/AccountSection.tsx';
import { BantCard, BantCardView } from '../../card/BantCard.tsx';
import type { CardData, ScoredCard } from '../../card/card-data.ts';
import { buildCardPayload } from '../../src/http/card-routes.ts';
import { parseModel } from '../../src/scoring/index.ts';
import { createTestContext, NOW, PORTAL_ID, seedPortal } from '../ui/console-fixtures.ts';
import { EVA_ID, seedAccount } from '../http/account-fixture.ts';

async function realPayload(qualification: string): Promise<ScoredCard> {
  const test = createTestContext();
  const { snapshots } = await seedPortal(test.store, { contacts: 60 });
  const snapshot = snapshots.find((s) => s.written.bant_qualification === qualification);
  if (!snapshot) throw new Error(`no ${qualification} contact in the seed`);
  const installation = await test.store.getInstallation(PORTAL_ID);
  if (!installation) throw new Error('not installed');
  const payload = (await buildCardPayload(test.ctx, installation, snapshot.contactId)) as CardData;
  if (!payload.scored) throw new Error('expected a scored card');
  return payload;
}

describe('BantCardView', () => {
  it('when a contact is sales-ready, then the card shows grade, tier, priority, the outcome and the four BANT criteria', async () => {
    const data = await realPayload('sql');
    const { render, find, findAll } = createRenderer('crm.record.tab');
    render(createElement(BantCardView, { data }));
    expect(find(Tag).text).toContain('SQL');
    const stats = findAll(StatisticsItem).map((s) => [s.props.label, String(s.props.number)]);
    expect(stats).toEqual([
      ['Fit grade', data.fit.grade],
      ['Engagement tier', String(data.engagement.tier)],
      ['Priority', data.priority],
    ]);
    expect(findAll(DescriptionListItem).map((i) => i.props.label)).toEqual(['Budget', 'Authority', 'Need', 'Timeline']);
    expect(findAll(StatusTag)).toHaveLength(4);
  });

  it('when the card has reasons, open tasks and a model version, then each is shown', async () => {
    const data = await realPayload('sql');
    const withTask: ScoredCard = { ...data, openTasks: [{ kind: 'call_sql', label: 'Call the sales-ready lead', dueAt: '2026-11-20T13:00:00.000Z', overdue: true }] };
    const { render, findAll } = createRenderer('crm.record.tab');
    render(createElement(BantCardView, { data: withTask }));
    const texts = findAll(Text).map((t) => t.text ?? '');
    for (const reason of data.reasons) expect(texts).toContain(reason.text);
    expect(texts.some((t) => t.includes('Call the sales-ready lead') && t.includes('(overdue)'))).toBe(true);
    expect(texts.some((t) => t.includes(`by model ${data.modelVersion}`))).toBe(true);
  });
});

describe('BantCardView in German', () => {
  it('when the payload is German, then every heading and label of the card is German', async () => {
    const test = createTestContext();
    const { snapshots } = await seedPortal(test.store, { contacts: 60 });
    const snapshot = snapshots.find((s) => s.written.bant_qualification === 'sql')!;
    const installation = await test.store.getInstallation(PORTAL_ID);
    const data = (await buildCardPayload(test.ctx, installation!, snapshot.contactId, 'de-DE')) as ScoredCard;
    const { render, find, findAll } = createRenderer('crm.record.tab');
    render(createElement(BantCardView, { data }));
    expect(find(Tag).text).toBe('SQL: verkaufsbereit');
    expect(findAll(StatisticsItem).map((s) => s.props.label)).toEqual(['Fit-Note', 'Engagement-Stufe', 'Priorität']);
    expect(findAll(DescriptionListItem).map((i) => i.props.label)).toEqual(['Budget', 'Entscheidungsbefugnis', 'Bedarf', 'Zeitrahmen']);
    const texts = findAll(Text).map((t) => t.text ?? '');
    expect(texts.some((t) => t.startsWith('Bewertet am'))).toBe(true);
    expect(texts.some((t) => /Scored|score \d+ of 100|points|criteria met/.test(t))).toBe(false);
  });

  it('when the viewer’s locale is German, then loading and errors are German too, and the locale is passed to the backend', async () => {
    const { render, find, waitFor } = createRenderer('crm.record.tab');
    const seen: Array<string | undefined> = [];
    const load = async (_portal: number, _contact: string, locale?: string): Promise<CardData> => {
      seen.push(locale);
      throw new Error('nicht installiert');
    };
    render(createElement(BantCard, { portalId: 1, contactId: '5', locale: 'de-DE', load }));
    await waitFor(() => expect(find(ErrorState).props.title).toBe('Die BANT-Bewertung konnte nicht geladen werden'));
    expect(seen).toEqual(['de-DE']);
  });
});

describe('BantCardView: the account section', () => {
  async function accountPayload(): Promise<ScoredCard> {
    const test = createTestContext();
    await seedPortal(test.store, { contacts: 5 });
    await seedAccount(test.store, PORTAL_ID, test.ctx.defaultModel, NOW);
    const installation = await test.store.getInstallation(PORTAL_ID);
    if (!installation) throw new Error('not installed');
    const payload = await buildCardPayload(test.ctx, installation, EVA_ID);
    if (!payload.scored || !payload.account) throw new Error('expected a scored card with an account');
    return payload;
  }

  it('when the contact has an account, then its grade, its BANT across the buying centre and who decides are shown', async () => {
    const data = await accountPayload();
    const { render, findAll } = createRenderer('crm.record.tab');
    render(createElement(BantCardView, { data }));
    const headings = findAll(Heading).map((h) => h.text);
    expect(headings).toEqual(expect.arrayContaining([ACCOUNT_TEXT.heading, ACCOUNT_TEXT.bantHeading, ACCOUNT_TEXT.decidersHeading]));
    const stats = findAll(StatisticsItem).map((s) => [s.props.label, String(s.props.number)]);
    expect(stats).toContainEqual([ACCOUNT_TEXT.grade, data.account!.grade]);
    expect(findAll(DescriptionListItem).map((i) => i.props.label)).toEqual(['Budget', 'Authority', 'Need', 'Timeline', 'Budget', 'Authority', 'Need', 'Timeline']);
    const texts = findAll(Text).map((t) => t.text ?? '');
    expect(texts.some((t) => t.startsWith('Karl Brandt, Geschäftsführer (decision maker'))).toBe(true);
    expect(texts).toContain(ACCOUNT_TEXT.inherited(['budget', 'timeline']));
  });

  it('when the viewer’s locale is German, then the account section and its buying-centre roles are German', async () => {
    const test = createTestContext();
    await seedPortal(test.store, { contacts: 5 });
    await seedAccount(test.store, PORTAL_ID, test.ctx.defaultModel, NOW);
    const installation = await test.store.getInstallation(PORTAL_ID);
    const data = (await buildCardPayload(test.ctx, installation!, EVA_ID, 'de-DE')) as ScoredCard;
    expect(Object.keys(ACCOUNT_TEXT_DE).sort()).toEqual(Object.keys(ACCOUNT_TEXT).sort());
    const { render, findAll } = createRenderer('crm.record.tab');
    render(createElement(BantCardView, { data }));
    expect(findAll(Heading).map((h) => h.text)).toEqual(expect.arrayContaining([ACCOUNT_TEXT_DE.heading, ACCOUNT_TEXT_DE.bantHeading, ACCOUNT_TEXT_DE.decidersHeading]));
    const texts = findAll(Text).map((t) => t.text ?? '');
    expect(texts.some((t) => t.startsWith('Karl Brandt, Geschäftsführer (Entscheider'))).toBe(true);
    expect(texts).toContain(ACCOUNT_TEXT_DE.inherited(['budget', 'timeline']));
    expect(ACCOUNT_TEXT_DE.inherited(['budget', 'timeline'])).toBe('Budget und Zeitrahmen dieses Kontakts stammen vom Account (Antwort eines Kollegen).');
  });

  it('when nobody in the buying centre decides, then the section says so; without an account there is no section', async () => {
    const data = await accountPayload();
    const { render, findAll } = createRenderer('crm.record.tab');
    render(createElement(BantCardView, { data: { ...data, account: { ...data.account!, deciders: [] } } }));
    expect(findAll(Text).map((t) => t.text)).toContain(ACCOUNT_TEXT.noDecider);
    const plain = createRenderer('crm.record.tab');
    const { account: _account, ...withoutAccount } = data;
    plain.render(createElement(BantCardView, { data: withoutAccount }));
    expect(plain.findAll(Heading).map((h) => h.text)).not.toContain(ACCOUNT_TEXT.heading);
  });
});

describe('BantCardView with a MEDDIC model', () => {
  /** What the backend answers for a contact scored by the MEDDIC example model, with a rep's answers. */
  async function meddicPayload(locale?: string): Promise<ScoredCard> {
    const parsed = parseModel(JSON.parse(readFileSync(new URL('../../config/scoring-model.meddic.json', import.meta.url), 'utf8')));
    if (!parsed.ok) throw new Error('the MEDDIC example model does not parse');
    const test = createTestContext();
    const { snapshots } = await seedPortal(test.store, { contacts: 20 });
    const installation = await test.store.getInstallation(PORTAL_ID);
    if (!installation) throw new Error('not installed');
    await test.store.putInstallation({ ...installation, activeModel: parsed.model });
    const snapshot = snapshots.find((s) => s.written.bant_qualification !== 'disqualified')!;
    const answers = { meddic_metrics_answer: 'quantified', meddic_champion_answer: 'partly' };
    await test.store.putSnapshots([{ ...snapshot, modelVersion: parsed.model.version, properties: { ...snapshot.properties, ...answers } }]);
    const payload = await buildCardPayload(test.ctx, (await test.store.getInstallation(PORTAL_ID))!, snapshot.contactId, locale);
    if (!payload.scored || payload.framework !== 'meddic') throw new Error('expected a card scored by the MEDDIC model');
    return payload;
  }

  it('when the contact was scored by a MEDDIC model, then the card shows the MEDDIC checklist with six criteria instead of the BANT checklist', async () => {
    const data = await meddicPayload();
    const { render, findAll } = createRenderer('crm.record.tab');
    render(createElement(BantCardView, { data }));
    const headings = findAll(Heading).map((h) => h.text);
    expect(headings).toContain('MEDDIC checklist');
    expect(headings).not.toContain('BANT checklist');
    expect(findAll(DescriptionListItem).map((i) => i.props.label)).toEqual(['Metrics', 'Economic buyer', 'Decision criteria', 'Decision process', 'Identify pain', 'Champion']);
    const metrics = findAll(DescriptionListItem)[0]!;
    expect(metrics.find(StatusTag).text).toBe('Met');
    expect(metrics.find(Text).text).toBe('meddic_metrics_answer = quantified');
    expect(findAll(DescriptionListItem)[5]!.find(StatusTag).text).toBe('Partly met');
    const texts = findAll(Text).map((t) => t.text ?? '');
    expect(texts).toContain(`${data.meddic!.criteriaMet} of 6 MEDDIC criteria met`);
    expect(texts.some((t) => /of 4 BANT criteria/.test(t))).toBe(false);
  });

  it('when the viewer is German, then the MEDDIC checklist is German', async () => {
    const data = await meddicPayload('de-DE');
    const { render, findAll } = createRenderer('crm.record.tab');
    render(createElement(BantCardView, { data }));
    expect(findAll(Heading).map((h) => h.text)).toContain('MEDDIC-Checkliste');
    expect(findAll(DescriptionListItem).map((i) => i.props.label)).toEqual(['Kennzahlen', 'Wirtschaftlicher Entscheider', 'Entscheidungskriterien', 'Entscheidungsprozess', 'Schmerzpunkt', 'Fürsprecher']);
    expect(findAll(DescriptionListItem)[0]!.find(StatusTag).text).toBe('Erfüllt');
  });
});

describe('BantCard', () => {
  it('when the backend answers, then the loaded card replaces the spinner', async () => {
    const data = await realPayload('mql');
    const { render, find, waitFor } = createRenderer('crm.record.tab');
    render(createElement(BantCard, { portalId: PORTAL_ID, contactId: data.contactId, load: async () => data }));
    await waitFor(() => expect(find(Tag).text).toContain('MQL'));
  });

  it('when the contact is not scored yet, then an empty state explains it', async () => {
    const { render, find, waitFor } = createRenderer('crm.record.tab');
    const load = async (): Promise<CardData> => ({ scored: false, portalId: 1, contactId: '5', message: 'Not scored yet.' });
    render(createElement(BantCard, { portalId: 1, contactId: '5', load }));
    await waitFor(() => expect(find(EmptyState).props.title).toBe('Not scored yet'));
  });

  it('when the backend refuses, then an error state shows its message', async () => {
    const { render, find, waitFor } = createRenderer('crm.record.tab');
    const load = async (): Promise<CardData> => {
      throw new Error('The BANT scoring app is not installed');
    };
    render(createElement(BantCard, { portalId: 1, contactId: '5', load }));
    await waitFor(() => expect(find(ErrorState).props.title).toBe('The BANT score could not be loaded'));
    expect(find(ErrorState).find(Text).text).toContain('not installed');
  });
});
