// Deterministic contact snapshots as the pipeline left them yesterday (written = yesterday's result), shared by the
// decay benchmarks so their runs are comparable.
import { readFileSync } from 'node:fs';
import { parseModel, score } from '../../src/scoring/index.ts';
import { ACTIVITY_TYPES, type Activity } from '../../src/scoring/types.ts';
import type { ContactSnapshot } from '../../src/store/store.ts';
import { PORTAL } from '../../test/jobs/job-fixtures.ts';

const parsed = parseModel(JSON.parse(readFileSync(new URL('../../config/scoring-model.json', import.meta.url), 'utf8')));
if (!parsed.ok) throw new Error(`default model invalid: ${JSON.stringify(parsed.issues)}`);
export const model = parsed.model;

const DAY = 86_400_000;
export const NOW = Date.parse('2026-11-23T03:30:00Z');
const YESTERDAY = NOW - DAY;
const TITLES = ['Geschäftsführer', 'Head of IT', 'Marketing Manager', 'Einkäufer', 'CEO', 'Werkstudent', ''];
const INDUSTRIES = ['MACHINERY', 'COMPUTER_SOFTWARE', 'RETAIL', 'MANAGEMENT_CONSULTING', ''];
const URLS = ['https://example.com/pricing', 'https://example.com/produkte/x', 'https://example.com/blog/post', undefined];
const ANSWERS = ['approved', 'planned', 'none', ''];
const TIMELINES = ['lt_3_months', '3_6_months', 'gt_12_months', ''];

/** Yields `count` snapshots in batches of `batchSize`; `withAnswers` adds BANT budget and timeline answers. */
export function* generateSnapshots(count: number, options: { batchSize?: number; withAnswers?: boolean } = {}): Generator<ContactSnapshot[]> {
  const batchSize = options.batchSize ?? count;
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  let batch: ContactSnapshot[] = [];
  for (let i = 0; i < count; i++) {
    const activities: Activity[] = Array.from({ length: 1 + next(12) }, () => {
      const activity: Activity = { type: ACTIVITY_TYPES[next(ACTIVITY_TYPES.length)]!, at: new Date(YESTERDAY - next(240) * DAY - next(DAY)).toISOString() };
      const url = URLS[next(URLS.length)];
      if (url) activity.url = url;
      return activity;
    });
    const properties: Record<string, string> = {
      email: `person${i}@firma${i % 997}.de`,
      firstname: 'Max',
      lastname: `Muster${i}`,
      jobtitle: TITLES[next(TITLES.length)]!,
      hs_buying_role: next(3) === 0 ? 'DECISION_MAKER' : '',
    };
    if (options.withAnswers) {
      properties.bant_budget_answer = ANSWERS[next(ANSWERS.length)]!;
      properties.bant_timeline_answer = TIMELINES[next(TIMELINES.length)]!;
    }
    const companyProperties = { name: `Firma ${i % 997}`, numberofemployees: String(next(20_000)), industry: INDUSTRIES[next(INDUSTRIES.length)]! };
    const result = score({ properties, company: { properties: companyProperties }, activities }, model, YESTERDAY);
    batch.push({
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
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
