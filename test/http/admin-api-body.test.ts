// The admin API checks the session (and the CSRF token on changes) before it reads a byte of a body.
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdminClient, signIn } from '../ui/admin-client.ts';
import { installation, type RunningConsole, startConsoleApp } from '../ui/console-fixtures.ts';

let app: RunningConsole;

beforeEach(async () => {
  app = await startConsoleApp(async (test) => {
    await test.store.putInstallation(installation());
  });
});
afterEach(async () => {
  await app.close();
});

/** Sends the headers of a 1 MB JSON body and never the body: only an answer that does not wait for it arrives. */
function sendHeadersOnly(path: string, headers: Record<string, string> = {}): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, app.url);
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(1024 * 1024), ...headers } });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error('no answer within 3 s: the server waits for the body'));
    }, 3_000);
    req.on('response', (response) => {
      clearTimeout(timer);
      response.resume();
      resolve({ status: response.statusCode ?? 0, connection: response.headers.connection });
      req.destroy();
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.flushHeaders();
  });
}

describe('admin API bodies', () => {
  it('when a change arrives without a session, then 401 comes back before the body is read and the connection closes', async () => {
    const answer = await sendHeadersOnly('/admin/api/model/draft');
    expect(answer.status).toBe(401);
    expect(answer.connection).toBe('close');
  });

  it('when a signed-in change arrives without the CSRF token, then 403 comes back before the body is read', async () => {
    const client = createAdminClient(app);
    await signIn(client);
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    expect((await sendHeadersOnly('/admin/api/model/draft', { cookie })).status).toBe(403);
  });

  it('when a body that is not JSON comes without a session, then the answer is 401, not a parse error', async () => {
    const response = await fetch(`${app.url}/admin/api/settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"nested": [[[[' });
    expect(response.status).toBe(401);
  });

  it('when a signed-in change carries its CSRF token, then its body is read and used', async () => {
    const client = createAdminClient(app);
    await signIn(client);
    const response = await client.send('POST', '/admin/api/disconnect', { confirmPortalId: 1 });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('confirmation_required');
  });
});
