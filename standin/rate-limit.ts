// Per-portal rate limits (docs/hubspot-platform.md §3): 110 requests per rolling 10 s (OAuth apps; search excluded), search 5/s,
// an optional daily cap; HubSpot's headers and 429 bodies. Injected faults for resilience tests.
import { HubSpotError } from './errors.ts';
import type { RateClass } from './http.ts';

export interface RateLimitOptions {
  /** Requests per rolling 10 s per portal (HubSpot OAuth apps: 110). */
  perTenSeconds?: number;
  /** Search requests per second per portal (HubSpot: 5). */
  searchPerSecond?: number;
  /** Requests per day per portal; unset = no daily limit (OAuth apps have none). */
  daily?: number;
}

export interface Faults {
  /** The next N API calls of the portal get 429 TEN_SECONDLY_ROLLING. */
  status429?: number;
  /** The next N API calls get 502, 503, 504 in turn. */
  status5xx?: number;
  /** Every API call of the portal waits this long before it is answered (0 clears). */
  delayMs?: number;
}

const TEN_SECONDS = 10_000;

class Window {
  private readonly times: number[] = [];
  private start = 0;

  count(now: number, span: number): number {
    while (this.start < this.times.length && this.times[this.start]! <= now - span) this.start++;
    if (this.start > 1024) {
      this.times.splice(0, this.start);
      this.start = 0;
    }
    return this.times.length - this.start;
  }

  add(now: number): void {
    this.times.push(now);
  }
}

export class RateLimiter {
  readonly perTen: number;
  readonly searchPerSecond: number;
  readonly daily: number | undefined;
  private readonly burst = new Map<number, Window>();
  private readonly search = new Map<number, Window>();
  private readonly days = new Map<number, { day: number; count: number }>();
  readonly faults = new Map<number, Required<Faults>>();
  /** Portals with limits of their own (e.g. one portal on a higher API tier among a thousand). */
  private readonly ownLimits = new Map<number, RateLimitOptions>();
  private fiveXX = 0;
  private readonly appId: string;

  constructor(options: RateLimitOptions, appId: string) {
    this.perTen = options.perTenSeconds ?? 110;
    this.searchPerSecond = options.searchPerSecond ?? 5;
    this.daily = options.daily;
    this.appId = appId;
  }

  /** Gives one portal its own limits; unset fields keep the stand-in's. */
  setPortalLimits(portalId: number, limits: RateLimitOptions): void {
    this.ownLimits.set(portalId, { ...limits });
  }

  private limitsOf(portalId: number): { perTen: number; searchPerSecond: number; daily: number | undefined } {
    const own = this.ownLimits.get(portalId);
    return { perTen: own?.perTenSeconds ?? this.perTen, searchPerSecond: own?.searchPerSecond ?? this.searchPerSecond, daily: own?.daily ?? this.daily };
  }

  inject(portalId: number, faults: Faults): void {
    const f = this.faults.get(portalId) ?? { status429: 0, status5xx: 0, delayMs: 0 };
    if (faults.status429 !== undefined) f.status429 = faults.status429;
    if (faults.status5xx !== undefined) f.status5xx = faults.status5xx;
    if (faults.delayMs !== undefined) f.delayMs = faults.delayMs;
    this.faults.set(portalId, f);
  }

  /** The delay to apply, and a fault error to answer with instead of the real response, if any. */
  takeFault(portalId: number): { delayMs: number; error?: HubSpotError } {
    const f = this.faults.get(portalId);
    if (!f) return { delayMs: 0 };
    if (f.status5xx > 0) {
      f.status5xx--;
      const status = [502, 503, 504][this.fiveXX++ % 3]!;
      const message = status === 502 ? 'Bad Gateway' : status === 503 ? 'Service Unavailable' : 'Gateway Timeout';
      return { delayMs: f.delayMs, error: new HubSpotError(status, 'INTERNAL_ERROR', message) };
    }
    if (f.status429 > 0) {
      f.status429--;
      return { delayMs: f.delayMs, error: this.tenSecondly(portalId, this.limitsOf(portalId).perTen, 0) };
    }
    return { delayMs: f.delayMs };
  }

  private tenSecondly(portalId: number, perTen: number, remaining: number): HubSpotError {
    return new HubSpotError(
      429,
      'RATE_LIMITS',
      'You have reached your ten_secondly_rolling limit.',
      { errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING', groupName: `publicapi:oauth:${this.appId}:${portalId}`, requestId: crypto.randomUUID() },
      this.headers(perTen, remaining),
    );
  }

  private headers(perTen: number, remaining: number): Record<string, string> {
    return {
      'X-HubSpot-RateLimit-Max': String(perTen),
      'X-HubSpot-RateLimit-Remaining': String(Math.max(0, remaining)),
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(TEN_SECONDS),
    };
  }

  /** Counts the request; returns the headers to send, or throws the 429. */
  check(portalId: number, rate: RateClass, now: number): Record<string, string> {
    if (rate === 'none') return {};
    const limits = this.limitsOf(portalId);
    if (rate === 'search') {
      let w = this.search.get(portalId);
      if (!w) {
      w = new Window();
      this.search.set(portalId, w);
    }
      if (w.count(now, 1000) >= limits.searchPerSecond) {
        throw new HubSpotError(429, 'RATE_LIMITS', 'You have reached your secondly limit.', {
          errorType: 'RATE_LIMIT',
          policyName: 'SECONDLY',
          requestId: crypto.randomUUID(),
        });
      }
      w.add(now);
      return {}; // Search responses carry no rate-limit headers (docs/hubspot-platform.md §3.2).
    }
    const extra: Record<string, string> = {};
    const daily = limits.daily;
    if (daily !== undefined) {
      const day = Math.floor(now / 86_400_000);
      let d = this.days.get(portalId);
      if (!d || d.day !== day) {
        d = { day, count: 0 };
        this.days.set(portalId, d);
      }
      if (d.count >= daily) {
        throw new HubSpotError(
          429,
          'RATE_LIMITS',
          'You have reached your daily limit.',
          { errorType: 'RATE_LIMIT', policyName: 'DAILY', requestId: crypto.randomUUID() },
          { 'X-HubSpot-RateLimit-Daily': String(daily), 'X-HubSpot-RateLimit-Daily-Remaining': '0' },
        );
      }
      d.count++;
      extra['X-HubSpot-RateLimit-Daily'] = String(daily);
      extra['X-HubSpot-RateLimit-Daily-Remaining'] = String(daily - d.count);
    }
    let w = this.burst.get(portalId);
    if (!w) {
      w = new Window();
      this.burst.set(portalId, w);
    }
    const used = w.count(now, TEN_SECONDS);
    if (used >= limits.perTen) throw this.tenSecondly(portalId, limits.perTen, 0);
    w.add(now);
    return { ...this.headers(limits.perTen, limits.perTen - used - 1), ...extra };
  }
}
