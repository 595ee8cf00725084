// Graceful drain: SIGTERM while a batch is in flight and more work is queued. The process finishes the leased batch,
// leases nothing new, exits 0; after a restart on the same DATA_DIR the queued work completes.
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { type Portal, type StandIn, startStandIn } from '../../standin/index.ts';
import { APP, appEnv, type ChildApp, contactsOf, freePort, installViaOAuth, spawnApp, tempDir, waitAllScored, waitQuiescent, waitUntil } from './harness.ts';

let standIn: StandIn | undefined;
let app: ChildApp | undefined;
let dataDir: string | undefined;

afterAll(async () => {
  await app?.kill('SIGKILL');
  await standIn?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('SIGTERM', () => {
  it('when SIGTERM arrives with a batch in flight and work queued, then the batch finishes, the process exits 0 and a restart completes the rest', async () => {
    const port = await freePort();
    dataDir = await tempDir('bant-sigterm-');
    standIn = await startStandIn({
      app: APP,
      webhookTargetUrl: `http://127.0.0.1:${port}/webhooks/hubspot`,
      deliveryDelayMs: 20,
      deliveryRetries: 10,
      deliveryRetryBaseMs: 100,
    });
    const portal: Portal = standIn.createPortal({ contacts: 40, seed: 23 });
    const env = appEnv({ port, standIn, dataDir, extra: { RESCORE_DELAY_MS: '50' } });
    app = await spawnApp(env);
    await installViaOAuth(app.url, portal.id);
    await waitAllScored(portal);
    await waitQuiescent(standIn, { metricsUrl: app.url });

    const candidates = contactsOf(portal).filter((c) => c.props.bant_qualification !== 'disqualified');
    const first = candidates.slice(0, 8);
    const second = candidates.slice(8, 16);
    expect(second.length).toBe(8);
    // Every HubSpot call now takes 250 ms: a rescoring batch (about ten calls) stays in flight for seconds.
    standIn.injectFaults(portal.id, { delayMs: 250 });
    const mark = Date.now();
    for (const c of first) standIn.simulate.updateContact(portal.id, c.id, { bant_timeline_answer: 'gt_12_months' });
    // The first batch is leased and under way once its contacts were read.
    await waitUntil(() => standIn?.countRequests({ path: '/crm/objects/2026-03/contacts/batch/read', since: mark }) === 1, { message: 'the first batch to start' });
    for (const c of second) standIn.simulate.updateContact(portal.id, c.id, { bant_timeline_answer: 'gt_12_months' });
    // The second wave is acknowledged (persisted, queued) while the first batch is still in flight.
    await waitUntil(() => standIn?.deliveries.some((d) => d.ok && d.events.some((e) => e.objectId === second[7]?.id)), { message: 'the second wave acknowledged' });
    expect(first.some((c) => c.props.bant_timeline !== 'not_met')).toBe(true);

    const exit = await app.kill('SIGTERM');
    expect(exit, app.output()).toBe(0);
    // The leased batch was finished before the exit …
    for (const c of first) expect(c.props.bant_timeline, String(c.id)).toBe('not_met');
    // … and nothing new was leased while draining: the second wave is still waiting.
    expect(second.every((c) => c.props.bant_timeline !== 'not_met')).toBe(true);

    standIn.injectFaults(portal.id, { delayMs: 0 });
    app = await spawnApp(env);
    await waitUntil(() => second.every((c) => c.props.bant_timeline === 'not_met'), { timeoutMs: 20_000, message: 'the queued wave done after the restart' });
    await waitQuiescent(standIn, { metricsUrl: app.url });
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/^bant_dead_letters 0$/m);
    expect(await app.kill('SIGTERM')).toBe(0);
  }, 60_000);
});
