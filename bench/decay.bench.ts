// The daily decay pass over 100,000 contacts kept as snapshots in the memory store: the real engine, the real
// pipeline (diff → write → tasks → snapshot) and a counting fake HubSpot. It must read no contact from HubSpot and
// write only contacts whose values changed. Run: node --experimental-strip-types bench/decay.bench.ts [N]
import { readFileSync } from 'node:fs';
import { runDecay } from '../src/jobs/decay.ts';
import { parseModel, score } from '../src/scoring/index.ts';
import { ACTIVITY_TYPES, type Activity } from '../src/scoring/types.ts';
import type { ContactSnapshot } from '../src/store/store.ts';
import { createJobHarness, PORTAL } from '../test/jobs/job-fixtures.ts';

const parsed = parseModel(JSON.parse(readFileSync(new URL('../config/scoring-model.json', import.meta.url), 'utf8')));
if (!parsed.ok) throw new Error(`default model invalid: ${JSON.stringify(parsed.issues)}`);
const model = parsed.model;

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-23T03:30:00Z');
const YESTERDAY = NOW - DAY;
const TITLES = ['Geschäftsführer', 'Head of IT', 'Marketing Manager', 'Einkäufer', 'CEO', 'Werkstudent', ''];
const INDUSTRIES = ['MACHINERY', 'COMPUTER_SOFTWARE', 'RETAIL', 'MANAGEMENT_CONSULTING', ''];
const URLS = ['https://example.com/pricing', 'https://example.com/produkte/x', 'https://example.com/blog/post', undefined];
const ANSWERS = ['approved', 'planned', 'none', ''];
const TIMELINES = ['lt_3_months', '3_6_months', 'gt_12_months', ''];

/** Deterministic snapshots as the pipeline left them yesterday (written = yesterday's result), so runs are comparable. */
function makeSnapshots(count: number): ContactSnapshot[] {
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  const snapshots: ContactSnapshot[] = [];
  for (let i = 0; i < count; i++) {
    const activities: Activity[] = Array.from({ length: 1 + next(12) }, () => {
      const activity: Activity = { type: ACTIVITY_TYPES[next(ACTIVITY_TYPES.length)]!, at: new Date(YESTERDAY - next(240) * DAY - next(DAY)).toISOString() };
      const url = URLS[next(URLS.length)];
      if (url) activity.url = url;
      return activity;
    });
    const properties = {
      email: `person${i}@firma${i % 997}.de`,
      firstname: 'Max',
      lastname: `Muster${i}`,
      jobtitle: TITLES[next(TITLES.length)]!,
      hs_buying_role: next(3) === 0 ? 'DECISION_MAKER' : '',
      bant_budget_answer: ANSWERS[next(ANSWERS.length)]!,
      bant_timeline_answer: TIMELINES[next(TIMELINES.length)]!,
    };
    const companyProperties = { name: `Firma ${i % 997}`, numberofemployees: String(next(20_000)), industry: INDUSTRIES[next(INDUSTRIES.length)]! };
    const result = score({ properties, company: { properties: companyProperties }, activities }, model, YESTERDAY);
    snapshots.push({
      portalId: PORTAL,
      contactId: String(100_000_000 + i),
      properties,
      companyProperties,
      activities,
      ownerId: String(500 + (i % 40)),
      written: { ...result.properties, lifecyclestage: result.lifecycleStage },
      scoredAt: result.scoredAt,
      modelVersion: result.modelVersion,
    });
  }
  return snapshots;
}

const count = Number(process.argv[2] ?? 100_000);
const h = await createJobHarness({ model, now: NOW });
h.ctx.log = h.ctx.log.child({});
await h.store.putSnapshots(makeSnapshots(count));

const start = performance.now();
const outcome = await runDecay(h.ctx, PORTAL);
const seconds = (performance.now() - start) / 1000;
if (!outcome.ran) throw new Error('decay did not run');

const calls = h.client.calls;
const reads = ['readContacts', 'listContactIds', 'searchModifiedContactIds', 'countContacts', 'associatedContactIds'].reduce((sum, name) => sum + (calls[name] ?? 0), 0);
const written = h.metrics.sum('bant_contacts_written_total');
console.log(
  `decay: ${count} contacts in ${seconds.toFixed(1)} s (${Math.round(count / seconds)}/s), ${reads} HubSpot reads, ${written} writes` +
    ` (${calls.writeContacts ?? 0} batch calls; also ${calls.lifecycleStageOrder ?? 0} lifecycle-stage option reads, ${calls.getTaskStatuses ?? 0} task-status checks, ${h.client.createdTasks.length} tasks created)`,
);
console.log(`  ${outcome.result.summary}`);
if (reads !== 0) process.exitCode = 1;
