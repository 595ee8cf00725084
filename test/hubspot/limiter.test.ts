import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPortalLimiters, minimumSpacingMs } from '../../src/hubspot/limiter.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** The largest number of starts inside any window of `windowMs` (half-open), over all windows. */
function maxInAnyWindow(starts: number[], windowMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let max = 0;
  let from = 0;
  for (let to = 0; to < sorted.length; to++) {
    while ((sorted[to] as number) - (sorted[from] as number) >= windowMs) from++;
    max = Math.max(max, to - from + 1);
  }
  return max;
}

describe('per-portal limiter', () => {
  it('when starts keep the minimum spacing, then no window of W holds more than L starts', () => {
    for (const [limit, window] of [[110, 10_000], [100, 10_000], [7, 1000], [3, 10]] as const) {
      const spacing = minimumSpacingMs(limit, window);
      const starts = Array.from({ length: limit * 4 }, (_, i) => i * spacing);
      expect(maxInAnyWindow(starts, window)).toBeLessThanOrEqual(limit);
    }
  });

  it('when 300 calls burst at one portal, then no rolling 10 s window holds more than 110 and all complete', async () => {
    vi.useFakeTimers();
    const limiters = createPortalLimiters({ generalPerWindow: 110, searchPerSecond: 5 });
    const starts: number[] = [];
    const done = Promise.all(
      Array.from({ length: 300 }, () =>
        limiters.schedule(1, 'general', async () => {
          starts.push(Date.now());
        }),
      ),
    );
    await vi.advanceTimersByTimeAsync(40_000);
    await done;
    expect(starts).toHaveLength(300);
    expect(maxInAnyWindow(starts, 10_000)).toBeLessThanOrEqual(110);
    // The budget is used, not wasted: 300 calls take 299 spacings of ~95 ms (91 ms plus the margin), not more.
    expect(Math.max(...starts) - Math.min(...starts)).toBeLessThanOrEqual(299 * minimumSpacingMs(110, 10_000) + 50);
    expect(minimumSpacingMs(110, 10_000)).toBeLessThanOrEqual(96);
    await limiters.stop();
  });

  it('when searches burst, then they run at most 5 per second and also count against the general budget', async () => {
    vi.useFakeTimers();
    const limiters = createPortalLimiters({ generalPerWindow: 110, searchPerSecond: 5 });
    const searches: number[] = [];
    const all: number[] = [];
    const jobs = [
      ...Array.from({ length: 20 }, () => limiters.schedule(1, 'search', async () => void searches.push(Date.now()))),
      ...Array.from({ length: 20 }, () => limiters.schedule(1, 'general', async () => void all.push(Date.now()))),
    ];
    await vi.advanceTimersByTimeAsync(10_000);
    await Promise.all(jobs);
    expect(maxInAnyWindow(searches, 1000)).toBeLessThanOrEqual(5);
    expect(maxInAnyWindow([...searches, ...all], 10_000)).toBeLessThanOrEqual(110);
    await limiters.stop();
  });

  it('when two portals call at once, then one portal does not wait for the other', async () => {
    vi.useFakeTimers();
    const limiters = createPortalLimiters({ generalPerWindow: 2, windowMs: 10_000, searchPerSecond: 5 });
    const finished: string[] = [];
    const jobs = [
      limiters.schedule(1, 'general', async () => void finished.push('1a')),
      limiters.schedule(1, 'general', async () => void finished.push('1b')),
      limiters.schedule(2, 'general', async () => void finished.push('2a')),
    ];
    await vi.advanceTimersByTimeAsync(100);
    expect(finished.sort()).toEqual(['1a', '2a']);
    await vi.advanceTimersByTimeAsync(6_000);
    await Promise.all(jobs);
    expect(finished).toContain('1b');
    await limiters.stop();
  });
});
