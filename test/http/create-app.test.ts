// The app's front door: request targets too long to route cheaply are refused before any router sees them.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, MAX_URL_LENGTH, withRequestTargetLimit } from '../../src/http/create-app.ts';
import { createOAuthRouter } from '../../src/http/oauth-routes.ts';
import { createTestContext, type TestContext } from '../ui/console-fixtures.ts';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function start(): Promise<{ url: string; test: TestContext }> {
  const test = createTestContext();
  const app = createApp(test.ctx, { webhooks: Router(), oauth: createOAuthRouter(test.ctx) });
  const server = createServer(withRequestTargetLimit(app)).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  close = () => new Promise((resolve) => server.close(() => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, test };
}

const liveStates = (test: TestContext) => (test.store as unknown as { state: { oauthStates: Map<string, unknown> } }).state.oauthStates.size;

describe('request targets', () => {
  it('when a request target is longer than 4 KB, then 414 comes back and nothing is stored', async () => {
    const { url, test } = await start();
    const response = await fetch(`${url}/oauth/install?returnTo=/${'a'.repeat(15_000)}`, { redirect: 'manual' });
    expect(response.status).toBe(414);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('uri_too_long');
    expect(liveStates(test)).toBe(0);
  });

  it('when a request target is within the limit, then it is routed as usual', async () => {
    const { url, test } = await start();
    const path = `/oauth/install?returnTo=/admin&pad=${'x'.repeat(MAX_URL_LENGTH - 60)}`;
    expect(path.length).toBeLessThanOrEqual(MAX_URL_LENGTH);
    expect((await fetch(`${url}${path}`, { redirect: 'manual' })).status).toBe(302);
    expect(liveStates(test)).toBe(1);
  });
});
