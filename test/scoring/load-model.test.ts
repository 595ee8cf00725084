import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelValidationError } from '../../src/errors.ts';
import { loadModelFile } from '../../src/load-model.ts';
import { MODEL_JSON, MODEL_PATH } from './fixtures.ts';

async function writeTemp(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bant-model-'));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('loadModelFile', () => {
  it('when the file is the default model, then it loads', async () => {
    expect((await loadModelFile(MODEL_PATH.pathname)).version).toBe(MODEL_JSON.version);
  });

  it('when the model is invalid, then a ModelValidationError names the file and each path', async () => {
    const path = await writeTemp('broken-model.json', JSON.stringify({ ...MODEL_JSON, version: 7, mqlCells: ['Z9'] }));
    const error = await loadModelFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelValidationError);
    expect((error as ModelValidationError).message).toMatch(/broken-model\.json[\s\S]*version:[\s\S]*mqlCells\[0\]:/);
    expect((error as ModelValidationError).issues.map((i) => i.path)).toEqual(['version', 'mqlCells[0]']);
  });

  it('when the file is not JSON or missing, then the error says so with the file name', async () => {
    const path = await writeTemp('not-json.json', '{ nope');
    await expect(loadModelFile(path)).rejects.toThrow(/not-json\.json[\s\S]*not valid JSON/);
    await expect(loadModelFile(`${path}.missing`)).rejects.toThrow(/cannot read/);
  });
});
