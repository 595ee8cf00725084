// JSON Lines, read as a stream so a file of any length costs memory per chunk, not per file. Lines are handed
// over synchronously chunk by chunk (not one promise per line), which keeps `bant score FILE.jsonl` fast.
import { createReadStream } from 'node:fs';
import { UsageError } from './cli-usage-error.ts';

/**
 * Calls `onLine` for each non-blank line's JSON, with its 1-based line number (blank lines counted, as an editor
 * shows them), and awaits `afterChunk` between chunks (back-pressure). A line that is not JSON is a UsageError.
 */
export async function forEachJsonLine(
  path: string,
  what: string,
  onLine: (value: unknown, line: number) => void,
  afterChunk?: () => Promise<void>,
): Promise<void> {
  // Bytes, not text: newlines are found by the native Buffer search and each line is decoded on its own, which
  // is cheaper than decoding whole chunks and searching the text.
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let line = 0;
  let rest: Buffer | null = null;
  const handle = (bytes: Buffer, from: number, to: number) => {
    line++;
    if (to > from && bytes[to - 1] === 13) to--;
    if (to === from) return;
    const text = bytes.toString('utf8', from, to);
    // Lines almost always start with `{`; only others need the blank check.
    if (bytes[from] !== 123 && text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${path} line ${line}: not valid JSON: ${(error as Error).message}`);
    }
    onLine(value, line);
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      let end = chunk.indexOf(10);
      if (rest !== null && end >= 0) {
        const first = Buffer.concat([rest, chunk.subarray(0, end)]);
        rest = null;
        handle(first, 0, first.length);
        start = end + 1;
        end = chunk.indexOf(10, start);
      }
      for (; end >= 0; end = chunk.indexOf(10, start)) {
        handle(chunk, start, end);
        start = end + 1;
      }
      if (start < chunk.length) rest = rest === null ? Buffer.from(chunk.subarray(start)) : Buffer.concat([rest, chunk.subarray(start)]);
      await afterChunk?.();
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${what} ${path}: ${(error as Error).message}`);
  } finally {
    stream.destroy();
  }
  if (rest !== null) handle(rest, 0, rest.length);
}

/** Whether a path names a JSON Lines file (one profile per line) rather than one JSON document. */
export function isJsonLinesPath(path: string): boolean {
  return /\.(jsonl|ndjson)$/i.test(path);
}
