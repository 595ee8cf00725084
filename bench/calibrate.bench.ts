// Calibration from outcomes (issue 13 targets): 100,000 synthetic outcomes (`--quick` 10,000) of ~30 properties each
// from the stand-in's hidden propensity, written as the outcomes file `bant model calibrate` reads; then, in a
// child process with the app's node flags (src/node-flags.ts), read + calibrate: CPU seconds of calibrateModel (aim ≤ 60 s on one core) and the child's peak RSS
// (aim ≤ 500 MB), and held-out AUC of the calibrated model vs a plain logistic regression on the same features
// (aim: within 0.02) vs the default model.
// Run: scripts/with-node24 node --experimental-strip-types bench/calibrate.bench.ts [--quick] [--count N]
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { APP_NODE_FLAGS } from '../src/node-flags.ts';
import { formatOutcomeLine, generateOutcomes } from '../standin/generate-outcomes.ts';
import { makeTempDir, reportResult } from './lib/harness.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, count: { type: 'string' } } });
const count = Number(values.count ?? (values.quick ? 10_000 : 100_000));

const dir = await makeTempDir('bench-calibrate');
const file = join(dir, 'outcomes.jsonl');
const genStart = process.cpuUsage();
const examples = generateOutcomes({ seed: 42, count });
const gen = process.cpuUsage(genStart);
const out = createWriteStream(file);
for (let i = 0; i < examples.length; i += 1000) {
  const chunk = examples.slice(i, i + 1000).map(formatOutcomeLine).join('\n');
  if (!out.write(`${chunk}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}
await new Promise<void>((resolve) => out.end(resolve));
const won = examples.filter((e) => e.outcome === 'won').length;
examples.length = 0;
const genSeconds = (gen.user + gen.system) / 1e6;
console.log(`generated ${count} outcomes (${won} won) in ${genSeconds.toFixed(1)} s CPU`);

const child = fileURLToPath(new URL('lib/calibrate-child.ts', import.meta.url));
const output = await new Promise<string>((resolve, reject) => {
  const p = spawn(process.execPath, [...APP_NODE_FLAGS, '--experimental-strip-types', '--disable-warning=ExperimentalWarning', child, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  p.stdout.on('data', (c: Buffer) => {
    text += c.toString('utf8');
  });
  p.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`calibrate child exited ${code}`))));
});
await rm(dir, { recursive: true, force: true });
const r = JSON.parse(output.trim().split('\n').at(-1)!);
const rep = r.report;
console.log(
  `calibrate: ${r.n} outcomes × ${r.propertiesPerOutcome} properties: ${r.cpuSeconds.toFixed(1)} s CPU (${r.wallSeconds.toFixed(1)} s wall; reading the file ${r.readCpuSeconds.toFixed(1)} s), peak RSS ${r.peakRssMb} MB`,
);
console.log(`  ${rep.features.considered} candidate rules → ${rep.features.rules} in the model; penalty ${rep.penalty.chosen} by ${rep.penalty.folds}-fold CV`);
console.log(`  held-out (latest ${rep.test.n}, ${rep.test.won} won): AUC default ${rep.auc.before}, calibrated ${rep.auc.after}, plain logistic regression ${r.plainAuc}`);
console.log(`  lift top10/top20: default ${rep.lift.before.top10}/${rep.lift.before.top20}, calibrated ${rep.lift.after.top10}/${rep.lift.after.top20}`);

const bench = `calibrate ${r.n} outcomes`;
reportResult({ bench: 'synthetic outcomes', metric: `generate ${count}`, value: Number(genSeconds.toFixed(1)), unit: 's CPU', note: `${r.propertiesPerOutcome} properties each` });
reportResult({ bench, metric: 'calibrateModel CPU', value: Number(r.cpuSeconds.toFixed(1)), unit: 's', aim: '≤ 60 s', ok: r.cpuSeconds <= 60 });
reportResult({ bench, metric: 'peak RSS (read + calibrate)', value: r.peakRssMb, unit: 'MB', aim: '≤ 500 MB', ok: r.peakRssMb <= 500 });
reportResult({
  bench,
  metric: 'held-out AUC calibrated vs plain LR',
  value: `${rep.auc.after} vs ${r.plainAuc}`,
  aim: 'within 0.02',
  ok: Math.abs(rep.auc.after - r.plainAuc) <= 0.02,
  note: `default model ${rep.auc.before}`,
});
