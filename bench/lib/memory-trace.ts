// Preloaded into the app process by `bench/flood.ts --memory-breakdown` (node --import): prints the process's
// memory by kind every 100 ms on stderr, so the bench can say whether growth is V8 heap, buffers or native memory.
const MiB = 1024 * 1024;
const timer = setInterval(() => {
  const m = process.memoryUsage();
  const line = { rss: m.rss / MiB, heapTotal: m.heapTotal / MiB, heapUsed: m.heapUsed / MiB, external: m.external / MiB, arrayBuffers: m.arrayBuffers / MiB };
  process.stderr.write(`MEMTRACE ${JSON.stringify(line)}\n`);
}, 100);
timer.unref();
