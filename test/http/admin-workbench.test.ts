// The console's model workbench routes: what-if with named contacts and the activation impact, versions (list, diff,
// restore), contact search, and the details behind the API error count.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WhatIfView } from '../../src/http/admin/what-if.ts';
import type { ScoringModel } from '../../src/scoring/index.ts';
import { type AdminClient, createAdminClient, signIn } from '../ui/admin-client.ts';
import { PORTAL_ID, type RunningConsole, seedPortal, startConsoleApp } from '../ui/console-fixtures.ts';

let app: RunningConsole;
let client: AdminClient;
let seeded: Awaited<ReturnType<typeof seedPortal>>;

beforeEach(async () => {
  app = await startConsoleApp(async (test) => {
    seeded = await seedPortal(test.store, { contacts: 120 });
  });
  client = createAdminClient(app);
  await signIn(client);
});
afterEach(async () => {
  await app.close();
});

const draftOf = (version: string, change: (m: ScoringModel) => void) => {
  const model = structuredClone(app.test.ctx.defaultModel);
  model.version = version;
  change(model);
  return model;
};
const json = async <T>(response: Response) => (await response.json()) as T;

describe('what-if that names contacts', () => {
  it('when the draft weighs the pricing page far more, then the changed contacts are named with before → after and the pricing reasons that differ', async () => {
    const draft = draftOf('wb-1', (m) => {
      const pricing = m.engagement.rules.find((r) => r.id === 'pricing_page');
      if (pricing) Object.assign(pricing, { points: 60, cap: 120 });
    });
    await client.send('PUT', '/admin/api/model/draft', { model: draft });
    const view = await json<WhatIfView>(await client.send('POST', '/admin/api/model/what-if', {}));
    expect(view.changesTotal).toBeGreaterThan(0);
    const first = view.changes[0];
    expect(first?.changed.length).toBeGreaterThan(0);
    expect(first?.name).toMatch(/^Vorname\d+ Nachname\d+$/);
    expect(first?.hubspotUrl).toContain(`/contacts/${PORTAL_ID}/record/0-1/${first?.contactId}`);
    expect(first?.before.priority).not.toBe(first?.after.priority);
    for (const change of view.changes) {
      expect(change.reasons.added.some((r) => /pricing/i.test(r))).toBe(true);
    }
    // Every outcome change in the list is one of the contacts whose HubSpot outcome would change.
    expect(view.impact.outcomesChange).toBeGreaterThanOrEqual(view.changes.filter((c) => c.changed.includes('outcome')).length);
    expect(view.impact.byRep.reduce((sum, r) => sum + r.tasks, 0)).toBe(view.impact.tasksCreatedNow);
    expect(app.test.hubspotCalls).toEqual([]);
  });

  it('when a contact already has its open task, then activating would not create that task again', async () => {
    await client.send('PUT', '/admin/api/model/draft', { model: draftOf('wb-2', () => {}) });
    const view = await json<WhatIfView>(await client.send('POST', '/admin/api/model/what-if', {}));
    // Same model as the one that seeded the tasks: only contacts without their open task get one.
    const open = new Set(seeded.tasks.filter((t) => t.status === 'open').map((t) => `${t.contactId}:${t.kind}`));
    expect(view.changesTotal).toBe(0);
    expect(view.impact.tasksCreatedNow).toBeLessThan(view.draft.tasksNow);
    expect(open.size).toBeGreaterThan(0);
  });
});

describe('versions', () => {
  it('when two versions were activated, then each is listed with who activated it, and the diff names the rule that changed', async () => {
    await client.send('PUT', '/admin/api/model/draft', { model: draftOf('v-1', (m) => (m.fit.gradeThresholds.A = 85)) });
    expect((await client.send('POST', '/admin/api/model/activate', {})).status).toBe(200);
    await client.send('PUT', '/admin/api/model/draft', {
      model: draftOf('v-2', (m) => {
        m.fit.gradeThresholds.A = 85;
        const webinar = m.engagement.rules.find((r) => r.id === 'webinar_registration');
        if (webinar) webinar.points = 30;
      }),
    });
    expect((await client.send('POST', '/admin/api/model/activate', {})).status).toBe(200);

    const list = await json<{ active: string; versions: Array<{ version: string; activatedBy: string | null; active: boolean }> }>(await client.get('/admin/api/model/versions'));
    expect(list.active).toBe('v-2');
    expect(list.versions.map((v) => v.version)).toEqual(['v-2', 'v-1', app.test.ctx.defaultModel.version]);
    expect(list.versions[0]).toMatchObject({ activatedBy: 'admin@muster-anlagenbau.de', active: true });

    const diff = await json<{ changes: Array<{ path: string; before: unknown; after: unknown }> }>(await client.get('/admin/api/model/diff?from=v-1&to=v-2'));
    expect(diff.changes).toEqual([
      { path: 'version', before: 'v-1', after: 'v-2' },
      expect.objectContaining({ path: 'engagement.rules[webinar_registration].points', after: 30 }),
    ]);
    const one = await json<{ model: { version: string } }>(await client.get('/admin/api/model/versions/v-1'));
    expect(one.model.version).toBe('v-1');
  });

  it('when an old version is restored, then a new version with its content becomes active and a rescore is queued', async () => {
    await client.send('PUT', '/admin/api/model/draft', { model: draftOf('v-1', (m) => (m.fit.gradeThresholds.A = 85)) });
    await client.send('POST', '/admin/api/model/activate', {});
    const restored = await json<{ version: string }>(await client.send('POST', `/admin/api/model/versions/${app.test.ctx.defaultModel.version}/restore`, {}));
    expect(restored.version).toBe(`${app.test.ctx.defaultModel.version}-restored`);
    const installation = await app.test.store.getInstallation(PORTAL_ID);
    expect(installation?.modelHistory?.at(-1)).toMatchObject({ version: restored.version, restoredFrom: app.test.ctx.defaultModel.version, activatedBy: 'admin@muster-anlagenbau.de' });
    expect((installation?.activeModel as ScoringModel | undefined)?.fit.gradeThresholds.A).toBe(app.test.ctx.defaultModel.fit.gradeThresholds.A);
    expect(await app.test.store.queueDepth(PORTAL_ID)).toBe(1);
    const again = await json<{ version: string }>(await client.send('POST', `/admin/api/model/versions/${app.test.ctx.defaultModel.version}/restore`, {}));
    expect(again.version).toBe(`${app.test.ctx.defaultModel.version}-restored-2`);
  });

  it('when a version is unknown or restored without the CSRF token, then nothing changes', async () => {
    expect((await client.get('/admin/api/model/versions/nope')).status).toBe(404);
    expect((await client.send('POST', '/admin/api/model/versions/nope/restore', {})).status).toBe(404);
    const forged = await client.send('POST', `/admin/api/model/versions/${app.test.ctx.defaultModel.version}/restore`, {}, { csrf: null });
    expect(forged.status).toBe(403);
    expect((await app.test.store.getInstallation(PORTAL_ID))?.modelHistory ?? []).toEqual([]);
  });
});

describe('contact search', () => {
  type Search = { matches: number; contacts: Array<{ contactId: string; name: string; qualification: string | null }>; message: string | null };

  it('when an admin searches by name, e-mail or id, then the contact is found', async () => {
    const target = seeded.snapshots[41];
    const byName = await json<Search>(await client.get(`/admin/api/contacts/search?q=${encodeURIComponent(`vorname${target?.contactId} NACHNAME${target?.contactId}`)}`));
    expect(byName.contacts[0]).toMatchObject({ contactId: target?.contactId, name: `Vorname${target?.contactId} Nachname${target?.contactId}`, qualification: target?.written.bant_qualification });
    const byEmail = await json<Search>(await client.get(`/admin/api/contacts/search?q=${encodeURIComponent(target?.properties.email ?? '')}`));
    expect(byEmail.contacts[0]?.contactId).toBe(target?.contactId);
    const byId = await json<Search>(await client.get(`/admin/api/contacts/search?q=${target?.contactId}`));
    expect(byId.contacts[0]?.contactId).toBe(target?.contactId);
    const partial = await json<Search>(await client.get('/admin/api/contacts/search?q=Nachname10'));
    expect(partial.matches).toBe(seeded.snapshots.filter((s) => s.properties.lastname?.includes('Nachname10')).length);
  });

  it('when nothing matches, then the answer says the contact is not among the scored ones', async () => {
    const byId = await json<Search>(await client.get('/admin/api/contacts/search?q=999999'));
    expect(byId.contacts).toEqual([]);
    expect(byId.message).toBe('Contact 999999 is not among the 120 scored contacts: it does not exist in HubSpot, or the app has not scored it yet.');
    const byName = await json<Search>(await client.get('/admin/api/contacts/search?q=Erika%20Musterfrau'));
    expect(byName.message).toMatch(/^No scored contact matches "Erika Musterfrau"/);
    expect((await client.get('/admin/api/contacts/search?q=')).status).toBe(400);
    expect((await client.get(`/admin/api/contacts/search?q=${'x'.repeat(300)}`)).status).toBe(400);
  });
});

describe('error details', () => {
  it('when HubSpot calls failed, then the error count opens into counts per status with what they mean', async () => {
    app.test.ctx.metrics.inc('hubspot_api_calls_total', 'calls', { portal: PORTAL_ID, operation: 'contacts.batchUpdate', status: 400 }, 3);
    app.test.ctx.metrics.inc('hubspot_api_calls_total', 'calls', { portal: PORTAL_ID, operation: 'contacts.batchUpdate', status: 200 }, 30);
    const body = await json<{ byStatus: Array<{ status: number; count: number; meaning: string }> }>(await client.get('/admin/api/api-errors'));
    expect(body.byStatus).toEqual([{ status: 400, count: 3, meaning: expect.stringContaining('invalid') }]);
  });
});
