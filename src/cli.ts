// `bant`: try a scoring model on a contact before activating it (docs/contract.md section 6).
//   bant score FILE.json|FILE.jsonl [--model PATH] [--at ISO-TIME]
//   bant model validate [PATH]
//   bant model calibrate OUTCOMES.jsonl --out MODEL.json [--model BASE.json]
//   bant model evaluate OUTCOMES.jsonl [--model PATH]
// Exit 0 on success, 2 on invalid input (the message names the field), 1 on anything unexpected.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runModelCalibrate, runModelEvaluate } from './cli-outcomes.ts';
import { scoreLines } from './cli-score-lines.ts';
import { UsageError } from './cli-usage-error.ts';
import { ModelValidationError } from './errors.ts';
import { loadModelFile } from './load-model.ts';
import { isJsonLinesPath } from './read-json-lines.ts';
import { parseProfile, type ScoringResult, score } from './scoring/index.ts';

export interface CliIo {
  /** Text, or bytes of UTF-8 (`bant score FILE.jsonl` hands over its results encoded). */
  stdout: (text: string | Uint8Array) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  now: () => number;
  /** Resolves when stdout can take more output (back-pressure for long JSON Lines output). */
  drain?: () => Promise<void>;
}

const USAGE = `usage:
  bant score FILE.json|FILE.jsonl [--model PATH] [--at ISO-TIME]
  bant model validate [PATH]
  bant model calibrate OUTCOMES.jsonl --out MODEL.json [--model BASE.json]
  bant model evaluate OUTCOMES.jsonl [--model PATH]`;

function defaultModelPath(env: CliIo['env']): string {
  return env.SCORING_MODEL || fileURLToPath(new URL('../config/scoring-model.json', import.meta.url));
}

/** The contract's CLI shape: criterion states at the top of `bant`, their evidence beside them. */
export function toCliOutput(result: ScoringResult): Record<string, unknown> {
  const { bant } = result;
  return {
    fit: result.fit,
    engagement: result.engagement,
    priority: result.priority,
    leadScore: result.leadScore,
    bant: {
      budget: bant.budget.state,
      authority: bant.authority.state,
      need: bant.need.state,
      timeline: bant.timeline.state,
      criteriaMet: bant.criteriaMet,
      evidence: {
        budget: bant.budget.evidence,
        authority: bant.authority.evidence,
        need: bant.need.evidence,
        timeline: bant.timeline.evidence,
      },
    },
    qualification: result.qualification,
    disqualifyReason: result.disqualifyReason,
    lifecycleStage: result.lifecycleStage,
    reasons: result.reasons.map((r) => r.text),
    properties: result.properties,
    tasks: result.tasks,
    modelVersion: result.modelVersion,
    scoredAt: result.scoredAt,
  };
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

async function runScore(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { model: { type: 'string' }, at: { type: 'string' } },
    allowPositionals: true,
  });
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new UsageError(USAGE);
  const nowMs = values.at === undefined ? io.now() : Date.parse(values.at);
  if (!Number.isFinite(nowMs)) throw new UsageError(`--at: expected an ISO time such as 2026-11-23T10:00:00Z, got "${values.at}"`);

  if (isJsonLinesPath(file)) {
    const model = await loadModelFile(values.model ?? defaultModelPath(io.env));
    return scoreLines(file, model, nowMs, toCliOutput, io);
  }
  const parsed = parseProfile(await readJson(file, 'profile'));
  if (!parsed.ok) throw new UsageError(`invalid profile ${file}:\n${parsed.issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
  const model = await loadModelFile(values.model ?? defaultModelPath(io.env));
  io.stdout(`${JSON.stringify(toCliOutput(score(parsed.profile, model, nowMs)), null, 2)}\n`);
  return 0;
}

async function runModelValidate(args: string[], io: CliIo): Promise<number> {
  if (args.length > 1) throw new UsageError(USAGE);
  const path = args[0] ?? defaultModelPath(io.env);
  const model = await loadModelFile(path);
  io.stdout(`valid: ${path} (version ${model.version})\n`);
  return 0;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === 'score') return await runScore(rest, io);
    if (command === 'model' && rest[0] === 'validate') return await runModelValidate(rest.slice(1), io);
    const outcomesIo = { stdout: io.stdout, loadModel: (path: string | undefined) => loadModelFile(path ?? defaultModelPath(io.env)) };
    if (command === 'model' && rest[0] === 'calibrate') return await runModelCalibrate(rest.slice(1), outcomesIo);
    if (command === 'model' && rest[0] === 'evaluate') return await runModelEvaluate(rest.slice(1), outcomesIo);
    throw new UsageError(USAGE);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ModelValidationError) {
      io.stderr(`${error.message}\n`);
      return 2;
    }
    if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`${error.message}\n${USAGE}\n`);
      return 2;
    }
    io.stderr(`bant: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

export async function main(): Promise<void> {
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    now: Date.now,
    drain: () => (process.stdout.writableNeedDrain ? new Promise((resolve) => process.stdout.once('drain', () => resolve())) : Promise.resolve()),
  });
}

if (import.meta.main) await main();
