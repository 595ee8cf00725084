// `bant score FILE.jsonl` end to end (read, parse, validate, score, print) as a user runs it: N profiles (`--quick`
// 20,000; default 100,000) from the stand-in's generator, written to a file by a process of its own first, then
// `bin/bant.js score FILE` (with the node flags of its shebang) in a child process with its output going to
// /dev/null. The figure is the child's CPU time (user + sys) less that of the same command on a one-line file
// (start-up: node, type stripping, loading the model): profiles per CPU-second (aim ≥ 50,000/s).
// Run: scripts/with-node24 node --experimental-strip-types bench/score-lines.bench.ts [--quick] [--count N] [--runs N]
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { OUTCOMES_NOW } from '../standin/generate-outcomes.ts';
import { makeTempDir, reportResult } from './lib/harness.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, count: { type: 'string' }, runs: { type: 'string' } } });
const count = Number(values.count ?? (values.quick ? 20_000 : 100_000));
const runs = Number(values.runs ?? 1);
const BIN = fileURLToPath(new URL('../bin/bant.js', import.meta.url));
const WRITE_PROFILES = fileURLToPath(new URL('./lib/write-profiles.ts', import.meta.url));

/** The node flags of `bin/bant.js`'s shebang (`#!/usr/bin/env -S node FLAGS`), so the child runs as `bant` does. */
function binNodeFlags(): string[] {
  const shebang = readFileSync(BIN, 'utf8').split('\n', 1)[0]!;
  const words = shebang.replace(/^#!\S*env\s+(-S\s+)?/, '').split(/\s+/).filter(Boolean);
  if (words[0] !== 'node') throw new Error(`unexpected shebang in bin/bant.js: ${shebang}`);
  return words.slice(1);
}

/** CPU seconds (user + sys) of this process's finished children, from /proc (clock ticks, 1/100 s on Linux). */
function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3; cutime and cstime are fields 16 and 17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** Runs a node child to its end with stdout to /dev/null; its CPU seconds and wall seconds. */
async function runChild(args: string[]): Promise<{ cpu: number; wall: number }> {
  const devNull = openSync('/dev/null', 'w');
  const cpuBefore = childrenCpuSeconds();
  const wallStart = performance.now();
  let stderr = '';
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', devNull, 'pipe'] });
      child.stderr?.setEncoding('utf8').on('data', (t: string) => (stderr += t));
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}: ${stderr}`);
  } finally {
    closeSync(devNull);
  }
  return { cpu: childrenCpuSeconds() - cpuBefore, wall: (performance.now() - wallStart) / 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = await makeTempDir('bench-score-lines');
try {
  const file = join(dir, 'profiles.jsonl');
  const tiny = join(dir, 'one.jsonl');
  await runChild(['--experimental-strip-types', '--disable-warning=ExperimentalWarning', WRITE_PROFILES, file, '--seed', '7', '--count', String(count)]);
  await writeFile(tiny, `${readFileSync(file, 'utf8').slice(0, 100_000).split('\n', 1)[0]}\n`);

  const flags = binNodeFlags();
  const scoreArgs = (path: string) => [...flags, BIN, 'score', path, '--at', new Date(OUTCOMES_NOW).toISOString()];
  const startUps: number[] = [];
  const rates: number[] = [];
  for (let run = 0; run < runs; run++) {
    // Start-up on either side of the full run, so both see the same machine.
    startUps.push((await runChild(scoreArgs(tiny))).cpu);
    const full = await runChild(scoreArgs(file));
    startUps.push((await runChild(scoreArgs(tiny))).cpu);
    const startUp = median(startUps);
    const cpu = full.cpu - startUp;
    const rate = Math.round(count / cpu);
    rates.push(rate);
    console.log(
      `bant score FILE.jsonl: ${count} profiles in ${full.cpu.toFixed(2)} s CPU less ${startUp.toFixed(2)} s start-up = ${cpu.toFixed(2)} s (${full.wall.toFixed(2)} s wall): ${rate}/s`,
    );
  }
  const rate = median(rates);
  reportResult({
    bench: `bant score FILE.jsonl, ${count} profiles`,
    metric: 'profiles/s (CPU of the bant process, start-up taken off)',
    value: rate,
    aim: '≥ 50,000',
    ok: rate >= 50_000,
    note: runs > 1 ? `median of ${runs} runs: ${rates.join(', ')}` : undefined,
  });
} finally {
  await rm(dir, { recursive: true, force: true });
}
