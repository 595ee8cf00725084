// `npm run bench [-- --quick] [-- --only name,name]`: runs every benchmark in turn, each as its own child process
// (so one's memory and timers never affect the next), streams its output, and prints a summary table at the end.
// Benchmarks report figures as `RESULT {json}` lines (bench/lib/harness.ts reportResult); decay.bench.ts and
// scoring.bench.ts print plain text, read here with a pattern.
import { spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

interface Result {
  bench: string;
  metric: string;
  value: number | string;
  unit?: string;
  aim?: string;
  ok?: boolean;
  note?: string;
}

interface Bench {
  name: string;
  file: string;
  args: (quick: boolean) => string[];
  /** Results from plain-text output (benchmarks that do not print RESULT lines). */
  parse?: (output: string) => Result[];
}

const quick = process.argv.includes('--quick');
const onlyArg = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const only = onlyArg ? new Set(onlyArg.split(',')) : undefined;

const BENCHES: Bench[] = [
  {
    name: 'scoring',
    file: 'scoring.bench.ts',
    args: (q) => (q ? ['50000'] : []),
    parse: (out) => {
      const m = /scoring: (\d+) contacts\/s/.exec(out);
      return m ? [{ bench: 'scoring engine (no store)', metric: 'contacts/s (CPU)', value: Number(m[1]), aim: '≥ 100,000', ok: Number(m[1]) >= 100_000, note: '20 activities each' }] : [];
    },
  },
  {
    name: 'decay',
    file: 'decay.bench.ts',
    args: (q) => (q ? ['20000'] : []),
    parse: (out) => {
      const m = /decay: (\d+) contacts in ([\d.]+) s \((\d+)\/s\), (\d+) HubSpot reads, (\d+) writes/.exec(out);
      if (!m) return [];
      const bench = `decay ${m[1]} contacts (memory store)`;
      return [
        { bench, metric: 'time', value: Number(m[2]), unit: 's', note: `${m[3]}/s, ${m[5]} written` },
        { bench, metric: 'HubSpot reads', value: Number(m[4]), aim: '0', ok: m[4] === '0' },
      ];
    },
  },
  { name: 'decay-store', file: 'decay-store.bench.ts', args: (q) => (q ? ['--quick'] : []) },
  { name: 'api-calls', file: 'api-calls.bench.ts', args: (q) => (q ? ['--quick'] : []) },
  { name: 'burst', file: 'burst.bench.ts', args: () => [] },
  { name: 'webhook-ack', file: 'webhook-ack.bench.ts', args: (q) => (q ? ['--quick'] : []) },
  { name: 'backfill', file: 'backfill.bench.ts', args: (q) => (q ? ['--quick'] : []) },
  { name: 'portals', file: 'portals.bench.ts', args: (q) => (q ? ['--quick'] : []) },
  { name: 'flood', file: 'flood.ts', args: (q) => (q ? ['--quick'] : []) },
  { name: 'garbled', file: 'garbled.ts', args: (q) => (q ? ['--quick'] : []) },
  { name: 'calibrate', file: 'calibrate.bench.ts', args: (q) => (q ? ['--quick'] : []) },
  { name: 'score-lines', file: 'score-lines.bench.ts', args: (q) => (q ? ['--quick'] : []) },
  { name: 'app-memory', file: 'app-memory.bench.ts', args: (q) => (q ? ['--quick'] : []) },
  { name: 'console', file: 'console.bench.ts', args: (q) => (q ? ['--quick'] : []) },
];

function run(bench: Bench): Promise<{ code: number | null; output: string; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', fileURLToPath(new URL(bench.file, import.meta.url)), ...bench.args(quick)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const relay = (chunk: Buffer, to: NodeJS.WriteStream) => {
      const text = chunk.toString('utf8');
      output += text;
      // RESULT lines are for the table; the human-readable lines are shown as they come.
      const shown = text
        .split('\n')
        .filter((line) => !line.startsWith('RESULT '))
        .join('\n');
      if (shown.trim()) to.write(shown.endsWith('\n') ? shown : `${shown}\n`);
    };
    child.stdout.on('data', (c: Buffer) => relay(c, process.stdout));
    child.stderr.on('data', (c: Buffer) => relay(c, process.stderr));
    child.on('exit', (code) => resolve({ code, output, seconds: (performance.now() - started) / 1000 }));
  });
}

const cell = (v: unknown) => String(v ?? '');
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => cell(r[i]).length)));
  return rows.map((r, k) => `| ${r.map((c, i) => cell(c).padEnd(widths[i]!)).join(' | ')} |${k === 0 ? `\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|` : ''}`).join('\n');
}

const results: Result[] = [];
const failures: string[] = [];
console.log(`bench: ${quick ? 'QUICK sizes' : 'full sizes'}; ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}; ${new Date().toISOString()}`);
for (const bench of BENCHES) {
  if (only && !only.has(bench.name)) continue;
  console.log(`\n=== ${bench.name} (${bench.file} ${bench.args(quick).join(' ')}) ===`);
  const { code, output, seconds } = await run(bench);
  const mine = output
    .split('\n')
    .filter((l) => l.startsWith('RESULT '))
    .map((l) => JSON.parse(l.slice('RESULT '.length)) as Result);
  results.push(...mine, ...(bench.parse?.(output) ?? []));
  console.log(`=== ${bench.name}: ${code === 0 ? 'done' : `EXIT ${code}`} in ${seconds.toFixed(0)} s ===`);
  if (code !== 0) failures.push(`${bench.name} (exit ${code})`);
}

console.log('\nSummary\n');
console.log(
  table([
    ['benchmark', 'figure', 'value', 'aim', 'met', 'note'],
    ...results.map((r) => [r.bench, r.metric, `${r.value}${r.unit ? ` ${r.unit}` : ''}`, r.aim ?? '', r.ok === undefined ? '' : r.ok ? 'yes' : 'NO', r.note ?? '']),
  ]),
);
if (failures.length) {
  console.log(`\nFailed to run: ${failures.join(', ')}`);
  process.exitCode = 1;
}
