import { describe, expect, it } from 'vitest';
import type { TaskCreate } from '../../src/hubspot/portal-client.ts';
import { releaseDeferredTasks, type SyncTasksOptions, syncTasks, type TaskWant, type WantedTask } from '../../src/jobs/sync-tasks.ts';
import { DEFAULT_SETTINGS, type InstallationSettings } from '../../src/store/store.ts';
import { createFakePortalClient, createJobHarness, PORTAL, snapshotOf, testModel } from './job-fixtures.ts';

const HOUR = 60 * 60 * 1000;
const call = (priority: WantedTask['priority'] = 'HIGH'): WantedTask => ({ kind: 'call_sql', subject: 'Call now', body: 'x\nbant-task: call_sql', priority, dueAt: '2026-03-02T10:00:00Z' });
const qualify = (): WantedTask => ({ kind: 'qualify', subject: 'Qualify', body: 'x\nbant-task: qualify', priority: 'MEDIUM', dueAt: '2026-03-04T09:00:00Z' });
const want = (contactId: string, tasks: WantedTask[] = [call()], fields: Partial<TaskWant> = {}): TaskWant => ({ contactId, ownerId: '501', tasks, ...fields });

async function setup(budget = 25, settings: Partial<InstallationSettings> = {}) {
  const client = createFakePortalClient();
  const model = testModel({ dailyBudgetPerRep: budget });
  const harness = await createJobHarness({ client, model });
  const options: SyncTasksOptions = { model, settings: { ...structuredClone(DEFAULT_SETTINGS), ...settings }, authoritativeKinds: ['call_sql', 'qualify', 'follow_up'] };
  const sync = (wants: TaskWant[], extra: Partial<SyncTasksOptions> = {}) => syncTasks(harness.ctx, client, PORTAL, wants, { ...options, ...extra });
  return { client, harness, sync };
}

describe('syncTasks', () => {
  it('when a contact is synced twice, then exactly one task of the kind exists', async () => {
    const { client, sync } = await setup();
    expect(await sync([want('1')])).toMatchObject({ created: 1 });
    expect(await sync([want('1')])).toMatchObject({ created: 0, alreadyOpen: 1 });
    expect(client.createdTasks).toHaveLength(1);
  });

  it('when a rep completed or deleted the task while its cause still holds, then it is not created again', async () => {
    const { client, sync } = await setup();
    await sync([want('1'), want('2')]);
    client.taskStatuses.set('t-1', 'completed');
    client.taskStatuses.delete('t-2');
    expect(await sync([want('1'), want('2')])).toMatchObject({ created: 0, keptClosed: 2 });
    expect(await sync([want('1'), want('2')])).toMatchObject({ created: 0, keptClosed: 2 });
    expect(client.createdTasks).toHaveLength(2);
    expect(client.taskStatuses.get('t-1')).toBe('completed');
  });

  it('when the cause of a rep-closed task ended and arises again, then a new task is created', async () => {
    const { client, sync } = await setup();
    await sync([want('1')]);
    client.taskStatuses.set('t-1', 'completed');
    await sync([want('1')]);
    await sync([want('1', [])]);
    expect(await sync([want('1')])).toMatchObject({ created: 1 });
    expect(client.createdTasks).toHaveLength(2);
  });

  it('when an open task no longer applies, then the app completes it with the reason as the last-but-one body line', async () => {
    const { client, harness, sync } = await setup();
    await sync([want('1', [call(), qualify()])]);
    const why = 'Closed by the app: the contact is no longer sales-ready (now nurture).';
    expect(await sync([want('1', [qualify()], { noLongerApplies: { call_sql: why } })])).toMatchObject({ completed: 1, alreadyOpen: 1, created: 0 });
    expect(client.taskStatuses.get('t-1')).toBe('completed');
    expect(client.taskStatuses.get('t-2')).toBe('open');
    expect(client.taskContents.get('t-1')?.body.split('\n').slice(-2)).toEqual([why, 'bant-task: call_sql']);
    const records = await harness.store.getTaskRecords(PORTAL, ['1']);
    expect(records.find((r) => r.kind === 'call_sql')).toMatchObject({ status: 'completed', closedBy: 'app' });
    // Sales-ready again: a new call task, since the app (not a rep) closed the old one.
    expect(await sync([want('1', [call(), qualify()])])).toMatchObject({ created: 1 });
  });

  it('when a closing line is given for a kind the caller does not decide (an escalation of a rejected lead), then that open task is completed too, and only for that contact', async () => {
    const { client, sync } = await setup();
    const escalate: WantedTask = { kind: 'escalate', subject: 'Escalation', body: 'x\nbant-task: escalate', priority: 'HIGH', dueAt: '2026-03-02T12:00:00Z' };
    await sync([want('1', [call(), escalate]), want('2', [call(), escalate])]);
    const why = 'Closed by the app: sales rejected this lead (bant_feedback = rejected).';
    const summary = await sync([want('1', [], { noLongerApplies: { call_sql: why, escalate: why } }), want('2', [call()])]);
    expect(summary).toMatchObject({ completed: 2, created: 0 });
    expect(client.taskContents.get('t-1')?.body.split('\n').slice(-2)).toEqual([why, 'bant-task: call_sql']);
    // Created best first: both calls (t-1, t-2), then both escalations (t-3, t-4).
    expect(client.taskContents.get('t-3')?.body.split('\n').slice(-2)).toEqual([why, 'bant-task: escalate']);
    // Contact 2's call is still wanted and its escalation not decided by this caller: both stay open.
    expect([client.taskStatuses.get('t-2'), client.taskStatuses.get('t-4')]).toEqual(['open', 'open']);
  });

  it('when the priority or the title of an open task changes, then title and body are refreshed and the due date is kept', async () => {
    const { client, sync } = await setup();
    await sync([want('1', [qualify()], { priority: 'B2' })]);
    expect(await sync([want('1', [qualify()], { priority: 'B2' })])).toMatchObject({ refreshed: 0, alreadyOpen: 1 });
    const changed = { ...qualify(), subject: 'Qualify: ask about timeline', body: 'Priority A1\nbant-task: qualify', dueAt: '2026-04-01T09:00:00Z' };
    expect(await sync([want('1', [changed], { priority: 'A1' })])).toMatchObject({ refreshed: 1, created: 0 });
    expect(client.taskContents.get('t-1')).toMatchObject({ subject: 'Qualify: ask about timeline', body: 'Priority A1\nbant-task: qualify' });
    expect(client.calls.updateTasks).toBe(1);
    expect(client.createdTasks[0]?.dueAt).toBe('2026-03-04T09:00:00Z');
  });

  it('when the app lost its records (a reinstall), then it takes over its open task in HubSpot instead of creating a second', async () => {
    const { client, harness, sync } = await setup();
    await sync([want('1')]);
    await harness.store.deleteContactState(PORTAL, ['1']);
    expect(await sync([want('1', [call()], { mayHaveUnrecordedTasks: true })])).toMatchObject({ created: 0, alreadyOpen: 1 });
    expect(client.createdTasks).toHaveLength(1);
    expect((await harness.store.getTaskRecords(PORTAL, ['1']))[0]).toMatchObject({ taskId: 't-1', status: 'open', adopted: true });
  });

  it('when the contact is new to the app, then no HubSpot lookup precedes the creation', async () => {
    const { client, sync } = await setup();
    expect(await sync([want('1', [call()], { mayHaveUnrecordedTasks: false })])).toMatchObject({ created: 1 });
    expect(client.calls.findAppTasks ?? 0).toBe(0);
  });

  it('when kinds differ, then each kind has its own task', async () => {
    const { client, sync } = await setup();
    await sync([want('1', [call(), qualify()])]);
    expect(client.createdTasks.map((t) => t.kind)).toEqual(['call_sql', 'qualify']);
  });

  it('when a kind is switched off for the installation, then it is not created', async () => {
    const { client, sync } = await setup(25, { taskKinds: { ...DEFAULT_SETTINGS.taskKinds, qualify: false } });
    expect(await sync([want('1', [call(), qualify()])])).toMatchObject({ created: 1, disabled: 1 });
    expect(client.createdTasks.map((t) => t.kind)).toEqual(['call_sql']);
  });

  it('when the contact has no owner, then the installation fallback owner gets the task', async () => {
    const { client, sync } = await setup(25, { fallbackOwnerId: '777' });
    await sync([want('1', [call()], { ownerId: null })]);
    expect(client.createdTasks[0]?.ownerId).toBe('777');
  });

  describe('crash safety', () => {
    it('when the process dies after HubSpot created the task but before its id was stored, then a redo does not duplicate it', async () => {
      const { client, harness, sync } = await setup();
      const put = harness.store.putTaskRecords.bind(harness.store);
      let puts = 0;
      harness.store.putTaskRecords = async (records) => {
        puts += 1;
        if (puts === 2) throw new Error('killed');
        return put(records);
      };
      await expect(sync([want('1')])).rejects.toThrow('killed');
      expect(client.createdTasks).toHaveLength(1);
      harness.store.putTaskRecords = put;
      harness.clock.now += 10 * 60_000; // the lease expired; the item is redone
      expect(await sync([want('1')])).toMatchObject({ created: 0, alreadyOpen: 1 });
      expect(client.createdTasks).toHaveLength(1);
      expect((await harness.store.getTaskRecords(PORTAL, ['1']))[0]).toMatchObject({ taskId: 't-1', status: 'open' });
    });

    it('when HubSpot never got the request, then the redo finds no task behind the marker and creates it', async () => {
      const { client, harness, sync } = await setup();
      client.createTasks = async () => {
        throw new Error('killed before the request left');
      };
      await expect(sync([want('1')])).rejects.toThrow();
      harness.clock.now += 10 * 60_000;
      const restored = createFakePortalClient();
      client.createTasks = async (tasks: TaskCreate[]) => {
        const out = await restored.createTasks(tasks);
        client.createdTasks.push(...tasks);
        for (const o of out) if ('taskId' in o) client.taskStatuses.set(o.taskId, 'open');
        return out;
      };
      expect(await sync([want('1')])).toMatchObject({ created: 1 });
      expect(await sync([want('1')])).toMatchObject({ created: 0, alreadyOpen: 1 });
    });

    it('when a marker has no task id, then it is resolved to the task HubSpot already has', async () => {
      const { client, harness, sync } = await setup();
      await harness.store.putTaskRecords([{ portalId: PORTAL, contactId: '1', kind: 'call_sql', ownerId: '501', status: 'open', createdAt: new Date(harness.clock.now).toISOString(), dueAt: '2026-03-02T10:00:00Z' }]);
      client.findAppTasks = async () => [{ taskId: 'hs-9', contactId: '1', kind: 'call_sql', status: 'open' }];
      expect(await sync([want('1')])).toMatchObject({ created: 0, alreadyOpen: 1 });
      expect((await harness.store.getTaskRecords(PORTAL, ['1']))[0]).toMatchObject({ taskId: 'hs-9', status: 'open' });
      expect(client.createdTasks).toEqual([]);
    });

    it('when HubSpot answers an error for a task and has no such task, then it is reported and created on the next sync', async () => {
      const { client, sync } = await setup();
      client.failTaskCreates = 1;
      const first = await sync([want('1')]);
      expect(first.failed).toEqual([{ contactId: '1', kind: 'call_sql', error: 'HubSpot createTasks failed with 502' }]);
      expect(await sync([want('1')])).toMatchObject({ created: 1 });
      expect(await sync([want('1')])).toMatchObject({ created: 0, alreadyOpen: 1 });
      expect(client.createdTasks).toHaveLength(1);
    });
  });

  describe('daily budget per rep', () => {
    it('when a rep would get more tasks than the budget, then the best ones are created and the rest deferred', async () => {
      const { client, harness, sync } = await setup(2);
      const summary = await sync([
        want('low', [call('LOW')], { priority: 'A1' }),
        want('c3', [call()], { priority: 'C3' }),
        want('a2', [call()], { priority: 'A2' }),
        want('other-rep', [call()], { ownerId: '502', priority: 'D4' }),
      ]);
      expect(summary).toMatchObject({ created: 3, deferred: 1 });
      expect(client.createdTasks.map((t) => t.contactId).sort()).toEqual(['a2', 'c3', 'other-rep']);
      expect((await harness.store.listTaskRecords(PORTAL, { status: 'deferred' })).map((r) => r.contactId)).toEqual(['low']);
    });

    it('when the budget is used up today, then later syncs defer too; the next day they are released best first', async () => {
      const { client, harness, sync } = await setup(1);
      await sync([want('1')]);
      expect(await sync([want('2')])).toMatchObject({ deferred: 1 });
      await sync([want('3', [qualify()])]);
      await harness.store.putSnapshots([snapshotOf('2', { written: { bant_priority: 'B1' } }), snapshotOf('3', { written: { bant_priority: 'A2' } })]);
      harness.clock.now += 24 * HOUR;
      expect(await releaseDeferredTasks(harness.ctx, PORTAL)).toEqual({ contacts: 2 });
      const queued = await harness.store.lease({ now: harness.clock.now, limit: 10, leaseMs: 1000 });
      expect(queued.map((i) => [i.kind, i.key])).toEqual([
        ['rescore', '3'],
        ['rescore', '2'],
      ]);
      // The rescore of the new day creates it within the fresh budget.
      expect(await sync([want('3', [qualify()])])).toMatchObject({ created: 1 });
      expect(client.createdTasks.map((t) => t.contactId)).toEqual(['1', '3']);
    });

    it('when a deferred task is no longer wanted by the contact, then it is dropped', async () => {
      const { harness, sync } = await setup(1);
      await sync([want('1'), want('2')]);
      expect(await harness.store.listTaskRecords(PORTAL, { status: 'deferred' })).toHaveLength(1);
      await sync([want('2', [])]);
      expect(await harness.store.listTaskRecords(PORTAL, { status: 'deferred' })).toEqual([]);
    });

    it('when a task the app made today and closed (a disconnect) is deferred on its return, then it still counts: a second sync does not create it', async () => {
      const { client, harness, sync } = await setup(1);
      await sync([want('1')]);
      const [made] = await harness.store.getTaskRecords(PORTAL, ['1']);
      await harness.store.putTaskRecords([{ ...(made as NonNullable<typeof made>), status: 'completed', closedBy: 'app' }]);
      expect(await sync([want('1'), want('2')])).toMatchObject({ created: 0, deferred: 2 });
      expect(await sync([want('1'), want('2')])).toMatchObject({ created: 0, deferred: 2 });
      expect(client.createdTasks).toHaveLength(1);
    });

    it('when escalations are due, then the budget does not hold them back', async () => {
      const { client, sync } = await setup(1);
      await sync([want('1')]);
      const escalate: WantedTask = { kind: 'escalate', subject: 'Escalation', body: 'bant-task: escalate', priority: 'HIGH', dueAt: '2026-03-02T12:00:00Z' };
      expect(await sync([want('1', [escalate])])).toMatchObject({ created: 1, deferred: 0 });
      expect(client.createdTasks.map((t) => t.kind)).toEqual(['call_sql', 'escalate']);
    });
  });

  describe('the budget day is the portal\'s local day', () => {
    /** Budget 1; the portal's zone as HubSpot names it (undefined: not known). */
    async function inZone(timeZone: string | undefined) {
      const s = await setup(1);
      const installation = await s.harness.store.getInstallation(PORTAL);
      await s.harness.store.putInstallation({ ...installation!, ...(timeZone ? { timeZone } : {}) });
      /** Syncs one new contact at an instant; 'created' or 'deferred'. */
      let next = 0;
      const at = async (iso: string) => {
        s.harness.clock.now = Date.parse(iso);
        const summary = await s.sync([want(`c${++next}`)]);
        return summary.created ? 'created' : summary.deferred ? 'deferred' : 'neither';
      };
      return at;
    }

    it('when the portal is in Los Angeles, then the budget resets at midnight there, not at UTC midnight', async () => {
      const at = await inZone('America/Los_Angeles');
      expect(await at('2026-03-02T07:30:00Z')).toBe('created'); // 23:30 PST, March 1
      expect(await at('2026-03-02T07:50:00Z')).toBe('deferred'); // 23:50 PST, March 1
      expect(await at('2026-03-02T08:10:00Z')).toBe('created'); // 00:10 PST, March 2 (same UTC day as the first)
      expect(await at('2026-03-03T01:00:00Z')).toBe('deferred'); // 17:00 PST, March 2 (the UTC date has changed)
    });

    it('when the portal is at UTC+14 (Pacific/Kiritimati), then its day turns over ten hours before UTC midnight', async () => {
      const at = await inZone('Pacific/Kiritimati');
      expect(await at('2026-03-02T09:30:00Z')).toBe('created'); // 23:30, March 2
      expect(await at('2026-03-02T09:50:00Z')).toBe('deferred');
      expect(await at('2026-03-02T10:10:00Z')).toBe('created'); // 00:10, March 3
      expect(await at('2026-03-02T23:50:00Z')).toBe('deferred'); // 13:50, March 3
    });

    it('when the clocks change, then the day boundary follows the local midnight (a 23 h and a 25 h day)', async () => {
      const spring = await inZone('America/Los_Angeles');
      expect(await spring('2026-03-09T06:30:00Z')).toBe('created'); // 23:30 PDT, March 8 (began 23 h earlier, in PST)
      expect(await spring('2026-03-09T07:10:00Z')).toBe('created'); // 00:10 PDT, March 9
      const autumn = await inZone('America/Los_Angeles');
      expect(await autumn('2026-11-01T07:10:00Z')).toBe('created'); // 00:10 PDT, November 1
      expect(await autumn('2026-11-02T07:30:00Z')).toBe('deferred'); // 23:30 PST, still November 1, 24 h 20 min later
      expect(await autumn('2026-11-02T08:10:00Z')).toBe('created'); // 00:10 PST, November 2
    });

    it('when the time zone is not known, or not one Intl knows, then the budget day is the UTC day', async () => {
      for (const zone of [undefined, 'Not/A_Zone']) {
        const at = await inZone(zone);
        expect(await at('2026-03-02T23:30:00Z')).toBe('created');
        expect(await at('2026-03-02T23:50:00Z')).toBe('deferred');
        expect(await at('2026-03-03T00:10:00Z')).toBe('created');
      }
    });
  });
});
