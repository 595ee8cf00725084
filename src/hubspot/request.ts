// Every HubSpot call of a portal goes through here: token from authorize(), the portal's limiter, retries, metrics.
// The SDK's generic `apiRequest` is used rather than its typed APIs: those deserialize into model classes that drop
// fields HubSpot sends (`policyName` in 429 bodies, `objectWriteTraceId`) and turn timestamps into Dates.
import { Client } from '@hubspot/api-client';
import { HubSpotApiError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { PortalId } from '../store/store.ts';
import type { LimitKind, PortalLimiters } from './limiter.ts';
import type { ShapeCheck } from './response-shapes.ts';
import { type AttemptFailure, type AttemptOutcome, failureFromResponse, failureFromThrown, type PortalPauses, type RetryOptions, runWithRetries } from './retry.ts';

export interface HubSpotRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  qs?: Record<string, string | number | boolean | undefined>;
  /** Search has its own budget (docs/hubspot-platform.md §3.4). */
  kind?: LimitKind;
  /** False for creates: a timeout or 5xx may have created the record, so only refusals (429, 423) are retried. */
  idempotent?: boolean;
  /** Statuses returned to the caller instead of thrown (e.g. 404 for a missing property, 409 for an existing one). */
  allow?: number[];
  /** The body's expected shape (src/hubspot/response-shapes.ts): a 2xx or allowed answer without it is garbled. */
  expect?: ShapeCheck;
}

export interface HubSpotResponse<T> {
  status: number;
  body: T;
}

export type PortalRequest = <T>(operation: string, request: HubSpotRequest) => Promise<HubSpotResponse<T>>;

export interface PortalRequesterOptions {
  portalId: PortalId;
  basePath: string;
  authorize: (portalId: PortalId) => Promise<string>;
  /** A 401 for a token: the next authorize must not return it again (InstallationAuth.invalidate). */
  invalidate?: (portalId: PortalId, token: string) => void;
  limiters: PortalLimiters;
  pauses: PortalPauses;
  metrics: Metrics;
  log: Logger;
  now: () => number;
  timeZone?: () => string | undefined;
  retry?: Partial<RetryOptions>;
  /** Per attempt; a slower answer counts as a network failure (retried when idempotent). */
  timeoutMs?: number;
}

export interface PortalRequester {
  request: PortalRequest;
  callCount(): number;
}

export function createPortalRequester(options: PortalRequesterOptions): PortalRequester {
  const { portalId, metrics } = options;
  // One SDK client per portal (probot's per-installation octokit); never limiterOptions/numberOfApiCallRetries,
  // which install decorators on a process-wide singleton (hubspot-api-nodejs src/services/ApiDecoratorService.ts).
  const client = new Client({ basePath: options.basePath });
  let currentToken: string | undefined;
  let calls = 0;
  const timeoutMs = options.timeoutMs ?? 30_000;

  const count = (operation: string, status: number | 'network') => {
    calls += 1;
    metrics.inc('hubspot_api_calls_total', 'HubSpot API requests by portal, operation and HTTP status', {
      portal: portalId,
      operation,
      status,
    });
  };

  async function attempt<T>(operation: string, request: HubSpotRequest, used?: { token?: string }): Promise<AttemptOutcome<HubSpotResponse<T>>> {
    let timer: NodeJS.Timeout | undefined;
    // Outside the try: an AuthorizationError is not a failed call and is never retried here.
    const token = await options.authorize(portalId);
    if (used) used.token = token;
    if (token !== currentToken) {
      client.setAccessToken(token);
      currentToken = token;
    }
    try {
      const qs = request.qs
        ? Object.fromEntries(Object.entries(request.qs).filter((e): e is [string, string | number | boolean] => e[1] !== undefined))
        : undefined;
      const send = client.apiRequest({
        method: request.method,
        path: request.path,
        ...(request.body !== undefined ? { body: request.body } : {}),
        ...(qs ? { qs } : {}),
      });
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      const response = await Promise.race([send, timeout]);
      const text = await response.text();
      let body: unknown = text;
      let json = true;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: kept as text for the error message
          json = false;
        }
      } else {
        body = undefined;
      }
      count(operation, response.status);
      if ((response.status >= 200 && response.status < 300) || request.allow?.includes(response.status)) {
        // HubSpot's API answers JSON: an HTML page or a truncated body is a gateway's, not HubSpot's answer.
        const problem = !json ? 'a body that is not JSON' : request.expect?.(body, response.status);
        if (problem) return { ok: false, failure: garbled(operation, response.status, problem, response.headers.get('x-hubspot-correlation-id')) };
        return { ok: true, value: { status: response.status, body: body as T } };
      }
      // A 4xx page that is not JSON (a gateway's 404 or 400) is not HubSpot's verdict either: retried like a 502.
      if (!json && response.status >= 400 && response.status < 500 && ![401, 403, 429].includes(response.status)) {
        return { ok: false, failure: garbled(operation, response.status, 'an error page that is not JSON', response.headers.get('x-hubspot-correlation-id')) };
      }
      return { ok: false, failure: failureFromResponse(operation, response.status, body, (name) => response.headers.get(name)) };
    } catch (thrown) {
      const failure = failureFromThrown(operation, thrown);
      if (failure.network) count(operation, 'network');
      return { ok: false, failure };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  /** A garbled success is retried like a 502 (idempotent calls) and logged with HubSpot's correlation id. */
  function garbled(operation: string, status: number, problem: string, correlationId: string | null): AttemptFailure {
    metrics.inc('hubspot_garbled_responses_total', 'HubSpot answers with a success status but not the expected JSON (retried like a 502)', { operation });
    options.log.warn('HubSpot answered with a garbled body; treated as a 502', { portalId, operation, status, problem, correlationId: correlationId ?? undefined });
    const error = new HubSpotApiError({
      operation,
      httpStatus: 502,
      category: 'GARBLED_RESPONSE',
      message: `HubSpot answered ${status} with ${problem}`,
      ...(correlationId ? { correlationId } : {}),
    });
    return { error };
  }

  const run = <T>(operation: string, req: HubSpotRequest, used: { token?: string }) =>
    runWithRetries(
      {
        portalId,
        operation,
        idempotent: req.idempotent ?? true,
        pauses: options.pauses,
        now: options.now,
        timeZone: options.timeZone?.(),
        ...(options.retry ? { options: options.retry } : {}),
      },
      () => options.limiters.schedule(portalId, req.kind ?? 'general', () => attempt<T>(operation, req, used)),
    );

  const request: PortalRequest = async <T>(operation: string, req: HubSpotRequest) => {
    try {
      const used: { token?: string } = {};
      try {
        return await run<T>(operation, req, used);
      } catch (error) {
        // The token expired before its recorded expiry (HubSpot ended it early): refresh once and try again.
        if (!(error instanceof HubSpotApiError) || error.httpStatus !== 401 || !options.invalidate || used.token === undefined) throw error;
        options.invalidate(portalId, used.token);
        // Only a new token is worth a retry (a refresh that failed hands out the refused one again).
        if ((await options.authorize(portalId)) === used.token) throw error;
        options.log.info('HubSpot refused the access token (401): refreshed it, retrying once', { portalId, operation });
        return await run<T>(operation, req, {});
      }
    } catch (error) {
      options.log.debug('HubSpot call failed', { portalId, operation, error });
      throw error;
    }
  };

  return { request, callCount: () => calls };
}
