// A cookie-keeping client for the admin console's API, signed in through the stand-in's OAuth pages as a browser is.
export type ConsoleApi = (method: string, path: string, body?: unknown) => Promise<Response>;

export async function signInToConsole(appUrl: string): Promise<ConsoleApi> {
  const cookies = new Map<string, string>();
  let csrf = '';
  const request: ConsoleApi = async (method, path, body) => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (cookies.size) headers.Cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (csrf) headers['X-CSRF-Token'] = csrf;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(new URL(path, appUrl), { method, headers, redirect: 'manual', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair && eq > 0) cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return response;
  };
  let response = await request('GET', '/admin/signin');
  for (let hops = 0; hops < 5 && response.status === 302; hops++) {
    const location = response.headers.get('location') ?? '';
    if (new URL(location, appUrl).pathname === '/admin') break;
    response = await request('GET', location);
  }
  const session = await request('GET', '/admin/api/session');
  if (!session.ok) throw new Error(`signing in to the console failed (${session.status})`);
  csrf = ((await session.json()) as { csrfToken: string }).csrfToken;
  return request;
}
