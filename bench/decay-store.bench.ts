// The daily decay pass (src/jobs/decay.ts) over N stored contacts, on the lowdb and the PostgreSQL store: the same
// as bench/decay.bench.ts (which uses the in-memory store), but with the store's real reads and writes of snapshots.
// The fake HubSpot counts calls: decay must read no contact from HubSpot. Snapshots are written as yesterday's
// results, so only contacts whose score decays across a band are written.
// Issue 18: 1,000,000 contacts on PostgreSQL in ≤ 60 s, 0 reads, writes only for changed values (--contacts 1000000 --store postgres).
// Run: scripts/with-node24 node --experimental-strip-types bench/decay-store.bench.ts [--quick] [--contacts N] [--store lowdb|postgres|both] [--no-analyze]
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { runDecay } from '../src/jobs/decay.ts';
import { openLowdbStore } from '../src/store/lowdb-store.ts';
import { openPostgresStore } from '../src/store/postgres-store.ts';
import type { Store } from '../src/store/store.ts';
import { createJobHarness, PORTAL } from '../test/jobs/job-fixtures.ts';
import { generateSnapshots, model, NOW } from './lib/decay-snapshots.ts';
import { DEFAULT_DATABASE_URL, makeTempDir, parseArgs, postgresReachable, removeDir, reportResult, scratchDatabase } from './lib/harness.ts';

/**
 * CPU seconds of the PostgreSQL backends serving this database (Linux /proc; 0 elsewhere). On a shared machine wall
 * time says little, so the pass also reports the CPU it cost the app and the database.
 */
async function backendCpuSeconds(url: string): Promise<Map<number, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    const cpu = new Map<number, number>();
    for (const { pid } of rows) {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
        cpu.set(pid, (Number(fields[11]) + Number(fields[12])) / 100);
      } catch {
        // not Linux, or the backend just ended
      }
    }
    return cpu;
  } finally {
    await client.end();
  }
}

function cpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, seconds] of after) sum += seconds - (before.get(pid) ?? 0);
  return sum;
}

const args = parseArgs();
const count = args.num('contacts', args.quick ? 20_000 : 100_000);
const storeArg = args.get('store') ?? 'both';
const stores = storeArg === 'both' ? ['lowdb', 'postgres'] : [storeArg];

for (const kind of stores) {
  let store: Store;
  let cleanup: () => Promise<void>;
  let databaseUrl: string | undefined;
  if (kind === 'postgres') {
    if (!(await postgresReachable(DEFAULT_DATABASE_URL))) {
      console.log(`decay (${kind}): SKIPPED, PostgreSQL not reachable at ${DEFAULT_DATABASE_URL}`);
      continue;
    }
    const db = await scratchDatabase(DEFAULT_DATABASE_URL, 'bench_decay');
    store = await openPostgresStore(db.url);
    databaseUrl = db.url;
    cleanup = async () => {
      await store.close();
      await db.drop();
    };
  } else {
    const dir = await makeTempDir('bench-decay');
    store = await openLowdbStore(dir);
    cleanup = async () => {
      await store.close();
      await removeDir(dir);
    };
  }
  try {
    const h = await createJobHarness({ model, now: NOW, store });
    const loadStart = performance.now();
    for (const batch of generateSnapshots(count, { batchSize: 1_000 })) await store.putSnapshots(batch);
    // Autovacuum analyses a bulk-loaded table within a minute; unanalysed, the planner guesses a few hundred rows and
    // sorts every keyset page on disk (4× the database CPU of the reads). `--no-analyze` measures that state.
    if (databaseUrl && !process.argv.includes('--no-analyze')) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query('VACUUM ANALYZE snapshots, snapshot_results');
      await client.end();
    }
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const dbCpuBefore = databaseUrl ? await backendCpuSeconds(databaseUrl) : new Map<number, number>();
    const appCpuBefore = process.cpuUsage();
    const start = performance.now();
    const outcome = await runDecay(h.ctx, PORTAL);
    const seconds = (performance.now() - start) / 1000;
    const appCpu = process.cpuUsage(appCpuBefore);
    const appCpuSeconds = (appCpu.user + appCpu.system) / 1e6;
    const dbCpuSeconds = databaseUrl ? cpuSpent(dbCpuBefore, await backendCpuSeconds(databaseUrl)) : 0;
    if (!outcome.ran) throw new Error('decay did not run');
    const calls = h.client.calls;
    const reads = ['readContacts', 'listContactIds', 'searchModifiedContacts', 'searchModifiedCompanyIds', 'countContacts', 'associatedContactIds'].reduce((sum, name) => sum + (calls[name] ?? 0), 0);
    const written = h.metrics.sum('bant_contacts_written_total');
    console.log(`decay (${kind}): ${count} contacts in ${seconds.toFixed(1)} s (${Math.round(count / seconds)}/s), ${reads} HubSpot reads, ${written} contacts written in ${calls.writeContacts ?? 0} batch calls (loading the snapshots took ${loadSeconds.toFixed(1)} s)`);
    // Writes only for changes: a second pass at the same moment finds every value as written and writes nothing.
    const writeCallsBefore = calls.writeContacts ?? 0;
    const again = await runDecay(h.ctx, PORTAL);
    if (!again.ran) throw new Error('the second decay pass did not run');
    const rewritten = h.metrics.sum('bant_contacts_written_total') - written;
    const extraCalls = (calls.writeContacts ?? 0) - writeCallsBefore;
    console.log(`decay (${kind}): CPU of the pass: app ${appCpuSeconds.toFixed(1)} s${databaseUrl ? `, PostgreSQL backends ${dbCpuSeconds.toFixed(1)} s` : ''}`);
    console.log(`decay (${kind}): second pass at the same moment wrote ${rewritten} contacts in ${extraCalls} batch calls`);
    // Issue 18's aim is 1,000,000 contacts in ≤ 60 s; a smaller run is projected linearly (the pass is keyset pages of 1,000).
    const projected = (seconds * 1_000_000) / count;
    const bench = `decay ${count} contacts (${kind})`;
    reportResult({ bench, metric: 'time', value: Number(seconds.toFixed(1)), unit: 's', note: `${Math.round(count / seconds)}/s, ${written} written` });
    reportResult({ bench, metric: 'projected to 1,000,000', value: Number(projected.toFixed(0)), unit: 's', aim: '≤ 60 s', ok: projected <= 60, note: count < 1_000_000 ? 'linear projection' : 'measured' });
    reportResult({ bench, metric: 'CPU app + database', value: Number((appCpuSeconds + dbCpuSeconds).toFixed(1)), unit: 's', note: `app ${appCpuSeconds.toFixed(1)} s, database ${dbCpuSeconds.toFixed(1)} s; projected to 1,000,000: ${(((appCpuSeconds + dbCpuSeconds) * 1_000_000) / count).toFixed(0)} s` });
    reportResult({ bench, metric: 'HubSpot reads', value: reads, aim: '0', ok: reads === 0 });
    reportResult({ bench, metric: 'writes on an unchanged second pass', value: rewritten, aim: '0', ok: rewritten === 0 && extraCalls === 0 });
  } finally {
    await cleanup();
  }
}
