import { type StandIn, type StandInOptions, startStandIn } from '../../standin/index.ts';

export const APP = { clientId: 'test-client-id', clientSecret: 'test-client-secret-0123', appId: 4242 };

export interface Fixture {
  standIn: StandIn;
  portalId: number;
  token: string;
  refreshToken: string;
  /** The fake clock; move it with `advance`. */
  now: () => number;
  advance: (ms: number) => void;
  call: (method: string, path: string, body?: unknown, token?: string) => Promise<{ status: number; body: Record<string, unknown>; headers: Headers }>;
}

export async function fixture(options: Partial<StandInOptions> = {}, contacts = 30): Promise<Fixture> {
  let now = Date.UTC(2026, 10, 2, 9, 0, 0);
  const standIn = await startStandIn({ app: APP, clock: () => now, deliveryDelayMs: 5, ...options });
  const portal = standIn.createPortal({ contacts, seed: 11 });
  const { accessToken, refreshToken } = standIn.issueToken(portal.id);
  const call: Fixture['call'] = async (method, path, body, token = accessToken) => {
    const res = await fetch(`${standIn.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
  };
  return {
    standIn,
    portalId: portal.id,
    token: accessToken,
    refreshToken,
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    call,
  };
}

export function form(fields: Record<string, string>): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() };
}
