import { beforeEach, describe, expect, it, vi } from 'vitest';
import { formatDuration, runTaskChecks } from '../../src/jobs/sla.ts';
import type { TaskRecord } from '../../src/store/store.ts';
import { contactIds, createJobHarness, type JobHarness, PORTAL, snapshotOf, testModel } from './job-fixtures.ts';

// The real task sync (one open task per kind, markers, budget); only the engine is a stand-in.
vi.mock('../../src/scoring/index.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/scoring/index.ts')>()),
  score: (await import('./job-fixtures.ts')).fakeScore,
}));

const HOUR = 60 * 60 * 1000;
const NOW = Date.parse('2026-03-02T15:00:00Z');

function overdueCall(contactId: string, taskId: string, hoursLate: number): TaskRecord {
  return {
    portalId: PORTAL,
    contactId,
    kind: 'call_sql',
    taskId,
    ownerId: '501',
    status: 'open',
    createdAt: new Date(NOW - (hoursLate + 1) * HOUR).toISOString(),
    dueAt: new Date(NOW - hoursLate * HOUR).toISOString(),
  };
}

const escalations = (h: JobHarness) => h.client.createdTasks.filter((t) => t.kind === 'escalate');

describe('runTaskChecks: SLA escalation', () => {
  let h: JobHarness;
  beforeEach(async () => {
    h = await createJobHarness({ now: NOW });
    await h.store.putSnapshots([snapshotOf('000001')]);
    await h.store.putTaskRecords([overdueCall('000001', 'call-1', 6)]);
    h.client.taskStatuses.set('call-1', 'open');
  });

  it('when a call_sql task is still open past its due time plus the grace period, then one escalate task names the lead, the owner and how late it is', async () => {
    await runTaskChecks(h.ctx, PORTAL);

    expect(escalations(h)).toHaveLength(1);
    const task = escalations(h)[0]!;
    expect(task).toMatchObject({ contactId: '000001', ownerId: '900', priority: 'HIGH' });
    expect(task.subject).toBe('Escalation: Erika Muster-000001 (Muster Anlagenbau GmbH) has waited 6 h 0 min past the call SLA');
    expect(task.body).toContain('to be called by Rita Rep');
    expect(task.body).toContain('6 h 0 min late (grace period 4 h)');
    expect(task.body.split('\n').at(-1)).toBe('bant-task: escalate');
    const [record] = (await h.store.getTaskRecords(PORTAL, ['000001'])).filter((r) => r.kind === 'escalate');
    expect(record).toMatchObject({ taskId: 't-1', escalatedTaskId: 'call-1', ownerId: '900', status: 'open' });
  });

  it('when the job runs many times, one after the other and concurrently, then the escalation is created exactly once', async () => {
    for (let i = 0; i < 10; i++) {
      await runTaskChecks(h.ctx, PORTAL);
      h.clock.now += 5 * 60_000;
    }
    await Promise.all(Array.from({ length: 5 }, () => runTaskChecks(h.ctx, PORTAL)));
    // The escalation owner completes it while the rep still has not called: no second escalation for that call.
    h.client.taskStatuses.set('t-1', 'completed');
    await runTaskChecks(h.ctx, PORTAL);

    expect(escalations(h)).toHaveLength(1);
  });

  it('when the call is within its grace period, then nothing is escalated and HubSpot is not asked', async () => {
    await h.store.putTaskRecords([overdueCall('000001', 'call-1', 3)]);

    await runTaskChecks(h.ctx, PORTAL);

    expect(escalations(h)).toEqual([]);
    expect(h.client.calls.getTaskStatuses).toBeUndefined();
  });

  it('when the rep completed the call in HubSpot, then the record says so and nothing is escalated', async () => {
    h.client.taskStatuses.set('call-1', 'completed');

    await runTaskChecks(h.ctx, PORTAL);

    expect(escalations(h)).toEqual([]);
    const [call] = await h.store.getTaskRecords(PORTAL, ['000001']);
    expect(call?.status).toBe('completed');
  });

  it('when neither the model nor the installation names an escalation owner, then a log line says so and nothing is created', async () => {
    const noOwner = await createJobHarness({ now: NOW, store: h.store, client: h.client, model: testModel({ escalationOwnerId: null }) });

    await runTaskChecks(noOwner.ctx, PORTAL);

    expect(escalations(h)).toEqual([]);
    expect(noOwner.logs.some((l) => String(l.msg).startsWith('escalation skipped: no escalation owner'))).toBe(true);
  });

  it("when the installation overrides the escalation owner, then the escalation goes to the installation's owner", async () => {
    const installation = await h.store.getInstallation(PORTAL);
    await h.store.putInstallation({ ...installation!, settings: { ...installation!.settings, escalationOwnerId: '777' } });

    await runTaskChecks(h.ctx, PORTAL);

    expect(escalations(h)[0]?.ownerId).toBe('777');
  });

  it('when HubSpot fails to create the escalation, then the next run finds no such task in HubSpot, creates it, and it is made once in all', async () => {
    h.client.failTaskCreates = 1;
    await runTaskChecks(h.ctx, PORTAL);
    expect(escalations(h)).toEqual([]);

    h.clock.now += 10 * 60_000;
    for (let run = 0; run < 3; run++) await runTaskChecks(h.ctx, PORTAL);

    expect(escalations(h)).toHaveLength(1);
  });
});

describe('runTaskChecks: follow-ups and the daily budget', () => {
  let h: JobHarness;
  beforeEach(async () => {
    h = await createJobHarness({ now: NOW });
    const [late, soon, hot] = contactIds(3);
    const nurture = (id: string, timeline: string) => {
      const s = snapshotOf(id);
      s.properties = { ...s.properties, qualification: 'nurture', bant_timeline_answer: timeline };
      s.written = { bant_qualification: 'nurture' };
      return s;
    };
    await h.store.putSnapshots([nurture(late!, 'gt_12_months'), nurture(soon!, '3_6_months'), snapshotOf(hot!, { written: { bant_qualification: 'sql' } })]);
  });

  it('when a nurture contact has a timeline beyond 12 months, then it gets one follow_up task, however often the job runs', async () => {
    for (let day = 0; day < 3; day++) {
      for (let run = 0; run < 3; run++) await runTaskChecks(h.ctx, PORTAL);
      await Promise.all([runTaskChecks(h.ctx, PORTAL), runTaskChecks(h.ctx, PORTAL)]);
      h.clock.now += 24 * HOUR;
    }

    const followUps = h.client.createdTasks.filter((t) => t.kind === 'follow_up');
    expect(followUps.map((t) => t.contactId)).toEqual(['000001']);
    expect(followUps[0]?.ownerId).toBe('501');
    const [record] = await h.store.getTaskRecords(PORTAL, ['000001']);
    expect(record).toMatchObject({ kind: 'follow_up', status: 'open', taskId: 't-1' });
  });

  it('when tasks were deferred by the daily budget, then the first run of the next day queues them for release, and later runs that day do not', async () => {
    await h.store.putTaskRecords([
      { portalId: PORTAL, contactId: '000003', kind: 'call_sql', ownerId: '501', status: 'deferred', createdAt: new Date(NOW).toISOString(), dueAt: new Date(NOW + HOUR).toISOString() },
    ]);
    await runTaskChecks(h.ctx, PORTAL);
    const leased = await h.store.lease({ now: h.clock.now, limit: 10, leaseMs: 60_000, portalId: PORTAL });
    expect(leased.map((i) => [i.kind, i.key])).toEqual([['rescore', '000003']]);
    await h.store.complete(leased.map((i) => i.id));

    h.clock.now += HOUR;
    await runTaskChecks(h.ctx, PORTAL);
    expect(await h.store.queueDepth(PORTAL)).toBe(0);
    expect((await h.store.getJobState(PORTAL, 'tasks'))?.lastRun?.summary).toMatch(/daily duties already done today/);

    h.clock.now += 24 * HOUR;
    await runTaskChecks(h.ctx, PORTAL);
    expect(await h.store.queueDepth(PORTAL)).toBe(1);
  });
});

describe("runTaskChecks: the portal's day", () => {
  let h: JobHarness;
  const deferredCall = (contactId: string): TaskRecord => ({
    portalId: PORTAL,
    contactId,
    kind: 'call_sql',
    ownerId: '501',
    status: 'deferred',
    createdAt: new Date(h.clock.now).toISOString(),
    dueAt: new Date(h.clock.now + HOUR).toISOString(),
  });
  /** Runs the job at an instant; true if it did the daily duties (it queued the deferred task for release). */
  const dailyDutiesAt = async (iso: string) => {
    h.clock.now = Date.parse(iso);
    await h.store.putTaskRecords([deferredCall('000009')]);
    await runTaskChecks(h.ctx, PORTAL);
    const leased = await h.store.lease({ now: h.clock.now, limit: 10, leaseMs: 60_000, portalId: PORTAL });
    await h.store.complete(leased.map((i) => i.id));
    return leased.length > 0;
  };
  beforeEach(async () => {
    h = await createJobHarness({ now: NOW });
  });

  it('when the installation has no time zone, then HubSpot is asked once and the zone is recorded', async () => {
    h.client.timeZone = 'America/Los_Angeles';
    await runTaskChecks(h.ctx, PORTAL);
    h.clock.now += HOUR;
    await runTaskChecks(h.ctx, PORTAL);

    expect(h.client.calls.accountTimeZone).toBe(1);
    expect((await h.store.getInstallation(PORTAL))?.timeZone).toBe('America/Los_Angeles');
    expect((await h.store.getJobState(PORTAL, 'tasks'))?.cursor).toBe('2026-03-02');
  });

  it('when the portal is in Los Angeles, then the daily duties run once per local day, at its first run after local midnight', async () => {
    h.client.timeZone = 'America/Los_Angeles';
    expect(await dailyDutiesAt('2026-03-02T15:00:00Z')).toBe(true); // 07:00 PST, March 2
    expect(await dailyDutiesAt('2026-03-03T01:00:00Z')).toBe(false); // 17:00 PST: a new UTC day, the same local one
    expect(await dailyDutiesAt('2026-03-03T07:55:00Z')).toBe(false); // 23:55 PST
    expect(await dailyDutiesAt('2026-03-03T08:05:00Z')).toBe(true); // 00:05 PST, March 3
    expect((await h.store.getJobState(PORTAL, 'tasks'))?.cursor).toBe('2026-03-03');
  });

  it('when HubSpot cannot name the time zone, then the run goes on in UTC days, logs why, and asks again next run', async () => {
    h.client.timeZone = new Error('HubSpot accountInfo.details failed with 503');
    expect(await dailyDutiesAt('2026-03-02T23:55:00Z')).toBe(true);
    expect(await dailyDutiesAt('2026-03-03T00:05:00Z')).toBe(true);
    expect(h.logs.some((l) => String(l.msg).startsWith('tasks: the portal time zone is unavailable'))).toBe(true);
    expect(h.client.calls.accountTimeZone).toBe(2);
    expect((await h.store.getInstallation(PORTAL))?.timeZone).toBeUndefined();
    expect((await h.store.getJobState(PORTAL, 'tasks'))?.lastRun?.ok).toBe(true);
  });
});

describe('formatDuration', () => {
  it('when given a lateness, then it reads in days, hours or minutes', () => {
    expect(formatDuration(12 * 60_000)).toBe('12 min');
    expect(formatDuration(5 * HOUR + 20 * 60_000)).toBe('5 h 20 min');
    expect(formatDuration(76 * HOUR)).toBe('3 d 4 h');
  });
});
