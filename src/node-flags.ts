// Flags of the node process that runs the app: `npm start` and `npm run demo` (package.json, checked by a test), and
// the app processes of the end-to-end tests and the benchmarks, so that what is measured is what runs.
//
// --max-semi-space-size=8 (MiB): V8 sizes the young generation from the machine's memory, and on a large host it grows
// to ~100 MiB of semi-spaces. The app's allocations are short-lived (a response body, its records, a score), so a big
// young generation buys nothing but RSS and larger promotions per scavenge. Measured on a 5,000-contact backfill
// (bench/backfill.bench.ts): peak RSS 290 → 230 MiB on PostgreSQL, same wall time (bench/README.md).
export const APP_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];
