// Issue 18: the funnel counted by the store (equal to counting every snapshot, on every store) and the what-if on a
// uniform, deterministic sample scaled to the portal, which says so.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { postgresReachable, TEST_DATABASE_URL } from '../test-database.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { computeFunnel, type FunnelView, listDrilledContacts } from '../../src/http/admin/funnel.ts';
import { sortContactIds } from '../../src/http/admin/funnel-routes.ts';
import { runWhatIf } from '../../src/http/admin/what-if.ts';
import { loadFunnel } from '../../src/outcomes/portal-outcomes.ts';
import { parseModel } from '../../src/scoring/index.ts';
import { QUALIFICATIONS } from '../../src/scoring/types.ts';
import { openLowdbStore } from '../../src/store/lowdb-store.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { openPostgresStore } from '../../src/store/postgres-store.ts';
import { SAMPLE_KEYS, sampleBoundFor, sampleKeyOf } from '../../src/store/sample-key.ts';
import type { ContactSnapshot, Store } from '../../src/store/store.ts';
import { loadDefaultModel, NOW, PORTAL_ID, seedOutcomes, seedPortal } from '../ui/console-fixtures.ts';

const DAY = 86_400_000;
const DATABASE_URL = TEST_DATABASE_URL;
const schemas: string[] = [];
const cleanups: Array<() => Promise<void>> = [];

const withPostgres = await postgresReachable();
if (!withPostgres) console.warn('!! PostgreSQL not reachable: the console-at-scale tests run on memory and lowdb only');

async function openStores(): Promise<Array<{ name: string; store: Store }>> {
  const dir = await mkdtemp(join(tmpdir(), 'bant-console-scale-'));
  const lowdb = await openLowdbStore(join(dir, 'data'));
  cleanups.push(async () => {
    await lowdb.close();
    await rm(dir, { recursive: true, force: true });
  });
  const stores = [
    { name: 'memory', store: createMemoryStore() },
    { name: 'lowdb', store: lowdb },
  ];
  if (withPostgres) {
    const schema = `bant_test_scale_${process.pid}_${randomBytes(3).toString('hex')}`;
    schemas.push(schema);
    const postgres = await openPostgresStore(DATABASE_URL, { schema });
    cleanups.push(() => postgres.close());
    stores.push({ name: 'postgres', store: postgres });
  }
  return stores;
}

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  if (!schemas.length) return;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

/** The counts as the console made them before issue 18: every snapshot read and counted one by one. */
function countOneByOne(snapshots: ContactSnapshot[]) {
  const outcomes: Record<string, number> = { sql: 0, mql: 0, nurture: 0, disqualified: 0, unscored: 0 };
  const stages: Record<string, number> = {};
  const grades: Record<string, number> = { A: 0, B: 0, C: 0, D: 0 };
  const fit = Array.from({ length: 10 }, () => 0);
  for (const { written: w } of snapshots) {
    const q = w.bant_qualification ?? '';
    const outcome = Object.hasOwn(outcomes, q) && q !== 'unscored' ? q : 'unscored';
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    const stage = w.lifecyclestage || w.bant_lifecycle_stage;
    if (stage) stages[stage] = (stages[stage] ?? 0) + 1;
    if (w.bant_fit_grade && Object.hasOwn(grades, w.bant_fit_grade)) grades[w.bant_fit_grade] = (grades[w.bant_fit_grade] ?? 0) + 1;
    const score = Number(w.bant_fit_score);
    if (w.bant_fit_score && Number.isFinite(score)) fit[Math.min(9, Math.max(0, Math.floor(score / 10)))]! += 1;
  }
  return { contacts: snapshots.length, outcomes, stages, grades, fit };
}

/** Seeded contacts plus the odd ones: garbled and empty values, epoch-ms milestones, an MQL known from its history only. */
async function seedFunnelPortal(store: Store): Promise<ContactSnapshot[]> {
  const { snapshots } = await seedPortal(store, { contacts: 400, seed: 11 });
  const base = snapshots[0]!;
  const odd: ContactSnapshot[] = [
    { ...base, contactId: '9001', written: { bant_qualification: 'sql', lifecyclestage: '', bant_lifecycle_stage: 'salesqualifiedlead', bant_fit_score: 'n/a', bant_became_sql_at: String(NOW - 3 * DAY) } },
    { ...base, contactId: '9002', written: { bant_qualification: 'mql', bant_fit_score: '' } },
    { ...base, contactId: '9003', written: { bant_qualification: 'weird', lifecyclestage: 'my_custom_stage', bant_fit_score: '140', bant_fit_grade: 'A' } },
    { ...base, contactId: '9004', written: {} },
  ];
  await store.putSnapshots(odd);
  await store.appendScoreChanges(PORTAL_ID, [
    { contactId: '9002', change: { at: new Date(NOW - 5 * DAY).toISOString(), modelVersion: '1.0.0', qualification: 'mql', priority: 'B2', leadScore: null, budget: 'unknown', authority: 'unknown', need: 'unknown', timeline: 'unknown' } },
  ]);
  await seedOutcomes(store, snapshots, { nowMs: NOW, seed: 3 });
  return [...snapshots, ...odd];
}

describe('the funnel counted by the store', () => {
  it('when the same contacts are in every store, then each funnel equals counting the snapshots one by one, and the stores agree', async () => {
    const views: Array<{ name: string; view: FunnelView }> = [];
    const evaluations: unknown[] = [];
    for (const { name, store } of await openStores()) {
      const snapshots = await seedFunnelPortal(store);
      const { view } = await computeFunnel(store, PORTAL_ID, { range: { fromMs: NOW - 30 * DAY, toMs: NOW }, backfillUntilMs: NOW - 45 * DAY });
      const expected = countOneByOne(snapshots);
      expect(view.contacts, name).toBe(expected.contacts);
      expect(view.outcomes, name).toEqual(expected.outcomes);
      expect(Object.fromEntries(view.lifecycleStages.map((s) => [s.stage, s.count])), name).toEqual(expected.stages);
      expect(view.scoreDistribution.grades, name).toEqual(expected.grades);
      expect(view.scoreDistribution.fitBuckets.map((b) => b.count), name).toEqual(expected.fit);
      expect(view.cohort.entered, name).toBeGreaterThan(10);
      expect(view.leadVelocity.sqlInRange, name).toBeGreaterThan(0);
      expect(view.leadVelocity.medianDaysToSql, name).not.toBeNull();
      views.push({ name, view });
      evaluations.push(await loadFunnel(store, PORTAL_ID));
    }
    for (const { name, view } of views.slice(1)) expect(view, name).toEqual(views[0]!.view);
    for (const evaluation of evaluations.slice(1)) expect(evaluation).toEqual(evaluations[0]);
  });

  it('when a count is drilled into, then every store lists exactly the contacts it counts', async () => {
    const range = { range: { fromMs: NOW - 30 * DAY, toMs: NOW }, backfillUntilMs: null };
    const ids = (list: ContactSnapshot[]) => list.map((s) => s.contactId).sort();
    for (const { name, store } of await openStores()) {
      const snapshots = await seedFunnelPortal(store);
      const { view } = await computeFunnel(store, PORTAL_ID, range);
      const expected: Record<string, string[]> = {
        'grade:A': ids(snapshots.filter((s) => s.written.bant_fit_grade === 'A')),
        'outcome:unscored': ids(snapshots.filter((s) => !['sql', 'mql', 'nurture', 'disqualified'].includes(s.written.bant_qualification ?? ''))),
        'stage:salesqualifiedlead': ids(snapshots.filter((s) => (s.written.lifecyclestage || s.written.bant_lifecycle_stage) === 'salesqualifiedlead')),
        'fit:90': ids(snapshots.filter((s) => s.written.bant_fit_score !== undefined && s.written.bant_fit_score !== '' && Number(s.written.bant_fit_score) >= 90)),
      };
      for (const [metric, contactIds] of Object.entries(expected)) {
        expect(contactIds.length, `${name} ${metric}`).toBeGreaterThan(0);
        // As the route lists them (from the counts alone), and as the whole funnel does.
        expect((await listDrilledContacts(store, PORTAL_ID, { ...range, drill: metric })).sort(), `${name} ${metric}`).toEqual(contactIds);
        const { drilled } = await computeFunnel(store, PORTAL_ID, { ...range, drill: metric });
        expect(drilled.sort(), `${name} ${metric}`).toEqual(contactIds);
      }
      expect(expected['grade:A']).toHaveLength(view.scoreDistribution.grades.A!);
      expect(await listDrilledContacts(store, PORTAL_ID, { ...range, drill: 'cohort' }), name).toHaveLength(view.cohort.entered);
    }
  });
});

describe('the order of a drill-down list', () => {
  it('when ids are sorted, then they come in numeric order as the collator gives it, plain numbers or not', () => {
    const byCollator = (ids: string[]) => [...ids].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    const plain = Array.from({ length: 2_000 }, (_, i) => String(((i * 7_919) % 100_003) + 1));
    expect(sortContactIds([...plain])).toEqual(byCollator(plain));
    expect(sortContactIds(['10', '9', '100', '11'])).toEqual(['9', '10', '11', '100']);
    const mixed = ['10', 'a2', '007', '9', 'a10'];
    expect(sortContactIds([...mixed])).toEqual(byCollator(mixed));
  });
});

describe('the what-if sample', () => {
  it('when keys are taken of a hundred thousand consecutive ids, then they spread evenly and the same id always gets the same key', () => {
    const buckets = Array.from({ length: 16 }, () => 0);
    let lowHalf = 0;
    let sampled = 0;
    const below = sampleBoundFor(10_000, 100_000);
    for (let i = 0; i < 100_000; i++) {
      const key = sampleKeyOf(String(100_000_000 + i));
      buckets[Math.floor((key / SAMPLE_KEYS) * 16)]! += 1;
      if (key < below) {
        sampled += 1;
        if (i < 50_000) lowHalf += 1;
      }
    }
    for (const count of buckets) expect(Math.abs(count - 6_250)).toBeLessThan(300);
    // About 10,000 sampled, half of them from each half of the id range (the first N ids would all be old ones).
    expect(Math.abs(sampled - 10_000)).toBeLessThan(400);
    expect(Math.abs(lowHalf / sampled - 0.5)).toBeLessThan(0.02);
    expect(sampleKeyOf('100000042')).toBe(sampleKeyOf('100000042'));
    expect(sampleBoundFor(50_000, 20_000)).toBe(SAMPLE_KEYS);
  });

  it('when a portal is larger than the sample, then the what-if scores a sample, scales its counts near the exact ones and says so', async () => {
    const store = createMemoryStore();
    const model = loadDefaultModel();
    await seedPortal(store, { contacts: 4_000, seed: 5 });
    const parsed = parseModel({ ...model, version: 'draft-sample', mqlCells: [...model.mqlCells, 'C1', 'C2'] });
    if (!parsed.ok) throw new Error('draft invalid');
    const args = { store, portalId: PORTAL_ID, draft: parsed.model, active: model, nowMs: NOW };
    const exact = await runWhatIf(args);
    const sample = await runWhatIf({ ...args, sampleSize: 1_000 });
    expect(exact).toMatchObject({ sampled: false, evaluated: 4_000, total: 4_000, basis: 'all 4000 contacts' });
    expect(sample.sampled).toBe(true);
    expect(Math.abs(sample.evaluated - 1_000)).toBeLessThan(120);
    expect(sample.basis).toBe(`estimated from a sample of ${sample.evaluated} of 4000 contacts`);
    // Deterministic: the same contacts, the same answer.
    expect(await runWhatIf({ ...args, sampleSize: 1_000 })).toEqual(sample);
    // Each scaled count within four standard deviations of the exact one (sampling a quarter: sd = √(n · 3/4 / 1/4)).
    const near = (estimate: number, actual: number) => expect(Math.abs(estimate - actual)).toBeLessThanOrEqual(4 * Math.sqrt(actual * 3) + 4);
    for (const q of QUALIFICATIONS) {
      near(sample.draft.outcomes[q]!, exact.draft.outcomes[q]!);
      near(sample.active.outcomes[q]!, exact.active.outcomes[q]!);
    }
    near(sample.changesTotal, exact.changesTotal);
    near(sample.impact.tasksCreatedNow, exact.impact.tasksCreatedNow);
    expect(exact.changesTotal).toBeGreaterThan(100);
    expect(Object.values(sample.draft.outcomes).reduce((a, b) => a + b, 0)).toBeGreaterThan(3_800);
    // Listed changes are contacts of the sample, drawn from the whole id range.
    const listed = sample.changes.map((c) => Number(c.contactId));
    expect(listed.some((id) => id > 4_000)).toBe(true);
    expect(listed.every((id) => sampleKeyOf(String(id)) < sampleBoundFor(1_000, 4_000))).toBe(true);
  });

  it('when the stores hold the same contacts, then they sample the same ones and give the same estimate', async () => {
    const model = loadDefaultModel();
    const parsed = parseModel({ ...model, version: 'draft-stores', mqlCells: [...model.mqlCells, 'C1'] });
    if (!parsed.ok) throw new Error('draft invalid');
    const answers = [];
    for (const { store } of await openStores()) {
      await seedPortal(store, { contacts: 600, seed: 9 });
      answers.push(await runWhatIf({ store, portalId: PORTAL_ID, draft: parsed.model, active: model, nowMs: NOW, sampleSize: 200 }));
    }
    expect(answers[0]!.sampled).toBe(true);
    for (const answer of answers.slice(1)) expect(answer).toEqual(answers[0]);
  });
});
