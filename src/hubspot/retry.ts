// What to do when HubSpot says no (docs/hubspot-platform.md §3.3, error-handling guide): 429 by `policyName`
// (TEN_SECONDLY_ROLLING: wait and retry; DAILY: pause the portal until the daily reset), 423/477/5xx and network
// failures with jittered exponential backoff, a bounded number of attempts; anything else is a HubSpotApiError.
import { HubSpotApiError } from '../errors.ts';
import { redact } from '../log.ts';
import type { PortalId } from '../store/store.ts';

/** The portal spent its daily budget (private apps only; OAuth calls have no daily limit, docs/hubspot-platform.md §3.1). */
export class PortalPausedError extends HubSpotApiError {
  readonly portalId: PortalId;
  readonly resumeAt: number;
  constructor(args: { portalId: PortalId; operation: string; resumeAt: number; correlationId?: string }) {
    super({
      operation: args.operation,
      httpStatus: 429,
      category: 'DAILY',
      message: `portal ${args.portalId} reached HubSpot's daily API limit; calls resume at ${new Date(args.resumeAt).toISOString()}`,
      ...(args.correlationId ? { correlationId: args.correlationId } : {}),
    });
    this.portalId = args.portalId;
    this.resumeAt = args.resumeAt;
  }
}

/** One attempt's failure, with what HubSpot said about retrying. */
export interface AttemptFailure {
  error: HubSpotApiError;
  /** `policyName` of a 429 body. */
  policyName?: string;
  /** From Retry-After, or the rate-limit interval header on a 429. */
  retryAfterMs?: number;
  /** No response at all (connection error, timeout). */
  network?: boolean;
}

export type AttemptOutcome<T> = { ok: true; value: T } | { ok: false; failure: AttemptFailure };

export interface RetryOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

export interface PortalPauses {
  resumeAt(portalId: PortalId, now: number): number | undefined;
  pause(portalId: PortalId, until: number): void;
}

export function createPortalPauses(): PortalPauses {
  const until = new Map<PortalId, number>();
  return {
    resumeAt(portalId, now) {
      const at = until.get(portalId);
      if (at === undefined) return undefined;
      if (at <= now) {
        until.delete(portalId);
        return undefined;
      }
      return at;
    },
    pause(portalId, at) {
      until.set(portalId, Math.max(at, until.get(portalId) ?? 0));
    },
  };
}

/**
 * When the daily limit resets: midnight in the portal's time zone (docs/hubspot-platform.md §3.1). Approximation: the offset is
 * taken at `now`, so on a DST-change day the reset is off by an hour; one extra 429 then pauses again. Without a
 * known time zone the portal is probed again after an hour, so at most one refused call per hour is spent.
 */
export function dailyResetAt(now: number, timeZone: string | undefined): number {
  if (!timeZone) return now + 60 * 60_000;
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: 'numeric', minute: 'numeric', second: 'numeric' })
      .formatToParts(new Date(now))
      .reduce<Record<string, number>>((acc, p) => {
        if (p.type !== 'literal') acc[p.type] = Number(p.value);
        return acc;
      }, {});
    const elapsedMs = (((parts.hour ?? 0) * 60 + (parts.minute ?? 0)) * 60 + (parts.second ?? 0)) * 1000 + (now % 1000);
    return now + (24 * 60 * 60_000 - elapsedMs) + 60_000;
  } catch {
    return now + 60 * 60_000;
  }
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; daily?: boolean };

/** Whether and when to try again; `idempotent: false` (creates) retries only what HubSpot refused before doing anything. */
export function decideRetry(failure: AttemptFailure, attempt: number, idempotent: boolean, options: RetryOptions): RetryDecision {
  const status = failure.error.httpStatus;
  if (attempt >= options.maxAttempts) return { retry: false };
  const backoff = (minMs = 0) =>
    Math.max(minMs, Math.min(options.maxDelayMs, Math.round(options.baseDelayMs * 2 ** (attempt - 1) * (0.5 + options.random()))));
  if (status === 429) {
    if (failure.policyName === 'DAILY') return { retry: false, daily: true };
    const fallback = failure.policyName === 'SECONDLY' ? 1000 : 10_000;
    // A short jitter keeps the retries of one burst from arriving together.
    return { retry: true, delayMs: (failure.retryAfterMs ?? fallback) + Math.round(options.random() * 250) };
  }
  // 423: concurrent writes to the same record, "wait at least 2 s" (docs/hubspot-platform.md §3.3); nothing was written.
  if (status === 423) return { retry: true, delayMs: backoff(2000) };
  if (!idempotent) return { retry: false };
  // 477 Migration in Progress names its wait in Retry-After; only short waits are worth holding a job for.
  if (status === 477) return failure.retryAfterMs !== undefined && failure.retryAfterMs <= 60_000 ? { retry: true, delayMs: failure.retryAfterMs } : { retry: false };
  if (failure.network || status >= 500) return { retry: true, delayMs: backoff(failure.retryAfterMs ?? 0) };
  return { retry: false };
}

export interface RetryContext {
  portalId: PortalId;
  operation: string;
  idempotent: boolean;
  pauses: PortalPauses;
  now: () => number;
  timeZone?: string | undefined;
  options?: Partial<RetryOptions>;
}

/** Runs `attempt` until it succeeds, retries run out, or the failure is not worth retrying. */
export async function runWithRetries<T>(context: RetryContext, attempt: () => Promise<AttemptOutcome<T>>): Promise<T> {
  const options = { ...DEFAULT_RETRY, ...context.options };
  for (let n = 1; ; n++) {
    const resumeAt = context.pauses.resumeAt(context.portalId, context.now());
    if (resumeAt !== undefined) throw new PortalPausedError({ portalId: context.portalId, operation: context.operation, resumeAt });
    const outcome = await attempt();
    if (outcome.ok) return outcome.value;
    const decision = decideRetry(outcome.failure, n, context.idempotent, options);
    if (decision.retry) {
      await options.sleep(decision.delayMs);
      continue;
    }
    if (decision.daily) {
      const until = dailyResetAt(context.now(), context.timeZone);
      context.pauses.pause(context.portalId, until);
      throw new PortalPausedError({
        portalId: context.portalId,
        operation: context.operation,
        resumeAt: until,
        ...(outcome.failure.error.correlationId ? { correlationId: outcome.failure.error.correlationId } : {}),
      });
    }
    throw outcome.failure.error;
  }
}

/** The SDK's ApiException(code, message, body, headers), or any other thrown value, as an attempt failure. */
export function failureFromThrown(operation: string, thrown: unknown): AttemptFailure {
  if (thrown instanceof HubSpotApiError) return { error: thrown, ...(thrown.httpStatus === 0 ? { network: true } : {}) };
  const candidate = thrown as { code?: unknown; body?: unknown; headers?: unknown };
  if (typeof candidate?.code === 'number' && candidate.code >= 100) {
    const headers = (candidate.headers ?? {}) as Record<string, string | undefined>;
    return failureFromResponse(operation, candidate.code, candidate.body, (name) => headers[name] ?? headers[name.toLowerCase()]);
  }
  const message = redact(thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown));
  return { error: new HubSpotApiError({ operation, httpStatus: 0, category: 'NETWORK', message }), network: true };
}

/** HubSpot's error body `{status, message, category, correlationId, policyName, errors}` as an attempt failure. */
export function failureFromResponse(
  operation: string,
  status: number,
  body: unknown,
  header: (name: string) => string | null | undefined,
): AttemptFailure {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const detail = Array.isArray(b.errors) ? (b.errors as Array<{ message?: unknown }>).map((e) => str(e.message)).filter(Boolean).slice(0, 3) : [];
  // HubSpot may echo what it was sent; registered secrets are masked before the text becomes an error message.
  const message = redact([str(b.message) ?? (typeof body === 'string' && body.length < 300 ? body : undefined) ?? `HTTP ${status}`, ...detail].join('; '));
  const category = str(b.category) ?? str(b.errorType);
  const correlationId = str(b.correlationId) ?? str(header('x-hubspot-correlation-id') ?? undefined);
  const policyName = str(b.policyName);
  const retryAfterMs = parseRetryAfter(header('retry-after'), status === 429 ? header('x-hubspot-ratelimit-interval-milliseconds') : undefined);
  return {
    error: new HubSpotApiError({ operation, httpStatus: status, message, ...(category ? { category } : {}), ...(correlationId ? { correlationId } : {}) }),
    ...(policyName ? { policyName } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

function parseRetryAfter(retryAfter: string | null | undefined, intervalMs: string | null | undefined): number | undefined {
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, at - Date.now());
  }
  if (intervalMs) {
    const ms = Number(intervalMs);
    if (Number.isFinite(ms) && ms > 0) return ms;
  }
  return undefined;
}
