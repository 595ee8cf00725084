// Unsigned or badly signed requests are anyone's to send: logging each one would let a flood fill the log. The first
// rejection of an interval is logged in full, the rest are counted and logged as one summary line when it ends.
import type { Logger } from '../log.ts';

export const REJECTION_LOG_INTERVAL_MS = 60_000;

export interface RejectionLog {
  record(failure: string, fields?: Record<string, unknown>): void;
  /** Logs the pending summary now (shutdown, tests). */
  flush(): void;
}

export function createRejectionLog(log: Logger, now: () => number, message: string, intervalMs = REJECTION_LOG_INTERVAL_MS): RejectionLog {
  let windowStart: number | undefined;
  let suppressed = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (suppressed.size === 0) return;
    const byFailure = Object.fromEntries(suppressed);
    const total = [...suppressed.values()].reduce((a, b) => a + b, 0);
    suppressed = new Map();
    log.warn(`${message} (summary)`, { suppressed: total, byFailure, intervalSeconds: intervalMs / 1000 });
  };

  return {
    record(failure, fields = {}) {
      const t = now();
      if (windowStart === undefined || t - windowStart >= intervalMs) {
        flush();
        windowStart = t;
        log.warn(message, { failure, ...fields });
        return;
      }
      suppressed.set(failure, (suppressed.get(failure) ?? 0) + 1);
      timer ??= setTimeout(flush, Math.max(0, windowStart + intervalMs - t)).unref();
    },
    flush,
  };
}
