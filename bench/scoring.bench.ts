// Scoring must never be the bottleneck: scores N contacts of 20 activities each with the default model
// and prints contacts per second of CPU time on one core (aim: ≥ 100,000/s).
// Run: scripts/with-node24 node --experimental-strip-types bench/scoring.bench.ts [N]
import { readFileSync } from 'node:fs';
import { parseModel, type Profile, score } from '../src/scoring/index.ts';
import { ACTIVITY_TYPES } from '../src/scoring/types.ts';

const parsed = parseModel(JSON.parse(readFileSync(new URL('../config/scoring-model.json', import.meta.url), 'utf8')));
if (!parsed.ok) throw new Error(`default model invalid: ${JSON.stringify(parsed.issues)}`);
const model = parsed.model;

const NOW = Date.parse('2026-11-23T10:00:00Z');
const TITLES = ['Geschäftsführer', 'Head of IT', 'Marketing Manager', 'Einkäufer', 'CEO', 'Werkstudent', ''];
const INDUSTRIES = ['MACHINERY', 'COMPUTER_SOFTWARE', 'RETAIL', 'MANAGEMENT_CONSULTING', 'Anlagenbau', ''];
const URLS = ['https://example.com/pricing', 'https://example.com/produkte/x', 'https://example.com/blog/post', undefined];
const ANSWERS = ['approved', 'planned', 'none', ''];

/** Deterministic pseudo-random profiles, so runs are comparable. */
function makeProfiles(count: number): Profile[] {
  let seed = 42;
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  const profiles: Profile[] = [];
  for (let i = 0; i < count; i++) {
    const activities = Array.from({ length: 20 }, () => ({
      type: ACTIVITY_TYPES[next(ACTIVITY_TYPES.length)]!,
      at: new Date(NOW - next(200) * 86_400_000 - next(86_400_000)).toISOString(),
      url: URLS[next(URLS.length)],
      title: 'Activity',
    }));
    profiles.push({
      properties: {
        email: `person${i}@${next(5) === 0 ? 'gmail.com' : `firma${i}.de`}`,
        firstname: 'Max',
        lastname: `Muster${i}`,
        jobtitle: TITLES[next(TITLES.length)]!,
        hs_buying_role: next(3) === 0 ? 'DECISION_MAKER' : '',
        bant_budget_answer: ANSWERS[next(ANSWERS.length)]!,
        bant_timeline_answer: next(2) === 0 ? '3_6_months' : '',
      },
      company: { properties: { name: `Firma ${i}`, numberofemployees: String(next(20_000)), industry: INDUSTRIES[next(INDUSTRIES.length)]! } },
      activities,
    });
  }
  return profiles;
}

// A pool of distinct contacts scored round-robin: production scores contacts in small batches, so the
// benchmark should not measure the garbage collector walking a heap of a million stored activities.
const count = Number(process.argv[2] ?? 200_000);
const pool = makeProfiles(5_000);
for (const p of pool) score(p, model, NOW);

// CPU time of this process, not wall time: on a shared machine other processes would otherwise count against us.
const wallStart = performance.now();
const cpuStart = process.cpuUsage();
let sink = 0;
for (let i = 0; i < count; i++) sink += score(pool[i % pool.length]!, model, NOW).fit.score;
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const wallSeconds = (performance.now() - wallStart) / 1000;
console.log(`scoring: ${Math.round(count / cpuSeconds)} contacts/s (20 activities each, default model)`);
console.log(`  ${count} contacts in ${cpuSeconds.toFixed(2)} s CPU, ${wallSeconds.toFixed(2)} s wall (${Math.round(count / wallSeconds)}/s); checksum ${sink}`);
