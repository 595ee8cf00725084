import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/cli-usage-error.ts';
import { forEachJsonLine } from '../src/read-json-lines.ts';

async function file(content: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'jsonl-')), 'x.jsonl');
  await writeFile(path, content);
  return path;
}

async function read(path: string): Promise<Array<[number, unknown]>> {
  const out: Array<[number, unknown]> = [];
  await forEachJsonLine(path, 'test file', (value, line) => out.push([line, value]));
  return out;
}

describe('forEachJsonLine', () => {
  it('when lines cross the 1 MiB read chunks, carry umlauts, CRLF, blank lines and no final newline, then each is read once with its line number', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) lines.push(JSON.stringify({ i, text: `Geschäftsführerin ${'ü'.repeat(i % 700)}` }));
    const content = `${lines.slice(0, 1000).join('\n')}\n\n  \r\n${lines.slice(1000).join('\r\n')}`;
    const got = await read(await file(content));
    expect(got).toHaveLength(3000);
    expect(got[999]).toEqual([1000, JSON.parse(lines[999]!)]);
    // Two blank lines after line 1000.
    expect(got[1000]![0]).toBe(1003);
    expect(got.at(-1)).toEqual([3002, JSON.parse(lines[2999]!)]);
  });

  it('when a line is not JSON, then the error names the file and the line', async () => {
    const path = await file('{"a":1}\n{"a":\n');
    await expect(read(path)).rejects.toThrow(UsageError);
    await expect(read(path)).rejects.toThrow(/line 2: not valid JSON/);
  });

  it('when the file cannot be read, then the error says so', async () => {
    await expect(read('/nonexistent/x.jsonl')).rejects.toThrow(/cannot read test file/);
  });
});
