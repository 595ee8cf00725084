import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FunnelView } from '../../src/http/admin/funnel.ts';
import { type AdminClient, createAdminClient, signIn } from '../ui/admin-client.ts';
import { NOW, PORTAL_ID, type RunningConsole, seedPortal, startConsoleApp } from '../ui/console-fixtures.ts';

let app: RunningConsole;
let client: AdminClient;
let seeded: Awaited<ReturnType<typeof seedPortal>>;

beforeEach(async () => {
  app = await startConsoleApp(async (test) => {
    seeded = await seedPortal(test.store, { contacts: 100 });
  });
  client = createAdminClient(app);
  await signIn(client);
});
afterEach(async () => {
  await app.close();
});

interface Overview {
  installation: Record<string, unknown>;
  contacts: number;
  jobs: Array<{ job: string; state: { progress?: { done: number; total?: number } } | null }>;
  queue: { depth: number; deadLetters: Array<{ kind: string; reason: string }> };
  api: Record<string, number>;
}

describe('overview', () => {
  it('when jobs run, work waits and items failed, then the overview shows progress, queue depth and dead letters with reasons', async () => {
    const { store, ctx } = app.test;
    await store.putJobState({ portalId: PORTAL_ID, job: 'backfill', cursor: '1050', progress: { done: 50, total: 100, startedAt: new Date(NOW - 60_000).toISOString(), updatedAt: new Date(NOW).toISOString() } });
    await store.enqueue([
      { portalId: PORTAL_ID, kind: 'rescore', key: '1001', notBefore: NOW },
      { portalId: PORTAL_ID, kind: 'rescore', key: '1002', notBefore: NOW },
    ]);
    const [leased] = await store.lease({ now: NOW, limit: 1, leaseMs: 1000 });
    await store.fail(leased?.id ?? '', 'HubSpot 400 VALIDATION_ERROR: Property values were not valid', NOW, 1);
    ctx.metrics.inc('hubspot_api_calls_total', 'calls', { portal: PORTAL_ID, operation: 'contacts.batchRead', status: 200 }, 90);
    ctx.metrics.inc('hubspot_api_calls_total', 'calls', { portal: PORTAL_ID, operation: 'contacts.batchUpdate', status: 429 }, 10);

    const body = (await (await client.get('/admin/api/overview')).json()) as Overview;
    expect(body.installation).toMatchObject({ status: 'active', mode: 'oauth', missingScopes: [] });
    expect(body.contacts).toBe(100);
    expect(body.jobs.find((j) => j.job === 'backfill')?.state?.progress).toMatchObject({ done: 50, total: 100 });
    expect(body.queue.depth).toBe(1);
    expect(body.queue.deadLetters).toEqual([expect.objectContaining({ kind: 'rescore', reason: expect.stringContaining('VALIDATION_ERROR') })]);
    expect(body.api).toMatchObject({ calls: 100, rateLimited: 10, errors: 10, errorShare: 0.1, limitPer10s: 110 });
  });
});

describe('funnel', () => {
  it('when contacts are scored, then the funnel counts outcomes, stages, MQL→SQL, velocity, score distribution and tasks', async () => {
    const f = (await (await client.get('/admin/api/funnel')).json()) as FunnelView;
    const count = (q: string) => seeded.snapshots.filter((s) => s.written.bant_qualification === q).length;
    expect(f.contacts).toBe(100);
    for (const q of ['sql', 'mql', 'nurture', 'disqualified']) expect(f.outcomes[q]).toBe(count(q));
    expect(f.mqlToSqlRate).toBeCloseTo(count('sql') / (count('sql') + count('mql')));
    expect(f.lifecycleStages.reduce((sum, s) => sum + s.count, 0)).toBe(100);
    expect(f.scoreDistribution.fitBuckets).toHaveLength(10);
    expect(f.scoreDistribution.fitBuckets.reduce((sum, b) => sum + b.count, 0)).toBe(100);
    const calls = seeded.tasks.filter((t) => t.kind === 'call_sql');
    expect(f.leadVelocity.sqlThisWindow + f.leadVelocity.sqlPreviousWindow).toBe(calls.length);
    expect(f.tasks.created).toBe(seeded.tasks.length);
    expect(f.tasks.completed).toBe(seeded.tasks.filter((t) => t.status === 'completed').length);
    expect(f.tasks.escalated).toBe(seeded.tasks.filter((t) => t.kind === 'escalate').length);
    expect(app.test.hubspotCalls).toEqual([]);
  });
});

describe('settings', () => {
  const valid = {
    syncLifecycleStage: false,
    syncLeadStatus: true,
    taskKinds: { call_sql: true, qualify: false, follow_up: true, escalate: true },
    callSlaHours: 2,
    dailyTaskBudget: 30,
    escalationOwnerId: '999',
  };

  it('when valid settings are saved, then the installation keeps them', async () => {
    expect((await client.send('PUT', '/admin/api/settings', valid)).status).toBe(200);
    expect((await app.test.store.getInstallation(PORTAL_ID))?.settings).toEqual(valid);
    const body = (await (await client.get('/admin/api/settings')).json()) as { settings: unknown; modelDefaults: { callSlaHours: number } };
    expect(body.settings).toEqual(valid);
    expect(body.modelDefaults.callSlaHours).toBe(app.test.ctx.defaultModel.tasks.callSlaHours);
  });

  it('when a setting is out of range, then nothing is saved and the problem names the field', async () => {
    const response = await client.send('PUT', '/admin/api/settings', { ...valid, callSlaHours: -1, escalationOwnerId: 'bob' });
    expect(response.status).toBe(422);
    const paths = ((await response.json()) as { error: { issues: Array<{ path: string }> } }).error.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['callSlaHours', 'escalationOwnerId']));
    expect((await app.test.store.getInstallation(PORTAL_ID))?.settings.syncLifecycleStage).toBe(true);
  });

  it('when working hours are saved, then they are kept, a later save without them keeps them, and an inverted day is refused', async () => {
    const hours = { days: [1, 2, 3, 4, 5, 6], start: '07:30', end: '17:00' };
    expect((await client.send('PUT', '/admin/api/settings', { ...valid, businessHours: hours })).status).toBe(200);
    expect((await client.send('PUT', '/admin/api/settings', valid)).status).toBe(200);
    expect((await app.test.store.getInstallation(PORTAL_ID))?.settings.businessHours).toEqual(hours);
    const inverted = await client.send('PUT', '/admin/api/settings', { ...valid, businessHours: { days: [1], start: '18:00', end: '08:00' } });
    expect(inverted.status).toBe(422);
    const body = (await (await client.get('/admin/api/settings')).json()) as { modelDefaults: { businessHours: unknown } };
    expect(body.modelDefaults.businessHours).toEqual({ days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' });
  });

  it('when HubSpot cannot list owners, then the console still answers, without owners', async () => {
    expect(await (await client.get('/admin/api/owners')).json()).toEqual({ owners: [], unavailable: true });
  });
});

describe('card preview and disconnect', () => {
  it('when an admin previews a contact, then the console shows what the rep card shows', async () => {
    const { contacts } = (await (await client.get('/admin/api/contacts?limit=3')).json()) as { contacts: Array<{ contactId: string }> };
    expect(contacts).toHaveLength(3);
    const card = (await (await client.get(`/admin/api/card-preview?contactId=${contacts[0]?.contactId}`)).json()) as { scored: boolean; bant: unknown[] };
    expect(card.scored).toBe(true);
    expect(card.bant).toHaveLength(4);
  });

  it('when the admin disconnects with the portal id, then the app uninstalls itself, deletes the portal and ends the session', async () => {
    expect((await client.send('POST', '/admin/api/disconnect', { confirmPortalId: 1 })).status).toBe(400);
    expect(app.uninstalled).toEqual([]);
    const response = await client.send('POST', '/admin/api/disconnect', { confirmPortalId: PORTAL_ID });
    expect(response.status).toBe(200);
    expect(app.uninstalled).toEqual([PORTAL_ID]);
    expect(await app.test.store.getInstallation(PORTAL_ID)).toBeUndefined();
    expect(await app.test.store.countSnapshots(PORTAL_ID)).toBe(0);
    expect(client.cookies.has('bant_admin')).toBe(false);
  });

  it('when the console page is served, then it forbids other scripts and framing', async () => {
    const response = await client.get('/admin');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await response.text()).toContain('<script type="module" src="/admin/admin.js">');
  });
});
