// A reproducible demo/test portal: owners, companies, contacts and 180 days of activity, from a seed.
// German and English job titles, company sizes from a handful to >10,000 employees, industries, company and
// free-mail domains, competitors, students and applicants. 100,000 contacts generate in seconds.
import { prng } from '../src/scoring/prng.ts';
import { addPending, type ContactSink, computeContacts, emailOf, Stream, type Streams, uniqueEmailNumber } from './computed-contacts.ts';
import type { CrmRecord, HistoryEntry, Owner, Portal } from './portal.ts';
import { BUYING_ROLES, CALL_DISPOSITIONS, type EngagementType } from './schema.ts';

/** Portals with more contacts compute them on demand (see `GenerateOptions.lazy`). */
const LAZY_ABOVE = 200_000;

export interface GenerateOptions {
  seed?: number;
  /**
   * Compute contacts and their engagements on demand from per-contact generator states instead of holding them
   * (the same records as held ones). Default: above 200,000 contacts.
   */
  lazy?: boolean;
  contacts?: number;
  /** Default: an eighth of the contacts (at least 1). */
  companies?: number;
  /** Default: 3 + contacts / 2,000, at most 25. */
  owners?: number;
  /** Average engagements (calls, meetings, emails, notes) per contact. Default 1.5. */
  engagementsPerContact?: number;
  /** How far back activity goes. Default 180. */
  activityDays?: number;
  /** Marketing events (webinars, trade shows) with participations. Default 0. */
  marketingEvents?: number;
}

/** Domains of competitors in generated data (contacts with these e-mail domains are competitors). */
export const COMPETITOR_DOMAINS = ['leadrank.io', 'scoremate.de', 'qualifyr.com'];
export const FREE_MAIL_DOMAINS = ['gmail.com', 'web.de', 'gmx.de', 'gmx.net', 't-online.de', 'outlook.com', 'yahoo.com', 'hotmail.com', 'icloud.com'];
export const UNIVERSITY_DOMAINS = ['tum.de', 'student.kit.edu', 'uni-mannheim.de', 'stud.uni-hannover.de', 'rwth-aachen.de'];

/** mulberry32: small, fast, deterministic (the app's own, so calibration and the stand-in agree on it). */
export { prng };

const FIRST = [
  'Anna', 'Lukas', 'Julia', 'Maximilian', 'Lena', 'Jonas', 'Laura', 'Felix', 'Sarah', 'Paul', 'Katharina', 'Leon', 'Sophie', 'Tobias',
  'Miriam', 'Stefan', 'Sabine', 'Thomas', 'Claudia', 'Andreas', 'Petra', 'Markus', 'Emma', 'Oliver', 'Charlotte', 'James', 'Emily',
  'Michael', 'Olivia', 'Daniel', 'Hannah', 'David', 'Jessica', 'Matthew', 'Elif', 'Mehmet', 'Aylin', 'Piotr', 'Marta', 'Luca',
];
const LAST = [
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Klein',
  'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger', 'Hofmann', 'Hartmann', 'Lange', 'Schmitt', 'Werner',
  'Smith', 'Johnson', 'Brown', 'Taylor', 'Wilson', 'Davies', 'Evans', 'Yilmaz', 'Kaya', 'Nowak', 'Kowalski', 'Rossi', 'Ferrari',
];

/** [title, weight]. Decision makers, managers, specialists, and the disqualifying ones (students, interns, applicants). */
const TITLES: Array<[string, number]> = [
  ['Geschäftsführer', 6], ['Geschäftsführerin', 3], ['CEO', 4], ['Managing Director', 2], ['Inhaber', 2], ['CMO', 2], ['CTO', 2], ['CFO', 1],
  ['Vorstand Vertrieb', 1], ['VP Sales', 2], ['VP Marketing', 1], ['Head of IT', 3], ['Head of Marketing', 3], ['Head of Sales', 3],
  ['Leiter Marketing', 4], ['Leiterin Vertrieb', 3], ['Leiter IT', 3], ['Bereichsleiter Einkauf', 2], ['Abteilungsleiter Produktion', 2],
  ['Director of Operations', 2], ['Marketing Manager', 6], ['Sales Manager', 5], ['Key Account Manager', 4], ['Projektleiter', 4],
  ['Einkäufer', 3], ['Produktmanagerin', 3], ['Product Manager', 3], ['IT-Administrator', 3], ['Software Engineer', 3],
  ['Marketing Specialist', 3], ['Sachbearbeiterin', 3], ['Assistenz der Geschäftsführung', 2], ['Consultant', 3], ['Berater', 2],
  ['Werkstudent', 3], ['Werkstudentin Marketing', 2], ['Student', 2], ['Praktikant', 2], ['Praktikantin Vertrieb', 1], ['Intern', 1],
  ['Bewerber', 1], ['Auszubildender', 1],
];
const TITLE_TOTAL = TITLES.reduce((s, [, w]) => s + w, 0);

const COMPANY_STEMS = [
  'Muster', 'Nord', 'Süd', 'Rhein', 'Alpen', 'Hansa', 'Berg', 'Elb', 'Main', 'Isar', 'Weser', 'Donau', 'Falken', 'Adler', 'Linden',
  'Blue', 'Bright', 'Summit', 'Quantum', 'Vertex', 'North', 'Oak', 'Pioneer', 'Atlas', 'Nova', 'Kessler', 'Brandt', 'Vogel', 'Lorenz',
];
/** [suffix, industry, legal form]. */
const COMPANY_KINDS: Array<[string, string, string]> = [
  ['Anlagenbau', 'MACHINERY', 'GmbH'],
  ['Maschinenbau', 'MACHINERY', 'AG'],
  ['Industrietechnik', 'MECHANICAL_OR_INDUSTRIAL_ENGINEERING', 'GmbH & Co. KG'],
  ['Automation', 'INDUSTRIAL_AUTOMATION', 'GmbH'],
  ['Elektronik', 'ELECTRICAL_ELECTRONIC_MANUFACTURING', 'GmbH'],
  ['Automotive', 'AUTOMOTIVE', 'AG'],
  ['Chemie', 'CHEMICALS', 'AG'],
  ['Software', 'COMPUTER_SOFTWARE', 'GmbH'],
  ['Systems', 'COMPUTER_SOFTWARE', 'Inc.'],
  ['IT-Services', 'INFORMATION_TECHNOLOGY_AND_SERVICES', 'GmbH'],
  ['Digital', 'INTERNET', 'Ltd'],
  ['Handel', 'RETAIL', 'GmbH'],
  ['Retail', 'RETAIL', 'Ltd'],
  ['Großhandel', 'WHOLESALE', 'KG'],
  ['Consulting', 'MANAGEMENT_CONSULTING', 'GmbH'],
  ['Partners', 'MANAGEMENT_CONSULTING', 'LLP'],
  ['Logistik', 'LOGISTICS_AND_SUPPLY_CHAIN', 'GmbH'],
  ['Bau', 'CONSTRUCTION', 'GmbH'],
  ['Versicherung', 'INSURANCE', 'AG'],
  ['Finanz', 'FINANCIAL_SERVICES', 'AG'],
  ['Medizintechnik', 'MEDICAL_DEVICES', 'GmbH'],
  ['Klinikum', 'HOSPITAL_HEALTH_CARE', 'gGmbH'],
  ['Foods', 'FOOD_PRODUCTION', 'GmbH'],
  ['Agentur', 'MARKETING_AND_ADVERTISING', 'GmbH'],
];
const CITIES: Array<[string, string]> = [
  ['München', 'Germany'], ['Stuttgart', 'Germany'], ['Hamburg', 'Germany'], ['Berlin', 'Germany'], ['Köln', 'Germany'], ['Frankfurt am Main', 'Germany'],
  ['Düsseldorf', 'Germany'], ['Nürnberg', 'Germany'], ['Wien', 'Austria'], ['Zürich', 'Switzerland'], ['London', 'United Kingdom'],
  ['Manchester', 'United Kingdom'], ['Boston', 'United States'], ['Chicago', 'United States'], ['Amsterdam', 'Netherlands'],
];
const CONVERSIONS = [
  'Webinar: Anlagenbau 4.0', 'Whitepaper: Lead Scoring im Mittelstand', 'Demo anfragen', 'Kontaktformular', 'Newsletter-Anmeldung',
  'Pricing page: Request a quote', 'Messe: Hannover Messe Termin', 'E-Book: B2B Marketing Automation', 'Webinar: Sales & Marketing Alignment',
];
/** Share of contacts in market right now, with this week's high-intent activity; larger accounts engage more. */
const IN_MARKET_SHARE = 0.08;
const IN_MARKET_SHARE_LARGE = 0.35;
const IN_MARKET_CONVERSIONS = ['Demo anfragen', 'Webinar: Anlagenbau 4.0', 'Pricing page: Request a quote', 'Messe: Hannover Messe Termin'];
const SOURCES = ['ORGANIC_SEARCH', 'PAID_SEARCH', 'EMAIL_MARKETING', 'SOCIAL_MEDIA', 'REFERRALS', 'DIRECT_TRAFFIC', 'OFFLINE', 'PAID_SOCIAL'];
const STAGES: Array<[string, number]> = [
  ['subscriber', 30], ['lead', 45], ['marketingqualifiedlead', 10], ['salesqualifiedlead', 5], ['opportunity', 4], ['customer', 5], ['other', 1],
];
const LEAD_STATUS: Array<[string, number]> = [['', 40], ['NEW', 25], ['OPEN', 10], ['IN_PROGRESS', 8], ['ATTEMPTED_TO_CONTACT', 7], ['CONNECTED', 6], ['BAD_TIMING', 3], ['UNQUALIFIED', 1]];
const ANSWERS: Record<string, string[]> = {
  bant_budget_answer: ['approved', 'planned', 'none'],
  bant_authority_answer: ['decision_maker', 'influencer', 'none'],
  bant_need_answer: ['acute', 'latent', 'none'],
  bant_timeline_answer: ['lt_3_months', '3_6_months', '6_12_months', 'gt_12_months'],
};
const CALL_TITLES = ['Erstgespräch', 'Discovery call', 'Follow-up call', 'Rückruf', 'Qualifizierung', 'Check-in'];
const MEETING_TITLES = ['Produktdemo', 'Product demo', 'Workshop Anforderungen', 'Angebotsbesprechung', 'Kick-off'];
const EMAIL_SUBJECTS = ['Ihre Anfrage', 'Re: Angebot', 'Following up', 'Unterlagen zur Demo', 'Re: Pricing question', 'Terminbestätigung'];
const NOTE_BODIES = [
  '<p>Budget für Q3 freigegeben.</p>', '<p>Entscheidung liegt beim Geschäftsführer.</p>', '<p>Evaluating alternatives, timeline 6 months.</p>',
  '<p>Kein aktueller Bedarf, in einem Jahr wieder melden.</p>', '<p>Interested in the enterprise plan.</p>', '<p>Messekontakt Hannover.</p>',
];
const MEETING_OUTCOMES: Array<[string, number]> = [['COMPLETED', 6], ['SCHEDULED', 2], ['NO_SHOW', 1], ['RESCHEDULED', 1], ['CANCELED', 1]];
const DISPOSITION_WEIGHTS = [2, 6, 2, 4, 5, 1];

const DAY = 86_400_000;

function ascii(s: string): string {
  return s
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, '');
}

function numemployeesRange(n: number): string {
  if (n <= 5) return '1-5';
  if (n <= 25) return '5-25';
  if (n <= 50) return '25-50';
  if (n <= 100) return '50-100';
  if (n <= 500) return '100-500';
  if (n <= 1000) return '500-1000';
  return '1000+';
}

/** Fills `portal` (expected empty) with generated data. Writes bypass webhooks: the app is not installed yet. */
export function generatePortal(portal: Portal, options: GenerateOptions = {}): void {
  const wasMuted = portal.muted;
  portal.muted = true;
  try {
    fill(portal, options);
  } finally {
    portal.muted = wasMuted;
  }
  const seed = options.seed ?? 1;
  const days = options.activityDays ?? 180;
  const now = portal.clock();
  portal.historySource = (rec, name) => generatedHistory(rec, name, seed, days);
  addMarketingEvents(portal, options.marketingEvents ?? 0, seed, now, days);
}

const PAGES = ['/', '/pricing', '/preise', '/produkte/lead-scoring', '/demo', '/blog/bant-im-mittelstand', '/blog/lead-scoring-101', '/case-studies', '/kontakt', '/integrationen/hubspot'];
/** Values generated per property at most (HubSpot keeps more; the app reads the newest 100). */
const MAX_GENERATED = 120;

/**
 * A contact's event series behind its rollups, the way HubSpot's property history shows it: every form fill (name and
 * date share a timestamp), every e-mail open and click, every session and page seen. Computed from the rollups and the
 * contact id on each request, so generating 100,000 contacts keeps no history in memory; the newest value equals the
 * current rollup, the oldest conversion equals the first conversion.
 */
export function generatedHistory(rec: CrmRecord, name: string, seed: number, days: number): HistoryEntry[] | undefined {
  const p = rec.props;
  const rnd = prng((seed * 2_654_435_761) ^ rec.id);
  const sourceType = name.startsWith('recent_conversion') ? 'FORM' : name.startsWith('hs_email') ? 'EMAIL' : 'ANALYTICS';
  const entries = (times: number[], value: (t: number, i: number) => string): HistoryEntry[] =>
    times.map((t, i) => ({ value: value(t, i), timestamp: t, sourceType }));
  /** n times, newest first: `last`, then earlier ones back to `from` (or `days` before `last`). */
  const series = (n: number, last: number, from = last - days * DAY): number[] => {
    const out = [last];
    for (let i = 1; i < n; i++) out.push(Math.floor(from + rnd() * Math.max(1, last - from - 60_000)));
    return out.sort((a, b) => b - a);
  };
  const count = (v: string | undefined) => Math.min(MAX_GENERATED, Math.max(0, Math.floor(Number(v ?? 0)) || 0));
  const ms = (v: string | undefined) => (v ? Date.parse(v) : Number.NaN);
  switch (name) {
    case 'recent_conversion_event_name':
    case 'recent_conversion_date': {
      const n = count(p.num_conversion_events);
      const last = ms(p.recent_conversion_date);
      if (n === 0 || !Number.isFinite(last)) return undefined;
      const first = ms(p.first_conversion_date);
      const times = n >= 2 && Number.isFinite(first) && first < last ? [...series(n - 1, last, first), first] : series(1, last);
      if (name === 'recent_conversion_date') return entries(times, (t) => new Date(t).toISOString());
      return entries(times, (_t, i) =>
        i === 0 ? (p.recent_conversion_event_name ?? '') : i === times.length - 1 && n >= 2 ? (p.first_conversion_event_name ?? '') : CONVERSIONS[Math.floor(rnd() * CONVERSIONS.length)]!,
      );
    }
    case 'hs_email_last_open_date':
    case 'hs_email_last_click_date':
    case 'hs_email_last_reply_date': {
      const rollup = { hs_email_last_open_date: p.hs_email_open, hs_email_last_click_date: p.hs_email_click, hs_email_last_reply_date: p.hs_email_replied }[name];
      const last = ms(p[name]);
      if (!Number.isFinite(last)) return undefined;
      return entries(series(Math.max(1, count(rollup)), last), (t) => new Date(t).toISOString());
    }
    case 'hs_analytics_last_visit_timestamp':
    case 'hs_analytics_last_url': {
      const last = ms(p.hs_analytics_last_visit_timestamp);
      if (!Number.isFinite(last)) return undefined;
      if (name === 'hs_analytics_last_visit_timestamp') return entries(series(Math.max(1, count(p.hs_analytics_num_visits)), last), (t) => new Date(t).toISOString());
      return entries(series(Math.max(1, count(p.hs_analytics_num_page_views)), last), (_t, i) =>
        i === 0 && p.hs_analytics_last_url ? p.hs_analytics_last_url : PAGES[Math.floor(rnd() * PAGES.length)]!,
      );
    }
    default:
      return undefined;
  }
}

const EVENT_KINDS: Array<[string, string]> = [
  ['Webinar: Lead Scoring mit HubSpot', 'WEBINAR'],
  ['Hannover Messe', 'TRADE_SHOW'],
  ['Webinar: BANT in der Praxis', 'WEBINAR'],
  ['DMEXCO Köln', 'CONFERENCE'],
  ['Online-Workshop: Sales & Marketing Alignment', 'WEBINAR'],
];

/** Marketing events over the activity window; a few percent of contacts registered, most of those attended. */
function addMarketingEvents(portal: Portal, n: number, seed: number, now: number, days: number): void {
  const rnd = prng(seed ^ 0xe7e47);
  const contactIds = portal.idList('contacts');
  for (let i = 0; i < n; i++) {
    const [name, type] = EVENT_KINDS[i % EVENT_KINDS.length]!;
    const start = now - Math.floor(rnd() * days) * DAY;
    const event = { objectId: String(500_000 + portal.id * 100 + i), eventName: name, eventType: type, startDateTime: start, createdAt: start - 30 * DAY };
    portal.marketingEvents.push(event);
    const list: Array<{ contactId: number; state: string; occurredAt: number }> = [];
    const seen = new Set<number>();
    const participants = Math.min(contactIds.length, 5 + Math.floor(rnd() * Math.max(1, contactIds.length * 0.02)));
    for (let k = 0; k < participants; k++) {
      const contactId = contactIds[Math.floor(rnd() * contactIds.length)]!;
      if (seen.has(contactId)) continue;
      seen.add(contactId);
      const registered = start - Math.floor(1 + rnd() * 20) * DAY;
      list.push({ contactId, state: 'REGISTERED', occurredAt: registered });
      const roll = rnd();
      if (roll < 0.6) list.push({ contactId, state: 'ATTENDED', occurredAt: start });
      else if (roll < 0.8) list.push({ contactId, state: 'NO_SHOW', occurredAt: start });
    }
    portal.participations.set(event.objectId, list);
  }
}

function fill(portal: Portal, options: GenerateOptions): void {
  const streams: Streams = { rnd: new Stream(options.seed ?? 1), hot: new Stream((options.seed ?? 1) ^ 0x5eed), page: new Stream((options.seed ?? 1) ^ 0x9a9e5) };
  const rnd = () => streams.rnd.next();
  // A separate stream for the in-market segment, so adding it leaves every other generated value as it was.
  const hot = () => streams.hot.next();
  // And one for the last page seen, for the same reason.
  const page = () => streams.page.next();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const weighted = <T>(xs: ReadonlyArray<readonly [T, number]>): T => {
    const total = xs.reduce((s, [, w]) => s + w, 0);
    let r = rnd() * total;
    for (const [v, w] of xs) {
      r -= w;
      if (r < 0) return v;
    }
    return xs[xs.length - 1]![0];
  };
  const nContacts = options.contacts ?? 50;
  const nCompanies = options.companies ?? Math.max(1, Math.floor(nContacts / 8));
  const nOwners = options.owners ?? Math.min(25, 3 + Math.floor(nContacts / 2000));
  const perContact = options.engagementsPerContact ?? 1.5;
  const days = options.activityDays ?? 180;
  const now = portal.clock();
  const iso = (ms: number) => new Date(ms).toISOString();

  // Owners
  const owners: Owner[] = [];
  for (let i = 0; i < nOwners; i++) {
    const first = FIRST[(i * 7 + 3) % FIRST.length]!;
    const last = LAST[(i * 11 + 5) % LAST.length]!;
    const owner: Owner = {
      id: String(60_000_000 + portal.id * 10 + i * 1_013),
      email: `${ascii(first)}.${ascii(last)}@demo-vertrieb.de`,
      firstName: first,
      lastName: last,
      userId: 9_000_000 + i * 17,
      createdAt: now - 400 * DAY,
      updatedAt: now - 30 * DAY,
      archived: false,
      teams: [i % 2 === 0 ? { id: '101', name: 'Vertrieb DACH', primary: true } : { id: '102', name: 'Sales International', primary: true }],
    };
    owners.push(owner);
    portal.owners.push(owner);
  }
  // Owners who own nothing new: one archived (left the company), one whose user was deactivated; both in a team,
  // so lead routing has owners to skip. They own no generated records (the pick above does not see them).
  for (const [k, gone] of (['archived', 'deactivated'] as const).entries()) {
    const first = FIRST[(nOwners * 7 + 3 + k) % FIRST.length]!;
    const last = LAST[(nOwners * 11 + 5 + k) % LAST.length]!;
    portal.owners.push({
      id: String(60_000_000 + portal.id * 10 + (nOwners + k) * 1_013),
      email: `${ascii(first)}.${ascii(last)}.alt@demo-vertrieb.de`,
      firstName: first,
      lastName: last,
      userId: 9_000_000 + (nOwners + k) * 17,
      createdAt: now - 400 * DAY,
      updatedAt: now - 60 * DAY,
      archived: gone === 'archived',
      ...(gone === 'deactivated' ? { deactivated: true } : {}),
      teams: [{ id: '101', name: 'Vertrieb DACH', primary: true }],
    });
  }
  const ownerId = () => pick(owners).id;

  // Companies: sizes log-uniform from 3 to 50,000 employees.
  const companies: Array<{ id: number; domain: string; name: string; size: number; industry: string; city: string; country: string }> = [];
  const usedDomains = new Set<string>();
  for (let i = 0; i < nCompanies; i++) {
    const [suffix, industry, form] = pick(COMPANY_KINDS);
    const stem = pick(COMPANY_STEMS);
    const name = `${stem} ${suffix} ${form}`;
    let domain = `${ascii(stem)}-${ascii(suffix)}.${form === 'Inc.' || form === 'LLP' ? 'com' : form === 'Ltd' ? 'co.uk' : 'de'}`;
    if (usedDomains.has(domain)) domain = domain.replace('.', `-${ascii(pick(CITIES)[0])}.`);
    if (usedDomains.has(domain)) domain = domain.replace('.', `${i}.`);
    usedDomains.add(domain);
    // Log-uniform from 20 to 50,000 employees: mostly SMB, a long tail of enterprises.
    const size = Math.round(20 * Math.exp(rnd() * Math.log(50_000 / 20)));
    const [city, country] = pick(CITIES);
    const props: Record<string, string> = {
      name,
      domain,
      industry,
      numberofemployees: String(size),
      annualrevenue: String(size * Math.round(80_000 + rnd() * 220_000)),
      city,
      country,
      type: 'PROSPECT',
      hubspot_owner_id: ownerId(),
    };
    const rec = portal.create('companies', props, undefined, now - Math.floor(rnd() * 700) * DAY);
    companies.push({ id: rec.id, domain, name, size, industry, city, country });
  }
  for (const [i, domain] of COMPETITOR_DOMAINS.entries()) {
    const name = ['LeadRank Inc.', 'ScoreMate GmbH', 'Qualifyr Ltd'][i]!;
    const rec = portal.create('companies', { name, domain, industry: 'COMPUTER_SOFTWARE', numberofemployees: String(40 + i * 60), type: 'OTHER' }, undefined, now - 500 * DAY);
    companies.push({ id: rec.id, domain, name, size: 40 + i * 60, industry: 'COMPUTER_SOFTWARE', city: 'Berlin', country: 'Germany' });
  }

  let sink: ContactSink;
  const engagementCreate = (type: EngagementType, contactId: number, at: number, props: Record<string, string>) => {
    const rec = sink.create(type, { hs_timestamp: iso(at), ...props }, at);
    sink.linkEngagement(type, rec.id, contactId);
  };

  const lazy = options.lazy ?? nContacts > LAZY_ABOVE;
  if (lazy) {
    portal.source = computeContacts(portal, nContacts, streams, (i, s) => {
      sink = s;
      makeContact(i);
    });
    return;
  }
  const usedEmails = new Set<string>();
  sink = {
    create: (type, props, at) => portal.create(type, props, undefined, at),
    linkCompany: (contact, companyId) => portal.associate('contacts', contact.id, 'companies', companyId, undefined, true, true),
    linkEngagement: (type, id, contactId) => portal.associate(type, id, 'contacts', contactId, undefined, true),
    pending: (name, contactId, value) => addPending(portal, name, contactId, value),
    email: (_i, local, domain) => emailOf(local, uniqueEmailNumber(usedEmails, local, domain), domain),
  };
  for (let i = 0; i < nContacts; i++) makeContact(i);

  function makeContact(i: number): void {
    const first = pick(FIRST);
    const last = pick(LAST);
    let title = TITLES[0]![0];
    {
      let r = rnd() * TITLE_TOTAL;
      for (const [t, w] of TITLES) {
        r -= w;
        if (r < 0) {
          title = t;
          break;
        }
      }
    }
    const student = /Student|Werkstudent|Praktikant|Intern|Auszubildend/.test(title);
    const roll = rnd();
    let company: (typeof companies)[number] | undefined;
    let domain: string;
    if (roll < 0.02) {
      company = companies[nCompanies + (i % COMPETITOR_DOMAINS.length)];
      domain = company!.domain;
    } else if (student && roll < 0.5) {
      domain = pick(UNIVERSITY_DOMAINS);
    } else if (roll < 0.3) {
      domain = pick(FREE_MAIL_DOMAINS);
    } else {
      company = companies[Math.floor(rnd() * nCompanies)];
      domain = company!.domain;
    }
    const email = sink.email(i, `${ascii(first)}.${ascii(last)}`, domain);
    const created = now - Math.floor(rnd() * 730) * DAY - Math.floor(rnd() * DAY);
    const props: Record<string, string> = { email, firstname: first, lastname: last };
    if (rnd() < 0.92) props.jobtitle = title;
    if (rnd() < 0.87) props.hubspot_owner_id = ownerId();
    props.lifecyclestage = student ? 'subscriber' : weighted(STAGES);
    const status = weighted(LEAD_STATUS);
    if (status) props.hs_lead_status = status;
    if (company) {
      props.company = company.name;
      props.website = `https://www.${company.domain}`;
      props.city = company.city;
      props.country = company.country;
      if (rnd() < 0.6) props.numemployees = numemployeesRange(company.size);
      if (rnd() < 0.4) props.industry = company.industry;
      if (rnd() < 0.25) props.annualrevenue = String(company.size * 150_000);
    }
    if (!student && rnd() < 0.3) {
      props.hs_buying_role = pick(BUYING_ROLES)[0];
      if (rnd() < 0.2) props.hs_buying_role += `;${pick(BUYING_ROLES)[0]}`;
      if (props.hs_buying_role.split(';')[0] === props.hs_buying_role.split(';')[1]) props.hs_buying_role = props.hs_buying_role.split(';')[0]!;
    }
    // Web and e-mail rollups (HubSpot computes these; the generator sets them directly).
    const active = rnd();
    const views = Math.floor(-Math.log(1 - rnd()) * (active < 0.2 ? 25 : 4));
    props.hs_analytics_source = pick(SOURCES);
    if (views > 0) {
      props.hs_analytics_num_page_views = String(views);
      props.hs_analytics_num_visits = String(Math.max(1, Math.floor(views / 3)));
      props.hs_analytics_last_visit_timestamp = iso(now - Math.floor(rnd() * days) * DAY - Math.floor(rnd() * DAY));
      props.hs_analytics_last_url = PAGES[Math.floor(page() * PAGES.length)]!;
    }
    const delivered = Math.floor(rnd() * 30);
    if (delivered > 0) {
      const opens = Math.floor(delivered * rnd() * 0.6);
      const clicks = Math.floor(opens * rnd() * 0.5);
      props.hs_email_delivered = String(delivered);
      props.hs_email_open = String(opens);
      props.hs_email_click = String(clicks);
      props.hs_email_last_send_date = iso(now - Math.floor(rnd() * 30) * DAY);
      if (opens > 0) props.hs_email_last_open_date = iso(now - Math.floor(rnd() * 60) * DAY);
      if (clicks > 0) props.hs_email_last_click_date = iso(now - Math.floor(rnd() * 90) * DAY);
    }
    const conversions = rnd() < 0.45 ? 1 + Math.floor(-Math.log(1 - rnd()) * 1.5) : 0;
    if (conversions > 0) {
      const firstAt = created + Math.floor(rnd() * 5) * DAY;
      const recentAt = Math.max(firstAt, now - Math.floor(rnd() * days) * DAY);
      props.num_conversion_events = String(conversions);
      props.num_unique_conversion_events = String(Math.min(conversions, 1 + Math.floor(rnd() * conversions)));
      props.first_conversion_event_name = pick(CONVERSIONS);
      props.first_conversion_date = iso(firstAt);
      props.recent_conversion_event_name = conversions === 1 ? props.first_conversion_event_name : pick(CONVERSIONS);
      props.recent_conversion_date = iso(recentAt);
    }
    const contact = sink.create('contacts', props, created);
    contact.updatedAt = Math.max(created, now - Math.floor(rnd() * days) * DAY);
    if (company) sink.linkCompany(contact, company.id);

    // BANT answers reps and forms filled in: kept until the app creates the properties.
    if (!student && rnd() < 0.15) {
      for (const [name, values] of Object.entries(ANSWERS)) {
        if (rnd() < 0.6) sink.pending(name, contact.id, pick(values));
      }
    }

    // Engagement history over `days` days.
    const n = Math.floor(-Math.log(1 - rnd()) * perContact);
    let lastContacted = 0;
    let lastMeeting = 0;
    let contacted = 0;
    for (let k = 0; k < n; k++) {
      const at = now - Math.floor(rnd() * days * DAY);
      const owner = contact.props.hubspot_owner_id ?? ownerId();
      const kind = rnd();
      if (kind < 0.25) {
        const d = weighted(DISPOSITION_WEIGHTS.map((w, idx) => [idx, w] as const));
        const disposition = CALL_DISPOSITIONS[d]![0];
        const connected = d === 1;
        engagementCreate('calls', contact.id, at, {
          hs_call_title: pick(CALL_TITLES),
          hs_call_direction: rnd() < 0.8 ? 'OUTBOUND' : 'INBOUND',
          hs_call_status: 'COMPLETED',
          hs_call_disposition: disposition,
          hs_call_duration: String(connected ? 60_000 + Math.floor(rnd() * 1_500_000) : Math.floor(rnd() * 40_000)),
          hubspot_owner_id: owner,
        });
        lastContacted = Math.max(lastContacted, at);
        contacted++;
      } else if (kind < 0.45) {
        const outcome = weighted(MEETING_OUTCOMES);
        engagementCreate('meetings', contact.id, at, {
          hs_meeting_title: pick(MEETING_TITLES),
          hs_meeting_start_time: iso(at),
          hs_meeting_end_time: iso(at + 45 * 60_000),
          hs_meeting_outcome: outcome,
          hubspot_owner_id: owner,
        });
        lastMeeting = Math.max(lastMeeting, at);
        if (outcome === 'COMPLETED') {
          lastContacted = Math.max(lastContacted, at);
          contacted++;
        }
      } else if (kind < 0.8) {
        const incoming = rnd() < 0.35;
        engagementCreate('emails', contact.id, at, {
          hs_email_direction: incoming ? 'INCOMING_EMAIL' : 'EMAIL',
          hs_email_status: 'SENT',
          hs_email_subject: pick(EMAIL_SUBJECTS),
          hubspot_owner_id: owner,
        });
        lastContacted = Math.max(lastContacted, at);
        contacted++;
        if (incoming) contact.props.hs_sales_email_last_replied = iso(at);
      } else {
        engagementCreate('notes', contact.id, at, { hs_note_body: pick(NOTE_BODIES), hubspot_owner_id: owner });
      }
    }
    if (lastContacted) {
      contact.props.notes_last_contacted = iso(lastContacted);
      contact.props.notes_last_updated = iso(lastContacted);
      contact.props.hs_last_sales_activity_timestamp = iso(lastContacted);
      contact.props.num_contacted_notes = String(contacted);
    }
    if (lastMeeting) contact.props.hs_latest_meeting_activity = iso(lastMeeting);
    if (!student && hot() < (company && company.size > 1000 ? IN_MARKET_SHARE_LARGE : IN_MARKET_SHARE)) addInMarketActivity(contact.id, contact.props, contact.props.hubspot_owner_id ?? owners[Math.floor(hot() * owners.length)]!.id);
  }

  /** An in-market lead: this week's web visits, e-mail clicks, a high-intent form and a meeting or reply (seed 003: recent activity counts). */
  function addInMarketActivity(contactId: number, props: Record<string, string>, owner: string): void {
    const pickHot = <T>(xs: readonly T[]): T => xs[Math.floor(hot() * xs.length)] as T;
    const recent = (maxDays: number) => now - Math.floor(hot() * maxDays * DAY) - Math.floor(hot() * 8) * 3_600_000;
    const views = 12 + Math.floor(hot() * 30);
    props.hs_analytics_num_page_views = String(Number(props.hs_analytics_num_page_views ?? 0) + views);
    props.hs_analytics_num_visits = String(Math.max(3, Math.floor(views / 3)));
    props.hs_analytics_last_visit_timestamp = iso(recent(2));
    props.hs_analytics_last_url = '/pricing';
    const clicks = 2 + Math.floor(hot() * 3);
    props.hs_email_delivered = String(Number(props.hs_email_delivered ?? 0) + clicks * 2);
    props.hs_email_open = String(Number(props.hs_email_open ?? 0) + clicks * 2);
    props.hs_email_click = String(Number(props.hs_email_click ?? 0) + clicks);
    props.hs_email_last_open_date = iso(recent(4));
    props.hs_email_last_click_date = iso(recent(5));
    const conversions = Number(props.num_conversion_events ?? 0) + 1;
    props.num_conversion_events = String(conversions);
    props.num_unique_conversion_events = String(Math.max(1, Number(props.num_unique_conversion_events ?? 0)));
    props.recent_conversion_event_name = pickHot(IN_MARKET_CONVERSIONS);
    props.recent_conversion_date = iso(recent(7));
    props.first_conversion_event_name ??= props.recent_conversion_event_name;
    props.first_conversion_date ??= props.recent_conversion_date;
    const at = recent(10);
    if (hot() < 0.5) {
      engagementCreate('meetings', contactId, at, {
        hs_meeting_title: pickHot(MEETING_TITLES),
        hs_meeting_start_time: iso(at),
        hs_meeting_end_time: iso(at + 45 * 60_000),
        hs_meeting_outcome: hot() < 0.6 ? 'COMPLETED' : 'SCHEDULED',
        hubspot_owner_id: owner,
      });
      props.hs_latest_meeting_activity = iso(Math.max(at, Date.parse(props.hs_latest_meeting_activity ?? '1970-01-01')));
    } else {
      engagementCreate('emails', contactId, at, { hs_email_direction: 'INCOMING_EMAIL', hs_email_status: 'SENT', hs_email_subject: pickHot(EMAIL_SUBJECTS), hubspot_owner_id: owner });
      props.hs_sales_email_last_replied = iso(at);
    }
  }
}
