// No mixed sentences (issue 15 item 7): every task kind, the reasons and evidence of a set of profiles, the card and
// the property definitions rendered in each language; an English text holds no German word of a list and a German
// text no English one (a heuristic), after the contact's own data (names, titles, companies, pages) is taken out.
import { describe, expect, it } from 'vitest';
import { CARD_TEXTS } from '../../card/card-texts.ts';
import { readFileSync } from 'node:fs';
import { allPropertiesIn, propertyGroupIn } from '../../src/hubspot/bant-properties.ts';
import { leadPropertyDefinitions } from '../../src/hubspot/lead-properties.ts';
import { meddicPropertyDefinitions } from '../../src/hubspot/meddic-properties.ts';
import { MEDDIC_CRITERIA } from '../../src/scoring/meddic-schema.ts';
import { companyPropertiesIn } from '../../src/hubspot/company-properties.ts';
import { profileOf } from '../../src/http/admin/read-snapshots.ts';
import { buildScoredPayload } from '../../src/http/card-routes.ts';
import { escalationTask } from '../../src/jobs/sla.ts';
import type { Language } from '../../src/scoring/catalogue.ts';
import { discoverRules } from '../../src/scoring/discover-rules.ts';
import type { OutcomeExample } from '../../src/scoring/outcomes.ts';
import { draftAccountTasks } from '../../src/scoring/draft-account-tasks.ts';
import { scoreChangeOf } from '../../src/outcomes/score-history.ts';
import { parseModel, score } from '../../src/scoring/index.ts';
import { IN_LEAD_PROCESS } from '../../src/scoring/lead-process.ts';
import { labelOf } from '../../src/scoring/option-labels.ts';
import { placeInAccount } from '../../src/scoring/place-in-account.ts';
import { type AccountContact, type AccountResult, qualifyAccount } from '../../src/scoring/qualify-account.ts';
import { headline } from '../../src/scoring/story.ts';
import { explainNoLongerApplies, LEAD_TASK_KINDS } from '../../src/scoring/task-rules.ts';
import type { Profile, PropertyBag } from '../../src/scoring/types.ts';
import { formatTenths } from '../../src/scoring/format-reason.ts';
import { createTestContext, seedPortal } from '../ui/console-fixtures.ts';
import { activity, ago, model, NOW, profile } from './fixtures.ts';

const GERMAN_WORDS = new Set(
  'und nicht erfüllt bedarf entscheidungsbefugnis zeitrahmen bitte vor kontakt tg std verkaufsbereit wiedervorlage reif anrufen fällig priorität beschäftigte unternehmen noch gedeckelt ist der das mit kein keine wer wann fragen jetzt gerade eben besuch seitenbesuch geöffnet anmeldung teilnahme erstmals bewertet ergebnis stufe branche passt warum überfällig aufgaben offene wert punkte von gibt dafür'.split(' '),
);
const ENGLISH_WORDS = new Set(
  'the and not met need call ask about ago priority employees follow please still unknown ready timeline authority is with capped just now purchase page visit open click reply registration attendance booked held connected tier of to by due overdue company contact first scored outcome sales qualify missing find who decides yet keep nurturing when where which conflict newest counts nobody decision maker via approved acute latent influencer champion'.split(' '),
);

const WORD = /[\p{L}]+/gu;

const parsedMeddic = parseModel(JSON.parse(readFileSync(new URL('../../config/scoring-model.meddic.json', import.meta.url), 'utf8')));
if (!parsedMeddic.ok) throw new Error(JSON.stringify(parsedMeddic.issues));
const MEDDIC = parsedMeddic.model.meddic!;

/** Texts with the contact's own data taken out: what is left is the app's wording. */
function appWords(text: string, data: readonly string[]): string[] {
  // Parameters of templates ({when}) are filled with data.
  let rest = text.replace(/\{\w+\}/g, ' ');
  for (const value of data) if (value.length > 1) rest = rest.split(value).join(' ');
  return (rest.match(WORD) ?? []).map((w) => w.toLowerCase());
}

function foreignWords(texts: readonly string[], language: Language, data: readonly string[]): string[] {
  const other = language === 'en' ? GERMAN_WORDS : ENGLISH_WORDS;
  const found = new Set<string>();
  for (const text of texts) for (const word of appWords(text, data)) if (other.has(word)) found.add(`${word} in "${text}"`);
  return [...found];
}

function dataOf(p: Profile): string[] {
  const values: string[] = [];
  for (const bag of [p.properties, p.company?.properties ?? {}]) {
    for (const [name, value] of Object.entries(bag)) {
      if (typeof value !== 'string' || value === '') continue;
      values.push(value);
      // HubSpot's own option labels (industry) come from the portal, in the portal's language.
      if (name === 'industry') values.push(labelOf(undefined, 'industry', value));
    }
  }
  for (const a of p.activities) values.push(...[a.title, a.url].filter((v): v is string => typeof v === 'string'));
  return values.sort((a, b) => b.length - a.length);
}

const answers = { bant_budget_answer: 'approved', bant_authority_answer: 'decision_maker', bant_need_answer: 'acute' };
/** One profile per task kind and outcome, plus disqualifications and evidence of every kind. */
const PROFILES: Record<string, Profile> = {
  sql: profile({ firstname: 'Karl', lastname: 'Brandt', jobtitle: 'Geschäftsführer', ...answers, bant_timeline_answer: 'lt_3_months' }, { name: 'Brandt Maschinenbau GmbH', numberofemployees: '250', industry: 'MACHINERY' }, [
    activity('page_view', 2, { url: 'https://example.com/preise' }),
    activity('webinar_registration', 5, { title: 'Webinar Lead Scoring' }),
  ]),
  qualify: profile({ firstname: 'Eva', lastname: 'Roth', jobtitle: 'Geschäftsführerin' }, { name: 'Roth AG', numberofemployees: '150', industry: 'MACHINERY' }, [
    activity('page_view', 1, { url: 'https://example.com/pricing' }),
    activity('demo_request', 3, { title: 'Demo' }),
    activity('meeting_booked', 4),
    activity('webinar_attendance', 6),
    activity('form_submission', 2, { title: 'Whitepaper' }),
  ]),
  roles: profile({ firstname: 'Paul', lastname: 'Hahn', jobtitle: 'Head of Marketing', hs_buying_role: 'BUDGET_HOLDER;DECISION_MAKER' }, { name: 'Hahn AG', numberofemployees: '900', annualrevenue: '90000000' }, [
    activity('email_reply', 1),
  ]),
  follow_up: profile({ firstname: 'Jonas', lastname: 'Weber', jobtitle: 'IT-Leiter', bant_timeline_answer: 'gt_12_months', bant_budget_answer: 'planned' }, { name: 'Weber KG', numberofemployees: '120' }, [
    activity('email_open', 40),
  ]),
  feedback: profile({ firstname: 'Mia', lastname: 'Klein', jobtitle: 'CEO', bant_feedback: 'lost', bant_feedback_criterion: 'authority' }, { name: 'Klein GmbH', numberofemployees: '300' }, [activity('page_view', 1)]),
  student: profile({ firstname: 'Tim', lastname: 'Neu', jobtitle: 'Werkstudent', email: 'tim@tum.de' }),
  competitor: profile({ firstname: 'Ida', lastname: 'Falk', email: 'ida@leadrank.io' }),
  small: profile({ firstname: 'Ole', lastname: 'Berg', jobtitle: 'Inhaber' }, { name: 'Berg Einzelunternehmen', numberofemployees: '2' }),
  no_need: profile({ email: 'info@example.com', bant_need_answer: 'none' }, null, [activity('email_click', 2), activity('unsubscribe', 1)]),
};

function renderProfile(p: Profile, language: Language): string[] {
  const r = score(p, model, NOW, { language });
  const story = { ...r, engagement: { score: formatTenths(r.engagement.score), tier: r.engagement.tier } };
  const texts = [...r.reasons.map((x) => x.text), headline(story, IN_LEAD_PROCESS, language), headline(story, { inLeadProcess: false, because: 'deal' }, language)];
  for (const c of ['budget', 'authority', 'need', 'timeline'] as const) texts.push(...r.bant[c].evidence.map((e) => e.text));
  for (const t of r.tasks) texts.push(t.subject, ...t.body.split('\n').filter((line) => !line.startsWith('bant-task: ')));
  return texts;
}

const bantOf = (state: 'unknown') => ({ budget: { state }, authority: { state }, need: { state }, timeline: { state } });

const account = {
  qualification: 'sql',
  priority: 'B2',
  deciders: [],
  buyingCenter: [{ contactId: '1', roles: ['INFLUENCER', 'CHAMPION'], fromTitle: true, canDecide: false, line: 'influencer, champion (by title): Eva Roth (Head of Marketing)' }],
  bant: { budget: { state: 'met' }, authority: { state: 'unknown' }, need: { state: 'partial' }, timeline: { state: 'not_met' } },
} as unknown as AccountResult;

/** Accounts in every shape that writes its own words: conflicts, caps, deciders by answer, role and title, nameless contacts, disqualifications, a long buying centre. */
function renderAccounts(language: Language): { texts: string[]; data: string[] } {
  const texts: string[] = [];
  const data: string[] = [];
  const member = (id: string, properties: PropertyBag, company: PropertyBag, activities: Profile['activities'] = [], answeredAt: AccountContact['answeredAt'] = {}) => {
    const p = profile(properties, company, activities);
    data.push(...dataOf(p));
    const name = [properties.firstname, properties.lastname].filter(Boolean).join(' ');
    return { id, name, jobtitle: properties.jobtitle ?? '', buyingRoles: properties.hs_buying_role ?? null, result: score(p, model, NOW, { language }), answeredAt, profile: p };
  };
  const render = (company: PropertyBag, contacts: ReturnType<typeof member>[]) => {
    const account = qualifyAccount({ properties: company, contacts }, model, NOW, language);
    texts.push(...account.reasons.map((r) => r.text), ...account.properties.bant_buying_center.split('\n'), ...account.buyingCenter.map((m) => m.line));
    for (const c of ['budget', 'authority', 'need', 'timeline'] as const) texts.push(...account.bant[c].evidence.map((e) => e.text));
    for (const c of contacts) {
      const placed = placeInAccount(c.result, c.profile, c.id, account, model, NOW, undefined, language);
      for (const k of placed.account.inherited) texts.push(...placed.bant[k].evidence.map((e) => e.text));
    }
    return account;
  };
  const company = { name: 'Muster Anlagenbau GmbH', numberofemployees: '12000', industry: 'MACHINERY', domain: 'muster.de' };
  const busy = Array.from({ length: 40 }, (_, i) => activity(i % 2 ? 'demo_request' : 'meeting_held', i % 5));
  const karl = member('101', { firstname: 'Karl', lastname: 'Brandt', jobtitle: 'Geschäftsführer', hs_buying_role: 'DECISION_MAKER' }, company);
  const eva = member('102', { firstname: 'Eva', lastname: 'Schmidt', jobtitle: 'Leiterin Instandhaltung', bant_need_answer: 'acute', bant_budget_answer: 'approved', bant_timeline_answer: '3_6_months' }, company, busy, { need: ago(1), budget: ago(1), timeline: ago(1) });
  const alt = member('103', { firstname: 'Alt', lastname: 'A', bant_need_answer: 'latent', bant_budget_answer: 'planned' }, company, [], { need: ago(20), budget: ago(20) });
  const boss = member('104', { firstname: 'Ina', lastname: 'Vogt', bant_authority_answer: 'decision_maker' }, company);
  const nameless = member('105', { jobtitle: 'CEO' }, company, [activity('page_view', 1)]);
  const influencer = member('106', { firstname: 'Tom', lastname: 'Lang', jobtitle: 'Head of Marketing', hs_buying_role: 'INFLUENCER;CHAMPION' }, company);
  expect(render(company, [karl, eva, alt, boss, nameless, influencer]).reasons.length).toBeGreaterThan(3);
  const undecided = render(company, [eva, alt, influencer]);
  expect(undecided.deciders).toEqual([]);
  expect(render({ ...company, numberofemployees: '3' }, [eva]).disqualifyReason).toBe('no_fit');
  expect(render({ ...company, domain: 'competitor.example' }, [eva]).disqualifyReason).toBe('competitor');
  expect(render(company, [member('107', { firstname: 'Nils', lastname: 'Nein', bant_need_answer: 'none' }, company)]).disqualifyReason).toBe('no_need');
  const crowd = Array.from({ length: 52 }, (_, i) => member(String(200 + i), { firstname: `P${i}`, lastname: 'X', jobtitle: 'Geschäftsführer' }, company));
  expect(render(company, crowd).buyingCenter.length).toBe(52);
  return { texts, data: [...new Set(data)].sort((a, b) => b.length - a.length) };
}

describe('no mixed sentences', () => {
  for (const language of ['en', 'de'] as const) {
    it(`when every task kind, reasons and evidence are written in ${language}, then no word of the other language is in them`, () => {
      const kinds = new Set<string>();
      for (const [name, p] of Object.entries(PROFILES)) {
        const r = score(p, model, NOW, { language });
        for (const t of r.tasks) kinds.add(t.kind);
        expect(foreignWords(renderProfile(p, language), language, dataOf(p)), name).toEqual([]);
      }
      expect([...kinds].sort()).toEqual(['call_sql', 'follow_up', 'qualify']);
      const escalation = escalationTask({
        call: { portalId: 1, contactId: '7', kind: 'call_sql', taskId: 't-7', ownerId: '5', status: 'open', createdAt: '2026-11-20T08:00:00.000Z', dueAt: '2026-11-20T09:00:00.000Z' },
        lead: 'Karl Brandt',
        ownerName: 'Lena Kurz',
        graceHours: 2,
        now: NOW,
        language,
      });
      const accountTask = draftAccountTasks(account, 'Roth AG', model, NOW, language)[0]!;
      const closing: string[] = [];
      for (const kind of LEAD_TASK_KINDS) {
        for (const qualification of ['sql', 'mql', 'nurture', 'disqualified'] as const) {
          for (const leadProcess of [IN_LEAD_PROCESS, { inLeadProcess: false as const, because: 'deal' as const }, { inLeadProcess: false as const, because: 'lifecycle_stage' as const, stage: 'customer' }]) {
            const why = explainNoLongerApplies(kind, { qualification, disqualifyReason: 'no_fit', bant: bantOf('unknown'), leadProcess }, [], language);
            if (why) closing.push(why);
          }
        }
      }
      expect(closing.length).toBeGreaterThan(10);
      expect(foreignWords(closing, language, ['customer'])).toEqual([]);
      const taskTexts = [escalation.subject, escalation.body, accountTask.subject, accountTask.body].flatMap((t) => t.split('\n')).filter((l) => !l.startsWith('bant-task: '));
      expect(foreignWords(taskTexts, language, ['Karl Brandt', 'Lena Kurz', 'Roth AG', 't-7', 'Eva Roth (Head of Marketing)'])).toEqual([]);
      expect(accountTask.body.split('\n')).toContain(
        language === 'de' ? 'Beeinflusser, Fürsprecher (nach Berufsbezeichnung): Eva Roth (Head of Marketing)' : 'influencer, champion (by title): Eva Roth (Head of Marketing)',
      );
      expect(accountTask.body.split('\n').at(-1)).toBe('bant-task: find_decision_maker');
    });

    it(`when accounts are qualified in ${language}, then their reasons, buying centre and evidence hold no word of the other language`, () => {
      const { texts, data } = renderAccounts(language);
      expect(texts.length).toBeGreaterThan(60);
      expect(foreignWords(texts, language, [...data, 'competitor.example', 'Geschäftsführer'])).toEqual([]);
    });

    it(`when the card and the property definitions are in ${language}, then no word of the other language is in them`, async () => {
      const test = createTestContext();
      const { snapshots, tasks } = await seedPortal(test.store, { contacts: 40 });
      const texts: string[] = [];
      let data: string[] = [];
      for (const snapshot of snapshots) {
        const card = buildScoredPayload({ snapshot, model: test.ctx.defaultModel, activeVersion: test.ctx.defaultModel.version, tasks: tasks.filter((t) => t.contactId === snapshot.contactId), nowMs: NOW, language });
        expect(card.language).toBe(language);
        texts.push(card.why, ...card.reasons.map((r) => r.text), ...card.openTasks.map((t) => t.label));
        for (const c of card.bant) texts.push(c.label, ...c.evidence);
        data = [...data, ...dataOf(profileOf(snapshot))];
      }
      data.sort((a, b) => b.length - a.length);
      texts.push(...Object.values(CARD_TEXTS[language]));
      for (const p of [...allPropertiesIn(language), ...companyPropertiesIn(language), ...meddicPropertyDefinitions(MEDDIC, language), ...leadPropertyDefinitions(language)]) texts.push(p.label, p.description, ...(p.options ?? []).map((o) => o.label));
      texts.push(propertyGroupIn(language).label);
      // Example values in descriptions are data, written as a portal would hold them; so are the MEDDIC model's questions and answer values.
      const meddicData = MEDDIC_CRITERIA.flatMap((c) => [MEDDIC[c].question, ...Object.keys(MEDDIC[c].answers)]);
      expect(foreignWords(texts, language, [...data, ...meddicData, 'Geschäftsführer', 'Karl Brandt'])).toEqual([]);
    });
  }

  it('when calibration proposes rules, then each has its English label and a German wording without English words', () => {
    const training: OutcomeExample[] = Object.values(PROFILES).map((p, i) => ({ profile: p, at: new Date(NOW).toISOString(), outcome: i % 2 === 0 ? 'won' : 'lost' }));
    const rules = discoverRules(model, training);
    expect(rules.length).toBeGreaterThan(10);
    expect(rules.find((r) => r.id === 'rule_webinar_registration')?.label).toMatch(/^webinar registration \(last \d+ d\)$/);
    expect(rules.find((r) => r.id === 'rule_webinar_registration')?.labels?.de).toMatch(/^Webinar-Anmeldung \(letzte \d+ Tg\.\)$/);
    for (const rule of rules) expect(rule.labels?.de, rule.id).toBeTruthy();
    const german = rules.map((r) => r.labels!.de);
    expect(foreignWords(german, 'de', [])).toEqual([]);
  });

  it('when the score history keeps reasons, then their age is left out in either language', () => {
    for (const language of ['en', 'de'] as const) {
      const change = scoreChangeOf(score(PROFILES.sql!, model, NOW, { language }));
      expect(change.reasons?.length, language).toBeGreaterThan(0);
      expect(change.reasons?.some((r) => /\((?:\d+ [hd] ago|vor \d+ (?:Std|Tg)\.|just now|gerade eben)/.test(r)), language).toBe(false);
    }
    expect(scoreChangeOf(score(PROFILES.sql!, model, NOW, { language: 'de' })).reasons).toContain('+23.6 Webinar-Anmeldung');
  });

  it('when written in German, then the seed terms and key phrases read as German; in English as English', () => {
    const de = score(PROFILES.sql!, model, NOW, { language: 'de' });
    const en = score(PROFILES.sql!, model, NOW, { language: 'en' });
    expect(de.tasks[0]!.subject).toBe('Jetzt anrufen: Karl Brandt (Brandt Maschinenbau GmbH) ist verkaufsbereit');
    expect(en.tasks[0]!.subject).toBe('Call now: Karl Brandt (Brandt Maschinenbau GmbH) is sales-ready');
    expect(de.reasons.some((r) => r.text === '+25 Webinar-Anmeldung (vor 5 Tg.)' || r.text.startsWith('+') && r.text.includes('Webinar-Anmeldung (vor 5 Tg.'))).toBe(true);
    expect(de.bant.budget.evidence[0]!.text).toBe('Budget freigegeben');
    expect(en.bant.budget.evidence[0]!.text).toBe('Budget approved');
    const followDe = score(PROFILES.follow_up!, model, NOW, { language: 'de' }).tasks[0]!;
    const followEn = score(PROFILES.follow_up!, model, NOW, { language: 'en' }).tasks[0]!;
    expect(followDe.subject).toMatch(/^Wiedervorlage Jonas Weber/);
    expect(followEn.subject).toMatch(/^Follow up with Jonas Weber/);
    expect(followDe.body.split('\n').at(-1)).toBe('bant-task: follow_up');
    expect(followDe.body).toContain('[~] Budget teilweise erfüllt: Budget geplant');
    expect(followDe.body).toContain('[-] Zeitrahmen nicht erfüllt');
    const qualifyDe = score(PROFILES.qualify!, model, NOW, { language: 'de' }).tasks[0]!;
    expect(qualifyDe.subject).toBe('Eva Roth (Roth AG) qualifizieren: fragen nach Budget');
    expect(qualifyDe.body).toContain('- Budget: Gibt es dafür ein Budget, freigegeben oder zumindest geplant?');
    const label = allPropertiesIn('de').find((p) => p.name === 'bant_qualification')!;
    expect(label.label).toBe('BANT-Qualifizierung');
    expect(label.options?.find((o) => o.value === 'sql')?.label).toBe('Vertriebsqualifiziert (SQL)');
    // Names and values never change with the language.
    expect(allPropertiesIn('de').map((p) => [p.name, p.options?.map((o) => o.value)])).toEqual(allPropertiesIn('en').map((p) => [p.name, p.options?.map((o) => o.value)]));
    expect(companyPropertiesIn('de').map((p) => [p.name, p.options?.map((o) => o.value)])).toEqual(companyPropertiesIn('en').map((p) => [p.name, p.options?.map((o) => o.value)]));
  });
});
