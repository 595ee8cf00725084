// A cookie-keeping client for the admin console's HTTP API, signing in through the same OAuth redirects a browser follows.
import type { RunningConsole } from './console-fixtures.ts';

export interface AdminClient {
  cookies: Map<string, string>;
  csrf: string;
  /** The Set-Cookie headers of the last answer. */
  lastSetCookie: string[];
  get(path: string): Promise<Response>;
  send(method: string, path: string, body?: unknown, options?: { csrf?: string | null }): Promise<Response>;
}

export function createAdminClient(app: RunningConsole): AdminClient {
  const cookies = new Map<string, string>();
  const client: AdminClient = {
    cookies,
    csrf: '',
    lastSetCookie: [],
    get: (path) => request('GET', path),
    send: (method, path, body, options = {}) => request(method, path, body, options.csrf === undefined ? client.csrf : options.csrf),
  };
  async function request(method: string, path: string, body?: unknown, csrf?: string | null): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (cookies.size) headers.Cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (csrf) headers['X-CSRF-Token'] = csrf;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(new URL(path, app.url), { method, headers, redirect: 'manual', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    client.lastSetCookie = response.headers.getSetCookie();
    for (const line of client.lastSetCookie) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 0) continue;
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) cookies.delete(name);
      else cookies.set(name, value);
    }
    return response;
  }
  return client;
}

/** /admin/signin → HubSpot's authorize (stand-in) → /oauth/callback → /admin/auth/complete → /admin; returns the last hop. */
export async function signIn(client: AdminClient): Promise<Response> {
  let response = await client.get('/admin/signin');
  for (let hops = 0; hops < 5 && response.status === 302; hops += 1) {
    const location = response.headers.get('location') ?? '';
    if (new URL(location, 'http://x').pathname === '/admin') break;
    response = await client.get(location);
  }
  const session = await client.get('/admin/api/session');
  if (session.ok) client.csrf = ((await session.json()) as { csrfToken: string }).csrfToken;
  return response;
}
