// `bant score FILE.jsonl` (docs/contract.md section 6): one profile per line in, one result per line out, in order.
// Streams both ways, so memory stays flat however long the file is.
import { UsageError } from './cli-usage-error.ts';
import { forEachJsonLine } from './read-json-lines.ts';
import { parseProfile, type ScoringModel, type ScoringResult, score } from './scoring/index.ts';

export interface ScoreLinesIo {
  stdout: (text: string | Uint8Array) => void;
  /** Resolves when the output can take more (back-pressure); absent: never waits. */
  drain?: () => Promise<void>;
}

const OUTPUT_CHUNK_BYTES = 1 << 20;

export async function scoreLines(
  path: string,
  model: ScoringModel,
  nowMs: number,
  format: (result: ScoringResult) => Record<string, unknown>,
  io: ScoreLinesIo,
): Promise<number> {
  // Results are encoded straight into a large buffer, handed over whole: appending ~1.4 KB lines to a string and
  // encoding that cost more than producing the lines (a string of many parts is flattened, then copied again).
  let out = Buffer.allocUnsafe(OUTPUT_CHUNK_BYTES);
  let used = 0;
  const flush = () => {
    if (used === 0) return;
    io.stdout(out.subarray(0, used));
    out = Buffer.allocUnsafe(OUTPUT_CHUNK_BYTES);
    used = 0;
  };
  const print = (text: string) => {
    // At most 3 bytes of UTF-8 per UTF-16 unit, and the newline.
    const room = text.length * 3 + 1;
    if (used + room > out.length) {
      flush();
      if (room > out.length) out = Buffer.allocUnsafe(room);
    }
    used += out.write(text, used);
    out[used++] = 10;
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
        print(JSON.stringify(format(score(parsed.profile, model, nowMs))));
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
