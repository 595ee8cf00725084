// The daily decay pass over 100,000 contacts kept as snapshots in the memory store: the real engine, the real
// pipeline (diff → write → tasks → snapshot) and a counting fake HubSpot. It must read no contact from HubSpot and
// write only contacts whose values changed. Run: node --experimental-strip-types bench/decay.bench.ts [N]
import { runDecay } from '../src/jobs/decay.ts';
import { createJobHarness, PORTAL } from '../test/jobs/job-fixtures.ts';
import { generateSnapshots, model, NOW } from './lib/decay-snapshots.ts';

const count = Number(process.argv[2] ?? 100_000);
const h = await createJobHarness({ model, now: NOW });
h.ctx.log = h.ctx.log.child({});
for (const batch of generateSnapshots(count, { withAnswers: true })) await h.store.putSnapshots(batch);

const start = performance.now();
const outcome = await runDecay(h.ctx, PORTAL);
const seconds = (performance.now() - start) / 1000;
if (!outcome.ran) throw new Error('decay did not run');

const calls = h.client.calls;
const reads = ['readContacts', 'listContactIds', 'searchModifiedContacts', 'searchModifiedCompanyIds', 'countContacts', 'associatedContactIds'].reduce((sum, name) => sum + (calls[name] ?? 0), 0);
const written = h.metrics.sum('bant_contacts_written_total');
console.log(
  `decay: ${count} contacts in ${seconds.toFixed(1)} s (${Math.round(count / seconds)}/s), ${reads} HubSpot reads, ${written} writes` +
    ` (${calls.writeContacts ?? 0} batch calls; also ${calls.lifecycleStageOrder ?? 0} lifecycle-stage option reads, ${calls.getTaskStatuses ?? 0} task-status checks, ${h.client.createdTasks.length} tasks created)`,
);
console.log(`  ${outcome.result.summary}`);
if (reads !== 0) process.exitCode = 1;
