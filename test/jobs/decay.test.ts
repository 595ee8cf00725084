import { beforeEach, describe, expect, it, vi } from 'vitest';
import { changedProperties, DECAY_PAGE, DECAY_WRITE_BATCH, DECAY_WRITES_IN_FLIGHT, decayChanges, runDecay } from '../../src/jobs/decay.ts';
import type { ScoringResult } from '../../src/scoring/types.ts';
import { contactIds, createJobHarness, fakeScore, type JobHarness, PORTAL, snapshotOf, writtenAt } from './job-fixtures.ts';

type Item = { contactId: string; result: ScoringResult; current: Record<string, string | null>; ownerId: string | null };
const pipeline = vi.hoisted(() => ({
  batches: [] as Array<Array<{ contactId: string; result: unknown; current: Record<string, string | null>; ownerId: string | null }>>,
  during: async (): Promise<void> => {},
}));

vi.mock('../../src/scoring/index.ts', async () => ({ score: (await import('./job-fixtures.ts')).fakeScore }));
vi.mock('../../src/jobs/rescore-contacts.ts', () => ({
  rescoreContacts: vi.fn(async () => ({})),
  applyResults: vi.fn(async (_ctx: unknown, _portalId: number, items: Item[]) => {
    pipeline.batches.push(items);
    await pipeline.during();
    return {};
  }),
}));

const applied = () => pipeline.batches.flat() as Item[];
const SCORED_AT = '2026-03-01T09:00:00Z';

/** Even contacts were engaged a month ago (their points still decay), odd ones never (nothing to decay). */
async function seedSnapshots(h: JobHarness, n: number) {
  const snapshots = contactIds(n).map((id, i) => {
    const base = snapshotOf(id, { scoredAt: SCORED_AT });
    base.properties = { ...base.properties, points: i % 2 === 0 ? '80' : '0', engaged_at: '2026-02-01T09:00:00Z' };
    base.written = writtenAt(base);
    return base;
  });
  await h.store.putSnapshots(snapshots);
  return snapshots;
}

describe('runDecay', () => {
  let h: JobHarness;
  beforeEach(async () => {
    pipeline.batches.length = 0;
    pipeline.during = async () => {};
    h = await createJobHarness({ now: Date.parse('2026-03-02T09:00:00Z') });
  });

  it('when a day passes, then only contacts whose rounded values changed are handed on, against what was written, with no HubSpot reads', async () => {
    const snapshots = await seedSnapshots(h, 2500);

    const outcome = await runDecay(h.ctx, PORTAL);

    expect(outcome.ran).toBe(true);
    const items = applied();
    expect(items.map((i) => i.contactId)).toEqual(snapshots.filter((_, i) => i % 2 === 0).map((s) => s.contactId));
    expect(items[0]?.current).toEqual(snapshots[0]?.written);
    expect(items[0]?.result.properties.bant_engagement_score).toBe('41');
    expect(items[0]?.ownerId).toBe('501');
    expect(Math.max(...pipeline.batches.map((b) => b.length))).toBeLessThanOrEqual(DECAY_WRITE_BATCH);
    // One client for the writes (applyResults), and no HubSpot call by the decay pass itself.
    expect(h.clientRequests).toEqual([PORTAL]);
    expect(h.client.callCount()).toBe(0);
    expect((await h.store.getJobState(PORTAL, 'decay'))?.lastRun).toMatchObject({
      ok: true,
      summary: '2500 contacts decayed, 1250 changed and written, 0 could not be scored',
    });
  });

  it('when only bant_scored_at would differ, then no contact is written', async () => {
    await seedSnapshots(h, 50);
    h.clock.now = Date.parse(SCORED_AT) + 60_000;

    await runDecay(h.ctx, PORTAL);

    expect(applied()).toEqual([]);
    expect(h.clientRequests).toEqual([]);
  });

  it('when a written value is missing or different, then the contact counts as changed; bant_scored_at never does', () => {
    const result = fakeScore({ properties: { points: '10' }, activities: [] }, h.ctx.defaultModel, new Date('2026-03-02T09:00:00Z'));
    const written: Record<string, string> = { ...(result.properties as unknown as Record<string, string>), bant_scored_at: 'long ago' };

    expect(changedProperties(result, written)).toEqual([]);
    expect(changedProperties(result, { ...written, bant_engagement_tier: '1' })).toEqual(['bant_engagement_tier']);
    const { bant_model_version: _dropped, ...withoutVersion } = written;
    expect(changedProperties(result, withoutVersion)).toEqual(['bant_model_version']);
  });

  it('when time only ages the reasons or moves engagement by a fraction of a point, then decay does not count it as a change', () => {
    const result = fakeScore({ properties: { points: '10' }, activities: [] }, h.ctx.defaultModel, new Date('2026-03-02T09:00:00Z'));
    const at = (engagement: string, reasons: string) => ({ ...result, properties: { ...result.properties, bant_engagement_score: engagement, bant_score_reasons: reasons } });
    const written = { ...(at('40.9', '+20 demo request (160 d ago)').properties as unknown as Record<string, string>) };

    expect(decayChanges(at('40.2', '+20 demo request (161 d ago)'), written)).toEqual([]);
    expect(changedProperties(at('40.2', '+20 demo request (161 d ago)'), written).sort()).toEqual(['bant_engagement_score', 'bant_score_reasons']);
    expect(decayChanges(at('39.9', '+20 demo request (161 d ago)'), written)).toEqual(['bant_engagement_score']);
  });

  it('when time moves the lead score by a fraction of a point, then decay does not count it; a full point or a band does', () => {
    const result = fakeScore({ properties: { points: '10' }, activities: [] }, h.ctx.defaultModel, new Date('2026-03-02T09:00:00Z'));
    const at = (lead: string, extra: Record<string, string> = {}) => ({ ...result, properties: { ...result.properties, bant_lead_score: lead, ...extra } });
    const written = { ...(at('52.4').properties as unknown as Record<string, string>) };

    expect(changedProperties(at('51.5'), written)).toEqual(['bant_lead_score']);
    expect(decayChanges(at('51.5'), written)).toEqual([]);
    expect(decayChanges(at('51.4'), written)).toEqual(['bant_lead_score']);
    // A band counts at once; the contact is then written with all its values, the lead score's fraction too.
    expect(decayChanges(at('52.0', { bant_engagement_tier: '3' }), { ...written, bant_engagement_tier: '2' })).toEqual(['bant_engagement_tier']);
    expect(decayChanges(at('52.4'), { ...written, bant_lead_score: '' })).toEqual(['bant_lead_score']);
  });

  it('when two decay runs start at once, then one does the work and each changed contact is handed on once', async () => {
    await seedSnapshots(h, 300);

    const outcomes = await Promise.all([runDecay(h.ctx, PORTAL), runDecay(h.ctx, PORTAL)]);

    expect(outcomes.map((o) => o.ran).sort()).toEqual([false, true]);
    expect(applied()).toHaveLength(150);
  });

  it('when the run stops after the first page, then the next run resumes after the last contact done', async () => {
    const total = DECAY_PAGE * 2 + DECAY_PAGE / 2;
    const snapshots = await seedSnapshots(h, total);
    // Half of each page changes; it is handed on DECAY_WRITE_BATCH at a time, the page's remainder last.
    const batchesPerPage = Math.ceil(DECAY_PAGE / 2 / DECAY_WRITE_BATCH);
    pipeline.during = async () => {
      if (pipeline.batches.length === batchesPerPage + 1) throw new Error('process stopped');
    };
    await expect(runDecay(h.ctx, PORTAL)).rejects.toThrow(/process stopped/);
    const stopped = await h.store.getJobState(PORTAL, 'decay');
    expect(stopped?.cursor).toBe(snapshots[DECAY_PAGE - 1]?.contactId);
    expect(stopped?.progress).toMatchObject({ done: DECAY_PAGE, total });

    pipeline.batches.length = 0;
    pipeline.during = async () => {};
    await runDecay(h.ctx, PORTAL);

    const ids = applied().map((i) => i.contactId);
    expect(ids[0]).toBe(snapshots[DECAY_PAGE]?.contactId);
    expect(ids).toHaveLength((total - DECAY_PAGE) / 2);
    expect((await h.store.getJobState(PORTAL, 'decay'))?.lastRun?.summary).toMatch(new RegExp(`^${total - DECAY_PAGE} contacts decayed`));
  });

  it('when hand-overs are written, then two at most are in flight and a page counts as done only once all before it are written', async () => {
    const snapshots = await seedSnapshots(h, DECAY_PAGE * 2);
    let inFlight = 0;
    let most = 0;
    const cursorsSeen: Array<string | undefined> = [];
    pipeline.during = async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      const which = pipeline.batches.length;
      // The page's second hand-over is the slowest: the page's last one, started beside it, must not move the cursor first.
      await new Promise((resolve) => setTimeout(resolve, which === 2 ? 40 : 2));
      cursorsSeen.push((await h.store.getJobState(PORTAL, 'decay'))?.cursor ?? undefined);
      inFlight -= 1;
    };

    await runDecay(h.ctx, PORTAL);

    expect(most).toBe(DECAY_WRITES_IN_FLIGHT);
    // While the first page's hand-overs were being written, the cursor stayed before the page.
    const firstPageHandOvers = Math.ceil(DECAY_PAGE / 2 / DECAY_WRITE_BATCH);
    expect(cursorsSeen.slice(0, firstPageHandOvers).every((cursor) => cursor === undefined)).toBe(true);
    expect(applied()).toHaveLength(DECAY_PAGE);
    expect((await h.store.getJobState(PORTAL, 'decay'))?.lastRun?.summary).toMatch(new RegExp(`^${snapshots.length} contacts decayed, ${DECAY_PAGE} changed`));
  });

  it('when a snapshot cannot be scored, then it is logged and counted and the others are decayed', async () => {
    await seedSnapshots(h, 4);
    const [broken] = await h.store.listSnapshots(PORTAL, null, 1);
    await h.store.putSnapshots([{ ...broken!, properties: { ...broken!.properties, broken: 'yes' } }]);

    await runDecay(h.ctx, PORTAL);

    expect(applied().map((i) => i.contactId)).toEqual(['000003']);
    expect(h.logs.some((l) => l.msg === 'decay: contact could not be scored' && l.contactId === '000001')).toBe(true);
    expect((await h.store.getJobState(PORTAL, 'decay'))?.lastRun?.summary).toMatch(/1 could not be scored/);
  });

  it('when it runs, then progress and the last result reach the metrics', async () => {
    await seedSnapshots(h, DECAY_PAGE + 200);

    await runDecay(h.ctx, PORTAL);

    const labels = { job: 'decay', portal: PORTAL };
    expect(h.metrics.get('bant_job_items_done', labels)).toBe(DECAY_PAGE + 200);
    expect(h.metrics.get('bant_job_items_total', labels)).toBe(DECAY_PAGE + 200);
    expect(h.metrics.get('bant_job_progress', labels)).toBe(1);
    expect(h.metrics.get('bant_job_last_run_timestamp_seconds', labels)).toBe(h.clock.now / 1000);
    expect(h.logs.filter((l) => l.msg === 'job progress' && l.job === 'decay').map((l) => l.done)).toEqual([DECAY_PAGE, DECAY_PAGE + 200]);
  });
});
