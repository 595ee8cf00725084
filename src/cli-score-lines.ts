// `bant score FILE.jsonl` (CONTRACT.md section 6): one profile per line in, one result per line out, in order.
// Streams both ways, so memory stays flat however long the file is.
import { UsageError } from './cli-usage-error.ts';
import { readJsonLines } from './read-json-lines.ts';
import { parseProfile, type ScoringModel, type ScoringResult, score } from './scoring/index.ts';

export interface ScoreLinesIo {
  stdout: (text: string) => void;
  /** Resolves when the output can take more (back-pressure); absent: never waits. */
  drain?: () => Promise<void>;
}

/** Lines written per stdout call. */
const BATCH = 512;

export async function scoreLines(
  path: string,
  model: ScoringModel,
  nowMs: number,
  format: (result: ScoringResult) => Record<string, unknown>,
  io: ScoreLinesIo,
): Promise<number> {
  let batch: string[] = [];
  for await (const { line, value } of readJsonLines(path, 'profiles file')) {
    const parsed = parseProfile(value);
    if (!parsed.ok) {
      if (batch.length) io.stdout(`${batch.join('\n')}\n`);
      throw new UsageError(`${path} line ${line}: invalid profile:\n${parsed.issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
    }
    batch.push(JSON.stringify(format(score(parsed.profile, model, nowMs))));
    if (batch.length === BATCH) {
      io.stdout(`${batch.join('\n')}\n`);
      batch = [];
      await io.drain?.();
    }
  }
  if (batch.length) io.stdout(`${batch.join('\n')}\n`);
  return 0;
}
