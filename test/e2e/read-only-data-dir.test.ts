// Issue 12 item 3, end to end: the real server (lowdb in DATA_DIR) while DATA_DIR turns read-only. Deliveries are
// answered 503 and /readyz says not ready; once the directory is writable again HubSpot's redeliveries (the stand-in
// retries non-2xx) are processed, not taken for duplicates; after a SIGKILL and a restart nothing acknowledged is missing.
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { type Portal, type StandIn, startStandIn } from '../../standin/index.ts';
import { canMakeReadOnly, setReadOnly } from '../support/read-only-dir.ts';
import { APP, appEnv, type ChildApp, contactsOf, freePort, installViaOAuth, redeliver, spawnApp, tempDir, waitAllScored, waitUntil } from './harness.ts';

const NEED: Record<string, string> = { acute: 'met', latent: 'partial', none: 'not_met' };

let standIn: StandIn | undefined;
let app: ChildApp | undefined;
let dataDir: string | undefined;

afterAll(async () => {
  if (dataDir && canMakeReadOnly) setReadOnly(dataDir, false);
  await app?.kill('SIGKILL');
  await standIn?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe.skipIf(!canMakeReadOnly)('a read-only DATA_DIR', () => {
  it('when DATA_DIR is read-only, then deliveries fail with 503 and /readyz 503; writable again, the redeliveries are processed and survive a SIGKILL', async () => {
    const port = await freePort();
    dataDir = await tempDir('bant-readonly-');
    standIn = await startStandIn({
      app: APP,
      webhookTargetUrl: `http://127.0.0.1:${port}/webhooks/hubspot`,
      deliveryDelayMs: 20,
      deliveryRetries: 12,
      deliveryRetryBaseMs: 150,
      deliveryTimeoutMs: 3_000,
    });
    const portal: Portal = standIn.createPortal({ contacts: 12, seed: 5 });
    const env = appEnv({ port, standIn, dataDir });
    app = await spawnApp(env);
    const context = () => app?.output().slice(-3000) ?? '';
    await installViaOAuth(app.url, portal.id);
    await waitAllScored(portal);
    await standIn.webhooksIdle();

    setReadOnly(dataDir, true);
    const changed = contactsOf(portal).slice(0, 6);
    const answers = new Map<number, string>();
    changed.forEach((contact, i) => {
      const need = ['acute', 'none', 'latent'][i % 3] as string;
      answers.set(contact.id, need);
      standIn?.simulate.updateContact(portal.id, contact.id, { bant_need_answer: need });
    });
    const failedBefore = standIn.deliveries.length;
    await waitUntil(() => standIn?.deliveries.slice(failedBefore).some((d) => d.status === 503), {
      timeoutMs: 10_000,
      message: () => `a delivery answered 503 while DATA_DIR is read-only ${context()}`,
    });
    expect((await fetch(`${app.url}/readyz`)).status).toBe(503);

    setReadOnly(dataDir, false);
    await waitUntil(async () => (await fetch(`${app?.url}/readyz`)).status === 200, { timeoutMs: 10_000, message: () => `/readyz ready again ${context()}` });
    await standIn.webhooksIdle();
    const deliveries = standIn.deliveries.slice(failedBefore);
    const acked = new Set(deliveries.filter((d) => d.ok).flatMap((d) => d.events.map((e) => e.eventId)));
    const failed = deliveries.filter((d) => !d.ok);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.flatMap((d) => d.events.map((e) => e.eventId)).filter((id) => !acked.has(id))).toEqual([]);
    const needOf = (id: number) => portal.contacts.get(id)?.props.bant_need;
    await waitUntil(() => [...answers].every(([id, need]) => needOf(id) === NEED[need]), {
      timeoutMs: 20_000,
      message: () => `every changed contact rescored: ${[...answers].map(([id, need]) => `${id}:${need}->${needOf(id)}`).join(' ')} ${context()}`,
    });

    // Killed and restarted: the acknowledged events are on disk (a redelivery is a duplicate), the scores stay.
    expect(await app.kill('SIGKILL')).toBe('SIGKILL');
    app = await spawnApp(env);
    const redelivered = await redeliver(`${app.url}/webhooks/hubspot`, failed[0]!.events);
    expect(redelivered.status).toBe(200);
    expect(await redelivered.json()).toMatchObject({ accepted: 0, duplicates: failed[0]!.events.length });
    for (const [id, need] of answers) expect(needOf(id), String(id)).toBe(NEED[need]);
  }, 90_000);
});
