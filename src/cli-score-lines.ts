// `bant score FILE.jsonl` (docs/contract.md section 6): one profile per line in, one result per line out, in order.
// Streams both ways, so memory stays flat however long the file is.
import { UsageError } from './cli-usage-error.ts';
import { forEachJsonLine } from './read-json-lines.ts';
import { parseProfile, type ScoringModel, type ScoringResult, score } from './scoring/index.ts';

export interface ScoreLinesIo {
  stdout: (text: string) => void;
  /** Resolves when the output can take more (back-pressure); absent: never waits. */
  drain?: () => Promise<void>;
}

export async function scoreLines(
  path: string,
  model: ScoringModel,
  nowMs: number,
  format: (result: ScoringResult) => Record<string, unknown>,
  io: ScoreLinesIo,
): Promise<number> {
  let out = '';
  const flush = () => {
    if (out !== '') io.stdout(out);
    out = '';
  };
  try {
    await forEachJsonLine(
      path,
      'profiles file',
      (value, line) => {
        const parsed = parseProfile(value);
        if (!parsed.ok) {
          throw new UsageError(`${path} line ${line}: invalid profile:\n${parsed.issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
        }
        out += `${JSON.stringify(format(score(parsed.profile, model, nowMs)))}\n`;
      },
      async () => {
        flush();
        await io.drain?.();
      },
    );
  } finally {
    // Results of the lines before a bad one are printed, in order, before the error.
    flush();
  }
  return 0;
}
