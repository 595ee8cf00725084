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
    expect(body.installation.missingOptionalScopes).toContain('crm.objects.marketing_events.read');
    expect(body.contacts).toBe(100);
    expect(body.jobs.find((j) => j.job === 'backfill')?.state?.progress).toMatchObject({ done: 50, total: 100 });
    expect(body.queue.depth).toBe(1);
    expect(body.queue.deadLetters).toEqual([expect.objectContaining({ kind: 'rescore', reason: expect.stringContaining('VALIDATION_ERROR') })]);
    expect(body.api).toMatchObject({ calls: 100, rateLimited: 10, errors: 10, errorShare: 0.1, limitPer10s: 110 });
  });
});

describe('embedded store size', () => {
  it('when the embedded store holds more contacts than its measured limit, then the overview warns with the switch to PostgreSQL', async () => {
    const get = async () => ((await (await client.get('/admin/api/overview')).json()) as { store: { kind: string; sizeWarning: { contacts: number; message: string } | null } }).store;
    expect(await get()).toEqual({ kind: 'lowdb', sizeWarning: null });
    app.test.ctx.config.LOWDB_CONTACT_LIMIT = 99;
    const store = await get();
    expect(store.sizeWarning?.contacts).toBe(100);
    expect(store.sizeWarning?.message).toContain('DATABASE_URL=postgres://');
  });
});

describe('funnel', () => {
  const DAY = 24 * 60 * 60 * 1000;
  /** When each contact first became MQL (or SQL), as the app wrote it (bant_became_mql_at / bant_became_sql_at). */
  const milestoneAt = (property: 'bant_became_mql_at' | 'bant_became_sql_at') => {
    const at = new Map<string, number>();
    for (const s of seeded.snapshots) if (s.written[property]) at.set(s.contactId, Date.parse(s.written[property] ?? ''));
    return at;
  };

  it('when contacts are scored, then the funnel counts outcomes, stages by label, score distribution and tasks', async () => {
    const f = (await (await client.get('/admin/api/funnel')).json()) as FunnelView;
    const count = (q: string) => seeded.snapshots.filter((s) => s.written.bant_qualification === q).length;
    expect(f.contacts).toBe(100);
    for (const q of ['sql', 'mql', 'nurture', 'disqualified']) expect(f.outcomes[q]).toBe(count(q));
    expect(f.lifecycleStages.reduce((sum, s) => sum + s.count, 0)).toBe(100);
    expect(f.lifecycleStages.find((s) => s.stage === 'salesqualifiedlead')?.label).toBe('Sales Qualified Lead');
    expect(f.scoreDistribution.fitBuckets).toHaveLength(10);
    expect(f.scoreDistribution.fitBuckets.reduce((sum, b) => sum + b.count, 0)).toBe(100);
    expect(f.tasks.created).toBe(seeded.tasks.length);
    expect(f.tasks.completed).toBe(seeded.tasks.filter((t) => t.status === 'completed').length);
    expect(f.tasks.escalated).toBe(seeded.tasks.filter((t) => t.kind === 'escalate').length);
    expect(app.test.hubspotCalls).toEqual([]);
  });

  it('when a range is chosen, then the cohort is the contacts that reached MQL in it, without the install backfill, and its rate is of that cohort', async () => {
    // Installed 40 days before NOW, no record of the backfill run: its first day counts as backfill.
    const backfillUntil = NOW - 39 * DAY;
    const fromMs = Date.parse('2026-10-21T00:00:00Z');
    const toMs = Date.parse('2026-11-20T00:00:00Z') + DAY;
    const reached = milestoneAt('bant_became_mql_at');
    const sql = milestoneAt('bant_became_sql_at');
    const cohort = [...reached].filter(([, at]) => at > backfillUntil && at >= fromMs && at < toMs).map(([id]) => id);
    const converted = cohort.filter((id) => sql.has(id));
    expect(cohort.length).toBeGreaterThan(5);

    const f = (await (await client.get('/admin/api/funnel?from=2026-10-21&to=2026-11-20')).json()) as FunnelView;
    expect(f.cohort).toMatchObject({ entered: cohort.length, converted: converted.length, won: null, wonRate: null });
    expect(f.cohort.rate).toBeCloseTo(converted.length / cohort.length);
    const backfillContacts = new Set([...reached].filter(([, at]) => at <= backfillUntil).map(([id]) => id));
    expect(f.leadVelocity.excludedAsBackfill).toBe(backfillContacts.size);
    expect(f.leadVelocity.backfillUntil).toBe(new Date(backfillUntil).toISOString());
    const inRange = [...sql].filter(([, at]) => at > backfillUntil && at >= fromMs && at < toMs);
    expect(f.leadVelocity.sqlInRange).toBe(inRange.length);
    expect(f.leadVelocity.daysToSqlFrom).toBe('first recorded activity');
  });

  it('when the install backfill ran, then the SQLs it found do not count as lead velocity', async () => {
    const finished = NOW - 20 * DAY;
    await app.test.store.putJobState({ portalId: PORTAL_ID, job: 'backfill', lastRun: { startedAt: new Date(NOW - 40 * DAY).toISOString(), finishedAt: new Date(finished).toISOString(), ok: true } });
    const f = (await (await client.get('/admin/api/funnel')).json()) as FunnelView;
    const sql = milestoneAt('bant_became_sql_at');
    expect(f.leadVelocity.backfillUntil).toBe(new Date(finished).toISOString());
    expect(f.leadVelocity.sqlInRange).toBe([...sql.values()].filter((at) => at > finished && at >= NOW - 30 * DAY).length);
  });

  it('when a number is drilled into, then its contacts come back, and the CSV export has them too', async () => {
    const mqls = seeded.snapshots.filter((s) => s.written.bant_qualification === 'mql');
    const body = (await (await client.get('/admin/api/funnel/contacts?metric=outcome:mql')).json()) as { total: number; contacts: Array<{ contactId: string; name: string; hubspotUrl: string }> };
    expect(body.total).toBe(mqls.length);
    expect(body.contacts.map((c) => c.contactId).sort()).toEqual(mqls.map((s) => s.contactId).sort());
    expect(body.contacts[0]?.name).toMatch(/^Vorname\d+ Nachname\d+$/);
    expect(body.contacts[0]?.hubspotUrl).toContain(`/contacts/${PORTAL_ID}/record/0-1/`);

    const csv = await client.get('/admin/api/funnel/contacts.csv?metric=outcome:mql');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('contact id,name,email,company,outcome,priority,lifecycle stage,hubspot record');
    expect(lines).toHaveLength(mqls.length + 1);

    const funnelCsv = await (await client.get('/admin/api/funnel.csv?from=2026-10-21&to=2026-11-20')).text();
    expect(funnelCsv).toContain(`outcome now,mql,${mqls.length}`);
    expect(funnelCsv).toContain('range,from,2026-10-21T00:00:00.000Z');
  });

  it('when the range or the metric is malformed, then the answer is a 400 that says what is expected', async () => {
    for (const path of ['/admin/api/funnel?from=yesterday', '/admin/api/funnel?from=2026-11-20&to=2026-11-01', '/admin/api/funnel/contacts?metric=__proto__']) {
      const response = await client.get(path);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/date like|before|metric must be/);
    }
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
    // The language is shown with its default (English) when none was chosen.
    expect(body.settings).toEqual({ ...valid, language: 'en' });
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

  it('when lead routing is saved, then it is kept by a save without it, its weights by a console save without them, and a bad team or duplicate weight is refused', async () => {
    const routing = { enabled: true, teamId: '101', dailyCapacity: 4, weights: [{ ownerId: '501', weight: 2 }] };
    expect((await client.send('PUT', '/admin/api/settings', { ...valid, leadRouting: routing })).status).toBe(200);
    expect((await client.send('PUT', '/admin/api/settings', valid)).status).toBe(200);
    expect((await app.test.store.getInstallation(PORTAL_ID))?.settings.leadRouting).toEqual(routing);
    expect((await client.send('PUT', '/admin/api/settings', { ...valid, leadRouting: { enabled: false, teamId: '101' } })).status).toBe(200);
    expect((await app.test.store.getInstallation(PORTAL_ID))?.settings.leadRouting).toEqual({ enabled: false, teamId: '101', weights: routing.weights });
    const bad = await client.send('PUT', '/admin/api/settings', { ...valid, leadRouting: { enabled: true, teamId: 'Inside Sales', weights: [{ ownerId: '1', weight: 1 }, { ownerId: '1', weight: 2 }] } });
    expect(bad.status).toBe(422);
    const paths = ((await bad.json()) as { error: { issues: Array<{ path: string }> } }).error.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['leadRouting.teamId', 'leadRouting.weights']));
  });

  it('when the language is not one the app speaks, then nothing is saved and the problem names the field', async () => {
    const response = await client.send('PUT', '/admin/api/settings', { ...valid, language: 'fr' });
    expect(response.status).toBe(422);
    const paths = ((await response.json()) as { error: { issues: Array<{ path: string }> } }).error.issues.map((i) => i.path);
    expect(paths).toEqual(['language']);
    expect((await app.test.store.getInstallation(PORTAL_ID))?.settings.language).toBeUndefined();
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

  it('when the admin disconnects with the portal id, then the app uninstalls itself, deletes the portal data but its settings and models, and ends the session', async () => {
    expect((await client.send('POST', '/admin/api/disconnect', { confirmPortalId: 1 })).status).toBe(400);
    expect(app.uninstalled).toEqual([]);
    const response = await client.send('POST', '/admin/api/disconnect', { confirmPortalId: PORTAL_ID });
    expect(response.status).toBe(200);
    expect(app.uninstalled).toEqual([PORTAL_ID]);
    const kept = await app.test.store.getInstallation(PORTAL_ID);
    expect(kept).toMatchObject({ status: 'inactive', statusReason: 'disconnected from the admin console' });
    expect(kept?.settings).toBeDefined();
    expect(kept?.accessTokenEnc).toBeUndefined();
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
