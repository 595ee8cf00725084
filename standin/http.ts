// A small router over node:http: path patterns with {params}, JSON and form bodies, HubSpot-shaped errors.
import type { IncomingHttpHeaders } from 'node:http';
import type { ChangeSource, Portal } from './portal.ts';

export interface AccessToken {
  token: string;
  portalId: number;
  scopes: string[];
  expiresAt: number;
  refreshToken?: string;
  revoked: boolean;
  /** Private-app tokens: no expiry, all scopes. */
  static: boolean;
}

export interface Ctx {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body (undefined when empty). */
  body: unknown;
  /** Form-encoded body fields (OAuth endpoints). */
  form: URLSearchParams;
  headers: IncomingHttpHeaders;
  portal?: Portal;
  token?: AccessToken;
  /** What webhooks report for writes made by this request. */
  source: ChangeSource;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RateClass = 'burst' | 'search' | 'none';

export interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  /** Needs a Bearer token. */
  auth: boolean;
  rate: RateClass;
  /** Any one of these scopes is enough; empty: no check. */
  scopes: (params: Record<string, string>) => string[];
  handler: (ctx: Ctx) => Reply | Promise<Reply>;
}

export class Router {
  readonly routes: Route[] = [];

  add(
    method: string,
    paths: string | string[],
    options: { auth?: boolean; rate?: RateClass; scopes?: (params: Record<string, string>) => string[] },
    handler: Route['handler'],
  ): void {
    for (const path of Array.isArray(paths) ? paths : [paths]) {
      const keys: string[] = [];
      const source = path.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, (_m, key: string) => {
        keys.push(key);
        return '([^/]+)';
      });
      this.routes.push({
        method,
        pattern: new RegExp(`^${source}/?$`),
        keys,
        auth: options.auth ?? true,
        rate: options.rate ?? (options.auth === false ? 'none' : 'burst'),
        scopes: options.scopes ?? (() => []),
        handler,
      });
    }
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | 'method' | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((k, i) => {
        params[k] = decodeURIComponent(m[i + 1] ?? '');
      });
      return { route, params };
    }
    return pathMatched ? 'method' : undefined;
  }
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { status, body, headers } : { status, body };
}
