// The measured half of bench/calibrate.bench.ts, in its own process so its peak memory is its own: reads an
// outcomes file as `bant model calibrate` does, calibrates (timed, CPU), then — untimed — fits a plain logistic
// regression on the same features and split as the reference, and prints one JSON line.
import { readFileSync } from 'node:fs';
import { readOutcomes } from '../../src/cli-outcomes.ts';
import { calibrateModel, encodeExamples, selectColumns, TEST_SHARE, usableRules } from '../../src/scoring/calibrate.ts';
import { discoverRules } from '../../src/scoring/discover-rules.ts';
import { rocAuc } from '../../src/scoring/evaluate.ts';
import { fitLogistic, predictorOf } from '../../src/scoring/fit-logistic.ts';
import { parseModel } from '../../src/scoring/index.ts';

const file = process.argv[2]!;
const parsed = parseModel(JSON.parse(readFileSync(new URL('../../config/scoring-model.json', import.meta.url), 'utf8')));
if (!parsed.ok) throw new Error('default model invalid');
const base = parsed.model;

const readStart = process.cpuUsage();
const examples = await readOutcomes(file);
const read = process.cpuUsage(readStart);

const cpuStart = process.cpuUsage();
const wallStart = performance.now();
const result = calibrateModel(base, examples, { seed: 1 });
const cpu = process.cpuUsage(cpuStart);
const wall = (performance.now() - wallStart) / 1000;
if (!result.ok) throw new Error(result.reason);
const peakRssMb = process.resourceUsage().maxRSS / 1024;

// Reference: the same time-ordered split and candidate features, an (almost) unpenalised logistic regression.
const sorted = [...examples].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
const nTest = Math.max(1, Math.round(sorted.length * TEST_SHARE));
const nTrain = sorted.length - nTest;
const candidates = discoverRules(base, sorted.slice(0, nTrain));
const full = encodeExamples(base, candidates, sorted);
const keep = usableRules({ ...full, rows: nTrain, rowStart: full.rowStart.subarray(0, nTrain + 1) }, Math.max(5, Math.ceil(nTrain * 0.002)));
const design = selectColumns(full, keep);
const y = Uint8Array.from(sorted, (e) => (e.outcome === 'won' ? 1 : 0));
const plain = fitLogistic(design, y, { lambda: 1e-4, subset: Int32Array.from({ length: nTrain }, (_, i) => i), maxIterations: 5000, tolerance: 1e-7 });
const testScores = Float64Array.from({ length: nTest }, (_, k) => predictorOf(design, plain.intercept, plain.weights, nTrain + k));
const testWon = Array.from({ length: nTest }, (_, k) => y[nTrain + k] === 1);
const plainAuc = rocAuc(testScores, testWon);

const properties = examples.reduce((s, e) => s + Object.keys(e.profile.properties).length + Object.keys(e.profile.company?.properties ?? {}).length, 0) / examples.length;
console.log(
  JSON.stringify({
    n: examples.length,
    propertiesPerOutcome: Math.round(properties * 10) / 10,
    readCpuSeconds: (read.user + read.system) / 1e6,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    wallSeconds: wall,
    peakRssMb: Math.round(peakRssMb),
    report: result.report,
    plainAuc: Math.round(plainAuc * 10_000) / 10_000,
  }),
);
