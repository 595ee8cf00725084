// Synthetic past outcomes for calibration tests, benchmarks and the demo: contacts as the stand-in's portal
// generator makes them, read the way the app reads them (docs/contract.md section 5 profiles), each with the time
// it is as of and won/lost drawn from the stand-in's hidden propensity (standin/propensity.ts).
//
//   node --experimental-strip-types standin/generate-outcomes.ts [--seed N] [--count N] [--shuffle] > outcomes.jsonl
//
// Each line is a profile plus `outcome` and `at`, as `bant model calibrate` reads it (docs/contract.md section 6).
import { callActivities, emailActivities, meetingActivities, rollupActivities } from '../src/hubspot/map-activities.ts';
import type { OutcomeExample } from '../src/scoring/outcomes.ts';
import { parseIsoTime } from '../src/scoring/parse-iso-time.ts';
import type { Activity, Profile } from '../src/scoring/types.ts';
import { generatePortal, prng } from './generate-portal.ts';
import { Portal } from './portal.ts';
import { conversionPropensity } from './propensity.ts';

const DAY = 86_400_000;
/** A fixed "now" so the same seed gives the same file on any day. */
export const OUTCOMES_NOW = Date.parse('2026-12-01T09:00:00Z');

export interface GenerateOutcomesOptions {
  seed?: number;
  count?: number;
  /** The generated portal's clock; profiles are as of up to `spreadDays` before it. */
  now?: number;
  /** Profiles are taken as of a time spread over this many days (so a time-ordered split has a past and a future). Default 180. */
  spreadDays?: number;
  /** Outcomes drawn at random, ignoring the propensity (a test that nothing is learned from noise). */
  shuffle?: boolean;
  /** The world's conversion probability; default the stand-in's hidden propensity. */
  propensity?: (profile: Profile, at: string) => number;
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

function shiftIso(value: string, byMs: number): string {
  return new Date(parseIsoTime(value) - byMs).toISOString();
}

/** A contact of the portal as the app reads it: its properties, primary company and activities. */
export function readProfile(portal: Portal, contactId: number): Profile {
  const rec = portal.get('contacts', contactId)!;
  const properties: Record<string, string> = { ...rec.props, createdate: new Date(rec.createdAt).toISOString() };
  delete properties.associatedcompanyid;
  const companyId = rec.props.associatedcompanyid;
  const company = companyId ? portal.get('companies', companyId) : undefined;
  const activities: Activity[] = rollupActivities(properties);
  for (const id of portal.associated('contacts', 'meetings', contactId)) activities.push(...meetingActivities(portal.get('meetings', id)!.props));
  for (const id of portal.associated('contacts', 'calls', contactId)) activities.push(...callActivities(portal.get('calls', id)!.props, new Map()));
  for (const id of portal.associated('contacts', 'emails', contactId)) activities.push(...emailActivities(portal.get('emails', id)!.props));
  activities.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { properties, company: company ? { properties: { ...company.props } } : null, activities };
}

/** The same profile `byMs` earlier: every date moves back, so it reads as a snapshot taken then. */
function shiftProfile(profile: Profile, byMs: number): Profile {
  if (byMs === 0) return profile;
  const properties: Record<string, string> = {};
  for (const [name, value] of Object.entries(profile.properties)) {
    if (typeof value === 'string') properties[name] = ISO_TIME.test(value) ? shiftIso(value, byMs) : value;
  }
  return { properties, company: profile.company ?? null, activities: profile.activities.map((a) => ({ ...a, at: shiftIso(a.at, byMs) })) };
}

/** `count` outcomes from `seed`: the same options give the same examples, in the same order. */
export function generateOutcomes(options: GenerateOutcomesOptions = {}): OutcomeExample[] {
  const seed = options.seed ?? 1;
  const count = options.count ?? 1000;
  const now = options.now ?? OUTCOMES_NOW;
  const spreadDays = options.spreadDays ?? 180;
  const propensity = options.propensity ?? conversionPropensity;
  const portal = new Portal({ portalId: 900 + (seed % 97), clock: () => now });
  generatePortal(portal, { seed, contacts: count });
  const rnd = prng(seed ^ 0x0c0ffee);
  const out: OutcomeExample[] = [];
  for (const id of Array.from(portal.idList('contacts'))) {
    if (out.length >= count) break;
    const shift = Math.floor(rnd() * spreadDays) * DAY;
    const shifted = shiftProfile(readProfile(portal, id), shift);
    const at = new Date(now - shift).toISOString();
    // The portal generator dates some first conversions a few days after its clock; an outcome's profile holds
    // only what had happened by `at`.
    const profile = { ...shifted, activities: shifted.activities.filter((a) => a.at <= at) };
    const p = options.shuffle ? 0.25 : propensity(profile, at);
    out.push({ profile, at, outcome: rnd() < p ? 'won' : 'lost' });
  }
  return out;
}

/** One JSON Lines line (without the newline) of the outcomes file format. */
export function formatOutcomeLine(example: OutcomeExample): string {
  return JSON.stringify({ ...example.profile, outcome: example.outcome, at: example.at });
}

if (import.meta.main) {
  const { parseArgs } = await import('node:util');
  const { values } = parseArgs({ options: { seed: { type: 'string' }, count: { type: 'string' }, shuffle: { type: 'boolean' } } });
  const examples = generateOutcomes({ seed: Number(values.seed ?? 1), count: Number(values.count ?? 1000), shuffle: values.shuffle ?? false });
  const chunk: string[] = [];
  for (const e of examples) {
    chunk.push(formatOutcomeLine(e));
    if (chunk.length === 1000) process.stdout.write(`${chunk.splice(0).join('\n')}\n`);
  }
  if (chunk.length) process.stdout.write(`${chunk.join('\n')}\n`);
}
