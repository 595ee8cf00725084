// End to end: a disconnect says what stays and completes the app's open tasks (default on); a reinstall finds the
// app's tasks in HubSpot before creating any, so no contact gets a second open task of a kind, restores the earlier
// settings and model history saying so, and keeps to the per-rep daily budget; signing in never reinstalls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmRecord } from '../../standin/index.ts';
import { DISCONNECT_REASON } from '../../src/jobs/disconnect-tasks.ts';
import { createAdminClient, signIn } from '../ui/admin-client.ts';
import type { RunningConsole } from '../ui/console-fixtures.ts';
import { appTasks, contactsOf, type Env, installViaOAuth, SQL_ANSWERS, startEnv, taskKind, waitAllScored, waitQuiescent, waitUntil } from './harness.ts';

let env: Env;
const quiet = () => waitQuiescent(env.standIn, { metricsUrl: env.app!.url });
const openAppTasks = () => contactsOf(env.portal).flatMap((c) => appTasks(env.portal, c.id).filter((t) => t.props.hs_task_status !== 'COMPLETED'));
/** Contacts with two open app tasks of the same kind. */
function duplicates(): string[] {
  const seen = new Map<string, number>();
  for (const c of contactsOf(env.portal)) {
    for (const t of appTasks(env.portal, c.id)) {
      if (t.props.hs_task_status === 'COMPLETED') continue;
      const key = `${c.id}:${taskKind(t)}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  }
  return [...seen].filter(([, n]) => n > 1).map(([key]) => key);
}

async function disconnect(body: Record<string, unknown>) {
  const admin = createAdminClient({ url: env.app!.url } as RunningConsole);
  await signIn(admin);
  const response = await admin.send('POST', '/admin/api/disconnect', { confirmPortalId: env.portal.id, ...body });
  expect(response.status).toBe(200);
  return (await response.json()) as { disconnected: boolean; completedTasks: number; kept: string[] };
}

const BUDGET = 1;
const SLA_HOURS = 7;
let installPage = '';

async function reinstall(): Promise<void> {
  installPage = await installViaOAuth(env.app!.url, env.portal.id);
  await waitUntil(async () => (await fetch(`${env.app!.url}/metrics`)).text().then((t) => /bant_queue_depth 0\b/.test(t)), { timeoutMs: 30_000, message: 'the backfill' });
  await quiet();
}

beforeAll(async () => {
  env = await startEnv({ portal: { contacts: 30, seed: 33 } });
  await waitAllScored(env.portal, { logLines: env.logLines });
  await quiet();
  const leads = contactsOf(env.portal)
    .filter((c) => c.props.hubspot_owner_id && !['disqualified', 'sql'].includes(c.props.bant_qualification ?? '') && ['', 'subscriber', 'lead'].includes(c.props.lifecyclestage ?? ''))
    .slice(0, 2);
  for (const c of leads) env.standIn.simulate.updateContact(env.portal.id, c.id, { ...SQL_ANSWERS });
  await waitUntil(() => leads.every((c) => appTasks(env.portal, c.id, 'call_sql').length === 1), { message: 'call tasks for two new SQLs' });
  await quiet();
  const admin = createAdminClient({ url: env.app!.url } as RunningConsole);
  await signIn(admin);
  const { settings } = (await (await admin.get('/admin/api/settings')).json()) as { settings: Record<string, unknown> };
  expect((await admin.send('PUT', '/admin/api/settings', { ...settings, dailyTaskBudget: BUDGET, callSlaHours: SLA_HOURS })).status).toBe(200);
}, 90_000);

afterAll(async () => {
  await env?.close();
});

describe('disconnect and reinstall without damage', () => {
  let before: CrmRecord[];

  it('when the admin disconnects keeping the tasks open and reinstalls, then the app takes its open tasks over instead of duplicating them', async () => {
    before = openAppTasks();
    expect(before.length).toBeGreaterThan(0);
    const answer = await disconnect({ completeOpenTasks: false });
    expect(answer).toMatchObject({ disconnected: true, completedTasks: 0 });
    expect(openAppTasks().map((t) => t.id).sort()).toEqual(before.map((t) => t.id).sort());
    await reinstall();
    expect(duplicates()).toEqual([]);
    expect(openAppTasks().map((t) => t.id).sort()).toEqual(before.map((t) => t.id).sort());
  });

  it('when the admin disconnects with the default, then the app says what stays and completes its open tasks saying why', async () => {
    const answer = await disconnect({});
    expect(answer.completedTasks).toBe(before.length);
    expect(answer.kept.join(' ')).toMatch(/properties/);
    expect(openAppTasks()).toEqual([]);
    for (const t of before) expect((t.props.hs_task_body ?? '').trim().split('\n').at(-2)).toBe(DISCONNECT_REASON);
    // The values stay on the contacts.
    expect(contactsOf(env.portal).filter((c) => c.props.bant_qualification).length).toBe(env.portal.count('contacts'));
  });

  it('when someone signs in to the console of the disconnected portal, then nothing is reinstalled', async () => {
    await quiet();
    const admin = createAdminClient({ url: env.app!.url } as RunningConsole);
    const since = Date.now();
    await signIn(admin);
    expect((await admin.get('/admin/api/session')).status).toBe(401);
    await quiet();
    // No provisioning, no backfill: no CRM call for the portal after the sign-in.
    expect(env.standIn.countRequests({ portalId: env.portal.id, path: /^\/crm\//, since })).toBe(0);
    expect(openAppTasks()).toEqual([]);
  });

  it('when the app is installed again, then each contact has at most one open task of a kind and no rep gets more new tasks today than the budget leaves', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const createdToday = (since = 0) => {
      const perOwner = new Map<string, number>();
      for (const c of contactsOf(env.portal)) {
        for (const t of appTasks(env.portal, c.id)) {
          if (taskKind(t) === 'escalate' || t.createdAt < since || new Date(t.createdAt).toISOString().slice(0, 10) !== today) continue;
          const owner = t.props.hubspot_owner_id ?? '';
          perOwner.set(owner, (perOwner.get(owner) ?? 0) + 1);
        }
      }
      return perOwner;
    };
    const before = createdToday();
    const since = Date.now();
    await reinstall();
    expect(duplicates()).toEqual([]);
    const created = createdToday(since);
    // Tasks the app made before the disconnect today count: a rep gets at most what the day's budget still leaves.
    expect([...before.keys()].filter((o) => o).length).toBeGreaterThan(0);
    for (const [owner, n] of created) if (owner) expect(n, `new tasks of owner ${owner}`).toBeLessThanOrEqual(Math.max(0, BUDGET - (before.get(owner) ?? 0)));
  });

  it('when the app is installed again, then the earlier settings are back and the install page and the console say they were restored', async () => {
    expect(installPage).toMatch(/Settings and model history from \d{4}-\d{2}-\d{2} restored/);
    const admin = createAdminClient({ url: env.app!.url } as RunningConsole);
    await signIn(admin);
    const { settings } = (await (await admin.get('/admin/api/settings')).json()) as { settings: { dailyTaskBudget?: number; callSlaHours?: number } };
    expect(settings).toMatchObject({ dailyTaskBudget: BUDGET, callSlaHours: SLA_HOURS });
    const overview = (await (await admin.get('/admin/api/overview')).json()) as { installation: { restored: { from: string; at: string } | null } };
    expect(overview.installation.restored?.from).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(Date.parse(overview.installation.restored?.at ?? '')).toBeGreaterThan(Date.parse(overview.installation.restored?.from ?? ''));
  });
});
