// `bant model calibrate` and `bant model evaluate` (docs/contract.md section 6): outcomes files in, JSON out.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { UsageError } from './cli-usage-error.ts';
import { forEachJsonLine } from './read-json-lines.ts';
import { calibrateModel, evaluateOutcomes, type OutcomeExample, parseOutcome, type ScoringModel } from './scoring/index.ts';

export interface OutcomesIo {
  stdout: (text: string) => void;
  loadModel: (path: string | undefined) => Promise<ScoringModel>;
}

const CALIBRATE_USAGE = 'usage: bant model calibrate OUTCOMES.jsonl --out MODEL.json [--model BASE.json]';
const EVALUATE_USAGE = 'usage: bant model evaluate OUTCOMES.jsonl [--model PATH]';

/** Longest value shared through the pool: enumerations, names, sources; long texts and times are mostly unique. */
const MAX_SHARED_LENGTH = 40;
const TIME_LIKE = /^\d{4}-\d\d-\d\dT/;

/**
 * The same string values held once: JSON.parse makes a new string for every value, and 100,000 outcomes repeat
 * the same lead sources, countries, company names and activity sources over and over (bench/calibrate.bench.ts:
 * peak memory).
 */
function shareValues(bag: Record<string, string | null | undefined>, pool: Map<string, string>): void {
  for (const key in bag) {
    const v = bag[key];
    if (typeof v !== 'string' || v.length > MAX_SHARED_LENGTH || TIME_LIKE.test(v)) continue;
    const shared = pool.get(v);
    if (shared === undefined) pool.set(v, v);
    else bag[key] = shared;
  }
}

function shareExample(example: OutcomeExample, pool: Map<string, string>): void {
  shareValues(example.profile.properties, pool);
  if (example.profile.company) shareValues(example.profile.company.properties, pool);
  for (const a of example.profile.activities) shareValues(a as unknown as Record<string, string | undefined>, pool);
}

/** Every line of an outcomes file; the first bad one is a UsageError naming its line and field. */
export async function readOutcomes(path: string): Promise<OutcomeExample[]> {
  const examples: OutcomeExample[] = [];
  const pool = new Map<string, string>();
  await forEachJsonLine(path, 'outcomes file', (value, line) => {
    const parsed = parseOutcome(value);
    if (!parsed.ok) {
      throw new UsageError(`${path} line ${line}: invalid outcome:\n${parsed.issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
    }
    shareExample(parsed.example, pool);
    examples.push(parsed.example);
  });
  return examples;
}

function requireBothOutcomes(examples: readonly OutcomeExample[], path: string): void {
  const won = examples.filter((e) => e.outcome === 'won').length;
  if (examples.length === 0) throw new UsageError(`${path} holds no outcomes`);
  if (won === 0 || won === examples.length) {
    throw new UsageError(
      `${path}: all ${examples.length} outcomes are ${won === 0 ? 'lost' : 'won'}; ranking quality needs both won and lost outcomes (at least 50 of each to calibrate)`,
    );
  }
}

export async function runModelCalibrate(args: string[], io: OutcomesIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { out: { type: 'string' }, model: { type: 'string' } }, allowPositionals: true });
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0 || values.out === undefined) throw new UsageError(CALIBRATE_USAGE);
  const base = await io.loadModel(values.model);
  const examples = await readOutcomes(file);
  requireBothOutcomes(examples, file);
  const result = calibrateModel(base, examples);
  if (!result.ok) throw new UsageError(`${file}: ${result.reason}`);
  await writeFile(values.out, `${JSON.stringify(result.model, null, 2)}\n`);
  const r = result.report;
  io.stdout(
    `${JSON.stringify(
      {
        out: values.out,
        version: result.model.version,
        base: base.version,
        outcomes: { n: r.n, won: r.won, lost: r.lost, period: r.period },
        train: r.train,
        test: r.test,
        auc: r.auc,
        lift: r.lift,
        improved: r.improved,
        rules: r.features.rules,
        candidates: r.features.considered,
        penalty: r.penalty,
        calibration: r.calibration,
        warnings: r.warnings,
      },
      null,
      2,
    )}\n`,
  );
  return 0;
}

export async function runModelEvaluate(args: string[], io: OutcomesIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { model: { type: 'string' } }, allowPositionals: true });
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new UsageError(EVALUATE_USAGE);
  const model = await io.loadModel(values.model);
  const examples = await readOutcomes(file);
  requireBothOutcomes(examples, file);
  io.stdout(`${JSON.stringify(evaluateOutcomes(model, examples), null, 2)}\n`);
  return 0;
}
