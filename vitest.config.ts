import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most of the suite's time is end-to-end files waiting on real processes, sockets and timers, not CPU: four files at
    // once roughly halves the wall time on a 2-core machine. VITEST_MAX_WORKERS overrides it.
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS) || 4,
    coverage: { include: ['src/scoring/**'] },
  },
});
