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
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let line = 0;
  let rest = '';
  const handle = (text: string) => {
    line++;
    if (text.length === 0 || text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${path} line ${line}: not valid JSON: ${(error as Error).message}`);
    }
    onLine(value, line);
  };
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = rest === '' ? chunk : rest + chunk;
      let start = 0;
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
        handle(text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end));
        start = end + 1;
      }
      rest = text.slice(start);
      await afterChunk?.();
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${what} ${path}: ${(error as Error).message}`);
  } finally {
    stream.destroy();
  }
  if (rest !== '') handle(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
}

/** Whether a path names a JSON Lines file (one profile per line) rather than one JSON document. */
export function isJsonLinesPath(path: string): boolean {
  return /\.(jsonl|ndjson)$/i.test(path);
}
