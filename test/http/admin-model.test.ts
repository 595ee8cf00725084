import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WhatIfView } from '../../src/http/admin/what-if.ts';
import type { ScoringModel } from '../../src/scoring/index.ts';
import { createAdminClient, signIn, type AdminClient } from '../ui/admin-client.ts';
import { PORTAL_ID, type RunningConsole, seedPortal, startConsoleApp } from '../ui/console-fixtures.ts';

let app: RunningConsole;
let client: AdminClient;

beforeEach(async () => {
  app = await startConsoleApp(async (test) => {
    await seedPortal(test.store, { contacts: 80 });
  });
  client = createAdminClient(app);
  await signIn(client);
});
afterEach(async () => {
  await app.close();
});

const draftOf = (changes: (model: ScoringModel) => void) => {
  const model = structuredClone(app.test.ctx.defaultModel);
  changes(model);
  return model;
};

type Issues = { issues: Array<{ path: string; message: string }> };

describe('the scoring model in the admin console', () => {
  it('when nothing was activated, then the active model is the default and the history is empty', async () => {
    const body = (await (await client.get('/admin/api/model')).json()) as { active: { version: string; isDefault: boolean }; draft: unknown; history: unknown[] };
    expect(body.active).toMatchObject({ version: app.test.ctx.defaultModel.version, isDefault: true });
    expect(body.draft).toBeNull();
    expect(body.history).toEqual([]);
  });

  it('when a draft breaks the schema, then it is kept and every problem comes back with its path', async () => {
    const draft = draftOf((m) => {
      m.version = 'draft-1';
      (m.fit.gradeThresholds as Record<string, unknown>).A = 'high';
      (m.engagement.rules[0] as { points: number }).points = 0;
    });
    const response = await client.send('PUT', '/admin/api/model/draft', { model: draft });
    const body = (await response.json()) as Issues & { valid: boolean };
    expect(body.valid).toBe(false);
    expect(body.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['fit.gradeThresholds.A', 'engagement.rules[pricing_page].points']));
    const stored = (await (await client.get('/admin/api/model')).json()) as { draft: { model: unknown } & Issues };
    expect(stored.draft.model).toEqual(draft);
    expect(stored.draft.issues.length).toBeGreaterThan(0);
  });

  it('when a draft reuses the active version, then it is flagged at "version"', async () => {
    const body = (await (await client.send('PUT', '/admin/api/model/draft', { model: draftOf(() => {}) })).json()) as Issues;
    expect(body.issues).toEqual([expect.objectContaining({ path: 'version' })]);
  });

  it('when the draft is invalid, then what-if and activate answer 422 with the issues', async () => {
    await client.send('PUT', '/admin/api/model/draft', { model: draftOf((m) => {
      (m as { mqlCells: unknown }).mqlCells = ['Z9'];
    }) });
    for (const path of ['/admin/api/model/what-if', '/admin/api/model/activate']) {
      const response = await client.send('POST', path, {});
      expect(response.status).toBe(422);
      expect(((await response.json()) as { error: Issues }).error.issues[0]?.path).toMatch(/^mqlCells/);
    }
  });

  it('when an admin asks what if, then the draft and the active model are scored over the stored contacts without HubSpot', async () => {
    // A stricter MQL rule: only A1 is MQL.
    await client.send('PUT', '/admin/api/model/draft', { model: draftOf((m) => {
        m.version = 'strict-1';
        m.mqlCells = ['A1'];
      }) });
    const response = await client.send('POST', '/admin/api/model/what-if', {});
    expect(response.status).toBe(200);
    const w = (await response.json()) as WhatIfView;
    expect(w.evaluated).toBe(80);
    expect(w.sampled).toBe(false);
    expect(w.basis).toBe('all 80 contacts');
    const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
    expect(sum(w.draft.outcomes)).toBe(80);
    expect(sum(w.active.outcomes)).toBe(80);
    expect(w.draft.version).toBe('strict-1');
    expect(w.draft.outcomes.mql).toBeLessThanOrEqual(w.active.outcomes.mql ?? 0);
    expect(w.draft.tasksPerDayPerRep).toBeGreaterThanOrEqual(0);
    expect(app.test.hubspotCalls).toEqual([]);
  });

  it('when a valid draft is activated, then it becomes active, enters the history, and every contact is queued for rescoring', async () => {
    const draft = draftOf((m) => {
      m.version = 'v2';
      m.tasks.callSlaHours = 2;
    });
    await client.send('PUT', '/admin/api/model/draft', { model: draft });
    const response = await client.send('POST', '/admin/api/model/activate', {});
    expect(response.status).toBe(200);
    const installation = await app.test.store.getInstallation(PORTAL_ID);
    expect(installation?.activeModel).toEqual(draft);
    expect(installation?.draftModel).toBeUndefined();
    expect(installation?.modelHistory?.map((h) => h.version)).toEqual(['v2']);
    expect((await app.test.ctx.modelFor(PORTAL_ID)).version).toBe('v2');
    const [item] = await app.test.store.lease({ now: app.test.clock.now, limit: 10, leaseMs: 1000, kinds: ['backfill'] });
    expect(item).toMatchObject({ portalId: PORTAL_ID, kind: 'backfill', key: 'all', payload: { reason: 'model_activated' } });
    expect(app.test.notified.count).toBe(1);
    const history = (await (await client.get('/admin/api/model')).json()) as { history: Array<{ version: string }> };
    expect(history.history.map((h) => h.version)).toEqual(['v2']);
  });

  it('when an earlier version is reused for a new draft, then activation is refused', async () => {
    await client.send('PUT', '/admin/api/model/draft', { model: draftOf((m) => {
        m.version = 'v2';
      }) });
    await client.send('POST', '/admin/api/model/activate', {});
    await client.send('PUT', '/admin/api/model/draft', { model: draftOf((m) => {
        m.version = 'v2';
        m.mqlCells = ['A1'];
      }) });
    expect((await client.send('POST', '/admin/api/model/activate', {})).status).toBe(422);
  });

  it('when there is no draft, then activation is refused', async () => {
    expect((await client.send('POST', '/admin/api/model/activate', {})).status).toBe(422);
  });
});
