// The stand-in world's hidden truth about who buys: a conversion probability per profile, used to draw won and
// lost outcomes for tests, benchmarks and the demo. Deliberately NOT the app's default model and not linear in
// its features: it leans on properties the default model ignores (lead source, country, the contact's employee
// range), on an industry × company-size interaction, on counts and recency of high-intent activity with
// thresholds, and only weakly on the job title. Calibration has to discover this from outcomes alone.
import type { Activity, ActivityType, Profile, PropertyBag } from '../src/scoring/types.ts';

const DAY = 86_400_000;

const SOURCE_EFFECT: ReadonlyMap<string, number> = new Map([
  ['REFERRALS', 1.3],
  ['OFFLINE', 0.9],
  ['PAID_SEARCH', 0.3],
  ['ORGANIC_SEARCH', 0.2],
  ['DIRECT_TRAFFIC', 0.1],
  ['EMAIL_MARKETING', 0],
  ['SOCIAL_MEDIA', -0.7],
  ['PAID_SOCIAL', -1.0],
]);

const COUNTRY_EFFECT: ReadonlyMap<string, number> = new Map([
  ['Germany', 0.5],
  ['Austria', 0.6],
  ['Switzerland', 0.4],
  ['Netherlands', 0.1],
  ['United Kingdom', -0.2],
  ['United States', -0.5],
]);

const ENGINEERING = new Set(['MACHINERY', 'INDUSTRIAL_AUTOMATION', 'MECHANICAL_OR_INDUSTRIAL_ENGINEERING', 'ELECTRICAL_ELECTRONIC_MANUFACTURING']);
const TRADE = new Set(['RETAIL', 'WHOLESALE']);
const FREE_MAIL = /@(gmail\.com|web\.de|gmx\.de|gmx\.net|t-online\.de|outlook\.com|yahoo\.com|hotmail\.com|icloud\.com)$/i;
const NOT_A_BUYER = /student|praktikant|intern\b|auszubildend|bewerber|@(leadrank\.io|scoremate\.de|qualifyr\.com)$/i;
const SENIOR = /gesch(ä|ae)ftsf|ceo|managing director|inhaber|vorstand|\bc[a-z]o\b/i;

const INTERCEPT = -3.3;

function text(bag: PropertyBag | undefined, name: string): string {
  const v = bag && Object.hasOwn(bag, name) ? bag[name] : undefined;
  return typeof v === 'string' ? v.trim() : '';
}

function number(bag: PropertyBag | undefined, name: string): number | null {
  const raw = text(bag, name);
  if (raw === '') return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

/** Activities of `types` in the `days` before `atMs` (none after it). */
function countWithin(activities: readonly Activity[], types: ReadonlySet<ActivityType>, atMs: number, days: number): number {
  let n = 0;
  for (const a of activities) {
    if (!types.has(a.type)) continue;
    const t = Date.parse(a.at);
    if (t <= atMs && atMs - t <= days * DAY) n++;
  }
  return n;
}

const DEMO = new Set<ActivityType>(['demo_request']);
const MEETING = new Set<ActivityType>(['meeting_held']);
const REPLY = new Set<ActivityType>(['email_reply', 'call_connected']);
const CONTENT = new Set<ActivityType>(['webinar_registration', 'webinar_attendance', 'content_download', 'form_submission']);

/** The hidden log-odds of conversion; exported for tests that check calibration recovers its ranking. */
export function conversionLogOdds(profile: Profile, at: string): number {
  const p = profile.properties;
  const c = profile.company?.properties;
  const atMs = Date.parse(at);
  const email = text(p, 'email');
  const title = text(p, 'jobtitle');
  if (NOT_A_BUYER.test(title) || NOT_A_BUYER.test(email)) return -6;

  let z = INTERCEPT;
  z += SOURCE_EFFECT.get(text(p, 'hs_analytics_source')) ?? 0;
  const country = text(p, 'country') || text(c, 'country');
  z += country === '' ? -0.4 : (COUNTRY_EFFECT.get(country) ?? 0);
  if (FREE_MAIL.test(email)) z -= 0.9;

  // Industry × size: mid-sized engineering firms are the sweet spot; small traders almost never buy.
  const size = number(c, 'numberofemployees');
  const industry = text(c, 'industry') || text(p, 'industry');
  if (size !== null) {
    if (ENGINEERING.has(industry) && size >= 200 && size <= 5000) z += 1.4;
    else if (ENGINEERING.has(industry)) z += 0.3;
    if (industry === 'COMPUTER_SOFTWARE' && size > 5000) z += 0.8;
    if (TRADE.has(industry) && size < 300) z -= 0.9;
  }
  const range = text(p, 'numemployees');
  if (range === '1-5' || range === '5-25') z -= 0.6;

  // High intent, with thresholds and recency: a demo request in the last two weeks, two or more meetings held.
  const acts = profile.activities;
  if (countWithin(acts, DEMO, atMs, 14) > 0) z += 1.5;
  else if (countWithin(acts, DEMO, atMs, 90) > 0) z += 0.4;
  const meetings = countWithin(acts, MEETING, atMs, 60);
  z += meetings >= 2 ? 1.1 : meetings === 1 ? 0.35 : 0;
  if (countWithin(acts, REPLY, atMs, 30) > 0) z += 0.6;
  if (countWithin(acts, CONTENT, atMs, 30) >= 2) z += 0.4;
  // Saturating: the first page views say much more than the hundredth.
  const views = number(p, 'hs_analytics_num_page_views') ?? 0;
  z += 0.9 * (1 - Math.exp(-views / 12));

  if (SENIOR.test(title)) z += 0.25;
  return z;
}

/** Probability (0 … 1) that the stand-in world's lead converts, given its profile as of `at`. */
export function conversionPropensity(profile: Profile, at: string): number {
  return 1 / (1 + Math.exp(-conversionLogOdds(profile, at)));
}
