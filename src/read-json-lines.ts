// JSON Lines, read as a stream so a file of any length costs memory per line, not per file.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { UsageError } from './cli-usage-error.ts';

export interface JsonLine {
  /** 1-based, counting blank lines too, as an editor shows them. */
  line: number;
  value: unknown;
}

/** Each non-blank line parsed; a line that is not JSON is a UsageError naming it. */
export async function* readJsonLines(path: string, what: string): AsyncGenerator<JsonLine> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  try {
    await opened;
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${path}: ${(error as Error).message}`);
  }
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new UsageError(`${path} line ${line}: not valid JSON: ${(error as Error).message}`);
      }
      yield { line, value };
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

/** Whether a path names a JSON Lines file (one profile per line) rather than one JSON document. */
export function isJsonLinesPath(path: string): boolean {
  return /\.(jsonl|ndjson)$/i.test(path);
}
