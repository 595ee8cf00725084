// `bant score FILE.jsonl` end to end (read, parse, validate, score, print): N profiles (`--quick` 20,000; default
// 100,000) from the stand-in's generator, scored by the CLI's own code path in this process with its output going
// to /dev/null; profiles per CPU-second (aim ≥ 50,000/s).
// Run: scripts/with-node24 node --experimental-strip-types bench/score-lines.bench.ts [--quick] [--count N]
import { createWriteStream, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from '../src/cli.ts';
import { generateOutcomes, OUTCOMES_NOW } from '../standin/generate-outcomes.ts';
import { makeTempDir, reportResult } from './lib/harness.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, count: { type: 'string' } } });
const count = Number(values.count ?? (values.quick ? 20_000 : 100_000));
const dir = await makeTempDir('bench-score-lines');
const file = join(dir, 'profiles.jsonl');
{
  const examples = generateOutcomes({ seed: 7, count });
  writeFileSync(file, `${examples.map((e) => JSON.stringify(e.profile)).join('\n')}\n`);
}

const sink = createWriteStream('/dev/null');
let bytes = 0;
const cpuStart = process.cpuUsage();
const wallStart = performance.now();
const code = await runCli(['score', file, '--at', new Date(OUTCOMES_NOW).toISOString()], {
  stdout: (t) => {
    bytes += t.length;
    sink.write(t);
  },
  stderr: (t) => process.stderr.write(t),
  env: {},
  now: Date.now,
  drain: () => (sink.writableNeedDrain ? new Promise((resolve) => sink.once('drain', () => resolve())) : Promise.resolve()),
});
await new Promise<void>((resolve) => sink.end(resolve));
const cpu = process.cpuUsage(cpuStart);
const wall = (performance.now() - wallStart) / 1000;
await rm(dir, { recursive: true, force: true });
if (code !== 0) throw new Error(`bant score exited ${code}`);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const rate = Math.round(count / cpuSeconds);
console.log(`bant score FILE.jsonl: ${count} profiles in ${cpuSeconds.toFixed(2)} s CPU (${wall.toFixed(2)} s wall): ${rate}/s; ${(bytes / 1e6).toFixed(0)} MB printed`);
reportResult({ bench: `bant score FILE.jsonl, ${count} profiles`, metric: 'profiles/s (CPU)', value: rate, aim: '≥ 50,000', ok: rate >= 50_000, note: `${Math.round(count / wall)}/s wall` });
