// Flags of the node process that runs the app: `npm start` and `npm run demo` (package.json, checked by a test), and
// the app processes of the end-to-end tests and the benchmarks, so that what is measured is what runs.
//
// --max-semi-space-size=8 (MiB): V8 sizes the young generation from the machine's memory, and on a large host it grows
// to ~100 MiB of semi-spaces. The app's allocations are short-lived (a response body, its records, a score), so a big
// young generation buys nothing but RSS and larger promotions per scavenge. Measured on a 5,000-contact backfill
// (bench/backfill.bench.ts): peak RSS 290 → 230 MiB on PostgreSQL, same wall time (bench/README.md).
//
// --heap-growing-percent=50: after each full GC V8 lets the old generation grow to up to 4× what survived before the
// next one (on hosts with more than 2 GB to give). Every connection leaves a few KB there (sockets, parsers, request
// objects outlive a scavenge), so a flood of anonymous requests filled it with garbage: +40–70 MiB of heap between
// two full GCs (bench/flood.ts, --memory-breakdown). 1.5× keeps that garbage at half the live heap, at the cost of
// more frequent (incremental) full GCs.
export const APP_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--heap-growing-percent=50'];
