import { beforeAll, describe, expect, it, vi } from 'vitest';
import { applyResults, rescoreContacts } from '../../src/jobs/rescore-contacts.ts';
import { loadModelFile } from '../../src/load-model.ts';
import { score } from '../../src/scoring/index.ts';
import type { ScoringModel } from '../../src/scoring/model-schema.ts';
import { addContacts, coldProfile, createFakeCrm, type FakeContact, hotProfile } from '../webhooks/fake-crm.ts';
import { contactIds, createJobHarness, PORTAL, snapshotOf } from './job-fixtures.ts';

let model: ScoringModel;
beforeAll(async () => {
  model = await loadModelFile('config/scoring-model.json');
});

async function setup(n = 3, profile = hotProfile) {
  const crm = createFakeCrm();
  const harness = await createJobHarness({ client: crm.client, model });
  const ids = contactIds(n);
  addContacts(crm, ids, profile);
  return { crm, harness, ids };
}

describe('rescoreContacts', () => {
  it('when sales-ready contacts are rescored, then values, lifecycle stage and one call_sql task each are written', async () => {
    const { crm, harness, ids } = await setup(3);
    const summary = await rescoreContacts(harness.ctx, PORTAL, ids, { reason: 'test' });
    expect(summary).toMatchObject({ requested: 3, scored: 3, written: 3, unchanged: 0, missing: [], failed: [] });
    const first = crm.contacts.get(ids[0] as string)?.current;
    expect(first).toMatchObject({ bant_qualification: 'sql', bant_priority: 'B2', lifecyclestage: 'salesqualifiedlead', bant_model_version: model.version });
    expect(crm.client.createdTasks.map((t) => [t.contactId, t.kind, t.ownerId])).toEqual(ids.map((id) => [id, 'call_sql', '501']));
    expect(crm.client.createdTasks[0]?.body.split('\n').at(-1)).toBe('bant-task: call_sql');
  });

  it('when the same contacts are rescored again (a redo), then nothing is written and no task is duplicated', async () => {
    const { crm, harness, ids } = await setup(3);
    await rescoreContacts(harness.ctx, PORTAL, ids);
    const writes = crm.client.calls.writeContacts;
    harness.clock.now += 60_000;
    const again = await rescoreContacts(harness.ctx, PORTAL, ids);
    expect(again).toMatchObject({ written: 0, unchanged: 3 });
    expect(again.tasks).toMatchObject({ created: 0, alreadyOpen: 3 });
    expect(crm.client.calls.writeContacts).toBe(writes);
    expect(crm.client.createdTasks).toHaveLength(3);
  });

  it('when a property changes so the result changes, then only the changed values are written', async () => {
    const { crm, harness, ids } = await setup(1);
    const id = ids[0] as string;
    await rescoreContacts(harness.ctx, PORTAL, ids);
    const contact = crm.contacts.get(id);
    if (contact) contact.profile.properties.bant_budget_answer = 'none';
    crm.writes.length = 0;
    await rescoreContacts(harness.ctx, PORTAL, ids);
    const sent = Object.keys(crm.writes[0]?.properties ?? {});
    expect(sent).toContain('bant_budget');
    expect(sent).not.toContain('bant_fit_score');
    expect(sent).not.toContain('lifecyclestage');
  });

  it('when 250 contacts are rescored, then reads and writes go in batches of at most 100', async () => {
    const { crm, harness, ids } = await setup(250, coldProfile);
    const summary = await rescoreContacts(harness.ctx, PORTAL, ids);
    expect(summary.scored).toBe(250);
    expect(crm.readBatches).toEqual([100, 100, 50]);
    expect(crm.writeBatches).toEqual([100, 100, 50]);
    expect(crm.contacts.get(ids[0] as string)?.current.hs_lead_status).toBe('UNQUALIFIED');
    expect(crm.client.createdTasks).toHaveLength(0);
  });

  it('when HubSpot no longer has a contact, then its local state is dropped and nothing is written for it', async () => {
    const { crm, harness, ids } = await setup(2);
    await harness.store.putSnapshots([snapshotOf('gone')]);
    await harness.store.putTaskRecords([{ portalId: PORTAL, contactId: 'gone', kind: 'call_sql', taskId: 't-x', status: 'open', createdAt: '2026-03-01T00:00:00Z', dueAt: '2026-03-01T01:00:00Z' }]);
    const summary = await rescoreContacts(harness.ctx, PORTAL, [...ids, 'gone']);
    expect(summary.missing).toEqual(['gone']);
    expect((await harness.store.getSnapshots(PORTAL, ['gone'])).size).toBe(0);
    expect(await harness.store.getTaskRecords(PORTAL, ['gone'])).toEqual([]);
    expect(crm.writes.map((w) => w.contactId)).toEqual(ids);
  });

  it('when contacts are rescored, then the snapshot keeps the profile and what HubSpot now holds', async () => {
    const { harness, ids } = await setup(1);
    await rescoreContacts(harness.ctx, PORTAL, ids);
    const snapshot = (await harness.store.getSnapshots(PORTAL, ids)).get(ids[0] as string);
    expect(snapshot).toMatchObject({ ownerId: '501', modelVersion: model.version, properties: { jobtitle: 'CEO' }, companyProperties: { name: 'Muster' } });
    expect(snapshot?.written).toMatchObject({ bant_qualification: 'sql', lifecyclestage: 'salesqualifiedlead' });
    expect(snapshot?.activities).toHaveLength(3);
  });

  it('when HubSpot gives the time of each write, then the snapshot keeps it until the next write, also through rescores that write nothing', async () => {
    const { crm, harness, ids } = await setup(2);
    const [first, second] = ids as [string, string];
    const write = crm.client.writeContacts;
    let stamp: string | undefined = '2026-03-02T09:00:00.250Z';
    crm.client.writeContacts = async (writes) => ({ ...(await write(writes)), ...(stamp ? { updatedAt: new Map(writes.map((w) => [w.contactId, stamp as string])) } : {}) });
    const writtenAt = async () => [...(await harness.store.getSnapshots(PORTAL, ids)).values()].map((s) => [s.contactId, s.writtenAt]);

    await rescoreContacts(harness.ctx, PORTAL, ids);
    expect(await writtenAt()).toEqual([
      [first, '2026-03-02T09:00:00.250Z'],
      [second, '2026-03-02T09:00:00.250Z'],
    ]);

    harness.clock.now += 60_000;
    expect(await rescoreContacts(harness.ctx, PORTAL, ids)).toMatchObject({ written: 0, unchanged: 2 });
    expect(await writtenAt()).toEqual([
      [first, '2026-03-02T09:00:00.250Z'],
      [second, '2026-03-02T09:00:00.250Z'],
    ]);

    // A write HubSpot gives no time for leaves the older time: the contact's lastmodifieddate is then later, so it is read.
    for (const id of ids) (crm.contacts.get(id) as FakeContact).profile.properties.bant_budget_answer = 'none';
    const mark = crm.writes.length;
    stamp = undefined;
    await rescoreContacts(harness.ctx, PORTAL, [first]);
    stamp = '2026-03-02T09:01:00.500Z';
    await rescoreContacts(harness.ctx, PORTAL, [second]);
    expect(crm.writes.slice(mark).map((w) => w.contactId)).toEqual([first, second]);
    expect(await writtenAt()).toEqual([
      [first, '2026-03-02T09:00:00.250Z'],
      [second, '2026-03-02T09:01:00.500Z'],
    ]);
  });

  it('when HubSpot refuses a write, then that contact gets no task and no snapshot and is reported with the reason', async () => {
    const { crm, harness, ids } = await setup(2);
    crm.client.writeContacts = async (writes) => ({ written: writes.slice(1).map((w) => w.contactId), failed: [{ contactId: writes[0]?.contactId as string, error: 'INVALID_OPTION' }] });
    const summary = await rescoreContacts(harness.ctx, PORTAL, ids);
    expect(summary.failed).toEqual([{ contactId: ids[0], error: 'INVALID_OPTION' }]);
    expect(crm.client.createdTasks.map((t) => t.contactId)).toEqual([ids[1]]);
    expect([...(await harness.store.getSnapshots(PORTAL, ids)).keys()]).toEqual([ids[1]]);
  });

  it('when the installation switched call_sql tasks off, then none is created', async () => {
    const { crm, harness, ids } = await setup(1);
    const installation = await harness.store.getInstallation(PORTAL);
    if (installation) await harness.store.putInstallation({ ...installation, settings: { ...installation.settings, taskKinds: { ...installation.settings.taskKinds, call_sql: false } } });
    await rescoreContacts(harness.ctx, PORTAL, ids);
    expect(crm.client.createdTasks).toEqual([]);
  });
});

describe('applyResults (decay reuses it)', () => {
  it('when results come from snapshots without a profile, then the snapshot keeps its profile and records the new values', async () => {
    const { crm, harness } = await setup(0);
    const previous = snapshotOf('42', { properties: { jobtitle: 'Student', email: 's@gmail.com' }, written: { bant_qualification: 'nurture', lifecyclestage: 'lead' } });
    await harness.store.putSnapshots([previous]);
    const result = score(coldProfile(), model, new Date(harness.clock.now));
    const summary = await applyResults(harness.ctx, PORTAL, [{ contactId: '42', result, current: previous.written, ownerId: '501' }]);
    expect(summary.written).toBe(1);
    expect(crm.writes[0]?.properties).toMatchObject({ bant_qualification: 'disqualified', hs_lead_status: 'UNQUALIFIED' });
    const snapshot = (await harness.store.getSnapshots(PORTAL, ['42'])).get('42');
    expect(snapshot?.properties).toEqual(previous.properties);
    expect(snapshot?.written).toMatchObject({ bant_qualification: 'disqualified', hs_lead_status: 'UNQUALIFIED', lifecyclestage: 'lead' });
  });

  it('when decay hands over the snapshots it holds, then they are not read again and only their results are stored', async () => {
    const { crm, harness } = await setup(0);
    const previous = snapshotOf('42', { properties: { jobtitle: 'Student', email: 's@gmail.com' }, written: { bant_qualification: 'nurture', lifecyclestage: 'lead' } });
    await harness.store.putSnapshots([previous]);
    const getSnapshots = vi.spyOn(harness.store, 'getSnapshots');
    const putSnapshots = vi.spyOn(harness.store, 'putSnapshots');
    const putSnapshotResults = vi.spyOn(harness.store, 'putSnapshotResults');
    const result = score(coldProfile(), model, new Date(harness.clock.now));

    await applyResults(harness.ctx, PORTAL, [{ contactId: '42', result, current: previous.written, ownerId: '501', snapshot: previous }]);

    expect(putSnapshotResults).toHaveBeenCalledTimes(1);
    // The in-memory store's putSnapshotResults reads and puts what it merges into; the pipeline itself does neither.
    const resultsPutAt = putSnapshotResults.mock.invocationCallOrder[0] ?? 0;
    expect(getSnapshots.mock.invocationCallOrder.filter((order) => order < resultsPutAt)).toEqual([]);
    expect(putSnapshots.mock.invocationCallOrder.filter((order) => order < resultsPutAt)).toEqual([]);
    expect(crm.writes[0]?.properties).toMatchObject({ bant_qualification: 'disqualified' });
    const snapshot = (await harness.store.getSnapshots(PORTAL, ['42'])).get('42');
    expect(snapshot?.properties).toEqual(previous.properties);
    expect(snapshot?.activities).toEqual(previous.activities);
    expect(snapshot?.written).toMatchObject({ bant_qualification: 'disqualified', hs_lead_status: 'UNQUALIFIED', lifecyclestage: 'lead' });
    expect(snapshot?.scoredAt).toBe(result.scoredAt);
  });
});
