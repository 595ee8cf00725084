// An admin save and a token refresh of the same portal at the same time: each writes only its own fields, so neither
// undoes the other. The save is held between its start and its write until the refresh has stored its tokens.
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInstallationAuth, type InstallationAuth } from '../../src/hubspot/installations.ts';
import { decryptToken } from '../../src/hubspot/token-crypto.ts';
import type { Store } from '../../src/store/store.ts';
import { API, captureLogs, setupNock, testConfig as hubspotConfig } from '../hubspot/fixtures.ts';
import { type AdminClient, createAdminClient, signIn } from '../ui/admin-client.ts';
import { installation, PORTAL_ID, type RunningConsole, startConsoleApp } from '../ui/console-fixtures.ts';

const INSTALLED_AT = Date.parse('2026-11-20T10:00:00Z');
const NEEDS_REFRESH_AT = Date.parse('2026-11-20T10:26:00Z');

let app: RunningConsole;
let client: AdminClient;
let auth: InstallationAuth;
let tokenKey: Buffer;
let clock: number;

beforeEach(async () => {
  setupNock();
  app = await startConsoleApp(async (test) => {
    await test.store.putInstallation(installation());
  });
  client = createAdminClient(app);
  await signIn(client);
  clock = INSTALLED_AT;
  tokenKey = randomBytes(32);
  auth = createInstallationAuth({ store: app.test.store, config: hubspotConfig(), log: captureLogs().log, tokenKey, now: () => clock });
  await auth.saveOAuthInstallation(
    { accessToken: 'access-one-xxxxxxxx', refreshToken: 'refresh-one-xxxxxxxx', expiresIn: 1800 },
    { active: true, hubId: PORTAL_ID, scopes: installation().scopes },
  );
});
afterEach(async () => {
  await app.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

/** The next installation write is held until `release` resolves; resolves `held` once that write has been attempted. */
function holdNextInstallationWrite(store: Store, release: Promise<unknown>): Promise<void> {
  let reportHeld!: () => void;
  const held = new Promise<void>((resolve) => {
    reportHeld = resolve;
  });
  let armed = true;
  const hold = async () => {
    if (!armed) return;
    armed = false;
    reportHeld();
    await release;
  };
  const { putInstallation, updateInstallation } = store;
  store.putInstallation = async (...args) => {
    await hold();
    return putInstallation.apply(store, args);
  };
  store.updateInstallation = async (...args) => {
    await hold();
    return updateInstallation.apply(store, args);
  };
  return held;
}

/** Starts a refresh and resolves once it waits for HubSpot's answer, which comes when `answer` is called. */
async function refreshWaitingForHubSpot(): Promise<{ refreshed: Promise<string>; answer: () => void }> {
  let answer!: () => void;
  const answered = new Promise<void>((resolve) => {
    answer = resolve;
  });
  let asked = false;
  nock(API)
    .post('/oauth/2026-03/token')
    .reply(200, async () => {
      asked = true;
      await answered;
      return { access_token: 'access-two-xxxxxxxx', refresh_token: 'refresh-two-xxxxxxxx', expires_in: 1800 };
    });
  clock = NEEDS_REFRESH_AT;
  const refreshed = auth.authorize(PORTAL_ID);
  while (!asked) await delay(1);
  return { refreshed, answer };
}

async function storedRefreshToken(): Promise<string> {
  return decryptToken(tokenKey, (await app.test.store.getInstallation(PORTAL_ID))?.refreshTokenEnc ?? '', `hubspot:${PORTAL_ID}:refresh`);
}

describe('admin saves while the token is refreshed', () => {
  it('when settings are saved during a refresh, then both the new setting and the new tokens are kept', async () => {
    const { refreshed, answer } = await refreshWaitingForHubSpot();
    const settings = { ...installation().settings, syncLeadStatus: false, callSlaHours: 3 };
    const tokensStored = refreshed.then(() => undefined);
    const held = holdNextInstallationWrite(app.test.store, tokensStored);
    const saving = client.send('PUT', '/admin/api/settings', settings);
    await held;
    answer();
    expect(await refreshed).toBe('access-two-xxxxxxxx');
    expect((await saving).status).toBe(200);

    const stored = await app.test.store.getInstallation(PORTAL_ID);
    expect(stored?.settings).toEqual(settings);
    expect(await storedRefreshToken()).toBe('refresh-two-xxxxxxxx');
  });

  it('when the refresh stores its tokens just after a settings save, then the saved settings stay', async () => {
    const { refreshed, answer } = await refreshWaitingForHubSpot();
    let settingsSaved!: () => void;
    const saved = new Promise<void>((resolve) => {
      settingsSaved = resolve;
    });
    const held = holdNextInstallationWrite(app.test.store, saved);
    answer();
    await held;
    const settings = { ...installation().settings, syncLifecycleStage: false };
    expect((await client.send('PUT', '/admin/api/settings', settings)).status).toBe(200);
    settingsSaved();
    expect(await refreshed).toBe('access-two-xxxxxxxx');

    expect((await app.test.store.getInstallation(PORTAL_ID))?.settings).toEqual(settings);
    expect(await storedRefreshToken()).toBe('refresh-two-xxxxxxxx');
  });

  it('when a model draft is saved during a refresh, then both the draft and the new tokens are kept', async () => {
    const { refreshed, answer } = await refreshWaitingForHubSpot();
    const draft = { ...app.test.ctx.defaultModel, version: 'draft-during-refresh' };
    const held = holdNextInstallationWrite(app.test.store, refreshed.then(() => undefined));
    const saving = client.send('PUT', '/admin/api/model/draft', { model: draft });
    await held;
    answer();
    await refreshed;
    expect((await saving).status).toBe(200);

    expect((await app.test.store.getInstallation(PORTAL_ID))?.draftModel).toEqual(draft);
    expect(await storedRefreshToken()).toBe('refresh-two-xxxxxxxx');
  });
});
