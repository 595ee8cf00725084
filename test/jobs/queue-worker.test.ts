import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startQueueWorker, type WorkHandler } from '../../src/jobs/queue-worker.ts';
import { loadModelFile } from '../../src/load-model.ts';
import type { ScoringModel } from '../../src/scoring/model-schema.ts';
import type { LeasedItem, PortalId, WorkItem } from '../../src/store/store.ts';
import { addContacts, coldProfile, createFakeCrm, type FakeCrm } from '../webhooks/fake-crm.ts';
import { rawEvent, startWebhookServer, WEBHOOK_ENV, type WebhookServer } from '../webhooks/webhook-fixtures.ts';
import { contactIds, createJobHarness, type JobHarness, PORTAL, snapshotOf } from './job-fixtures.ts';

let model: ScoringModel;
let server: WebhookServer | undefined;
beforeAll(async () => {
  model = await loadModelFile('config/scoring-model.json');
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(): Promise<{ crm: FakeCrm; harness: JobHarness; web: WebhookServer }> {
  const crm = createFakeCrm();
  const harness = await createJobHarness({ client: crm.client, model, env: WEBHOOK_ENV });
  server = await startWebhookServer({ harness });
  return { crm, harness, web: server };
}

const item = (portalId: PortalId, key: string, fields: Partial<WorkItem> = {}): WorkItem => ({ portalId, kind: 'rescore', key, notBefore: 0, ...fields });

describe('queue worker', () => {
  it('when 1,000 changes to 100 contacts arrive, then they become at most 100 rescorings in a handful of batched calls', async () => {
    const { crm, harness, web } = await setup();
    const ids = contactIds(100, 100_001);
    addContacts(crm, ids, coldProfile);
    const properties = ['jobtitle', 'industry', 'numemployees', 'hs_buying_role', 'bant_need_answer'];
    for (let d = 0; d < 10; d++) {
      const events = Array.from({ length: 100 }, (_, i) => rawEvent({ objectId: Number(ids[(d * 37 + i) % 100]), propertyName: properties[i % 5], occurredAt: 1_000_000 + d * 1000 + i }));
      expect((await web.postSigned(events)).status).toBe(200);
    }
    expect(await harness.store.queueDepth(PORTAL)).toBe(100);
    const worker = startQueueWorker(harness.ctx, { background: false });
    expect(await worker.runOnce()).toBe(0); // inside the coalescing window
    harness.clock.now += Number(WEBHOOK_ENV.RESCORE_DELAY_MS);
    expect(await worker.runOnce()).toBe(100);
    expect(crm.client.calls.readContacts).toBe(1);
    expect(crm.client.calls.writeContacts).toBe(1);
    expect(crm.client.callCount()).toBeLessThanOrEqual(5);
    expect(await harness.store.queueDepth()).toBe(0);
    await worker.stop();
  });

  it("when the app's own writes echo back as webhooks, then they trigger no further HubSpot calls (no loop)", async () => {
    const { crm, harness, web } = await setup();
    const ids = contactIds(20, 100_001);
    addContacts(crm, ids);
    await web.postSigned(ids.map((id, i) => rawEvent({ objectId: Number(id), subscriptionType: 'contact.creation', propertyName: undefined, occurredAt: 2_000_000 + i })));
    harness.clock.now += 1000;
    const worker = startQueueWorker(harness.ctx, { background: false });
    expect(await worker.runOnce()).toBe(20);
    expect(crm.writes.length).toBe(20);
    const callsAfterScoring = crm.client.callCount();
    // HubSpot echoes every written property back, the app as its source.
    const echoes = crm.writes.flatMap((w, i) =>
      Object.entries(w.properties).map(([propertyName, propertyValue], j) =>
        rawEvent({ objectId: Number(w.contactId), propertyName, propertyValue, changeSource: 'INTEGRATION', sourceId: WEBHOOK_ENV.HUBSPOT_APP_ID, occurredAt: 3_000_000 + i * 100 + j }),
      ),
    );
    for (let start = 0; start < echoes.length; start += 100) expect((await web.postSigned(echoes.slice(start, start + 100))).status).toBe(200);
    expect(await harness.store.queueDepth()).toBe(0);
    harness.clock.now += 60_000;
    expect(await worker.runOnce()).toBe(0);
    expect(crm.client.callCount()).toBe(callsAfterScoring);
  });

  it('when portals compete, then each gets a turn per round, however much one of them has queued', async () => {
    const harness = await createJobHarness();
    const served: Array<[PortalId, number]> = [];
    const record: WorkHandler = async (_ctx, portalId, items) => {
      served.push([portalId, items.length]);
      return {};
    };
    await harness.store.enqueue([...contactIds(250).map((id) => item(1, id)), ...contactIds(5).map((id) => item(2, id)), item(3, 'x')]);
    const worker = startQueueWorker(harness.ctx, { background: false, handlers: { rescore: record }, maxConcurrency: 10 });
    expect(await worker.runOnce()).toBe(106);
    expect(served.sort()).toEqual([
      [1, 100],
      [2, 5],
      [3, 1],
    ]);
  });

  it('when many portals have small batches, then many run at once but never more items than the items budget', async () => {
    const harness = await createJobHarness();
    let inFlightNow = 0;
    let most = 0;
    const handled: string[] = [];
    const record: WorkHandler = async (_ctx, _portalId, items) => {
      inFlightNow += items.length;
      most = Math.max(most, inFlightNow);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlightNow -= items.length;
      handled.push(...items.map((i) => i.key));
      return {};
    };
    await harness.store.enqueue(Array.from({ length: 6 }, (_, p) => contactIds(3).map((id) => item(200 + p, id))).flat());
    const worker = startQueueWorker(harness.ctx, { background: false, handlers: { rescore: record }, maxConcurrency: 10, maxItemsInFlight: 7 });
    let done = 0;
    while (done < 18) done += await worker.runOnce();
    expect(most).toBeGreaterThan(3);
    expect(most).toBeLessThanOrEqual(7);
    expect(handled).toHaveLength(18);
    expect(await harness.store.queueDepth()).toBe(0);
  });

  it('when more portals have work than there are slots, then the next rounds continue after the last portal served and wrap round', async () => {
    const harness = await createJobHarness();
    const order: PortalId[] = [];
    const record: WorkHandler = async (_ctx, portalId) => {
      order.push(portalId);
      return {};
    };
    const portals = Array.from({ length: 40 }, (_, i) => 100 + i);
    await harness.store.enqueue(portals.flatMap((p) => [item(p, 'a'), item(p, 'b', { notBefore: 1 })]));
    const worker = startQueueWorker(harness.ctx, { background: false, handlers: { rescore: record }, maxConcurrency: 3, batchSize: 1 });
    while (order.length < 60) expect(await worker.runOnce()).toBeGreaterThan(0);
    // Every portal gets its first turn before any gets a second one, across more portals than one page of due portals.
    expect(order.slice(0, 40)).toEqual(portals);
    expect(order.slice(40)).toEqual(portals.slice(0, order.length - 40));
    expect(await harness.store.queueDepth()).toBe(80 - order.length);
  });

  it("when backfills run, then they take the backfill lane's slots only and other portals' rescores go on", async () => {
    const harness = await createJobHarness();
    const rescored: PortalId[] = [];
    const backfilling: PortalId[] = [];
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const backfill: WorkHandler = async (_ctx, portalId) => {
      backfilling.push(portalId);
      await released;
      return {};
    };
    const rescore: WorkHandler = async (_ctx, portalId) => {
      rescored.push(portalId);
      return {};
    };
    const backfillItem = (portalId: PortalId): WorkItem => ({ portalId, kind: 'backfill', key: 'all', notBefore: 0 });
    await harness.store.enqueue([backfillItem(1), backfillItem(2), backfillItem(3), item(1, 'x'), item(4, 'y'), item(5, 'z')]);
    const worker = startQueueWorker(harness.ctx, { handlers: { backfill, rescore }, maxConcurrency: 1, maxBackfills: 2, pollMs: 5 });
    while (rescored.length < 2) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 30));
    expect(backfilling.sort()).toEqual([1, 2]); // the third waits for a backfill slot, not for the rescores
    // Portal 1's own rescore waits: its running backfill serves it between pages, within the portal's rate limit.
    expect(rescored.sort()).toEqual([4, 5]);
    release();
    while (backfilling.length < 3) await new Promise((r) => setTimeout(r, 5));
    await worker.stop();
    expect(await harness.store.queueDepth()).toBe(0);
  });

  it('when a handler keeps failing, then the item is retried with backoff and dead-lettered after maxAttempts with its reason', async () => {
    const harness = await createJobHarness();
    const failing: WorkHandler = async () => {
      throw new Error('HubSpot contacts.batchRead failed with 503');
    };
    await harness.store.enqueue([item(PORTAL, '1')]);
    const worker = startQueueWorker(harness.ctx, { background: false, handlers: { rescore: failing }, maxAttempts: 3, backoffMs: (n) => n * 1000 });
    expect(await worker.runOnce()).toBe(1);
    expect(await worker.runOnce()).toBe(0); // waiting for the backoff
    harness.clock.now += 1000;
    expect(await worker.runOnce()).toBe(1);
    harness.clock.now += 2000;
    expect(await worker.runOnce()).toBe(1);
    const dead = await harness.store.listDeadLetters(PORTAL);
    expect(dead).toMatchObject([{ key: '1', attempts: 3, reason: 'HubSpot contacts.batchRead failed with 503' }]);
    expect(await harness.store.queueDepth()).toBe(0);
    expect(await harness.metrics.render()).toMatch(/^bant_dead_letters 1$/m);
    expect(harness.metrics.get('bant_dead_letters_total', { kind: 'rescore' })).toBe(1);
  });

  it('when a contact cannot be scored or written, then its item is dead-lettered at once with the reason and the others complete', async () => {
    const { crm, harness } = await setup();
    const ids = contactIds(3);
    addContacts(crm, ids);
    crm.client.writeContacts = async (writes) => ({ written: writes.slice(1).map((w) => w.contactId), failed: [{ contactId: ids[0] as string, error: 'VALIDATION_ERROR: property rule' }] });
    await harness.store.enqueue(ids.map((id) => item(PORTAL, id)));
    await startQueueWorker(harness.ctx, { background: false }).runOnce();
    expect(await harness.store.listDeadLetters()).toMatchObject([{ key: ids[0], attempts: 1, reason: 'VALIDATION_ERROR: property rule' }]);
    expect(await harness.store.queueDepth()).toBe(0);
  });

  it('when a process died holding a lease, then the work is done after the lease expires (crash recovery)', async () => {
    const { crm, harness } = await setup();
    addContacts(crm, ['1']);
    await harness.store.enqueue([item(PORTAL, '1')]);
    await harness.store.lease({ now: harness.clock.now, limit: 100, leaseMs: 60_000 }); // the dead process
    const worker = startQueueWorker(harness.ctx, { background: false, leaseMs: 60_000 });
    expect(await worker.runOnce()).toBe(0);
    harness.clock.now += 60_000;
    expect(await worker.runOnce()).toBe(1);
    expect(crm.client.createdTasks).toHaveLength(1);
  });

  it('when stop() is called during work, then leased work finishes and nothing new is leased', async () => {
    const harness = await createJobHarness({ realClock: true });
    let release: () => void = () => {};
    const started: LeasedItem[][] = [];
    const slow: WorkHandler = async (_ctx, _portal, items) => {
      started.push(items);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return {};
    };
    const worker = startQueueWorker(harness.ctx, { handlers: { rescore: slow }, pollMs: 5 });
    await harness.store.enqueue([item(PORTAL, '1')]);
    worker.wake();
    while (started.length === 0) await new Promise((r) => setTimeout(r, 5));
    await harness.store.enqueue([item(PORTAL, '2')]);
    let stopped = false;
    const stopping = worker.stop().then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(started).toHaveLength(1);
    expect(await harness.store.queueDepth()).toBe(1); // item 2 waits for the next start
  });

  it('when a privacy deletion arrives, then everything about the contact is purged and the log names no personal data', async () => {
    const { harness, web } = await setup();
    await harness.store.putSnapshots([snapshotOf('55')]);
    await harness.store.putTaskRecords([{ portalId: PORTAL, contactId: '55', kind: 'call_sql', taskId: 't-1', status: 'open', createdAt: '2026-03-01T00:00:00Z', dueAt: '2026-03-01T01:00:00Z' }]);
    await web.postSigned([rawEvent({ objectId: 55, subscriptionType: 'contact.privacyDeletion', propertyName: undefined })]);
    await startQueueWorker(harness.ctx, { background: false }).runOnce();
    expect((await harness.store.getSnapshots(PORTAL, ['55'])).size).toBe(0);
    expect(await harness.store.getTaskRecords(PORTAL, ['55'])).toEqual([]);
    const line = harness.logs.find((l) => String(l.msg).startsWith('privacy deletion'));
    expect(line).toMatchObject({ portalId: PORTAL, contacts: 1 });
    expect(JSON.stringify(harness.logs)).not.toMatch(/Muster-55|e55@example\.com/);
  });

  it('when contacts are merged, then the survivor is rescored and the merged contact forgotten', async () => {
    const { crm, harness, web } = await setup();
    addContacts(crm, ['10']);
    await harness.store.putSnapshots([snapshotOf('11')]);
    await web.postSigned([rawEvent({ objectId: 10, subscriptionType: 'contact.merge', propertyName: undefined, primaryObjectId: 10, mergedObjectIds: [11], newObjectId: 10 })]);
    harness.clock.now += 1000;
    await startQueueWorker(harness.ctx, { background: false }).runOnce();
    expect([...(await harness.store.getSnapshots(PORTAL, ['10', '11'])).keys()]).toEqual(['10']);
  });

  it('when a call is logged, then the contacts associated with it are found and rescored', async () => {
    const { crm, harness, web } = await setup();
    addContacts(crm, ['21', '22']);
    crm.engagements.set('900', ['21', '22']);
    await web.postSigned([rawEvent({ objectId: 900, subscriptionType: 'object.creation', objectTypeId: '0-48', propertyName: undefined })]);
    harness.clock.now += 1000;
    const worker = startQueueWorker(harness.ctx, { background: false });
    expect(await worker.runOnce()).toBe(1);
    expect(await worker.runOnce()).toBe(2);
    expect(crm.client.calls.associatedContactIds).toBe(1);
    expect(crm.writes.map((w) => w.contactId).sort()).toEqual(['21', '22']);
  });

  it("when a company's industry changes, then its contacts are rescored in batches of 100, merged with a rescore already pending", async () => {
    const { crm, harness, web } = await setup();
    const ids = contactIds(250, 200_001);
    addContacts(crm, ids);
    crm.companies.set('900', ids);
    await web.postSigned([rawEvent({ objectId: 900, subscriptionType: 'company.propertyChange', propertyName: 'industry', propertyValue: 'MACHINERY' })]);
    expect(await harness.store.queueDepth(PORTAL)).toBe(1);
    harness.clock.now += 1000;
    // A change to one of its contacts arrives meanwhile: its rescore waits for its own coalescing window.
    await web.postSigned([rawEvent({ objectId: Number(ids[0]), propertyName: 'jobtitle', occurredAt: 1_772_441_000_500 })]);
    const worker = startQueueWorker(harness.ctx, { background: false });
    expect(await worker.runOnce()).toBe(1);
    expect(crm.companyReads).toEqual([['900']]);
    expect(crm.client.calls.readContacts).toBeUndefined();
    // 250 rescores, the pending one merged in: no duplicate, and it still waits for its window.
    expect(await harness.store.queueDepth(PORTAL)).toBe(250);
    while ((await worker.runOnce()) > 0);
    expect(crm.readBatches).toEqual([100, 100, 49]);
    harness.clock.now += 1000;
    expect(await worker.runOnce()).toBe(1);
    expect(crm.readBatches.at(-1)).toBe(1);
    expect(crm.writes.map((w) => w.contactId).sort()).toEqual(ids);
    expect(await harness.store.queueDepth()).toBe(0);
    await worker.stop();
  });

  it('when two companies sharing a contact change, then one associations read finds their contacts and the shared one is rescored once', async () => {
    const { crm, harness, web } = await setup();
    addContacts(crm, ['31', '32', '33']);
    crm.companies.set('900', ['31', '32']);
    crm.companies.set('901', ['32', '33']);
    await web.postSigned([
      rawEvent({ objectId: 900, subscriptionType: 'company.propertyChange', propertyName: 'numberofemployees', propertyValue: '12000' }),
      rawEvent({ objectId: 901, subscriptionType: 'object.propertyChange', objectTypeId: '0-2', propertyName: 'industry', propertyValue: 'RETAIL' }),
      // Not read by the model: no work.
      rawEvent({ objectId: 902, subscriptionType: 'company.propertyChange', propertyName: 'phone', propertyValue: '+49 30 1234' }),
    ]);
    harness.clock.now += 1000;
    const worker = startQueueWorker(harness.ctx, { background: false });
    expect(await worker.runOnce()).toBe(2);
    expect(crm.companyReads).toEqual([['900', '901']]);
    expect(await worker.runOnce()).toBe(3);
    expect(crm.client.calls.readContacts).toBe(1);
    expect(crm.writes.map((w) => w.contactId).sort()).toEqual(['31', '32', '33']);
    await worker.stop();
  });

  it('when a contact was deleted in HubSpot, then the deletion event purges its local state', async () => {
    const { harness, web } = await setup();
    await harness.store.putSnapshots([snapshotOf('66')]);
    await web.postSigned([rawEvent({ objectId: 66, subscriptionType: 'contact.deletion', propertyName: undefined })]);
    harness.clock.now += 1000;
    await startQueueWorker(harness.ctx, { background: false }).runOnce();
    expect((await harness.store.getSnapshots(PORTAL, ['66'])).size).toBe(0);
  });

  it('when the portal was uninstalled after its events were queued, then its work is dropped without HubSpot calls or dead letters', async () => {
    const { crm, harness } = await setup();
    await harness.store.enqueue([item(PORTAL, '1')]);
    await harness.store.deleteInstallation(PORTAL);
    await harness.store.enqueue([item(PORTAL, '1')]);
    await startQueueWorker(harness.ctx, { background: false }).runOnce();
    expect(crm.client.callCount()).toBe(0);
    expect(await harness.store.queueDepth()).toBe(0);
    expect(await harness.store.listDeadLetters()).toEqual([]);
  });
  it('when work is announced with the time it becomes due, then the worker looks then, not at its next poll', async () => {
    const harness = await createJobHarness({ realClock: true });
    const handled: number[] = [];
    const rescore: WorkHandler = async () => {
      handled.push(Date.now());
      return {};
    };
    // A poll a minute apart: only the announced time can start the item within the test.
    const worker = startQueueWorker(harness.ctx, { handlers: { rescore }, pollMs: 60_000 });
    try {
      await new Promise((r) => setTimeout(r, 50)); // the loop's first look (nothing due) is over; it now sleeps
      const dueAt = Date.now() + 300;
      await harness.store.enqueue([item(PORTAL, '1', { notBefore: dueAt })]);
      worker.wake(dueAt);
      await new Promise((r) => setTimeout(r, 150));
      expect(handled).toEqual([]); // not due yet: not leased early
      const deadline = Date.now() + 5_000;
      while (handled.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(handled).toHaveLength(1);
      expect(handled[0]).toBeGreaterThanOrEqual(dueAt);
      expect(handled[0]! - dueAt).toBeLessThan(2_000);
    } finally {
      await worker.stop();
    }
  });

  it('when a later due time is announced after an earlier one, then the earlier still wakes the worker', async () => {
    const harness = await createJobHarness({ realClock: true });
    const handled: string[] = [];
    const rescore: WorkHandler = async (_ctx, _portal, items) => {
      handled.push(...items.map((i) => i.key));
      return {};
    };
    const worker = startQueueWorker(harness.ctx, { handlers: { rescore }, pollMs: 60_000 });
    try {
      await new Promise((r) => setTimeout(r, 50));
      const soon = Date.now() + 200;
      await harness.store.enqueue([item(PORTAL, 'soon', { notBefore: soon }), item(PORTAL + 1, 'late', { notBefore: soon + 30_000 })]);
      worker.wake(soon);
      worker.wake(soon + 30_000);
      const deadline = Date.now() + 5_000;
      while (handled.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(handled).toEqual(['soon']);
    } finally {
      await worker.stop();
    }
  });

  it('when a webhook rescore runs, then the installation is read once and its reading serves the whole rescore', async () => {
    const { crm, harness, web } = await setup();
    addContacts(crm, ['301'], coldProfile);
    expect((await web.postSigned([rawEvent({ objectId: 301, propertyName: 'jobtitle' })])).status).toBe(200);
    harness.clock.now += 60_000;
    let reads = 0;
    const read = harness.store.getInstallation.bind(harness.store);
    harness.store.getInstallation = async (portalId) => {
      reads += 1;
      return read(portalId);
    };
    const installations: unknown[] = [];
    const forPortal = harness.ctx.hubspot.forPortal.bind(harness.ctx.hubspot);
    harness.ctx.hubspot.forPortal = async (portalId, installation) => {
      installations.push(installation);
      return forPortal(portalId, installation);
    };
    await startQueueWorker(harness.ctx, { background: false }).runOnce();
    expect((await harness.store.getSnapshots(PORTAL, ['301'])).has('301')).toBe(true);
    expect(reads).toBe(1);
    expect(installations.length).toBeGreaterThan(0);
    for (const installation of installations) expect(installation).toMatchObject({ portalId: PORTAL, status: 'active' });
  });
  it('when live batches keep ending, then backfills are looked for once per poll, and an announced backfill starts at once', async () => {
    const harness = await createJobHarness({ realClock: true });
    let backfillLooks = 0;
    const lease = harness.store.lease.bind(harness.store);
    harness.store.lease = async (options) => {
      if (options.kinds?.includes('backfill')) backfillLooks += 1;
      return lease(options);
    };
    const rescored: string[] = [];
    const backfilled: PortalId[] = [];
    const rescore: WorkHandler = async (_ctx, _portal, items) => {
      rescored.push(...items.map((i) => i.key));
      return {};
    };
    const backfill: WorkHandler = async (_ctx, portalId) => {
      backfilled.push(portalId);
      return {};
    };
    const worker = startQueueWorker(harness.ctx, { handlers: { rescore, backfill }, pollMs: 60_000, batchSize: 1, maxConcurrency: 2 });
    try {
      await new Promise((r) => setTimeout(r, 50));
      const looksBefore = backfillLooks;
      await harness.store.enqueue(Array.from({ length: 40 }, (_, i) => item(PORTAL + i, `c${i}`)));
      worker.wake();
      const deadline = Date.now() + 5_000;
      while (rescored.length < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(rescored).toHaveLength(40);
      // 40 batches ended, each waking the loop; the announcement asked for one look.
      expect(backfillLooks - looksBefore).toBeLessThanOrEqual(2);
      await harness.store.enqueue([{ portalId: PORTAL, kind: 'backfill', key: 'all', notBefore: 0 }]);
      worker.wake();
      while (backfilled.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(backfilled).toEqual([PORTAL]);
    } finally {
      await worker.stop();
    }
  });
});
